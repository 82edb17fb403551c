"""Who issued a document, and what it is called in lists.

A document issued since records are kept names its issuer itself (``CaseDocument.issuer``, as
it was then). Older ones do not: their issuer is read from the case's path, the organisation
holding the case when the document was issued.
"""

from collections.abc import Iterable

from flask_babel import get_locale
from sqlalchemy import select

from mediation.cases.advice import basic_court
from mediation.extensions import db
from mediation.models import AuditEvent, Case, CaseDocument, DocumentKind, Organization
from mediation.translation import gettext as _


def issuers(case: Case, documents: Iterable[CaseDocument]) -> dict[int, Organization]:
    """Document id → the organisation that issued it. After a transfer the case has documents
    of several organisations (two acceptance notices, say)."""
    documents = list(documents)
    found = {document.id: document.issuer for document in documents if document.issuer_id}
    older = [document for document in documents if not document.issuer_id]
    if older:
        found |= _issuers_from_path(case, older)
    return found


def _issuers_from_path(case: Case, documents: list[CaseDocument]) -> dict[int, Organization]:
    """Read from the case's path (filed at one organisation, then each transfer and return), as
    nothing else about the issuer was stored with documents issued before records were kept."""
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


def reader_locale() -> str:
    """The key of the reader's language in a document's frozen content."""
    return "en" if str(get_locale()).startswith("en") else "zh_CN"


def document_title(document: CaseDocument, issuer: Organization) -> str:
    """What a document is called in lists and on its page: its kind and who issued it, as the
    document itself says (an organisation renamed since keeps its old name on it)."""
    if document.content:
        return document.content[reader_locale()]["title"]
    return issued_title(document.kind, issuer)


def issued_title(kind: DocumentKind, issuer: Organization) -> str:
    return _(
        "%(document)s (%(organization)s)",
        document=kind.title,
        organization=issuing_name(kind, issuer),
    )


def issuing_name(kind: DocumentKind, issuer: Organization) -> str:
    """The name a document is issued in: its organisation's, but for the decision on judicial
    confirmation, a ruling of the basic people's court itself (民事诉讼法 第二百零六条), which
    the platform reaches through its pre-litigation mediation centre (the ``issuer``)."""
    if kind is DocumentKind.confirmation_decision:
        return basic_court(issuer.region.district)
    return issuer.name
