"""The working-day calendar in force: the official schedules plus what admins entered."""

import re
from datetime import date, timedelta

from flask import g
from sqlalchemy import select

from mediation.extensions import db
from mediation.models import HolidaySchedule
from mediation.translation import lazy_gettext as _l
from workflows.deadlines import WorkCalendar, YearSchedule

_ENTRY = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\s*(?:\.\.|~|至|到)\s*(\d{4}-\d{2}-\d{2}))?$")
_LONGEST_RANGE = 31


def work_calendar() -> WorkCalendar:
    """The calendar for this request or command, read once from the database."""
    if "work_calendar" not in g:
        rows = db.session.scalars(select(HolidaySchedule)).all()
        g.work_calendar = WorkCalendar(
            {
                row.year: YearSchedule(
                    holidays=frozenset(map(date.fromisoformat, row.holidays)),
                    makeup_workdays=frozenset(map(date.fromisoformat, row.makeup_workdays)),
                )
                for row in rows
            }
        )
    return g.work_calendar


def parse_days(text: str, year: int) -> tuple[list[date], list]:
    """Dates and ranges, one a line or separated by commas: ``2027-02-06..2027-02-13``.
    Returns the days read and a message for every entry that could not be used (all of them,
    so that an admin corrects a schedule in one go)."""
    days: list[date] = []
    problems: list = []
    for entry in filter(None, (part.strip() for part in re.split(r"[\n,，;；]", text or ""))):
        match = _ENTRY.match(entry)
        try:
            first = date.fromisoformat(match.group(1)) if match else None
            last = date.fromisoformat(match.group(2)) if match and match.group(2) else first
        except ValueError:
            first = last = None
        if first is None:
            problems.append(
                _l(
                    "“%(entry)s” is not a date like 2027-02-06 or a range like "
                    "2027-02-06..2027-02-13.",
                    entry=entry[:40],
                )
            )
            continue
        if last < first or (last - first).days >= _LONGEST_RANGE:
            problems.append(_l("The range “%(entry)s” is not possible.", entry=entry[:40]))
            continue
        for offset in range((last - first).days + 1):
            day = first + timedelta(days=offset)
            if day.year != year:
                problems.append(_l("%(day)s is not in %(year)d.", day=day, year=year))
                break
            if day in days:
                problems.append(_l("%(day)s is listed twice.", day=day))
                continue
            days.append(day)
    return days, problems
