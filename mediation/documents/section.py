"""What the documents section of the case page shows: each document, its service on each
party, and (to staff) how the case's SMS and e-mail notices fared."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from mediation import policy
from mediation.documents.forms import CorrectionForm, OtherServiceForm
from mediation.documents.issuers import document_title, issuers
from mediation.documents.service import case_services, unserved_parties
from mediation.extensions import db
from mediation.models import (
    Case,
    CaseDocument,
    DocumentService,
    Organization,
    OutboxMessage,
    User,
)
from mediation.privacy import mask_phone
from mediation.translation import lazy_gettext as _l

# The case's delivery table is compact: the latest notices are what staff chase.
DELIVERIES_SHOWN = 200


@dataclass(frozen=True)
class DocumentEntry:
    document: CaseDocument
    issuer: Organization
    services: list[DocumentService]
    # Staff of the case, while a party is still to be served; else None.
    form: OtherServiceForm | None
    # Staff of the case, while this version is the current one; else None.
    correction: CorrectionForm | None

    @property
    def title(self) -> str:
        return document_title(self.document, self.issuer)


def documents_section(case: Case, user: User, bound: dict | None = None) -> list[DocumentEntry]:
    """Every document of the case with its service; ``bound`` may hold a service or correction
    form submitted with problems (the document's id and the form), shown again as typed."""
    bound = bound or {}
    documents = db.session.scalars(
        select(CaseDocument).where(CaseDocument.case_id == case.id).order_by(CaseDocument.id)
    ).all()
    services = case_services(case)
    may_record = policy.may_act(user, case, policy.Act.record_service)
    may_correct = policy.may_act(user, case, policy.Act.correct_document)
    issued_by = issuers(case, documents)
    entries = []
    for document in documents:
        served = services.get(document.id, [])
        waiting = unserved_parties(served)
        form = correction = None
        if may_record and waiting:
            form = _bound(bound, "service", document) or OtherServiceForm.for_document(
                document.id, waiting, formdata=None
            )
        if may_correct and document.superseded_at is None:
            correction = _bound(bound, "correction", document) or CorrectionForm.for_document(
                document.id, formdata=None
            )
        entries.append(DocumentEntry(document, issued_by[document.id], served, form, correction))
    return entries


def _bound(bound: dict, name: str, document: CaseDocument):
    """The form of that name sent for this document with problems, if it was."""
    sent = bound.get(name)
    return sent[1] if sent and sent[0] == document.id else None


PARTY_TITLES = {
    "applicant": _l("Applicant"),
    "respondent": _l("Employer"),
    "staff": _l("Staff"),
}


@dataclass(frozen=True)
class Delivery:
    party: str
    recipient: str
    message: OutboxMessage


def _party_of(message: OutboxMessage, case: Case) -> str:
    user = message.user
    if user is None:
        # Only a walk-in applicant is reached without an account.
        return PARTY_TITLES["applicant" if message.recipient == case.applicant_phone else "staff"]
    if policy.is_applicant(user, case):
        return PARTY_TITLES["applicant"]
    if policy.is_respondent(user, case):
        return PARTY_TITLES["respondent"]
    return PARTY_TITLES["staff"]


def deliveries(case: Case, user: User) -> list[Delivery] | None:
    """The case's SMS and e-mail messages, oldest first, for staff; None for the parties."""
    if user.role not in policy.CASE_STAFF_ROLES:
        return None
    messages = db.session.scalars(
        select(OutboxMessage)
        .options(joinedload(OutboxMessage.user))
        .where(OutboxMessage.case_id == case.id)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(DELIVERIES_SHOWN)
    ).all()
    return [
        Delivery(
            party=_party_of(message, case),
            recipient=mask_phone(message.recipient)
            if message.channel.value == "sms"
            else message.recipient,
            message=message,
        )
        for message in reversed(messages)
    ]
