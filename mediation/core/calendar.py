"""The working-day calendar in force: the official schedules plus what admins entered."""

import re
from datetime import date, timedelta

from flask import g
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from mediation.extensions import db
from mediation.models import HolidaySchedule
from workflows.deadlines import WorkCalendar, YearSchedule

_ENTRY = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\s*(?:\.\.|~|至|到)\s*(\d{4}-\d{2}-\d{2}))?$")
_LONGEST_RANGE = 31


class ScheduleInvalid(Exception):
    def __init__(self, field: str, message) -> None:
        super().__init__(field, message)
        self.field = field
        self.message = message


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


def parse_days(text: str, year: int, field: str) -> list[date]:
    """Dates and ranges, one a line or separated by commas: ``2027-02-06..2027-02-13``."""
    days: list[date] = []
    for entry in filter(None, (part.strip() for part in re.split(r"[\n,，;；]", text or ""))):
        match = _ENTRY.match(entry)
        try:
            first = date.fromisoformat(match.group(1)) if match else None
            last = date.fromisoformat(match.group(2)) if match and match.group(2) else first
        except ValueError:
            first = last = None
        if first is None:
            raise ScheduleInvalid(
                field,
                _l(
                    "“%(entry)s” is not a date like 2027-02-06 or a range like "
                    "2027-02-06..2027-02-13.",
                    entry=entry[:40],
                ),
            )
        if last < first or (last - first).days >= _LONGEST_RANGE:
            raise ScheduleInvalid(
                field, _l("The range “%(entry)s” is not possible.", entry=entry[:40])
            )
        for offset in range((last - first).days + 1):
            day = first + timedelta(days=offset)
            if day.year != year:
                raise ScheduleInvalid(field, _l("%(day)s is not in %(year)d.", day=day, year=year))
            if day in days:
                raise ScheduleInvalid(field, _l("%(day)s is listed twice.", day=day))
            days.append(day)
    return days
