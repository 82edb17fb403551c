"""The limitation for arbitration while it is suspended (中止, 劳动争议调解仲裁法 第二十七条第三款):
the period does not run while the cause lasts and continues from the day it ended, with the
end rule (民法典 第二百零三条) applied once, to the day reached."""

from datetime import date

import pytest

from workflows.deadlines import (
    Suspension,
    arbitration_limitation,
    arbitration_limitation_date,
    merge_suspensions,
)


def D(text: str) -> date:
    return date.fromisoformat(text)


def suspended(*spans: tuple[str, str | None]) -> list[Suspension]:
    return [Suspension(D(start), D(end) if end else None) for start, end in spans]


RULE = [
    pytest.param(
        "2024-06-12",
        None,
        None,
        [("2024-07-01", "2024-07-10")],
        "2025-06-23",
        10,
        id="10 days in hospital inside the year: 12 Jun + 10 is Sun 22 Jun 2025 → Mon 23",
    ),
    pytest.param(
        "2024-09-20",
        None,
        None,
        [("2024-10-08", "2024-10-18")],
        "2025-10-09",
        11,
        id="an end pushed onto National Day (1–8 Oct 2025) moves to the next working day, Thu 9",
    ),
    pytest.param(
        "2025-02-01",
        None,
        None,
        [("2025-03-01", "2025-03-16")],
        "2026-02-24",
        16,
        id="pushed 16 days onto Spring Festival 2026 (15–23 Feb) → Tue 24 Feb",
    ),
    pytest.param(
        "2024-06-12",
        None,
        None,
        [("2024-07-01", "2024-07-10"), ("2024-07-05", "2024-07-15")],
        "2025-06-27",
        15,
        id="two overlapping suspensions are merged: a day suspended twice counts once (15 days)",
    ),
    pytest.param(
        "2024-06-12",
        None,
        None,
        [("2024-08-01", "2024-08-05"), ("2024-07-01", "2024-07-10")],
        "2025-06-27",
        15,
        id="two separate suspensions, given out of order, add up (10 + 5 days)",
    ),
    pytest.param(
        "2024-06-12",
        None,
        None,
        [("2024-05-01", "2024-06-01")],
        "2025-06-12",
        0,
        id="a cause over before the worker knew of the problem changes nothing",
    ),
    pytest.param(
        "2024-06-12",
        None,
        None,
        [("2024-06-01", "2024-06-20")],
        "2025-06-20",
        8,
        id="a cause already there when the period started: it runs from the day it ended",
    ),
    pytest.param(
        "2024-06-12",
        None,
        None,
        [("2025-06-13", "2025-07-01")],
        "2025-06-12",
        0,
        id="a cause after the last day changes nothing: the claim was already barred",
    ),
    pytest.param(
        "2024-06-12",
        None,
        None,
        [("2025-06-12", "2025-06-12")],
        "2025-06-13",
        1,
        id="a one-day cause on the last day itself: one more day, Fri 13 Jun",
    ),
    pytest.param(
        "2024-03-15",
        None,
        None,
        [("2025-03-16", "2025-03-18")],
        "2025-03-18",
        3,
        id="the year's day is Sat 15 Mar, its legal end Mon 17 (第二百零三条): a cause from Sun "
        "16 came while it still ran, 3 days → Tue 18",
    ),
    pytest.param(
        "2024-03-15",
        None,
        None,
        [("2025-03-18", "2025-03-20")],
        "2025-03-17",
        0,
        id="a cause from the day after the legal end (Tue 18 Mar) comes too late",
    ),
    pytest.param(
        "2024-06-12",
        None,
        None,
        [("2024-12-01", None)],
        None,
        0,
        id="a cause still lasting inside the year: no last day yet",
    ),
    pytest.param(
        "2024-06-12",
        None,
        None,
        [("2025-07-01", None)],
        "2025-06-12",
        0,
        id="a cause still lasting that arose after the year ended changes nothing",
    ),
    pytest.param(
        "2025-03-03",
        "2025-03-03",
        "2025-03-18",
        [("2025-03-05", "2025-03-10")],
        "2026-03-18",
        0,
        id="over before the recount (第二款): the year is counted again in full from 18 Mar",
    ),
    pytest.param(
        "2025-03-03",
        "2025-03-03",
        "2025-03-18",
        [("2025-03-10", "2025-03-25")],
        "2026-03-25",
        7,
        id="lasting past the recount start (18 Mar): the recount runs from the day it ended",
    ),
    pytest.param(
        "2025-09-10",
        "2025-09-10",
        "2025-09-25",
        [("2025-09-26", "2025-10-08")],
        "2026-10-08",
        13,
        id="after mediation failed 25 Sep 2025, 13 days: past Mid-Autumn and National Day 2026",
    ),
    pytest.param(
        "2024-01-10",
        "2025-03-03",
        "2025-03-18",
        [],
        "2025-01-10",
        0,
        id="without a suspension the year ended 10 Jan 2025, before the application",
    ),
    pytest.param(
        "2024-01-10",
        "2025-03-03",
        "2025-03-18",
        [("2024-05-01", "2024-07-31")],
        "2026-03-18",
        0,
        id="92 days in hospital the year before: it ran to Mon 14 Apr 2025, so the application "
        "on 3 Mar interrupted it and it recounts from 18 Mar",
    ),
    pytest.param(
        "2024-01-10",
        "2025-03-03",
        "2025-03-18",
        [("2024-05-01", None)],
        None,
        0,
        id="a cause from before the application still lasting after the recount: no last day",
    ),
]


@pytest.mark.parametrize(
    ("known_on", "interrupted_on", "interruption_ended_on", "spans", "expected", "days"), RULE
)
def test_a_suspension_holds_the_year_while_its_cause_lasts(
    known_on, interrupted_on, interruption_ended_on, spans, expected, days
):
    count = arbitration_limitation(
        D(known_on),
        interrupted_on=D(interrupted_on) if interrupted_on else None,
        interruption_ended_on=D(interruption_ended_on) if interruption_ended_on else None,
        suspensions=suspended(*spans),
    )
    assert count.last_day == (D(expected) if expected else None)
    assert count.suspended_days == days
    lasting = [start for start, end in spans if end is None]
    assert count.suspended_since == (D(lasting[0]) if expected is None else None)
    assert (
        arbitration_limitation_date(
            D(known_on),
            interrupted_on=D(interrupted_on) if interrupted_on else None,
            interruption_ended_on=D(interruption_ended_on) if interruption_ended_on else None,
            suspensions=suspended(*spans),
        )
        == count.last_day
    )


def test_wages_while_employed_stay_unlimited_whatever_the_suspension():
    """第四款: no limit runs while the employment lasts, so there is nothing to suspend."""
    count = arbitration_limitation(
        D("2023-01-10"),
        remuneration_while_employed=True,
        suspensions=suspended(("2024-05-01", None)),
    )
    assert (count.last_day, count.suspended_since) == (None, None)


@pytest.mark.parametrize(
    ("spans", "merged"),
    [
        pytest.param(
            [("2024-07-05", "2024-07-15"), ("2024-07-01", "2024-07-10")],
            [("2024-07-01", "2024-07-15")],
            id="overlapping: one span from the first start to the last end",
        ),
        pytest.param(
            [("2024-07-01", "2024-07-10"), ("2024-07-11", "2024-07-12")],
            [("2024-07-01", "2024-07-12")],
            id="the next day on: the same days, as one span",
        ),
        pytest.param(
            [("2024-07-01", None), ("2024-08-01", "2024-08-05")],
            [("2024-07-01", None)],
            id="a cause still lasting takes in every later one",
        ),
        pytest.param(
            [("2024-07-01", "2024-07-10"), ("2024-07-20", "2024-07-22")],
            [("2024-07-01", "2024-07-10"), ("2024-07-20", "2024-07-22")],
            id="apart: kept apart",
        ),
    ],
)
def test_suspensions_are_merged_in_date_order(spans, merged):
    assert merge_suspensions(suspended(*spans)) == suspended(*merged)


def test_a_suspension_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="before it starts"):
        Suspension(D("2024-07-10"), D("2024-07-01"))
