"""Working-day calendar and the legal clocks of a labour dispute.

Which days are working days follows the State Council holiday schedule, weekend make-up
working days (调休) included. The ``chinesecalendar`` package supplies the official schedules
(2004–2026 in version 1.11.0); an admin can enter a :class:`YearSchedule` for a later year, or
to correct a covered one. A year that neither covers is counted on weekends only (Monday to
Friday working), and the calendar says so: :meth:`WorkCalendar.fallback_years` names the years
in a span that were counted that way, so a page can show "computed on weekends only — the
holiday schedule for 2027 has not been entered" next to the deadline.

Periods are counted as the Civil Code says (民法典 第二百零一条至第二百零三条):

- the day of the event is not counted; the period starts on the next day;
- a period in years ends on the corresponding day, or on the last day of the month when that
  day does not exist (one year from 2024-02-29 is 2025-02-28);
- a period in calendar days or years whose last day is a rest day or holiday ends on the next
  working day;
- a period in working days simply counts the working days after the event day.

Each clock takes an optional ``calendar``; without one it uses :data:`DEFAULT_CALENDAR`, which
has no overrides. Dates are :class:`datetime.date`, never ``datetime``.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

import chinese_calendar

ScheduleSource = Literal["official", "override", "weekends_only"]

ACCEPTANCE_WORKING_DAYS = 3  # 企业劳动争议协商调解规定 (人社部令第17号)
MEDIATION_DAYS = 15  # 劳动争议调解仲裁法 第十四条
MAX_MEDIATION_EXTENSION_DAYS = 15  # enterprise committees, once, with both parties' consent
COURT_MEDIATION_DAYS = 30  # court pre-litigation mediation, extendable by consent
JUDICIAL_CONFIRMATION_DAYS = 30  # 人民调解法 第三十三条
ARBITRATION_LIMITATION_YEARS = 1  # 劳动争议调解仲裁法 第二十七条

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5


@dataclass(frozen=True)
class YearSchedule:
    """The holiday notice for one year: days off, and weekend days worked instead (调休).

    Every other day is a working day from Monday to Friday and a rest day at the weekend.
    A holiday may fall on any day of the week (official notices list whole blocks such as
    Saturday to Sunday of the following week); a make-up working day must be a Saturday or a
    Sunday, and no day may be both. Plain sets are accepted and frozen. The year the dates
    must belong to is checked when the schedule is given to a :class:`WorkCalendar`.
    """

    holidays: frozenset[date] = field(default_factory=frozenset)
    makeup_workdays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        object.__setattr__(self, "holidays", _frozen_dates(self.holidays, "holiday"))
        object.__setattr__(
            self, "makeup_workdays", _frozen_dates(self.makeup_workdays, "make-up working day")
        )
        if both := self.holidays & self.makeup_workdays:
            raise ValueError(
                f"{min(both)} is listed both as a holiday and as a make-up working day"
            )
        if weekdays := [d for d in self.makeup_workdays if d.weekday() < _SATURDAY]:
            day = min(weekdays)
            raise ValueError(
                f"make-up working day {day} is a {day:%A}; "
                "make-up working days must fall on a Saturday or a Sunday"
            )


def _frozen_dates(days: Iterable[date], kind: str) -> frozenset[date]:
    frozen = frozenset(days)
    for day in frozen:
        # A datetime never equals a date, so it would silently never match a day.
        if type(day) is not date:
            raise ValueError(f"{kind} {day!r} is not a date")
    return frozen


def _official_schedules() -> dict[int, YearSchedule]:
    years = {day.year for day in chinese_calendar.holidays}
    return {
        year: YearSchedule(
            holidays=frozenset(d for d in chinese_calendar.holidays if d.year == year),
            makeup_workdays=frozenset(d for d in chinese_calendar.workdays if d.year == year),
        )
        for year in years
    }


_OFFICIAL_SCHEDULES = _official_schedules()
_WEEKENDS_ONLY = YearSchedule()


class WorkCalendar:
    """Which holiday schedule governs each year: an override, the official one, or none.

    ``overrides`` maps a year to the schedule an admin entered for it; it replaces the
    official schedule of that year completely. Each override must contain only dates of its
    own year and must list 1 January (元旦 is a holiday every year), which catches a blank or
    mis-keyed schedule that would otherwise hide the weekends-only warning.
    """

    def __init__(self, overrides: Mapping[int, YearSchedule] | None = None) -> None:
        self._overrides = dict(overrides or {})
        for year, schedule in self._overrides.items():
            if elsewhere := [
                d for d in schedule.holidays | schedule.makeup_workdays if d.year != year
            ]:
                raise ValueError(f"{min(elsewhere)} is not in {year}, the year of this schedule")
            if date(year, 1, 1) not in schedule.holidays:
                raise ValueError(
                    f"the {year} schedule must list New Year's Day {date(year, 1, 1)} as a holiday"
                )

    def source(self, year: int) -> ScheduleSource:
        if year in self._overrides:
            return "override"
        if year in _OFFICIAL_SCHEDULES:
            return "official"
        return "weekends_only"

    def schedule(self, year: int) -> YearSchedule:
        """The schedule for ``year``; an empty one when the year is counted on weekends only."""
        return self._overrides.get(year, _OFFICIAL_SCHEDULES.get(year, _WEEKENDS_ONLY))

    def fallback_years(self, first: date, last: date) -> tuple[int, ...]:
        """Years from ``first`` to ``last`` (inclusive, either order) counted on weekends only.

        Pass the event date and the computed deadline: an empty tuple means the deadline rests
        on real holiday schedules; otherwise name these years next to it. The answer is per
        year and may err on the side of warning, never the other way.
        """
        first, last = sorted((first, last))
        return tuple(
            year
            for year in range(first.year, last.year + 1)
            if self.source(year) == "weekends_only"
        )

    def relies_on_fallback(self, first: date, last: date) -> bool:
        return bool(self.fallback_years(first, last))


DEFAULT_CALENDAR = WorkCalendar()


def is_working_day(d: date, *, calendar: WorkCalendar | None = None) -> bool:
    schedule = (calendar or DEFAULT_CALENDAR).schedule(d.year)
    if d in schedule.makeup_workdays:
        return True
    return d.weekday() < _SATURDAY and d not in schedule.holidays


def next_working_day(d: date, *, calendar: WorkCalendar | None = None) -> date:
    """``d`` itself when it is a working day, otherwise the first working day after it.

    This is where a period ending on a rest day ends (民法典 第二百零三条). For the first
    working day strictly after ``d`` use ``add_working_days(d, 1)``.
    """
    while not is_working_day(d, calendar=calendar):
        d += _ONE_DAY
    return d


def add_working_days(d: date, n: int, *, calendar: WorkCalendar | None = None) -> date:
    """The ``n``-th working day after ``d`` (``d`` itself is not counted).

    ``n == 0`` returns ``d`` unchanged; a negative ``n`` counts back to the ``-n``-th working
    day before ``d``.
    """
    step = _ONE_DAY if n >= 0 else -_ONE_DAY
    remaining = abs(n)
    while remaining:
        d += step
        if is_working_day(d, calendar=calendar):
            remaining -= 1
    return d


def working_days_between(start: date, end: date, *, calendar: WorkCalendar | None = None) -> int:
    """Working days after ``start`` up to and including ``end``: "n working days remain".

    Zero when ``end == start`` or only rest days follow ``start``; negative when ``end`` is
    before ``start`` (``working_days_between(a, b) == -working_days_between(b, a)``). So on
    the deadline day itself 0 remain: compare the dates to tell whether it has passed.
    """
    if end < start:
        return -working_days_between(end, start, calendar=calendar)
    return sum(
        is_working_day(start + timedelta(days=offset), calendar=calendar)
        for offset in range(1, (end - start).days + 1)
    )


def _end_of_days_period(start: date, days: int, calendar: WorkCalendar | None) -> date:
    return next_working_day(start + timedelta(days=days), calendar=calendar)


def _end_of_years_period(start: date, years: int, calendar: WorkCalendar | None) -> date:
    try:
        last_day = start.replace(year=start.year + years)
    except ValueError:  # 29 February without a counterpart: the month's last day (第二百零二条)
        last_day = date(start.year + years, 2, 28)
    return next_working_day(last_day, calendar=calendar)


def acceptance_deadline(received: date, *, calendar: WorkCalendar | None = None) -> date:
    """Last day to accept or decline: 3 working days after the application was received."""
    return add_working_days(received, ACCEPTANCE_WORKING_DAYS, calendar=calendar)


def mediation_deadline(
    start: date, extension_days: int = 0, *, calendar: WorkCalendar | None = None
) -> date:
    """Last day of mediation: 15 days after ``start``, plus an extension of at most 15 days.

    ``start`` is the day the application was received (劳动争议调解仲裁法 第十四条) or, for an
    enterprise committee, the day it was accepted; the caller chooses. The extension lengthens
    the one period, so only its new last day moves to the next working day.
    """
    if not 0 <= extension_days <= MAX_MEDIATION_EXTENSION_DAYS:
        raise ValueError(
            f"a mediation extension must be 0 to {MAX_MEDIATION_EXTENSION_DAYS} days, "
            f"not {extension_days}"
        )
    return _end_of_days_period(start, MEDIATION_DAYS + extension_days, calendar)


def court_mediation_deadline(
    start: date, extension_days: int = 0, *, calendar: WorkCalendar | None = None
) -> date:
    """Last day of court pre-litigation mediation: 30 days, plus any extension agreed."""
    if extension_days < 0:
        raise ValueError(f"a court mediation extension cannot be negative, not {extension_days}")
    return _end_of_days_period(start, COURT_MEDIATION_DAYS + extension_days, calendar)


def judicial_confirmation_deadline(
    agreement_effective: date, *, calendar: WorkCalendar | None = None
) -> date:
    """Last day to apply jointly for judicial confirmation of a mediation agreement."""
    return _end_of_days_period(agreement_effective, JUDICIAL_CONFIRMATION_DAYS, calendar)


def arbitration_limitation_date(
    known_on: date,
    *,
    interrupted_on: date | None = None,
    wage_arrears_while_employed: bool = False,
    employment_ended_on: date | None = None,
    calendar: WorkCalendar | None = None,
) -> date | None:
    """Last day to apply for labour arbitration, or ``None`` while no limit runs.

    劳动争议调解仲裁法 第二十七条 as implemented here:

    - The period is one year from the day the worker knew or should have known that their
      rights were infringed (``known_on``).
    - Wage arrears that arose while the worker was employed are not time-limited while the
      employment lasts (``None``); once it has ended the year runs from ``employment_ended_on``
      instead of ``known_on``, which the other claims ignore.
    - Applying for mediation (``interrupted_on``) interrupts the period and it starts again,
      in full, from that day ("从中断时起，仲裁时效期间重新计算"). An interruption counts only
      while the period runs: one before it starts (mediation while still employed, for wage
      arrears) or after it has ended (the claim is already time-barred) changes nothing.
      Pass the latest interruption; earlier ones the platform does not know of (a demand to
      the employer, the employer's promise to pay) and suspension (中止, 第三款) are not
      modelled, so the date shown is the earliest the law allows.
    """
    if wage_arrears_while_employed:
        if employment_ended_on is None:
            return None
        period_start = employment_ended_on
    else:
        period_start = known_on
    last_day = _end_of_years_period(period_start, ARBITRATION_LIMITATION_YEARS, calendar)
    if interrupted_on is not None and period_start <= interrupted_on <= last_day:
        last_day = _end_of_years_period(interrupted_on, ARBITRATION_LIMITATION_YEARS, calendar)
    return last_day
