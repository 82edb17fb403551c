"""A small load generator, run as its own process: send requests from several client threads
for a while (or for a number of requests) and print latency percentiles and throughput as
JSON. GET one URL with a cookie, or POST a JSON body with a Bearer token per client:

    python -m bench.hammer http://127.0.0.1:5601/queue --cookie "session=…" --seconds 10
    python -m bench.hammer http://127.0.0.1:5601/api/v1/cases --json @body.json \
        --bearer TOKEN1 --bearer TOKEN2 --concurrency 8 --expect 201
"""

import argparse
import http.client
import itertools
import json
import statistics
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# Seconds sent before the counted ones, by default (see ``drive``).
WARMUP = 2.0


@dataclass(frozen=True)
class Target:
    """One request a client sends: a path (with its query) of the server, its headers, and
    for a POST its body."""

    path: str
    headers: dict[str, str] = field(default_factory=dict)
    method: str = "GET"
    body: bytes | None = None


def drive(
    base: str,
    clients: list[list[Target]],
    *,
    seconds: float | None = None,
    requests: int | None = None,
    expect: int = 200,
    warmup: float = 0,
    keep_latencies: bool = False,
) -> dict:
    """One thread per client, each sending its targets in turn over one kept-alive
    connection, until ``seconds`` have passed or ``requests`` were sent by all together.
    A request answered with another status than ``expect``, or not answered, is an error.

    The first ``warmup`` seconds are sent and not timed (their errors count): what a server
    does once after it starts (each worker's connections, compiled templates and statements,
    pages first read into PostgreSQL's cache) would otherwise fill the slowest twentieth of a
    ten-second run, where the p95 is read, and a server up for hours does not do it again.
    With ``keep_latencies`` the answer also holds every counted latency and the seconds they
    were counted over, to pool with other runs of the same page (bench/turns.py)."""
    parts = urlsplit(base)
    latencies: list[float] = []
    warmed: list[float] = []  # sent in the warm-up: not timed, but their errors count
    failures: dict[str, int] = {}
    first_failure: list[str] = []
    lock = threading.Lock()
    counted_from = time.perf_counter() + warmup
    deadline = counted_from + seconds if seconds is not None else float("inf")
    issued = itertools.count(1)  # next() is atomic under the GIL: a shared ticket counter

    def send(targets: list[Target]):
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        for target in itertools.cycle(targets):
            if time.perf_counter() >= deadline or (requests and next(issued) > requests):
                break
            started = time.perf_counter()
            try:
                connection.request(target.method, target.path, target.body, target.headers)
                response = connection.getresponse()
                answer = response.read()
                status = str(response.status)
            except (OSError, http.client.HTTPException) as error:
                connection.close()  # reconnects at the next request
                answer, status = str(error).encode(), type(error).__name__
            elapsed = time.perf_counter() - started
            with lock:
                if started >= counted_from:
                    latencies.append(elapsed)
                else:
                    warmed.append(elapsed)
                if status != str(expect):
                    failures[status] = failures.get(status, 0) + 1
                    if not first_failure:
                        first_failure.append(f"{status} {answer[:300].decode(errors='replace')}")
        connection.close()

    threads = [threading.Thread(target=send, args=(targets,)) for targets in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    counted = time.perf_counter() - counted_from
    found = summary(latencies, counted, len(warmed), failures)
    if failures:  # what went wrong, to read without rerunning
        found["first_error"] = first_failure[0]
    return found | ({"latencies": latencies, "seconds": counted} if keep_latencies else {})


def summary(latencies: list[float], seconds: float, warmed: int, failures: dict) -> dict:
    """Percentiles and throughput of the ``latencies`` (seconds) counted over ``seconds``;
    ``warmed`` requests were sent before and not timed; ``failures`` counts them by status."""
    ordered = sorted(latencies)
    found = {
        "requests": len(ordered),
        "errors": sum(failures.values()),
        "p50_ms": round(statistics.median(ordered) * 1000, 1) if ordered else None,
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 1) if ordered else None,
        "rps": round(len(ordered) / seconds, 1),
        "warmup_requests": warmed,
    }
    return found | ({"error_statuses": failures} if failures else {})


def hammer(
    url: str,
    cookie: str,
    seconds: float,
    concurrency: int,
    warmup: float = WARMUP,
    keep_latencies: bool = False,
) -> dict:
    """GET one URL with one session cookie from ``concurrency`` clients."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    target = Target(path, {"Cookie": cookie} if cookie else {})
    clients = [[target]] * concurrency
    return drive(url, clients, seconds=seconds, warmup=warmup, keep_latencies=keep_latencies)


def post_json(
    url: str,
    bodies: list[bytes],
    tokens: list[str | None],
    seconds: float,
    expect: int,
    warmup: float = WARMUP,
) -> dict:
    """POST JSON from one client per Bearer token (None: a client without one), client ``i``
    sending ``bodies[i % len(bodies)]``."""
    path = urlsplit(url).path
    clients = []
    for i, token in enumerate(tokens):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        clients.append([Target(path, headers, "POST", bodies[i % len(bodies)])])
    return drive(url, clients, seconds=seconds, expect=expect, warmup=warmup)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--cookie", default="")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument(
        "--warmup", type=float, default=WARMUP, help="seconds sent first and not counted"
    )
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument(
        "--json",
        action="append",
        default=[],
        help="POST this JSON body (@file reads a file); repeat: the clients take them in turn",
    )
    parser.add_argument(
        "--bearer",
        action="append",
        default=[],
        help="a client's API token (repeat: one client each, or --concurrency clients share)",
    )
    parser.add_argument("--expect", type=int, default=200, help="the status that is no error")
    parser.add_argument(
        "--latencies", action="store_true", help="also print every counted latency (GET only)"
    )
    args = parser.parse_args()
    if not args.json:
        found = hammer(
            args.url, args.cookie, args.seconds, args.concurrency, args.warmup, args.latencies
        )
        print(json.dumps(found))
        return
    bodies = []
    for body in args.json:
        if body.startswith("@"):
            with open(body[1:], "rb") as source:
                bodies.append(source.read())
        else:
            bodies.append(body.encode())
    tokens = args.bearer or [None]
    if len(tokens) < args.concurrency:
        tokens = [tokens[i % len(tokens)] for i in range(args.concurrency)]
    print(json.dumps(post_json(args.url, bodies, tokens, args.seconds, args.expect, args.warmup)))


if __name__ == "__main__":
    main()
