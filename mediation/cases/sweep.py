"""The deadline sweep: reminders before a deadline, overdue marks, the worker's arbitration
notice, the parties' invitation to rate a closed case. Safe to run every few minutes from
several machines: each message is recorded in ``deadline_reminders`` first, and only the run
whose record went in sends it.

Every open case has a clock: the acceptance decision while applied, the mediation period once
accepted (mediating or not). The worker is told on the day the right to apply for arbitration
opens (``clocks.arbitration_available_from``, 劳动争议调解仲裁法 第十四条), whatever the state,
tier or extension, and not before. The parties are asked to rate the mediation on the day the
rating opens, the day after closure (``ratings.offered_from``), once per case.

A sweep reads only what may need something, found in SQL (a deadline near or past and not yet
told, arbitration opened and not yet told, …), not every open case, and works through it in
batches (``sweep``): at a million cases its time and memory follow what it has to say, not
how many cases are open.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache

from sqlalchemy import ColumnElement, CompoundSelect, Select, and_, exists, or_, select
from sqlalchemy.orm import joinedload

from mediation.cases.limitation import (
    cases_to_remind,
    limitation_reminders_due,
    remind_before_limitation,
)
from mediation.cases.payment import ask_worker, cases_to_ask, payment_questions_due
from mediation.cases.ratings import RATING_OFFERED_AFTER_DAYS, offered_from
from mediation.cases.sessions import remind_session, sessions_to_remind, sessions_with_cases
from mediation.core import audit, clocks
from mediation.core.calendar import work_calendar
from mediation.core.notifications import notify
from mediation.core.recipients import applicant_of, representatives_of, staff_of
from mediation.documents.issuing import issue_document
from mediation.documents.service import flag_unserved, services_to_flag, unserved_services
from mediation.extensions import database_kind, db, upsert_insert
from mediation.localtime import SHANGHAI
from mediation.models import (
    Case,
    DeadlineReminder,
    DocumentKind,
    DocumentService,
    EvidenceParty,
    MediationSession,
    Rating,
    User,
)
from mediation.models.types import utcnow
from workflows import deadlines
from workflows.case import OPEN_STATES, CaseState

# A case whose rating opened longer ago than this is not reminded: a sweep that did not run for
# days catches up, but cases closed before the reminder existed are left alone.
RATING_REMINDER_CATCH_UP = timedelta(days=7)
# Rows handled between two ends of batch (``sweep``'s ``end_batch``: the job's commits).
BATCH_SIZE = 500
# The right to arbitrate opens the day after the 15 days from receipt (later when the 15th is
# a rest day): never for a case received fewer than this many days ago.
ARBITRATION_OPENS_AFTER = timedelta(days=deadlines.MEDIATION_DAYS)
# Each clock of an open case: the states it runs in and the column holding its deadline.
CLOCKS = (
    ("acceptance", (CaseState.applied,), Case.acceptance_deadline),
    ("mediation", (CaseState.accepted, CaseState.mediating), Case.mediation_deadline),
)


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
    # On the session's connection, as plain SQL: the sweep sends many, each compiled once.
    inserted = db.session.connection().execute(
        _reminder_insert(database_kind()), {"case_id": case.id, "kind": kind, "due": due}
    )
    return inserted.first() is not None


@cache
def _reminder_insert(kind: str):
    return (
        upsert_insert(DeadlineReminder.__table__, kind)
        .on_conflict_do_nothing()
        .returning(DeadlineReminder.case_id)
    )


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), SHANGHAI)


def _told(kind: str, due: ColumnElement | None = None) -> ColumnElement[bool]:
    """Whether the case of the row was told ``kind`` (about ``due``, if given)."""
    about = [DeadlineReminder.due == due] if due is not None else []
    return exists().where(
        DeadlineReminder.case_id == Case.id, DeadlineReminder.kind == kind, *about
    )


def _open_cases_to_look_at(today: date, next_working_day: date) -> Select:
    """The ids of the open cases the sweep may have something to do for: more than it will
    act on (the steps decide, case by case), never fewer. A deadline due by the next working
    day or past and not yet told, a mediation clock not started, arbitration perhaps open
    and not yet told."""
    may_need = [
        # Accepted before the mediation clock started at acceptance: it starts now.
        and_(Case.state == CaseState.accepted, Case.mediation_clock_start.is_(None)),
        and_(
            Case.received_at < _start_of(today - ARBITRATION_OPENS_AFTER),
            ~_told("arbitration_open"),
        ),
    ]
    for clock, states, due in CLOCKS:
        soon = and_(due > today, due <= next_working_day, ~_told(f"{clock}_due_soon", due))
        overdue = and_(
            due < today,
            or_(Case.overdue_since.is_(None), ~_told(f"{clock}_overdue", due)),
        )
        may_need.append(and_(Case.state.in_(states), or_(soon, overdue)))
    return select(Case.id).where(Case.state.in_(OPEN_STATES), or_(*may_need))


def _open_cases() -> Select:
    """Open cases as the sweep reads them: with who is responsible, and whether the worker
    was told arbitration is open."""
    return select(Case, _told("arbitration_open")).options(
        joinedload(Case.organization), joinedload(Case.mediator)
    )


def _ratings_due(today: date) -> Select:
    """The ids of the cases whose rating opened since the catch-up window began and whose
    parties were not reminded yet."""
    # Closed on a Shanghai day between the catch-up window's start and today minus the wait.
    opened_by = today - timedelta(days=RATING_OFFERED_AFTER_DAYS)
    return select(Case.id).where(
        Case.state.in_([CaseState.closed, CaseState.archived]),
        Case.closed_at >= _start_of(opened_by - RATING_REMINDER_CATCH_UP),
        Case.closed_at < _start_of(opened_by + timedelta(days=1)),
        ~_told("rating_reminder"),
    )


def _closed_cases() -> Select:
    """Closed cases as the rating reminder reads them: with the parties, and whether each
    has rated."""

    def rated(party: EvidenceParty) -> ColumnElement[bool]:
        return exists().where(Rating.case_id == Case.id, Rating.party == party)

    return select(Case, rated(EvidenceParty.applicant), rated(EvidenceParty.respondent)).options(
        joinedload(Case.employer), joinedload(Case.applicant)
    )


class _Sweep:
    """One sweep: its day, its report, and the people told in the current batch (a batch
    tells many cases of a few organisations and employers: their staff and representatives
    are read once)."""

    def __init__(self, today: date, batch_size: int, end_batch: Callable[[], None]) -> None:
        self.today = today
        self.calendar = work_calendar()
        self.next_working_day = deadlines.add_working_days(today, 1, calendar=self.calendar)
        self.now = utcnow()
        self.batch_size = batch_size
        self.end_batch = end_batch
        self.report = SweepReport()
        self.staff: dict[int, list[User]] = {}
        self.representatives: dict[int, list[User]] = {}

    def run(self) -> SweepReport:
        today = self.today
        self.each(_open_cases_to_look_at(today, self.next_working_day), _open_cases(), self.look_at)
        self.each(unserved_services(today), services_to_flag(), self.flag)
        self.each(
            limitation_reminders_due(today, self.calendar),
            cases_to_remind(),
            self.remind_limitation,
        )
        self.each(payment_questions_due(today), cases_to_ask(), self.ask_about_payment)
        self.each(sessions_to_remind(self.now), sessions_with_cases(), self.remind_of_session)
        self.each(_ratings_due(today), _closed_cases(), self.ask_for_rating)
        return self.report

    def each(self, ids: Select | CompoundSelect, rows: Select, handle: Callable[..., None]) -> None:
        """Hand each row of ``rows`` whose first entity's id ``ids`` finds to ``handle``, in
        batches in the order of their ids; after each its changes are flushed and
        ``end_batch`` runs.

        The ids are found first, in one statement: the database plans the whole search (a
        page of it taken with LIMIT after the last id would have it walk the primary key
        through every case). Then each batch is loaded by its ids; each step checks again
        what it does (another sweep may have done it meanwhile). Only the ids are kept: the
        session holds unchanged objects weakly, so a finished batch's objects go."""
        entity = rows.column_descriptions[0]["entity"]
        found = sorted(set(db.session.scalars(ids)))
        for start in range(0, len(found), self.batch_size):
            batch = found[start : start + self.batch_size]
            # What a step reads (who to tell, a case's suspensions and payments) does not
            # depend on what the batch wrote so far: its notices, messages and events go in
            # together at the end of the batch, not one at a time before each read.
            with db.session.no_autoflush:
                for row in db.session.execute(rows.where(entity.id.in_(batch)).order_by(entity.id)):
                    handle(*row)
            db.session.flush()
            self.staff.clear()
            self.representatives.clear()
            self.end_batch()

    def responsible(self, case: Case) -> list[User]:
        if case.mediator:
            return [case.mediator]
        if case.organization_id not in self.staff:
            self.staff[case.organization_id] = staff_of(case.organization)
        return self.staff[case.organization_id]

    def representatives_of(self, case: Case) -> list[User]:
        if case.employer_id not in self.representatives:
            self.representatives[case.employer_id] = representatives_of(case.employer)
        return self.representatives[case.employer_id]

    def look_at(self, case: Case, arbitration_told: bool) -> None:
        if case.state == CaseState.accepted and case.mediation_clock_start is None:
            # Accepted before the mediation clock started at acceptance: start it now.
            clocks.start_mediation_clock(case, case.accepted_at.astimezone(SHANGHAI).date())
        clock = case.current_clock
        # Not the generated ``current_deadline``: a clock started just now is not in it yet.
        due = case.acceptance_deadline if clock == "acceptance" else case.mediation_deadline
        if due is not None:
            self.remind_or_mark_overdue(case, clock, due)
        self.tell_arbitration_open(case, arbitration_told)

    def remind_or_mark_overdue(self, case: Case, clock: str, due: date) -> None:
        today, report = self.today, self.report
        if today < due <= self.next_working_day and _first_time(case, f"{clock}_due_soon", due):
            notify(self.responsible(case), f"{clock}_due_soon", case, due=due.isoformat())
            report.reminders += 1
        if due < today:
            if case.overdue_since is None:
                case.overdue_since = today
                audit.record_case_event(
                    case, "overdue", actor=None, clock=clock, due=due.isoformat()
                )
            if _first_time(case, f"{clock}_overdue", due):
                notify(self.responsible(case), f"{clock}_overdue", case, due=due.isoformat())
                report.overdue += 1
                report.cases.append(case.number)

    def tell_arbitration_open(self, case: Case, told: bool) -> None:
        """On the day the right to arbitrate opens (or the first run after it), once per
        case: the worker's notice and the organisation's written notice (a document,
        served). ``told``: already, on an earlier day (a schedule entered later may move
        the date, not repeat the notice)."""
        opens = clocks.arbitration_available_from(case)
        if self.today < opens or told or not _first_time(case, "arbitration_open", opens):
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
        self.report.arbitration_notices += 1

    def flag(self, service: DocumentService) -> None:
        if not flag_unserved(service, self.today, self.calendar):
            return
        document = service.document
        notify(
            self.responsible(document.case),
            "service_overdue",
            document.case,
            document=document.kind.value,
            side=service.party.value,
        )
        self.report.unserved_documents += 1

    def remind_limitation(self, case: Case) -> None:
        self.report.limitation_reminders += remind_before_limitation(case, self.today, _first_time)

    def ask_about_payment(self, case: Case) -> None:
        self.report.payment_questions += ask_worker(case, _first_time)

    def remind_of_session(self, session: MediationSession) -> None:
        self.report.session_reminders += remind_session(session, self.now)

    def ask_for_rating(self, case: Case, applicant_rated: bool, respondent_rated: bool) -> None:
        """On the day the rating opens (or the first run after it), once per case: each
        party who has not rated yet is asked to."""
        opens = offered_from(case)
        if opens is None or opens > self.today or not _first_time(case, "rating_reminder", opens):
            return
        recipients = []
        if not applicant_rated:
            recipients.append(applicant_of(case))
        if not respondent_rated:
            recipients += self.representatives_of(case)
        if not any(recipients):
            return  # both have rated already
        notify(
            recipients,
            "rating_reminder",
            case,
            closed_on=case.closed_at.astimezone(SHANGHAI).date().isoformat(),
        )
        self.report.rating_reminders += 1


def sweep(
    today: date,
    *,
    batch_size: int = BATCH_SIZE,
    end_batch: Callable[[], None] = lambda: None,
) -> SweepReport:
    """Say what is due on ``today``, case by case, in batches of ``batch_size``.

    After each batch the changes are flushed and ``end_batch`` runs: the jobs commit there
    (``delivery.tasks.sweep_deadlines``, ``flask deadlines sweep``), so that neither the
    transaction nor the rollups' recount at commit grow with the work. That is safe because
    every message is recorded before it is sent: a sweep stopped halfway leaves the rest to
    the next, which says it once. Called without, nothing is committed (the tests).
    """
    return _Sweep(today, batch_size, end_batch).run()
