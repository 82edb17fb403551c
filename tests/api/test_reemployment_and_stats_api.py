"""Referrals, vacancies and the supervisor's figures through the API, every answer checked
against the document like the case API's."""

import pytest
from sqlalchemy import select

from mediation.extensions import db
from mediation.localtime import local_today
from mediation.models import Region, RegionLevel
from tests.api.bodies import body
from tests.factories import forget_figures

REASON = {"reason": "公司拒绝支付"}


@pytest.fixture
def referral_id(api):
    """A worker who lost the job; the mediation failed, so the worker is referred."""
    case_id = api(
        "POST", "/cases", "worker1", json=body(lost_job=True, reemployment_consent=True)
    ).json["id"]
    for trigger, data in [
        ("accept", {"respondent_consent": True, "consent_via": "phone"}),
        ("mediate", {}),
        ("fail", REASON),
    ]:
        assert api("POST", f"/cases/{case_id}/{trigger}", "med_hr", json=data).status_code == 200
    items = api("GET", "/referrals", "worker1").json["items"]
    assert [(item["case_id"], item["state"]) for item in items] == [(case_id, "referred")]
    return items[0]["id"]


def test_an_officer_works_a_referral_to_a_placement(api, referral_id):
    path = f"/referrals/{referral_id}"
    assert api("GET", path, "reemploy1").json["officer"] is None
    assert api("POST", f"{path}/claim", "reemploy1").json["officer"]
    assert api("POST", f"{path}/claim", "reemploy1").status_code == 409
    contact = api("POST", f"{path}/contact", "reemploy1", json={"channel": "phone", "result": "通"})
    assert contact.status_code == 200 and contact.json["state"] == "contacted"
    placed = api(
        "POST",
        f"{path}/place",
        "reemploy1",
        json={
            "employer": "某某公司",
            "job": "操作工",
            "start_date": local_today().isoformat(),
            "monthly_wage": "6800",
        },
    )
    assert placed.json["state"] == "placed"
    assert placed.json["placement"]["monthly_wage"] == "6800.00"
    again = api("POST", f"{path}/contact", "reemploy1", json={"channel": "phone", "result": "x"})
    assert again.status_code == 409


def test_a_bad_placement_names_each_field(api, referral_id):
    # Before any contact a placement is not possible, whatever the body (409 before 422).
    early = api("POST", f"/referrals/{referral_id}/place", "reemploy1", json={})
    assert early.status_code == 409
    contact = {"channel": "phone", "result": "通"}
    done = api("POST", f"/referrals/{referral_id}/contact", "reemploy1", json=contact)
    assert done.status_code == 200
    response = api(
        "POST",
        f"/referrals/{referral_id}/place",
        "reemploy1",
        json={"employer": "", "start_date": "soon", "monthly_wage": -1},
    )
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"employer", "job", "start_date", "monthly_wage"}


def test_a_worker_s_bad_body_for_an_officer_s_trigger_is_403(api, referral_id):
    response = api(
        "POST", f"/referrals/{referral_id}/place", "worker1", json={"monthly_wage": "lots"}
    )
    assert response.status_code == 403
    assert api("POST", f"/referrals/{referral_id}/fly", "reemploy1", json={}).status_code == 404


def test_the_worker_may_decline_the_help(api, referral_id):
    response = api(
        "POST", f"/referrals/{referral_id}/decline", "worker1", json={"reason": "不需要"}
    )
    assert response.status_code == 200 and response.json["state"] == "declined"


def test_vacancies_are_entered_with_every_problem_at_once(api):
    district = db.session.scalar(select(Region.id).where(Region.level == RegionLevel.district))
    bad = api(
        "POST",
        "/vacancies",
        "reemploy1",
        json={
            "employer": "某某公司",
            "title": "",
            "industry": "Z",
            "district_id": 999999,
            "wage_min": "5000",
            "wage_max": "4000",
            "openings": 0,
        },
    )
    assert bad.status_code == 422
    assert set(bad.json["errors"]) == {"title", "industry", "district_id", "wage_max", "openings"}
    good = api(
        "POST",
        "/vacancies",
        "reemploy1",
        json={
            "employer": "某某公司",
            "title": "仓库管理员",
            "industry": "C",
            "district_id": district,
            "wage_min": "5000",
            "wage_max": "6500.5",
            "skills": ["叉车"],
        },
    )
    assert good.status_code == 201
    assert (good.json["wage_max"], good.json["openings"]) == ("6500.50", 1)
    assert [v["title"] for v in api("GET", "/vacancies", "reemploy1").json["items"]] == [
        "仓库管理员"
    ]


def test_the_figures_filters_and_uncounted_database(api):
    api("POST", "/cases", "worker1", json=body())
    figures = api("GET", "/stats", "supervisor1").json
    assert figures["received"] == 1 and figures["amount_claimed"] == "13000.00"
    assert figures["filters"]["period"] == "month"
    bad = api("GET", "/stats?period=fortnight&from=2026-13-01", "supervisor1")
    assert bad.status_code == 422 and set(bad.json["errors"]) >= {"period"}
    assert api("GET", "/stats", "worker1").status_code == 403
    forget_figures()
    assert api("GET", "/stats", "supervisor1").status_code == 503
