"""`make bench`: load N cases into PostgreSQL, then measure pages under load against baselines.

After the load it rebuilds the statistics rollup (`flask figures rebuild`), timed. Then it
measures, with the load generator in a process of its own (bench/hammer.py) against gunicorn,
each page in turns with the others and the bare page (bench/turns.py):
the supervisor dashboard (its default page, the last whole month, the calendar year so far and
the last 365 days), the mediator worklist (the waiting view and the mediator's own) and a
worker's case page, as kept between changes (cases.page_store) and, on a server that keeps
none, as rendered after each change. Then each of those pages once more inside the app
(bench/profile.py): its SQL statements, their time and the request's. Baselines: for each
period, the same figures recounted from the raw cases (stats.compute.recompute, what the
rollups replace, timed once) and a raw SQL aggregate of six of its counts (a lower bound of
that); and a bare one-row Flask page. Periods are Shanghai days, as the app counts them.

Then the rest of the issue's list, each with its ratio to the bare page of the same run: the
done-view search and the dashboard's detail filters (bench/search.py), filing through the API
against a bare insert (bench/filing.py), each web worker's memory over 10,000 requests of
the page mix on a server of its own (bench/memory.py), and one deadline sweep, first and
steady (bench/sweep.py; last, as it writes tens of thousands of reminders). Prints JSON.

    python -m bench.run --n 100000 [--database postgresql://…/mediation_bench] [--seconds 10]
    python -m bench.run --reuse     # measure again what the last run loaded
"""

import json
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import date, datetime, timedelta
from http.cookiejar import CookieJar
from pathlib import Path

import psycopg
import pyotp
import redis
from argon2 import PasswordHasher

from bench import filing, memory, options, search, sweep, turns
from bench.load import SHANGHAI_OFFSET, load
from mediation.config import Config
from mediation.localtime import local_today
from mediation.stats.filters import period_bounds

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
# A lower bound of what the rollups replace: six of the dashboard's counts straight from
# the cases of the period (the full recount also joins events, claims, ratings, referrals).
RAW_AGGREGATE = """
SELECT count(*), count(*) FILTER (WHERE outcome = 'resolved'),
       count(*) FILTER (WHERE outcome = 'unresolved'), count(*) FILTER (WHERE outcome = 'declined'),
       count(*) FILTER (WHERE state IN ('closed', 'archived')), coalesce(sum(workers_involved), 0)
FROM cases WHERE received_at >= %s AND received_at < %s
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
    """``app`` under gunicorn as production serves it, once it answers on ``port``."""
    with socket.socket() as probe:
        # Another server answering there would be measured instead.
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"bench: port {port} is taken")
    process = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "--workers",
            "2",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            # Two servers on one machine: the default control socket is one path per machine.
            "--no-control-socket",
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
    process.terminate()
    raise SystemExit(f"bench: {app} did not answer on port {port} within 10 s")


def _session_cookie(base: str, username: str) -> str:
    """Sign in as the demo's ``username``; staff set up a new authenticator app on the way
    (``_forget_second_factors`` made them new to it), as at a first sign-in."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def submit(url: str, fields: dict):
        html = opener.open(url).read().decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        return opener.open(url, urllib.parse.urlencode({**fields, "csrf_token": token}).encode())

    answer = submit(f"{base}/login", {"identifier": username, "password": "demo-2026"})
    if "/login/code" in answer.url:
        page = opener.open(f"{base}/login/code/set-up").read().decode()
        key = re.search(r'<code class="secret-key">([A-Z2-7 ]+)</code>', page).group(1)
        submit(f"{base}/login/code/set-up", {"code": pyotp.TOTP(key.replace(" ", "")).now()})
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def _cookies(base: str) -> dict[str, str]:
    """The session cookies of the supervisor, the mediator and the worker whose pages are
    measured, by role."""
    signed_in = (("supervisor", "supervisor1"), ("mediator", "med_hr"), ("worker", "worker1"))
    return {role: _session_cookie(base, username) for role, username in signed_in}


def _password_check(runs: int = 20) -> dict:
    """What one sign-in's password check costs with the production settings (argon2id, the
    issue's budget is well under 100 ms), and the memory each check takes while it runs."""
    hasher = PasswordHasher(**Config.PASSWORD_HASHER)
    stored = hasher.hash("bench-password-2026")
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        hasher.verify(stored, "bench-password-2026")
        timings.append(time.perf_counter() - started)
    timings.sort()
    return {
        "median_ms": round(statistics.median(timings) * 1000, 1),
        "max_ms": round(timings[-1] * 1000, 1),
        "memory_kib": hasher.memory_cost,
        "time_cost": hasher.time_cost,
        "parallelism": hasher.parallelism,
    }


def _forget_second_factors(database: str) -> None:
    with psycopg.connect(database) as connection:
        connection.execute("DELETE FROM recovery_codes")
        # Only the accounts that have one: every user's row rewritten took minutes at ten
        # million cases (some eight million accounts).
        connection.execute(
            "UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL"
            " WHERE totp_secret IS NOT NULL OR totp_enabled_at IS NOT NULL"
            " OR totp_last_step IS NOT NULL"
        )


def _profile(env: dict, pages: dict) -> dict:
    """Each page's SQL statements, their time and the request's, in the app's own process
    (bench/profile.py): where a page's time goes."""
    output = subprocess.run(
        [PYTHON, "-m", "bench.profile", json.dumps(pages)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if output.returncode:
        raise SystemExit(f"bench.profile failed:\n{output.stderr[-3000:]}")
    return json.loads(output.stdout)


def _raw_aggregate(url: str, first: date, last: date, runs: int = 30) -> dict:
    """The core counts straight from the cases received on the Shanghai days ``first`` to
    ``last`` (received_at is stored as naive UTC)."""
    start = datetime.combine(first, datetime.min.time()) - SHANGHAI_OFFSET
    end = datetime.combine(last + timedelta(days=1), datetime.min.time()) - SHANGHAI_OFFSET
    timings = []
    with psycopg.connect(url) as connection:
        for _ in range(runs):
            started = time.perf_counter()
            connection.execute(RAW_AGGREGATE, (start, end)).fetchone()
            timings.append(time.perf_counter() - started)
    timings.sort()
    return {
        "p50_ms": round(statistics.median(timings) * 1000, 1),
        "p95_ms": round(timings[int(runs * 0.95) - 1] * 1000, 1),
    }


def _raw_figures(database: str, periods) -> dict:
    """What the rollups replace: the same figures recounted from the raw cases
    (stats.compute.recompute), timed once per period (it takes seconds at a million)."""
    from sqlalchemy import select

    from mediation import create_app
    from mediation.extensions import db
    from mediation.models import User
    from mediation.stats.compute import recompute
    from mediation.stats.filters import Filters

    app = create_app({"SQLALCHEMY_DATABASE_URI": database})
    timings = {}
    with app.app_context(), app.test_request_context():
        supervisor = db.session.scalar(select(User).where(User.username == "supervisor1"))
        for name, _query, (first, last) in periods:
            started = time.perf_counter()
            recompute(Filters(start=first, end=last), supervisor)
            timings[f"raw_figures_{name}"] = {"ms": round((time.perf_counter() - started) * 1000)}
    return timings


def _dashboard_periods(today: date) -> list[tuple[str, str, tuple[date, date]]]:
    """The dashboard views measured: its default page (this month), the last whole month,
    the calendar year so far, and the last 365 days (twelve months, none of them whole at
    both ends). Each with its query string and its first and last day."""
    last_month = period_bounds("month", today.replace(day=1) - timedelta(days=1))
    year_start = today.replace(month=1, day=1)
    year_ago = today - timedelta(days=364)
    return [
        ("this_month", "", period_bounds("month", today)),
        ("last_month", f"period=month&on={last_month[0]}", last_month),
        ("year", f"period=year&on={today}", (year_start, today)),
        ("last_365_days", f"from={year_ago}&to={today}", (year_ago, today)),
    ]


def _loading(args, load_phases: dict[str, float], rebuild_seconds: float) -> dict:
    """The head of a summary: the cases, and what loading them took (nothing when reused)."""
    return {
        "cases": args.n,
        "load_seconds": round(sum(load_phases.values()), 1),
        "load_phases_seconds": {phase: round(s, 1) for phase, s in load_phases.items()},
        "rebuild_seconds": round(rebuild_seconds, 1),
    }


def _table(periods) -> tuple[str, ...]:
    """The pages of issue 19's table: the dashboard of each period, the worklists, the case
    page."""
    return (
        *(f"dashboard_{name}" for name, *_ in periods),
        "worklist",
        "worklist_mine",
        "case_page",
    )


def _print_table(args, periods, load_phases: dict, rebuild_seconds: float, results: dict) -> None:
    """The summary of ``--table-only``: the pages, and each one's ratio to the bare page."""
    bare = results["bare_flask_page"]["p95_ms"]
    summary = {
        **_loading(args, load_phases, rebuild_seconds),
        **results,
        "ratios": {
            f"{page}_p95_over_bare_page_p95": round(results[page]["p95_ms"] / bare, 3)
            for page in _table(periods)
        },
    }
    print(json.dumps(summary, indent=2))


def main() -> None:
    parser = options.parser(__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the database an earlier run loaded, without loading it again",
    )
    parser.add_argument(
        "--table-only",
        action="store_true",
        help="only the pages of issue 19's table and the bare page: for ten million cases, "
        "where the recounts and the sweep's first run take most of an hour",
    )
    args = parser.parse_args()

    env = options.app_env(args.database)
    # What an earlier run left there: pages kept for its database, its sign-ins counted.
    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    if args.reuse:
        _flask(env, "db", "upgrade")
        with psycopg.connect(args.database, autocommit=True) as connection:
            args.n = connection.execute("SELECT count(*) FROM cases").fetchone()[0]
            # What the earlier run wrote (filings, the sweep's reminders) left dead rows and
            # pages not marked all-visible, which autovacuum would have seen to by now.
            connection.execute("VACUUM (ANALYZE)")
        load_phases, rebuild_seconds = {}, 0.0
    else:
        _fresh_database(args.database)
        _flask(env, "db", "upgrade")
        _flask(env, "seed-demo", "--no-cases")
        load_phases = load(args.database, args.n)
        rebuild_seconds = _flask(env, "figures", "rebuild")
        # The rebuild rewrote the figure tables after the loader's VACUUM: without one now their
        # visibility map is empty and every index-only scan of the dashboard reads the heap
        # (about twice its time at a million cases), which autovacuum spares a live database.
        with psycopg.connect(args.database, autocommit=True) as connection:
            connection.execute("VACUUM (ANALYZE)")

    _forget_second_factors(args.database)
    app_server = _serve(env, "wsgi:app", 5601)
    baseline_server = _serve(env, "bench.baseline:app", 5602)
    try:
        base = "http://127.0.0.1:5601"
        with psycopg.connect(args.database) as connection:
            # worker1's newest case that med_hr's organisation handles: both see the page.
            case_id = connection.execute(
                "SELECT c.id FROM cases c JOIN users u ON u.id = c.applicant_id"
                " JOIN users m ON m.organization_id = c.organization_id"
                " WHERE u.username = 'worker1' AND m.username = 'med_hr'"
                " ORDER BY c.id DESC LIMIT 1"
            ).fetchone()[0]
        cookies = _cookies(base)
        supervisor, mediator, worker = cookies["supervisor"], cookies["mediator"], cookies["worker"]
        periods = _dashboard_periods(local_today())
        measured = {
            **{
                f"dashboard_{name}": (f"{base}/stats/?{query}", supervisor)
                for name, query, _days in periods
            },
            "worklist": (f"{base}/queue", mediator),
            "worklist_mine": (f"{base}/queue?view=mine", mediator),
            "case_page": (f"{base}/cases/{case_id}", worker),
            "bare_flask_page": ("http://127.0.0.1:5602/", ""),
            "bare_flask_page_pooled": ("http://127.0.0.1:5602/pooled", ""),
        }
        # The searches and detail filters are set against the same bare page: in the same turns.
        searched = {} if args.table_only else search.pages(args.database)
        measured |= {name: (base + path, cookies[who]) for name, (path, who) in searched.items()}
        results = turns.measure(measured, args.seconds)
        for name, _query, (first, last) in periods:
            results[f"raw_sql_aggregate_{name}"] = _raw_aggregate(args.database, first, last)
        if args.table_only:
            _print_table(args, periods, load_phases, rebuild_seconds, results)
            return
        results |= _raw_figures(args.database, periods)
        results["password_check"] = _password_check()
        results |= filing.measure(
            base, args.database, args.seconds, servers=(app_server.pid, baseline_server.pid)
        )
        profiled = _profile(
            env,
            {
                "dashboard_this_month": {"path": "/stats/", "cookie": supervisor},
                "worklist": {"path": "/queue", "cookie": mediator},
                "worklist_mine": {"path": "/queue?view=mine", "cookie": mediator},
                "case_page": {"path": f"/cases/{case_id}", "cookie": worker},
                "case_page_for_staff": {"path": f"/cases/{case_id}", "cookie": mediator},
            },
        ) | _profile(
            {**env, "CASE_PAGE_SECONDS": "0"},
            {"case_page_rendered": {"path": f"/cases/{case_id}", "cookie": worker}},
        )
    finally:
        app_server.terminate()
        baseline_server.terminate()
    # The worker's case page rendered at every view, as after each change to the case: on a
    # server that keeps no page (cases.page_store).
    rendering_server = _serve({**env, "CASE_PAGE_SECONDS": "0"}, "wsgi:app", 5604)
    try:
        base = "http://127.0.0.1:5604"
        worker = _session_cookie(base, "worker1")
        rendered = {"case_page_rendered": (f"{base}/cases/{case_id}", worker)}
        results |= turns.measure(rendered, args.seconds)
    finally:
        rendering_server.terminate()
    # On a server of its own: the workers' memory from their start. Staff set up their
    # second factor again on it, as at a first sign-in.
    _forget_second_factors(args.database)
    memory_server = _serve(env, "wsgi:app", 5603)
    try:
        base = "http://127.0.0.1:5603"
        cookies = _cookies(base)
        results["memory_per_worker"] = memory.measure(base, memory_server.pid, cookies, case_id)
    finally:
        memory_server.terminate()
    results |= sweep.measure(args.database)

    def ratio(page: str, baseline: str) -> float:
        against = results[baseline]
        return round(results[page]["p95_ms"] / against.get("p95_ms", against.get("ms")), 3)

    # The pages the issue's table sets against the bare page: the dashboards of each period,
    # the worklists, the case page, and the searches and detail filters.
    pages = (*_table(periods), "case_page_rendered", *searched)

    summary = {
        **_loading(args, load_phases, rebuild_seconds),
        **results,
        # Per request, unloaded: statements, their time, the whole request (bench/profile.py).
        "profile": profiled,
        "ratios": {
            **{
                f"dashboard_{name}_p95_over_raw_figures": ratio(
                    f"dashboard_{name}", f"raw_figures_{name}"
                )
                for name, _query, _days in periods
            },
            **{
                f"dashboard_{name}_p95_over_raw_sql_p95": ratio(
                    f"dashboard_{name}", f"raw_sql_aggregate_{name}"
                )
                for name, _query, _days in periods
            },
            "filing_rps_over_bare_insert_rps": results["filing_rps_over_bare_insert_rps"],
            # What it could be at most, were the app's own work free (bench/filing.py).
            **{
                key: results[key]
                for key in ("filing_rps_over_bare_insert_rps_if_the_app_took_no_cpu",)
                if key in results
            },
            **{f"{page}_p95_over_bare_page_p95": ratio(page, "bare_flask_page") for page in pages},
            # The same pages against a bare page that reuses pooled connections, as the app
            # does: the floor without a connection's set-up (the goals were set against the
            # one above).
            **{
                f"{page}_p95_over_pooled_bare_page_p95": ratio(page, "bare_flask_page_pooled")
                for page in pages
            },
        },
    }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
