"""Transfers as the network works (issue 16): a street centre hands a case to its district
centre, which may send it back; a declined case goes on to another organisation without a new
filing; nothing goes outside the employer's district."""

import pytest
from sqlalchemy import func, select

from mediation.cases.operations import fire
from mediation.core import clocks
from mediation.extensions import db
from mediation.models import Case, Organization, OrgKind, Region, RegionLevel
from mediation.stats import figures
from tests.factories import filed_case, user

STREET_CENTRE = "凤城街道劳动人事争议调解中心"
DISTRICT_CENTRE = "清城区劳动人事争议调解中心"
UNION = "清城区总工会劳动争议调解委员会"
COURT = "清城区人民法院诉前调解中心"
OTHER_UNION = "清新区总工会劳动争议调解委员会"
EN = {"Accept-Language": "en"}


def org_id(name: str) -> int:
    return db.session.scalar(select(Organization.id).where(Organization.name == name))


def other_district_union() -> int:
    """A trade union in the next district, which serves none of the demo employer's cases."""
    other = Region(code="441803", name="清新区", level=RegionLevel.district)
    union = Organization(name=OTHER_UNION, kind=OrgKind.union, region=other)
    db.session.add_all([other, union])
    db.session.commit()
    return union.id


def statutory_dates(case_id: int) -> tuple:
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    return case.received_at, clocks.arbitration_available_from(case)


def test_a_street_centre_case_goes_to_the_district_centre_and_back_with_reasons(
    app, demo, make_browser
):
    with app.test_request_context():
        case = filed_case()
        dates = statutory_dates(case.id)
    street = make_browser()
    street.login("med_hr")
    page = street.get(f"/cases/{case.id}", headers=EN).get_data(as_text=True)
    assert f"{DISTRICT_CENTRE} — The district centre of 清城区" in page
    assert "东城街道劳动人事争议调解中心" not in page and UNION not in page

    # An organisation outside the employer's district is refused, even asked for by its id.
    outside = street.act(
        case.id,
        "escalate",
        {"reason": "请清新区工会调解", "organization_id": str(other_district_union())},
        headers=EN,
    )
    assert outside.status_code == 422
    assert "Choose one of the organisations listed." in outside.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, case.id).organization.name == STREET_CENTRE

    sent = street.act(
        case.id,
        "escalate",
        {"reason": "涉及二十名工人，请区中心调解", "organization_id": str(org_id(DISTRICT_CENTRE))},
    )
    assert sent.status_code == 302
    district = make_browser()
    district.login("med_district")
    assert case.number in district.get("/queue").get_data(as_text=True)
    page = district.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "涉及二十名工人，请区中心调解" in page
    with app.test_request_context():
        assert statutory_dates(case.id) == dates

    back = district.act(case.id, "return", {"reason": "请街道中心先行调解"})
    assert back.status_code == 302
    db.session.expire_all()
    returned = db.session.get(Case, case.id)
    assert (returned.organization.name, returned.state, returned.tier) == (
        STREET_CENTRE,
        "applied",
        "hr_bureau",
    )
    assert case.number in street.get("/queue").get_data(as_text=True)
    assert "请街道中心先行调解" in street.get(f"/cases/{case.id}").get_data(as_text=True)
    with app.test_request_context():
        assert statutory_dates(case.id) == dates


@pytest.mark.both_databases
def test_a_declined_case_goes_to_the_union_at_the_applicants_request_without_a_new_filing(
    app, demo, make_browser
):
    other_district_union()
    with app.test_request_context():
        case = filed_case()
        fire(case, "decline", actor=user("med_hr"), reason="不属于本中心受理范围")
        db.session.commit()
        dates = statutory_dates(case.id)
    cases_before = db.session.scalar(select(func.count(Case.id)))
    worker = make_browser()
    worker.login("worker1")
    page = worker.get(f"/cases/{case.id}", headers=EN).get_data(as_text=True)
    assert f"{UNION} — The trade union&#39;s mediation of 清城区" in page  # asked from the page
    client = app.test_client()
    token = client.post("/api/v1/tokens", json={"username": "worker1", "password": "demo-2026"})
    headers = {"Authorization": f"Bearer {token.json['token']}", **EN}

    targets = client.get(f"/api/v1/cases/{case.id}/transfer-targets", headers=headers).json
    offered = {t["organization"]["name"]: t["basis"] for t in targets["items"]}
    assert offered == {
        "清远某某新材料有限公司劳动争议调解委员会": "employer_committee",
        UNION: "district_union",
        DISTRICT_CENTRE: "district_centre",
        COURT: "district_court",
    }  # neither the centre that declined it nor anything outside the employer's district
    refused = client.post(
        f"/api/v1/cases/{case.id}/escalate",
        json={"reason": "请工会调解", "organization_id": org_id(OTHER_UNION)},
        headers=headers,
    )
    assert refused.status_code == 422
    assert refused.json["errors"] == {
        "organization_id": ["Choose one of the organisations listed."]
    }

    moved = client.post(
        f"/api/v1/cases/{case.id}/escalate",
        json={"reason": "请工会调解", "organization_id": org_id(UNION)},
        headers=headers,
    )
    assert moved.status_code == 200
    assert (moved.json["state"], moved.json["outcome"], moved.json["number"]) == (
        "applied",
        None,
        case.number,
    )
    assert moved.json["organization"]["name"] == UNION
    assert db.session.scalar(select(func.count(Case.id))) == cases_before
    with app.test_request_context():
        assert statutory_dates(case.id) == dates
    assert set(figures.verify().values()) == {0}  # the reopened case is no longer declined

    union = make_browser()
    union.login("med_union")
    assert case.number in union.get("/queue").get_data(as_text=True)
    page = union.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "不属于本中心受理范围" in page and "请工会调解" in page  # the history travels


def test_the_declining_centre_itself_transfers_the_case_to_the_union(app, demo, make_browser):
    with app.test_request_context():
        case = filed_case()
        dates = statutory_dates(case.id)
    street = make_browser()
    street.login("med_hr")
    assert street.act(case.id, "decline", {"reason": "争议属工会调解范围"}).status_code == 302
    page = street.get(f"/cases/{case.id}", headers=EN).get_data(as_text=True)
    assert f"{UNION} — The trade union&#39;s mediation of 清城区" in page

    sent = street.act(
        case.id,
        "escalate",
        {"reason": "已告知申请人，转工会调解", "organization_id": str(org_id(UNION))},
    )
    assert sent.status_code == 302
    db.session.expire_all()
    moved = db.session.get(Case, case.id)
    assert (moved.organization.name, moved.state, moved.outcome, moved.number) == (
        UNION,
        "applied",
        None,
        case.number,
    )
    with app.test_request_context():
        assert statutory_dates(case.id) == dates
    union = make_browser()
    union.login("med_union")
    assert case.number in union.get("/queue").get_data(as_text=True)
    page = union.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "争议属工会调解范围" in page and "已告知申请人，转工会调解" in page
