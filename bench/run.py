"""`make bench`: load N cases into PostgreSQL, then measure pages under load against baselines.

After the load it rebuilds the statistics rollup (`flask figures rebuild`), timed. Then it
measures, with the load generator in a second process (bench/hammer.py) against gunicorn:
the supervisor dashboard (its default page, this month, and the calendar year so far), the
mediator worklist (the waiting view and the mediator's own) and a worker's case page; and as
baselines the raw SQL aggregate of the main figures over the same periods and a bare one-row
Flask page. Periods are Shanghai days, as the app counts them. Prints JSON.

    python -m bench.run --n 100000 [--database postgresql://…/mediation_bench] [--seconds 10]
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import date, datetime
from http.cookiejar import CookieJar
from pathlib import Path

import psycopg

from bench.load import SHANGHAI_OFFSET, load
from mediation.localtime import local_today

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
RAW_AGGREGATE = """
SELECT count(*), count(*) FILTER (WHERE outcome = 'resolved'),
       count(*) FILTER (WHERE outcome = 'unresolved'), count(*) FILTER (WHERE outcome = 'declined'),
       count(*) FILTER (WHERE state IN ('closed', 'archived')), coalesce(sum(workers_involved), 0)
FROM cases WHERE received_at >= %s
"""


def _fresh_database(url: str) -> None:
    server = url.rsplit("/", 1)[0] + "/postgres"
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _flask(env: dict, *args: str) -> float:
    """Run a flask command of the app; returns the seconds it took."""
    started = time.perf_counter()
    subprocess.run(
        [str(Path(PYTHON).parent / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def _serve(env: dict, app: str, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "--workers",
            "2",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            app,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(50):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    return process


def _session_cookie(base: str, username: str) -> str:
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode(
        {"identifier": username, "password": "demo-2026", "csrf_token": token}
    ).encode()
    opener.open(f"{base}/login", data)
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def _hammer(url: str, cookie: str, seconds: float) -> dict:
    output = subprocess.run(
        [PYTHON, "-m", "bench.hammer", url, "--cookie", cookie, "--seconds", str(seconds)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output)


def _raw_aggregate(url: str, since: date, runs: int = 30) -> dict:
    """The figures' core counts straight from the cases received since ``since`` (a
    Shanghai day; received_at is stored as naive UTC)."""
    since = datetime.combine(since, datetime.min.time()) - SHANGHAI_OFFSET
    timings = []
    with psycopg.connect(url) as connection:
        for _ in range(runs):
            started = time.perf_counter()
            connection.execute(RAW_AGGREGATE, (since,)).fetchone()
            timings.append(time.perf_counter() - started)
    timings.sort()
    return {
        "p50_ms": round(statistics.median(timings) * 1000, 1),
        "p95_ms": round(timings[int(runs * 0.95) - 1] * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument(
        "--database",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/mediation_bench"
        ),
    )
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()

    env = {
        **os.environ,
        "DATABASE_URL": args.database,
        "BENCH_DATABASE_URL": args.database,
        "MEDIATION_ENV": "development",
    }
    _fresh_database(args.database)
    _flask(env, "db", "upgrade")
    _flask(env, "seed-demo", "--no-cases")
    load_seconds = load(args.database, args.n)
    rebuild_seconds = _flask(env, "figures", "rebuild")

    app_server = _serve(env, "wsgi:app", 5601)
    baseline_server = _serve(env, "bench.baseline:app", 5602)
    try:
        base = "http://127.0.0.1:5601"
        with psycopg.connect(args.database) as connection:
            case_id = connection.execute(
                "SELECT c.id FROM cases c JOIN users u ON u.id = c.applicant_id"
                " WHERE u.username = 'worker1' ORDER BY c.id DESC LIMIT 1"
            ).fetchone()[0]
        today = local_today()
        month, year = today.replace(day=1), today.replace(month=1, day=1)
        supervisor, mediator = _session_cookie(base, "supervisor1"), _session_cookie(base, "med_hr")
        results = {
            "dashboard": _hammer(f"{base}/stats/", supervisor, args.seconds),
            "dashboard_year": _hammer(
                f"{base}/stats/?from={year.isoformat()}&to={today.isoformat()}",
                supervisor,
                args.seconds,
            ),
            "worklist": _hammer(f"{base}/queue", mediator, args.seconds),
            "worklist_mine": _hammer(f"{base}/queue?view=mine", mediator, args.seconds),
            "case_page": _hammer(
                f"{base}/cases/{case_id}", _session_cookie(base, "worker1"), args.seconds
            ),
            "bare_flask_page": _hammer("http://127.0.0.1:5602/", "", args.seconds),
            "raw_sql_aggregate": _raw_aggregate(args.database, month),
            "raw_sql_aggregate_year": _raw_aggregate(args.database, year),
        }
    finally:
        app_server.terminate()
        baseline_server.terminate()
    summary = {
        "cases": args.n,
        "load_seconds": round(load_seconds, 1),
        "rebuild_seconds": round(rebuild_seconds, 1),
        **results,
        "ratios": {
            "dashboard_p95_over_raw_sql_p95": round(
                results["dashboard"]["p95_ms"] / results["raw_sql_aggregate"]["p95_ms"], 2
            ),
            "dashboard_year_p95_over_raw_sql_p95": round(
                results["dashboard_year"]["p95_ms"] / results["raw_sql_aggregate_year"]["p95_ms"],
                2,
            ),
            "worklist_p95_over_bare_page_p95": round(
                results["worklist"]["p95_ms"] / results["bare_flask_page"]["p95_ms"], 2
            ),
            "worklist_mine_p95_over_bare_page_p95": round(
                results["worklist_mine"]["p95_ms"] / results["bare_flask_page"]["p95_ms"], 2
            ),
            "case_page_p95_over_bare_page_p95": round(
                results["case_page"]["p95_ms"] / results["bare_flask_page"]["p95_ms"], 2
            ),
        },
    }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
