"""The reminder a worker gets 30 days before the time to apply for arbitration runs out.

A mediation that ended without an agreement, or an agreement the employer did not pay, leaves
the worker arbitration, and a year to apply for it (劳动争议调解仲裁法 第二十七条), counted again
from when the mediation ended (the date is ``clocks.limitation``). Missing it loses the claim,
so the worker is told once, 30 days before the last day.
"""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    and_,
    exists,
    func,
    or_,
    select,
    union,
)
from sqlalchemy.orm import joinedload, selectinload

from mediation.cases.advice import arbitration_commission
from mediation.cases.payment import standing
from mediation.core import clocks
from mediation.core.notifications import notify
from mediation.core.recipients import applicant_of
from mediation.extensions import db
from mediation.localtime import SHANGHAI, local_date
from mediation.models import (
    Agreement,
    Case,
    CaseCategory,
    DeadlineReminder,
    HolidaySchedule,
    LimitationSuspension,
    Payment,
    PaymentReport,
)
from workflows import deadlines
from workflows.case import CaseState, Outcome
from workflows.deadlines import WorkCalendar

REMINDER_BEFORE = timedelta(days=30)
# The year is counted again from the day the mediation ended: closed without an agreement, or
# the 15 days from the application ran out, whichever came first (at most a month after the
# application, holidays included); from the agreed payment date of an unpaid agreement; or from
# the end of the job (wages). The year from a day only ends later as the day is later, so
# the days a year ending within the next 30 days may run from are one range
# (``_remindable_starts``): the sweep looks at the cases with one of those days in that range,
# not at every closed case; clocks.limitation decides for each. A suspension (第二十七条第三款)
# moves the last day by as long as its cause lasted, so a case with one is looked at whatever
# those days: there are few.
YEAR = timedelta(days=365)
HOLIDAY_SLACK = timedelta(days=15)
PERIOD_SLACK = timedelta(days=31)
MEDIATION_PERIOD = timedelta(days=deadlines.MEDIATION_DAYS)
SETTLED = (CaseState.closed, CaseState.archived)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), SHANGHAI)


def _remindable_starts(today: date, calendar: WorkCalendar) -> tuple[date, date]:
    """The first and the last day a year may run from and end within the next 30 days."""

    def last_day(start: date) -> date:
        return deadlines.arbitration_limitation(start, calendar=calendar).last_day

    earliest = today - YEAR - HOLIDAY_SLACK - timedelta(days=2)
    starts = [
        earliest + timedelta(days=n) for n in range((REMINDER_BEFORE + HOLIDAY_SLACK).days + 4)
    ]
    remindable = [start for start in starts if today <= last_day(start) <= today + REMINDER_BEFORE]
    return remindable[0], remindable[-1]


def limitation_reminders_due(today: date, calendar: WorkCalendar) -> CompoundSelect:
    """The ids of the cases whose worker may have to be told today that the time runs out:
    more than ``remind_before_limitation`` acts on, never fewer. Left out: a case told
    already, since the holiday schedules last changed (what its date is counted on), unless
    a suspension may have moved it; an agreement nobody reported unpaid; wages and overtime
    pay claimed while the worker is still employed, which no limit holds."""
    first, last = _remindable_starts(today, calendar)
    # Each day the year may run from, found by an index: the end of the mediation (no
    # earlier than the closing or the 15 days from receipt, whichever came first; no later
    # than the closing or the end of those days, holidays included), the end of the job for
    # wages and overtime pay claimed while still employed, an agreement's payment date.
    mediation_ended = select(Case.id).where(
        Case.state.in_(SETTLED),
        Case.outcome != Outcome.resolved,
        Case.received_at >= _start_of(first - PERIOD_SLACK),
        Case.received_at < _start_of(last + timedelta(days=1)),
        Case.closed_at >= _start_of(first),
        or_(
            Case.closed_at < _start_of(last + timedelta(days=1)),
            Case.received_at < _start_of(last - MEDIATION_PERIOD + timedelta(days=1)),
        ),
    )
    job_ended = select(Case.id).where(
        Case.state.in_(SETTLED),
        Case.employment_end.between(first, last),
        local_date(Case.received_at) < Case.employment_end,
        exists().where(
            CaseCategory.case_id == Case.id,
            CaseCategory.category.in_(clocks.LABOUR_REMUNERATION),
        ),
    )
    payment_due = select(Agreement.case_id).where(Agreement.due_date.between(first, last))
    newest_report = (
        select(PaymentReport.payment)
        .where(PaymentReport.case_id == Agreement.case_id)
        .order_by(PaymentReport.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    unpaid = exists().where(
        Agreement.case_id == Case.id, Agreement.amount > 0, newest_report != Payment.paid
    )
    counted = select(Case.id).where(
        Case.id.in_(union(mediation_ended, job_ended, payment_due)),
        Case.state.in_(SETTLED),
        or_(Case.outcome != Outcome.resolved, unpaid),
        ~_told_since_calendar_changed(),
        ~_remuneration_while_employed(),
    )
    suspended = (
        select(Case.id)
        .join(LimitationSuspension, LimitationSuspension.case_id == Case.id)
        .where(Case.state.in_(SETTLED))
    )
    return union(counted, suspended)


def cases_to_remind() -> Select:
    """The cases as ``remind_before_limitation`` reads them: what their limitation is
    counted from, the applicant, and the employer (the commission of its district)."""
    return select(Case).options(
        joinedload(Case.employer),
        joinedload(Case.applicant),
        joinedload(Case.agreement),
        selectinload(Case.category_rows),
    )


def _told_since_calendar_changed() -> ColumnElement[bool]:
    """The worker was reminded, and the holiday schedules have not changed since: the date is
    the same (the facts it is counted from stay once a case is closed)."""
    changed = db.session.scalar(select(func.max(HolidaySchedule.updated_at)))
    return exists().where(
        DeadlineReminder.case_id == Case.id,
        DeadlineReminder.kind == "limitation_reminder",
        *([DeadlineReminder.sent_at >= changed] if changed else []),
    )


def _remuneration_while_employed() -> ColumnElement[bool]:
    """Only wages and overtime pay claimed, and the job goes on (第二十七条第四款)."""
    return and_(
        Case.employment_end.is_(None),
        exists().where(CaseCategory.case_id == Case.id),
        ~exists().where(
            CaseCategory.case_id == Case.id,
            CaseCategory.category.not_in(clocks.LABOUR_REMUNERATION),
        ),
    )


def remind_before_limitation(
    case: Case, today: date, first_time: Callable[[Case, str, date], bool]
) -> bool:
    """Tell the worker if the time runs out within 30 days, once per case; True when told."""
    if case.outcome == Outcome.resolved:
        payment = standing(case, today)
        if payment is None or not payment.unpaid:
            return False
    clock = clocks.limitation(case, today)
    ends = clock.ends_on
    if ends is None or not (ends - REMINDER_BEFORE <= today <= ends):
        return False
    if not first_time(case, "limitation_reminder", ends):
        return False
    notify(
        [applicant_of(case)],
        "limitation_reminder_provisional" if clock.provisional else "limitation_reminder",
        case,
        limitation_ends=ends.isoformat(),
        commission=arbitration_commission(case),
    )
    return True
