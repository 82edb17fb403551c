"""Service (送达) of documents on the parties: receipts, the flag after 3 working days, service
by another way, the proof of service, and the delivery status staff see."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from mediation.cases.operations import fire
from mediation.cases.sweep import sweep
from mediation.core.calendar import work_calendar
from mediation.documents.service import waiting_ends
from mediation.extensions import db
from mediation.i18n import human_datetime
from mediation.models import (
    AuditEvent,
    CaseDocument,
    Channel,
    DeliveryStatus,
    DocumentKind,
    DocumentService,
    Notification,
    OutboxMessage,
    ServiceMethod,
    ServiceParty,
)
from tests.factories import filed_case, user

EN = {"Accept-Language": "en"}


def accepted(case):
    fire(case, "accept", actor=user("med_hr"), respondent_consent=True, consent_via="window")
    db.session.commit()
    return notice_of(case, DocumentKind.acceptance_notice)


def notice_of(case, kind) -> CaseDocument:
    return db.session.scalar(
        select(CaseDocument).where(CaseDocument.case_id == case.id, CaseDocument.kind == kind)
    )


def service_of(document, party: ServiceParty) -> DocumentService:
    db.session.expire_all()
    return db.session.scalar(
        select(DocumentService).where(
            DocumentService.document_id == document.id, DocumentService.party == party
        )
    )


def events(case, action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.action == action)
        )
    )


def document_url(case, document, suffix="") -> str:
    return f"/cases/{case.id}/documents/{document.id}{suffix}"


@pytest.fixture
def case(app, demo):
    with app.test_request_context():
        return filed_case()


@pytest.fixture
def walk_in_case(app, demo):
    """Filed at the window for a visitor without an account: reached by SMS only."""
    with app.test_request_context():
        return filed_case(by="med_hr", channel=Channel.window)


def test_each_notice_is_served_on_the_parties_it_concerns(app, case, make_browser):
    with app.test_request_context():
        notice = accepted(case)
    assert notice_of(case, DocumentKind.application) is not None
    assert not db.session.scalars(
        select(DocumentService).join(CaseDocument).where(CaseDocument.kind == "application")
    ).all()
    for party in ServiceParty:
        assert service_of(notice, party).served_at is None
    told = db.session.scalars(
        select(Notification).where(
            Notification.case_id == case.id, Notification.kind == "document_served"
        )
    ).all()
    assert {notification.user.username for notification in told} >= {"worker1", "employer1"}


def test_decline_notice_is_served_on_the_applicant_only(app, case):
    with app.test_request_context():
        fire(case, "decline", actor=user("med_hr"), reason="不属于劳动争议。")
        db.session.commit()
    notice = notice_of(case, DocumentKind.decline_notice)
    assert service_of(notice, ServiceParty.applicant) is not None
    assert service_of(notice, ServiceParty.respondent) is None


def test_notice_opened_by_the_party_shows_as_served_with_the_time_and_is_audited(
    app, case, make_browser
):
    with app.test_request_context():
        notice = accepted(case)
    worker = make_browser()
    worker.login("worker1")
    assert worker.get(document_url(case, notice)).status_code == 200
    served = service_of(notice, ServiceParty.applicant)
    assert served.method is ServiceMethod.platform
    assert served.served_to.username == "worker1"
    first_time = served.served_at

    assert worker.get(document_url(case, notice, ".pdf")).status_code == 200  # again: no change
    assert service_of(notice, ServiceParty.applicant).served_at == first_time
    (event,) = events(case, "case.document_served")
    assert event.details["verification_code"] == notice.verification_code
    assert event.details["document_id"] == notice.id
    assert event.details["document"] == "acceptance_notice"

    mediator = make_browser()
    mediator.login("med_hr")
    page = mediator.get(f"/cases/{case.id}", headers=EN).get_data(as_text=True)
    with app.test_request_context(headers=EN):
        shown = human_datetime(first_time)
    assert f"served {shown}" in page
    assert "A document was served: the party opened it on the platform" in page
    assert service_of(notice, ServiceParty.respondent).served_at is None


def test_employer_representative_serves_the_employer_by_opening_the_pdf(app, case, browser):
    with app.test_request_context():
        notice = accepted(case)
    browser.login("employer1")
    assert browser.get(document_url(case, notice, ".pdf")).status_code == 200
    assert service_of(notice, ServiceParty.respondent).served_to.username == "employer1"
    assert service_of(notice, ServiceParty.applicant).served_at is None


def test_staff_opening_a_notice_does_not_serve_it(app, case, browser):
    with app.test_request_context():
        notice = accepted(case)
    browser.login("med_hr")
    assert browser.get(document_url(case, notice)).status_code == 200
    assert browser.get(document_url(case, notice, ".pdf")).status_code == 200
    assert all(service_of(notice, party).served_at is None for party in ServiceParty)
    assert not events(case, "case.document_served")


def test_unopened_notice_is_flagged_to_staff_once_after_three_working_days(
    app, walk_in_case, browser
):
    case = walk_in_case
    with app.test_request_context():
        notice = accepted(case)
        last_day = waiting_ends(
            service_of(notice, ServiceParty.applicant).notified_at, work_calendar()
        )
        assert sweep(last_day).unserved_documents == 0
        assert service_of(notice, ServiceParty.applicant).flagged_at is None
        assert sweep(last_day + timedelta(days=1)).unserved_documents == 2
        assert sweep(last_day + timedelta(days=2)).unserved_documents == 0  # once
        db.session.commit()
    assert service_of(notice, ServiceParty.applicant).flagged_at is not None
    told = db.session.scalars(
        select(Notification).where(
            Notification.case_id == case.id, Notification.kind == "service_overdue"
        )
    ).all()
    assert {(n.user.username, n.params["side"]) for n in told} >= {
        ("med_hr", "applicant"),
        ("med_hr", "respondent"),
    }
    assert len(events(case, "case.service_overdue")) == 2
    browser.login("med_hr")
    page = browser.get(f"/cases/{case.id}", headers=EN).get_data(as_text=True)
    assert "unserved after 3 working days" in page


def test_service_by_another_way_needs_a_note_and_keeps_what_was_typed(app, walk_in_case, browser):
    case = walk_in_case
    with app.test_request_context():
        notice = accepted(case)
    browser.login("med_hr")
    prefix = f"service-{notice.id}"
    url = document_url(case, notice, "/service")
    answer = browser.submit(
        url,
        {f"{prefix}-party": "applicant", f"{prefix}-method": "post", f"{prefix}-note": "  "},
        page=f"/cases/{case.id}",
        headers=EN,
    )
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "Please correct the following" in page
    assert f'href="#{prefix}-note"' in page and 'class="field-error"' in page
    assert "Please fill this in." in page
    assert f'<input checked id="{prefix}-method-1" name="{prefix}-method"' in page  # kept
    assert service_of(notice, ServiceParty.applicant).served_at is None

    answer = browser.submit(
        url,
        {
            f"{prefix}-party": "applicant",
            f"{prefix}-method": "in_person",
            f"{prefix}-note": "11月3日在调解中心窗口交本人签收。",
        },
        page=f"/cases/{case.id}",
    )
    assert answer.status_code == 302
    served = service_of(notice, ServiceParty.applicant)
    assert served.method is ServiceMethod.in_person
    assert served.recorded_by.username == "med_hr"
    (event,) = events(case, "case.document_served_otherwise")
    assert event.note == "11月3日在调解中心窗口交本人签收。"
    assert event.details["verification_code"] == notice.verification_code

    # Served already: offered no more, and a second post is turned away with a message.
    again = browser.submit(
        url,
        {
            f"{prefix}-party": "applicant",
            f"{prefix}-method": "post",
            f"{prefix}-note": "again",
        },
        page=f"/cases/{case.id}",
        headers=EN,
    )
    assert again.status_code == 422
    assert "Choose a party the document has not been served on yet." in again.get_data(as_text=True)


def test_only_staff_of_the_case_record_service(app, case, make_browser):
    with app.test_request_context():
        notice = accepted(case)
    url = document_url(case, notice, "/service")
    data = {
        f"service-{notice.id}-party": "applicant",
        f"service-{notice.id}-method": "post",
        f"service-{notice.id}-note": "挂号信",
    }
    employer = make_browser()
    employer.login("employer1")
    assert employer.submit(url, data, page=f"/cases/{case.id}").status_code == 403
    stranger = make_browser()
    stranger.login("worker2")
    assert stranger.submit(url, data, page="/").status_code == 404
    assert service_of(notice, ServiceParty.applicant).served_at is None


def test_proof_of_service_lists_the_facts(app, case, make_browser):
    with app.test_request_context():
        notice = accepted(case)
    worker = make_browser()
    worker.login("worker1")
    worker.get(document_url(case, notice))
    mediator = make_browser()
    mediator.login("med_hr")
    prefix = f"service-{notice.id}"
    mediator.submit(
        document_url(case, notice, "/service"),
        {
            f"{prefix}-party": "respondent",
            f"{prefix}-method": "post",
            f"{prefix}-note": "EMS 1234567890",
        },
        page=f"/cases/{case.id}",
    )
    proof = worker.get(document_url(case, notice, "/proof-of-service"), headers=EN)
    assert proof.status_code == 200
    text = proof.get_data(as_text=True)
    for fact in (
        "Proof of service",
        case.number,
        "Notice of acceptance",
        notice.verification_code,
        case.applicant_name,
        case.employer.name,
        "Opened on the platform",
        "Sent by post",
        "EMS 1234567890",
        user("med_hr").name,
        user("worker1").name,
    ):
        assert fact in text, fact
    pdf = mediator.get(document_url(case, notice, "/proof-of-service.pdf"))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    stranger = make_browser()
    stranger.login("worker2")
    assert stranger.get(document_url(case, notice, "/proof-of-service")).status_code == 404


def test_staff_see_the_delivery_of_notices_and_parties_do_not(app, walk_in_case, make_browser):
    case = walk_in_case
    with app.test_request_context():
        accepted(case)
    failed = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.case_id == case.id, OutboxMessage.recipient == case.applicant_phone
        )
    ).first()
    failed.status, failed.attempts, failed.last_error = DeliveryStatus.failed, 10, "HTTP 503"
    db.session.commit()
    mediator = make_browser()
    mediator.login("med_hr")
    page = mediator.get(f"/cases/{case.id}", headers=EN).get_data(as_text=True)
    assert "SMS and e-mail notices" in page
    assert "138****8001" in page and case.applicant_phone not in page
    assert "HTTP 503" in page and "Failed" in page
    employer = make_browser()
    employer.login("employer1")
    page = employer.get(f"/cases/{case.id}", headers=EN).get_data(as_text=True)
    assert "SMS and e-mail notices" not in page and "HTTP 503" not in page
    assert "Record service by another way" not in page
