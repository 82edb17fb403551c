"""The reminder a worker gets 30 days before the time to apply for arbitration runs out.

A mediation that ended without an agreement, or an agreement the employer did not pay, leaves
the worker arbitration, and a year to apply for it (劳动争议调解仲裁法 第二十七条), counted again
from when the mediation ended (the date is ``clocks.limitation``). Missing it loses the claim,
so the worker is told once, 30 days before the last day.
"""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import joinedload

from mediation.cases.advice import arbitration_commission
from mediation.cases.payment import standing
from mediation.core import clocks
from mediation.core.notifications import notify
from mediation.core.recipients import applicant_of
from mediation.extensions import db
from mediation.localtime import SHANGHAI
from mediation.models import Agreement, Case, LimitationSuspension
from workflows.case import CaseState, Outcome

REMINDER_BEFORE = timedelta(days=30)
# The year is counted again from the day the mediation ended: closed without an agreement, or
# the 15 days from the application ran out, whichever came first (at most a month after the
# application, holidays included); from the agreed payment date of an unpaid agreement; or from
# the end of the job (wages). A holiday at its end only moves it later. So a case can fall due
# now only if one of those days lies about a year back: the sweep looks at those cases alone,
# not at every closed case; clocks.limitation decides for each. A suspension (第二十七条第三款)
# moves the last day by as long as its cause lasted, so a case with one is looked at whatever
# those days: there are few.
YEAR = timedelta(days=365)
HOLIDAY_SLACK = timedelta(days=15)
PERIOD_SLACK = timedelta(days=31)


def remind_before_limitation(today: date, first_time: Callable[[Case, str, date], bool]) -> int:
    """Tell each worker whose time runs out within 30 days, once per case; returns how many."""
    earliest = today - YEAR - timedelta(days=1) - HOLIDAY_SLACK
    latest = today - YEAR + REMINDER_BEFORE + timedelta(days=1)
    cases = db.session.scalars(
        select(Case)
        .outerjoin(Agreement, Agreement.case_id == Case.id)
        .options(joinedload(Case.employer), joinedload(Case.applicant))
        .where(
            or_(
                and_(
                    Case.state.in_([CaseState.closed, CaseState.archived]),
                    Case.outcome != Outcome.resolved,
                    or_(
                        Case.received_at.between(
                            datetime.combine(earliest - PERIOD_SLACK, time(), SHANGHAI),
                            datetime.combine(latest, time.max, SHANGHAI),
                        ),
                        Case.employment_end.between(earliest, latest),
                    ),
                ),
                and_(
                    Case.outcome == Outcome.resolved,
                    Agreement.due_date.between(earliest, latest),
                ),
                and_(
                    Case.state.in_([CaseState.closed, CaseState.archived]),
                    exists().where(LimitationSuspension.case_id == Case.id),
                ),
            )
        )
    ).all()
    sent = 0
    for case in cases:
        if case.outcome == Outcome.resolved:
            payment = standing(case, today)
            if payment is None or not payment.unpaid:
                continue
        clock = clocks.limitation(case, today)
        ends = clock.ends_on
        if ends is None or not (ends - REMINDER_BEFORE <= today <= ends):
            continue
        if not first_time(case, "limitation_reminder", ends):
            continue
        notify(
            [applicant_of(case)],
            "limitation_reminder_provisional" if clock.provisional else "limitation_reminder",
            case,
            limitation_ends=ends.isoformat(),
            commission=arbitration_commission(case),
        )
        sent += 1
    return sent
