"""One deadline sweep on a loaded bench database, as the Celery job runs it
(``delivery.tasks.sweep_deadlines``, commits included): its time, the peak resident memory
of its process, the SQL statements it ran and what it sent. Twice: the first sweep after a
load sends what the loaded history left unsaid (every case past a clock that was never
reminded); the second, the same day, is the steady state every five minutes of production.

Each sweep runs in a process of its own, and its peak memory is that process's high-water
mark (``VmHWM``): ``rss_before_mb`` is the process with the app loaded, before the sweep.
(Not ``ru_maxrss``: Linux carries it over from the parent the child was forked from, which
after a load is bench/run.py holding the loader's hundreds of megabytes.) The peak should not
grow with the number of open cases (about 3,500 at 100k cases, 35,000 at a million). Run it
after the page measurements: the first sweep adds tens of thousands of notices.

    python -m bench.sweep --database postgresql://postgres@127.0.0.1:5432/mediation_bench
"""

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from sqlalchemy import event, func, select

from bench import options
from mediation import create_app
from mediation.delivery.tasks import sweep_deadlines
from mediation.extensions import db
from mediation.models import Case
from workflows.case import OPEN_STATES

ROOT = Path(__file__).resolve().parents[1]


def _peak_rss_mb() -> float:
    """The highest resident memory of this process's own address space so far."""
    status = Path("/proc/self/status").read_text()
    kib = int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE).group(1))
    return round(kib / 1024, 1)


def _sweep_once() -> dict:
    """In this process: one sweep on the app's database (``DATABASE_URL``)."""
    app = create_app()
    statements = 0

    def count(*_args) -> None:
        nonlocal statements
        statements += 1

    with app.app_context():
        open_cases = db.session.scalar(
            select(func.count()).select_from(Case).where(Case.state.in_(OPEN_STATES))
        )
        db.session.commit()
        event.listen(db.engine, "before_cursor_execute", count)
        before = _peak_rss_mb()
        started = time.perf_counter()
        report = sweep_deadlines()
        seconds = time.perf_counter() - started
    report.pop("cases", None)
    return {
        "seconds": round(seconds, 2),
        "peak_rss_mb": _peak_rss_mb(),
        "rss_before_mb": before,
        "open_cases": open_cases,
        "statements": statements,
        "sent": report,
    }


def _in_own_process(database: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bench.sweep", "--in-process"],
        cwd=ROOT,
        env=options.app_env(database),
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"bench.sweep failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def measure(database: str) -> dict:
    """The first sweep after a load, and the next one the same day (the steady state)."""
    first = _in_own_process(database)
    # The first sweep wrote tens of thousands of reminders, notices and messages. Autovacuum
    # analyses such tables again within a minute, long before the next sweep five minutes
    # later; the bench's server may run without it (this one does), so the bench does.
    with psycopg.connect(database, autocommit=True) as connection:
        connection.execute("ANALYZE")
    return {"sweep_first": first, "sweep_again": _in_own_process(database)}


def main() -> None:
    parser = options.parser(__doc__)
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    result = _sweep_once() if args.in_process else measure(args.database)
    print(json.dumps(result, indent=None if args.in_process else 2))


if __name__ == "__main__":
    main()
