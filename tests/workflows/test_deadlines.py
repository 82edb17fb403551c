"""Legal clocks against the real 2024–2026 State Council schedules, the statutory holidays of
2027 and 2028 (no schedule published: provisional) and an invented 2027 schedule.

Each row's id or comment says why its expected date is right. Dates are ISO strings to keep the
tables short.
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
    arbitration_available_from,
    arbitration_limitation_date,
    court_mediation_deadline,
    is_working_day,
    judicial_confirmation_deadline,
    mediation_deadline,
    next_working_day,
    statutory_festivals,
    statutory_schedule,
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
        # statutory 2027 (provisional): Fri 1 Jan is New Year's Day → Mon 4, Tue 5, Wed 6
        ("2026-12-31", "2027-01-06"),
        # statutory 2027: 除夕 Fri 5 – 初三 Mon 8 Feb, Sat/Sun made up Tue 9, Wed 10 → 11, 12, 15
        ("2027-02-04", "2027-02-15"),
        # statutory 2028: 1 Jan is a Saturday, made up Mon 3 Jan → Fri 31 Dec, Tue 4, Wed 5
        ("2027-12-30", "2028-01-05"),
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
        # day 15 is Wed 20 Mar; 15 more end on 4 Apr (Qingming, 4–6 Apr) → make-up Sun 7
        ("2024-03-05", 15, "2024-04-07"),
        # day 15 is 5 May, in Labour Day (1–5 May) → Wed 6; 10 more from there: Sat 16 → Mon 18
        ("2026-04-20", 10, "2026-05-18"),
        # issue 15: day 15 is 1 Oct → Thu 9 Oct after National Day; 8 more end Fri 17 Oct, not
        # 9 Oct as when the 8 days were added to the start and vanished into the holiday
        ("2025-09-16", 8, "2025-10-17"),
        # enterprise tier, accepted Wed 5 Feb 2025: day 15 is Thu 20 Feb; 15 more: Fri 7 Mar
        ("2025-02-05", 15, "2025-03-07"),
        # statutory 2027: day 15 is 1 Oct; 1–3 Oct and the weekdays made up for Sat 2 and
        # Sun 3 (Mon 4, Tue 5) are off → Wed 6 Oct; 5 more end Mon 11 Oct
        ("2027-09-16", 5, "2027-10-11"),
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
        # day 30 is Wed 2 Apr; 30 more end on 2 May, in Labour Day (1–5 May) → Tue 6
        ("2025-03-03", 30, "2025-05-06"),
        # day 30 is 2 Oct → Tue 8 Oct 2024 after National Day; 10 more end Fri 18 Oct
        ("2024-09-02", 10, "2024-10-18"),
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


def _limitation(known, interrupted=None, ended=None, remuneration=False, job_ended=None):
    return (known, interrupted, ended, remuneration, job_ended)


@pytest.mark.parametrize(
    (
        "known_on",
        "interrupted_on",
        "interruption_ended_on",
        "remuneration",
        "job_ended",
        "expected",
    ),
    [
        pytest.param(*_limitation("2024-06-12"), "2025-06-12", id="one year, a Thursday"),
        pytest.param(*_limitation("2024-03-15"), "2025-03-17", id="Sat 15 Mar 2025 → Monday"),
        pytest.param(
            *_limitation("2025-10-01"), "2026-10-08", id="1 Oct 2026 in National Day (1–7)"
        ),
        pytest.param(
            *_limitation("2024-02-29"), "2025-02-28", id="no 29 Feb in 2025: month's last day"
        ),
        pytest.param(
            *_limitation("2020-02-29"), "2021-03-01", id="28 Feb 2021 is a Sunday → Monday"
        ),
        pytest.param(*_limitation("2023-02-28"), "2024-02-28", id="28 Feb stays in a leap year"),
        pytest.param(
            *_limitation("2024-03-15", "2024-11-20"),
            "2025-11-20",
            id="interruption without a duration: recounts from that day",
        ),
        pytest.param(
            *_limitation("2024-03-15", "2025-03-17"),
            "2026-03-17",
            id="interrupted on the last day (Mon 17 Mar, moved from Sat): recounts",
        ),
        pytest.param(
            *_limitation("2024-03-15", "2025-03-18"),
            "2025-03-17",
            id="interrupted a day too late: time-barred, nothing recounts",
        ),
        pytest.param(
            *_limitation("2025-03-03", "2025-03-03", "2025-03-18"),
            "2026-03-18",
            id="issue 15: mediation period ran out Tue 18 Mar 2025, recount from then",
        ),
        pytest.param(
            *_limitation("2025-09-20", "2025-09-20", "2025-09-30"),
            "2026-09-30",
            id="mediation failed Tue 30 Sep 2025: a year from the failure, before National Day",
        ),
        pytest.param(
            *_limitation("2026-01-28", "2026-01-28", "2026-01-30"),
            "2027-02-01",
            id="declined Fri 30 Jan 2026: Sat 30 Jan 2027 → Mon 1 Feb (statutory 2027)",
        ),
        pytest.param(
            *_limitation("2025-04-25", "2025-04-25", "2025-04-30"),
            "2026-04-30",
            id="withdrawn Wed 30 Apr 2025: Thu 30 Apr 2026, before Labour Day",
        ),
        pytest.param(
            *_limitation("2026-09-01", "2026-09-01", "2026-10-01"),
            "2027-10-06",
            id="agreement unpaid at its date 1 Oct 2026: statutory National Day 2027 → Wed 6 Oct",
        ),
        pytest.param(
            *_limitation("2025-09-10", "2025-09-10", "2025-09-25"),
            "2026-09-28",
            id="failed Thu 25 Sep 2025: 25 Sep 2026 is Mid-Autumn (25–27 Sep) → Mon 28",
        ),
        pytest.param(
            *_limitation("2025-02-10", "2025-02-10", "2025-02-17"),
            "2026-02-24",
            id="failed 17 Feb 2025: 17 Feb 2026 is in Spring Festival (15–23 Feb) → Tue 24",
        ),
        pytest.param(
            *_limitation("2025-03-21", "2025-03-21", "2025-04-05"),
            "2026-04-07",
            id="period ran out 5 Apr 2025: 5 Apr 2026 is Qingming (4–6 Apr) → Tue 7",
        ),
        pytest.param(
            *_limitation("2023-01-10", remuneration=True),
            None,
            id="remuneration while employed: not limited (第四款)",
        ),
        pytest.param(
            *_limitation("2023-01-10", "2024-05-06", "2024-05-21", remuneration=True),
            None,
            id="remuneration while employed, mediated: still not limited",
        ),
        pytest.param(
            *_limitation("2023-01-10", remuneration=True, job_ended="2025-06-30"),
            "2026-06-30",
            id="remuneration: a year from the end of employment (第四款)",
        ),
        pytest.param(
            *_limitation("2023-01-10", "2024-05-06", "2024-05-21", True, "2025-06-30"),
            "2026-06-30",
            id="remuneration mediated while employed: the post-employment year is untouched",
        ),
        pytest.param(
            *_limitation("2023-01-10", "2025-09-01", "2025-09-16", True, "2025-06-30"),
            "2026-09-16",
            id="remuneration mediated after the job ended: recounts from the period's end",
        ),
        pytest.param(
            *_limitation("2024-06-12", job_ended="2024-01-31"),
            "2025-06-12",
            id="other claims run from known_on even when the job has ended",
        ),
    ],
)
def test_arbitration_limitation_date(
    known_on, interrupted_on, interruption_ended_on, remuneration, job_ended, expected
):
    limitation = arbitration_limitation_date(
        D(known_on),
        interrupted_on=interrupted_on and D(interrupted_on),
        interruption_ended_on=interruption_ended_on and D(interruption_ended_on),
        remuneration_while_employed=remuneration,
        employment_ended_on=job_ended and D(job_ended),
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
        ("2027-01-02", "2027-01-04"),  # statutory 2027: Saturday → Monday (1 Jan is a Friday)
        ("2027-10-01", "2027-10-06"),  # statutory 2027: 1–3 Oct and Mon 4, Tue 5 made up
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
        (DEFAULT_CALENDAR, 2003, "statutory"),  # before the package's first year
        (DEFAULT_CALENDAR, 2026, "official"),
        (DEFAULT_CALENDAR, 2027, "statutory"),  # package 1.11.0 stops at 2026
        (CALENDAR_2027, 2027, "override"),
        (CALENDAR_2027, 2026, "official"),  # an override touches only its own year
    ],
)
def test_source_of_each_year(calendar, year, expected):
    assert calendar.source(year) == expected


@pytest.mark.parametrize(
    ("clock", "event", "statutory", "with_schedule"),
    [
        # Thu; 除夕 Fri 5 Feb: 5–10 off → Thu 11, Fri 12, Mon 15 | Fri 5, 6–13 off: Mon 15, Tue 16
        (acceptance_deadline, "2027-02-04", "2027-02-15", "2027-02-16"),
        # Thu: Fri 29, Mon 1, Tue 2 | Fri 29, make-up Sun 31, Mon 1 Feb
        (acceptance_deadline, "2027-01-28", "2027-02-02", "2027-02-01"),
        # Wed 30 Dec 2026: 1 Jan is New Year's Day in both → Thu 31, Mon 4, Tue 5
        (acceptance_deadline, "2026-12-30", "2027-01-05", "2027-01-05"),
        # day 15 is Fri 1 Jan 2027, New Year's Day in both → Mon 4 Jan
        (mediation_deadline, "2026-12-17", "2027-01-04", "2027-01-04"),
        # day 15 is Tue 9 Feb: made up for 初一 on Saturday → Thu 11 | inside 6–13 Feb → Mon 15
        (mediation_deadline, "2027-01-25", "2027-02-11", "2027-02-15"),
        # day 30 is Sat 6 Feb: off until Wed 10 → Thu 11 | Spring Festival until Sat 13 → Mon 15
        (judicial_confirmation_deadline, "2027-01-07", "2027-02-11", "2027-02-15"),
        # a year later is Sat 6 Feb 2027 → Thu 11 | → Mon 15 after Spring Festival
        (arbitration_limitation_date, "2026-02-06", "2027-02-11", "2027-02-15"),
        # day 15 is Mon 4 Jan 2027, a working day → opens Tue 5 | the same
        (arbitration_available_from, "2026-12-20", "2027-01-05", "2027-01-05"),
    ],
)
def test_2027_dates_are_provisional_on_the_statute_until_a_schedule_is_entered(
    clock, event, statutory, with_schedule
):
    provisional = clock(D(event))
    assert provisional == D(statutory)
    assert DEFAULT_CALENDAR.provisional_years(D(event), provisional) == (2027,)
    assert DEFAULT_CALENDAR.provisional_years(provisional, D(event)) == (2027,)  # any order
    assert DEFAULT_CALENDAR.is_provisional(D(event), provisional)

    scheduled = clock(D(event), calendar=CALENDAR_2027)
    assert scheduled == D(with_schedule)
    assert CALENDAR_2027.provisional_years(D(event), scheduled) == ()
    assert not CALENDAR_2027.is_provisional(D(event), scheduled)


def test_deadline_within_official_years_is_not_flagged():
    received = D("2026-12-24")
    due = acceptance_deadline(received)  # Fri 25, Mon 28, Tue 29
    assert due == D("2026-12-29")
    assert not DEFAULT_CALENDAR.is_provisional(received, due)


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


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        pytest.param(
            2027,
            [
                "2027-01-01",  # 元旦, a Friday
                "2027-02-05",  # 除夕, Friday
                "2027-02-06",  # 初一, Saturday
                "2027-02-07",  # 初二, Sunday
                "2027-02-08",  # 初三, Monday
                "2027-04-05",  # 清明 (solar term), Monday
                "2027-05-01",  # Saturday
                "2027-05-02",  # Sunday
                "2027-06-09",  # 端午 (5th of the 5th month), Wednesday
                "2027-09-15",  # 中秋 (15th of the 8th month), Wednesday
                "2027-10-01",
                "2027-10-02",
                "2027-10-03",
            ],
            id="2027: lunar dates and the solar term from the library",
        ),
        pytest.param(
            2028,
            [
                "2028-01-01",
                "2028-01-25",  # 除夕 (the 12th month has 29 days: the day before 初一)
                "2028-01-26",
                "2028-01-27",
                "2028-01-28",
                "2028-04-04",  # 清明
                "2028-05-01",
                "2028-05-02",
                "2028-05-28",  # 端午 of the ordinary 5th month (2028 has a leap 5th month)
                "2028-10-01",
                "2028-10-02",
                "2028-10-03",  # 国庆 and 中秋 on one day: one day off
            ],
            id="2028: Mid-Autumn falls on 3 October, inside National Day",
        ),
    ],
)
def test_statutory_festivals_of_the_2024_holiday_measures(year, expected):
    assert sorted(statutory_festivals(year)) == [D(day) for day in expected]


@pytest.mark.parametrize(
    ("year", "substitutes"),
    [
        pytest.param(
            2027,
            ["2027-02-09", "2027-02-10", "2027-05-03", "2027-05-04", "2027-10-04", "2027-10-05"],
            id="第六条: 初一/初二, 1/2 May, 2/3 Oct on a weekend → the next free weekdays",
        ),
        pytest.param(
            2028,
            ["2028-01-03", "2028-05-29", "2028-10-04"],
            id="第六条: Sat 1 Jan → Mon 3; 端午 Sun 28 May → Mon 29; Sun 1 Oct → Wed 4 after 2–3",
        ),
    ],
)
def test_a_festival_on_a_weekend_is_made_up_on_the_next_free_weekday(year, substitutes):
    schedule = statutory_schedule(year)
    assert sorted(schedule.holidays - statutory_festivals(year)) == [D(d) for d in substitutes]
    assert schedule.makeup_workdays == frozenset()  # 调休 exists only by a published notice


@pytest.mark.parametrize(
    ("day", "working"),
    [
        pytest.param("2027-01-01", False, id="New Year's Day 2027 (Fri)"),
        pytest.param("2027-01-04", True, id="an ordinary Monday after it"),
        pytest.param("2027-02-05", False, id="除夕 2027"),
        pytest.param("2027-02-08", False, id="初三 2027 (Mon)"),
        pytest.param("2027-02-10", False, id="made up for 初二 on Sunday"),
        pytest.param("2027-02-11", True, id="first working day after Spring Festival 2027"),
        pytest.param("2027-04-05", False, id="Qingming 2027"),
        pytest.param("2027-05-04", False, id="made up for 2 May 2027 on Sunday"),
        pytest.param("2027-06-09", False, id="Dragon Boat 2027"),
        pytest.param("2027-09-15", False, id="Mid-Autumn 2027"),
        pytest.param("2027-10-01", False, id="National Day 2027"),
        pytest.param("2027-10-05", False, id="made up for 3 Oct 2027 on Sunday"),
        pytest.param("2027-10-06", True, id="first working day after National Day 2027"),
        pytest.param("2028-01-03", False, id="made up for New Year's Day 2028 on Saturday"),
        pytest.param("2028-10-04", False, id="made up for 1 Oct 2028 on Sunday"),
        pytest.param("2028-10-05", True, id="first working day after National Day 2028"),
    ],
)
def test_working_days_of_years_without_a_schedule(day, working):
    assert is_working_day(D(day)) is working
    assert DEFAULT_CALENDAR.source(D(day).year) == "statutory"


@pytest.mark.parametrize("year", range(2008, 2027))
def test_lunar_festivals_and_qingming_fall_on_the_official_holidays(year):
    """The library's 清明, 端午 and 中秋 (holidays since 2008), 初一 to 初三, 1 May and 1–3 Oct
    are days off in every State Council notice the package holds; 除夕 and 2 May only since
    the 2024 revision took effect in 2025."""
    festivals = statutory_festivals(year)
    spring_festival_eve = min(day for day in festivals if day.month in (1, 2) and day.day != 1)
    not_statutory_before_2025 = {spring_festival_eve, D(f"{year}-05-02")}
    for day in festivals - (not_statutory_before_2025 if year < 2025 else set()):
        assert chinese_calendar.is_holiday(day), day


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        pytest.param(
            "2024-01-26",
            "2024-02-19",
            id="day 15 is 10 Feb, Spring Festival 2024 → make-up Sun 18, opens Mon 19",
        ),
        pytest.param(
            "2024-03-20",
            "2024-04-08",
            id="day 15 is Qingming 4 Apr 2024 → make-up Sun 7, opens Mon 8",
        ),
        pytest.param(
            "2024-04-17",
            "2024-05-07",
            id="day 15 is 2 May, Labour Day 2024 (1–5) → Mon 6, opens Tue 7",
        ),
        pytest.param(
            "2024-05-26",
            "2024-06-12",
            id="day 15 is Dragon Boat Mon 10 Jun 2024 → Tue 11, opens Wed 12",
        ),
        pytest.param(
            "2024-08-31",
            "2024-09-19",
            id="day 15 is 15 Sep, Mid-Autumn 2024 (15–17) → Wed 18, opens Thu 19",
        ),
        pytest.param(
            "2024-09-20", "2024-10-09", id="day 15 is 5 Oct, National Day 2024 → Tue 8, opens Wed 9"
        ),
        pytest.param(
            "2025-01-24",
            "2025-02-09",
            id="issue 15 enterprise example: day 15 is the make-up Sat 8 Feb 2025, opens Sun 9",
        ),
        pytest.param(
            "2025-03-18", "2025-04-03", id="day 15 is Wed 2 Apr, before Qingming 2025, opens Thu 3"
        ),
        pytest.param(
            "2025-04-30",
            "2025-05-16",
            id="issue 15 union example: day 15 is Thu 15 May 2025, opens Fri 16",
        ),
        pytest.param(
            "2025-05-16",
            "2025-06-04",
            id="day 15 is 31 May, Dragon Boat 2025 (31 May–2 Jun) → Tue 3, opens Wed 4",
        ),
        pytest.param(
            "2025-09-16",
            "2025-10-10",
            id="day 15 is 1 Oct, National Day 2025 (1–8) → Thu 9, opens Fri 10",
        ),
        pytest.param(
            "2025-09-30",
            "2025-10-16",
            id="issue 15 accepted-only example: day 15 is Wed 15 Oct 2025, opens Thu 16",
        ),
        pytest.param(
            "2026-02-01",
            "2026-02-25",
            id="day 15 is 16 Feb, Spring Festival 2026 (15–23) → Tue 24, opens Wed 25",
        ),
        pytest.param(
            "2026-03-21",
            "2026-04-08",
            id="day 15 is 5 Apr, Qingming 2026 (4–6) → Tue 7, opens Wed 8",
        ),
        pytest.param(
            "2026-04-17",
            "2026-05-07",
            id="day 15 is 2 May, Labour Day 2026 (1–5) → Wed 6, opens Thu 7",
        ),
        pytest.param(
            "2026-06-05",
            "2026-06-23",
            id="day 15 is 20 Jun, Dragon Boat 2026 (19–21) → Mon 22, opens Tue 23",
        ),
        pytest.param(
            "2026-09-10",
            "2026-09-29",
            id="day 15 is Mid-Autumn Fri 25 Sep 2026 → Mon 28, opens Tue 29",
        ),
        pytest.param(
            "2026-09-16",
            "2026-10-09",
            id="day 15 is 1 Oct, National Day 2026 (1–7) → Thu 8, opens Fri 9",
        ),
        pytest.param(
            "2026-12-17",
            "2027-01-05",
            id="statutory: day 15 is New Year's Day 2027 → Mon 4, opens Tue 5",
        ),
        pytest.param(
            "2027-01-21",
            "2027-02-12",
            id="statutory: day 15 is 除夕 5 Feb 2027, off to Wed 10 → Thu 11, opens Fri 12",
        ),
        pytest.param(
            "2027-09-16",
            "2027-10-07",
            id="statutory: day 15 is 1 Oct 2027, off to Tue 5 → Wed 6, opens Thu 7",
        ),
        pytest.param(
            "2028-05-14",
            "2028-05-31",
            id="statutory: day 15 is Mon 29 May 2028, made up for 端午 → Tue 30, opens Wed 31",
        ),
        pytest.param(
            "2028-09-18",
            "2028-10-06",
            id="statutory: day 15 is 3 Oct 2028 (国庆 and 中秋), off to Wed 4 → Thu 5, opens Fri 6",
        ),
    ],
)
def test_arbitration_is_available_the_day_after_fifteen_days_from_receipt(received, expected):
    assert arbitration_available_from(D(received)) == D(expected)
