"""The retention sweep: find the closed cases whose period ended and anonymise them.

Safe to run at any moment from several machines (``operations.anonymise_case`` takes each case
with a conditional UPDATE), and in batches: the cases due are read a batch at a time, in the
order of the partial index ``ix_cases_retention_due`` (outcome, day of closing, id), and each
batch is committed before the next is read, so a province's first run holds neither every case
in memory nor one long transaction. A run that is not a dry run leaves an audit event
"retention.run" with its counts: the admin report's "last run".
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select

from mediation.core import audit
from mediation.extensions import db
from mediation.models import Case
from mediation.models.types import utcnow
from mediation.retention.operations import anonymise_case
from mediation.retention.rules import due, due_with, periods, retained

BATCH_SIZE = 100
RUN_ACTION = "retention.run"

# For the worker (mediation/worker.py): once a day is enough for periods counted in years.
TASK = "mediation.retention"
SCHEDULE = timedelta(days=1)


@dataclass
class RetentionReport:
    dry_run: bool
    due: int = 0  # cases due when the run started (dry run: all it would anonymise)
    anonymised: int = 0
    by_outcome: dict[str, int] = field(default_factory=dict)


def count_due(now: datetime) -> int:
    return db.session.scalar(select(func.count(Case.id)).where(due(now))) or 0


def _due_batches(now: datetime, size: int):
    """The ids of the cases due, a batch at a time, outcome by outcome, oldest closed first.
    Keyset paging: each batch starts after the last one read, whatever happened to it."""
    for outcome, years in periods().items():
        after = None
        while True:
            query = (
                select(Case.id, Case.closed_at)
                .where(retained(), due_with(outcome, years, now))
                .order_by(Case.closed_at, Case.id)
                .limit(size)
            )
            if after is not None:
                closed_at, last_id = after
                query = query.where(
                    or_(
                        Case.closed_at > closed_at,
                        and_(Case.closed_at == closed_at, Case.id > last_id),
                    )
                )
            rows = db.session.execute(query).all()
            if not rows:
                break
            yield outcome, [row.id for row in rows]
            after = (rows[-1].closed_at, rows[-1].id)


def run(
    now: datetime | None = None, *, dry_run: bool = False, batch_size: int = BATCH_SIZE
) -> RetentionReport:
    """Anonymise every case due at ``now`` (committing batch by batch), or with ``dry_run``
    only count them and change nothing."""
    now = now or utcnow()
    report = RetentionReport(dry_run=dry_run, due=count_due(now))
    if dry_run:
        return report
    for outcome, ids in _due_batches(now, batch_size):
        cases = db.session.scalars(select(Case).where(Case.id.in_(ids)).order_by(Case.id))
        for case in list(cases):
            if anonymise_case(case, now=now) is not None:
                report.anonymised += 1
                report.by_outcome[outcome.value] = report.by_outcome.get(outcome.value, 0) + 1
        db.session.commit()  # the batch's rows are clean now and freed once unused
    audit.record(
        RUN_ACTION,
        actor=None,
        due=report.due,
        anonymised=report.anonymised,
        by_outcome=report.by_outcome,
    )
    db.session.commit()
    return report


def run_job() -> dict:
    """The worker's job (mediation/worker.py)."""
    report = run()
    return {"due": report.due, "anonymised": report.anonymised}
