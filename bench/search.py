"""The mediator's search of the done view and the supervisor dashboard's detail filters, under
load against gunicorn, as bench/run.py measures the other pages.

The searches are what a mediator of med_hr's organisation types to find a closed case: its
number, its applicant's name (a three-character name, and a two-character one, which has no
trigram and is read from the index of single characters and pairs), and its employer's USCC.
The cases are taken from the middle of the loaded history, so that a scan in order would
pass half of it. The filters are the dashboard's default page (this month) narrowed to a
category, a channel and a priority group that the loaded cases have.

    python -m bench.search [--database postgresql://postgres@127.0.0.1:5432/mediation_bench]

starts its own servers on a database the bench already loaded (bench/run.py) and prints the
figures, each page's in-process profile (bench/profile.py) and its ratio to the bare page,
measured in the same turns (bench/turns.py); bench/run.py measures :func:`pages` in its turns
with the others.
"""

import json
from urllib.parse import urlencode

import psycopg

from bench import options, turns

FILTERS = {
    "category": "category=wage_arrears",
    "channel": "channel=window",
    "priority": "priority=migrant_worker",
}
# The closed case of med_hr's organisation in the middle of its history (by day of closing)
# among those whose applicant's name has the given length, with an employer's USCC.
MIDDLE_CASE = """
WITH candidates AS (
    SELECT c.number, c.applicant_name, e.uscc, c.closed_at
    FROM cases c JOIN employers e ON e.id = c.employer_id
    WHERE c.organization_id = (SELECT organization_id FROM users WHERE username = 'med_hr')
      AND c.state IN ('closed', 'archived') AND char_length(c.applicant_name) = %s
      AND e.uscc IS NOT NULL
)
SELECT number, applicant_name, uscc FROM candidates
ORDER BY closed_at OFFSET (SELECT count(*) / 2 FROM candidates) LIMIT 1
"""


def searches(database: str) -> dict[str, str]:
    """What is typed in the search box: a case number, applicant names and a USCC."""
    with psycopg.connect(database) as connection:
        number, name, uscc = connection.execute(MIDDLE_CASE, (3,)).fetchone()
        _number, short_name, _uscc = connection.execute(MIDDLE_CASE, (2,)).fetchone()
    return {"number": number, "name": name, "name_two_characters": short_name, "uscc": uscc}


def pages(database: str) -> dict[str, tuple[str, str]]:
    """Each measured page's path and who asks for it (mediator or supervisor). The done view
    without a search is there to compare with: what the search adds to the page."""
    found = {"done_view": ("/queue?view=done", "mediator")}
    for name, typed in searches(database).items():
        found[f"done_search_{name}"] = (
            f"/queue?{urlencode({'view': 'done', 'q': typed})}",
            "mediator",
        )
    for name, query in FILTERS.items():
        found[f"dashboard_filter_{name}"] = (f"/stats/?{query}", "supervisor")
    return found


def main() -> None:
    # Here, not at the top: bench/run.py imports pages() from this module.
    from bench import run

    parser = options.parser(__doc__)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--port", type=int, default=5631, help="the app's; the bare page's +1")
    args = parser.parse_args()
    env = options.app_env(args.database)
    run._forget_second_factors(args.database)
    app_server = run._serve(env, "wsgi:app", args.port)
    bare_server = run._serve(env, "bench.baseline:app", args.port + 1)
    try:
        base = f"http://127.0.0.1:{args.port}"
        cookies = run._cookies(base)
        measured = {**pages(args.database), "dashboard_this_month": ("/stats/", "supervisor")}
        results = turns.measure(
            {name: (base + path, cookies[who]) for name, (path, who) in measured.items()}
            | {"bare_flask_page": (f"http://127.0.0.1:{args.port + 1}/", "")},
            args.seconds,
        )
        bare = results.pop("bare_flask_page")
        profiled = run._profile(
            env,
            {
                name: {"path": path, "cookie": cookies[who]}
                for name, (path, who) in pages(args.database).items()
            },
        )
    finally:
        app_server.terminate()
        bare_server.terminate()
    print(
        json.dumps(
            {
                "searched": searches(args.database),
                **results,
                "bare_flask_page": bare,
                "profile": profiled,
                "ratios": {
                    f"{name}_p95_over_bare_page_p95": round(found["p95_ms"] / bare["p95_ms"], 3)
                    for name, found in results.items()
                },
            },
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
