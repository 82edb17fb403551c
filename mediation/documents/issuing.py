"""Issuing documents: each gets a verification code that the public check page looks up, and
those the parties must be given are served on them (mediation.documents.service)."""

import secrets
from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import select

from mediation.documents.service import serve_on_issue
from mediation.extensions import db
from mediation.models import AuditEvent, Case, CaseDocument, DocumentKind, Organization, User

# No 0/O, 1/I/L, 5/S, 2/Z: codes are read aloud and typed from paper.
CODE_ALPHABET = "346789ABCDEFGHJKMNPQRTUVWXY"


def new_verification_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def issue_document(case: Case, kind: DocumentKind, *, actor: User | None) -> CaseDocument:
    document = CaseDocument(
        case=case,
        kind=kind,
        verification_code=new_verification_code(),
        issued_by_id=actor.id if actor else None,
    )
    db.session.add(document)
    serve_on_issue(document)
    return document


def latest_document(case: Case, kind: DocumentKind) -> CaseDocument | None:
    return db.session.scalar(
        select(CaseDocument)
        .where(CaseDocument.case_id == case.id, CaseDocument.kind == kind)
        .order_by(CaseDocument.id.desc())
        .limit(1)
    )


def find_by_code(code: str) -> CaseDocument | None:
    normalised = code.strip().upper().replace(" ", "")
    if len(normalised) == 12:
        normalised = "-".join(normalised[i : i + 4] for i in range(0, 12, 4))
    return db.session.scalar(
        select(CaseDocument).where(CaseDocument.verification_code == normalised)
    )


def issuers(case: Case, documents: Iterable[CaseDocument]) -> dict[int, Organization]:
    """Document id → the organisation that issued it: the one holding the case then. After a
    transfer the case has documents of several organisations (two acceptance notices, say).

    Read from the case's path (filed at one organisation, then each transfer and return), as
    nothing else about the issuer is stored with the document."""
    path = [
        (event.occurred_at, _holder_after(event))
        for event in db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.case_id == case.id,
                AuditEvent.action.in_(("case.apply", "case.escalate", "case.return")),
            )
            .order_by(AuditEvent.occurred_at, AuditEvent.id)
        )
    ]
    hops = [(moment, holder) for moment, holder in path if holder is not None]
    known = {case.organization_id: case.organization}
    found = {}
    for document in documents:
        # A document written with the filing may carry a moment a hair before the filing's
        # event: it belongs to the first organisation all the same.
        holder = hops[0][1] if hops else case.organization_id
        for moment, organization_id in hops:
            if moment <= document.issued_at:
                holder = organization_id
        if holder not in known:
            known[holder] = db.session.get(Organization, holder)
        found[document.id] = known[holder]
    return found


def _holder_after(event: AuditEvent) -> int | None:
    if event.action == "case.apply":
        return event.organization_id
    details = event.details or {}
    if details.get("to_organization_id"):
        return details["to_organization_id"]
    # Transfers recorded before the id was kept name the organisation only.
    return db.session.scalar(
        select(Organization.id).where(Organization.name == details.get("to_organization"))
    )


def document_title(document: CaseDocument, issuer: Organization) -> str:
    """What a document is called in lists and on its page: its kind and who issued it."""
    return _(
        "%(document)s (%(organization)s)", document=document.kind.title, organization=issuer.name
    )
