"""The numbers behind the dashboard's charts; templates/stats/_charts.html draws them as SVG.

Each chart is also printed as a table beside it, so nothing depends on seeing the picture.
The outcome mix, the durations and the transfers come with the figures; only the trend needs
a query of its own, over the same rollups.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from mediation.extensions import db
from mediation.models import User
from mediation.stats.compute import (
    Figures,
    counted_organization_ids,
    key_conditions,
    level_for,
    period_rows,
)
from mediation.stats.filters import Filters
from workflows.case import Tier

DURATION_BUCKETS = ((0, 7), (8, 15), (16, 30), (31, 60), (61, None))
DAILY_UP_TO = 62  # days; longer periods are charted per month


@dataclass(frozen=True)
class Series:
    labels: list[str]
    values: list[int | None]

    @property
    def top(self) -> int:
        return max((value for value in self.values if value is not None), default=0) or 1


@dataclass(frozen=True)
class Transfer:
    low: Tier
    high: Tier
    cases: int


def _steps(filters: Filters, daily: bool) -> list[date]:
    """The first day of each bar: every day, or every month, of the period."""
    steps, day = [], filters.start if daily else filters.start.replace(day=1)
    while day <= filters.end:
        steps.append(day)
        day = day + timedelta(days=1) if daily else (day + timedelta(days=32)).replace(day=1)
    return steps


def _trend(filters: Filters, user: User) -> tuple[Series, Series]:
    daily = filters.days <= DAILY_UP_TO
    rollup = level_for(filters).rollup
    received, resolved, mediated = Counter(), Counter(), Counter()
    for start, cases, settled, closed_after_mediation in db.session.execute(
        select(
            rollup.period_start,
            func.sum(rollup.received),
            func.sum(rollup.resolved),
            func.sum(rollup.mediated_closed),
        )
        .where(
            period_rows(rollup, filters.start, filters.end, months=not daily),
            *key_conditions(rollup, filters, counted_organization_ids(filters, user)),
        )
        .group_by(rollup.grain, rollup.period_start)
    ):
        step = start if daily else start.replace(day=1)
        received[step] += cases
        resolved[step] += settled
        mediated[step] += closed_after_mediation
    steps = _steps(filters, daily)
    labels = [step.strftime("%m-%d" if daily else "%Y-%m") for step in steps]
    return (
        Series(labels, [received[step] for step in steps]),
        Series(
            labels,
            [
                round(100 * resolved[step] / mediated[step]) if mediated[step] else None
                for step in steps
            ],
        ),
    )


def _bucket_label(low: int, high: int | None) -> str:
    return str(
        _l("%(low)d–%(high)d days", low=low, high=high)
        if high is not None
        else _l("over %(low)d days", low=low - 1)
    )


def _durations(days_to_close: dict[int, int]) -> Series:
    counts = [
        sum(
            n for days, n in days_to_close.items() if low <= days and (high is None or days <= high)
        )
        for low, high in DURATION_BUCKETS
    ]
    return Series([_bucket_label(low, high) for low, high in DURATION_BUCKETS], counts)


def build(filters: Filters, user: User, figures: Figures) -> dict:
    received, success = _trend(filters, user)
    return {
        "daily": filters.days <= DAILY_UP_TO,
        "received": received,
        "success": success,
        "outcomes": figures.outcomes_by_tier,
        "durations": _durations(figures.days_to_close),
        "transfers": [
            Transfer(Tier(low), Tier(high), cases)
            for low, high, cases in (
                (*path.split(">"), cases) for path, cases in figures.transfers.items()
            )
        ],
    }
