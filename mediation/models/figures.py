"""What the supervisor's figures are counted from, kept in step with the cases.

``case_figures`` holds one row per case: the dimensions the dashboard filters on and what the
case counts towards (its *measures*, defined in ``stats.figures``).

The rollups sum those rows per key and period, once per day, once per month and once per
calendar year (migration 0044; the dates by day and month, see ``DATE_GRAINS``), so a
year's figures read a few dozen rows instead of every case, and a longer period no more for
each year it spans. They come in two levels: by place
(organisation and tier), which answers the dashboard and its region, tier and organisation
filters; and *detailed*, also by channel, categories and priority groups, read only when
one of those is filtered (there are hundreds of such keys a day, so the plain dashboard
would read far more rows than it needs). The distributions count the cases per number of
days (to close, to placement) under the same keys, so medians stay exact.

Rows are written only by ``stats.figures``.

No figure table has a foreign key to the organisations or employers (migration 0042): their
ids are copies of the case's own, which ``cases`` checks, and a rebuild spent a third of its
time checking them again, one row at a time (20 of 58 s for a million cases).
``case_figures.case_id`` keeps its key: it is what stops a case being deleted before its
share is taken out of the rollups.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    PrimaryKeyConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from mediation.extensions import db
from mediation.models.cases import Channel
from mediation.models.types import enum_column
from workflows.case import Tier


class Grain(StrEnum):
    day = "day"
    month = "month"
    year = "year"


class Distribution(StrEnum):
    days_to_close = "days_to_close"
    days_to_placement = "days_to_placement"


class Dated(StrEnum):
    """What the figures count as of today, by a date of each case (a ``case_figures``
    column): the open cases by their current deadline (past it, they are overdue), and the
    dated agreements, and those of them paid in full, by their due date (until it, they are
    not yet due)."""

    open_deadline = "open_deadline"
    agreement_due_on = "agreement_due_on"
    paid_in_full_due_on = "paid_in_full_due_on"


# Transfers are counted per path up the ladder: enterprise → union, …, hr_bureau → court.
TRANSFER_PATHS = tuple((low, high) for low in Tier for high in Tier if low < high)


def transfer_column(low: Tier, high: Tier) -> str:
    return f"transfers_{low.value}_{high.value}"


class _Place:
    """Where the cases are: what the region, tier and organisation filters pick."""

    organization_id: Mapped[int] = mapped_column(Integer)  # a case's: no key (above)
    tier: Mapped[Tier] = mapped_column(enum_column(Tier, "figure_tier"))


class _Detail:
    """What else a figure can be filtered by."""

    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "figure_channel"))
    # One bit per category and per priority group (see stats.figures): a case with two
    # categories is one case, found by either.
    category_mask: Mapped[int] = mapped_column(Integer)
    priority_mask: Mapped[int] = mapped_column(Integer)


class _Measures:
    """What cases count towards; in ``case_figures`` one case's share, in rollups the sum."""

    accepted: Mapped[int] = mapped_column(Integer)
    declined: Mapped[int] = mapped_column(Integer)
    closed: Mapped[int] = mapped_column(Integer)
    resolved: Mapped[int] = mapped_column(Integer)
    unresolved: Mapped[int] = mapped_column(Integer)
    withdrawn: Mapped[int] = mapped_column(Integer)
    unresolved_wage_arrears: Mapped[int] = mapped_column(Integer)  # for the employer risk
    mediated_closed: Mapped[int] = mapped_column(Integer)
    resolved_first_tier: Mapped[int] = mapped_column(Integer)
    workers_involved: Mapped[int] = mapped_column(Integer)
    collective: Mapped[int] = mapped_column(Integer)
    priority_cases: Mapped[int] = mapped_column(Integer)
    referrals: Mapped[int] = mapped_column(Integer)
    first_contact_on_time: Mapped[int] = mapped_column(Integer)
    placements: Mapped[int] = mapped_column(Integer)
    ratings: Mapped[int] = mapped_column(Integer)
    rating_points: Mapped[int] = mapped_column(Integer)
    ratings_satisfied: Mapped[int] = mapped_column(Integer)
    transfers_enterprise_union: Mapped[int] = mapped_column(Integer)
    transfers_enterprise_hr_bureau: Mapped[int] = mapped_column(Integer)
    transfers_enterprise_court: Mapped[int] = mapped_column(Integer)
    transfers_union_hr_bureau: Mapped[int] = mapped_column(Integer)
    transfers_union_court: Mapped[int] = mapped_column(Integer)
    transfers_hr_bureau_court: Mapped[int] = mapped_column(Integer)
    # Whole fen (0.01 yuan): integer sums stay exact on every database, SQLite included,
    # which would add NUMERIC columns as floating point.
    amount_claimed_fen: Mapped[int] = mapped_column(BigInteger)
    amount_agreed_fen: Mapped[int] = mapped_column(BigInteger)
    # Added later (migration 0024): existing rows start at 0, which is what they count.
    legal_aid_requests: Mapped[int] = mapped_column(Integer, server_default="0")
    handed_to_arbitration: Mapped[int] = mapped_column(Integer, server_default="0")
    # Whether settled agreements were paid (履行), added by migration 0032: the settled
    # agreements with money to pay by a due date, those of them the newest payment report says
    # were paid in full, and what the newest reports say was paid.
    agreements_dated: Mapped[int] = mapped_column(Integer, server_default="0")
    agreements_paid_in_full: Mapped[int] = mapped_column(Integer, server_default="0")
    amount_paid_fen: Mapped[int] = mapped_column(BigInteger, server_default="0")


PLACE_COLUMNS = ("organization_id", "tier")
DETAIL_COLUMNS = ("channel", "category_mask", "priority_mask")
KEY_COLUMNS = (*PLACE_COLUMNS, *DETAIL_COLUMNS)
MEASURES = tuple(name for name in _Measures.__annotations__)
assert {transfer_column(*path) for path in TRANSFER_PATHS} <= set(MEASURES)


class CaseFigures(_Place, _Detail, _Measures, db.Model):
    """One case's contribution to the figures, as last counted."""

    __tablename__ = "case_figures"
    KEY = KEY_COLUMNS

    # No ON DELETE CASCADE: cases are never deleted, and if one were, its share of the
    # rollups must be taken out first, which needs this row.
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    received_on: Mapped[date] = mapped_column(Date)  # the Shanghai day
    employer_id: Mapped[int] = mapped_column(Integer)
    days_to_close: Mapped[int | None] = mapped_column(Integer)
    days_to_placement: Mapped[int | None] = mapped_column(Integer)
    # The dates of ``Dated``: the legal deadline of an open case (acceptance, then
    # mediation), the due date of a dated agreement (``agreements_dated``), and the same of
    # one paid in full. What counts as overdue or due depends on today: ``figure_dates``
    # counts the cases per date by place; filtered by a detail, and for the drill-down
    # lists, they are read from these columns' indexes.
    open_deadline: Mapped[date | None] = mapped_column(Date)
    agreement_due_on: Mapped[date | None] = mapped_column(Date)
    paid_in_full_due_on: Mapped[date | None] = mapped_column(Date)  # migration 0043

    __table_args__ = (
        # Drill-down lists read the newest cases first.
        db.Index("ix_case_figures_received_on", "received_on"),
        # The open cases past their deadline, listed (a figure's drill-down), counted per
        # organisation (the network page) or for a dashboard filtered by a detail: only open
        # cases have one (35,000 of a million), and on PostgreSQL the index holds what those
        # filter on, so it reads no table row.
        db.Index(
            "ix_case_figures_open_deadline",
            "open_deadline",
            postgresql_include=["received_on", "organization_id", "tier", *DETAIL_COLUMNS],
            postgresql_where=text("open_deadline IS NOT NULL"),
            sqlite_where=text("open_deadline IS NOT NULL"),
        ),
        # A dashboard filtered by a detail counts its agreements not yet due from here
        # (stats.compute, without a dated rollup at that level): a month's settlements, some
        # 30,000 rows at a province's scale. On PostgreSQL the index holds what that count
        # filters on and sums, so it reads no table row.
        db.Index(
            "ix_case_figures_agreement_due_on",
            "agreement_due_on",
            postgresql_include=[
                "received_on",
                "organization_id",
                "tier",
                *DETAIL_COLUMNS,
                "agreements_paid_in_full",
            ],
            postgresql_where=text("agreement_due_on IS NOT NULL"),
            sqlite_where=text("agreement_due_on IS NOT NULL"),
        ),
        # The same count for a month: the cases received in it that have an agreement, from
        # the first column. Led by the due date, the index above reads every agreement not
        # yet due to keep a month's (32,000 entries for 117 at a million cases); the table's
        # index by day read the month's 18,000 rows. The planner takes whichever is smaller.
        db.Index(
            "ix_case_figures_received_agreements",
            "received_on",
            "agreement_due_on",
            postgresql_include=[
                "organization_id",
                "tier",
                *DETAIL_COLUMNS,
                "agreements_paid_in_full",
            ],
            postgresql_where=text("agreement_due_on IS NOT NULL"),
            sqlite_where=text("agreement_due_on IS NOT NULL"),
        ),
    )


class _Period:
    grain: Mapped[Grain] = mapped_column(enum_column(Grain, "figure_grain"))
    period_start: Mapped[date] = mapped_column(Date)


def _rollup_table_args(key: tuple[str, ...]) -> tuple:
    return (
        PrimaryKeyConstraint("grain", "organization_id", "period_start", *key[1:]),
        CheckConstraint("received >= 0", name="received_not_negative"),
    )


def _distribution_table_args(key: tuple[str, ...]) -> tuple:
    return (
        PrimaryKeyConstraint(
            "grain", "organization_id", "period_start", *key[1:], "measure", "days"
        ),
        CheckConstraint("cases >= 0", name="cases_not_negative"),
    )


class _Counts:
    measure: Mapped[Distribution] = mapped_column(enum_column(Distribution, "figure_measure"))
    days: Mapped[int] = mapped_column(Integer)
    cases: Mapped[int] = mapped_column(Integer)


class FigureRollup(_Period, _Place, _Measures, db.Model):
    """The sum of the cases received in one period (a day, month or year) at one place."""

    __tablename__ = "figure_rollups"
    KEY = PLACE_COLUMNS
    received: Mapped[int] = mapped_column(Integer)
    __table_args__ = _rollup_table_args(KEY)


class DetailedFigureRollup(_Period, _Place, _Detail, _Measures, db.Model):
    """The same sums, also per channel, categories and priority groups."""

    __tablename__ = "figure_rollups_detailed"
    KEY = KEY_COLUMNS
    received: Mapped[int] = mapped_column(Integer)
    __table_args__ = _rollup_table_args(KEY)


class FigureDistribution(_Period, _Place, _Counts, db.Model):
    """How many cases received in one period at one place took ``days`` days."""

    __tablename__ = "figure_distributions"
    KEY = PLACE_COLUMNS
    __table_args__ = _distribution_table_args(KEY)


class DetailedFigureDistribution(_Period, _Place, _Detail, _Counts, db.Model):
    __tablename__ = "figure_distributions_detailed"
    KEY = KEY_COLUMNS
    __table_args__ = _distribution_table_args(KEY)


class FigureDates(_Period, _Place, db.Model):
    """How many cases received in one period at one place have their date of ``measure``
    on ``falls_on``: what is overdue or not yet due on any day, without reading the cases.

    By place only: under the detailed key nearly every case is a row of its own (1.3 million
    rows for a million cases, a quarter of a rebuild's time). A dashboard filtered by a
    detail counts them from ``case_figures``' indexes instead, at a cost that grows with the
    cases a month."""

    __tablename__ = "figure_dates"
    KEY = PLACE_COLUMNS
    measure: Mapped[Dated] = mapped_column(enum_column(Dated, "figure_dated"))
    falls_on: Mapped[date] = mapped_column(Date)
    cases: Mapped[int] = mapped_column(Integer)
    __table_args__ = (
        PrimaryKeyConstraint(
            "grain", "organization_id", "period_start", "tier", "measure", "falls_on"
        ),
        CheckConstraint("cases >= 0", name="cases_not_negative"),
        # As of today: one measure's month rows on one side of today, whatever their month
        # (a few hundred, the dates still to come, of tens of thousands). On PostgreSQL the
        # index holds all the count reads, so it reads no table row. (Day rows, read only for
        # the days at a period's ends, are found by the primary key.)
        db.Index(
            "ix_figure_dates_measure_grain_falls_on",
            "measure",
            "grain",
            "falls_on",
            postgresql_include=["period_start", *KEY, "cases"],
        ),
    )


class EmployerFigureRollup(_Period, _Place, _Measures, db.Model):
    """The cases against one employer received in a month at one place: what the employer
    risk classes are read from. Months only: the risk window is whole months."""

    __tablename__ = "figure_rollups_by_employer"
    KEY = (*PLACE_COLUMNS, "employer_id")
    employer_id: Mapped[int] = mapped_column(Integer)
    received: Mapped[int] = mapped_column(Integer)
    __table_args__ = _rollup_table_args(KEY)


@dataclass(frozen=True)
class Level:
    """A rollup, the distribution and the dates counted under the same key (if any), and its
    periods."""

    rollup: type
    distribution: type | None
    grains: tuple[Grain, ...] = (Grain.day, Grain.month, Grain.year)
    dates: type | None = None

    @property
    def key(self) -> tuple[str, ...]:
        return self.rollup.KEY


# The dates are counted by day and month only: a page reads only those on the right side of
# today, a few hundred month rows for a year whatever the history, and year rows read no
# fewer (the year's dates of both sides share one key range: at a million cases, 1.3 to 3
# ms against 1.7 to 2.2 from the months).
DATE_GRAINS = (Grain.day, Grain.month)

BY_PLACE = Level(FigureRollup, FigureDistribution, dates=FigureDates)
DETAILED = Level(DetailedFigureRollup, DetailedFigureDistribution)
BY_EMPLOYER = Level(EmployerFigureRollup, None, grains=(Grain.month,))
LEVELS = (BY_PLACE, DETAILED, BY_EMPLOYER)
