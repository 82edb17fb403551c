"""The legal clocks of a case (DESIGN.md §5), on the calendar in force.

Each clock keeps its start day; the deadline is stored with the case (figures stay stable)
and recomputed from the start day when the holiday schedule of a year it touches changes.
"""

from datetime import date

from sqlalchemy import or_, select

from mediation.core.calendar import work_calendar
from mediation.extensions import db
from mediation.localtime import SHANGHAI
from mediation.models import Case, Category
from workflows import deadlines
from workflows.case import CaseState, Tier


def start_acceptance_clock(case: Case, start: date) -> None:
    case.acceptance_clock_start = start
    case.acceptance_deadline = deadlines.acceptance_deadline(start, calendar=work_calendar())
    case.overdue_since = None


def mediation_due(case: Case) -> date:
    """15 days (enterprise committees: from acceptance; other tiers: from the application),
    30 at the court; plus the one extension the parties agreed to."""
    extension = case.extension_days or 0
    calendar = work_calendar()
    if case.tier == Tier.court:
        return deadlines.court_mediation_deadline(
            case.mediation_clock_start, extension, calendar=calendar
        )
    return deadlines.mediation_deadline(case.mediation_clock_start, extension, calendar=calendar)


def start_mediation_clock(case: Case, accepted_on: date) -> None:
    counts_from_application = case.tier not in (Tier.enterprise, Tier.court)
    case.mediation_clock_start = (
        case.acceptance_clock_start if counts_from_application else accepted_on
    )
    case.mediation_deadline = mediation_due(case)
    case.overdue_since = None


def extend_mediation_clock(case: Case) -> None:
    case.mediation_deadline = mediation_due(case)
    case.overdue_since = None


def stop_mediation_clock(case: Case) -> None:
    case.mediation_clock_start = case.mediation_deadline = None


def is_approximate(case: Case, due: date) -> bool:
    """Whether the deadline rests on a year counted on weekends only."""
    start = case.mediation_clock_start if case.state != CaseState.applied else None
    return work_calendar().relies_on_fallback(start or case.acceptance_clock_start, due)


def recompute_open_deadlines(year: int) -> int:
    """After the schedule of ``year`` changed: recompute open cases whose clocks reach it."""
    open_states = [CaseState.applied, CaseState.accepted, CaseState.mediating]
    touched = db.session.scalars(
        select(Case).where(
            Case.state.in_(open_states),
            or_(
                Case.acceptance_deadline >= date(year, 1, 1),
                Case.mediation_deadline >= date(year, 1, 1),
            ),
            or_(
                Case.acceptance_clock_start <= date(year, 12, 31),
                Case.mediation_clock_start <= date(year, 12, 31),
            ),
        )
    ).all()
    changed = 0
    for case in touched:
        before = (case.acceptance_deadline, case.mediation_deadline)
        case.acceptance_deadline = deadlines.acceptance_deadline(
            case.acceptance_clock_start, calendar=work_calendar()
        )
        if case.mediation_clock_start:
            case.mediation_deadline = mediation_due(case)
        changed += before != (case.acceptance_deadline, case.mediation_deadline)
    return changed


def arbitration_apply_by(case: Case) -> date | None:
    """The last day to apply for labour arbitration (劳动争议调解仲裁法 第二十七条).

    The application for mediation interrupted the one-year period, which runs again from the
    day it was received. Wage arrears while the worker is still employed have no limit (None).
    """
    received = case.received_at.astimezone(SHANGHAI).date()
    return deadlines.arbitration_limitation_date(
        received,
        interrupted_on=received,
        wage_arrears_while_employed=(
            case.employment_end is None and Category.wage_arrears in case.categories
        ),
        employment_ended_on=case.employment_end,
        calendar=work_calendar(),
    )
