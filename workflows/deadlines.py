"""Working-day calendar and the legal clocks of a labour dispute.

Which days are working days follows the State Council holiday schedule, weekend make-up
working days (调休) included. The ``chinesecalendar`` package supplies the official schedules
(2004–2026 in version 1.11.0); an admin can enter a :class:`YearSchedule` for a later year, or
to correct a covered one. A year that neither covers is counted with the holidays fixed by
statute (:func:`statutory_schedule`): the festivals of 《全国年节及纪念日放假办法》 (2024
revision) 第二条 and the weekday off owed for one that falls on a weekend (第六条). The State
Council's notice for such a year also moves days around (调休, with weekend make-up working
days) and that cannot be known before it is published, so every date counted on a statutory
year is **provisional**: :meth:`WorkCalendar.provisional_years` names the years in a span that
were counted that way, so a page can show "provisional — the holiday schedule for 2027 has not
been entered" next to the date, and the date is recomputed once an admin enters the schedule.

Periods are counted as the Civil Code says (民法典 第二百零一条至第二百零三条):

- the day of the event is not counted; the period starts on the next day;
- a period in years ends on the corresponding day, or on the last day of the month when that
  day does not exist (one year from 2024-02-29 is 2025-02-28);
- a period in calendar days or years whose last day is a rest day or holiday ends on the next
  working day;
- a period in working days simply counts the working days after the event day;
- the limitation for arbitration does not run while it is suspended (中止, 劳动争议调解仲裁法
  第二十七条第三款), and goes on from the day the cause ended (:func:`arbitration_limitation`).

Each clock takes an optional ``calendar``; without one it uses :data:`DEFAULT_CALENDAR`, which
has no overrides. Dates are :class:`datetime.date`, never ``datetime``.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

import chinese_calendar
from lunar_python import Lunar

ScheduleSource = Literal["official", "override", "statutory"]

# 企业劳动争议协商调解规定 (人社部令第17号) 第二十二条: accept or decline within 3 working days.
ACCEPTANCE_WORKING_DAYS = 3
# 劳动争议调解仲裁法 第十四条: 15 days from receipt (all tiers, for the right to arbitrate);
# 人社部令第17号 第二十九条: 15 days from acceptance at an enterprise committee.
MEDIATION_DAYS = 15
# 第二十九条 lets both parties agree to extend without a cap; once and at most 15 days is the
# platform's policy (DESIGN.md §5), not the Order's.
MAX_MEDIATION_EXTENSION_DAYS = 15
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


def statutory_festivals(year: int) -> frozenset[date]:
    """The days off of 《全国年节及纪念日放假办法》 (2024 revision) 第二条 in ``year``.

    元旦 1 January; 春节 农历除夕 and 正月初一 to 初三 (4 days); 清明节 the day of the solar term
    清明; 劳动节 1 and 2 May; 端午节 the 5th of the 5th lunar month; 中秋节 the 15th of the 8th
    lunar month; 国庆节 1 to 3 October. Lunar dates and the solar term come from
    ``lunar_python`` (China Standard Time). A day that is two festivals at once (中秋 on
    3 October 2028) is one day off.
    """
    new_year = Lunar.fromYmd(year, 1, 1).getSolar()
    first_day = date(new_year.getYear(), new_year.getMonth(), new_year.getDay())
    qingming = Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"]
    days = {
        date(year, 1, 1),
        *(first_day + timedelta(days=offset) for offset in range(-1, 3)),  # 除夕 to 初三
        date(qingming.getYear(), qingming.getMonth(), qingming.getDay()),
        date(year, 5, 1),
        date(year, 5, 2),
        _lunar_day(year, 5, 5),
        _lunar_day(year, 8, 15),
        date(year, 10, 1),
        date(year, 10, 2),
        date(year, 10, 3),
    }
    return frozenset(days)


def _lunar_day(year: int, month: int, day: int) -> date:
    solar = Lunar.fromYmd(year, month, day).getSolar()  # a positive month: never the leap one
    return date(solar.getYear(), solar.getMonth(), solar.getDay())


@lru_cache(maxsize=64)
def statutory_schedule(year: int) -> YearSchedule:
    """What the law alone says of ``year``: the festivals, and a weekday off for each one that
    falls on a weekend.

    第六条: "全体公民放假的假日，如果适逢周六、周日，应当在工作日补假。部分公民放假的假日，如果
    适逢周六、周日，则不补假。" So only the festivals of 第二条 (for all citizens) are made up,
    and each festival day on a Saturday or a Sunday gives one working day off. The text does
    not say which working day; the State Council's notices give the first after the holiday
    (元旦 on Saturday 1 January 2022 → Monday 3 January), so here each weekend festival day,
    in date order, takes the first weekday after it that is neither a festival nor already a
    substitute (春节 2027: 除夕 Fri 5, 初一 Sat 6, 初二 Sun 7, 初三 Mon 8 February → Tue 9 and
    Wed 10 off). Make-up working days (调休) exist only by a notice: there are none here.
    """
    festivals = statutory_festivals(year)
    days_off = set(festivals)
    for festival in sorted(festivals):
        if festival.weekday() < _SATURDAY:
            continue
        substitute = festival + _ONE_DAY
        while substitute.weekday() >= _SATURDAY or substitute in days_off:
            substitute += _ONE_DAY
        days_off.add(substitute)
    return YearSchedule(holidays=frozenset(days_off))


class WorkCalendar:
    """Which holiday schedule governs each year: an override, the official one, or the statute.

    ``overrides`` maps a year to the schedule an admin entered for it; it replaces the
    official schedule of that year completely. Each override must contain only dates of its
    own year and must list 1 January (元旦 is a holiday every year), which catches a blank or
    mis-keyed schedule that would otherwise hide the provisional warning.
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
        return "statutory"

    def schedule(self, year: int) -> YearSchedule:
        """The schedule for ``year``; the statutory one when nobody published one."""
        if year in self._overrides:
            return self._overrides[year]
        if year in _OFFICIAL_SCHEDULES:
            return _OFFICIAL_SCHEDULES[year]
        return statutory_schedule(year)

    def provisional_years(self, first: date, last: date) -> tuple[int, ...]:
        """Years from ``first`` to ``last`` (inclusive, either order) counted on the statute alone.

        Pass the event date and the computed date: an empty tuple means the date rests on
        published holiday schedules; otherwise it is provisional, and these years are the ones
        whose schedule is missing. The answer is per year and may err on the side of warning,
        never the other way.
        """
        first, last = sorted((first, last))
        return tuple(
            year for year in range(first.year, last.year + 1) if self.source(year) == "statutory"
        )

    def is_provisional(self, first: date, last: date) -> bool:
        return bool(self.provisional_years(first, last))


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


def _years_later(start: date, years: int) -> date:
    """The corresponding day ``years`` on, before the end rule (民法典 第二百零二条)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February without a counterpart: the month's last day
        return date(start.year + years, 2, 28)


def acceptance_deadline(received: date, *, calendar: WorkCalendar | None = None) -> date:
    """Last day to accept or decline: 3 working days after the application was received
    (人社部令第17号 第二十二条)."""
    return add_working_days(received, ACCEPTANCE_WORKING_DAYS, calendar=calendar)


def _extended(period_end: date, extension_days: int, calendar: WorkCalendar | None) -> date:
    """An agreed extension runs on from the day the original period legally ended.

    Adding the extension to the start and applying the end rule once would let it vanish into
    a holiday (15 days from 16 September 2025 end on 9 October after National Day; 15 + 8 days
    end there too). An extended procedural period is counted from the end of the original one,
    so 8 more days from 9 October end on 17 October.
    """
    if not extension_days:
        return period_end
    return _end_of_days_period(period_end, extension_days, calendar)


def mediation_deadline(
    start: date, extension_days: int = 0, *, calendar: WorkCalendar | None = None
) -> date:
    """Last day of mediation: 15 days after ``start``, then the extension from that day.

    ``start`` is the day the application was received (劳动争议调解仲裁法 第十四条) or, for an
    enterprise committee, the day it was accepted (人社部令第17号 第二十九条); the caller
    chooses. The extension (agreed by both parties; at most 15 days, once, by the platform's
    policy) is counted from the original period's legal end (:func:`_extended`).
    """
    if not 0 <= extension_days <= MAX_MEDIATION_EXTENSION_DAYS:
        raise ValueError(
            f"a mediation extension must be 0 to {MAX_MEDIATION_EXTENSION_DAYS} days, "
            f"not {extension_days}"
        )
    original = _end_of_days_period(start, MEDIATION_DAYS, calendar)
    return _extended(original, extension_days, calendar)


def court_mediation_deadline(
    start: date, extension_days: int = 0, *, calendar: WorkCalendar | None = None
) -> date:
    """Last day of court pre-litigation mediation: 30 days, then any extension agreed, counted
    from the original period's legal end."""
    if extension_days < 0:
        raise ValueError(f"a court mediation extension cannot be negative, not {extension_days}")
    original = _end_of_days_period(start, COURT_MEDIATION_DAYS, calendar)
    return _extended(original, extension_days, calendar)


def arbitration_available_from(received: date, *, calendar: WorkCalendar | None = None) -> date:
    """The first day either party may apply for labour arbitration without an agreement.

    劳动争议调解仲裁法 第十四条: "自劳动争议调解组织收到调解申请之日起十五日内未达成调解协议
    的，当事人可以依法申请仲裁。" The 15 calendar days run from ``received``, the day the first
    organisation received the application, and end on the next working day when the 15th is
    a rest day (民法典 第二百零三条); the right opens the day after. The statute is above
    人社部令第17号, so this is the same at every tier, whatever the acceptance date, an agreed
    extension or a transfer to another organisation.
    """
    return _end_of_days_period(received, MEDIATION_DAYS, calendar) + _ONE_DAY


def judicial_confirmation_deadline(
    agreement_effective: date, *, calendar: WorkCalendar | None = None
) -> date:
    """Last day to apply jointly for judicial confirmation of a mediation agreement
    (人民调解法 第三十三条)."""
    return _end_of_days_period(agreement_effective, JUDICIAL_CONFIRMATION_DAYS, calendar)


@dataclass(frozen=True)
class Suspension:
    """A time the limitation was suspended (中止, 劳动争议调解仲裁法 第二十七条第三款): from the day
    the cause arose to the day it ended, both included; ``ends_on`` is None while it lasts."""

    starts_on: date
    ends_on: date | None = None

    def __post_init__(self) -> None:
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise ValueError(f"a suspension cannot end ({self.ends_on}) before it starts")


@dataclass(frozen=True)
class LimitationCount:
    """The last day to apply for arbitration, and what the suspensions did to it.

    ``last_day`` is None when no limit runs (remuneration while employed) or while a
    suspension that began while the period ran still lasts (``suspended_since`` says since
    when). ``suspended_days``: the days the suspensions added to the period (before the end
    rule, which is applied once, to the end reached).
    """

    last_day: date | None
    suspended_days: int = 0
    suspended_since: date | None = None


def merge_suspensions(suspensions: Iterable[Suspension]) -> list[Suspension]:
    """The suspensions in date order, those that overlap (or follow on without a gap) made one:
    a day suspended twice is one day the period did not run."""
    merged: list[Suspension] = []
    for suspension in sorted(suspensions, key=lambda s: s.starts_on):
        last = merged[-1] if merged else None
        if last is None or (
            last.ends_on is not None and suspension.starts_on > last.ends_on + _ONE_DAY
        ):
            merged.append(suspension)
            continue
        if last.ends_on is None or suspension.ends_on is None:
            merged[-1] = Suspension(last.starts_on, None)
        else:
            merged[-1] = Suspension(last.starts_on, max(last.ends_on, suspension.ends_on))
    return merged


def _year_with_suspensions(
    start: date, suspensions: list[Suspension], calendar: WorkCalendar | None
) -> LimitationCount:
    """The year from ``start``, on which the period does not run on suspended days.

    The nominal last day (:func:`_years_later`) moves later by every suspended day after
    ``start`` (the start day is not counted anyway, 第二百零一条) up to the day the cause
    ended, both included: the period "continues from the day the cause ended", so that day
    does not count either. A suspension after the period had ended (after its legal last day,
    the end rule included) changes nothing: the claim was already barred. One still lasting
    while the period ran leaves no last day yet. The end rule (第二百零三条) is applied once,
    to the day reached. ``suspensions`` are merged (:func:`merge_suspensions`).
    """
    last_day = _years_later(start, ARBITRATION_LIMITATION_YEARS)
    pushed = 0
    for suspension in suspensions:
        if suspension.starts_on > next_working_day(last_day, calendar=calendar):
            break
        first = max(suspension.starts_on, start + _ONE_DAY)
        if suspension.ends_on is None:
            return LimitationCount(None, pushed, suspended_since=suspension.starts_on)
        if suspension.ends_on < first:
            continue  # over before the period started to run
        days = (suspension.ends_on - first).days + 1
        last_day += timedelta(days=days)
        pushed += days
    return LimitationCount(next_working_day(last_day, calendar=calendar), pushed)


def arbitration_limitation_date(
    known_on: date,
    *,
    interrupted_on: date | None = None,
    interruption_ended_on: date | None = None,
    remuneration_while_employed: bool = False,
    employment_ended_on: date | None = None,
    suspensions: Iterable[Suspension] = (),
    calendar: WorkCalendar | None = None,
) -> date | None:
    """Last day to apply for labour arbitration, or ``None`` while no limit runs.

    劳动争议调解仲裁法 第二十七条 as implemented here:

    - The period is one year from the day the worker knew or should have known that their
      rights were infringed (``known_on``; 第一款).
    - Labour remuneration (劳动报酬: wages, overtime pay) owed while the worker is employed is
      not time-limited while the employment lasts (``None``); once it has ended the year runs
      from ``employment_ended_on`` instead of ``known_on``, which the other claims ignore
      (第四款).
    - Seeking relief from the relevant body — applying for mediation — interrupts the period
      (``interrupted_on``), and it is counted again, in full, from when the interruption ended
      (``interruption_ended_on``: the day mediation failed, the period ran out, the case was
      declined or withdrawn, or the payment date of an agreement not performed; 第二款 "从中断
      时起，仲裁时效期间重新计算", with 民法典 第一百九十五条 "从中断、有关程序终结时起"). Without
      it the interruption ended the day it happened (a demand to the employer). An
      interruption counts only while the period runs: one before it starts (mediation while
      still employed, for remuneration) or after it has ended (the claim was already
      time-barred) changes nothing.
    - Force majeure or another legitimate reason that kept the worker from applying suspends
      the period (``suspensions``; 第三款), see :func:`arbitration_limitation`.

    ``None`` also while a suspension still lasts; :func:`arbitration_limitation` tells the two
    apart and says how many days the suspensions added.
    """
    return arbitration_limitation(
        known_on,
        interrupted_on=interrupted_on,
        interruption_ended_on=interruption_ended_on,
        remuneration_while_employed=remuneration_while_employed,
        employment_ended_on=employment_ended_on,
        suspensions=suspensions,
        calendar=calendar,
    ).last_day


def arbitration_limitation(
    known_on: date,
    *,
    interrupted_on: date | None = None,
    interruption_ended_on: date | None = None,
    remuneration_while_employed: bool = False,
    employment_ended_on: date | None = None,
    suspensions: Iterable[Suspension] = (),
    calendar: WorkCalendar | None = None,
) -> LimitationCount:
    """The limitation of :func:`arbitration_limitation_date`, suspensions included.

    第二十七条第三款: "因不可抗力或者有其他正当理由，当事人不能在本条第一款规定的仲裁时效期间申请
    仲裁的，仲裁时效中止。从中止时效的原因消除之日起，仲裁时效期间继续计算。" The period does not
    run while the cause lasts and goes on from the day it ended: the time already run counts,
    the rest follows (:func:`_year_with_suspensions`). As special law it has no six-month
    window: 民法典 第一百九十四条 suspends only in the last six months of the period and then
    gives six months from the end of the cause, whereas here a cause at any time while the
    period runs suspends it, for exactly as long as it lasted.

    Interruption (第二款) recounts the year in full from when it ended, so a suspension that
    was over before then changes nothing, and one still lasting then delays the recount.
    """
    if remuneration_while_employed:
        if employment_ended_on is None:
            return LimitationCount(None)
        period_start = employment_ended_on
    else:
        period_start = known_on
    suspended = merge_suspensions(suspensions)
    first = _year_with_suspensions(period_start, suspended, calendar)
    if interrupted_on is not None and period_start <= interrupted_on <= (
        first.last_day or date.max  # a suspension still lasting: the period has not ended
    ):
        recount_from = max(interruption_ended_on or interrupted_on, interrupted_on)
        return _year_with_suspensions(recount_from, suspended, calendar)
    return first
