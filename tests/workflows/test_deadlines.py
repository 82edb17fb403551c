"""Legal clocks against the real 2024–2026 State Council schedules and an invented 2027 one.

Each row says why its expected date is right. Dates are ISO strings to keep the tables short.
"""

from datetime import date, datetime, timedelta

import chinese_calendar
import pytest

from workflows.deadlines import (
    DEFAULT_CALENDAR,
    WorkCalendar,
    YearSchedule,
    acceptance_deadline,
    add_working_days,
    arbitration_limitation_date,
    court_mediation_deadline,
    is_working_day,
    judicial_confirmation_deadline,
    mediation_deadline,
    next_working_day,
    working_days_between,
)

D = date.fromisoformat

# A plausible 2027 notice: New Year's Day, Spring Festival Sat 6 – Sat 13 February,
# make-up working days on Sunday 31 January and Saturday 20 February.
SCHEDULE_2027 = YearSchedule(
    holidays=frozenset({D("2027-01-01")} | {D("2027-02-06") + timedelta(i) for i in range(8)}),
    makeup_workdays=frozenset({D("2027-01-31"), D("2027-02-20")}),
)
CALENDAR_2027 = WorkCalendar({2027: SCHEDULE_2027})


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        ("2024-03-11", "2024-03-14"),  # ordinary Monday: Tue, Wed, Thu
        ("2024-03-15", "2024-03-20"),  # Friday: the weekend does not count → Mon, Tue, Wed
        ("2024-03-16", "2024-03-20"),  # received on a Saturday: Mon, Tue, Wed
        ("2025-01-24", "2025-02-05"),  # Fri: Sun 26 (调休) and Mon 27, then 28 Jan–4 Feb off, Wed 5
        ("2025-02-05", "2025-02-08"),  # Thu 6, Fri 7, and the make-up Saturday 8 Feb
        ("2026-02-12", "2026-02-24"),  # Fri 13, make-up Sat 14, then 15–23 Feb off, Tue 24
        ("2026-02-25", "2026-02-28"),  # Thu 26, Fri 27, and the make-up Saturday 28 Feb
        ("2024-09-27", "2024-10-08"),  # Fri: make-up Sun 29, Mon 30, then 1–7 Oct off, Tue 8
        ("2024-10-03", "2024-10-10"),  # received during National Day: Tue 8, Wed 9, Thu 10
        ("2025-09-26", "2025-09-30"),  # Fri: make-up Sun 28, Mon 29, Tue 30 — before the holiday
        ("2025-09-30", "2025-10-11"),  # 1–8 Oct off: Thu 9, Fri 10, make-up Sat 11
        ("2025-01-01", "2025-01-06"),  # received on New Year's Day (Wed): Thu 2, Fri 3, Mon 6
        ("2025-12-31", "2026-01-06"),  # 1–3 Jan 2026 off: make-up Sun 4, Mon 5, Tue 6
    ],
)
def test_acceptance_deadline_counts_three_working_days_after_receipt(received, expected):
    assert acceptance_deadline(D(received)) == D(expected)


@pytest.mark.parametrize(
    ("start", "extension_days", "expected"),
    [
        ("2024-03-04", 0, "2024-03-19"),  # day 15 is a Tuesday
        ("2024-03-01", 0, "2024-03-18"),  # day 15 is Saturday 16 → Monday
        ("2025-01-15", 0, "2025-02-05"),  # day 15 is 30 Jan, in Spring Festival (28 Jan–4 Feb)
        ("2024-09-18", 0, "2024-10-08"),  # day 15 is 3 Oct, in National Day (1–7 Oct)
        ("2025-09-20", 0, "2025-10-09"),  # day 15 is 5 Oct, in National Day (1–8 Oct)
        ("2025-01-24", 0, "2025-02-08"),  # day 15 is make-up Saturday 8 Feb: a working day
        ("2024-03-05", 15, "2024-04-07"),  # day 30 is 4 Apr (Qingming, 4–6 Apr) → make-up Sun 7
        ("2026-04-20", 10, "2026-05-15"),  # day 25 is an ordinary Friday
    ],
)
def test_mediation_deadline(start, extension_days, expected):
    assert mediation_deadline(D(start), extension_days) == D(expected)


@pytest.mark.parametrize("extension_days", [16, -1])
def test_mediation_extension_beyond_fifteen_days_or_negative_is_rejected(extension_days):
    with pytest.raises(ValueError, match=f"0 to 15 days, not {extension_days}"):
        mediation_deadline(D("2024-03-04"), extension_days)


@pytest.mark.parametrize(
    ("start", "extension_days", "expected"),
    [
        ("2025-03-03", 0, "2025-04-02"),  # day 30 is an ordinary Wednesday
        ("2024-09-02", 0, "2024-10-08"),  # day 30 is 2 Oct, in National Day → Tue 8 Oct
        ("2025-03-03", 30, "2025-05-06"),  # day 60 is 2 May, in Labour Day (1–5 May) → Tue 6
    ],
)
def test_court_mediation_deadline(start, extension_days, expected):
    assert court_mediation_deadline(D(start), extension_days) == D(expected)


def test_court_mediation_extension_cannot_be_negative():
    with pytest.raises(ValueError, match="cannot be negative"):
        court_mediation_deadline(D("2025-03-03"), -1)


@pytest.mark.parametrize(
    ("agreement_effective", "expected"),
    [
        ("2026-05-10", "2026-06-09"),  # day 30 is an ordinary Tuesday
        ("2026-05-21", "2026-06-22"),  # day 30 is Sat 20 Jun, in Dragon Boat (19–21 Jun) → Mon
        ("2025-01-03", "2025-02-05"),  # day 30 is 2 Feb, in Spring Festival → Wed 5 Feb
    ],
)
def test_judicial_confirmation_deadline(agreement_effective, expected):
    assert judicial_confirmation_deadline(D(agreement_effective)) == D(expected)


@pytest.mark.parametrize(
    ("known_on", "interrupted_on", "wage_while_employed", "ended_on", "expected"),
    [
        ("2024-06-12", None, False, None, "2025-06-12"),  # a year later, a Thursday
        ("2024-03-15", None, False, None, "2025-03-17"),  # Sat 15 Mar 2025 → Monday
        ("2025-10-01", None, False, None, "2026-10-08"),  # 1 Oct 2026 is in National Day (1–7)
        ("2024-02-29", None, False, None, "2025-02-28"),  # no 29 Feb in 2025: Fri 28 Feb
        ("2020-02-29", None, False, None, "2021-03-01"),  # 28 Feb 2021 is a Sunday → Monday
        ("2023-02-28", None, False, None, "2024-02-28"),  # 28 Feb stays 28 Feb in a leap year
        # mediation restarts the full year from the day it was applied for
        ("2024-03-15", "2024-11-20", False, None, "2025-11-20"),
        # still running on its last day (Mon 17 Mar 2025, moved from Saturday): restarts
        ("2024-03-15", "2025-03-17", False, None, "2026-03-17"),
        # one day too late: the claim was already time-barred, nothing restarts
        ("2024-03-15", "2025-03-18", False, None, "2025-03-17"),
        # wage arrears while still employed: no limit
        ("2023-01-10", None, True, None, None),
        ("2023-01-10", "2024-05-06", True, None, None),
        # employment ended Mon 30 Jun 2025: a year from then, whenever the arrears were known
        ("2023-01-10", None, True, "2025-06-30", "2026-06-30"),
        # mediation while still employed does not shorten or restart the post-employment year
        ("2023-01-10", "2024-05-06", True, "2025-06-30", "2026-06-30"),
        # mediation after the employment ended restarts it
        ("2023-01-10", "2025-09-01", True, "2025-06-30", "2026-09-01"),
        # other claims run from known_on even when the employment has ended
        ("2024-06-12", None, False, "2024-01-31", "2025-06-12"),
    ],
)
def test_arbitration_limitation_date(
    known_on, interrupted_on, wage_while_employed, ended_on, expected
):
    limitation = arbitration_limitation_date(
        D(known_on),
        interrupted_on=interrupted_on and D(interrupted_on),
        wage_arrears_while_employed=wage_while_employed,
        employment_ended_on=ended_on and D(ended_on),
    )
    assert limitation == (expected and D(expected))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2024-03-11", True),  # ordinary Monday
        ("2024-03-16", False),  # ordinary Saturday
        ("2025-01-26", True),  # Sunday worked for Spring Festival (调休)
        ("2025-02-08", True),  # Saturday worked for Spring Festival
        ("2025-01-28", False),  # Tuesday inside Spring Festival
        ("2026-10-10", True),  # Saturday worked for National Day
    ],
)
def test_is_working_day(day, expected):
    assert is_working_day(D(day)) is expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2024-03-11", "2024-03-11"),  # a working day is its own next working day
        ("2024-03-16", "2024-03-18"),  # Saturday → Monday
        ("2024-10-01", "2024-10-08"),  # first day of National Day → after the holiday
        ("2025-01-25", "2025-01-26"),  # Saturday → the make-up Sunday
        ("2027-01-02", "2027-01-04"),  # weekends only in 2027: Saturday → Monday
    ],
)
def test_next_working_day(day, expected):
    assert next_working_day(D(day)) == D(expected)


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        ("2024-03-15", 1, "2024-03-18"),  # Friday + 1 → Monday
        ("2024-10-03", 0, "2024-10-03"),  # zero leaves even a holiday unchanged
        ("2024-09-30", 1, "2024-10-08"),  # over National Day
        ("2024-10-08", -1, "2024-09-30"),  # back over National Day
        ("2024-10-14", -1, "2024-10-12"),  # back to the make-up Saturday
    ],
)
def test_add_working_days(day, n, expected):
    assert add_working_days(D(day), n) == D(expected)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2024-03-11", "2024-03-14", 3),  # Tue, Wed, Thu
        ("2024-03-14", "2024-03-14", 0),  # the deadline is today: none remain
        ("2024-03-15", "2024-03-17", 0),  # only the weekend follows
        ("2024-09-30", "2024-10-08", 1),  # only Tue 8 Oct after National Day
        ("2025-01-24", "2025-02-05", 3),  # make-up Sun 26, Mon 27, Wed 5 Feb
        ("2024-03-14", "2024-03-11", -3),  # end before start: the same count, negated
    ],
)
def test_working_days_between(start, end, expected):
    assert working_days_between(D(start), D(end)) == expected


@pytest.mark.parametrize("n", [1, 3, 10, 250])
def test_working_days_between_undoes_add_working_days(n):
    start = D("2025-01-24")  # just before Spring Festival 2025
    assert working_days_between(start, add_working_days(start, n)) == n


def test_working_days_in_2025_match_the_package():
    official = chinese_calendar.get_workdays(D("2025-01-01"), D("2025-12-31"))
    assert working_days_between(D("2024-12-31"), D("2025-12-31")) == len(official)


def test_default_calendar_agrees_with_the_package_on_every_day_it_covers():
    day, last = D("2004-01-01"), D("2026-12-31")
    while day <= last:
        assert is_working_day(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


@pytest.mark.parametrize(
    ("calendar", "year", "expected"),
    [
        (DEFAULT_CALENDAR, 2003, "weekends_only"),  # before the package's first year
        (DEFAULT_CALENDAR, 2026, "official"),
        (DEFAULT_CALENDAR, 2027, "weekends_only"),  # package 1.11.0 stops at 2026
        (CALENDAR_2027, 2027, "override"),
        (CALENDAR_2027, 2026, "official"),  # an override touches only its own year
    ],
)
def test_source_of_each_year(calendar, year, expected):
    assert calendar.source(year) == expected


@pytest.mark.parametrize(
    ("clock", "event", "weekends_only", "with_schedule"),
    [
        # Fri: Mon 8, Tue 9, Wed 10 | Spring Festival 6–13 Feb: Mon 15, Tue 16, Wed 17
        (acceptance_deadline, "2027-02-05", "2027-02-10", "2027-02-17"),
        # Thu: Fri 29, Mon 1, Tue 2 | Fri 29, make-up Sun 31, Mon 1 Feb
        (acceptance_deadline, "2027-01-28", "2027-02-02", "2027-02-01"),
        # Wed 30 Dec 2026: Thu 31, Fri 1 Jan, Mon 4 | 1 Jan is a holiday: Thu 31, Mon 4, Tue 5
        (acceptance_deadline, "2026-12-30", "2027-01-04", "2027-01-05"),
        # day 15 is Fri 1 Jan 2027: a working day | New Year's Day → Mon 4 Jan
        (mediation_deadline, "2026-12-17", "2027-01-01", "2027-01-04"),
        # day 15 is Tue 9 Feb: a working day | inside Spring Festival → Mon 15 Feb
        (mediation_deadline, "2027-01-25", "2027-02-09", "2027-02-15"),
        # day 30 is Sat 6 Feb → Mon 8 | Spring Festival until Sat 13 → Mon 15
        (judicial_confirmation_deadline, "2027-01-07", "2027-02-08", "2027-02-15"),
        # a year later is Sat 6 Feb 2027 → Mon 8 | → Mon 15 after Spring Festival
        (arbitration_limitation_date, "2026-02-06", "2027-02-08", "2027-02-15"),
    ],
)
def test_2027_deadlines_fall_back_to_weekends_until_a_schedule_is_entered(
    clock, event, weekends_only, with_schedule
):
    fallback_deadline = clock(D(event))
    assert fallback_deadline == D(weekends_only)
    assert DEFAULT_CALENDAR.fallback_years(D(event), fallback_deadline) == (2027,)
    assert DEFAULT_CALENDAR.fallback_years(fallback_deadline, D(event)) == (2027,)  # any order
    assert DEFAULT_CALENDAR.relies_on_fallback(D(event), fallback_deadline)

    scheduled_deadline = clock(D(event), calendar=CALENDAR_2027)
    assert scheduled_deadline == D(with_schedule)
    assert CALENDAR_2027.fallback_years(D(event), scheduled_deadline) == ()
    assert not CALENDAR_2027.relies_on_fallback(D(event), scheduled_deadline)


def test_deadline_within_official_years_is_not_flagged():
    received = D("2026-12-24")
    due = acceptance_deadline(received)  # Fri 25, Mon 28, Tue 29
    assert due == D("2026-12-29")
    assert not DEFAULT_CALENDAR.relies_on_fallback(received, due)


def test_override_replaces_the_official_schedule_of_its_year_only_in_its_calendar():
    corrected = WorkCalendar({2025: YearSchedule(holidays={D("2025-01-01"), D("2025-03-03")})})
    assert corrected.source(2025) == "override"
    assert not is_working_day(D("2025-03-03"), calendar=corrected)  # the admin's new holiday
    assert is_working_day(D("2025-01-28"), calendar=corrected)  # Spring Festival not listed
    assert is_working_day(D("2025-03-03"))  # the default calendar is untouched
    assert not is_working_day(D("2025-01-28"))


@pytest.mark.parametrize(
    ("holidays", "makeup_workdays", "message"),
    [
        ({"2027-01-01", "2026-12-31"}, set(), "2026-12-31 is not in 2027"),
        ({"2027-01-01"}, {"2028-01-02"}, "2028-01-02 is not in 2027"),  # a Sunday, wrong year
        ({"2027-01-01", "2027-02-06"}, {"2027-02-06"}, "2027-02-06 is listed both"),
        ({"2027-01-01"}, {"2027-02-03"}, "2027-02-03 is a Wednesday"),
        ({"2027-02-06"}, set(), "New Year's Day 2027-01-01"),  # blank or mis-keyed year
    ],
)
def test_invalid_override_is_rejected_naming_the_date(holidays, makeup_workdays, message):
    with pytest.raises(ValueError, match=message):
        WorkCalendar(
            {
                2027: YearSchedule(
                    holidays=frozenset(map(D, holidays)),
                    makeup_workdays=frozenset(map(D, makeup_workdays)),
                )
            }
        )


@pytest.mark.parametrize(
    "not_a_date", ["2027-02-06", datetime(2027, 2, 6, 9, 0)], ids=["string", "datetime"]
)
def test_override_with_something_other_than_a_date_is_rejected(not_a_date):
    with pytest.raises(ValueError, match="is not a date"):
        YearSchedule(holidays=frozenset({D("2027-01-01"), not_a_date}))
