"""The deadline sweep: reminders before a deadline, overdue marks, the worker's arbitration
notice. Safe to run every few minutes from several machines: each message is recorded in
``deadline_reminders`` first, and only the run whose record went in sends it."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from mediation.cases.limitation import remind_before_limitation
from mediation.cases.payment import ask_workers
from mediation.cases.sessions import remind_sessions
from mediation.core import audit
from mediation.core.calendar import work_calendar
from mediation.core.notifications import notify
from mediation.core.recipients import applicant_of, staff_of
from mediation.documents.issuing import issue_document
from mediation.documents.service import flag_unserved
from mediation.extensions import db, upsert_insert
from mediation.models import Case, DeadlineReminder, DocumentKind, User
from mediation.models.types import utcnow
from workflows import deadlines
from workflows.case import CaseState


@dataclass
class SweepReport:
    reminders: int = 0
    overdue: int = 0
    arbitration_notices: int = 0
    unserved_documents: int = 0
    limitation_reminders: int = 0
    payment_questions: int = 0
    session_reminders: int = 0
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
        clock, due = case.current_clock, case.current_deadline
        if due is None:
            continue
        if today < due <= next_working_day and _first_time(case, f"{clock}_due_soon", due):
            notify(_responsible(case), f"{clock}_due_soon", case, due=due.isoformat())
            report.reminders += 1
        if due < today:
            if case.overdue_since is None:
                case.overdue_since = today
                audit.record_case_event(
                    case, "overdue", actor=None, clock=clock, due=due.isoformat()
                )
            if _first_time(case, f"{clock}_overdue", due):
                notify(_responsible(case), f"{clock}_overdue", case, due=due.isoformat())
                report.overdue += 1
                report.cases.append(case.number)
            if clock == "mediation" and _first_time(case, "arbitration_open", due):
                notify([applicant_of(case)], "arbitration_open", case, due=due.isoformat())
                issue_document(case, DocumentKind.period_expired_notice, actor=None)
                report.arbitration_notices += 1
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
    return report
