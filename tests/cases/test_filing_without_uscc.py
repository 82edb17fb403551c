"""A worker who does not know the employer's USCC files with its name and address; the form
suggests known employers; staff complete the code before accepting the case."""

import re

import pytest
from sqlalchemy import func, select

from mediation.cases.filing import EmployerInput
from mediation.extensions import db
from mediation.models import AuditEvent, Case, Employer, Region, User
from mediation.validators import uscc_check_character
from tests.cases.test_pages import FILING
from tests.conftest import Browser
from tests.factories import filed_case

KNOWN_USCC = "91350100M000100Y43"  # 清远某某新材料有限公司, a demo employer
NEW_USCC = "91441802MA5D8EF3K" + uscc_check_character("91441802MA5D8EF3K")
NAME = "清远某某五金制品有限公司"
ADDRESS = "清远市清城区凤城街道某某路8号"


def street_id() -> int:
    return db.session.scalar(select(Region.id).where(Region.code == "441802001"))


def without_uscc(**changes) -> EmployerInput:
    values = {"name": NAME, "address": ADDRESS, "region_id": street_id(), "industry": "C"}
    return EmployerInput(**{**values, **changes})


def staff_of(case: Case) -> User:
    return db.session.scalar(
        select(User).where(User.organization_id == case.organization_id).order_by(User.id)
    )


def field_errors(response) -> dict[str, str]:
    html = response.get_data(as_text=True)
    return dict(re.findall(r'<p class="field-error" id="([\w-]+)-error">([^<]*)</p>', html))


FORM = {
    **FILING,
    "employer_name": NAME,
    "employer_uscc": "",
    "employer_address": ADDRESS,
    "employer_industry": "C",
}


def test_a_worker_files_on_the_page_without_the_uscc(app, demo, browser):
    browser.login("worker1")
    missing = browser.submit(
        "/cases/new", {**FORM, "employer_address": ""}, headers={"Accept-Language": "en"}
    )
    assert missing.status_code == 422
    problems = field_errors(missing)
    assert "address" in problems["employer_address"]
    assert "street" in problems["employer_region"]
    assert NAME in missing.get_data(as_text=True)  # what was typed is kept

    filed = browser.submit("/cases/new", {**FORM, "employer_region": str(street_id())})
    assert filed.status_code == 302
    case = db.session.scalar(select(Case).order_by(Case.id.desc()).limit(1))
    assert (case.employer.name, case.employer.uscc) == (NAME, None)
    assert case.employer.address == ADDRESS and case.employer.region_id == street_id()

    again = browser.submit("/cases/new", {**FORM, "employer_region": str(street_id())})
    assert again.status_code == 302  # the same company without a code: reused
    assert db.session.scalar(select(func.count()).where(Employer.name == NAME)) == 1


def test_a_worker_files_through_the_api_without_the_uscc(app, demo):
    client = app.test_client()
    token = client.post(
        "/api/v1/tokens", json={"username": "worker1", "password": "demo-2026"}
    ).json["token"]
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    body = {
        "employer": {"name": NAME},
        "employment": {"start_date": "2023-03-01", "job": "操作工"},
        "categories": ["wage_arrears"],
        "facts": "公司拖欠工资。",
    }
    refused = client.post("/api/v1/cases", json={**body, "facts": ""}, headers=headers)
    assert refused.status_code == 422
    assert {"employer_address", "employer_region", "employer_industry", "facts"} <= set(
        refused.json["errors"]
    )

    employer = {"name": NAME, "address": ADDRESS, "region_id": street_id(), "industry": "C"}
    filed = client.post("/api/v1/cases", json={**body, "employer": employer}, headers=headers)
    assert filed.status_code == 201, filed.json
    assert filed.json["employer"] == {"name": NAME, "uscc": None}


def test_the_form_suggests_known_employers_by_name(app, demo, browser):
    browser.login("worker1")
    found = browser.get("/employers/search?q=某某新材料").json
    assert found == [{"name": "清远某某新材料有限公司", "uscc": KNOWN_USCC, "street": "凤城街道"}]
    assert browser.get("/employers/search?q=%25").json == []  # a percent sign, not a wildcard
    assert browser.get("/employers/search?q=_").json == []
    assert browser.get("/employers/search").json == []
    page = browser.get("/cases/new").get_data(as_text=True)
    assert 'list="employer-suggestions"' in page and "js/employer_search.js" in page
    assert browser.get("/static/js/employer_search.js").status_code == 200


@pytest.fixture
def unknown(app, demo) -> Case:
    return filed_case(employer=without_uscc())


def test_accepting_needs_the_uscc_and_staff_complete_it_with_a_new_code(unknown, make_browser):
    mediator = staff_of(unknown)
    browser = make_browser()
    browser.login(mediator.username)
    page = browser.get(f"/cases/{unknown.id}").get_data(as_text=True)
    assert f"/cases/{unknown.id}/employer/uscc" in page  # the form to complete it

    english = {"Accept-Language": "en"}
    refused = browser.act(
        unknown.id,
        "accept",
        {"respondent_consent": "y", "consent_via": "phone"},
        headers=english,
    )
    assert refused.status_code == 422
    assert "complete it on the case page before accepting" in refused.get_data(as_text=True)

    url = f"/cases/{unknown.id}/employer/uscc"
    wrong = browser.submit(
        url, {"uscc": KNOWN_USCC[:-1] + "X"}, page=f"/cases/{unknown.id}", headers=english
    )
    assert wrong.status_code == 422
    assert "last character" in field_errors(wrong)["uscc"]

    done = browser.submit(url, {"uscc": NEW_USCC.lower()}, page=f"/cases/{unknown.id}")
    assert done.status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, unknown.id)
    assert case.employer.uscc == NEW_USCC and case.employer.name == NAME
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "case.employer_uscc_completed")
    )
    assert event.case_id == case.id and event.details["moved"] is False

    accepted = browser.act(case.id, "accept", {"respondent_consent": "y", "consent_via": "phone"})
    assert accepted.status_code == 302
    assert url not in browser.get(f"/cases/{case.id}").get_data(as_text=True)


def test_an_existing_code_moves_the_case_to_that_employer(unknown, app):
    mediator = staff_of(unknown)
    filed_employer = unknown.employer_id
    client = app.test_client()
    token = client.post(
        "/api/v1/tokens", json={"username": mediator.username, "password": "demo-2026"}
    ).json["token"]
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    refused = client.post(
        f"/api/v1/cases/{unknown.id}/accept",
        json={"respondent_consent": True, "consent_via": "phone"},
        headers=headers,
    )
    assert refused.status_code == 422
    assert "complete it on the case page" in refused.json["errors"]["uscc"][0]

    browser_client = app.test_client()
    browser = Browser(browser_client)
    browser.login(mediator.username)
    moved = browser.submit(
        f"/cases/{unknown.id}/employer/uscc", {"uscc": KNOWN_USCC}, page=f"/cases/{unknown.id}"
    )
    assert moved.status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, unknown.id)
    assert case.employer.uscc == KNOWN_USCC and case.employer.name == "清远某某新材料有限公司"
    kept = db.session.get(Employer, filed_employer)
    assert kept is not None and kept.uscc is None  # kept, unused by this case
    assert case.organization_id == staff_of(unknown).organization_id  # routing stays

    accepted = client.post(
        f"/api/v1/cases/{case.id}/accept",
        json={"respondent_consent": True, "consent_via": "phone"},
        headers=headers,
    )
    assert accepted.status_code == 200, accepted.json


def test_others_cannot_complete_the_code(unknown, make_browser):
    worker = make_browser()
    worker.login("worker1")
    answer = worker.submit(
        f"/cases/{unknown.id}/employer/uscc", {"uscc": NEW_USCC}, page=f"/cases/{unknown.id}"
    )
    assert answer.status_code == 403
    assert db.session.get(Employer, unknown.employer_id).uscc is None
