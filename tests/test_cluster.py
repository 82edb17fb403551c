"""Several processes, one truth: `make cluster` in short (bench/cluster.py, the same code).

Two gunicorn instances and two Celery workers on this test's PostgreSQL database and a Redis
database of its own, a few seconds of cases filed, claimed, accepted, mediated, discussed and
closed through both instances (and on until three cases went the whole way: on a busy machine
a few seconds may take none that far), one instance killed with SIGKILL at a random moment
and one worker while it sends an SMS. Afterwards, what an operator checks: the figures and the
audit log verify, each notice reached the gateway once, every filing answered 201 exists, no
case is half-written, only the killed instance failed to answer, and the survivors did the
rest.
"""

import json
import os
import urllib.parse

import pytest
import redis

from bench import cluster
from tests.conftest import skip_or_fail

# The cluster's processes write through connections of their own.
pytestmark = [pytest.mark.postgresql_only, pytest.mark.commits]


def cluster_redis_url() -> str:
    """The Redis database next to TEST_REDIS_URL's: the delivery worker's test empties that
    one, and may run at the same time in another pytest-xdist process."""
    given = urllib.parse.urlsplit(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14"))
    number = int(given.path.strip("/") or 0)
    return given._replace(path=f"/{number + 1 if number < 15 else number - 1}").geturl()


@pytest.fixture
def redis_url() -> str:
    url = cluster_redis_url()
    try:
        redis.Redis.from_url(url).ping()
    except redis.ConnectionError:
        skip_or_fail("redis", f"no Redis at {url}")
    return url


def test_an_app_instance_and_a_worker_killed_mid_load_lose_nothing_and_send_nothing_twice(
    app, demo, redis_url, tmp_path
):
    settings = cluster.Settings(
        database=app.config["SQLALCHEMY_DATABASE_URI"],
        redis=redis_url,
        seconds=3,
        min_journeys=3,
        kill=True,
        web_workers=1,
        celery_concurrency=1,
        beat=False,
        clients=4,
        lease_seconds=3,
        job_interval=0.5,
        directory=tmp_path,
    )
    summary = cluster.run(settings, app)
    failed = {name: check for name, check in summary["checks"].items() if not check["ok"]}
    assert not failed, json.dumps(failed, indent=1, ensure_ascii=False, default=str)
    assert summary["filings_answered_201"] and summary["kills"]["web"]
    assert summary["kills"]["worker"]
