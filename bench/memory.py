"""Resident memory of each gunicorn web worker while it serves the page mix: the supervisor's
dashboard, the mediator's worklists (waiting and mine), a worker's case page and the home
page (the worker's and the mediator's). VmRSS of each child of the gunicorn master is read
from /proc before the mix and after each checkpoint (by default 5,000 and 10,000 requests of
the mix, sent by 4 clients): a worker that keeps growing between the checkpoints is holding
on to something per request.

    python -m bench.memory --database postgresql://postgres@127.0.0.1:5432/mediation_bench

Sizes are MB of 2^20 bytes, as ps and top count them.
"""

import json
from pathlib import Path

import psycopg

from bench import options
from bench.hammer import Target, drive

CHECKPOINTS = (5_000, 10_000)


def _workers(master_pid: int) -> list[int]:
    """The master's children: its web workers."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return sorted(int(pid) for pid in children)


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)  # the kernel counts in KiB
    raise ValueError(f"process {pid} has no resident set")


def _rss_of_workers(master_pid: int) -> dict[str, float]:
    return {str(pid): _rss_mb(pid) for pid in _workers(master_pid)}


def page_mix(cookies: dict[str, str], case_id: int) -> list[Target]:
    """The pages people use all day, each with its user's session cookie (``cookies`` by
    role: supervisor, mediator, worker)."""
    pages = [
        ("/stats/", "supervisor"),
        ("/queue", "mediator"),
        ("/queue?view=mine", "mediator"),
        (f"/cases/{case_id}", "worker"),
        ("/", "worker"),
        ("/", "mediator"),
    ]
    return [Target(path, {"Cookie": cookies[role]}) for path, role in pages]


def measure(
    base: str,
    master_pid: int,
    cookies: dict[str, str],
    case_id: int,
    checkpoints: tuple[int, ...] = CHECKPOINTS,
    concurrency: int = 4,
) -> dict:
    """Each worker's RSS before the mix and after ``checkpoints`` requests of it (counted from
    this call: start it on a server that has served little else), and the growth between the
    last two checkpoints. Each client starts at another page of the mix."""
    mix = page_mix(cookies, case_id)
    clients = [mix[i % len(mix) :] + mix[: i % len(mix)] for i in range(concurrency)]
    found: dict = {"before": _rss_of_workers(master_pid)}
    sent, errors = 0, 0
    for checkpoint in checkpoints:
        load = drive(base, clients, requests=checkpoint - sent)
        sent, errors = checkpoint, errors + load["errors"]
        found[f"after_{checkpoint}"] = _rss_of_workers(master_pid)
    first, last = (found[f"after_{checkpoint}"] for checkpoint in checkpoints[-2:])
    growth = {pid: round((last[pid] / first[pid] - 1) * 100, 1) for pid in last if pid in first}
    return found | {
        "requests": sent,
        "errors": errors,
        "max_rss_mb": max(last.values()),
        "growth_percent": growth,
        "max_growth_percent": max(growth.values()) if growth else None,
    }


def main() -> None:
    # bench.run imports this module for measure(); its server helpers are needed only here.
    from bench import run

    parser = options.parser(__doc__)
    parser.add_argument("--port", type=int, default=5621)
    args = parser.parse_args()
    env = options.app_env(args.database)
    run._forget_second_factors(args.database)
    with psycopg.connect(args.database) as connection:
        case_id = connection.execute(
            "SELECT c.id FROM cases c JOIN users u ON u.id = c.applicant_id"
            " WHERE u.username = 'worker1' ORDER BY c.id DESC LIMIT 1"
        ).fetchone()[0]
    server = run._serve(env, "wsgi:app", args.port)
    base = f"http://127.0.0.1:{args.port}"
    try:
        cookies = {
            role: run._session_cookie(base, username)
            for role, username in (
                ("supervisor", "supervisor1"),
                ("mediator", "med_hr"),
                ("worker", "worker1"),
            )
        }
        found = measure(base, server.pid, cookies, case_id)
    finally:
        server.terminate()
    print(json.dumps(found, indent=2))


if __name__ == "__main__":
    main()
