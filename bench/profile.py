"""What one request of each page costs inside the app: how many SQL statements it runs, the
time they take, and the whole request's time, unloaded and in one process (the app's own
`create_app`, on the bench's database). Run as its own process by bench/run.py, which passes
the pages (name → path and the session cookie to send) as JSON; prints JSON.

The load figures say how fast a page is; these say why: a page far above the bare page with
few statements spends its time in Python and templates, one with many has an N+1 to find.
"""

import argparse
import json
import statistics
import time

from sqlalchemy import event

from mediation import create_app
from mediation.extensions import db


def profile(pages: dict[str, dict], runs: int) -> dict:
    app = create_app()
    statements: list[float] = []
    started: dict[int, float] = {}

    def before(conn, cursor, statement, parameters, context, executemany):
        started[id(cursor)] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        statements.append(time.perf_counter() - started.pop(id(cursor), time.perf_counter()))

    found = {}
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    for name, page in pages.items():
        client = app.test_client()  # its own cookies: the page's signed-in user
        for pair in filter(None, page["cookie"].split("; ")):
            key, _, value = pair.partition("=")
            client.set_cookie(key, value)
        client.get(page["path"])  # warm: templates compiled, caches filled
        counts, sql_ms, request_ms = [], [], []
        for _ in range(runs):
            statements.clear()
            begun = time.perf_counter()
            response = client.get(page["path"])
            request_ms.append((time.perf_counter() - begun) * 1000)
            assert response.status_code == 200, (name, response.status_code)
            counts.append(len(statements))
            sql_ms.append(sum(statements) * 1000)
        found[name] = {
            "queries": max(counts),
            "sql_ms": round(statistics.median(sql_ms), 1),
            "request_ms": round(statistics.median(request_ms), 1),
        }
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", help='JSON: {"name": {"path": "/queue", "cookie": "…"}}')
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(profile(json.loads(args.pages), args.runs)))


if __name__ == "__main__":
    main()
