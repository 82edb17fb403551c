"""Whether the agreement was paid (履行), and what the worker can do if it was not.

After the agreed due date the worker is asked, once, whether the money came (``ask_worker``,
from the deadline sweep). The worker answers paid, partly paid (how much) or not paid; the
employer's representative records a payment with its proof; the mediator may record one too
(e.g. from a phone call). Each answer is a :class:`PaymentReport` and an audit event; the
newest report is the agreement's standing.

Not paid, or partly paid, opens two routes:

- a payment order (支付令) from the basic people's court, for agreements about unpaid wages,
  work-injury medical costs, economic compensation or damages (劳动争议调解仲裁法 第十六条);
- labour arbitration, since the employer did not perform the agreement (第十五条), within the
  year that is counted again from the agreed payment date (第二十七条; ``clocks.limitation``).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import joinedload

from mediation import policy
from mediation.cases.advice import arbitration_commission
from mediation.cases.agreements import keep_file
from mediation.core import audit, clocks
from mediation.core.errors import Invalid
from mediation.core.notifications import notify
from mediation.core.recipients import applicant_of, representatives_of, staff_of
from mediation.extensions import db
from mediation.models import (
    Agreement,
    Case,
    Category,
    DeadlineReminder,
    Payment,
    PaymentReport,
    User,
)
from mediation.policy import Act
from mediation.translation import lazy_gettext as _l
from mediation.uploads import StoredFile as Upload
from workflows.case import CaseState, Outcome

# An agreement about these that the employer does not pay can go to a court for a payment order
# (第十六条: 劳动报酬 — wages, overtime pay included —, 工伤医疗费, 经济补偿或者赔偿金).
PAYMENT_ORDER_CATEGORIES = clocks.LABOUR_REMUNERATION | {
    Category.work_injury,
    Category.dismissal_compensation,
}
# Agreements due longer ago than this are no longer asked about (the sweep's look-back).
ASK_WITHIN = timedelta(days=90)


def payment_order_applies(case: Case) -> bool:
    agreement = case.agreement
    return bool(
        agreement is not None
        and agreement.amount > 0
        and PAYMENT_ORDER_CATEGORIES & set(case.categories)
    )


def _reporter_role(actor: User, case: Case) -> str:
    if policy.is_applicant(actor, case):
        return "applicant"
    if policy.is_respondent(actor, case):
        return "respondent"
    return "mediator"


def payment_problems(case: Case, payment: Payment, amount_paid: Decimal | None) -> dict:
    """A part payment needs its amount: more than nothing and less than agreed."""
    if payment is not Payment.partly_paid:
        return {}
    if amount_paid is None:
        return {"amount_paid": [_l("Enter how much was paid.")]}
    agreed = case.agreement.amount
    if not Decimal("0") < amount_paid < agreed:
        message = _l(
            "A part payment is more than 0 and less than the %(amount)s yuan agreed.",
            amount=agreed,
        )
        return {"amount_paid": [message]}
    return {}


def paid_amount(case: Case, payment: Payment, amount_paid: Decimal | None) -> Decimal:
    if payment is Payment.paid:
        return case.agreement.amount
    if payment is Payment.not_paid:
        return Decimal("0.00")
    return amount_paid.quantize(Decimal("0.01"))


def report_payment(
    case: Case,
    *,
    actor: User,
    payment: Payment,
    amount_paid: Decimal | None = None,
    note: str = "",
    proof: Upload | None = None,
) -> PaymentReport:
    """Record what ``actor`` says about the payment of the settled agreement.

    Paid means the agreed amount; not paid, nothing; partly paid needs the amount
    (``payment_problems``, else ``Invalid``). ``NotPermitted`` or ``Refused`` as the policy
    says.
    """
    policy.require_act(actor, case, Act.report_payment)
    if problems := payment_problems(case, payment, amount_paid):
        raise Invalid(problems)
    amount_paid = paid_amount(case, payment, amount_paid)
    report = PaymentReport(
        case_id=case.id,
        payment=payment,
        amount_paid=amount_paid,
        reported_by_id=actor.id,
        reporter_role=_reporter_role(actor, case),
        note=note or None,
        proof_id=keep_file(case, actor=actor, upload=proof).id if proof else None,
    )
    db.session.add(report)
    db.session.flush()
    db.session.expire(case, ["payment_reports"])
    audit.record_case_event(
        case,
        "payment_reported",
        actor=actor,
        note=note or None,
        payment=payment.value,
        amount_paid=str(amount_paid),
        report_id=report.id,
        proof=report.proof_id is not None,
    )
    staff = [case.mediator] if case.mediator else staff_of(case.organization)
    told = [applicant_of(case), *representatives_of(case.employer), *staff]
    notify([who for who in told if who is not actor], "payment_reported", case, party=actor.name)
    return report


def reports(case: Case) -> list[PaymentReport]:
    """Every report on the payment, the newest first."""
    return list(case.payment_reports)


def load_report(case: Case, report_id: int) -> PaymentReport | None:
    return db.session.scalar(
        select(PaymentReport).where(PaymentReport.case_id == case.id, PaymentReport.id == report_id)
    )


@dataclass(frozen=True)
class Standing:
    """Where the payment of a settled agreement stands, and what the worker can do."""

    due: date | None
    overdue: bool  # the due date has passed
    latest: PaymentReport | None
    payment_order: bool  # the payment-order route is open to this case
    payment_order_from: date | None
    arbitration_from: date | None
    arbitration_by: date | None
    commission: str | None
    arbitration_by_provisional: bool = False  # counted on a year without a holiday schedule
    # The limitation is suspended by a cause that still lasts (第二十七条第三款): no last day yet.
    arbitration_suspended_since: date | None = None
    arbitration_suspended_days: int = 0  # days the suspensions added to arbitration_by

    @property
    def unpaid(self) -> bool:
        return self.latest is not None and self.latest.payment is not Payment.paid


def standing(case: Case, today: date) -> Standing | None:
    """The payment standing of a settled agreement with something to pay, else None."""
    agreement = case.agreement
    if case.outcome != Outcome.resolved or agreement is None or agreement.amount <= 0:
        return None
    kept = reports(case)
    latest = kept[0] if kept else None
    due = agreement.due_date
    routes = latest is not None and latest.payment is not Payment.paid
    opens = (due + timedelta(days=1)) if due else today
    limitation = clocks.limitation(case, today) if routes else None
    return Standing(
        due=due,
        overdue=due is not None and due < today,
        latest=latest,
        payment_order=routes and payment_order_applies(case),
        payment_order_from=opens if routes else None,
        arbitration_from=opens if routes else None,
        arbitration_by=limitation.ends_on if limitation else None,
        commission=arbitration_commission(case) if routes else None,
        arbitration_by_provisional=bool(limitation and limitation.provisional),
        arbitration_suspended_since=limitation.suspended_since if limitation else None,
        arbitration_suspended_days=limitation.suspended_days if limitation else 0,
    )


# --- The question after the due date (called by the deadline sweep) ---------------------------


def payment_questions_due(today: date) -> Select:
    """The ids of the settled cases whose worker is to be asked whether the agreed payment
    came: due before today (within ``ASK_WITHIN``), not reported paid in full, not asked yet
    about this due date."""
    settled = [CaseState.closed, CaseState.archived]
    return (
        select(Case.id)
        .join(Agreement, Agreement.case_id == Case.id)
        .where(
            Case.state.in_(settled),
            Case.outcome == Outcome.resolved,
            Case.applicant_id.is_not(None),
            Agreement.amount > 0,
            Agreement.due_date < today,
            Agreement.due_date >= today - ASK_WITHIN,
            ~select(PaymentReport.id)
            .where(PaymentReport.case_id == Case.id, PaymentReport.payment == Payment.paid)
            .exists(),
            ~exists().where(
                DeadlineReminder.case_id == Case.id,
                DeadlineReminder.kind == "payment_question",
                DeadlineReminder.due == Agreement.due_date,
            ),
        )
    )


def cases_to_ask() -> Select:
    """The cases as ``ask_worker`` reads them: with the agreement and the applicant."""
    return select(Case).options(joinedload(Case.agreement), joinedload(Case.applicant))


def ask_worker(case: Case, first_time: Callable[[Case, str, date], bool]) -> bool:
    """Ask the worker whether the agreed payment came, once per agreement and due date (a
    case of ``payment_questions_due``); True when asked."""
    due = case.agreement.due_date
    if not first_time(case, "payment_question", due):
        return False
    notify([applicant_of(case)], "payment_question", case, due=due.isoformat())
    return True
