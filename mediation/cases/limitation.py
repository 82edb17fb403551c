"""The reminder a worker gets 30 days before the time to apply for arbitration runs out.

A mediation that ended without an agreement leaves the worker one remedy, arbitration, and a
year to apply for it (劳动争议调解仲裁法 第二十七条; the date is ``clocks.arbitration_apply_by``).
Missing it loses the claim, so the worker is told once, 30 days before the last day.
"""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from mediation.cases.advice import arbitration_commission
from mediation.core import clocks
from mediation.core.notifications import notify
from mediation.core.recipients import applicant_of
from mediation.extensions import db
from mediation.localtime import SHANGHAI
from mediation.models import Case
from workflows.case import CaseState, Outcome

REMINDER_BEFORE = timedelta(days=30)
# The period is a year from the application at the latest (第二十七条第二款): cases received
# longer ago than this can no longer fall due.
LOOK_BACK = timedelta(days=2 * 366)


def remind_before_limitation(today: date, first_time: Callable[[Case, str, date], bool]) -> int:
    """Tell each worker whose time runs out within 30 days, once per case; returns how many."""
    cases = db.session.scalars(
        select(Case)
        .options(joinedload(Case.employer), joinedload(Case.applicant))
        .where(
            Case.state.in_([CaseState.closed, CaseState.archived]),
            Case.outcome != Outcome.resolved,
            Case.received_at >= datetime.combine(today - LOOK_BACK, time(), SHANGHAI),
        )
    ).all()
    sent = 0
    for case in cases:
        ends = clocks.arbitration_apply_by(case)
        if ends is None or not (ends - REMINDER_BEFORE <= today <= ends):
            continue
        if not first_time(case, "limitation_reminder", ends):
            continue
        notify(
            [applicant_of(case)],
            "limitation_reminder",
            case,
            limitation_ends=ends.isoformat(),
            commission=arbitration_commission(case),
        )
        sent += 1
    return sent
