"""The worker's applications outside mediation, prepared from the case: the arbitration
application once mediation failed (printed, edited, handed to the commission once), and the
payment-order application for an unpaid wage agreement, addressed to the district's court."""

import re
import shutil
import subprocess
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from mediation.cases import agreements, payment
from mediation.cases.operations import fire
from mediation.core import clocks
from mediation.extensions import db
from mediation.i18n import human_date
from mediation.localtime import local_today
from mediation.models import AuditEvent, Case, Notification, Payment
from mediation.models.types import utcnow
from tests.conftest import skip_or_fail
from tests.factories import filed_case, mediating_case, user

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}
COMMISSION = "清远市清城区劳动人事争议仲裁委员会"  # the demo district's, from its record
BASIC_COURT = "清远市清城区人民法院"  # the court itself, from the district's record
MEDIATION_CENTRE = "清城区人民法院诉前调解中心"  # the court's organisation on the network


def failed_case(app) -> Case:
    with app.test_request_context():
        case = mediating_case()
        fire(case, "fail", actor=user("med_hr"), reason="双方对工资数额分歧较大。")
        db.session.commit()
    return case


def unpaid_wage_agreement(app) -> Case:
    """Settled for 13,000 yuan of wages, due 10 days ago; the worker says nothing was paid."""
    with app.test_request_context():
        case = mediating_case()
        mediator = user("med_hr")
        agreements.draft_agreement(
            case,
            actor=mediator,
            terms="公司支付拖欠工资13000元。",
            amount=Decimal(13000),
            due_date=local_today() - timedelta(days=10),
        )
        for party in ("worker1", "employer1"):
            agreements.sign(case, actor=user(party), version=1, password="demo-2026")
        fire(case, "settle", actor=mediator)
        payment.report_payment(case, actor=user("worker1"), payment=Payment.not_paid)
        db.session.commit()
    return case


def token(client, username: str) -> dict:
    answer = client.post("/api/v1/tokens", json={"username": username, "password": "demo-2026"})
    return {"Authorization": f"Bearer {answer.json['token']}", **EN}


# --- Reading the PDF back with poppler, as tests/documents/test_pdf.py does -------------------


@pytest.fixture
def poppler():
    if not (shutil.which("pdftotext") and shutil.which("pdftoppm")):
        skip_or_fail("poppler", "poppler-utils is not installed")


def pdf_text(body: bytes, tmp_path: Path) -> str:
    path = tmp_path / "application.pdf"
    path.write_bytes(body)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return "".join(text.split())  # line breaks fall anywhere in wrapped Chinese


def dark_pixels_on_page_one(body: bytes, tmp_path: Path) -> int:
    path = tmp_path / "page.pdf"
    path.write_bytes(body)
    prefix = tmp_path / "page"
    subprocess.run(
        ["pdftoppm", "-r", "30", "-gray", "-f", "1", "-l", "1", "-singlefile", str(path), prefix],
        check=True,
    )
    image = prefix.with_suffix(".pgm").read_bytes()
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", image)
    assert header, "pdftoppm did not write an 8-bit greyscale PGM"
    return sum(1 for value in image[header.end() :] if value < 128)


# --- Arbitration ------------------------------------------------------------------------------


def test_a_failed_case_gives_the_worker_a_printable_arbitration_application(
    app, demo, browser, poppler, tmp_path
):
    case = failed_case(app)
    browser.login("worker1")
    page = browser.get(f"/cases/{case.id}", headers=EN).get_data(as_text=True)
    assert "Check and edit the application" in page and COMMISSION in page

    answer = browser.get(f"/cases/{case.id}/arbitration-application.pdf", headers=ZH)
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    text = pdf_text(answer.data, tmp_path)
    assert COMMISSION in text
    assert "两个月工资" in text and "13,000.00" in text  # the claim and its amount
    assert "441802199003150013" in text  # the worker's own filing: the full ID number
    assert "清远市清城区示例路1号" in text  # the commission's address on record
    assert "双方对工资数额分歧较大" in text  # the mediation history: how it ended
    assert dark_pixels_on_page_one(answer.data, tmp_path) > 100  # not a blank page


def test_the_application_states_the_time_limit_and_the_employers_code(
    app, demo, browser, poppler, tmp_path
):
    """A worker whose job has ended: the year to apply runs again from the failure (第二十七条)
    and the application says until when; the respondent is named with its USCC."""
    with app.test_request_context():
        case = filed_case(employment_end=local_today() - timedelta(days=40))
        mediator = user("med_hr")
        fire(case, "accept", actor=mediator, respondent_consent=True, consent_via="window")
        fire(case, "mediate", actor=mediator)
        fire(case, "fail", actor=mediator, reason="双方分歧较大。")
        db.session.commit()
        ends_on = clocks.limitation(case).ends_on
        assert ends_on is not None and ends_on > date.today()
        with force_locale("zh_CN"):
            last_day = human_date(ends_on)
    browser.login("worker1")
    pdf = browser.get(f"/cases/{case.id}/arbitration-application.pdf", headers=ZH)
    text = pdf_text(pdf.data, tmp_path)
    assert "91350100M000100Y43" in text  # the respondent's unified social credit code
    assert "".join(last_day.split()) in text


@pytest.mark.parametrize("route", ["declined", "period_expired", "unpaid_agreement"])
def test_arbitration_opens_beyond_a_failed_mediation(app, demo, browser, monkeypatch, route):
    """Declined, past the 15 days without an agreement (第十四条), or an agreement not paid
    (第十五条): the worker may apply, and the application is there."""
    if route == "unpaid_agreement":
        case = unpaid_wage_agreement(app)
    else:
        with app.test_request_context():
            if route == "declined":
                case = filed_case()
                fire(case, "decline", actor=user("med_hr"), reason="不属于本中心受理范围")
            else:
                case = mediating_case()
            db.session.commit()
    if route == "period_expired":
        now = utcnow()
        monkeypatch.setattr("mediation.localtime.utcnow", lambda: now + timedelta(days=20))
    browser.login("worker1")
    answer = browser.get(f"/cases/{case.id}/arbitration-application", headers=EN)
    assert answer.status_code == 200 and COMMISSION in answer.text


def test_an_amount_edited_to_text_is_refused_with_everything_typed_kept(app, demo, browser):
    case = failed_case(app)
    browser.login("worker1")
    url = f"/cases/{case.id}/arbitration-application"
    sent = {
        "claims-0-description": "拖欠工资",
        "claims-0-amount": "一万三",
        "claims-1-description": "加班费",
        "claims-1-amount": "2000",
        "facts": "公司拖欠工资，我多次催讨未果。",
        "evidence": "工资条\n考勤记录",
        "applicant_address": "清远市清城区某街道1号",
    }
    answer = browser.submit(url, sent, headers=EN)
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "Please correct the following" in page
    assert "Enter an amount in yuan, e.g. 6500 or 6500.50." in page
    for typed in ("一万三", "加班费", "公司拖欠工资，我多次催讨未果。", "考勤记录", "某街道1号"):
        assert typed in page

    answer = browser.submit(url, {**sent, "claims-0-amount": "13000"}, headers=EN)
    assert answer.status_code == 302
    saved = browser.get(url, headers=EN).get_data(as_text=True)
    case_page = browser.get(f"/cases/{case.id}", headers=EN).get_data(as_text=True)
    assert "加班费" in saved and "Last saved" in case_page

    headers = token(browser.client, "worker1")
    api = f"/api/v1/cases/{case.id}/arbitration-application"
    body = {"claims": [{"description": "工资", "amount": "abc"}], "facts": ""}
    answer = browser.client.put(api, json=body, headers=headers)
    assert answer.status_code == 422
    assert answer.json["errors"]["claims.0.amount"] == [
        "Enter an amount in yuan, e.g. 6500 or 6500.50."
    ]
    assert "facts" in answer.json["errors"]
    assert browser.client.get(api, headers=headers).json["claims"][1]["amount"] == "2000.00"


def test_only_the_applicant_and_the_cases_staff_reach_the_application(app, demo, make_browser):
    case = failed_case(app)
    url = f"/cases/{case.id}/arbitration-application"
    other_worker = make_browser()
    other_worker.login("worker2")
    assert other_worker.get(url).status_code == 404
    assert other_worker.get(f"{url}.pdf").status_code == 404
    headers = token(other_worker.client, "worker2")
    assert other_worker.client.get(f"/api/v1{url}", headers=headers).status_code == 404
    employer = make_browser()
    employer.login("employer1")
    assert employer.get(url).status_code == 403
    mediator = make_browser()
    mediator.login("med_hr")
    assert mediator.get(url).status_code == 200
    # Staff printing it see the full ID number: that is recorded.
    assert mediator.get(f"{url}.pdf").status_code == 200
    assert db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.case_id == case.id, AuditEvent.action == "case.identity_viewed"
        )
    )


def test_an_open_case_within_the_15_days_has_no_application_yet(app, demo, browser):
    with app.test_request_context():
        case = mediating_case()
    browser.login("worker1")
    answer = browser.get(f"/cases/{case.id}/arbitration-application", headers=EN)
    assert answer.status_code == 302
    headers = token(browser.client, "worker1")
    answer = browser.client.get(f"/api/v1/cases/{case.id}/arbitration-application", headers=headers)
    assert answer.status_code == 409 and "not open to this case yet" in answer.json["message"]


@pytest.mark.both_databases  # the record is written once, on either database
def test_staff_record_the_hand_over_once_and_the_worker_is_told(app, demo, make_browser):
    case = failed_case(app)
    mediator = make_browser()
    mediator.login("med_hr")
    page = f"/cases/{case.id}"
    answer = mediator.submit(f"/cases/{case.id}/handed-to-arbitration", {}, page=page)
    assert answer.status_code == 302
    (event,) = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.case_id == case.id, AuditEvent.action == "case.handed_to_arbitration"
        )
    ).all()
    assert event.details["commission"] == COMMISSION
    notice = db.session.scalar(
        select(Notification).where(
            Notification.case_id == case.id, Notification.kind == "handed_to_arbitration"
        )
    )
    assert notice.user == user("worker1")
    shown = mediator.get(page, headers=EN).get_data(as_text=True)
    assert "Application handed to the arbitration commission" in shown  # the timeline
    assert "Record: handed to the arbitration commission" not in shown

    again = mediator.submit(f"/cases/{case.id}/handed-to-arbitration", {}, page=page, headers=EN)
    assert again.status_code == 302
    assert "already handed" in mediator.get(page, headers=EN).get_data(as_text=True)
    headers = token(mediator.client, "med_hr")
    api = mediator.client.post(f"/api/v1/cases/{case.id}/handed-to-arbitration", headers=headers)
    assert api.status_code == 409
    worker = make_browser()
    worker.login("worker1")
    headers = token(worker.client, "worker1")
    body = {"claims": [{"description": "工资", "amount": "1"}], "facts": "改了"}
    url = f"/api/v1/cases/{case.id}/arbitration-application"
    assert worker.client.put(url, json=body, headers=headers).status_code == 409
    assert worker.client.get(url, headers=headers).json["handed_at"]
    assert (
        db.session.scalar(
            select(AuditEvent.id)
            .where(AuditEvent.case_id == case.id, AuditEvent.action == "case.handed_to_arbitration")
            .order_by(AuditEvent.id.desc())
        )
        == event.id
    )


def test_a_district_without_a_commission_on_record_says_so(app, demo, browser):
    case = failed_case(app)
    district = case.employer.region.district
    district.arbitration_commission = district.arbitration_address = None
    db.session.commit()
    browser.login("worker1")
    page = browser.get(f"/cases/{case.id}/arbitration-application", headers=EN)
    text = page.get_data(as_text=True)
    assert f"{district.name}劳动人事争议仲裁委员会" in text
    assert "address is not on record" in text


# --- Payment order ------------------------------------------------------------------------------


def test_an_unpaid_wage_agreement_gives_a_payment_order_application_to_the_court(
    app, demo, browser, poppler, tmp_path
):
    case = unpaid_wage_agreement(app)
    browser.login("worker1")
    headers = token(browser.client, "worker1")
    answer = browser.client.get(
        f"/api/v1/cases/{case.id}/payment-order-application", headers=headers
    )
    assert answer.status_code == 200
    application = answer.json
    # The basic court itself (劳动争议调解仲裁法 第十六条; 民事诉讼法 第二百二十五条).
    assert application["addressed_to"]["name"] == BASIC_COURT
    assert application["addressed_to"]["address"] == "清远市清城区示例路2号（演示地址）"
    assert application["owed"] == "13000.00" and application["total"] == "13000.00"

    pdf = browser.get(f"/cases/{case.id}/payment-order-application.pdf", headers=ZH)
    text = pdf_text(pdf.data, tmp_path)
    assert BASIC_COURT in text and MEDIATION_CENTRE not in text and "13,000.00" in text
    assert "第十六条" in text and case.number in text


def test_a_district_without_its_court_on_record_names_it_from_the_district(app, demo, browser):
    case = unpaid_wage_agreement(app)
    district = case.employer.region.district
    district.basic_court = district.basic_court_address = district.basic_court_phone = None
    db.session.commit()
    browser.login("worker1")
    page = browser.get(f"/cases/{case.id}/payment-order-application", headers=EN).text
    assert f"{district.name}人民法院" in page and MEDIATION_CENTRE not in page
    assert "address is not on record on this platform" in page
