"""The numbers behind the dashboard's charts, and where each mark of their SVG goes;
templates/stats/_charts.html writes them down.

Each chart is also printed as a table beside it, so nothing depends on seeing the picture.
The outcome mix, the durations and the transfers come with the figures; only the trend needs
a query of its own, over the same rollups.

The drawing is worked out here rather than in the template: the same sums in Jinja, per bar
and per segment, cost more than the page's queries. The titles of tiers and outcomes are
translated once per page, not once per mark.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property, lru_cache
from math import ceil
from typing import ClassVar

from sqlalchemy import Select, func, select

from mediation.extensions import db
from mediation.localtime import local_today
from mediation.models import Grain, User
from mediation.models.cases import OUTCOME_TITLES, TIER_TITLES
from mediation.stats.compute import (
    OUTCOMES,
    STATEMENTS_KEPT,
    Figures,
    PeriodRows,
    counted_organization_ids,
    key_conditions,
    level_for,
    period_rows,
)
from mediation.stats.filters import Filters
from mediation.translation import lazy_gettext as _l
from workflows.case import Outcome, Tier

DURATION_BUCKETS = ((0, 7), (8, 15), (16, 30), (31, 60), (61, None))
DAILY_UP_TO = 62  # days; longer periods are charted per month
CHART_WIDTH = 640  # every chart's width, in SVG units


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | None  # None: nothing to show, so no bar (only its label)
    x: float  # left edge
    y: float  # top edge
    width: float
    height: float
    middle: float  # where its label and its value are centred
    labelled: bool  # whether its label and value are written under and above it


@dataclass(frozen=True)
class Series:
    labels: list[str]
    values: list[int | None]

    # Its bar chart: bars stand on an axis ``bottom`` units above the foot (their labels go
    # below it), from ``left`` on, and the tallest leaves ``headroom`` for its value.
    width: ClassVar[int] = CHART_WIDTH
    height: ClassVar[int] = 220
    left: ClassVar[int] = 40
    bottom: ClassVar[int] = 40
    headroom: ClassVar[int] = 20

    @property
    def top(self) -> int:
        return max((value for value in self.values if value is not None), default=0) or 1

    @property
    def axis(self) -> int:
        return self.height - self.bottom

    @property
    def label_y(self) -> int:
        return self.axis + 16

    @cached_property
    def bars(self) -> list[Bar]:
        count = len(self.labels) or 1
        slot = (self.width - self.left) / count
        # Label every few bars when the labels would not fit side by side (about 7.5 units a
        # character at this size).
        needed = count * (max(map(len, self.labels)) if self.labels else 1) * 7.5
        every = ceil(needed / (self.width - self.left)) or 1
        top = self.top
        bars = []
        for index, (label, value) in enumerate(zip(self.labels, self.values, strict=True)):
            height = 0 if value is None else (self.axis - self.headroom) * value / top
            bars.append(
                Bar(
                    label=label,
                    value=value,
                    x=self.left + slot * index + slot * 0.15,
                    y=self.axis - height,
                    width=slot * 0.7,
                    height=height,
                    middle=self.left + slot * index + slot / 2,
                    labelled=index % every == 0,
                )
            )
        return bars


@dataclass(frozen=True)
class Segment:
    outcome: str
    cases: int
    x: float
    width: float


@dataclass(frozen=True)
class TierOutcomes:
    tier: str
    title: str
    counts: dict[str, int]  # outcome → cases, in the order of OUTCOMES
    y: float
    segments: list[Segment]  # the outcomes with cases, left to right


@dataclass(frozen=True)
class OutcomeMix:
    """A bar per tier, split by how its closed cases ended."""

    titles: dict[str, str]  # outcome → its title, in the order of OUTCOMES
    tiers: list[TierOutcomes]
    width: ClassVar[int] = CHART_WIDTH
    row: ClassVar[int] = 46  # each tier's height: its title, then its bar

    @property
    def height(self) -> int:
        return self.row * len(self.tiers) + 20


def _outcome_mix(outcomes_by_tier: dict[str, dict[str, int]], tier_titles) -> OutcomeMix:
    tiers = []
    for index, (tier, counts) in enumerate(outcomes_by_tier.items()):
        total = sum(counts.values())
        segments, x = [], 0
        for outcome in OUTCOMES:
            share = ((OutcomeMix.width - 10) * counts[outcome] / total) if total else 0
            if share:
                segments.append(Segment(outcome, counts[outcome], x, share))
            x = x + share
        y = 10 + OutcomeMix.row * index
        tiers.append(TierOutcomes(tier, tier_titles[tier], counts, y, segments))
    titles = {outcome: str(OUTCOME_TITLES[Outcome(outcome)]) for outcome in OUTCOMES}
    return OutcomeMix(titles, tiers)


@dataclass(frozen=True)
class Transfer:
    low: Tier
    high: Tier
    cases: int


@dataclass(frozen=True)
class Arc:
    """A transfer drawn from the sending tier's node to the receiving one's."""

    transfer: Transfer
    low_title: str
    high_title: str
    y1: int
    y2: int
    reach: int  # how far right the curve bends: further the more tiers it skips
    thickness: float
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Node:
    tier: str
    title: str
    y: int


@dataclass(frozen=True)
class Flow:
    """The four tiers from the bottom of the ladder to the top, and an arc for each path of
    transfers, as thick as its number of transfers."""

    nodes: list[Node]
    arcs: list[Arc]
    width: ClassVar[int] = CHART_WIDTH
    x: ClassVar[int] = 300  # where the nodes stand
    top: ClassVar[int] = 30
    row: ClassVar[int] = 56
    height: ClassVar[int] = top * 2 + row * 3


def _flow(transfers: list[Transfer], tier_titles) -> Flow:
    ladder = [tier.value for tier in Tier]
    most = max(move.cases for move in transfers) if transfers else 1
    arcs = []
    for move in transfers:
        low, high = ladder.index(move.low.value), ladder.index(move.high.value)
        y1, y2 = Flow.top + Flow.row * low, Flow.top + Flow.row * high
        bulge = 95 * (high - low)
        thickness = 2 + 16 * move.cases / most
        arcs.append(
            Arc(
                transfer=move,
                low_title=tier_titles[move.low.value],
                high_title=tier_titles[move.high.value],
                y1=y1,
                y2=y2,
                reach=Flow.x + bulge,
                thickness=thickness,
                label_x=Flow.x + bulge * 0.75 + thickness / 2 + 6,
                label_y=(y1 + y2) / 2 + 4,
            )
        )
    nodes = [
        Node(tier, tier_titles[tier], Flow.top + Flow.row * index)
        for index, tier in enumerate(ladder)
    ]
    return Flow(nodes, arcs)


def _steps(filters: Filters, daily: bool) -> list[date]:
    """The first day of each bar: every day, or every month, of the period."""
    steps, day = [], filters.start if daily else filters.start.replace(day=1)
    while day <= filters.end:
        steps.append(day)
        day = day + timedelta(days=1) if daily else (day + timedelta(days=32)).replace(day=1)
    return steps


@lru_cache(maxsize=STATEMENTS_KEPT)
def _trend_statement(
    filters: Filters, organizations: tuple[int, ...], today: date
) -> tuple[Select, PeriodRows]:
    """Built once for each set of filters, as the figures' (``compute.STATEMENTS_KEPT``)."""
    rollup = level_for(filters).rollup
    # A bar a day or a month: no period coarser than a bar.
    grain = Grain.month if filters.days > DAILY_UP_TO else Grain.day
    rows = period_rows(rollup, filters.start, filters.end, coarsest=grain, today=today)
    statement = (
        select(
            rollup.period_start,
            *rows.signs,
            func.sum(rollup.received).label("received"),
            func.sum(rollup.resolved).label("resolved"),
            func.sum(rollup.mediated_closed).label("mediated_closed"),
        )
        .where(rows.where, *key_conditions(rollup, filters, organizations))
        .group_by(rollup.grain, rollup.period_start, *rows.signs)
    )
    return statement, rows


def _trend(filters: Filters, user: User) -> tuple[Series, Series]:
    daily = filters.days <= DAILY_UP_TO
    received, resolved, mediated = Counter(), Counter(), Counter()
    organizations = tuple(counted_organization_ids(filters, user))
    statement, rows = _trend_statement(filters, organizations, local_today())
    found = rows.signed(
        db.session.execute(statement), "period_start", "received", "resolved", "mediated_closed"
    )
    for sign, start, received_there, resolved_there, mediated_there in found:
        # A month's bar takes its month row and the day rows taken out of it alike.
        step = start if daily else start.replace(day=1)
        received[step] += sign * received_there
        resolved[step] += sign * resolved_there
        mediated[step] += sign * mediated_there
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
    transfers = [
        Transfer(Tier(low), Tier(high), cases)
        for low, high, cases in (
            (*path.split(">"), cases) for path, cases in figures.transfers.items()
        )
    ]
    tier_titles = {tier.value: str(TIER_TITLES[tier]) for tier in Tier}
    return {
        "daily": filters.days <= DAILY_UP_TO,
        "received": received,
        "success": success,
        "outcomes": _outcome_mix(figures.outcomes_by_tier, tier_titles),
        "durations": _durations(figures.days_to_close),
        "transfers": transfers,
        "flow": _flow(transfers, tier_titles),
    }
