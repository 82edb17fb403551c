"""The background worker as production and `make run` start it: Celery worker processes
taking jobs from Redis or from the embedded SQLite queue, sending to a real HTTP gateway."""

import os
import subprocess
import sys
import time

import pytest
import redis
from celery import Celery
from sqlalchemy import func, select

from mediation.core.notifications import notify
from mediation.core.recipients import Contact
from mediation.delivery.tasks import DELIVER
from mediation.extensions import db
from mediation.models import CaseDocument, DeliveryStatus, OutboxMessage
from tests.conftest import make_app, skip_or_fail
from tests.delivery.gateway import Gateway
from tests.factories import filed_case

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


@pytest.fixture
def live_gateway():
    server = Gateway()
    yield server
    server.close()


def start_worker(app, gateway, broker, tmp_path, *extra: str) -> subprocess.Popen:
    """`celery -A mediation.worker worker`, configured by the environment like a deployment."""
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "MEDIATION_ENV": "development",
        "SECRET_KEY": "worker-test",
        "SMS_GATEWAY_URL": gateway.url,
        "MEDIATION_INSTANCE_DIR": str(tmp_path),
        "REDIS_URL": broker if broker.startswith("redis") else "",
    }
    command = [sys.executable, "-m", "celery", "-A", "mediation.worker", "worker"]
    return subprocess.Popen(
        [*command, "--loglevel=warning", "--without-heartbeat", "--without-gossip", *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def queue_messages(count: int) -> None:
    for index in range(count):
        notify([Contact(phone=f"139{index:08d}")], "withdrawn", number=f"LD-2026-{index:06d}")
    db.session.commit()


def wait_for(condition, workers, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        for worker in workers:
            if worker.poll() is not None:
                raise AssertionError(f"a worker died: {worker.stderr.read().decode()[-2000:]}")
        assert time.monotonic() < deadline, "the workers did not deliver in time"
        time.sleep(0.2)


def stop(workers) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


@pytest.mark.commits
@pytest.mark.postgresql_only
def test_two_workers_on_postgresql_and_redis_deliver_a_hundred_messages_each_once(
    app, live_gateway, tmp_path
):
    try:
        redis.Redis.from_url(REDIS_URL).flushdb()
    except redis.ConnectionError:
        skip_or_fail("redis", f"no Redis at {REDIS_URL}")
    queue_messages(100)
    workers = [
        start_worker(app, live_gateway, REDIS_URL, tmp_path, "--concurrency=2", f"-n w{i}@%h")
        for i in range(2)
    ]
    try:
        client = Celery(broker=REDIS_URL)
        # Twenty small jobs at once: four processes race for the same rows.
        for _ in range(20):
            client.send_task(DELIVER, kwargs={"limit": 5})
        wait_for(lambda: len(live_gateway.accepted) == 100, workers)
    finally:
        stop(workers)
    assert len(live_gateway.received) == 100 and set(live_gateway.accepted.values()) == {1}
    db.session.expire_all()
    statuses = db.session.scalars(select(OutboxMessage.status)).all()
    assert statuses == [DeliveryStatus.sent] * 100


@pytest.mark.commits
@pytest.mark.sqlite_only
def test_the_embedded_worker_of_make_run_delivers_without_redis_when_nudged(
    app, demo, live_gateway, tmp_path
):
    """`make run`'s worker, its queue a SQLite file. Beat is left out here: the web process's
    commit alone (the nudge after a commit that queued messages or issued a document) must
    make it deliver and store the document's PDF."""
    broker = f"sqla+sqlite:///{tmp_path / 'queue.sqlite'}"
    worker = start_worker(app, live_gateway, broker, tmp_path, "--pool=solo")
    web = make_app(app.config["SQLALCHEMY_DATABASE_URI"], CELERY_BROKER_URL=broker)
    pending = select(func.count(CaseDocument.id)).where(CaseDocument.pdf_pending)
    try:
        with web.app_context():
            queue_messages(3)
        wait_for(lambda: len(live_gateway.accepted) == 3, [worker])
        with web.test_request_context():
            filed_case()  # its application, issued
            assert db.session.scalar(pending) > 0

        def stored() -> bool:
            with db.engine.connect() as connection:  # what the worker committed meanwhile
                return connection.scalar(pending) == 0

        wait_for(stored, [worker])
    finally:
        stop([worker])
    assert set(live_gateway.accepted.values()) == {1}
