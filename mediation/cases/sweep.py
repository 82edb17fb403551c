"""The deadline sweep: reminders before a deadline, overdue marks, the worker's arbitration
notice, the parties' invitation to rate a closed case. Safe to run every few minutes from
several machines: each message is recorded in ``deadline_reminders`` first, and only the run
whose record went in sends it.

Every open case has a clock: the acceptance decision while applied, the mediation period once
accepted (mediating or not). The worker is told on the day the right to apply for arbitration
opens (``clocks.arbitration_available_from``, 劳动争议调解仲裁法 第十四条), whatever the state,
tier or extension, and not before. The parties are asked to rate the mediation on the day the
rating opens, the day after closure (``ratings.offered_from``), once per case."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import joinedload

from mediation.cases.limitation import remind_before_limitation
from mediation.cases.payment import ask_workers
from mediation.cases.ratings import RATING_OFFERED_AFTER_DAYS, offered_from, rating_of
from mediation.cases.sessions import remind_sessions
from mediation.core import audit, clocks
from mediation.core.calendar import work_calendar
from mediation.core.notifications import notify
from mediation.core.recipients import applicant_of, representatives_of, staff_of
from mediation.documents.issuing import issue_document
from mediation.documents.service import flag_unserved
from mediation.extensions import db, upsert_insert
from mediation.localtime import SHANGHAI
from mediation.models import Case, DeadlineReminder, DocumentKind, EvidenceParty, User
from mediation.models.types import utcnow
from workflows import deadlines
from workflows.case import CaseState

# A case whose rating opened longer ago than this is not reminded: a sweep that did not run for
# days catches up, but cases closed before the reminder existed are left alone.
RATING_REMINDER_CATCH_UP = timedelta(days=7)


@dataclass
class SweepReport:
    reminders: int = 0
    overdue: int = 0
    arbitration_notices: int = 0
    unserved_documents: int = 0
    limitation_reminders: int = 0
    payment_questions: int = 0
    session_reminders: int = 0
    rating_reminders: int = 0
    cases: list[str] = field(default_factory=list)


def _first_time(case: Case, kind: str, due: date) -> bool:
    """Record that ``kind`` about ``due`` is being sent; False when it already was."""
    # RETURNING, not rowcount: the ORM's INSERT path does not report rowcount on every driver.
    inserted = db.session.execute(
        upsert_insert(DeadlineReminder)
        .values(case_id=case.id, kind=kind, due=due)
        .on_conflict_do_nothing()
        .returning(DeadlineReminder.case_id)
    ).first()
    return inserted is not None


def _responsible(case: Case) -> list[User]:
    return [case.mediator] if case.mediator else staff_of(case.organization)


def _remind_or_mark_overdue(
    case: Case, clock: str, due: date, today: date, next_working_day: date, report: SweepReport
) -> None:
    if today < due <= next_working_day and _first_time(case, f"{clock}_due_soon", due):
        notify(_responsible(case), f"{clock}_due_soon", case, due=due.isoformat())
        report.reminders += 1
    if due < today:
        if case.overdue_since is None:
            case.overdue_since = today
            audit.record_case_event(case, "overdue", actor=None, clock=clock, due=due.isoformat())
        if _first_time(case, f"{clock}_overdue", due):
            notify(_responsible(case), f"{clock}_overdue", case, due=due.isoformat())
            report.overdue += 1
            report.cases.append(case.number)


def _tell_arbitration_open(case: Case, today: date, report: SweepReport) -> None:
    """On the day the right to arbitrate opens (or the first run after it), once per case:
    the worker's notice and the organisation's written notice (a document, served)."""
    opens = clocks.arbitration_available_from(case)
    if today < opens:
        return
    # Once per application: a schedule entered later may move the date, not repeat the notice.
    told = db.session.scalar(
        select(
            exists().where(
                DeadlineReminder.case_id == case.id, DeadlineReminder.kind == "arbitration_open"
            )
        )
    )
    if told or not _first_time(case, "arbitration_open", opens):
        return
    kind = (
        "arbitration_open_provisional"
        if clocks.arbitration_date_is_provisional(case)
        else "arbitration_open"
    )
    notify(
        [applicant_of(case)],
        kind,
        case,
        due=(opens - timedelta(days=1)).isoformat(),
        arbitration_from=opens.isoformat(),
    )
    issue_document(case, DocumentKind.period_expired_notice, actor=None)
    report.arbitration_notices += 1


def _ask_for_ratings(today: date) -> int:
    """On the day the rating opens (or the first run after it), once per case: each party who
    has not rated yet is asked to. Returns how many cases were reminded."""
    # Closed on a Shanghai day between the catch-up window's start and today minus the wait.
    opened_by = today - timedelta(days=RATING_OFFERED_AFTER_DAYS)
    closed_before = datetime.combine(opened_by + timedelta(days=1), time(), SHANGHAI)
    closed_since = datetime.combine(opened_by - RATING_REMINDER_CATCH_UP, time(), SHANGHAI)
    cases = db.session.scalars(
        select(Case)
        .options(joinedload(Case.employer), joinedload(Case.applicant))
        .where(
            Case.state.in_([CaseState.closed, CaseState.archived]),
            Case.closed_at >= closed_since,
            Case.closed_at < closed_before,
            ~exists().where(
                DeadlineReminder.case_id == Case.id, DeadlineReminder.kind == "rating_reminder"
            ),
        )
    ).all()
    reminded = 0
    for case in cases:
        opens = offered_from(case)
        if opens is None or opens > today or not _first_time(case, "rating_reminder", opens):
            continue
        recipients = []
        if rating_of(case, EvidenceParty.applicant) is None:
            recipients.append(applicant_of(case))
        if rating_of(case, EvidenceParty.respondent) is None:
            recipients += representatives_of(case.employer)
        if not any(recipients):
            continue  # both have rated already
        notify(
            recipients,
            "rating_reminder",
            case,
            closed_on=case.closed_at.astimezone(SHANGHAI).date().isoformat(),
        )
        reminded += 1
    return reminded


def sweep(today: date) -> SweepReport:
    report = SweepReport()
    calendar = work_calendar()
    next_working_day = deadlines.add_working_days(today, 1, calendar=calendar)
    open_cases = db.session.scalars(
        select(Case)
        .options(joinedload(Case.organization), joinedload(Case.mediator))
        .where(Case.state.in_([CaseState.applied, CaseState.accepted, CaseState.mediating]))
    ).all()
    for case in open_cases:
        if case.state == CaseState.accepted and case.mediation_clock_start is None:
            # Accepted before the mediation clock started at acceptance: start it now.
            clocks.start_mediation_clock(case, case.accepted_at.astimezone(SHANGHAI).date())
        clock = case.current_clock
        # Not the generated ``current_deadline``: a clock started just now is not in it yet.
        due = case.acceptance_deadline if clock == "acceptance" else case.mediation_deadline
        if due is not None:
            _remind_or_mark_overdue(case, clock, due, today, next_working_day, report)
        _tell_arbitration_open(case, today, report)
    for service in flag_unserved(today, calendar):
        document = service.document
        notify(
            _responsible(document.case),
            "service_overdue",
            document.case,
            document=document.kind.value,
            side=service.party.value,
        )
        report.unserved_documents += 1
    report.limitation_reminders = remind_before_limitation(today, _first_time)
    report.payment_questions = ask_workers(today, _first_time)
    report.session_reminders = remind_sessions(utcnow())
    report.rating_reminders = _ask_for_ratings(today)
    return report
