"""Supervisor figures, each defined once here with the formula the page prints beside it.

The cohort is the cases *received* in the period (and matching the filters) inside the
user's jurisdiction; every figure counts among them, so figures add up and a period's
numbers do not change when later periods are looked at.

``compute`` reads the rollups that ``stats.figures`` keeps; ``recompute`` sums the very
same per-case measures straight over the cases. Both hand their sums to ``_assemble``, so
the two can differ only if the rollups are wrong, which is what ``flask figures verify`` and
the tests check.
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cache, lru_cache

from flask import g
from sqlalchemy import (
    ColumnElement,
    Result,
    Select,
    and_,
    case,
    exists,
    func,
    literal_column,
    or_,
    select,
)

from mediation import policy
from mediation.extensions import columns_of, db
from mediation.localtime import local_date, local_today
from mediation.models import (
    Agreement,
    Case,
    CaseCategory,
    CaseFigures,
    Dated,
    Distribution,
    Employer,
    Grain,
    Organization,
    Payment,
    PaymentReport,
    User,
)
from mediation.models.figures import (
    BY_PLACE,
    DATE_GRAINS,
    DETAILED,
    MEASURES,
    TRANSFER_PATHS,
    Level,
    transfer_column,
)
from mediation.models.places import region_subtree
from mediation.stats.figures import CATEGORY_BITS, PRIORITY_BITS, counted_cases, is_built
from mediation.stats.filters import Filters, places_in_view
from mediation.translation import lazy_gettext as _l
from workflows.case import Outcome, Tier

SUMS = ("received", *MEASURES)
OUTCOMES = ("resolved", "unresolved", "withdrawn", "declined")
TENTH, CENT = Decimal("0.1"), Decimal("0.01")


@dataclass
class Figures:
    received: int = 0
    accepted: int = 0
    declined: int = 0
    closed: int = 0
    resolved: int = 0
    unresolved: int = 0
    withdrawn: int = 0
    mediated_and_closed: int = 0
    resolved_first_tier: int = 0
    success_rate: Decimal | None = None
    first_tier_success_rate: Decimal | None = None
    median_days_to_close: Decimal | None = None
    mean_days_to_close: Decimal | None = None
    overdue: int = 0
    workers_involved: int = 0
    collective: int = 0
    priority_cases: int = 0
    amount_claimed: Decimal = Decimal("0.00")
    amount_agreed: Decimal = Decimal("0.00")
    amount_paid: Decimal = Decimal("0.00")
    agreements_due: int = 0
    agreements_paid_in_full: int = 0
    performance_rate: Decimal | None = None
    referrals: int = 0
    first_contact_on_time: int = 0
    placements: int = 0
    placement_rate: Decimal | None = None
    median_days_to_placement: Decimal | None = None
    ratings: int = 0
    satisfaction_mean: Decimal | None = None
    satisfaction_rate: Decimal | None = None
    legal_aid_requests: int = 0
    handed_to_arbitration: int = 0
    transfers: dict[str, int] = field(default_factory=dict)
    # For the charts: outcomes per tier, and how many closed cases took how many days.
    outcomes_by_tier: dict[str, dict[str, int]] = field(default_factory=dict)
    days_to_close: dict[int, int] = field(default_factory=dict)


def _rate(part: int, whole: int) -> Decimal | None:
    return None if whole == 0 else (Decimal(part) * 100 / whole).quantize(TENTH)


def _median(histogram: dict[int, int]) -> Decimal | None:
    """The exact median of values given as value → how many times it occurs."""
    total = sum(histogram.values())
    if total == 0:
        return None
    middle = {(total - 1) // 2, total // 2}  # one position when odd, two when even
    values, seen = [], 0
    for value in sorted(histogram):
        for position in sorted(middle):
            if seen <= position < seen + histogram[value]:
                values.append(value)
        seen += histogram[value]
    return (Decimal(sum(values)) / len(values)).quantize(TENTH)


def _mean(histogram: dict[int, int]) -> Decimal | None:
    total = sum(histogram.values())
    if total == 0:
        return None
    return (Decimal(sum(days * n for days, n in histogram.items())) / total).quantize(TENTH)


def _yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(CENT)


def _assemble(
    by_tier: dict[Tier, dict[str, int]],
    histograms: dict[Distribution, dict[int, int]],
    *,
    overdue: int,
    not_yet_due: int = 0,
    not_yet_due_paid_in_full: int = 0,
) -> Figures:
    total = Counter()
    for sums in by_tier.values():
        total.update({name: sums[name] or 0 for name in SUMS})
    close = histograms[Distribution.days_to_close]
    placement = histograms[Distribution.days_to_placement]
    due = total["agreements_dated"] - not_yet_due
    paid_in_full = total["agreements_paid_in_full"] - not_yet_due_paid_in_full
    return Figures(
        received=total["received"],
        accepted=total["accepted"],
        declined=total["declined"],
        closed=total["closed"],
        resolved=total["resolved"],
        unresolved=total["unresolved"],
        withdrawn=total["withdrawn"],
        mediated_and_closed=total["mediated_closed"],
        resolved_first_tier=total["resolved_first_tier"],
        success_rate=_rate(total["resolved"], total["mediated_closed"]),
        first_tier_success_rate=_rate(total["resolved_first_tier"], total["resolved"]),
        median_days_to_close=_median(close),
        mean_days_to_close=_mean(close),
        overdue=overdue,
        workers_involved=total["workers_involved"],
        collective=total["collective"],
        priority_cases=total["priority_cases"],
        amount_claimed=_yuan(total["amount_claimed_fen"]),
        amount_agreed=_yuan(total["amount_agreed_fen"]),
        amount_paid=_yuan(total["amount_paid_fen"]),
        agreements_due=due,
        agreements_paid_in_full=paid_in_full,
        performance_rate=_rate(paid_in_full, due),
        referrals=total["referrals"],
        first_contact_on_time=total["first_contact_on_time"],
        placements=total["placements"],
        placement_rate=_rate(total["placements"], total["referrals"]),
        median_days_to_placement=_median(placement),
        ratings=total["ratings"],
        satisfaction_mean=(
            (Decimal(total["rating_points"]) / total["ratings"]).quantize(CENT)
            if total["ratings"]
            else None
        ),
        satisfaction_rate=_rate(total["ratings_satisfied"], total["ratings"]),
        legal_aid_requests=total["legal_aid_requests"],
        handed_to_arbitration=total["handed_to_arbitration"],
        transfers={
            f"{low.value}>{high.value}": total[transfer_column(low, high)]
            for low, high in TRANSFER_PATHS
            if total[transfer_column(low, high)]
        },
        outcomes_by_tier={
            tier.value: {name: (by_tier.get(tier) or {}).get(name) or 0 for name in OUTCOMES}
            for tier in Tier
        },
        days_to_close=dict(sorted(close.items())),
    )


# --- Where the cohort's cases are, in the rollups -------------------------------------------


def organizations_counted(filters: Filters, user: User):
    """SELECT of the ids of the organisations whose cases the figures count."""
    query = policy.overseen_organizations(user)
    if filters.region_id is not None:
        query = query.where(Organization.region_id.in_(region_subtree(filters.region_id)))
    if filters.organization_id is not None:
        query = query.where(Organization.id == filters.organization_id)
    return query


def level_for(filters: Filters) -> Level:
    """The smallest rollups that can answer: detailed only when a detail is filtered."""
    return DETAILED if filters.detailed else BY_PLACE


def counted_organization_ids(filters: Filters, user: User) -> list[int]:
    """The ids of ``organizations_counted``, looked up once per request (the figures and the
    charts of a page each need them): as a list of values they become part of the rollup
    index's search (a subquery would be a join applied after scanning every organisation's
    rows)."""
    looked_up = g.setdefault("counted_organization_ids", {})
    key = (filters, user.id)
    if key not in looked_up:
        if filters.region_id is None and filters.organization_id is None:
            # Nothing narrows them: all the overseen ones, which the filter form lists too.
            looked_up[key] = [id_ for id_, _name in places_in_view(user).organizations]
        else:
            looked_up[key] = list(db.session.scalars(organizations_counted(filters, user)))
    return looked_up[key]


def key_conditions(model, filters: Filters, organization_ids: list[int]) -> list:
    """The filters other than the period, on a rollup (of ``level_for(filters)``) or on
    ``case_figures``."""
    conditions = [model.organization_id.in_(organization_ids)]
    if filters.tier is not None:
        conditions.append(model.tier == filters.tier)
    if filters.channel is not None:
        conditions.append(model.channel == filters.channel)
    if filters.category is not None:
        conditions.append(model.category_mask.op("&")(CATEGORY_BITS[filters.category]) != 0)
    if filters.priority is not None:
        conditions.append(model.priority_mask.op("&")(PRIORITY_BITS[filters.priority]) != 0)
    return conditions


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _previous_month(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


@dataclass(frozen=True)
class PeriodRows:
    """The rollup rows that add up to exactly the days of a period, and the sign each counts
    with: a month the period covers mostly is read as its month row less the day rows of the
    days outside, and a year it covers mostly as its year row less the month rows of the
    months outside (all the sums are counts, so this is exact); either reads fewer rows than
    what is inside. "The last 365 days" from 4 December reads December's month row less three
    days, and the following year's row, instead of 28 days of rows and eleven months: at a
    million cases, 1,950 rows of the distributions instead of 9,700.

    A query selects and groups by ``signs`` besides its own keys and adds up each group
    times its sign (``signed``): as a key, PostgreSQL works the sign out once a row, where a sign
    inside each of forty sums cost as much as the rows it saved."""

    terms: tuple[ColumnElement[bool], ...]  # each a grain and a range of periods
    taken_out: ColumnElement[bool] | None = None  # rows subtracted from the coarser row

    @property
    def where(self) -> ColumnElement[bool]:
        return or_(*self.terms)

    @property
    def signs(self) -> tuple[ColumnElement[int], ...]:
        if self.taken_out is None:
            return ()
        # The signs written out: as parameters, those of the SELECT and of the GROUP BY
        # would differ, and PostgreSQL would not see that they are the same expression.
        sign = case((self.taken_out, literal_column("-1")), else_=literal_column("1"))
        return (sign.label("sign"),)

    def signed(self, result: Result, *names: str) -> Iterator[tuple]:
        """Each row of ``result`` as the sign it adds up with, then its columns ``names``
        (read by position: ``columns_of``)."""
        if self.taken_out is None:
            read = columns_of(result.keys(), *names)
            return ((1, *read(row)) for row in result)
        read = columns_of(result.keys(), "sign", *names)
        return (read(row) for row in result)


def period_rows(
    model, start: date, end: date, *, coarsest: Grain = Grain.year, today: date | None = None
) -> PeriodRows:
    """The rollup rows of the days ``start``–``end``, in periods no longer than ``coarsest``
    (a chart with a bar per month reads no year rows): a month at either end from the day
    rows of its days in the period or, when fewer of its days that have begun (by ``today``)
    lie outside the period than inside, from its month row less the day rows of the days
    outside; the months so read, year by year, from their month rows or, on the same rule,
    from the year's row less the month rows of its months outside (see ``PeriodRows``)."""

    def rows(grain: Grain, first: date, last: date):
        return and_(model.grain == grain, model.period_start.between(first, last))

    if coarsest is Grain.day:
        return PeriodRows((rows(Grain.day, start, end),))
    first_month, last_month = start.replace(day=1), end.replace(day=1)
    today = today or local_today()
    added, taken_out = [], []
    months = [first_month, last_month]  # the first and last month read as month rows
    for month in dict.fromkeys((first_month, last_month)):
        inside = (max(start, month), min(end, _next_month(month) - timedelta(days=1)))
        outside = [
            (first, last)
            for first, last in (
                (month, start - timedelta(days=1)),
                (end + timedelta(days=1), _next_month(month) - timedelta(days=1)),
            )
            if first <= last
        ]
        if outside and _days_begun(outside, today) >= _days_begun([inside], today):
            added.append(rows(Grain.day, *inside))
            if month == first_month:
                months[0] = _next_month(month)
            if month == last_month:
                months[1] = _previous_month(month)
            continue
        # Days still to come hold no rows; subtracting them anyway keeps the sum exact
        # whatever the table holds.
        taken_out.extend(rows(Grain.day, first, last) for first, last in outside)
    first_month, last_month = months
    if coarsest is Grain.month:
        if first_month <= last_month:
            added.append(rows(Grain.month, first_month, last_month))
        return PeriodRows((*added, *taken_out), or_(*taken_out) if taken_out else None)
    for year in range(first_month.year, last_month.year + 1):
        inside = (max(first_month, date(year, 1, 1)), min(last_month, date(year, 12, 1)))
        if inside[0] > inside[1]:
            continue
        outside = [
            (first, last)
            for first, last in (
                (date(year, 1, 1), _previous_month(inside[0])),
                (_next_month(inside[1]), date(year, 12, 1)),
            )
            if first <= last
        ]
        if _months_begun(outside, today) < _months_begun([inside], today):
            added.append(rows(Grain.year, date(year, 1, 1), date(year, 1, 1)))
            taken_out.extend(rows(Grain.month, first, last) for first, last in outside)
        else:
            added.append(rows(Grain.month, *inside))
    return PeriodRows((*added, *taken_out), or_(*taken_out) if taken_out else None)


def _days_begun(ranges: list[tuple[date, date]], today: date) -> int:
    """How many days of these ranges have begun: the days whose rows there are to read."""
    return sum(max(0, (min(last, today) - first).days + 1) for first, last in ranges)


def _months_begun(ranges: list[tuple[date, date]], today: date) -> int:
    """How many months of these ranges (of first days of months) have begun."""
    return sum(
        max(0, _month_number(min(last, today.replace(day=1))) - _month_number(first) + 1)
        for first, last in ranges
    )


def _month_number(month: date) -> int:
    return month.year * 12 + month.month - 1


@cache
def _sums(model) -> tuple:
    """The sum of every measure of a rollup, as SELECT columns: the same for every request
    (forty columns are worth building once)."""
    return tuple(func.sum(getattr(model, name)).label(name) for name in SUMS)


# A dashboard's statements, built once for each set of filters asked for: building them and
# their cache keys took about 2 ms of the dashboard's 11 ms of CPU, and a supervisor asks for
# the same page again and again. A statement built once keeps its cache key; only the rows are
# read again. The day is part of the key (the period's rows and "as of today" depend on it).
STATEMENTS_KEPT = 256


@lru_cache(maxsize=STATEMENTS_KEPT)
def _sums_statement(
    level: Level, filters: Filters, organizations: tuple[int, ...], today: date
) -> tuple[Select, PeriodRows]:
    rollup = level.rollup
    over = period_rows(rollup, filters.start, filters.end, today=today)
    statement = (
        select(rollup.tier, *over.signs, *_sums(rollup))
        .where(over.where, *key_conditions(rollup, filters, organizations))
        .group_by(rollup.tier, *over.signs)
    )
    return statement, over


@lru_cache(maxsize=STATEMENTS_KEPT)
def _distribution_statement(
    level: Level, filters: Filters, organizations: tuple[int, ...], today: date
) -> tuple[Select, PeriodRows]:
    distribution = level.distribution
    over = period_rows(distribution, filters.start, filters.end, today=today)
    statement = (
        select(
            distribution.measure,
            distribution.days,
            *over.signs,
            func.sum(distribution.cases).label("cases"),
        )
        .where(over.where, *key_conditions(distribution, filters, organizations))
        .group_by(distribution.measure, distribution.days, *over.signs)
    )
    return statement, over


def compute_if_counted(filters: Filters, user: User) -> Figures | None:
    """The figures, or None while the cases have not been counted into the rollups
    (``stats.figures.is_built``). Rollups that counted a case were built: the question costs
    a statement only when the period counts none."""
    figures = compute(filters, user)
    if figures.received == 0 and not is_built():
        return None
    return figures


def compute(filters: Filters, user: User) -> Figures:
    """The figures, from the rollups."""
    level, today = level_for(filters), local_today()
    organizations = tuple(counted_organization_ids(filters, user))
    by_tier: dict[Tier, Counter] = {}
    statement, sums_over = _sums_statement(level, filters, organizations, today)
    for sign, tier, *values in sums_over.signed(db.session.execute(statement), "tier", *SUMS):
        sums = by_tier.setdefault(tier, Counter())
        for name, value in zip(SUMS, values, strict=True):
            sums[name] += sign * (value or 0)
    counted = {measure: Counter() for measure in Distribution}
    statement, counts_over = _distribution_statement(level, filters, organizations, today)
    found = db.session.execute(statement)
    for sign, measure, days, cases in counts_over.signed(found, "measure", "days", "cases"):
        counted[measure][days] += sign * cases
    # A month's cases less those of the days outside may leave none of some length.
    histograms = {
        measure: {days: cases for days, cases in counts.items() if cases}
        for measure, counts in counted.items()
    }
    as_of_today = _as_of_today(level, filters, organizations, today)
    return _assemble(
        by_tier,
        histograms,
        overdue=as_of_today[Dated.open_deadline],
        not_yet_due=as_of_today[Dated.agreement_due_on],
        not_yet_due_paid_in_full=as_of_today[Dated.paid_in_full_due_on],
    )


def _counts_today(measure: Dated, falls_on, today: date) -> ColumnElement[bool]:
    """Whether a case's date counts as of today: a deadline once it has passed (the case is
    overdue), a due date until it comes (the agreement is not yet due, and is taken out of
    those the rollups count as dated)."""
    return falls_on < today if measure is Dated.open_deadline else falls_on >= today


def _as_of_today(
    level: Level, filters: Filters, organizations: tuple[int, ...], today: date
) -> Counter:
    """How many of the cohort's cases count today, per ``Dated`` measure."""
    counted = Counter()
    if level.dates is not None:
        statement, over = _dates_statement(level, filters, organizations, today)
        for sign, measure, cases in over.signed(db.session.execute(statement), "measure", "cases"):
            counted[measure] += sign * cases
        return counted
    overdue, not_yet_due = _case_dates_statements(filters, organizations, today)
    counted[Dated.open_deadline] = db.session.scalar(overdue)
    due, paid = db.session.execute(not_yet_due).one()
    counted[Dated.agreement_due_on], counted[Dated.paid_in_full_due_on] = due, paid
    return counted


@lru_cache(maxsize=STATEMENTS_KEPT)
def _dates_statement(
    level: Level, filters: Filters, organizations: tuple[int, ...], today: date
) -> tuple[Select, PeriodRows]:
    """From the cohort's counts per date: only the dates on the right side of today are
    read, a few hundred rows for a year however many cases there are a month."""
    dates = level.dates
    over = period_rows(dates, filters.start, filters.end, coarsest=DATE_GRAINS[-1], today=today)
    # Each period's rows of each measure on its side of today, as a branch of its own: the
    # month rows found by measure, grain and date (the few still to come), the day rows at the
    # period's ends by their days. As one condition on the periods and one on the dates, the
    # planner read every day row still to come (22,000 at a million cases) to keep a handful.
    counts_today = or_(
        *(
            and_(
                term,
                dates.measure == measure,
                _counts_today(measure, dates.falls_on, today),
            )
            for term in over.terms
            for measure in Dated
        )
    )
    statement = (
        select(dates.measure, *over.signs, func.sum(dates.cases).label("cases"))
        .where(counts_today, *key_conditions(dates, filters, organizations))
        .group_by(dates.measure, *over.signs)
    )
    return statement, over


@lru_cache(maxsize=STATEMENTS_KEPT)
def _case_dates_statements(
    filters: Filters, organizations: tuple[int, ...], today: date
) -> tuple[Select, Select]:
    """From the cohort's rows of ``case_figures`` (filtered by a detail, where there are no
    counts per date), each from its date's index: asked as one (an OR of the two), the
    planner walked the period's rows instead (45 ms for a month at a million cases, 8 ms
    apart, the agreements' count from its covering index alone)."""
    cohort = (
        CaseFigures.received_on.between(filters.start, filters.end),
        *key_conditions(CaseFigures, filters, organizations),
    )
    overdue = select(func.count()).where(
        _counts_today(Dated.open_deadline, CaseFigures.open_deadline, today), *cohort
    )
    # Those paid in full are among the agreements by the same due date: one read of its index.
    not_yet_due = select(
        func.count(), func.coalesce(func.sum(CaseFigures.agreements_paid_in_full), 0)
    ).where(_counts_today(Dated.agreement_due_on, CaseFigures.agreement_due_on, today), *cohort)
    return overdue, not_yet_due


# --- Whether agreements were paid (履行), straight from the agreements -----------------------
# What the rollups' agreement measures replace, for the recount: one query over the cohort's
# agreements (by their unique case_id) and the newest report of each.


def performance(case_ids) -> tuple[Decimal, int, int]:
    """Among the settled agreements of ``case_ids`` (a SELECT of case ids): the amount paid
    as the newest report of each says, how many fell due (a due date before today, something
    to pay) and how many of those were paid in full."""
    newest = (
        select(PaymentReport.case_id, func.max(PaymentReport.id).label("report_id"))
        .where(PaymentReport.case_id.in_(case_ids))
        .group_by(PaymentReport.case_id)
        .subquery()
    )
    due = and_(Agreement.amount > 0, Agreement.due_date < local_today())
    paid_in_full = and_(due, PaymentReport.payment == Payment.paid)
    row = db.session.execute(
        select(
            func.coalesce(func.sum(PaymentReport.amount_paid), 0),
            func.coalesce(func.sum(case((due, 1), else_=0)), 0),
            func.coalesce(func.sum(case((paid_in_full, 1), else_=0)), 0),
        )
        .select_from(Agreement)
        .join(Case, Case.id == Agreement.case_id)
        .outerjoin(newest, newest.c.case_id == Agreement.case_id)
        .outerjoin(PaymentReport, PaymentReport.id == newest.c.report_id)
        .where(Agreement.case_id.in_(case_ids), Case.outcome == Outcome.resolved)
    ).one()
    return Decimal(row[0]).quantize(CENT), int(row[1]), int(row[2])


def _with_performance(figures: Figures, case_ids) -> Figures:
    paid, due, in_full = performance(case_ids)
    figures.amount_paid, figures.agreements_due, figures.agreements_paid_in_full = (
        paid,
        due,
        in_full,
    )
    figures.performance_rate = _rate(in_full, due)
    return figures


# --- The same figures straight from the cases, to check the rollups -------------------------


def cohort_conditions(filters: Filters, user: User) -> list[ColumnElement[bool]]:
    """The filters on the cases themselves, as a case's own columns and rows express them."""
    received_on = local_date(Case.received_at)
    conditions = [
        policy.overseen_cases(user),
        received_on.between(filters.start, filters.end),
        Case.organization_id.in_(organizations_counted(filters, user)),
    ]
    if filters.tier is not None:
        conditions.append(Case.tier == filters.tier)
    if filters.channel is not None:
        conditions.append(Case.channel == filters.channel)
    if filters.category is not None:
        conditions.append(
            exists().where(
                CaseCategory.case_id == Case.id, CaseCategory.category == filters.category
            )
        )
    if filters.priority is not None:
        conditions.append(getattr(Case, filters.priority.value).is_(True))
    return conditions


def recompute(filters: Filters, user: User) -> Figures:
    """The figures summed over the raw cases, without the rollups (slow; for checking)."""
    per_case = counted_cases(select(Case.id).where(*cohort_conditions(filters, user))).subquery()
    by_tier = {
        row.tier: row._asdict()
        for row in db.session.execute(
            select(
                per_case.c.tier,
                func.count().label("received"),
                *(func.sum(per_case.c[name]).label(name) for name in MEASURES),
            ).group_by(per_case.c.tier)
        )
    }
    histograms = {}
    for distribution in Distribution:
        days = per_case.c[distribution.value]
        histograms[distribution] = dict(
            db.session.execute(
                select(days, func.count()).where(days.is_not(None)).group_by(days)
            ).all()
        )
    overdue = db.session.scalar(
        select(func.count()).where(per_case.c.open_deadline < local_today())
    )
    counted = select(Case.id).where(*cohort_conditions(filters, user))
    return _with_performance(_assemble(by_tier, histograms, overdue=overdue), counted)


# --- The cases behind a figure -------------------------------------------------------------

# The figures that count cases. Each lists the cases whose case_figures row counts towards
# it (its measure above 0); "received" is every case of the cohort, "overdue" depends on today.
DRILL_DOWN = (
    "received",
    "accepted",
    "declined",
    "closed",
    "resolved",
    "unresolved",
    "withdrawn",
    "resolved_first_tier",
    "collective",
    "priority_cases",
    "referrals",
    "placements",
    "ratings",
    "legal_aid_requests",
    "handed_to_arbitration",
    "overdue",
)
DRILL_DOWN_PAGE = 50


def cases_behind(figure: str, filters: Filters, user: User, *, page: int, per_page: int) -> list:
    """One page of the cases a figure counts, newest first (a row per case)."""
    conditions = [
        CaseFigures.received_on.between(filters.start, filters.end),
        *key_conditions(CaseFigures, filters, counted_organization_ids(filters, user)),
    ]
    if figure == "overdue":
        conditions.append(CaseFigures.open_deadline < local_today())
    elif figure != "received":
        conditions.append(getattr(CaseFigures, figure) > 0)
    return db.session.execute(
        select(
            Case.id,
            Case.number,
            CaseFigures.received_on,
            Case.state,
            Case.outcome,
            Case.tier,
            Case.applicant_name,
            Case.applicant_phone,
            Organization.name.label("organization"),
            Employer.name.label("employer"),
        )
        .join(Case, Case.id == CaseFigures.case_id)
        .join(Organization, Organization.id == Case.organization_id)
        .join(Employer, Employer.id == Case.employer_id)
        .where(*conditions)
        .order_by(CaseFigures.received_on.desc(), CaseFigures.case_id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()


def as_json(figures: Figures) -> dict:
    def plain(value):
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, dict):
            return {str(key): plain(item) for key, item in value.items()}
        return value

    return {name: plain(value) for name, value in vars(figures).items()}


# What each figure means, as the dashboard and the exports print it.
DEFINITIONS = (
    ("received", _l("Cases received"), _l("Applications received in the period")),
    ("accepted", _l("Accepted"), _l("Received cases that an organisation accepted")),
    ("declined", _l("Not accepted"), _l("Received cases closed as not accepted")),
    ("closed", _l("Closed"), _l("Received cases now closed or archived")),
    ("resolved", _l("Resolved by agreement"), _l("Closed with a signed agreement")),
    ("unresolved", _l("Mediation failed"), _l("Closed without agreement")),
    ("withdrawn", _l("Withdrawn"), _l("Withdrawn by the applicant")),
    (
        "success_rate",
        _l("Mediation success rate (%)"),
        _l("Resolved ÷ cases closed after mediation started"),
    ),
    (
        "first_tier_success_rate",
        _l("Resolved without transfer (%)"),
        _l("Resolved cases never transferred ÷ resolved cases"),
    ),
    (
        "median_days_to_close",
        _l("Median days to close"),
        _l("Median of calendar days from application to closure, closed cases"),
    ),
    (
        "mean_days_to_close",
        _l("Mean days to close"),
        _l("Mean of calendar days from application to closure"),
    ),
    ("overdue", _l("Overdue now"), _l("Open cases past their current legal deadline")),
    ("workers_involved", _l("Workers involved"), _l("Sum of workers sharing each claim")),
    ("collective", _l("Collective disputes"), _l("Cases with ten or more workers")),
    (
        "priority_cases",
        _l("Priority-group cases"),
        _l("Migrant, injured, pregnant or nursing workers"),
    ),
    ("amount_claimed", _l("Amount claimed (yuan)"), _l("Sum of all claims")),
    ("amount_agreed", _l("Amount agreed (yuan)"), _l("Sum of agreements of resolved cases")),
    (
        "amount_paid",
        _l("Amount paid (yuan)"),
        _l("Sum paid on agreements of resolved cases, as the newest payment report says"),
    ),
    (
        "agreements_due",
        _l("Agreements due"),
        _l("Agreements of resolved cases with an amount to pay whose due date has passed"),
    ),
    (
        "agreements_paid_in_full",
        _l("Paid in full"),
        _l("Agreements due whose newest payment report says paid in full"),
    ),
    (
        "performance_rate",
        _l("Performance rate (%)"),
        _l("Agreements paid in full ÷ agreements due"),
    ),
    ("referrals", _l("Re-employment referrals"), _l("Workers referred after losing the job")),
    (
        "first_contact_on_time",
        _l("First contact on time"),
        _l("Referrals first contacted within 3 working days"),
    ),
    ("placements", _l("Placements"), _l("Referrals ending in a new job")),
    ("placement_rate", _l("Placement rate (%)"), _l("Placements ÷ referrals")),
    (
        "median_days_to_placement",
        _l("Median days to placement"),
        _l("Median of days from referral to the start of the new job"),
    ),
    ("ratings", _l("Ratings given"), _l("Parties who rated the service (1–5)")),
    ("satisfaction_mean", _l("Mean rating"), _l("Mean of the ratings")),
    ("satisfaction_rate", _l("Satisfaction rate (%)"), _l("Ratings of 4 or 5 ÷ ratings")),
    (
        "legal_aid_requests",
        _l("Legal-aid requests"),
        _l("Cases whose worker asked for legal aid through the platform"),
    ),
    (
        "handed_to_arbitration",
        _l("Handed to arbitration"),
        _l("Cases handed to the labour dispute arbitration commission"),
    ),
)
LABELS = {key: label for key, label, _formula in DEFINITIONS}
