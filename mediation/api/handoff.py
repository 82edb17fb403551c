"""API v1 for the worker's applications outside mediation (``mediation.handoff``): the labour
arbitration application and the payment-order application, read, saved as edited, printed as
PDF; and staff recording the arbitration application handed to the commission. Each view loads
the case (404 unless visible), asks the policy (403) before it reads a body (422), checks the
route is open (409), and calls one operation."""

from datetime import date

from flask_login import current_user
from pydantic import Field

from mediation import policy
from mediation.api import serialise
from mediation.api.openapi import operation
from mediation.api.request import json_body
from mediation.api.schemas import Answer, Money, Timestamp
from mediation.cases.loading import load_case
from mediation.core.schemas import parse
from mediation.handoff import applications, operations
from mediation.handoff.applications import Application
from mediation.handoff.content import Content
from mediation.handoff.views import pdf_response
from mediation.models import Case, HandoffKind
from mediation.policy import Act
from mediation.privacy import mask_id_number

ERRORS = (404, 409)


class HandoffAddressee(Answer):
    name: str = Field(description="The commission or court, from the network's data if recorded")
    address: str | None = Field(description="null when the network has no address on record")
    phone: str | None
    on_record: bool = Field(
        description="false: no commission (court) is recorded for the district, and the name is "
        "the one such a body takes"
    )


class HandoffApplicant(Answer):
    name: str
    id_number: str = Field(description="In full for the worker; masked for staff (the PDF has it)")
    phone: str
    address: str


class HandoffRespondent(Answer):
    name: str
    uscc: str | None
    address: str
    legal_representative: str


class HandoffClaim(Answer):
    description: str
    amount: Money


class HistoryItem(Answer):
    on: date
    text: str = Field(description="What happened, in the caller's language")


class HandoffApplication(Answer):
    """An application as it is printed: edited (`saved_at`) or drawn from the case."""

    kind: HandoffKind
    addressed_to: HandoffAddressee
    applicant: HandoffApplicant
    respondent: HandoffRespondent
    claims: list[HandoffClaim]
    total: Money
    facts: str
    evidence: list[str]
    history: list[HistoryItem] = Field(description="The mediation before the application")
    apply_by: date | None = Field(
        description="Arbitration: the last day to apply (劳动争议调解仲裁法 第二十七条), when "
        "counted"
    )
    owed: Money | None = Field(description="Payment order: the agreed amount not paid")
    saved_at: Timestamp | None = Field(description="null until someone saved an edited version")
    handed_at: Timestamp | None = Field(
        description="Arbitration: when staff recorded it handed to the commission (then frozen)"
    )


def _answer(case: Case, kind: HandoffKind, status: int = 200):
    application: Application = applications.application(case, kind)
    content, record = application.content, application.record
    own = policy.is_applicant(current_user, case)
    return serialise.answer(
        HandoffApplication(
            kind=kind,
            addressed_to=HandoffAddressee(**vars(application.addressee)),
            applicant=HandoffApplicant(
                name=case.applicant_name,
                id_number=case.applicant_id_number
                if own
                else mask_id_number(case.applicant_id_number),
                phone=case.applicant_phone,
                address=content.applicant_address,
            ),
            respondent=HandoffRespondent(
                name=case.employer.name,
                uscc=case.employer.uscc,
                address=content.respondent_address,
                legal_representative=content.respondent_representative,
            ),
            claims=[HandoffClaim(**claim.model_dump()) for claim in content.claims],
            total=content.total,
            facts=content.facts,
            evidence=list(content.evidence),
            history=[HistoryItem(on=entry.on, text=entry.text) for entry in application.history],
            apply_by=application.limitation.ends_on if application.limitation else None,
            owed=application.agreement.owed if application.agreement else None,
            saved_at=record.updated_at if record else None,
            handed_at=record.handed_at if record else None,
        ),
        status,
    )


def _load(case_id: int, kind: HandoffKind) -> Case:
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.prepare_handoff)
    applications.require_open(case, kind)
    return case


def _save(case_id: int, kind: HandoffKind):
    case = _load(case_id, kind)
    content = parse(Content, json_body())
    operations.save_application(case, kind, actor=current_user, content=content)
    return _answer(case, kind)


@operation(
    "The worker's application for labour arbitration (劳动人事争议仲裁申请书), as last saved or "
    "drawn from the case; for the applicant and the case's staff, once arbitration is open "
    "(409 before)",
    answers={200: HandoffApplication},
    errors=ERRORS,
)
def arbitration_application(case_id: int):
    return _answer(_load(case_id, HandoffKind.arbitration), HandoffKind.arbitration)


@operation(
    "Save the edited arbitration application: claims with amounts, facts, evidence lines, "
    "addresses; 409 once it was handed to the commission",
    body=Content,
    answers={200: HandoffApplication},
    errors=(*ERRORS, 422),
)
def save_arbitration_application(case_id: int):
    return _save(case_id, HandoffKind.arbitration)


@operation(
    "The arbitration application as PDF (application/pdf), to print, sign and hand in",
    answers={200: None},
    file="application/pdf",
    errors=ERRORS,
)
def arbitration_application_pdf(case_id: int):
    return pdf_response(_load(case_id, HandoffKind.arbitration), HandoffKind.arbitration)


@operation(
    "Staff record that the arbitration application was handed to the commission: once per "
    "case (409 after); the application is frozen and the worker is told",
    answers={200: HandoffApplication},
    errors=ERRORS,
)
def hand_to_arbitration(case_id: int):
    case = load_case(case_id)
    operations.hand_to_arbitration(case, actor=current_user)
    return _answer(case, HandoffKind.arbitration)


@operation(
    "The worker's payment-order application (支付令申请书) for an unpaid agreement "
    "(劳动争议调解仲裁法 第十六条), as last saved or drawn from the case (409 when not open)",
    answers={200: HandoffApplication},
    errors=ERRORS,
)
def payment_order_application(case_id: int):
    return _answer(_load(case_id, HandoffKind.payment_order), HandoffKind.payment_order)


@operation(
    "Save the edited payment-order application",
    body=Content,
    answers={200: HandoffApplication},
    errors=(*ERRORS, 422),
)
def save_payment_order_application(case_id: int):
    return _save(case_id, HandoffKind.payment_order)


@operation(
    "The payment-order application as PDF (application/pdf)",
    answers={200: None},
    file="application/pdf",
    errors=ERRORS,
)
def payment_order_application_pdf(case_id: int):
    return pdf_response(_load(case_id, HandoffKind.payment_order), HandoffKind.payment_order)
