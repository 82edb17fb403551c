"""Issued documents (page, PDF, public check) and the e-mail outbox."""

import shutil
import subprocess

import pytest
from sqlalchemy import select

from mediation.cases import agreements
from mediation.cases.operations import fire
from mediation.delivery.channels import install_channels
from mediation.extensions import db
from mediation.models import CaseDocument, DeliveryChannel, DeliveryStatus, OutboxMessage
from mediation.models.types import utcnow
from tests.factories import filed_case, user

pytestmark = pytest.mark.both_databases


@pytest.fixture
def settled_case(app, demo):
    with app.test_request_context():
        case = filed_case()
        mediator = user("med_hr")
        fire(case, "accept", actor=mediator, respondent_consent=True, consent_via="window")
        fire(case, "mediate", actor=mediator)
        agreements.draft_agreement(
            case,
            actor=mediator,
            terms="公司于11月30日前支付工资13000元。",
            amount=13000,
            due_date=None,
        )
        agreements.sign(
            case, actor=user("worker1"), version=case.agreement.version, password="demo-2026"
        )
        agreements.sign(
            case, actor=user("employer1"), version=case.agreement.version, password="demo-2026"
        )
        fire(case, "settle", actor=mediator)
        db.session.commit()
        return case


def agreement_of(case) -> CaseDocument:
    return db.session.scalar(
        select(CaseDocument).where(
            CaseDocument.case_id == case.id, CaseDocument.kind == "agreement"
        )
    )


def test_agreement_pdf_is_real_chinese_text_with_its_code(settled_case, browser, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils is not installed")
    document = agreement_of(settled_case)
    browser.login("worker1")
    response = browser.get(f"/cases/{settled_case.id}/documents/{document.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "agreement.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "调解协议书" in text and settled_case.number in text
    assert document.verification_code in text and "13,000.00" in text


def test_printable_agreement_and_public_check(settled_case, browser, client):
    document = agreement_of(settled_case)
    browser.login("employer1")
    page = browser.get(f"/cases/{settled_case.id}/documents/{document.id}").get_data(as_text=True)
    assert "调解协议书" in page and document.verification_code in page
    check = client.get(
        f"/verify?code={document.verification_code.lower().replace('-', '')}",
        headers={"Accept-Language": "en"},
    ).get_data(as_text=True)
    assert "This document is genuine" in check and settled_case.number in check
    assert settled_case.applicant_name not in check  # the public page names no one
    forged = client.get("/verify?code=AAAA-BBBB-CCCC", headers={"Accept-Language": "en"})
    assert "No document has this code" in forged.get_data(as_text=True)


def test_documents_of_a_case_are_as_private_as_the_case(settled_case, make_browser):
    document = agreement_of(settled_case)
    other = make_browser()
    other.login("worker2")
    assert other.get(f"/cases/{settled_case.id}/documents/{document.id}.pdf").status_code == 404


def test_outbox_delivers_each_mail_once_and_never_blocks_the_case(app, demo):
    worker = user("worker1")
    worker.email = "liming@example.com"
    worker.email_verified_at = utcnow()
    db.session.commit()
    with app.test_request_context():
        filed_case()
    mails = select(OutboxMessage).where(OutboxMessage.channel == DeliveryChannel.email)
    assert [mail.recipient for mail in db.session.scalars(mails)] == ["liming@example.com"]
    runner = app.test_cli_runner()
    assert "sent" in runner.invoke(args=["outbox", "deliver"]).output
    assert db.session.scalar(mails).status is DeliveryStatus.sent
    assert "0 sent" in runner.invoke(args=["outbox", "deliver"]).output


def test_a_failing_mail_server_is_retried_later(app, demo):
    worker = user("worker1")
    worker.email = "liming@example.com"
    worker.email_verified_at = utcnow()
    db.session.commit()
    with app.test_request_context():
        case = filed_case()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=9)  # nothing listens on the discard port
    install_channels(app)
    try:
        output = app.test_cli_runner().invoke(args=["outbox", "deliver"]).output
    finally:
        app.config.update(SMTP_HOST=None, SMTP_PORT=25)
        install_channels(app)
    assert "to retry" in output
    message = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.channel == DeliveryChannel.email)
    )
    assert message.sent_at is None and message.attempts == 1 and message.last_error
    assert message.status is DeliveryStatus.pending and message.next_attempt_at > utcnow()
    assert case.state == "applied"
