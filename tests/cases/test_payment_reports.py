"""Whether the agreement was paid (履行): the worker is asked once after the due date, answers;
the employer records payment with proof; not paid opens the payment-order and arbitration
routes; the supervisor's figures count what was paid."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from mediation.cases import agreements, payment
from mediation.cases.operations import fire
from mediation.cases.sweep import sweep
from mediation.cases.triggers import StaffConsentChannel
from mediation.core.errors import Invalid, NotPermitted, Refused
from mediation.extensions import db
from mediation.localtime import local_today
from mediation.models import AuditEvent, Case, Notification, Payment, PaymentReport
from mediation.stats.compute import compute, recompute
from mediation.stats.filters import parse_filters
from tests.factories import filed_case, user
from tests.upload_files import MINIMAL_PDF

PASSWORD = "demo-2026"
PDF = MINIMAL_PDF


def settled_case(app, *, due_in_days: int = 10, amount: int = 13000) -> Case:
    with app.test_request_context():
        case = filed_case()
        mediator = user("med_hr")
        fire(
            case,
            "accept",
            actor=mediator,
            respondent_consent=True,
            consent_via=StaffConsentChannel.phone,
        )
        fire(case, "mediate", actor=mediator)
        agreements.draft_agreement(
            case,
            actor=mediator,
            terms=f"公司支付工资{amount}元。",
            amount=Decimal(amount),
            due_date=local_today() + timedelta(days=due_in_days),
        )
        for party in ("worker1", "employer1"):
            agreements.sign(case, actor=user(party), version=1, password=PASSWORD)
        fire(case, "settle", actor=mediator)
        db.session.commit()
    return case


def questions(case: Case) -> list[Notification]:
    return db.session.scalars(
        select(Notification).where(
            Notification.case_id == case.id, Notification.kind == "payment_question"
        )
    ).all()


def test_the_worker_is_asked_once_after_the_due_date(app, demo):
    case = settled_case(app)
    due = case.agreement.due_date
    with app.test_request_context():
        assert sweep(due).payment_questions == 0
        assert sweep(due + timedelta(days=1)).payment_questions == 1
        assert sweep(due + timedelta(days=2)).payment_questions == 0
    (question,) = questions(case)
    assert question.user == user("worker1") and question.params["due"] == due.isoformat()


def test_no_question_once_the_employer_recorded_payment_in_full(app, demo):
    case = settled_case(app)
    with app.test_request_context():
        payment.report_payment(case, actor=user("employer1"), payment=Payment.paid)
        sweep(case.agreement.due_date + timedelta(days=1))
    assert questions(case) == []


@pytest.mark.parametrize(
    ("answer", "amount", "field"),
    [
        (Payment.partly_paid, None, "amount_paid"),
        (Payment.partly_paid, Decimal(13000), "amount_paid"),
        (Payment.partly_paid, Decimal(0), "amount_paid"),
    ],
    ids=["partly-without-amount", "partly-the-whole-amount", "partly-nothing"],
)
def test_a_part_payment_needs_an_amount_between_nothing_and_all(app, demo, answer, amount, field):
    case = settled_case(app)
    with app.test_request_context(), pytest.raises(Invalid) as refused:
        payment.report_payment(case, actor=user("worker1"), payment=answer, amount_paid=amount)
    assert set(refused.value.errors) == {field}


def test_who_may_report_and_when(app, demo):
    with app.test_request_context():
        case = filed_case()
        with pytest.raises(NotPermitted):
            payment.report_payment(case, actor=user("worker2"), payment=Payment.paid)
        with pytest.raises(Refused):  # nothing settled yet
            payment.report_payment(case, actor=user("worker1"), payment=Payment.not_paid)
    settled = settled_case(app)
    with app.test_request_context():
        report = payment.report_payment(
            settled, actor=user("med_hr"), payment=Payment.partly_paid, amount_paid=Decimal(5000)
        )
    assert (report.reporter_role, report.amount_paid) == ("mediator", Decimal(5000))
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.case_id == settled.id, AuditEvent.action == "case.payment_reported"
        )
    )
    assert event.details["payment"] == "partly_paid" and event.details["amount_paid"] == "5000.00"


def test_not_paid_shows_the_payment_order_and_arbitration_routes_with_dates(
    app, demo, make_browser
):
    case = settled_case(app)
    due = case.agreement.due_date
    with app.test_request_context():
        sweep(due + timedelta(days=1))
    worker = make_browser()
    worker.login("worker1")
    url = f"/cases/{case.id}"
    before = worker.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Was it paid?" in before and "Payment order" not in before
    sent = worker.submit(
        f"/cases/{case.id}/payment",
        {"payment": "not_paid", "note": "一分未付"},
        page=url,
        headers={"Accept-Language": "en"},
    )
    assert sent.status_code == 302
    page = worker.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Not paid" in page
    assert "Payment order (支付令)" in page and "第十六条" in page
    assert "Labour arbitration: from" in page and "劳动人事争议仲裁委员会" in page
    with app.test_request_context():
        standing = payment.standing(db.session.get(Case, case.id), local_today())
    assert standing.payment_order_from == due + timedelta(days=1)
    assert standing.arbitration_by is None  # wage arrears while still employed: no limit
    partly = worker.submit(
        f"/cases/{case.id}/payment",
        {"payment": "partly_paid"},
        page=url,
        headers={"Accept-Language": "en"},
    )
    assert partly.status_code == 422 and "Enter how much was paid" in partly.get_data(as_text=True)


def test_the_employer_records_payment_with_proof(app, demo, make_browser):
    case = settled_case(app)
    employer = make_browser()
    employer.login("employer1")
    url = f"/cases/{case.id}"
    sent = employer.submit(
        f"/cases/{case.id}/payment",
        {"payment": "paid", "proof": (io.BytesIO(PDF), "银行回单.pdf")},
        page=url,
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302
    report = db.session.scalar(select(PaymentReport).where(PaymentReport.case_id == case.id))
    assert report.payment is Payment.paid and report.amount_paid == Decimal(13000)
    assert report.reporter_role == "respondent" and report.proof.original_name == "银行回单.pdf"
    worker = make_browser()
    worker.login("worker1")
    page = worker.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Paid in full" in page and "Payment order (支付令)" not in page
    proof = worker.get(f"/cases/{case.id}/payment/{report.id}/proof")
    assert proof.status_code == 200 and proof.data == PDF
    outsider = make_browser()
    outsider.login("worker2")
    assert outsider.get(f"/cases/{case.id}/payment/{report.id}/proof").status_code == 404


def test_the_figures_count_what_was_paid_and_the_performance_rate(app, demo):
    paid = settled_case(app, due_in_days=-5, amount=10000)
    unpaid = settled_case(app, due_in_days=-3, amount=2000)
    settled_case(app, due_in_days=30, amount=500)  # not due yet: not in the rate
    with app.test_request_context():
        payment.report_payment(paid, actor=user("employer1"), payment=Payment.paid)
        payment.report_payment(
            unpaid, actor=user("worker1"), payment=Payment.partly_paid, amount_paid=Decimal(500)
        )
        db.session.commit()
        supervisor = user("supervisor1")
        filters = parse_filters(MultiDict(), supervisor)
        figures = compute(filters, supervisor)
        assert figures.amount_paid == Decimal("10500.00")
        assert (figures.agreements_due, figures.agreements_paid_in_full) == (2, 1)
        assert figures.performance_rate == Decimal("50.0")
        assert recompute(filters, supervisor) == figures
