"""Issued documents are records: frozen at issue, kept byte for byte, corrected by a new version,
and checkable by anyone at /verify, file included."""

import hashlib
import io
import re
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from mediation.cases import agreements
from mediation.cases.operations import fire
from mediation.delivery import tasks
from mediation.documents.issuing import correct_document, latest_document
from mediation.extensions import db
from mediation.models import CaseDocument, DocumentFile, DocumentKind, Organization
from tests.factories import filed_case, mediating_case, user

EN = {"Accept-Language": "en"}
STREET = "凤城街道劳动人事争议调解中心"
COURT = "清城区人民法院诉前调解中心"


def verify_page(browser, code: str) -> str:
    return browser.get(f"/verify?code={code}", headers=EN).get_data(as_text=True)


def check_file(browser, code: str, body: bytes, name: str = "notice.pdf"):
    return browser.submit(
        f"/verify?code={code}",
        {"file": (io.BytesIO(body), name)},
        page=f"/verify?code={code}",
        headers=EN,
        content_type="multipart/form-data",
    )


def test_a_notice_stays_as_issued_through_a_correction_and_a_transfer(app, demo, make_browser):
    with app.test_request_context():
        case = filed_case()
        fire(case, "accept", actor=user("med_hr"), respondent_consent=True, consent_via="window")
        db.session.commit()
        first = latest_document(case, DocumentKind.acceptance_notice)
    worker, mediator, anyone = make_browser(), make_browser(), make_browser()
    worker.login("worker1")
    mediator.login("med_hr")
    url = f"/cases/{case.id}/documents/{first.id}"
    first_pdf = worker.get(f"{url}.pdf", headers=EN).data
    accepted_on = re.search(r"for mediation on (\d+ \w+ \d{4})", worker.get(url, headers=EN).text)[
        1
    ]

    # Staff fix the employer's address and issue a corrected notice: the first one says so.
    case.employer.address = "清远市清城区凤城街道新址18号"
    db.session.commit()
    corrected = mediator.submit(
        f"{url}/correction",
        {f"correct-{first.id}-reason": "被申请人地址有误"},
        page=f"/cases/{case.id}",
        headers=EN,
    )
    assert corrected.status_code == 302
    with app.test_request_context():
        second = latest_document(case, DocumentKind.acceptance_notice)
    assert second.version == 2 and second.id != first.id
    assert "Superseded: version 2" in worker.get(url, headers=EN).text
    assert "It was superseded" in verify_page(anyone, first.verification_code)
    second_url = f"/cases/{case.id}/documents/{second.id}"
    second_page = worker.get(second_url, headers=EN).text
    assert "新址18号" in second_page and first.verification_code in second_page
    second_pdf = worker.get(f"{second_url}.pdf", headers=EN).data

    # The case moves on to the court, which accepts it again: nothing issued before changes.
    with app.test_request_context():
        fire(case, "mediate", actor=user("med_hr"))
        court = db.session.scalar(select(Organization.id).where(Organization.name == COURT))
        fire(case, "escalate", actor=user("med_hr"), reason="需法院调解", organization_id=court)
        fire(case, "accept", actor=user("court1"), respondent_consent=True, consent_via="window")
        db.session.commit()
    assert worker.get(f"{url}.pdf", headers=EN).data == first_pdf
    assert worker.get(f"{second_url}.pdf", headers=EN).data == second_pdf
    page = worker.get(second_url, headers=EN).text
    assert f"{STREET} accepted the application" in page and accepted_on in page
    facts = verify_page(anyone, second.verification_code)
    assert "This document is genuine" in facts and STREET in facts and COURT not in facts
    assert accepted_on in facts and "current" in facts

    # The holder's file, checked byte for byte; anything else is said to differ.
    same = check_file(anyone, second.verification_code, second_pdf)
    assert "exactly the document issued with this code" in same.text
    changed = check_file(anyone, second.verification_code, second_pdf.replace(b"18", b"19", 1))
    assert "not the document issued with this code" in changed.text


def test_what_cannot_be_checked_is_said_beside_the_field(app, demo, make_browser):
    with app.test_request_context():
        case = filed_case()
        other = filed_case()
        db.session.commit()
        application = latest_document(case, DocumentKind.application)
        code = application.verification_code
    anyone = make_browser()
    not_pdf = check_file(anyone, code, b"GIF89a not a pdf", name="scan.gif")
    assert not_pdf.status_code == 422
    assert (
        "This file is not a PDF" in not_pdf.text and "Please correct the following" in not_pdf.text
    )
    huge = check_file(anyone, code, b"%PDF-1.4\n" + b"0" * (50 * 1024 * 1024))
    assert huge.status_code == 422 and "larger than 10 MB" in huge.text
    empty = check_file(anyone, code, b"", name="")
    assert empty.status_code == 422 and "Choose the PDF file to check" in empty.text
    sql = verify_page(anyone, "1' OR '1'='1")
    assert "No document has this code" in sql

    # A document of another case, even one the reader may see, is not found under this one.
    worker = make_browser()
    worker.login("worker1")
    with app.test_request_context():
        elsewhere = latest_document(other, DocumentKind.application)
    assert worker.get(f"/cases/{case.id}/documents/{elsewhere.id}").status_code == 404
    token = worker.client.post(
        "/api/v1/tokens", json={"username": "worker1", "password": "demo-2026"}
    ).json["token"]
    signed_in = {"Authorization": f"Bearer {token}"}
    api = f"/api/v1/cases/{case.id}/documents"
    assert worker.client.get(f"{api}/{elsewhere.id}.pdf", headers=signed_in).status_code == 404
    assert worker.client.get(f"{api}/{application.id}.pdf", headers=signed_in).status_code == 200
    stored = db.session.scalar(select(CaseDocument).where(CaseDocument.id == elsewhere.id))
    assert stored.content["zh_CN"]["number"] == other.number


def _paragraphs(document: CaseDocument, locale: str = "en") -> list[str]:
    return [
        paragraph
        for section in document.content[locale]["sections"]
        for paragraph in section["paragraphs"]
    ]


def test_a_correction_days_later_keeps_the_day_of_acceptance(app, demo, monkeypatch):
    with app.test_request_context():
        case = filed_case()
        fire(case, "accept", actor=user("med_hr"), respondent_consent=True, consent_via="window")
        first = latest_document(case, DocumentKind.acceptance_notice)
        # The address is corrected four days after the acceptance.
        later = first.issued_at + timedelta(days=4)
        monkeypatch.setattr("mediation.documents.issuing.utcnow", lambda: later)
        second = correct_document(case, first, actor=user("med_hr"), reason="被申请人地址有误")
        db.session.commit()
    (accepted,) = [p for p in _paragraphs(first) if "accepted the application" in p]
    assert accepted in _paragraphs(second)
    assert second.content["en"]["issued_on"] != first.content["en"]["issued_on"]
    assert second.content["en"]["issued_on"] not in accepted


def test_a_corrected_agreement_is_signed_by_the_mediator_who_signed_it(app, demo):
    with app.test_request_context():
        case = mediating_case()
        mediator = user("med_hr")
        agreements.draft_agreement(
            case, actor=mediator, terms="支付工资13000元。", amount=Decimal(13000), due_date=None
        )
        for party in ("worker1", "employer1"):
            agreements.sign(case, actor=user(party), version=1, password="demo-2026")
        fire(case, "settle", actor=mediator)
        first = latest_document(case, DocumentKind.agreement)
        # Later someone else holds the case (here set by hand: no trigger moves a closed case).
        case.mediator = user("med_district")
        db.session.flush()
        second = correct_document(case, first, actor=mediator, reason="金额大写有误")
        db.session.commit()
    for document in (first, second):
        (signature,) = [
            s for s in document.content["zh_CN"]["signatures"] if s["name"] in ("孙丽", "周强")
        ]
        assert signature["name"] == "孙丽"  # med_hr, who mediated and signed it


def test_a_worker_stores_the_chinese_pdf_right_after_the_issue(app, demo, make_browser):
    """Issuing freezes the document and marks its PDF for the worker (the request does not
    wait for the rendering); the worker stores it, and a reader gets those bytes."""
    with app.test_request_context():
        case = filed_case()
        db.session.commit()
        application = latest_document(case, DocumentKind.application)
    files = select(DocumentFile).where(DocumentFile.document_id == application.id)
    assert application.pdf_pending and not db.session.scalars(files).all()
    with app.test_request_context():
        assert tasks.store_pdfs() >= 1  # the documents issued so far
        assert tasks.store_pdfs() == 0  # each once
    db.session.expire_all()
    (stored,) = db.session.scalars(files).all()
    assert not application.pdf_pending
    assert stored.locale == "zh_CN" and stored.pdf.startswith(b"%PDF")
    worker = make_browser()
    worker.login("worker1")
    url = f"/cases/{case.id}/documents/{application.id}.pdf"
    body = worker.get(url, headers={"Accept-Language": "zh-CN"}).data
    assert body == stored.pdf and hashlib.sha256(body).hexdigest() == stored.sha256


def test_a_document_that_cannot_be_printed_does_not_hold_up_the_others(app, demo, caplog):
    """The worker logs it, leaves it marked for the next run and stores the rest."""
    with app.test_request_context():
        broken, fine = (latest_document(filed_case(), DocumentKind.application) for _ in range(2))
        broken.content = {"zh_CN": {"not": "a document"}, "en": {}}
        db.session.commit()
        tasks.store_pdfs()
    db.session.expire_all()
    assert broken.pdf_pending and not fine.pdf_pending
    assert f"could not store the PDF of document {broken.id}" in caplog.text
    files = select(DocumentFile.document_id).where(
        DocumentFile.document_id.in_([broken.id, fine.id])
    )
    assert db.session.scalars(files).all() == [fine.id]


def test_a_reader_before_the_worker_stores_the_same_file_once(app, demo, make_browser):
    with app.test_request_context():
        case = filed_case()
        db.session.commit()
        application = latest_document(case, DocumentKind.application)
    worker = make_browser()
    worker.login("worker1")
    url = f"/cases/{case.id}/documents/{application.id}.pdf"
    body = worker.get(url, headers={"Accept-Language": "zh-CN"}).data
    db.session.expire_all()
    assert not application.pdf_pending  # the reader stored it: nothing left for the worker
    with app.test_request_context():
        tasks.store_pdfs()
    (stored,) = db.session.scalars(
        select(DocumentFile).where(
            DocumentFile.document_id == application.id, DocumentFile.locale == "zh_CN"
        )
    ).all()
    assert stored.pdf == body
