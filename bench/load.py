"""Load N synthetic cases into a PostgreSQL database quickly (COPY), for the benchmarks.

The cases are the demo's history (:mod:`mediation.demo_history`, which says what they look
like) at a province's scale: the last year of a busy mediation network in the demo
jurisdiction (what ``flask seed-demo --no-cases`` creates), with a few hundred employers and
larger teams, so that pages and figures are measured on the data they will meet. That module
lives each case and gives its rows as plain values; here they go in with COPY in batches,
lived and written by one process per core, so a million cases take minutes, not hours.

    python -m bench.load --n 100000 --database postgresql://postgres@127.0.0.1:5432/mediation_bench
"""

import argparse
import json
import multiprocessing
import os
import queue
import random
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from functools import partial

import psycopg
from psycopg.types.json import JsonDumper
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from mediation.demo_history import (
    COLUMNS,
    NUMBERED_TABLES,
    SHANGHAI_OFFSET,
    Alerts,
    Generator,
    Scale,
    Start,
    World,
    received_times,
    shanghai_now,
)

__all__ = ["SHANGHAI_OFFSET", "load"]

COPIES = {
    table: f"COPY {table} ({', '.join(columns)}) FROM STDIN" for table, columns in COLUMNS.items()
}


class _Json(JsonDumper):
    """dicts and lists as JSON, their Chinese unescaped, as the app writes its own rows (a
    subclass's ``_dumps`` is psycopg's way to choose the function)."""

    _dumps = partial(json.dumps, ensure_ascii=False)


def _copy(conn: psycopg.Connection, table: str, rows: list[tuple]) -> None:
    # Each value as psycopg's C dumpers write it: formatting the rows in Python took about as
    # long as generating them, and in the same process (one core, one lock) as the generator.
    if not rows:
        return
    with conn.cursor() as cursor:
        for kind in (dict, list):  # JSON columns (the cursor's own: lists stay arrays elsewhere)
            cursor.adapters.register_dumper(kind, _Json)
        with cursor.copy(COPIES[table]) as copy:
            for row in rows:
                copy.write_row(row)


def _skip_foreign_key_triggers(conn: psycopg.Connection) -> None:
    """The rows are generated consistent, so the per-row foreign-key checks (triggers that
    also lock each referenced row) are skipped, as ``pg_restore --disable-triggers`` does:
    COPY gets about three times faster. CHECK and UNIQUE constraints still apply. Needs a
    superuser (the default bench database URL is one); without, the checks simply run."""
    try:
        conn.execute("SET session_replication_role = replica")
    except psycopg.errors.InsufficientPrivilege:
        conn.rollback()
    conn.commit()


# The secondary indexes of the loaded tables (not those that enforce a key or a unique
# constraint), as the database itself defines them. Partial ones stay: their condition
# would come back written otherwise (PostgreSQL prints "state IN (…)" as "= ANY (ARRAY[…])"),
# and the planner matches a query to a partial index by that condition.
SECONDARY_INDEXES = """
SELECT index.indexrelid::regclass::text, pg_get_indexdef(index.indexrelid)
FROM pg_index index JOIN pg_class loaded ON loaded.oid = index.indrelid
WHERE loaded.relname = ANY(%s) AND index.indpred IS NULL
  AND NOT EXISTS (SELECT FROM pg_constraint WHERE pg_constraint.conindid = index.indexrelid)
"""


def _set_aside_indexes(conn: psycopg.Connection) -> list[str]:
    """Drop the loaded tables' secondary indexes; returns their definitions. Built once after
    the load, they cost a sort each instead of an update per row (the search index's GIN
    alone made a million cases load three times slower)."""
    found = conn.execute(SECONDARY_INDEXES, (list(COLUMNS),)).fetchall()
    for name, _definition in found:
        conn.execute(f"DROP INDEX {name}")
    conn.commit()
    return [definition for _name, definition in found]


def _rebuild_indexes(database: str, definitions: list[str]) -> None:
    """Build the indexes again, in two connections at once: PostgreSQL builds a GIN index on
    one core (the search index took 29 of the 46 s of indexes at a million cases), so the
    B-trees are built on the other meanwhile."""
    gin = [definition for definition in definitions if " USING gin " in definition]
    btrees = [definition for definition in definitions if definition not in gin]
    with ThreadPoolExecutor(max_workers=2) as pool:
        for built in [pool.submit(_build_indexes, database, part) for part in (gin, btrees)]:
            built.result()


def _build_indexes(database: str, definitions: list[str]) -> None:
    with psycopg.connect(database) as conn:
        conn.execute("SET maintenance_work_mem = '512MB'")
        for definition in definitions:
            conn.execute(definition)


def load(
    database: str,
    n: int,
    seed: int = 2026,
    batch: int = 50_000,
    processes: int | None = None,
    now: datetime | None = None,
) -> dict[str, float]:
    """Load ``n`` cases into a database that has the demo world; returns the seconds each
    phase took: living and copying the cases, building the indexes again, ``VACUUM``.

    The cases are lived in batches by ``processes`` processes at once (one per core by
    default), each writing its own; the data depends on the seed, the batch size and now
    (Shanghai wall-clock time, the year ends there), not on how many processes live it."""
    rng = random.Random(seed)
    started = time.perf_counter()
    now = now or shanghai_now()
    url = make_url(database).set(drivername="postgresql+psycopg")
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        world = World(connection, rng, now, Scale())
        start = Start.after(connection)
        connection.commit()
        indexes = _set_aside_indexes(connection.connection.driver_connection)
    engine.dispose()
    received = received_times(rng, n, now)
    numbers = _Plan(database, world, start, received, seed, batch).run(
        processes or os.cpu_count() or 1
    )
    with psycopg.connect(database) as conn:
        for table in NUMBERED_TABLES:
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT coalesce(max(id), 1) FROM {table}))"
            )
        # The next case an organisation numbers continues after the loaded ones.
        with conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO case_counters (organization_id, year, last_value) VALUES (%s, %s, %s)"
                " ON CONFLICT (organization_id, year) DO UPDATE"
                " SET last_value = greatest(case_counters.last_value, excluded.last_value)",
                [(org_id, year, value) for (org_id, year), value in numbers.items()],
            )
        conn.commit()
        phases = {"cases": time.perf_counter() - started}
        started = time.perf_counter()
        _rebuild_indexes(database, indexes)
        phases["indexes"] = time.perf_counter() - started
        started = time.perf_counter()
        # As autovacuum would leave a live database: statistics, and the visibility map that
        # lets index-only scans skip the table (otherwise autovacuum does it mid-benchmark).
        conn.autocommit = True
        conn.execute("VACUUM (ANALYZE)")
    phases["vacuum"] = time.perf_counter() - started
    return phases


class _Filings:
    """Stands in for ``Alerts`` in a process that lives a batch: keeps what each filing
    would tell it, for the one ``Alerts`` that takes every case in order (an employer's
    third case within 30 days may come from an earlier batch)."""

    def __init__(self):
        self.cases: list[tuple] = []

    def case(self, *filing) -> None:
        self.cases.append(filing)

    def take(self) -> tuple[list, list]:
        return [], []


class _Plan:
    """Batch k's cases are lived by process k mod P with a generator of their own (seeded by
    k, ids from ``Start.at``), and copied by it. The batches are told their case numbers in
    order here: each process reports what its batch numbered, organisation by organisation,
    and waits for the count of the batches before it (the batch before was lived at the same
    time on the other core, so the wait is short). The early warnings, which look back 30
    days across batches, are raised here in the same order and copied by this process."""

    def __init__(self, database, world, start, received, seed, batch):
        self.database, self.world, self.start = database, world, start
        self.received, self.seed, self.size = received, seed, batch
        self.batches = range(0, len(received), batch)

    def run(self, processes: int) -> dict[tuple[int, int], int]:
        """Lives and copies every batch; returns the organisations' counters after them."""
        processes = max(1, min(processes, len(self.batches)))
        context = multiprocessing.get_context("fork")  # the world goes to the children as is
        lived = context.Queue()
        told = [context.Pipe(duplex=False) for _ in range(processes)]
        children = [
            context.Process(target=self._live, args=(part, processes, lived, told[part][0]))
            for part in range(processes)
        ]
        for child in children:
            child.start()
        alerts = Alerts(self.world, random.Random(f"{self.seed}:alerts"), self.start.alert_id)
        numbers, reported, next_batch = dict(self.start.numbers), {}, 0
        try:
            with psycopg.connect(self.database) as conn:
                _skip_foreign_key_triggers(conn)
                while next_batch < len(self.batches):
                    batch, numbered, filings = self._next_report(lived, children)
                    reported[batch] = numbered, filings
                    while next_batch in reported:
                        numbered, filings = reported.pop(next_batch)
                        told[next_batch % processes][1].send(dict(numbers))
                        for key, count in numbered.items():
                            numbers[key] = numbers.get(key, 0) + count
                        for filing in filings:
                            alerts.case(*filing)
                        raised, events = alerts.take()
                        _copy(conn, "alerts", raised)
                        _copy(conn, "audit_events", events)
                        conn.commit()
                        next_batch += 1
            for child in children:
                child.join()
            _check(children)
        finally:
            for child in children:
                if child.is_alive():
                    child.kill()
        return numbers

    @staticmethod
    def _next_report(lived, children) -> tuple:
        """What the next batch a process lived numbered and filed; raises when one failed."""
        while True:
            try:
                report = lived.get(timeout=1)
            except queue.Empty:
                _check(children)  # one killed, say, says nothing
                continue
            if isinstance(report, str):  # a child's traceback
                raise RuntimeError(f"a loading process failed:\n{report}")
            return report

    def _live(self, part: int, processes: int, lived, told) -> None:
        """In a child process: live, number and copy batches part, part + P, …"""
        try:
            with psycopg.connect(self.database) as conn:
                _skip_foreign_key_triggers(conn)
                for batch in range(part, len(self.batches), processes):
                    first = self.batches[batch]
                    filings = _Filings()
                    generator = Generator(
                        self.world,
                        self.start.at(first),
                        len(self.received),
                        filings,
                        random.Random(f"{self.seed}:{batch}"),
                    )
                    for index in range(first, min(len(self.received), first + self.size)):
                        generator.case(index, self.received[index])
                    lived.put((batch, generator.numbers, filings.cases))
                    for table, rows in generator.take_batch(told.recv()).items():
                        _copy(conn, table, rows)
                    conn.commit()
        except BaseException:
            lived.put(traceback.format_exc())
            raise


def _check(processes) -> None:
    if failed := [process.exitcode for process in processes if process.exitcode]:
        raise RuntimeError(f"a loading process ended with exit code {failed[0]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--database", required=True)
    args = parser.parse_args()
    phases = load(args.database, args.n)
    each = ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in phases.items())
    print(f"loaded {args.n} cases in {sum(phases.values()):.1f} s ({each})")


if __name__ == "__main__":
    main()
