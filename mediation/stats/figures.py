"""Keeping the figure rollups exact: each case's measures, and their sums per day and month.

What a case counts towards is defined once, here, as SQL over the cases and what each table
holds about them, grouped per case (``counted_cases``). The same definitions serve three
readers:

- ``refresh``, at the end of every transaction that touched a case: the case's measures are
  counted again and only the difference is added to the rollups;
- ``rebuild``, which recounts every case (after a bulk load, or to repair);
- ``stats.compute.recompute``, which sums them straight over the cases, so the rollups can be
  checked against the raw data (``flask figures verify`` and the tests).

Why a session hook rather than a call in each service: a figure depends on the case, its
claims, agreement and its payment reports, ratings, referral, legal-aid request and audit
events, written by a dozen services. Noting every flushed row of those kinds and recounting
before the commit keeps the rollups right whichever service wrote, in the same transaction as
the change itself.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    and_,
    bindparam,
    case,
    cast,
    delete,
    event,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session, aliased

from mediation.extensions import db, upsert_insert
from mediation.localtime import days_between, local_date, month_start, year_start
from mediation.models import (
    Agreement,
    AuditEvent,
    Case,
    CaseCategory,
    CaseFigures,
    Category,
    Claim,
    Dated,
    Distribution,
    Grain,
    LegalAidRequest,
    Organization,
    OrgKind,
    Payment,
    PaymentReport,
    PriorityGroup,
    Rating,
    Referral,
)
from mediation.models.cases import COLLECTIVE_DISPUTE_WORKERS
from mediation.models.figures import (
    DATE_GRAINS,
    KEY_COLUMNS,
    LEVELS,
    MEASURES,
    TRANSFER_PATHS,
    Level,
    transfer_column,
)
from workflows.case import CaseState, Outcome
from workflows.referral import ReferralState

# One bit per member, in declaration order: new members go at the end (or run a rebuild).
CATEGORY_BITS = {category: 1 << index for index, category in enumerate(Category)}
PRIORITY_BITS = {group: 1 << index for index, group in enumerate(PriorityGroup)}
CLOSED_STATES = (CaseState.closed, CaseState.archived)
SATISFIED_SCORE = 4  # a rating of 4 or 5 counts as satisfied

SNAPSHOT_COLUMNS = (
    "received_on",
    "employer_id",
    *KEY_COLUMNS,
    *MEASURES,
    *(distribution.value for distribution in Distribution),
    *(dated.value for dated in Dated),
)


@dataclass(frozen=True)
class Counted:
    """A table that counts a level's cases per value of some of their ``case_figures``
    columns (``measures``): per number of days (distributions) or per date (dates)."""

    table: type
    measures: type[StrEnum]
    value: str  # the table's column holding the case's value
    grains: tuple[Grain, ...]


@cache  # asked for every row of every commit's recount: the same few objects each time
def _counted_tables(level: Level) -> tuple[Counted, ...]:
    counted = [
        Counted(level.distribution, Distribution, "days", level.grains),
        Counted(level.dates, Dated, "falls_on", DATE_GRAINS),
    ]
    return tuple(each for each in counted if each.table is not None)


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


def _fen(yuan) -> ColumnElement[int]:
    return cast(func.round(func.coalesce(yuan, 0) * 100), BigInteger)


def _none_as_zero(column) -> ColumnElement[int]:
    """A per-case count or sum from a part the case may not have (an outer join)."""
    return func.coalesce(column, 0)


# The audit events a figure reads; the rest (most of the table) is never grouped.
_COUNTED_ACTIONS = {
    "accepted": "case.accept",
    "mediated": "case.mediate",
    "escalated": "case.escalate",
    "handed_to_arbitration": "case.handed_to_arbitration",
}


def _grouped(ids, part, *columns, join=None):
    """One row per case of ``part``'s aggregates, for the cases ``ids`` (every case: None).

    Grouped once per table and joined to the cases, rather than a subquery per case and
    measure: PostgreSQL then hashes each table once (in parallel where it likes) instead of
    running thirty index lookups a case, which is what makes a rebuild of millions of cases
    take seconds a table. For a handful of cases it is the same index lookups as before.
    """
    query = select(part.case_id.label("case_id"), *columns).group_by(part.case_id)
    if join is not None:
        query = query.outerjoin(*join)
    if ids is not None:
        query = query.where(part.case_id.in_(ids))
    return query


def _case_parts(ids):
    """What each table holds about a case, one row per case (or none: outer joins)."""
    sender = aliased(Organization)
    escalated = AuditEvent.action == _COUNTED_ACTIONS["escalated"]
    events = _grouped(
        ids,
        AuditEvent,
        *(
            func.max(_flag(AuditEvent.action == action)).label(name)
            for name, action in _COUNTED_ACTIONS.items()
        ),
        # A transfer from a tier to a higher one: the escalation's sender was of the lower
        # kind, and the tier it went to is on the event.
        *(
            func.sum(
                _flag(
                    and_(
                        escalated, sender.kind == OrgKind(low.value), AuditEvent.tier == high.value
                    )
                )
            ).label(transfer_column(low, high))
            for low, high in TRANSFER_PATHS
        ),
        join=(sender, sender.id == AuditEvent.organization_id),
    ).where(AuditEvent.action.in_(_COUNTED_ACTIONS.values()))
    return {
        "categories": _grouped(
            ids,
            CaseCategory,
            func.sum(case(CATEGORY_BITS, value=CaseCategory.category, else_=0)).label("mask"),
            func.max(_flag(CaseCategory.category == Category.wage_arrears)).label("wage_arrears"),
        ).subquery("categories"),
        "events": events.subquery("events"),
        "ratings": _grouped(
            ids,
            Rating,
            func.count(Rating.id).label("count"),
            func.sum(Rating.score).label("points"),
            func.sum(_flag(Rating.score >= SATISFIED_SCORE)).label("satisfied"),
        ).subquery("ratings"),
        "claims": _grouped(ids, Claim, func.sum(Claim.amount).label("amount")).subquery("claims"),
        # The agreement's standing is what its newest payment report says.
        "newest_report": _grouped(
            ids, PaymentReport, func.max(PaymentReport.id).label("id")
        ).subquery("newest_report"),
    }


def counted_cases(ids=None) -> Select:
    """Every column of the cases' ``case_figures`` rows, counted from the cases themselves.

    ``ids`` picks the cases: an expanding bind parameter, a SELECT of case ids, or None for
    every case.
    """
    if isinstance(ids, Select):
        ids = ids.correlate(None)  # its own cases, not the outer query's row
    parts = _case_parts(ids)
    categories, events, ratings = parts["categories"], parts["events"], parts["ratings"]
    report = aliased(PaymentReport)
    closed = Case.state.in_(CLOSED_STATES)
    resolved = Case.outcome == Outcome.resolved
    # A settled agreement with money to pay by a date: once the date has passed it counts
    # among the agreements due, and as performed if the newest report says paid in full.
    # (Agreements, referrals and legal-aid requests are one a case at most: joined as rows.)
    dated = and_(resolved, Agreement.amount > 0, Agreement.due_date.is_not(None))
    paid_in_full = and_(dated, report.payment == Payment.paid)
    placed = Referral.state == ReferralState.placed
    event = {name: _none_as_zero(events.c[name]) == 1 for name in _COUNTED_ACTIONS}
    measures = {
        "received_on": local_date(Case.received_at),
        "employer_id": Case.employer_id,
        "organization_id": Case.organization_id,
        "tier": Case.tier,
        "channel": Case.channel,
        "category_mask": _none_as_zero(categories.c.mask),
        "priority_mask": sum(
            (
                _flag(getattr(Case, group.value).is_(True)) * bit
                for group, bit in PRIORITY_BITS.items()
            ),
            literal(0),
        ),
        "accepted": _flag(event["accepted"]),
        "declined": _flag(Case.outcome == Outcome.declined),
        "closed": _flag(closed),
        "resolved": _flag(resolved),
        "unresolved": _flag(Case.outcome == Outcome.unresolved),
        "withdrawn": _flag(Case.outcome == Outcome.withdrawn),
        "unresolved_wage_arrears": _flag(
            and_(Case.outcome == Outcome.unresolved, categories.c.wage_arrears == 1)
        ),
        "mediated_closed": _flag(and_(closed, event["mediated"])),
        "resolved_first_tier": _flag(and_(resolved, ~event["escalated"])),
        "workers_involved": Case.workers_involved,
        "collective": _flag(Case.workers_involved >= COLLECTIVE_DISPUTE_WORKERS),
        "priority_cases": _flag(
            Case.migrant_worker | Case.injured_worker | Case.pregnancy_maternity_nursing
        ),
        "referrals": _flag(Referral.id.is_not(None)),
        "first_contact_on_time": _flag(Referral.first_contacted_on <= Referral.contact_due),
        "placements": _flag(placed),
        "ratings": _none_as_zero(ratings.c.count),
        "rating_points": _none_as_zero(ratings.c.points),
        "ratings_satisfied": _none_as_zero(ratings.c.satisfied),
        **{
            transfer_column(*path): _none_as_zero(events.c[transfer_column(*path)])
            for path in TRANSFER_PATHS
        },
        "amount_claimed_fen": _fen(parts["claims"].c.amount),
        "amount_agreed_fen": case((resolved, _fen(Agreement.amount)), else_=0),
        "days_to_close": case(
            (
                and_(closed, Case.closed_at.is_not(None)),
                days_between(local_date(Case.closed_at), local_date(Case.received_at)),
            ),
            else_=None,
        ),
        "days_to_placement": case(
            (placed, days_between(Referral.placed_start, Referral.referred_on)), else_=None
        ),
        "open_deadline": Case.current_deadline,
        # The worker asked for legal aid (mediation.legal_aid): at most one request a case.
        "legal_aid_requests": _flag(LegalAidRequest.id.is_not(None)),
        # Handed to the arbitration commission: cases with such an event, however many.
        "handed_to_arbitration": _flag(event["handed_to_arbitration"]),
        "agreements_dated": _flag(dated),
        "agreements_paid_in_full": _flag(paid_in_full),
        "amount_paid_fen": case(
            (and_(resolved, Agreement.id.is_not(None)), _fen(report.amount_paid)), else_=0
        ),
        "agreement_due_on": case((dated, Agreement.due_date), else_=None),
        "paid_in_full_due_on": case((paid_in_full, Agreement.due_date), else_=None),
    }
    newest = parts["newest_report"]
    query = (
        select(Case.id.label("case_id"), *(measures[c].label(c) for c in SNAPSHOT_COLUMNS))
        .outerjoin(categories, categories.c.case_id == Case.id)
        .outerjoin(events, events.c.case_id == Case.id)
        .outerjoin(ratings, ratings.c.case_id == Case.id)
        .outerjoin(parts["claims"], parts["claims"].c.case_id == Case.id)
        .outerjoin(newest, newest.c.case_id == Case.id)
        .outerjoin(report, report.id == newest.c.id)
        .outerjoin(Agreement, Agreement.case_id == Case.id)
        .outerjoin(Referral, Referral.case_id == Case.id)
        .outerjoin(LegalAidRequest, LegalAidRequest.case_id == Case.id)
    )
    return query if ids is None else query.where(Case.id.in_(ids))


# Which rows of which tables a case's figures depend on, found by their ``case_id``.
_CASE_PARTS = (
    Claim,
    CaseCategory,
    Agreement,
    PaymentReport,
    Rating,
    Referral,
    AuditEvent,
    LegalAidRequest,
)
_PENDING = "figures_pending_cases"


def _note_touched_cases(session: Session, flush_context) -> None:
    pending = session.info.setdefault(_PENDING, set())
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Case):
            pending.add(obj.id)
        elif isinstance(obj, _CASE_PARTS) and obj.case_id is not None:
            pending.add(obj.case_id)


def _recount_touched_cases(session: Session) -> None:
    session.flush()  # the last changes too: they may touch more cases
    pending = session.info.pop(_PENDING, None)
    if pending:
        refresh(session, pending)


def _forget_touched_cases(session: Session) -> None:
    session.info.pop(_PENDING, None)


_HOOKS = (
    ("after_flush", _note_touched_cases),
    ("before_commit", _recount_touched_cases),
    ("after_rollback", _forget_touched_cases),
)


def keep_rollups(sessions) -> None:
    """Keep the rollups in step with every commit of ``sessions`` (the app's scoped session).

    Called once by the app factory; calling it again (another app in the same process) adds
    nothing, so no commit is counted twice.
    """
    for name, hook in _HOOKS:
        if not event.contains(sessions, name, hook):
            event.listen(sessions, name, hook)


# The app's connections plan each statement with its values (config.py), which the queries
# whose best plan depends on them need. The recount's does not: it looks cases up by id.
_PLAN_ONCE = text("SET LOCAL plan_cache_mode = force_generic_plan")
_PLAN_WITH_VALUES = text("SET LOCAL plan_cache_mode TO DEFAULT")  # the connection's setting


@cache
def _stored_rows():
    """The cases' rows as last counted, locked until the commit."""
    return (
        select(CaseFigures.case_id, *(getattr(CaseFigures, c) for c in SNAPSHOT_COLUMNS))
        .where(CaseFigures.case_id.in_(bindparam("ids", expanding=True)))
        .order_by(CaseFigures.case_id)
        .with_for_update()
    )


@cache  # built once per process: the same statement at every commit
def _counted_rows():
    """The cases' rows counted afresh."""
    return counted_cases(bindparam("ids", expanding=True))


def _counted(session: Session, ids: list[int]) -> dict[int, dict]:
    """The cases' rows counted afresh, by case id.

    Planned with the values, the recount (ten joins) spent 1.7–2.2 ms planning for 0.45 ms
    of work at a million cases, at every commit; planned once for any cases (psycopg
    prepares it after five runs on a connection) it takes 0.9–1.3 ms in all. The setting is
    put back at once: a savepoint's commit runs this too, and the rest of its transaction
    plans as before.
    """
    postgresql = _dialect(session) == "postgresql"
    if postgresql:
        session.execute(_PLAN_ONCE)
    rows = session.execute(_counted_rows(), {"ids": ids})
    counted = {row.case_id: row._asdict() for row in rows}
    if postgresql:
        session.execute(_PLAN_WITH_VALUES)
    return counted


def refresh(session: Session, case_ids: Iterable[int]) -> int:
    """Count the cases again and add what changed to the rollups; returns how many changed.

    The stored rows are locked first (FOR UPDATE), so two transactions touching one case, or
    a rebuild, take turns; the recount after the lock sees what the other committed.
    """
    ids = sorted(set(case_ids))
    stored = {row.case_id: row._asdict() for row in session.execute(_stored_rows(), {"ids": ids})}
    counted = _counted(session, ids)
    totals: dict[Level, dict[tuple, Counter]] = {level: defaultdict(Counter) for level in LEVELS}
    # Per level and counting table: the change of each (period, key, measure, value)'s count.
    histograms: dict[Level, dict] = {level: defaultdict(Counter) for level in LEVELS}
    snapshots = []
    for case_id, new in counted.items():
        old = stored.get(case_id)
        if old == new:
            continue
        if old is not None:
            _add(totals, histograms, old, -1)
        _add(totals, histograms, new, +1)
        snapshots.append(new)
    if snapshots:
        _write_snapshots(session, snapshots)
        for level in LEVELS:
            _apply(session, level, totals[level], histograms[level])
    return len(snapshots)


def _periods(received_on: date, grains: tuple[Grain, ...]) -> list[tuple[Grain, date]]:
    starts = {
        Grain.day: received_on,
        Grain.month: received_on.replace(day=1),
        Grain.year: received_on.replace(month=1, day=1),
    }
    return [(grain, starts[grain]) for grain in grains]


def _add(totals: dict, histograms: dict, row: dict, sign: int) -> None:
    """Count one case's row (or take it out, ``sign`` -1) at every level and period."""
    for level in LEVELS:
        key = tuple(row[column] for column in level.key)
        for grain, period in _periods(row["received_on"], level.grains):
            total = totals[level][(grain, period, *key)]
            total["received"] += sign
            for measure in MEASURES:
                total[measure] += sign * row[measure]
        for counted in _counted_tables(level):
            for grain, period in _periods(row["received_on"], counted.grains):
                for measure in counted.measures:
                    value = row[measure.value]
                    if value is not None:
                        histograms[level][counted][(grain, period, *key, measure, value)] += sign


def _index(level: Level) -> tuple[str, ...]:
    return ("grain", "period_start", *level.key)


@cache  # statements are immutable: built once per table and database kind, not per commit
def _statements(table, dialect: str, index: tuple[str, ...], sums: tuple[str, ...], count: str):
    """Upsert (add to a row, creating it if new), add (to an existing row), drop (if empty)."""
    upsert = upsert_insert(table, dialect)
    upsert = upsert.on_conflict_do_update(
        index_elements=list(index),
        set_={name: table.c[name] + upsert.excluded[name] for name in sums},
    )
    match = [table.c[name] == bindparam(f"key_{name}") for name in index]
    add = (
        update(table)
        .where(*match)
        .values({name: table.c[name] + bindparam(f"add_{name}") for name in sums})
    )
    drop = delete(table).where(*match, table.c[count] == 0)
    return upsert, add, drop


@cache
def _snapshot_upsert(dialect: str):
    statement = upsert_insert(CaseFigures.__table__, dialect)
    return statement.on_conflict_do_update(
        index_elements=["case_id"],
        set_={name: statement.excluded[name] for name in SNAPSHOT_COLUMNS},
    )


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _write_snapshots(session: Session, rows: list[dict]) -> None:
    session.execute(_snapshot_upsert(_dialect(session)), rows)


def _add_rows(session: Session, model, index: tuple[str, ...], rows: list[dict], count) -> None:
    """Add each row's numbers to the row with its key, one row at a time in key order, so
    that concurrent writers lock rows in the same order and never wait in a circle.

    A row that gains cases may be new: an upsert. A row that keeps or loses cases exists
    already (its cases were counted there), so a plain UPDATE: the databases check an
    upsert's would-be new row before they find the conflict, and a negative count would
    fail the CHECK. A row left without cases is dropped.

    Consecutive upserts go as one batch (a filing's day, month and year rows of a table):
    one call, and on PostgreSQL one round trip (psycopg pipelines an executemany), in the
    same order.
    """
    # Core statements on the table: with a list of rows, the ORM would take these for bulk
    # updates by primary key.
    sums = tuple(name for name in rows[0] if name not in index)
    upsert, add, drop = _statements(model.__table__, _dialect(session), index, sums, count.key)
    gaining: list[dict] = []
    for row in sorted(rows, key=lambda row: tuple(row[name] for name in index)):
        if row[count.key] > 0:
            gaining.append(row)
            continue
        if gaining:
            session.execute(upsert, gaining)
            gaining = []
        keyed = {f"key_{name}": row[name] for name in index}
        session.execute(add, {**keyed, **{f"add_{name}": row[name] for name in sums}})
        if row[count.key] < 0:
            session.execute(drop, keyed)
    if gaining:
        session.execute(upsert, gaining)


def _apply(session: Session, level: Level, totals: dict, histograms: dict) -> None:
    """Add the differences at one level: first to the rollup, then to what counts per value."""
    sums = ("received", *MEASURES)
    index = _index(level)
    rollups = [
        {**dict(zip(index, key, strict=True)), **{name: total[name] for name in sums}}
        for key, total in totals.items()
        if any(total.values())
    ]
    if rollups:
        _add_rows(session, level.rollup, index, rollups, level.rollup.received)
    for counted in _counted_tables(level):
        keys = _counted_columns(level, counted)[:-1]
        counts = [
            {**dict(zip(keys, key, strict=True)), "cases": change}
            for key, change in histograms[counted].items()
            if change
        ]
        if counts:
            _add_rows(session, counted.table, keys, counts, counted.table.cases)


def _stored_cases():
    return select(*(getattr(CaseFigures, column) for column in ("case_id", *SNAPSHOT_COLUMNS)))


def _grains(grains: tuple[Grain, ...]):
    """Each of these grains (a level's, or a counted table's), with the SQL for a case's
    period in it."""
    periods = {
        Grain.day: CaseFigures.received_on,
        Grain.month: month_start(CaseFigures.received_on),
        Grain.year: year_start(CaseFigures.received_on),
    }
    return [(grain, periods[grain]) for grain in grains]


def _summed_rollup(level: Level, grain: Grain, period):
    """One level's rollup rows of one grain, summed from ``case_figures``."""
    key = [getattr(CaseFigures, column) for column in level.key]
    return select(
        literal(grain.value),
        period,
        *key,
        func.count(),
        *(func.sum(getattr(CaseFigures, measure)) for measure in MEASURES),
    ).group_by(period, *key)


def _counted_values(level: Level, grain: Grain, period, counted: Counted, measure):
    """One level's rows of a counting table for one grain and measure, from ``case_figures``."""
    key = [getattr(CaseFigures, column) for column in level.key]
    value = getattr(CaseFigures, measure.value)
    return (
        select(literal(grain.value), period, *key, literal(measure.value), value, func.count())
        .where(value.is_not(None))
        .group_by(period, *key, value)
    )


def _rollup_columns(level: Level) -> tuple[str, ...]:
    return (*_index(level), "received", *MEASURES)


def _counted_columns(level: Level, counted: Counted) -> tuple[str, ...]:
    return (*_index(level), "measure", counted.value, "cases")


def rebuild() -> int:
    """Recount every case and replace all rollups (one transaction; the caller commits).

    On PostgreSQL the figure tables are locked against writers first: a case changed during
    the rebuild waits, then adds its difference to the rebuilt rows.
    """
    session = db.session
    on_postgresql = _dialect(session) == "postgresql"
    if on_postgresql:
        session.execute(text("LOCK TABLE case_figures IN EXCLUSIVE MODE"))
    for level in LEVELS:
        for counted in _counted_tables(level):
            session.execute(delete(counted.table))
        session.execute(delete(level.rollup))
    session.execute(delete(CaseFigures))
    session.execute(
        insert(CaseFigures).from_select(["case_id", *SNAPSHOT_COLUMNS], counted_cases())
    )
    for level in LEVELS:
        for grain, period in _grains(level.grains):
            session.execute(
                insert(level.rollup).from_select(
                    _rollup_columns(level), _summed_rollup(level, grain, period)
                )
            )
        for counted in _counted_tables(level):
            for grain, period in _grains(counted.grains):
                for measure in counted.measures:
                    session.execute(
                        insert(counted.table).from_select(
                            _counted_columns(level, counted),
                            _counted_values(level, grain, period, counted, measure),
                        )
                    )
    if on_postgresql:
        # Fresh statistics, or the planner keeps guessing from the tables it last saw.
        tables = [CaseFigures, *(level.rollup for level in LEVELS)]
        tables += [counted.table for level in LEVELS for counted in _counted_tables(level)]
        for table in tables:
            session.execute(text(f"ANALYZE {table.__tablename__}"))
    return session.scalar(select(func.count()).select_from(CaseFigures))


def _differences(left, right) -> int:
    """Rows in either query and not in the other."""
    session = db.session
    return sum(
        session.scalar(select(func.count()).select_from(a.except_(b).subquery()))
        for a, b in ((left, right), (right, left))
    )


def verify() -> dict[str, int]:
    """How many rows of each figure table differ from a recount (all zero when exact)."""
    differences = {"case_figures": _differences(counted_cases(), _stored_cases())}
    for level in LEVELS:
        rollup = level.rollup
        differences[rollup.__tablename__] = sum(
            _differences(
                select(*(getattr(rollup, c) for c in _rollup_columns(level))).where(
                    rollup.grain == grain
                ),
                _summed_rollup(level, grain, period),
            )
            for grain, period in _grains(level.grains)
        )
        for counted in _counted_tables(level):
            table = counted.table
            differences[table.__tablename__] = sum(
                _differences(
                    select(*(getattr(table, c) for c in _counted_columns(level, counted))).where(
                        table.grain == grain, table.measure == measure
                    ),
                    _counted_values(level, grain, period, counted, measure),
                )
                for grain, period in _grains(counted.grains)
                for measure in counted.measures
            )
    return differences


def is_built() -> bool:
    """False when there are cases but no rollups yet: an existing database before its first
    ``flask figures rebuild``. (Every change after that keeps them.)"""
    # One statement: every statistics page asks this first.
    no_cases = ~exists().where(Case.id.is_not(None))
    return bool(db.session.scalar(select(or_(no_cases, exists().where(CaseFigures.case_id > 0)))))
