"""The background jobs on Celery: delivering the outbox, the deadline sweep, sealing the audit
log, cleaning up (spent codes, and files uploaded for filings that never happened).

Production runs Celery workers (any number, on any machine) and one ``celery beat`` against
Redis; ``make run`` runs one worker with beat inside it against a SQLite file (see config).
Beat's schedule is the safety net: every job is also safe to run at any moment, by any worker.
Requests nudge a worker after a commit that queued messages, so an SMS leaves in seconds
rather than at the next beat.
"""

import logging
from datetime import datetime, timedelta

from celery import Celery, Task
from flask import Flask, current_app, has_app_context
from kombu.exceptions import KombuError
from sqlalchemy import delete, event

from mediation import uploads
from mediation.auth import codes
from mediation.cases import filing
from mediation.cases.sweep import sweep
from mediation.core import audit_chain
from mediation.delivery.outbox import deliver_due
from mediation.extensions import db
from mediation.localtime import local_today
from mediation.models import VerificationCode
from mediation.models.types import utcnow

log = logging.getLogger(__name__)

DELIVER = "mediation.deliver"
SWEEP = "mediation.sweep_deadlines"
CLEANUP = "mediation.cleanup"
SEAL = "mediation.seal_audit_log"

SCHEDULE = {
    # Retries fall due every 30 s or more (outbox.RETRY_DELAYS).
    "deliver": {"task": DELIVER, "schedule": timedelta(seconds=20)},
    "sweep": {"task": SWEEP, "schedule": timedelta(minutes=5)},
    "cleanup": {"task": CLEANUP, "schedule": timedelta(hours=6)},
    "seal": {"task": SEAL, "schedule": timedelta(minutes=1)},
}


# The jobs, each safe to run at any moment from any worker (and from tests, directly).


def deliver(limit: int = 100) -> dict:
    return vars(deliver_due(limit=limit))


def sweep_deadlines() -> dict:
    """One deadline sweep, committed batch by batch (``cases.sweep.sweep``)."""
    return vars(sweep(local_today(), end_batch=db.session.commit))


def cleanup(now: datetime | None = None) -> int:
    """Codes that can no longer be used are kept a day for the audit, then deleted; the codes
    in sent texts are blanked. Files uploaded for a filing that did not happen are deleted 24
    hours after the form last carried them, unless a draft saved since still does
    (``uploads.sweep_staged``). Returns how many codes went."""
    now = now or utcnow()
    stale = VerificationCode.expires_at < now - timedelta(days=1)
    gone = db.session.execute(delete(VerificationCode).where(stale)).rowcount
    gone += codes.forget_spent_codes()
    files = uploads.sweep_staged(
        now=now,
        carried_by_drafts=lambda: filing.staged_in_drafts(since=now - uploads.STAGED_LIFETIME),
    )
    if files:
        log.info("deleted %d file(s) uploaded for filings that never happened", files)
    db.session.commit()
    return gone


def seal_audit_log() -> int:
    return audit_chain.seal()


JOBS = {DELIVER: deliver, SWEEP: sweep_deadlines, CLEANUP: cleanup, SEAL: seal_audit_log}


def make_celery(app: Flask) -> Celery:
    class AppTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.import_name, broker=app.config["CELERY_BROKER_URL"], task_cls=AppTask)
    celery.conf.update(
        task_ignore_result=True,
        timezone="Asia/Shanghai",
        beat_schedule=SCHEDULE,
        broker_connection_retry_on_startup=True,
        # A nudge lost with a dead worker is replaced by beat's next round.
        task_acks_late=False,
        worker_prefetch_multiplier=1,
    )

    for name, job in JOBS.items():
        celery.task(name=name)(job)
    app.extensions["celery"] = celery
    return celery


def install_nudge(app: Flask) -> None:
    """After a commit that queued messages, ask a worker of this app's queue to deliver now.

    The session is shared by every app of the process (tests make many), so the listeners are
    installed once and find the app's Celery at commit time; an app without a queue
    (the tests' configuration) nudges nobody."""
    if app.config["CELERY_BROKER_URL"]:
        make_celery(app)
    if not event.contains(db.session, "after_commit", _nudge):
        event.listen(db.session, "after_commit", _nudge)
        event.listen(db.session, "after_rollback", _forget)


def _nudge(session) -> None:
    if not session.info.pop("outbox_waiting", False) or not has_app_context():
        return
    celery = current_app.extensions.get("celery")
    if celery is None:
        return
    try:
        celery.send_task(DELIVER)
    except (KombuError, OSError) as error:
        # The messages are safe in the outbox; beat delivers them at its next round.
        log.warning("could not nudge the delivery worker: %s", error)


def _forget(session) -> None:
    session.info.pop("outbox_waiting", None)
