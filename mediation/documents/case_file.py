"""The case file (卷宗) made at archive: one document holding the whole record of the case.

A cover (case number, the parties as a register may show them, the organisation, the dates and
the outcome), a table of contents, then each part in order: the application, the notices, the
employer's statement, the minutes of the sessions, the agreement or closing notice, the proofs
of service, the evidence list and the timeline. The documents are copied as they were issued
(their frozen text), so the file says what the parties were given.

The archive checklist (cases.triggers.archive_facts) is the check that the parts the law needs
are there; this module puts together whatever the case holds.
"""

from collections.abc import Callable

from sqlalchemy import select

from mediation.cases.triggers import event_title
from mediation.documents import builders
from mediation.documents.issuers import issued_title, issuers, reader_locale
from mediation.documents.printable import Document, Section
from mediation.documents.service import SERVED_ON, services_of
from mediation.extensions import db
from mediation.i18n import human_date, human_datetime
from mediation.models import AuditEvent, Case, CaseDocument, DocumentKind, Organization
from mediation.models.cases import OUTCOME_TITLES
from mediation.privacy import mask_id_number, mask_name, mask_phone
from mediation.translation import gettext as _
from mediation.translation import ngettext
from workflows.case import Outcome

# The order of the documents in the file: how a case runs.
ORDER = (
    DocumentKind.application,
    DocumentKind.acceptance_notice,
    DocumentKind.decline_notice,
    DocumentKind.period_expired_notice,
    DocumentKind.termination_notice,
    DocumentKind.agreement,
    DocumentKind.confirmation_decision,
)


def _cover(case: Case, issuer: Organization) -> Section:
    """What the file's cover says: a register's view of the parties (李*, masked numbers)."""
    rows = [
        (_("Case number"), case.number),
        (_("Applicant"), mask_name(case.applicant_name)),
        (_("Resident ID number"), mask_id_number(case.applicant_id_number)),
        (_("Mobile number"), mask_phone(case.applicant_phone)),
        (_("Respondent"), case.employer.name),
        (_("Organisation"), issuer.name),
        (_("Received on"), human_date(case.received_at)),
    ]
    if case.accepted_at:
        rows.append((_("Accepted on"), human_date(case.accepted_at)))
    if case.closed_at:
        rows.append((_("Closed on"), human_date(case.closed_at)))
    if case.outcome:
        rows.append((_("Outcome"), str(OUTCOME_TITLES[Outcome(case.outcome)])))
    if case.mediator:
        rows.append((_("Mediator"), case.mediator.name))
    return Section(heading=_("Cover"), rows=tuple(rows))


def _issued(case: Case) -> list[CaseDocument]:
    documents = db.session.scalars(
        select(CaseDocument)
        .where(CaseDocument.case_id == case.id, CaseDocument.kind.in_(ORDER))
        .order_by(CaseDocument.id)
    ).all()
    return sorted(documents, key=lambda document: ORDER.index(document.kind))


def _as_issued(case: Case, document: CaseDocument, issuer: Organization) -> Document:
    """The document in the current language as it was issued (older ones, never frozen, as the
    case says now)."""
    if document.content:
        return Document.from_dict(document.content[reader_locale()])
    return builders.build(case, document, issuer)


def _statement(case: Case) -> list[Section]:
    if not case.respondent_statement:
        return [Section(paragraphs=(_("The employer gave no written statement."),))]
    return [Section(paragraphs=(case.respondent_statement,))]


def _minutes(case: Case) -> list[Section]:
    held = [session for session in case.sessions if session.minutes.strip()]
    if not held:
        return [Section(paragraphs=(_("No session was held."),))]
    return [
        Section(
            heading=human_datetime(session.starts_at),
            paragraphs=(session.minutes,),
            rows=(
                (_("How"), str(session.mode.title)),
                *(((_("Attendees"), session.attendees),) if session.attendees else ()),
                (_("Recorded by"), session.recorded_by.name),
            ),
        )
        for session in held
    ]


def _evidence(case: Case) -> list[Section]:
    if not case.evidence:
        return [Section(paragraphs=(_("No evidence was handed in."),))]
    rows = tuple(
        (
            item.original_name,
            _(
                "%(party)s · %(size)s · %(when)s · SHA-256 %(hash)s",
                party=_("Applicant") if item.party == "applicant" else _("Employer"),
                size=ngettext("%(num)d byte", "%(num)d bytes", item.size),
                when=human_datetime(item.uploaded_at),
                hash=item.sha256[:16],
            ),
        )
        for item in case.evidence
    )
    return [Section(rows=rows)]


def _timeline(case: Case) -> list[Section]:
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.case_id == case.id, AuditEvent.action != "case.identity_viewed")
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    )
    rows = tuple(
        (
            human_datetime(event.occurred_at),
            " · ".join(
                str(part)
                for part in (event_title(event.action), event.actor and event.actor.name)
                if part
            ),
        )
        for event in events
    )
    return [Section(rows=rows)]


def build(case: Case, document: CaseDocument, issuer: Organization) -> Document:
    """The case file as the case stands at archive, in the current language."""
    issued = _issued(case)
    issued_by = issuers(case, issued)
    parts: list[tuple[str, Callable[[], list[Section]]]] = []
    for kept in issued:
        text = _as_issued(case, kept, issued_by[kept.id])
        parts.append((text.title, lambda text=text: list(text.sections)))
    parts.insert(_after_notices(issued), (_("Statement of the employer"), lambda: _statement(case)))
    parts.insert(
        _after_notices(issued) + 1, (_("Minutes of the mediation sessions"), lambda: _minutes(case))
    )
    for kept in issued:
        if SERVED_ON[kept.kind]:
            title = _(
                "Proof of service: %(document)s",
                document=_as_issued(case, kept, issued_by[kept.id]).title,
            )
            proof = builders.build_proof_of_service(case, kept, services_of(kept))
            parts.append((title, lambda proof=proof: list(proof.sections)))
    parts.append((_("Evidence list"), lambda: _evidence(case)))
    parts.append((_("Timeline"), lambda: _timeline(case)))

    titles = [title for title, _sections in parts]
    sections = [
        _cover(case, issuer),
        Section(
            heading=_("Contents"),
            rows=tuple((str(number), title) for number, title in enumerate(titles, start=1)),
        ),
    ]
    for number, (title, sections_of) in enumerate(parts, start=1):
        part = sections_of()
        first = part[0]
        # The part's number and name head its first section; its own heading follows.
        sections.append(
            Section(
                heading=_("%(number)d. %(part)s", number=number, part=title),
                paragraphs=((first.heading,) if first.heading else ()) + tuple(first.paragraphs),
                rows=tuple(first.rows),
            )
        )
        sections.extend(part[1:])
    return Document(
        title=issued_title(DocumentKind.case_file, issuer),
        number=case.number,
        issuer=issuer.name,
        issued_on=human_date(document.issued_at),
        sections=sections,
        verification_code=document.verification_code,
        verification_url=builders.verification_url(document.verification_code),
        labels=builders.labels(),
    )


def _after_notices(issued: list[CaseDocument]) -> int:
    """Where the employer's statement goes: after the application and the notices that opened
    the mediation, before the documents that closed it."""
    opening = (DocumentKind.application, DocumentKind.acceptance_notice)
    return sum(1 for document in issued if document.kind in opening)
