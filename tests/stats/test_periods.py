"""The rows a period is read from add up to exactly its days, whichever grains they are.

``period_rows`` picks day, month and year rows, some of them taken out of a coarser row;
here a table holds, for three years of random daily counts, a row per day, month and year
as the rollups hold them on each of several days (nothing after that day), and every period
of a random sample, read on those days, must sum to the count of its days. No application:
the rule is date arithmetic over a table.
"""

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import Column, Date, Integer, MetaData, String, Table, create_engine, select

from mediation.models import Grain
from mediation.stats.compute import period_rows

FIRST_DAY, DAYS = date(2024, 1, 1), 3 * 366
# The days the rows are read on: ends and middles of months and years, and leap days.
TODAYS = tuple(
    date.fromisoformat(day)
    for day in (
        "2024-02-29",
        "2024-07-15",
        "2024-12-31",
        "2025-01-01",
        "2025-03-01",
        "2025-06-30",
        "2025-12-04",
        "2025-12-31",
        "2026-09-17",
    )
)
ROWS = Table(
    "rows",
    MetaData(),
    Column("as_of", Date),
    Column("grain", String),
    Column("period_start", Date),
    Column("cases", Integer),
)


@pytest.fixture(scope="module")
def counted():
    """A database with the day, month and year rows of random counts over three years as
    they stand on each of ``TODAYS``, and the count of each day."""
    rng = random.Random(44)
    days = {FIRST_DAY + timedelta(days=n): rng.randint(0, 9) for n in range(DAYS)}
    engine = create_engine("sqlite://")
    ROWS.metadata.create_all(engine)
    with engine.begin() as connection:
        for grain, start_of in (
            (Grain.day, lambda day: day),
            (Grain.month, lambda day: day.replace(day=1)),
            (Grain.year, lambda day: day.replace(month=1, day=1)),
        ):
            for today in TODAYS:
                sums: dict[date, int] = {}
                for day, cases in days.items():
                    if day <= today:
                        sums[start_of(day)] = sums.get(start_of(day), 0) + cases
                connection.execute(
                    ROWS.insert(),
                    [
                        {"as_of": today, "grain": grain, "period_start": start, "cases": n}
                        for start, n in sums.items()
                    ],
                )
    yield engine, days
    engine.dispose()


def read(engine, start: date, end: date, today: date, coarsest: Grain) -> tuple[int, int]:
    """The period's sum as the figures read it on ``today``, and how many rows it read."""
    over = period_rows(ROWS.c, start, end, today=today, coarsest=coarsest)
    found = select(ROWS.c.cases, *over.signs).where(over.where, ROWS.c.as_of == today)
    with engine.connect() as connection:
        rows = list(over.signed(connection.execute(found), "cases"))
    return sum(sign * cases for sign, cases in rows), len(rows)


def test_any_period_adds_up_to_its_days_from_day_month_and_year_rows(counted):
    engine, days = counted
    rng = random.Random(2026)
    for _ in range(400):
        today = rng.choice(TODAYS)
        start = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        end = start + timedelta(days=rng.choice([0, 6, 30, 90, 364, 365, 400, 800]))
        coarsest = rng.choice([Grain.year, Grain.year, Grain.month, Grain.day])
        # Up to today: a day not yet come has no row (nor count) to read.
        expected = sum(
            days.get(start + timedelta(days=n), 0)
            for n in range((min(end, today) - start).days + 1)
        )
        assert read(engine, start, end, today, coarsest)[0] == expected, (start, end, today)


def test_the_last_365_days_read_a_month_and_a_year_less_a_few_days(counted):
    """From 4 December: December of last year as its month row less its first four days,
    and this year as its year row (December's days still to come have no rows)."""
    engine, days = counted
    today = date(2025, 12, 4)
    assert today in TODAYS
    total, rows = read(engine, date(2024, 12, 5), today, today, Grain.year)
    assert total == sum(count for day, count in days.items() if date(2024, 12, 5) <= day <= today)
    assert rows == 1 + 4 + 1
    # With no year rows, as the trend's bars per month read them: eleven months more.
    assert read(engine, date(2024, 12, 5), today, today, Grain.month)[1] == 1 + 4 + 12


def test_most_of_a_year_is_its_year_row_less_the_months_outside(counted):
    """1 March to 31 December 2024, read on the last day of 2025: the year 2024 less
    January and February."""
    engine, days = counted
    start, end = date(2024, 3, 1), date(2024, 12, 31)
    total, rows = read(engine, start, end, date(2025, 12, 31), Grain.year)
    assert total == sum(count for day, count in days.items() if start <= day <= end)
    assert rows == 1 + 2
