"""The background jobs on Celery: delivering the outbox, storing the PDFs of documents just
issued, the deadline sweep, sealing the audit log, cleaning up (spent codes, and files
uploaded for filings that never happened).

Production runs Celery workers (any number, on any machine) and one ``celery beat`` against
Redis; ``make run`` runs one worker with beat inside it against a SQLite file (see config).
Beat's schedule is the safety net: every job is also safe to run at any moment, by any worker.
Requests nudge a worker after a commit that queued messages or issued documents, so an SMS
leaves and a PDF is stored in seconds rather than at the next beat.
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
from mediation.delivery import outbox
from mediation.delivery.outbox import deliver_due
from mediation.documents import records
from mediation.extensions import db
from mediation.localtime import local_today
from mediation.models import VerificationCode
from mediation.models.types import utcnow

log = logging.getLogger(__name__)

DELIVER = "mediation.deliver"
STORE_PDFS = "mediation.store_pdfs"
SWEEP = "mediation.sweep_deadlines"
CLEANUP = "mediation.cleanup"
SEAL = "mediation.seal_audit_log"

SCHEDULE = {
    # Retries fall due every 30 s or more (outbox.RETRY_DELAYS).
    "deliver": {"task": DELIVER, "schedule": timedelta(seconds=20)},
    "store_pdfs": {"task": STORE_PDFS, "schedule": timedelta(minutes=1)},
    "sweep": {"task": SWEEP, "schedule": timedelta(minutes=5)},
    "cleanup": {"task": CLEANUP, "schedule": timedelta(hours=6)},
    "seal": {"task": SEAL, "schedule": timedelta(minutes=1)},
}


# The jobs, each safe to run at any moment from any worker (and from tests, directly).


def deliver(limit: int = 100) -> dict:
    return vars(deliver_due(limit=limit))


def store_pdfs() -> int:
    """The Chinese PDFs of documents issued since the last run (``records.store_pending``)."""
    return records.store_pending()


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


JOBS = {
    DELIVER: deliver,
    STORE_PDFS: store_pdfs,
    SWEEP: sweep_deadlines,
    CLEANUP: cleanup,
    SEAL: seal_audit_log,
}
# What a commit left for a worker (a flag in the session's info) → the job to nudge.
NUDGED = {outbox.WAITING: DELIVER, records.PDFS_WAITING: STORE_PDFS}


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
    """After a commit that queued messages or issued documents, ask a worker of this app's
    queue to deliver them or store their PDFs now.

    The session is shared by every app of the process (tests make many), so the listeners are
    installed once and find the app's Celery at commit time; an app without a queue
    (the tests' configuration) nudges nobody."""
    if app.config["CELERY_BROKER_URL"]:
        make_celery(app)
    if not event.contains(db.session, "after_commit", _nudge):
        event.listen(db.session, "after_commit", _nudge)
        event.listen(db.session, "after_rollback", _forget)


def _nudge(session) -> None:
    waiting = [job for flag, job in NUDGED.items() if session.info.pop(flag, False)]
    if not waiting or not has_app_context():
        return
    celery = current_app.extensions.get("celery")
    if celery is None:
        return
    try:
        for job in waiting:
            celery.send_task(job)
    except (KombuError, OSError) as error:
        # The work is safe in the database; beat runs it at its next round.
        log.warning("could not nudge a worker: %s", error)


def _forget(session) -> None:
    for flag in NUDGED:
        session.info.pop(flag, None)
