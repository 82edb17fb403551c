"""The outbox: every SMS and e-mail is a row written in the transaction that caused it, sent
after the commit by whichever deliverer claims it first, retried with growing pauses, and
marked failed for staff to see when the channel never takes it.

Never twice: a deliverer claims due rows with a lease in one short transaction (PostgreSQL
skips rows another deliverer is claiming; the lease condition, checked again by the UPDATE,
settles the race on either database), then sends each and records the answer at once. A
deliverer that dies mid-send leaves a lease that runs out, and the message goes again with the
same ``message_id``, which the gateway can recognise. A deliverer that is merely slow stops
sending once half its lease is spent and gives the rest back, so a message whose lease ran out
(and that another deliverer may hold by then) never leaves twice.
"""

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from mediation.core import audit
from mediation.delivery.channels import DeliveryFailed
from mediation.extensions import db
from mediation.models import Case, DeliveryChannel, DeliveryStatus, OutboxMessage, User
from mediation.models.types import utcnow
from mediation.validators import InvalidValue, normalise_mobile

# The pause after each failed try: the first retry within a minute, then doubling to an hour.
# Ten tries span about three hours, so a gateway down for an hour loses nothing.
RETRY_DELAYS = tuple(
    timedelta(seconds=seconds) for seconds in (30, 60, 120, 240, 480, 960, 1920, 3600, 3600)
)
MAX_TRIES = len(RETRY_DELAYS) + 1
SMS_LIMIT = 500
# Set in a session that queued messages: after its commit a worker is nudged to deliver them.
WAITING = "outbox_waiting"


def queue(
    channel: DeliveryChannel,
    recipient: str,
    body: str,
    *,
    kind: str,
    subject: str = "",
    user: User | None = None,
    case: Case | None = None,
) -> OutboxMessage:
    """Add a message to the outbox in the current transaction; it leaves after the commit."""
    if channel is DeliveryChannel.sms and len(body) > SMS_LIMIT:
        body = body[: SMS_LIMIT - 1] + "…"
    message = OutboxMessage(
        channel=channel,
        recipient=recipient,
        subject=(subject or body)[:200],
        body=body,
        kind=kind,
        user=user,
        case=case,
    )
    if channel is DeliveryChannel.sms and not _is_mainland_mobile(recipient):
        # A gateway would refuse it ten times over; staff see why at once instead.
        message.status = DeliveryStatus.failed
        message.last_error = "not a mainland mobile number"
    db.session.add(message)
    db.session.info[WAITING] = True
    return message


def _is_mainland_mobile(phone: str) -> bool:
    try:
        return normalise_mobile(phone) == phone
    except InvalidValue:
        return False


@dataclass
class Report:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def deliver_due(*, limit: int = 100, now: datetime | None = None) -> Report:
    """Send the messages that are due; ``now`` lets tests move time on. Commits as it goes:
    this is a background job, never part of a request's transaction."""
    now = now or utcnow()
    report = Report()
    lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    # Half the lease, so that a send begun just before it (up to the channel's timeout, 10 or
    # 20 s against the default 5 min) ends while the message is still this deliverer's.
    send_until = time.monotonic() + lease.total_seconds() / 2
    claimed = claim(limit, now, lease)
    for position, message_id in enumerate(claimed):
        if time.monotonic() >= send_until:
            _give_back(claimed[position:], now + lease)
            break
        message = db.session.get(OutboxMessage, message_id)
        sender = current_app.extensions["delivery_channels"][message.channel]
        try:
            sender.send(message)
        except DeliveryFailed as error:
            _record_failure(message, str(error), now, report)
        else:
            message.status = DeliveryStatus.sent
            message.sent_at = utcnow()
            message.attempts += 1
            message.last_error = None
            message.leased_until = None
            report.sent += 1
        db.session.commit()
    return report


def claim(limit: int, now: datetime, lease: timedelta) -> list[int]:
    """Lease up to ``limit`` due messages to this deliverer and commit the lease."""
    free = or_(OutboxMessage.leased_until.is_(None), OutboxMessage.leased_until < now)
    due = (
        OutboxMessage.status == DeliveryStatus.pending,
        OutboxMessage.next_attempt_at <= now,
        free,
    )
    candidates = db.session.scalars(
        select(OutboxMessage.id)
        .where(*due)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if not candidates:
        db.session.rollback()
        return []
    claimed = db.session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(candidates), *due)
        .values(leased_until=now + lease)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    return sorted(claimed)


def _give_back(message_ids: list[int], leased_until: datetime) -> None:
    """Release the leases this deliverer still holds (the same ``leased_until``), so the next
    round sends those messages at once."""
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(message_ids), OutboxMessage.leased_until == leased_until)
        .values(leased_until=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _record_failure(message: OutboxMessage, error: str, now: datetime, report: Report) -> None:
    message.attempts += 1
    message.last_error = _printable(error)[:1000]
    message.leased_until = None
    if message.attempts >= MAX_TRIES:
        message.status = DeliveryStatus.failed
        report.failed += 1
    else:
        message.next_attempt_at = now + RETRY_DELAYS[message.attempts - 1]
        report.retried += 1


def _printable(text: str) -> str:
    """An error as staff can read it and PostgreSQL can store it: a gateway's garbage answer
    may hold NUL and control bytes."""
    return "".join(char if char.isprintable() else f"\\x{ord(char):02x}" for char in text)


def retry(message: OutboxMessage, *, actor: User) -> None:
    """Staff send a failed message again (after correcting a number, or once a gateway is
    back): it gets a full set of tries."""
    message.status = DeliveryStatus.pending
    message.attempts = 0
    message.next_attempt_at = utcnow()
    db.session.info[WAITING] = True
    audit.record("outbox.retried", actor=actor, subject=message, channel=message.channel)
