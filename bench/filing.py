"""Filing throughput: `POST /api/v1/cases` from 8 concurrent clients against the app under
gunicorn, and the same clients POSTing the same body to a bare Flask endpoint that inserts it
as one row (bench/baseline.py), in the same database. Then, inside the app's own process,
what one filing costs: its SQL statements, and the time spent keeping the figure rollups (the
session's ``before_commit`` hook of mediation.stats.figures, which recounts the touched cases
and adds the difference to the rollups).

Each client is a different worker (an account of the loaded world, all with the demo
password) filing for themself through the app (DESIGN.md §6's body, as the mobile app sends
it) with the token it got from `POST /api/v1/tokens`. Only signing in is throttled (30 a
minute per address): eight sign-ins stay under it, and filing itself has no limit, so nothing
is switched off. Every filing must be answered 201; the others are counted as errors, and the
cases are counted in the database afterwards (each 201 is a case).

    python -m bench.filing --database postgresql://postgres@127.0.0.1:5432/mediation_bench
"""

import json
import resource
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg
from sqlalchemy import event

from bench import cpu, options
from mediation import create_app
from mediation.extensions import db

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = 8
PASSWORD = "demo-2026"  # the loaded world's invented accounts share the demo password
# DESIGN.md §6's filing body as a worker filing for themself sends it (the applicant is the
# account's holder), against the demo company.
BODY = {
    "employer": {"name": "某某制造有限公司", "uscc": "91350100M000100Y43"},
    "employment": {
        "start_date": "2023-03-01",
        "end_date": None,
        "job": "操作工",
        "monthly_wage": "6500.00",
    },
    "categories": ["wage_arrears"],
    "claims": [{"category": "wage_arrears", "amount": "13000.00", "description": "两个月工资"}],
    "facts": "公司拖欠两个月工资。",
    "workers_involved": 1,
    "lost_job": False,
    "priority_groups": [],
    "preferred_tier": None,
    "channel": "app",
}


def _applicants(database: str, count: int) -> list[str]:
    """Workers of the loaded world who can sign in (active, phone confirmed)."""
    with psycopg.connect(database) as connection:
        rows = connection.execute(
            "SELECT username FROM users WHERE role = 'worker' AND active"
            " AND phone_verified_at IS NOT NULL AND username NOT IN ('worker1', 'worker2')"
            " ORDER BY id LIMIT %s",
            (count,),
        ).fetchall()
    if len(rows) < count:
        raise SystemExit(f"bench.filing needs {count} worker accounts; load the world first")
    return [username for (username,) in rows]


def _token(base: str, username: str) -> str:
    """Sign in through the API, as the mobile app does."""
    request = urllib.request.Request(
        f"{base}/api/v1/tokens",
        json.dumps({"username": username, "password": PASSWORD}).encode(),
        {"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)["token"]


def _spread_bodies(database: str) -> list[dict]:
    """The body sent to four organisations: the demo company's street centre, another
    street's centre (an employer registered there), the union (chosen by the worker) and the
    district centre (a claim of 200,000 yuan or more goes there)."""
    with psycopg.connect(database) as connection:
        name, uscc = connection.execute(
            "SELECT e.name, e.uscc FROM employers e WHERE e.uscc IS NOT NULL AND e.region_id <>"
            " (SELECT region_id FROM employers WHERE uscc = %s) ORDER BY e.id LIMIT 1",
            (BODY["employer"]["uscc"],),
        ).fetchone()
    high = [{**BODY["claims"][0], "amount": "250000.00"}]
    return [
        BODY,
        {**BODY, "employer": {"name": name, "uscc": uscc}},
        {**BODY, "preferred_tier": "union"},
        {**BODY, "claims": high},
    ]


def _post_load(
    url: str,
    bodies: list[dict],
    tokens: list[str | None],
    seconds: float,
    expect: int,
    watched: dict[str, int] | None = None,
) -> dict:
    """The clients in the load generator's own process (bench/hammer.py), as for the pages.

    With ``watched`` (a name for each process tree to watch: the server's, PostgreSQL's), also
    the CPU each tree and the load generator used per request sent, the warm-up's included."""
    command = [sys.executable, "-m", "bench.hammer", url, "--seconds", str(seconds)]
    command += ["--concurrency", str(len(tokens)), "--expect", str(expect)]
    for body in bodies:
        command += ["--json", json.dumps(body)]
    for token in filter(None, tokens):
        command += ["--bearer", token]
    before = _cpu_seconds(watched or {})
    output = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    found = json.loads(output.stdout)
    if watched:
        after, sent = _cpu_seconds(watched), found["requests"] + found["warmup_requests"]
        found["cpu_ms_per_request"] = {
            name: round((after[name] - before[name]) * 1000 / sent, 2) for name in after
        }
    return found


def _cpu_seconds(watched: dict[str, int]) -> dict[str, float]:
    """The CPU seconds used so far by each watched tree and by this process's ended children
    (the load generator, once it ended)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {name: cpu.tree_seconds(root) for name, root in watched.items()} | {
        "load_generator": children.ru_utime + children.ru_stime
    }


def _cases_of(database: str, usernames: list[str]) -> int:
    with psycopg.connect(database) as connection:
        return connection.execute(
            "SELECT count(*) FROM cases c JOIN users u ON u.id = c.applicant_id"
            " WHERE u.username = ANY(%s)",
            (usernames,),
        ).fetchone()[0]


def one_filing(database: str, runs: int = 20) -> dict:
    """One filing at a time through the app in this process (its test client, no server):
    the request's time and SQL; the share of it spent in the rollup hook at the commit; and
    how long the organisation's case-number counter stays locked (from the number to the
    commit), which bounds how many filings one organisation takes a second.

    The rollup hook is the session's one ``before_commit`` listener: it is timed between two
    listeners put around it. It starts with a flush of what the request left unflushed; the
    first listener does that flush, so what is timed as the rollups is their own work only."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database})
    statements: list[tuple[float, float]] = []  # (began, seconds)
    began: dict[int, float] = {}
    marks: dict[str, float] = {}

    def before_cursor(conn, cursor, statement, parameters, context, executemany):
        began[id(cursor)] = time.perf_counter()

    def after_cursor(conn, cursor, statement, parameters, context, executemany):
        start = began.pop(id(cursor), time.perf_counter())
        statements.append((start, time.perf_counter() - start))
        if statement.startswith("INSERT INTO case_counters"):
            marks["numbered"] = start

    def rollups_begin(session):
        session.flush()
        marks["begin"] = time.perf_counter()

    def rollups_end(session):
        marks["end"] = time.perf_counter()

    def committed(session):
        marks["committed"] = time.perf_counter()

    with app.app_context():
        engine = db.engine
        applicant = _applicants(database, CLIENTS + 1)[-1]  # not one of the load's clients
    client = app.test_client()
    token = client.post("/api/v1/tokens", json={"username": applicant, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.json['token']}"}
    hooks = [
        (engine, "before_cursor_execute", before_cursor, {}),
        (engine, "after_cursor_execute", after_cursor, {}),
        (db.session, "before_commit", rollups_begin, {"insert": True}),
        (db.session, "before_commit", rollups_end, {}),
        (db.session, "after_commit", committed, {"insert": True}),  # before the outbox's nudge
    ]
    for target, name, hook, listen_options in hooks:
        event.listen(target, name, hook, **listen_options)
    found: dict[str, list[float]] = {
        key: []
        for key in ("request_ms", "queries", "sql_ms", "rollup_ms", "rollup_queries", "locked_ms")
    }
    try:
        client.post("/api/v1/cases", json=BODY, headers=headers)  # warm: caches, templates
        for _ in range(runs):
            statements.clear()
            marks.clear()
            started = time.perf_counter()
            response = client.post("/api/v1/cases", json=BODY, headers=headers)
            found["request_ms"].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 201, response.json
            in_rollups = [s for s in statements if marks["begin"] <= s[0] < marks["end"]]
            found["queries"].append(len(statements))
            found["sql_ms"].append(sum(s for _, s in statements) * 1000)
            found["rollup_ms"].append((marks["end"] - marks["begin"]) * 1000)
            found["rollup_queries"].append(len(in_rollups))
            found["locked_ms"].append((marks["committed"] - marks["numbered"]) * 1000)
    finally:
        for target, name, hook, _options in hooks:
            event.remove(target, name, hook)
    median = {key: statistics.median(values) for key, values in found.items()}
    return {
        "request_ms": round(median["request_ms"], 1),
        "queries": max(found["queries"]),
        "sql_ms": round(median["sql_ms"], 1),
        "rollup_ms": round(median["rollup_ms"], 2),
        "rollup_queries": max(found["rollup_queries"]),
        "rollup_share_of_request": round(median["rollup_ms"] / median["request_ms"], 3),
        "number_locked_ms": round(median["locked_ms"], 1),
    }


def measure(
    base: str,
    database: str,
    seconds: float,
    bare: str = "http://127.0.0.1:5602",
    spread: bool = False,
    servers: tuple[int, int] | None = None,
) -> dict:
    """Filing through the app at ``base`` and the bare insert at ``bare`` (bench/baseline.py
    served), both from ``CLIENTS`` clients for ``seconds``; then one filing's rollup time.

    All filings go to one organisation, whose case-number counter each holds locked until
    its commit (numbers without gaps): they take turns there. ``spread`` measures once more
    with the clients filing to four organisations.

    Given ``servers``, the process ids of the app's server and the bare endpoint's, each load
    also says the CPU a request took in its server, in PostgreSQL (when it runs on this
    machine) and in the load generator; and so what the filing's ratio could be at most on
    a busy box if the app's own work took no CPU at all."""
    postgresql = cpu.postgresql_root(database) if servers else None
    app, bare_server = servers or (None, None)

    def watched(server: int | None) -> dict[str, int] | None:
        if server is None:
            return None
        return {"server": server} | ({"postgresql": postgresql} if postgresql else {})

    applicants = _applicants(database, CLIENTS)
    tokens = [_token(base, username) for username in applicants]
    cases_before = _cases_of(database, applicants)
    filing = _post_load(f"{base}/api/v1/cases", [BODY], tokens, seconds, 201, watched(app))
    filed = _cases_of(database, applicants) - cases_before
    # Each 201 is a case: those of the warm-up too, which are not timed.
    answered = filing["requests"] + filing["warmup_requests"] - filing["errors"]
    found = {
        "filing": filing | {"clients": CLIENTS, "answered_201": answered, "cases_created": filed}
    }
    if spread:
        found["filing_four_organisations"] = _post_load(
            f"{base}/api/v1/cases", _spread_bodies(database), tokens, seconds, 201, watched(app)
        )
    bare_insert = _post_load(
        f"{bare}/insert", [BODY], [None] * CLIENTS, seconds, 201, watched(bare_server)
    )
    if postgresql:
        # The filing's CPU outside the app's server, against the bare insert's whole CPU.
        outside = {"postgresql", "load_generator"}
        found["filing_rps_over_bare_insert_rps_if_the_app_took_no_cpu"] = round(
            sum(bare_insert["cpu_ms_per_request"].values())
            / sum(filing["cpu_ms_per_request"][name] for name in outside),
            3,
        )
    rollups = one_filing(database)
    return found | {
        "bare_insert": bare_insert | {"clients": CLIENTS},
        "filing_rps_over_bare_insert_rps": round(filing["rps"] / bare_insert["rps"], 3),
        "filing_rollup_ms": rollups["rollup_ms"],
        # One filing unloaded, in the app's process: the whole request and the rollups' part.
        "filing_profile": rollups,
    }


def main() -> None:
    # bench.run imports this module for measure(); its server helpers are needed only here.
    from bench import run

    parser = options.parser(__doc__)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument(
        "--port", type=int, default=5611, help="the app's; the bare endpoint's is the next"
    )
    parser.add_argument("--spread", action="store_true", help="also file to four organisations")
    args = parser.parse_args()
    env = options.app_env(args.database)
    app_server = run._serve(env, "wsgi:app", args.port)
    bare_server = run._serve(env, "bench.baseline:app", args.port + 1)
    try:
        found = measure(
            f"http://127.0.0.1:{args.port}",
            args.database,
            args.seconds,
            bare=f"http://127.0.0.1:{args.port + 1}",
            spread=args.spread,
            servers=(app_server.pid, bare_server.pid),
        )
    finally:
        app_server.terminate()
        bare_server.terminate()
    print(json.dumps(found, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
