"""Administration operations that change more than one feature's records."""

from datetime import date

from flask import g

from mediation.core import audit
from mediation.core.calendar import parse_days
from mediation.core.clocks import recompute_open_deadlines
from mediation.core.errors import Invalid
from mediation.extensions import db
from mediation.models import HolidaySchedule, User
from mediation.translation import lazy_gettext as _l


def save_schedule(
    year: int, *, holidays: str, makeup_workdays: str, actor: User
) -> HolidaySchedule:
    """Replace the year's schedule; every open deadline that the year touches follows it.
    Returns the schedule and how many cases' deadlines moved."""
    holiday_days, holiday_problems = parse_days(holidays, year)
    workdays, workday_problems = parse_days(makeup_workdays, year)
    if date(year, 1, 1) not in holiday_days:
        holiday_problems.append(
            _l("New Year's Day (%(day)s) is a holiday every year.", day=date(year, 1, 1))
        )
    if both := sorted(set(holiday_days) & set(workdays)):
        workday_problems.append(
            _l("%(day)s cannot be both a holiday and a working day.", day=both[0])
        )
    workday_problems += [
        _l("%(day)s is a weekday: make-up working days fall on a Saturday or Sunday.", day=day)
        for day in workdays
        if day.weekday() < 5
    ]
    found = {"holidays": holiday_problems, "makeup_workdays": workday_problems}
    if any(found.values()):  # every problem of both fields at once
        raise Invalid({field: messages for field, messages in found.items() if messages})
    schedule = db.session.get(HolidaySchedule, year) or HolidaySchedule(year=year)
    schedule.holidays = [day.isoformat() for day in sorted(holiday_days)]
    schedule.makeup_workdays = [day.isoformat() for day in sorted(workdays)]
    schedule.updated_by_id = actor.id
    db.session.add(schedule)
    audit.record(
        "calendar.saved",
        actor=actor,
        note=str(year),
        holidays=len(holiday_days),
        makeup_workdays=len(workdays),
    )
    g.pop("work_calendar", None)
    changed = recompute_open_deadlines(year)
    return schedule, changed
