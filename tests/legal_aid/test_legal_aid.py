"""A worker asks for legal aid (法律援助法 第三十一条), with the application or later, on the page
or through the API; the request goes to the legal-aid station of the employer's district, or,
without one recorded, to the case's staff to pass on. Once per case. The figures count the
cases with a request and those handed to arbitration."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from mediation.core import audit
from mediation.extensions import db
from mediation.localtime import local_today
from mediation.models import AuditEvent, Case, LegalAidRequest, Notification
from mediation.stats import figures
from mediation.stats.compute import compute, recompute
from mediation.stats.filters import Filters
from tests.cases.test_pages import FILING
from tests.factories import filed_case, user

EN = {"Accept-Language": "en"}
STATION = "清城区法律援助处（演示）"  # the demo district's (mediation.demo)
STATION_ADDRESS = "清远市清城区示例路3号（演示地址）"


def kinds_sent_to(username: str, case: Case) -> set[str]:
    return set(
        db.session.scalars(
            select(Notification.kind).where(
                Notification.case_id == case.id, Notification.user_id == user(username).id
            )
        )
    )


def page_of(browser, case: Case) -> str:
    return browser.get(f"/cases/{case.id}", headers=EN).get_data(as_text=True)


def signed_in(make_browser, username: str):
    browser = make_browser()
    browser.login(username)
    return browser


def api(app, username: str):
    client = app.test_client()
    token = client.post(
        "/api/v1/tokens", json={"username": username, "password": "demo-2026"}
    ).json["token"]
    headers = {"Authorization": f"Bearer {token}", **EN}
    return lambda method, path, **kw: client.open(
        f"/api/v1{path}", method=method, headers=headers, **kw
    )


def test_asked_at_filing_the_station_is_named_and_the_staff_are_told(app, demo, make_browser):
    worker = signed_in(make_browser, "worker1")
    form = worker.get("/cases/new", headers=EN).get_data(as_text=True)
    assert "I would like to ask for free legal aid" in form and "法律援助法 第三十一条" in form
    response = worker.submit("/cases/new", {**FILING, "legal_aid": "y"}, headers=EN)
    assert response.status_code == 302
    case = db.session.scalar(select(Case))
    request = db.session.scalar(select(LegalAidRequest))
    assert (request.case_id, request.channel, request.station) == (case.id, "filing", STATION)
    assert request.requested_by_id == user("worker1").id

    html = page_of(worker, case)
    assert f"The request was passed on to {STATION}." in html
    assert STATION_ADDRESS in html and "12348" in html
    assert "Ask for legal aid</button>" not in html  # asked already
    assert "legal_aid_requested" in kinds_sent_to("worker1", case)
    assert "legal_aid_referred" in kinds_sent_to("med_hr", case)  # the street centre's staff
    assert db.session.scalar(
        select(AuditEvent.id).where(
            AuditEvent.case_id == case.id, AuditEvent.action == "case.legal_aid_requested"
        )
    )
    staff_page = page_of(signed_in(make_browser, "med_hr"), case)
    assert "The worker asked for legal aid on" in staff_page and STATION in staff_page
    # The request tells of the worker's means: not the employer's business.
    assert "Legal aid</h2>" not in page_of(signed_in(make_browser, "employer1"), case)


def test_asked_later_through_the_api_once_only(app, demo):
    with app.test_request_context():
        case = filed_case()
    worker, employer = api(app, "worker1"), api(app, "employer1")
    assert worker("GET", f"/cases/{case.id}").json["legal_aid"] is None
    assert employer("POST", f"/cases/{case.id}/legal-aid").status_code == 403

    answer = worker("POST", f"/cases/{case.id}/legal-aid")
    assert answer.status_code == 201
    assert answer.json["legal_aid"]["channel"] == "later"
    assert answer.json["legal_aid"]["station"] == STATION
    assert answer.json["legal_aid"]["station_phone"] == "12348"

    again = worker("POST", f"/cases/{case.id}/legal-aid")
    assert again.status_code == 409
    assert "You have already asked for legal aid" in again.json["message"]
    assert db.session.query(LegalAidRequest).count() == 1
    assert employer("GET", f"/cases/{case.id}").json["legal_aid"] is None
    assert "legal_aid_referred" in kinds_sent_to("med_hr", case)


def test_the_filing_body_asks_too_and_the_page_refuses_a_second_time(app, demo, make_browser):
    body = {
        "employer": {"name": "清远某某新材料有限公司", "uscc": "91350100M000100Y43"},
        "employment": {"start_date": "2023-03-01", "job": "操作工"},
        "categories": ["wage_arrears"],
        "facts": "拖欠工资",
        "legal_aid": True,
    }
    filed = api(app, "worker1")("POST", "/cases", json=body)
    assert filed.status_code == 201, filed.json
    assert filed.json["legal_aid"]["channel"] == "filing"
    case = db.session.get(Case, filed.json["id"])

    worker = signed_in(make_browser, "worker1")
    response = worker.submit(
        f"/cases/{case.id}/legal-aid", {}, page=f"/cases/{case.id}", headers=EN
    )
    assert response.status_code == 302
    assert "You have already asked for legal aid in this case" in page_of(worker, case)
    assert db.session.query(LegalAidRequest).count() == 1


def test_without_a_station_the_request_is_kept_for_staff_to_pass_on(app, demo, make_browser):
    with app.test_request_context():
        case = filed_case()
        district = case.employer.region.district
        district.legal_aid_station = district.legal_aid_address = district.legal_aid_phone = None
        db.session.commit()
    worker = signed_in(make_browser, "worker1")
    offer = page_of(worker, case)
    assert "you may apply for free legal aid" in offer and "Ask for legal aid</button>" in offer

    response = worker.submit(
        f"/cases/{case.id}/legal-aid", {}, page=f"/cases/{case.id}", headers=EN
    )
    assert response.status_code == 302
    request = db.session.scalar(select(LegalAidRequest))
    assert request.case_id == case.id and request.station is None
    assert "The staff handling your case will pass the request on" in page_of(worker, case)
    assert "legal_aid_requested_no_station" in kinds_sent_to("worker1", case)
    assert "legal_aid_to_pass_on" in kinds_sent_to("med_hr", case)
    staff_page = page_of(signed_in(make_browser, "med_hr"), case)
    assert "please pass the request on to the station yourself" in staff_page


@pytest.mark.both_databases
def test_the_figures_count_legal_aid_and_hand_offs_as_a_recount_does(app, demo):
    with app.test_request_context():
        from mediation.legal_aid import operations

        asked, handed, both, neither = (filed_case() for _ in range(4))
        for case in (asked, both):
            operations.request_legal_aid(case, actor=user("worker1"))
        for case in (handed, both):
            # Twice for one case: it is still one case handed to arbitration.
            audit.record_case_event(case, "handed_to_arbitration", actor=user("med_hr"))
            audit.record_case_event(case, "handed_to_arbitration", actor=user("med_hr"))
        db.session.commit()
        supervisor = user("supervisor1")
        today = local_today()
        period = Filters(start=today - timedelta(days=1), end=today + timedelta(days=1))
        counted = compute(period, supervisor)
        assert counted == recompute(period, supervisor)
        assert (counted.legal_aid_requests, counted.handed_to_arbitration) == (2, 2)
        assert set(figures.verify().values()) == {0}
    assert neither.id not in {asked.id, handed.id, both.id}
