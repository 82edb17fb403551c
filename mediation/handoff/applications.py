"""An application as it is shown and printed: the edited fields (or, until someone saves them,
the case's own), to whom it is addressed, the mediation before it, and the dates that matter.

Arbitration is open to the worker once mediation failed or was declined, once the 15 days from
receipt passed without an agreement (劳动争议调解仲裁法 第十四条, ``cases.advice``), or when an
agreement was not paid (第十五条, ``cases.payment``). It goes to the commission of the
employer's district (第二十一条), as the administration recorded it. A payment order is open
for an unpaid agreement about wages, work-injury medical costs, compensation or damages
(第十六条); it goes to the basic people's court (民事诉讼法 第二百二十五条, 2023 revision; the
2021 text numbered it 第二百二十一条).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import format_currency
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from mediation.cases import payment
from mediation.cases.advice import arbitration_advice, arbitration_commission, basic_court
from mediation.core import clocks
from mediation.core.errors import Refused
from mediation.court.dates import agreement_effective_on
from mediation.extensions import db
from mediation.handoff.content import ClaimLine, Content
from mediation.i18n import human_date
from mediation.localtime import SHANGHAI, local_today
from mediation.models import (
    AuditEvent,
    Case,
    CaseDocument,
    DocumentKind,
    Evidence,
    EvidenceParty,
    HandoffApplication,
    HandoffKind,
    Payment,
)
from mediation.translation import gettext as _
from workflows.case import OPEN_STATES


@dataclass(frozen=True)
class Addressee:
    """The commission or court the application goes to; ``on_record``: its name comes from the
    network's data (else it is the name such a body takes, made from the district's)."""

    name: str
    address: str | None
    phone: str | None
    on_record: bool


@dataclass(frozen=True)
class HistoryEntry:
    on: date
    text: str


@dataclass(frozen=True)
class AgreementFacts:
    """The unpaid agreement a payment order rests on."""

    effective_on: date | None
    version: int
    verification_code: str | None
    organization: str
    agreed: Decimal
    due: date | None
    paid: Decimal

    @property
    def owed(self) -> Decimal:
        return self.agreed - self.paid


@dataclass(frozen=True)
class Application:
    kind: HandoffKind
    case: Case
    content: Content
    record: HandoffApplication | None  # None: never saved, drawn from the case
    addressee: Addressee
    history: list[HistoryEntry]
    limitation: clocks.Limitation | None  # arbitration only (第二十七条)
    agreement: AgreementFacts | None  # payment order only

    @property
    def handed(self) -> bool:
        return self.record is not None and self.record.handed_at is not None


def yuan(amount: Decimal) -> str:
    return format_currency(amount, "CNY")


# --- When each route is open ---------------------------------------------------------------


def arbitration_open(case: Case, today: date | None = None) -> bool:
    """Failed, declined, past the 15 days (第十四条), or an agreement not paid (第十五条)."""
    today = today or local_today()
    if arbitration_advice(case, today) is not None:
        return True
    standing = payment.standing(case, today)
    return bool(standing and standing.unpaid)


def payment_order_open(case: Case, today: date | None = None) -> bool:
    """An unpaid agreement of the kinds of 第十六条."""
    standing = payment.standing(case, today or local_today())
    return bool(standing and standing.payment_order)


OPEN = {HandoffKind.arbitration: arbitration_open, HandoffKind.payment_order: payment_order_open}
NOT_OPEN = {
    HandoffKind.arbitration: "arbitration_not_available",
    HandoffKind.payment_order: "payment_order_not_available",
}


def require_open(case: Case, kind: HandoffKind) -> None:
    """``Refused`` unless the route is open (an application handed over stays readable)."""
    record = saved(case, kind)
    if record is not None and record.handed_at is not None:
        return
    if not OPEN[kind](case):
        raise Refused(NOT_OPEN[kind])


# --- Where it goes --------------------------------------------------------------------------


def commission_of(case: Case) -> Addressee:
    district = case.employer.region.district
    return Addressee(
        name=arbitration_commission(case),
        address=district.arbitration_address,
        phone=district.arbitration_phone,
        on_record=bool(district.arbitration_commission),
    )


def court_of(case: Case) -> Addressee:
    """The basic people's court of the employer's district, where the debtor is (民事诉讼法
    第二十二条; 最高人民法院关于适用《民事诉讼法》的解释 第二十三条): the court itself, not
    the pre-litigation mediation centre through which the network reaches it."""
    district = case.employer.region.district
    return Addressee(
        name=basic_court(district),
        address=district.basic_court_address,
        phone=district.basic_court_phone,
        on_record=bool(district.basic_court),
    )


# --- The edited fields, or the case's own --------------------------------------------------


def saved(case: Case, kind: HandoffKind) -> HandoffApplication | None:
    return saved_by_kind(case).get(kind)


def saved_by_kind(case: Case) -> dict[HandoffKind, HandoffApplication]:
    """The case's saved applications (one of each kind at most), read at once."""
    return {
        record.kind: record
        for record in db.session.scalars(
            select(HandoffApplication)
            .options(
                joinedload(HandoffApplication.updated_by),
                joinedload(HandoffApplication.handed_by),
            )
            .where(HandoffApplication.case_id == case.id)
        )
    }


def _applicant_evidence(case: Case) -> list[str]:
    return list(
        db.session.scalars(
            select(Evidence.original_name)
            .where(Evidence.case_id == case.id, Evidence.party == EvidenceParty.applicant)
            .order_by(Evidence.id)
        )
    )


def _claim_title(claim) -> str:
    return (
        f"{claim.category.title}（{claim.description}）"
        if claim.description
        else str(claim.category.title)
    )


def prefilled(case: Case, kind: HandoffKind) -> Content:
    """The application as the case has it, in the reader's language."""
    respondent = {"respondent_address": case.employer.address or ""}
    if kind is HandoffKind.arbitration:
        return Content(
            claims=[
                ClaimLine(description=_claim_title(c), amount=str(c.amount)) for c in case.claims
            ],
            facts=case.facts,
            evidence=_applicant_evidence(case),
            **respondent,
        )
    facts = agreement_facts(case)
    owed = ClaimLine(
        description=_("Amount agreed in the mediation agreement and not paid"),
        amount=str(facts.owed),
    )
    return Content(
        claims=[owed],
        facts=_payment_order_facts(case, facts),
        evidence=[
            _("Mediation agreement of case %(number)s", number=case.number),
            *_applicant_evidence(case),
        ],
        **respondent,
    )


def content_of(case: Case, kind: HandoffKind, record: HandoffApplication | None) -> Content:
    return Content.model_validate(record.data) if record is not None else prefilled(case, kind)


# --- The agreement of a payment order -------------------------------------------------------


def agreement_facts(case: Case) -> AgreementFacts:
    agreement = case.agreement
    reports = payment.reports(case)
    latest = reports[0] if reports else None
    paid = latest.amount_paid if latest and latest.payment is not Payment.not_paid else Decimal(0)
    document = db.session.scalar(
        select(CaseDocument)
        .where(
            CaseDocument.case_id == case.id,
            CaseDocument.kind == DocumentKind.agreement,
            CaseDocument.superseded_at.is_(None),
        )
        .order_by(CaseDocument.id.desc())
        .limit(1)
    )
    signed = agreement.applicant_signed_at and agreement.respondent_signed_at
    return AgreementFacts(
        effective_on=agreement_effective_on(case) if signed else None,
        version=agreement.version,
        verification_code=document.verification_code if document else None,
        organization=case.organization.name,
        agreed=agreement.amount,
        due=agreement.due_date,
        paid=paid,
    )


def _payment_order_facts(case: Case, facts: AgreementFacts) -> str:
    text = _(
        "Through the mediation of %(organization)s the parties signed a mediation agreement "
        "(case %(number)s) under which %(employer)s was to pay the applicant %(agreed)s.",
        organization=facts.organization,
        number=case.number,
        employer=case.employer.name,
        agreed=yuan(facts.agreed),
    )
    if facts.due:
        text += " " + _("The payment was due by %(date)s.", date=human_date(facts.due))
    text += " " + _(
        "%(paid)s of it has been paid; %(owed)s is still owed. The agreement is about %(what)s, "
        "for which the law lets the worker ask the court for a payment order (劳动争议调解仲裁法 "
        "第十六条).",
        paid=yuan(facts.paid),
        owed=yuan(facts.owed),
        what="、".join(str(category.title) for category in case.categories),
    )
    return text


# --- The mediation before it ----------------------------------------------------------------

HISTORY_ACTIONS = (
    "case.apply",
    "case.accept",
    "case.escalate",
    "case.return",
    "case.decline",
    "case.fail",
    "case.settle",
)


def mediation_history(case: Case, today: date | None = None) -> list[HistoryEntry]:
    """Where and when the case was mediated and how it ended, from its timeline."""
    events = db.session.scalars(
        select(AuditEvent)
        .options(joinedload(AuditEvent.organization))
        .where(AuditEvent.case_id == case.id, AuditEvent.action.in_(HISTORY_ACTIONS))
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    ).all()
    entries = [entry for event in events if (entry := _history_entry(event)) is not None]
    today = today or local_today()
    period_end = clocks.statutory_period_end(case)
    if case.state in OPEN_STATES and today > period_end:
        entries.append(
            HistoryEntry(
                period_end,
                _(
                    "15 days from receipt of the application passed without an agreement "
                    "(劳动争议调解仲裁法 第十四条)."
                ),
            )
        )
    reports = payment.reports(case) if case.agreement is not None else []
    if reports and reports[0].payment is not Payment.paid:
        latest = reports[0]
        entries.append(
            HistoryEntry(
                latest.reported_at.astimezone(SHANGHAI).date(),
                _("Payment of the agreement reported: %(payment)s.", payment=latest.payment.title),
            )
        )
    return entries


def _history_entry(event: AuditEvent) -> HistoryEntry | None:
    on = event.occurred_at.astimezone(SHANGHAI).date()
    here = event.organization.name if event.organization else ""
    details = event.details or {}
    reason = event.note or ""
    match event.action:
        case "case.apply":
            text = _("Application for mediation received by %(organization)s.", organization=here)
        case "case.accept":
            text = _("Accepted for mediation by %(organization)s.", organization=here)
        case "case.escalate":
            text = _(
                "Transferred to %(organization)s.",
                organization=details.get("to_organization", ""),
            )
        case "case.return":
            text = _(
                "Returned to %(organization)s.", organization=details.get("to_organization", "")
            )
        case "case.decline":
            text = _(
                "Not accepted by %(organization)s: %(reason)s", organization=here, reason=reason
            )
        case "case.fail":
            text = _(
                "Mediation by %(organization)s ended without agreement: %(reason)s",
                organization=here,
                reason=reason,
            )
        case "case.settle":
            text = _("Agreement reached through %(organization)s.", organization=here)
        case _:
            return None
    return HistoryEntry(on, text)


# --- Everything together ---------------------------------------------------------------------


def application(case: Case, kind: HandoffKind) -> Application:
    record = saved(case, kind)
    arbitration = kind is HandoffKind.arbitration
    return Application(
        kind=kind,
        case=case,
        content=content_of(case, kind, record),
        record=record,
        addressee=commission_of(case) if arbitration else court_of(case),
        history=mediation_history(case),
        limitation=clocks.limitation(case) if arbitration else None,
        agreement=None if arbitration else agreement_facts(case),
    )
