"""Several processes, one truth (issue 19): the production topology on one machine under a
mixed load, then the checks an operator would make after it.

Two gunicorn instances, each on its own port, two Celery workers and one beat share a PostgreSQL
database and a Redis database; the workers send SMS to a real HTTP gateway
(tests.delivery.gateway). Client threads walk cases through both instances, each request to
the next live one as a load balancer would: a worker files (API), views the case (API and
page), the mediator's claim is sent to both instances at once (one must win), the case is
accepted and mediated or declined, the worker, the mediator and the employer write to the
conversation, pages are viewed (case page, worklist, dashboard), and the case is left open,
failed or withdrawn. The load lasts ``seconds``, and longer until a few journeys reached their
end (``min_journeys``): a short run on a busy machine still checks real work. Beat's rounds
are compressed: delivery, sealing and the deadline sweep are also sent every few seconds, each
twice so both workers run them at once.

With ``kill``, one app instance (its whole process group, master and workers) is killed
with SIGKILL at a random moment, and one Celery worker as soon as it is sending an SMS after
another random moment (its requests carry its own gateway token). The clients carry on with
the survivor; the outbox leases of the dead worker run out (``OUTBOX_LEASE_SECONDS``) and
the survivor sends those messages.

Then it waits until nothing is left to send or seal and checks: ``flask figures verify`` and
``flask audit verify`` pass, every audit event is sealed, each notice was written once and
reached the gateway once (it may go again with the same id, which a gateway drops, only when
its sender could not record the first try: it timed out, or the sender was killed), every
SMS in the outbox was sent, every filing answered 201 exists with its number, no case is
half-written, no answer was a server error or an unexpected refusal, exactly one of two
simultaneous claims won, only the killed instance failed to answer, and the survivors did
the work after the kills. Prints a JSON summary; exits 1 if a check fails.

The settings are development's (production refuses the demo's accounts, whose password is
public), with what production requires: Redis for the queue and the sign-in throttle, a
real SMS gateway, one SECRET_KEY for every process.

    python -m bench.cluster [--seconds 60] [--kill] [--database URL] [--redis URL]

The database is dropped and made again (migrations, ``flask seed-demo``); the Redis database
is emptied: give each a name of its own.
"""

import argparse
import http.client
import itertools
import json
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import redis
from celery import Celery
from flask import Flask
from sqlalchemy import func, select, text

from bench.run import ROOT, _flask, _fresh_database, _session_cookie
from mediation import create_app
from mediation.auth import accounts
from mediation.cases.triggers import action_for
from mediation.delivery.tasks import DELIVER, SEAL, SWEEP
from mediation.extensions import db
from mediation.models import (
    AuditEvent,
    AuditSeal,
    DeliveryChannel,
    DeliveryStatus,
    OutboxMessage,
    User,
)
from mediation.models.types import utcnow
from tests.api.bodies import body as filing_body
from tests.delivery.gateway import Gateway

BIN = Path(sys.executable).parent
DATABASE = "postgresql://postgres@127.0.0.1:5432/mediation_cluster"
REDIS = "redis://127.0.0.1:6379/12"
# Who acts: the demo's two workers file (for the employer employer1 represents, routed to
# med_hr's street centre), med_hr mediates, supervisor1 reads the dashboard.
WORKERS = ("worker1", "worker2")
MEDIATOR, EMPLOYER, SUPERVISOR = "med_hr", "employer1", "supervisor1"
REASON = {"reason": "集群测试：申请人已与单位自行协商"}
# The triggers the load fires, with the document each issues (filing issues the application).
TRIGGERS = ("accept", "decline", "mediate", "fail", "withdraw")
# Notices the load causes at most once per case and recipient: filing, claim, each trigger.
ONCE_PER_CASE = (
    "case_filed",
    "new_case",
    "against_company",
    "claimed",
    "accepted",
    "declined",
    "mediating",
    "failed",
    "withdrawn",
)
REQUEST_TIMEOUT = 60
LISTENING = re.compile(r"Listening at: (http://127\.0\.0\.1:\d+)")


@dataclass
class Settings:
    database: str = DATABASE
    redis: str = REDIS
    seconds: float = 60
    # The load goes on after ``seconds`` until this many journeys reached their end (filing,
    # the claim race, acceptance, mediation, the conversation, the views), for at most
    # ``most_seconds`` in all: on a busy machine a few seconds may finish none, and the checks
    # would then hold over nothing.
    min_journeys: int = 3
    most_seconds: float = 300
    kill: bool = False
    web_workers: int = 2
    web_threads: int = 4
    celery_concurrency: int = 2
    beat: bool = True
    clients: int = 6
    # Seconds a deliverer holds its claimed messages: the survivors resend the dead worker's
    # messages after it (production: 300).
    lease_seconds: int = 10
    # Beat's rounds, compressed: every so many seconds delivery, sealing and the sweep.
    job_interval: float = 2.0
    # The longest wait for the outbox to empty and the audit log to be sealed after the load.
    drain_seconds: float = 120
    seed: int | None = None
    directory: Path | None = None


# The processes.


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path
    killed_at: float | None = None

    def kill(self) -> None:
        """SIGKILL to the whole process group: a gunicorn master and its workers, a Celery
        worker and its pool, as if the machine lost them."""
        self.killed_at = time.monotonic()
        with suppress(ProcessLookupError):  # the whole group is gone already
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait()

    def log_tail(self, characters: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-characters:]


class Cluster:
    """The processes of one run, on this machine, and the SMS gateway they send to."""

    def __init__(self, settings: Settings, directory: Path, secret_key: str) -> None:
        self.settings = settings
        self.directory = directory
        self.secret_key = secret_key
        self.gateway = Gateway()
        # Each instance's address, once it listens (on a port the kernel chose).
        self.bases: list[str] = []
        self.webs: list[Process] = []
        self.workers: list[Process] = []
        self.others: list[Process] = []

    def environment(self, **extra: str) -> dict:
        return {
            **os.environ,
            "MEDIATION_ENV": "development",
            "DATABASE_URL": self.settings.database,
            "REDIS_URL": self.settings.redis,
            "SECRET_KEY": self.secret_key,
            "SMS_GATEWAY_URL": self.gateway.url,
            # A send cannot outlast half the lease, after which the deliverer starts none.
            "SMS_GATEWAY_TIMEOUT": str(max(1.0, self.settings.lease_seconds / 3)),
            "OUTBOX_LEASE_SECONDS": str(self.settings.lease_seconds),
            "MEDIATION_INSTANCE_DIR": str(self.directory),
            **extra,
        }

    def _start(self, name: str, command: list[str], **extra: str) -> Process:
        log = self.directory / f"{name}.log"
        with log.open("wb") as output:
            popen = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.environment(**extra),
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return Process(name, popen, log)

    def launch(self) -> None:
        """Start every process; ``wait_until_ready`` waits for them."""
        settings = self.settings
        for index in range(2):
            command = [str(BIN / "gunicorn"), "--workers", str(settings.web_workers)]
            command += ["--threads", str(settings.web_threads), "--bind", "127.0.0.1:0"]
            # Each instance on its own: the default control socket is one path per machine.
            command.append("--no-control-socket")
            self.webs.append(self._start(f"web{index}", [*command, "wsgi:app"]))
        celery = [str(BIN / "celery"), "-A", "mediation.worker"]
        for name in ("a", "b"):
            worker = [*celery, "worker", "-n", f"{name}@%h", "--loglevel=info"]
            worker += [f"--concurrency={settings.celery_concurrency}", "--without-gossip"]
            worker += ["--without-heartbeat", "--without-mingle"]
            # Each worker's gateway token says which one sent an SMS.
            self.workers.append(
                self._start(f"worker-{name}", worker, SMS_GATEWAY_TOKEN=self.token_of(name))
            )
        if settings.beat:
            schedule = str(self.directory / "celerybeat-schedule")
            beat = [*celery, "beat", "--loglevel=info", "--schedule", schedule]
            self.others.append(self._start("beat", beat))

    def wait_until_ready(self, timeout: float = 120) -> None:
        """Each instance answers a page and each worker has said it is ready (generous: on a
        busy machine of two cores, starting takes many seconds)."""
        deadline = time.monotonic() + timeout
        self.bases = [self._address(web, deadline) for web in self.webs]
        waiting = [*self.webs, *self.workers]
        while waiting:
            for process in list(waiting):
                if process.popen.poll() is not None:
                    raise RuntimeError(f"{process.name} did not start:\n{process.log_tail()}")
                if self._ready(process):
                    waiting.remove(process)
            if time.monotonic() > deadline:
                names = ", ".join(process.name for process in waiting)
                raise RuntimeError(f"not ready within {timeout} s: {names}")
            time.sleep(0.2)

    @staticmethod
    def _address(web: Process, deadline: float) -> str:
        """Where gunicorn says it listens."""
        while time.monotonic() < deadline and web.popen.poll() is None:
            found = LISTENING.search(web.log.read_text(errors="replace"))
            if found:
                return found.group(1)
            time.sleep(0.1)
        raise RuntimeError(f"{web.name} does not listen:\n{web.log_tail()}")

    def _ready(self, process: Process) -> bool:
        if process in self.workers:
            return b" ready." in process.log.read_bytes()
        try:
            _call(self.bases[self.webs.index(process)], "GET", "/login", timeout=5)
        except Unreachable:
            return False
        return True

    @staticmethod
    def token_of(worker: str) -> str:
        return f"cluster-worker-{worker}"

    @staticmethod
    def sender_of(headers: dict) -> str:
        return headers.get("Authorization", "").removeprefix("Bearer cluster-worker-")

    def processes(self) -> list[Process]:
        return [*self.webs, *self.workers, *self.others]

    def stop(self) -> None:
        """The checks are made: nothing is left to lose, and a graceful stop takes seconds."""
        for process in self.processes():
            if process.popen.poll() is None:
                process.kill()
        self.gateway.close()


# Requests, as a client sees them.


class Unreachable(Exception):
    """The instance did not answer: refused, reset, or no answer within the timeout."""


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer to count (a page view sent to the login page is a failure)."""

    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_KeepRedirects)


def _call(
    base: str,
    method: str,
    path: str,
    *,
    token: str | None = None,
    cookie: str | None = None,
    body: dict | None = None,
    timeout: float = REQUEST_TIMEOUT,
) -> tuple[int, bytes]:
    headers = {"Accept-Language": "en"}
    data = None
    if body is not None:
        data = json.dumps(body, ensure_ascii=False).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if cookie:
        headers["Cookie"] = cookie
    request = urllib.request.Request(base + path, data=data, headers=headers, method=method)
    try:
        with _OPENER.open(request, timeout=timeout) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (OSError, http.client.HTTPException) as error:
        raise Unreachable(f"{type(error).__name__}: {error}") from None


class JourneyOver(Exception):
    """A step did not get the answer the journey needs; the client starts a new case."""


@dataclass
class Tally:
    """What the clients saw, per action and answer, shared by the client threads."""

    answers: dict = field(default_factory=lambda: defaultdict(Counter))
    per_instance: Counter = field(default_factory=Counter)
    # Requests that got no answer: per instance, and whether that instance had been killed.
    unreachable: Counter = field(default_factory=Counter)
    unexpected: list = field(default_factory=list)
    filed: dict = field(default_factory=dict)  # case id -> number, for every 201
    claim_races: Counter = field(default_factory=Counter)
    journeys_completed: int = 0
    served_after_kill: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def summary(self) -> dict:
        return {
            "answers": {action: dict(counts) for action, counts in sorted(self.answers.items())},
            "requests_per_instance": dict(self.per_instance),
            "unanswered": dict(self.unreachable),
            "unexpected_answers": self.unexpected[:20],
            "unexpected_count": len(self.unexpected),
            "filings_answered_201": len(self.filed),
            "claim_races": dict(self.claim_races),
            "journeys_completed": self.journeys_completed,
        }


class Load:
    """Client threads walking cases through the instances for ``seconds``, and on until
    ``min_journeys`` journeys reached their end."""

    def __init__(self, cluster: Cluster, tokens: dict, cookies: dict, rng: random.Random):
        self.cluster = cluster
        self.tokens = tokens
        self.cookies = cookies
        self.rng = rng
        self.tally = Tally()
        self.down: set[int] = set()
        self.killed: set[int] = set()
        self._turn = itertools.count()
        self.stopping = threading.Event()

    def pick(self) -> int:
        live = [index for index in range(len(self.cluster.bases)) if index not in self.down]
        if not live:
            raise JourneyOver("no instance answers")
        return live[next(self._turn) % len(live)]

    def ask(
        self,
        action: str,
        method: str,
        path: str,
        user: str,
        expected: tuple[int, ...],
        *,
        page: bool = False,
        body: dict | None = None,
        instance: int | None = None,
    ) -> tuple[int, dict]:
        """One request to the next live instance; the answer is counted and checked. Once
        the load's time is up, no new request leaves."""
        if self.stopping.is_set():
            raise JourneyOver("time is up")
        return self._send(action, method, path, user, expected, page, body, instance)

    def _send(
        self,
        action: str,
        method: str,
        path: str,
        user: str,
        expected: tuple[int, ...],
        page: bool,
        body: dict | None,
        instance: int | None,
    ) -> tuple[int, dict]:
        instance = self.pick() if instance is None else instance
        credentials = {"cookie": self.cookies[user]} if page else {"token": self.tokens[user]}
        prefix = "" if page else "/api/v1"
        try:
            status, content = _call(
                self.cluster.bases[instance], method, prefix + path, body=body, **credentials
            )
        except Unreachable as error:
            with self.tally.lock:
                killed = "killed" if instance in self.killed else "live"
                self.tally.unreachable[f"instance{instance}_{killed}"] += 1
                if instance not in self.killed:
                    self.tally.unexpected.append(
                        {"action": action, "instance": instance, "error": str(error)}
                    )
            # A load balancer takes an instance that does not answer out of the rotation.
            self.down.add(instance)
            raise JourneyOver(action) from None
        with self.tally.lock:
            self.tally.answers[action][str(status)] += 1
            self.tally.per_instance[f"instance{instance}"] += 1
            if self.killed and instance not in self.killed:
                self.tally.served_after_kill[f"instance{instance}"] += 1
            if status not in expected:
                self.tally.unexpected.append(
                    {
                        "action": action,
                        "instance": instance,
                        "status": status,
                        "answer": content[:300].decode(errors="replace"),
                    }
                )
        if status not in expected:
            raise JourneyOver(action)
        if page or not content:
            return status, {}
        return status, json.loads(content)

    def run(self, settings: Settings, chaos: list[Callable[["Load", float], None]]) -> None:
        threads = [
            threading.Thread(target=self._client, args=(index,), daemon=True)
            for index in range(self.cluster.settings.clients)
        ]
        started = time.monotonic()
        threads += [
            threading.Thread(target=disorder, args=(self, started), daemon=True)
            for disorder in chaos
        ]
        for thread in threads:
            thread.start()
        self.stopping.wait(settings.seconds)
        while (
            self.tally.journeys_completed < settings.min_journeys
            and time.monotonic() - started < settings.most_seconds
        ):
            time.sleep(0.1)
        self.stopping.set()
        for thread in threads:
            thread.join(timeout=REQUEST_TIMEOUT + 30)

    def _client(self, index: int) -> None:
        rng = random.Random(self.rng.random())
        while not self.stopping.is_set():
            try:
                self.journey(WORKERS[index % len(WORKERS)], rng)
            except JourneyOver:
                continue

    def journey(self, worker: str, rng: random.Random) -> None:
        """One case from filing to where the client leaves it, each step on the next instance."""
        _, case = self.ask("file", "POST", "/cases", worker, (201,), body=filing_body())
        case_id = case["id"]
        with self.tally.lock:
            self.tally.filed[case_id] = case["number"]
        self.ask("view_case_api", "GET", f"/cases/{case_id}", worker, (200,))
        self.ask("view_case_page", "GET", f"/cases/{case_id}", worker, (200,), page=True)
        self.ask("view_worklist_page", "GET", "/queue", MEDIATOR, (200,), page=True)
        self._claim_race(case_id)
        if rng.random() < 0.1:
            self.ask("decline", "POST", f"/cases/{case_id}/decline", MEDIATOR, (200,), body=REASON)
            return
        consent = {"respondent_consent": True, "consent_via": "phone"}
        self.ask("accept", "POST", f"/cases/{case_id}/accept", MEDIATOR, (200,), body=consent)
        self.ask("mediate", "POST", f"/cases/{case_id}/mediate", MEDIATOR, (200,), body={})
        for user, channel in ((worker, "joint"), (MEDIATOR, "applicant"), (EMPLOYER, "respondent")):
            message = {"channel": channel, "text": f"集群测试留言 {rng.randrange(10**6)}"}
            self.ask("message", "POST", f"/cases/{case_id}/messages", user, (201,), body=message)
        self.ask("view_messages_api", "GET", f"/cases/{case_id}/messages", worker, (200,))
        self.ask("view_case_page", "GET", f"/cases/{case_id}", MEDIATOR, (200,), page=True)
        self.ask("view_events_api", "GET", f"/cases/{case_id}/events", worker, (200,))
        self.ask("view_worklist_api", "GET", "/queue?view=mine", MEDIATOR, (200,))
        if rng.random() < 0.3:
            self.ask("view_dashboard_page", "GET", "/stats/", SUPERVISOR, (200,), page=True)
        ending = rng.random()
        if ending < 0.3:
            self.ask("fail", "POST", f"/cases/{case_id}/fail", MEDIATOR, (200,), body=REASON)
        elif ending < 0.5:
            self.ask("withdraw", "POST", f"/cases/{case_id}/withdraw", worker, (200,), body=REASON)
        with self.tally.lock:
            self.tally.journeys_completed += 1

    def _claim_race(self, case_id: int) -> None:
        """The mediator's claim sent to both instances at once (two devices, or a double
        click through the balancer): exactly one may win."""
        if self.stopping.is_set():
            raise JourneyOver("time is up")
        outcomes: list[int | str] = []
        path = f"/cases/{case_id}/claim"

        def claim(instance: int) -> None:
            try:
                status, _ = self._send(
                    "claim", "POST", path, MEDIATOR, (200, 409), False, None, instance
                )
                outcomes.append(status)
            except JourneyOver:
                outcomes.append("unanswered")

        first = self.pick()
        racers = [
            threading.Thread(target=claim, args=(instance,)) for instance in (first, self.pick())
        ]
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join()
        with self.tally.lock:
            if "unanswered" in outcomes:
                self.tally.claim_races["with_an_unanswered_claim"] += 1
            elif sorted(outcomes) == [200, 409]:
                self.tally.claim_races["one_winner"] += 1
            else:
                self.tally.claim_races["wrong_" + "_".join(map(str, sorted(outcomes)))] += 1
        if outcomes.count(200) != 1:
            raise JourneyOver("claim")


# Kills and compressed beat.


@dataclass
class Kills:
    web: dict = field(default_factory=dict)
    worker: dict = field(default_factory=dict)


def chaos(cluster: Cluster, app: Flask, kills: Kills, seconds: float, rng: random.Random):
    """Kill app instance 0 at a random moment and worker a as soon as it is sending an SMS
    after another random moment (or at the last moment if it sends none)."""
    web_at = rng.uniform(0.3, 0.6) * seconds
    worker_from = rng.uniform(0.3, 0.7) * seconds

    def kill_web(load: Load, started: float) -> None:
        if load.stopping.wait(web_at):
            return
        load.killed.add(0)
        cluster.webs[0].kill()
        load.down.add(0)
        kills.web = {"instance": 0, "at_seconds": round(time.monotonic() - started, 2)}

    def kill_worker(load: Load, started: float) -> None:
        if load.stopping.wait(worker_from):
            return
        kills.worker = _kill_worker_mid_send(cluster, started, deadline=0.9 * seconds)
        kills.worker["sms_waiting"] = _sms_waiting(app)

    return [kill_web, kill_worker]


def _kill_worker_mid_send(cluster: Cluster, started: float, deadline: float) -> dict:
    worker = cluster.workers[0]
    seen = len(cluster.gateway.headers)
    mid_send = False
    while time.monotonic() - started < deadline:
        headers = cluster.gateway.headers[seen:]
        seen += len(headers)
        if any(cluster.sender_of(sent) == "a" for sent in headers):
            mid_send = True
            break
        time.sleep(0.002)
    worker.kill()
    return {
        "worker": "a",
        "moment": utcnow(),
        "at_seconds": round(time.monotonic() - started, 2),
        "while_sending": mid_send,
        "gateway_requests_before": seen,
    }


@contextmanager
def compressed_beat(settings: Settings) -> Iterator[None]:
    """Beat's jobs every few seconds (its own schedule runs 20 s to 5 min apart), sealing and
    the sweep twice each round so both workers may run them at once."""
    client = Celery(broker=settings.redis)
    stop = threading.Event()

    def rounds() -> None:
        while not stop.is_set():
            for job in (DELIVER, SEAL, SEAL, SWEEP, SWEEP):
                client.send_task(job)
            stop.wait(settings.job_interval)

    thread = threading.Thread(target=rounds, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        client.close()


# The operator's side: tokens before the run, checks after it.


def operator_app(database: str, secret_key: str) -> Flask:
    """The app as an operator's `flask` command sees it: same database and secret key (the
    audit seals are keyed from it), no queue."""
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database,
            "SECRET_KEY": secret_key,
            "CELERY_BROKER_URL": None,
            "REDIS_URL": None,
        }
    )


def issue_tokens(app: Flask, usernames: tuple[str, ...]) -> dict[str, str]:
    """API tokens as each user would get from POST /api/v1/tokens (staff would add their
    authenticator code there)."""
    with app.app_context():
        users = db.session.scalars(select(User).where(User.username.in_(usernames))).all()
        tokens = {user.username: accounts.issue_api_token(user) for user in users}
        db.session.commit()
    return tokens


def _sms_waiting(app: Flask, created_after: datetime | None = None) -> int:
    """SMS not sent yet (or, given a moment, written after it)."""
    query = select(func.count()).where(OutboxMessage.channel == DeliveryChannel.sms)
    if created_after is None:
        query = query.where(OutboxMessage.status == DeliveryStatus.pending)
    else:
        query = query.where(OutboxMessage.created_at > created_after)
    with app.app_context():
        count = db.session.scalar(query)
        db.session.rollback()
    return count


def sign_in(cluster: Cluster, usernames: tuple[str, ...]) -> dict[str, str]:
    """Session cookies for the pages, signed in at both instances at once (staff set up their
    authenticator app on the way, as at a first sign-in)."""
    with ThreadPoolExecutor(len(usernames)) as pool:
        cookies = pool.map(
            lambda pair: _session_cookie(cluster.bases[pair[0] % 2], pair[1]),
            enumerate(usernames),
        )
        return dict(zip(usernames, cookies, strict=True))


def _pending(app: Flask) -> tuple[int, int]:
    """Messages still to send and audit events not yet sealed."""
    with app.app_context():
        waiting = db.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status == DeliveryStatus.pending)
        )
        unsealed = db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .outerjoin(AuditSeal, AuditSeal.event_id == AuditEvent.id)
            .where(AuditSeal.event_id.is_(None))
        )
        db.session.rollback()
    return waiting, unsealed


def drain(app: Flask, timeout: float) -> dict:
    """Wait for the surviving workers to send every message and seal every event."""
    started = time.monotonic()
    while True:
        waiting, unsealed = _pending(app)
        if (waiting, unsealed) == (0, 0) or time.monotonic() - started > timeout:
            break
        time.sleep(0.25)
    return {
        "ok": (waiting, unsealed) == (0, 0),
        "seconds": round(time.monotonic() - started, 1),
        "messages_waiting": waiting,
        "events_unsealed": unsealed,
    }


def _command(app: Flask, *args: str) -> dict:
    """A `flask` command, as `flask --app wsgi …` runs it (with its app context)."""
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args))
    output = result.output.strip() or repr(result.exception)
    return {"ok": result.exit_code == 0, "output": output[-1500:]}


def _rows(app: Flask, sql: str, **params) -> list:
    with app.app_context():
        rows = [tuple(row) for row in db.session.execute(text(sql), params)]
        db.session.rollback()
    return rows


def _listed(rows: list, limit: int = 10) -> dict:
    return {"ok": not rows, "count": len(rows), "examples": [list(row) for row in rows[:limit]]}


def half_written_cases(app: Flask) -> dict:
    """What one filing or one trigger writes in its one transaction, all of it or none: the
    case with its categories, claims, filing event, figures row and application; each state
    change with its event and its document."""
    documents = {"case.apply": "application"} | {
        f"case.{name}": action_for(name).document.value
        for name in TRIGGERS
        if action_for(name).document is not None
    }
    problems = {
        "without_filing_event": "SELECT c.id FROM cases c WHERE NOT EXISTS (SELECT 1 FROM"
        " audit_events e WHERE e.case_id = c.id AND e.action = 'case.apply')",
        "without_figures_row": "SELECT c.id FROM cases c WHERE NOT EXISTS (SELECT 1 FROM"
        " case_figures f WHERE f.case_id = c.id)",
        "without_claims": "SELECT c.id FROM cases c WHERE NOT EXISTS (SELECT 1 FROM claims"
        " x WHERE x.case_id = c.id)",
        "without_categories": "SELECT c.id FROM cases c WHERE NOT EXISTS (SELECT 1 FROM"
        " case_categories x WHERE x.case_id = c.id)",
        "state_not_the_last_transitions": "SELECT c.id, c.state::text, last.to_state FROM"
        " cases c JOIN LATERAL (SELECT e.to_state FROM audit_events e WHERE e.case_id = c.id"
        " AND e.to_state IS NOT NULL ORDER BY e.id DESC LIMIT 1) last ON true"
        " WHERE last.to_state <> c.state::text",
        "events_without_their_document": "SELECT e.case_id, e.action, count(*) FROM"
        " audit_events e JOIN (VALUES "
        + ", ".join(f"('{action}', '{kind}')" for action, kind in documents.items())
        + ") AS d(action, kind) ON d.action = e.action GROUP BY e.case_id, e.action, d.kind"
        " HAVING count(*) <> (SELECT count(*) FROM case_documents x WHERE x.case_id ="
        " e.case_id AND x.kind::text = d.kind AND x.supersedes_id IS NULL)",
    }
    found = {name: _listed(_rows(app, sql)) for name, sql in problems.items()}
    return {"ok": all(check["ok"] for check in found.values()), **found}


def notices(app: Flask, gateway: Gateway, sender_of: Callable[[dict], str], kills: Kills):
    """Each notice reached the gateway once, and every SMS of the outbox was sent.

    A message goes again, with the same id (which the gateway drops), only when its sender
    did not record the first try: it failed (a timeout: the deliverer counted the attempt) or
    the sender was killed before it could. Any other copy is a notice sent twice. And the
    notices the load causes once per case and recipient are written once."""
    copies: dict[str, list[str]] = defaultdict(list)
    for sent, headers in zip(gateway.received, gateway.headers, strict=True):
        copies[sent["id"]].append(sender_of(headers))
    with app.app_context():
        outbox = {
            row.message_id: row
            for row in db.session.execute(
                select(
                    OutboxMessage.message_id,
                    OutboxMessage.status,
                    OutboxMessage.channel,
                    OutboxMessage.attempts,
                    OutboxMessage.kind,
                    OutboxMessage.case_id,
                    OutboxMessage.recipient,
                )
            )
        }
        db.session.rollback()
    killed = kills.worker.get("worker")
    again = {message_id: by for message_id, by in copies.items() if len(by) > 1}
    twice = {
        message_id: by
        for message_id, by in again.items()
        if message_id not in outbox or len(by) > outbox[message_id].attempts + by.count(killed)
    }
    sms = {message_id for message_id, row in outbox.items() if row.channel is DeliveryChannel.sms}
    sent = {message_id for message_id in sms if outbox[message_id].status is DeliveryStatus.sent}
    repeated = Counter(
        (row.kind, row.case_id, row.recipient)
        for row in outbox.values()
        if row.kind in ONCE_PER_CASE and row.case_id is not None
    )
    written_twice = [list(key) for key, count in repeated.items() if count > 1]
    return {
        "ok": not twice and set(copies) == sent == sms and not written_twice,
        "gateway_requests": len(gateway.received),
        "distinct_messages": len(copies),
        "sent_again_with_the_same_id": len(again) - len(twice),
        "sent_twice": list(twice.items())[:10],
        "sms_in_outbox": len(sms),
        "sms_sent": len(sent),
        "outbox_sms_never_sent": sorted(sms - sent)[:10],
        "gateway_got_unknown_ids": sorted(set(copies) - sms)[:10],
        "written_twice": written_twice[:10],
        "by_worker": dict(Counter(by for senders in copies.values() for by in senders)),
    }


def filings_exist(app: Flask, filed: dict[int, str]) -> dict:
    ids = list(filed)
    with app.app_context():
        stored = dict(
            db.session.execute(
                text("SELECT id, number FROM cases WHERE id = ANY(:ids)"), {"ids": ids}
            ).all()
        )
        db.session.rollback()
    missing = [
        [case_id, number] for case_id, number in filed.items() if stored.get(case_id) != number
    ]
    return {"ok": not missing, "answered_201": len(filed), "missing_or_renumbered": missing[:10]}


def check(cluster: Cluster, app: Flask, load: Load, kills: Kills, drained: dict) -> dict:
    tally = load.tally
    killed_names = {f"instance{index}_killed" for index in load.killed}
    checks = {
        "drained": drained,
        "figures_verify": _command(app, "figures", "verify"),
        "audit_verify": _command(app, "audit", "verify"),
        "notices_once": notices(app, cluster.gateway, cluster.sender_of, kills),
        "filings_exist": filings_exist(app, tally.filed),
        "cases_whole": half_written_cases(app),
        "answers": {
            # 5xx, a refusal the journey did not expect, or a live instance not answering.
            "ok": not tally.unexpected,
            "unexpected": tally.unexpected[:20],
            "unanswered_by_killed_instance": sum(
                count for name, count in tally.unreachable.items() if name in killed_names
            ),
        },
        "claims_atomic": {
            "ok": set(tally.claim_races) <= {"one_winner", "with_an_unanswered_claim"},
            **tally.claim_races,
        },
        # The checks above hold over work that was done: whole journeys, a claim race won.
        "load_reached": {
            "ok": tally.journeys_completed >= cluster.settings.min_journeys
            and tally.claim_races["one_winner"] > 0,
            "journeys_completed": tally.journeys_completed,
            "journeys_wanted": cluster.settings.min_journeys,
        },
        "work_resumed": _resumed(cluster, app, load, kills),
    }
    return checks


def _resumed(cluster: Cluster, app: Flask, load: Load, kills: Kills) -> dict:
    """After the kills the survivors answered and sent (if there was anything to send); the
    processes not killed lived on."""
    crashed = [
        process.name
        for process in cluster.processes()
        if process.killed_at is None and process.popen.poll() is not None
    ]
    result = {"ok": not crashed, "crashed": crashed}
    if kills.web:
        served = sum(load.tally.served_after_kill.values())
        result |= {"survivor_answered_after_the_kill": served}
        result["ok"] &= served > 0
    if kills.worker:
        after = cluster.gateway.headers[kills.worker["gateway_requests_before"] :]
        sent_by_survivor = sum(1 for headers in after if cluster.sender_of(headers) == "b")
        due = kills.worker["sms_waiting"] + _sms_waiting(app, kills.worker["moment"])
        result |= {"sms_due_after_the_kill": due, "survivor_sent_after_the_kill": sent_by_survivor}
        result["ok"] &= sent_by_survivor > 0 or due == 0
    return result


# A run.


class Timings:
    """How long each phase of the run took, for the summary."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, phase: str) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            self.seconds[phase] = round(time.monotonic() - started, 1)


def _flush_redis(url: str) -> None:
    connection = redis.Redis.from_url(url)
    try:
        connection.flushdb()
    finally:
        connection.close()


def run(settings: Settings, app: Flask | None = None) -> dict:
    """Start the cluster on a database the demo world is in, load it, kill if asked, drain,
    check; returns the summary (``passed`` says whether every check held).

    ``app`` is the operator's app on that database (the tests' own); without it, one is made.
    The cluster's processes share its SECRET_KEY, which the audit seals are keyed from."""
    rng = random.Random(settings.seed)
    _flush_redis(settings.redis)
    # The processes' logs (and the instance folder they share); kept when a check fails.
    directory = settings.directory or Path(tempfile.mkdtemp(prefix="cluster-"))
    directory.mkdir(parents=True, exist_ok=True)
    app = app or operator_app(settings.database, secrets.token_urlsafe(48))
    cluster = Cluster(settings, directory, app.config["SECRET_KEY"])
    kills = Kills()
    timings = Timings()
    try:
        with timings("start"):
            cluster.launch()
            tokens = issue_tokens(app, (*WORKERS, MEDIATOR, EMPLOYER))
            cluster.wait_until_ready()
        with timings("sign_in"):
            cookies = sign_in(cluster, (*WORKERS, MEDIATOR, SUPERVISOR))
        load = Load(cluster, tokens, cookies, rng)
        with compressed_beat(settings):
            disorder = chaos(cluster, app, kills, settings.seconds, rng) if settings.kill else []
            with timings("load"):
                load.run(settings, disorder)
            with timings("drain"):
                drained = drain(app, settings.lease_seconds + settings.drain_seconds)
        with timings("checks"):
            checks = check(cluster, app, load, kills, drained)
    except BaseException:
        for process in cluster.processes():
            print(f"--- {process.name}\n{process.log_tail()}", file=sys.stderr)
        raise
    finally:
        with timings("stop"):
            cluster.stop()
        with app.app_context():
            db.session.remove()
    passed = all(result["ok"] for result in checks.values())
    if passed and settings.directory is None:
        shutil.rmtree(directory, ignore_errors=True)
    return {
        "seconds": settings.seconds,
        "kill": settings.kill,
        "phase_seconds": timings.seconds,
        "processes": {
            "web": f"2 gunicorn × {settings.web_workers} workers × {settings.web_threads} threads",
            "celery": f"2 workers × {settings.celery_concurrency}"
            + (" + beat" if settings.beat else ""),
            "clients": settings.clients,
        },
        "kills": {
            "web": kills.web,
            "worker": {key: value for key, value in kills.worker.items() if key != "moment"},
        },
        **load.tally.summary(),
        "checks": checks,
        "passed": passed,
        **({} if passed else {"logs": str(directory)}),
    }


def prepare(database: str) -> None:
    """A fresh database with the demo world (accounts and two live cases)."""
    _fresh_database(database)
    env = {**os.environ, "DATABASE_URL": database, "MEDIATION_ENV": "development"}
    _flask(env, "db", "upgrade")
    _flask(env, "seed-demo")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--kill", action="store_true", help="kill an app instance and a worker")
    parser.add_argument("--database", default=os.environ.get("CLUSTER_DATABASE_URL", DATABASE))
    parser.add_argument("--redis", default=os.environ.get("CLUSTER_REDIS_URL", REDIS))
    parser.add_argument("--seed", type=int)
    args = parser.parse_args()
    # The operator's app in this process reads its settings like the cluster's processes.
    os.environ["MEDIATION_ENV"] = "development"
    prepare(args.database)
    settings = Settings(
        database=args.database,
        redis=args.redis,
        seconds=args.seconds,
        kill=args.kill,
        seed=args.seed,
    )
    summary = run(settings)
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    if not summary["passed"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
