"""Pages measured in turns, so that each is set against the bare page over the same stretch of
time.

The box is shared: the load generator, gunicorn and PostgreSQL take turns on two cores, and
what else runs there comes and goes. Measured for ten seconds each, one after the other, the
same pages on the same database gave ratios to the bare page of 1.17 to 2.06 (the waiting
worklist) and 2.09 to 4.71 (the last 365 days' dashboard) in four runs within twenty minutes
(5 Dec 2026, a million cases): a page and the bare page measured a minute apart differ by
whatever the box did meanwhile. Here every page, the bare page among them, is measured in
``ROUNDS`` slices taken in turn, each round in another order, each slice by the load
generator in a process of its own (bench/hammer.py); a page's latencies are pooled over its
slices. A passing load then falls on a slice of every page alike.
"""

import json
import subprocess
import sys
from pathlib import Path

from bench.hammer import WARMUP, summary

ROOT = Path(__file__).resolve().parents[1]
# Five slices of two seconds for ten seconds of a page: each slice still holds several
# hundred requests.
ROUNDS = 5
# Sent before each later slice and not counted, as before the first: each slice is a new
# load generator with new connections. (2 s instead changed nothing, 5 Dec 2026.)
SLICE_WARMUP = 0.5


def measure(pages: dict[str, tuple[str, str]], seconds: float, rounds: int = ROUNDS) -> dict:
    """p50, p95 and requests a second of each page (name → URL and the cookie to send),
    counted over ``seconds`` in all, in ``rounds`` turns. Each round starts one page further
    on, so that no page always follows the same one. A page's first slice warms up as a page
    measured alone does, the later ones briefly."""
    names = list(pages)
    slices: dict[str, list[dict]] = {name: [] for name in names}
    for turn in range(rounds):
        for name in names[turn % len(names) :] + names[: turn % len(names)]:
            url, cookie = pages[name]
            warmup = SLICE_WARMUP if slices[name] else WARMUP
            slices[name].append(_slice(url, cookie, seconds / rounds, warmup))
    return {name: _pooled(slices[name]) for name in names}


def _slice(url: str, cookie: str, seconds: float, warmup: float) -> dict:
    command = [sys.executable, "-m", "bench.hammer", url, "--cookie", cookie]
    command += ["--seconds", str(seconds), "--warmup", str(warmup), "--latencies"]
    output = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(output.stdout)


def _pooled(slices: list[dict]) -> dict:
    failures: dict[str, int] = {}
    for found in slices:
        for status, count in found.get("error_statuses", {}).items():
            failures[status] = failures.get(status, 0) + count
    pooled = summary(
        [latency for found in slices for latency in found["latencies"]],
        sum(found["seconds"] for found in slices),
        sum(found["warmup_requests"] for found in slices),
        failures,
    )
    first_error = next((found["first_error"] for found in slices if "first_error" in found), None)
    return pooled | {"rounds": len(slices)} | ({"first_error": first_error} if first_error else {})
