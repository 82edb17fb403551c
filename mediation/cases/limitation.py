"""The reminder a worker gets 30 days before the time to apply for arbitration runs out.

A mediation that ended without an agreement leaves the worker one remedy, arbitration, and a
year to apply for it (劳动争议调解仲裁法 第二十七条; the date is ``clocks.arbitration_apply_by``).
Missing it loses the claim, so the worker is told once, 30 days before the last day.
"""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select
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
# The year runs from the application (第二十七条第二款: interrupted, it starts again) or from
# the end of the job (wage arrears), and a holiday at its end only moves it later: a case can
# fall due now only if one of those days lies about a year back. The sweep looks at those
# cases alone, not at every closed case; clocks.arbitration_apply_by decides for each.
YEAR = timedelta(days=365)
HOLIDAY_SLACK = timedelta(days=15)


def remind_before_limitation(today: date, first_time: Callable[[Case, str, date], bool]) -> int:
    """Tell each worker whose time runs out within 30 days, once per case; returns how many."""
    earliest = today - YEAR - timedelta(days=1) - HOLIDAY_SLACK
    latest = today - YEAR + REMINDER_BEFORE + timedelta(days=1)
    cases = db.session.scalars(
        select(Case)
        .options(joinedload(Case.employer), joinedload(Case.applicant))
        .where(
            Case.state.in_([CaseState.closed, CaseState.archived]),
            Case.outcome != Outcome.resolved,
            or_(
                Case.received_at.between(
                    datetime.combine(earliest, time(), SHANGHAI),
                    datetime.combine(latest, time.max, SHANGHAI),
                ),
                Case.employment_end.between(earliest, latest),
            ),
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
