"""The background worker as production and `make run` start it: Celery worker processes
taking jobs from Redis or from the embedded SQLite queue, sending to a real HTTP gateway."""

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
import redis
from celery import Celery
from celery.signals import after_task_publish
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
# A line of a worker's log that ends a task: succeeded, raised, retried, rejected or ignored.
TASK_ENDED = re.compile(r"Task [\w.]+\[([\w-]+)\] (?!received)")


@pytest.fixture
def live_gateway():
    server = Gateway()
    yield server
    server.close()


class Worker:
    """`celery -A mediation.worker worker`, configured by the environment like a deployment,
    its log in a file that says which tasks it has run."""

    def __init__(self, app, gateway, broker, log: Path, *extra: str) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "MEDIATION_ENV": "development",
            "SECRET_KEY": "worker-test",
            "SMS_GATEWAY_URL": gateway.url,
            "MEDIATION_INSTANCE_DIR": str(log.parent),
            "REDIS_URL": broker if broker.startswith("redis") else "",
        }
        command = [sys.executable, "-m", "celery", "-A", "mediation.worker", "worker"]
        # Without the start-up round that asks other workers for their state (a second's wait
        # for answers), like bench/cluster.py's workers.
        command += ["--loglevel=info", "--without-heartbeat", "--without-gossip"]
        command += ["--without-mingle", *extra]
        self.log = log
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                command,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its pool's processes with it, for stop()
            )

    def ended_tasks(self) -> set[str]:
        return set(TASK_ENDED.findall(self.log.read_text(errors="replace")))

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            log = self.log.read_text(errors="replace")[-2000:]
            raise AssertionError(f"a worker died: {log}")

    def stop(self) -> None:
        """Kill it with its pool at once: the tests wait for every task they sent to end first,
        so a warm shutdown (seconds of Celery's own polling) would have nothing left to do."""
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


@contextmanager
def sent_tasks() -> Iterator[set[str]]:
    """The ids of the Celery tasks this process sends meanwhile (the test's own, and the
    nudges its requests send after a commit)."""
    sent: set[str] = set()

    def note(headers=None, **_) -> None:
        sent.add(headers["id"])

    after_task_publish.connect(note, weak=False)
    try:
        yield sent
    finally:
        after_task_publish.disconnect(note)


def queue_messages(count: int) -> None:
    for index in range(count):
        notify([Contact(phone=f"139{index:08d}")], "withdrawn", number=f"LD-2026-{index:06d}")
    db.session.commit()


def wait_for(condition, workers, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        for worker in workers:
            worker.check_alive()
        assert time.monotonic() < deadline, "the workers did not deliver in time"
        time.sleep(0.05)


def run_out(sent: set[str], workers) -> None:
    """Wait until every task sent has ended in one of the workers: nothing is left running
    that could still send."""
    wait_for(lambda: sent <= set().union(*(worker.ended_tasks() for worker in workers)), workers)


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
        Worker(
            app, live_gateway, REDIS_URL, tmp_path / f"w{i}.log", "--concurrency=2", f"-n w{i}@%h"
        )
        for i in range(2)
    ]
    try:
        client = Celery(broker=REDIS_URL)
        with sent_tasks() as sent:
            # Twenty small jobs at once: four processes race for the same rows.
            for _ in range(20):
                client.send_task(DELIVER, kwargs={"limit": 5})
        assert len(sent) == 20
        wait_for(lambda: len(live_gateway.accepted) == 100, workers)
        run_out(sent, workers)
    finally:
        for worker in workers:
            worker.stop()
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
    worker = Worker(app, live_gateway, broker, tmp_path / "worker.log", "--pool=solo")
    web = make_app(app.config["SQLALCHEMY_DATABASE_URI"], CELERY_BROKER_URL=broker)
    pending = select(func.count(CaseDocument.id)).where(CaseDocument.pdf_pending)
    try:
        with sent_tasks() as nudges:
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
        run_out(nudges, [worker])
    finally:
        worker.stop()
    assert set(live_gateway.accepted.values()) == {1}
