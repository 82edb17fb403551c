"""Issuing documents: each gets a verification code that the public check page looks up, its
text is frozen and its PDF stored as a record (mediation.documents.records), and those the
parties must be given are served on them (mediation.documents.service)."""

import secrets

from sqlalchemy import select, update

from mediation import policy
from mediation.core import audit
from mediation.core.errors import Refused
from mediation.documents import records
from mediation.documents.issuers import issuers
from mediation.documents.service import serve_on_issue
from mediation.extensions import db
from mediation.models import Case, CaseDocument, DocumentKind, Organization, User
from mediation.models.types import utcnow
from mediation.policy import Act

# No 0/O, 1/I/L, 5/S, 2/Z: codes are read aloud and typed from paper.
CODE_ALPHABET = "346789ABCDEFGHJKMNPQRTUVWXY"


def new_verification_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def issue_document(
    case: Case,
    kind: DocumentKind,
    *,
    actor: User | None,
    supersedes: CaseDocument | None = None,
    issuer: Organization | None = None,
    signer: User | None = None,
) -> CaseDocument:
    """Issue a document in the name of the organisation holding the case, signed by its
    mediator (or by ``issuer`` and ``signer``: the court's decision on confirmation); its text
    is frozen now and it is served on the parties it binds."""
    if supersedes is not None:
        # A correction is the same organisation's document, whoever holds the case now.
        issuer = supersedes.issuer or issuers(case, [supersedes])[supersedes.id]
        signer = supersedes.mediator
    document = CaseDocument(
        case=case,
        kind=kind,
        verification_code=new_verification_code(),
        issued_at=utcnow(),
        issued_by_id=actor.id if actor else None,
        issuer=issuer or case.organization,
        mediator=signer or case.mediator,
        version=supersedes.version + 1 if supersedes else 1,
        supersedes=supersedes,
    )
    db.session.add(document)
    records.keep(case, document)
    serve_on_issue(document)
    return document


def correct_document(
    case: Case, document: CaseDocument, *, actor: User, reason: str
) -> CaseDocument:
    """Issue a corrected version of ``document`` from the case as it is now; the old one stays
    verifiable and says it was superseded. It is served on the parties again."""
    policy.require_act(actor, case, Act.correct_document)
    if not reason.strip():
        raise ValueError("a correction needs its reason")
    # Conditional: of two staff correcting at once, one supersedes it.
    superseded = db.session.execute(
        update(CaseDocument)
        .where(CaseDocument.id == document.id, CaseDocument.superseded_at.is_(None))
        .values(superseded_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if superseded.rowcount != 1:
        raise Refused("changed_meanwhile")
    db.session.refresh(document)
    corrected = issue_document(case, document.kind, actor=actor, supersedes=document)
    audit.record_case_event(
        case,
        "document_corrected",
        actor=actor,
        note=reason.strip(),
        document=document.kind.value,
        document_id=document.id,
        corrected_id=corrected.id,
        version=corrected.version,
        verification_code=corrected.verification_code,
    )
    return corrected


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
