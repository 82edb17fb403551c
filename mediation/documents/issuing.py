"""Issuing documents: each gets a verification code that the public check page looks up, and
those the parties must be given are served on them (mediation.documents.service)."""

import secrets

from sqlalchemy import select

from mediation.documents.service import serve_on_issue
from mediation.extensions import db
from mediation.models import Case, CaseDocument, DocumentKind, User

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
