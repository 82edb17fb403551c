"""Load N synthetic cases into a PostgreSQL database quickly (COPY), for the benchmarks.

The cases are the demo's history (:mod:`mediation.demo_history`, which says what they look
like) at a province's scale: the last year of a busy mediation network in the demo
jurisdiction (what ``flask seed-demo --no-cases`` creates), with a few hundred employers and
larger teams, so that pages and figures are measured on the data they will meet. That module
lives each case and gives its rows as plain values; here they go in with COPY in batches,
written by a thread while the next batch is generated, so a million cases take minutes, not
hours.

    python -m bench.load --n 100000 --database postgresql://postgres@127.0.0.1:5432/mediation_bench
"""

import argparse
import json
import queue
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import psycopg
from psycopg.types.json import JsonDumper
from sqlalchemy import Connection, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.pool import NullPool

from mediation.demo_history import (
    COLUMNS,
    NUMBERED_TABLES,
    SHANGHAI_OFFSET,
    Generator,
    Scale,
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


def _skip_foreign_key_triggers(conn: Connection) -> None:
    """The rows are generated consistent, so the per-row foreign-key checks (triggers that
    also lock each referenced row) are skipped, as ``pg_restore --disable-triggers`` does:
    COPY gets about three times faster. CHECK and UNIQUE constraints still apply. Needs a
    superuser (the default bench database URL is one); without, the checks simply run."""
    try:
        conn.exec_driver_sql("SET session_replication_role = replica")
    except ProgrammingError:
        conn.rollback()


def _write_batches(conn: psycopg.Connection, batches: queue.Queue, failed: list) -> None:
    """COPY each batch and commit it, in a thread: the next batch is generated meanwhile."""
    try:
        while (batch := batches.get()) is not None:
            for table, rows in batch.items():
                _copy(conn, table, rows)
            conn.commit()
    except BaseException as error:
        failed.append(error)  # the generator stops at its next batch
        while batches.get() is not None:
            pass


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


def load(database: str, n: int, seed: int = 2026, batch: int = 50_000) -> float:
    """Load ``n`` cases into a database that has the demo world; returns the seconds taken."""
    rng = random.Random(seed)
    started = time.perf_counter()
    now = shanghai_now()
    url = make_url(database).set(drivername="postgresql+psycopg")
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        _skip_foreign_key_triggers(connection)
        world = World(connection, rng, now, Scale())
        generator = Generator(world, connection, n)
        connection.commit()
        # From here on the rows go through psycopg itself, with COPY.
        conn: psycopg.Connection = connection.connection.driver_connection
        indexes = _set_aside_indexes(conn)
        received = received_times(rng, n, now)
        batches, failed = queue.Queue(maxsize=1), []
        writer = threading.Thread(target=_write_batches, args=(conn, batches, failed))
        writer.start()
        try:
            for offset in range(0, n, batch):
                if failed:
                    break
                for index in range(offset, min(n, offset + batch)):
                    generator.case(index, received[index])
                batches.put(generator.take_batch())
        finally:
            batches.put(None)
            writer.join()
        if failed:
            raise failed[0]
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
                [(org_id, year, value) for (org_id, year), value in generator.numbers.items()],
            )
        conn.commit()
        _rebuild_indexes(database, indexes)
        # As autovacuum would leave a live database: statistics, and the visibility map that
        # lets index-only scans skip the table (otherwise autovacuum does it mid-benchmark).
        conn.autocommit = True
        conn.execute("VACUUM (ANALYZE)")
    engine.dispose()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--database", required=True)
    args = parser.parse_args()
    seconds = load(args.database, args.n)
    print(f"loaded {args.n} cases in {seconds:.1f} s")


if __name__ == "__main__":
    main()
