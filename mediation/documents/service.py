"""Service (送达) of issued documents on the parties, and its proof.

A document the parties must be given is served when it is issued: one ``DocumentService`` row
per party it is served on, and a notice that tells the party to sign in and open it. The first
time the party opens it after signing in is the time of service (the electronic proof of
service, 送达回证, kept in the audit log). Staff may record service by another way (in person,
by post); a document still unserved after ``WAITING_WORKING_DAYS`` is flagged to them once.

Operations here flush but never commit: the request (or the sweep's command) commits.
"""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, select, update
from sqlalchemy.orm import joinedload

from mediation import policy
from mediation.core import audit
from mediation.core.errors import Refused
from mediation.core.notifications import notify
from mediation.core.recipients import Recipient, applicant_of, representatives_of
from mediation.extensions import db
from mediation.localtime import SHANGHAI
from mediation.models import (
    Case,
    CaseDocument,
    DocumentKind,
    DocumentService,
    ServiceMethod,
    ServiceParty,
    User,
)
from mediation.models.types import utcnow
from mediation.policy import Act
from workflows import deadlines
from workflows.deadlines import WorkCalendar

APPLICANT, RESPONDENT = ServiceParty.applicant, ServiceParty.respondent

# Which party each issued document is served on. The decline notice answers the applicant's
# own application: no mediation was opened with the employer, so only the applicant gets it.
# The notices that open or end a mediation, and the agreement, bind both sides. The
# application is the applicant's own paper; the employer hears of it by the filing notice.
SERVED_ON: dict[DocumentKind, tuple[ServiceParty, ...]] = {
    DocumentKind.application: (),
    DocumentKind.acceptance_notice: (APPLICANT, RESPONDENT),
    DocumentKind.decline_notice: (APPLICANT,),
    DocumentKind.agreement: (APPLICANT, RESPONDENT),
    DocumentKind.termination_notice: (APPLICANT, RESPONDENT),
    DocumentKind.period_expired_notice: (APPLICANT, RESPONDENT),
    DocumentKind.confirmation_decision: (APPLICANT, RESPONDENT),
    # The case file is the organisation's record, kept at archive.
    DocumentKind.case_file: (),
}

# After this many working days unserved, staff are told to serve the document another way.
WAITING_WORKING_DAYS = 3

OTHER_METHODS = (ServiceMethod.in_person, ServiceMethod.post)


def recipients_of(case: Case, party: ServiceParty) -> list[Recipient | None]:
    if party is APPLICANT:
        return [applicant_of(case)]
    return list(representatives_of(case.employer))


def serve_on_issue(document: CaseDocument) -> list[DocumentService]:
    """Start serving a just-issued document: a service row and a notice per party."""
    case = document.case
    services = []
    for party in SERVED_ON[document.kind]:
        service = DocumentService(document=document, party=party, notified_at=utcnow())
        db.session.add(service)
        services.append(service)
        notify(recipients_of(case, party), "document_served", case, document=document.kind.value)
    return services


def case_services(case: Case) -> dict[int, list[DocumentService]]:
    """Document id → its services, for every document of ``case``: one query."""
    services: dict[int, list[DocumentService]] = {}
    for service in db.session.scalars(
        select(DocumentService)
        .options(joinedload(DocumentService.served_to), joinedload(DocumentService.recorded_by))
        .join(CaseDocument)
        .where(CaseDocument.case_id == case.id)
        .order_by(DocumentService.document_id, DocumentService.party)
    ):
        services.setdefault(service.document_id, []).append(service)
    return services


def party_of(user: User, case: Case) -> ServiceParty | None:
    """The party a signed-in user receives documents for: the applicant's own account, or a
    representative of the case's employer. Staff are no party."""
    if policy.is_applicant(user, case):
        return APPLICANT
    if policy.is_respondent(user, case):
        return RESPONDENT
    return None


def services_of(document: CaseDocument) -> list[DocumentService]:
    return list(
        db.session.scalars(
            select(DocumentService)
            .options(joinedload(DocumentService.served_to), joinedload(DocumentService.recorded_by))
            .where(DocumentService.document_id == document.id)
            .order_by(DocumentService.party)
        )
    )


def _details(document: CaseDocument, party: ServiceParty) -> dict:
    return {
        "document_id": document.id,
        "document": document.kind.value,
        "verification_code": document.verification_code,
        "party": party.value,
    }


def _mark_served(service_id: int, **values) -> bool:
    """Set the service's facts unless it was served meanwhile; True when this call did it.

    A conditional UPDATE, so that the page and the PDF opened at once (or two staff
    recording at once) serve it only once."""
    result = db.session.execute(
        update(DocumentService)
        .where(DocumentService.id == service_id, DocumentService.served_at.is_(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    served = result.rowcount == 1
    if served:
        service = db.session.get(DocumentService, service_id)
        if service is not None:
            db.session.refresh(service)
    return served


def record_opening(case: Case, document: CaseDocument, user: User) -> DocumentService | None:
    """The party opened the document after signing in: the time of service, once. Returns
    the service it completed, or None (staff, not served on this party, served before)."""
    party = party_of(user, case)
    if party is None:
        return None
    service = db.session.scalar(
        select(DocumentService).where(
            DocumentService.document_id == document.id,
            DocumentService.party == party,
            DocumentService.served_at.is_(None),
        )
    )
    if service is None:
        return None
    if not _mark_served(
        service.id, served_at=utcnow(), method=ServiceMethod.platform, served_to_id=user.id
    ):
        return None
    audit.record_case_event(case, "document_served", actor=user, **_details(document, party))
    return service


def record_other_service(
    case: Case,
    document: CaseDocument,
    *,
    party: ServiceParty,
    method: ServiceMethod,
    note: str,
    actor: User,
) -> DocumentService:
    """Staff record that the document was served on ``party`` in person or by post."""
    policy.require_act(actor, case, Act.record_service)
    if method not in OTHER_METHODS or not note.strip():
        raise ValueError("service by another way needs its method and a note")
    service = db.session.scalar(
        select(DocumentService).where(
            DocumentService.document_id == document.id, DocumentService.party == party
        )
    )
    if service is None or not _mark_served(
        service.id,
        served_at=utcnow(),
        method=method,
        recorded_by_id=actor.id,
        note=note.strip(),
    ):
        # Served meanwhile (the party opened it, or a colleague recorded it).
        raise Refused("changed_meanwhile")
    audit.record_case_event(
        case,
        "document_served_otherwise",
        actor=actor,
        note=note.strip(),
        method=method.value,
        **_details(document, party),
    )
    return service


def unserved_parties(services: Iterable[DocumentService]) -> list[ServiceParty]:
    return [service.party for service in services if service.served_at is None]


def waiting_ends(notified_at: datetime, calendar: WorkCalendar) -> date:
    """The last of the working days the party has to open the document."""
    notified_on = notified_at.astimezone(SHANGHAI).date()
    return deadlines.add_working_days(notified_on, WAITING_WORKING_DAYS, calendar=calendar)


def unserved_services(today: date) -> Select:
    """The ids of the services whose working days may have run out with the document still
    not served and staff not yet told: ``flag_unserved`` decides for each."""
    # The working days are at least as many calendar days: only older rows can be due.
    cutoff = datetime.combine(
        today - timedelta(days=WAITING_WORKING_DAYS), time.min, tzinfo=SHANGHAI
    )
    return select(DocumentService.id).where(
        DocumentService.served_at.is_(None),
        DocumentService.flagged_at.is_(None),
        DocumentService.notified_at < cutoff,
    )


def services_to_flag() -> Select:
    """The services as ``flag_unserved`` reads them: with their document and its case."""
    return select(DocumentService).options(
        joinedload(DocumentService.document).joinedload(CaseDocument.case)
    )


def flag_unserved(service: DocumentService, today: date, calendar: WorkCalendar) -> bool:
    """Flag the service, once, if it is still not done after its working days ran out; True
    when this call flagged it (another sweep running at once may have first)."""
    if today <= waiting_ends(service.notified_at, calendar):
        return False
    result = db.session.execute(
        update(DocumentService)
        .where(DocumentService.id == service.id, DocumentService.flagged_at.is_(None))
        .values(flagged_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    db.session.refresh(service)
    document = service.document
    audit.record_case_event(
        document.case,
        "service_overdue",
        actor=None,
        **_details(document, service.party),
    )
    return True
