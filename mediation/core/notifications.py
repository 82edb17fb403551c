"""Telling people: an in-app notification each, and an outbox e-mail where there is an address."""

import logging
import smtplib
from collections.abc import Iterable
from email.message import EmailMessage
from typing import Any

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from mediation.extensions import db
from mediation.messages import NOTIFICATION_MESSAGES
from mediation.models import Case, Notification, OutboxMessage, User
from mediation.models.types import utcnow

log = logging.getLogger(__name__)


def render(kind: str, params: dict) -> str:
    return str(NOTIFICATION_MESSAGES[kind]) % params


def notify(
    users: Iterable[User | None], kind: str, case: Case | None = None, **params: Any
) -> None:
    """Queue one notification per distinct user (None entries are skipped)."""
    if kind not in NOTIFICATION_MESSAGES:
        raise KeyError(f"no message for notification kind {kind!r}")
    if case is not None:
        params.setdefault("number", case.number)
    seen: set[int] = set()
    for user in users:
        if user is None or user.id in seen:
            continue
        seen.add(user.id)
        db.session.add(Notification(user=user, case=case, kind=kind, params=params))
        if user.email:
            with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
                text = render(kind, params)
            db.session.add(OutboxMessage(recipient=user.email, subject=text[:200], body=text))


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(db.func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )


def mark_all_read(user: User) -> None:
    db.session.execute(
        Notification.__table__.update()
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )


def deliver_outbox(limit: int = 100) -> tuple[int, int]:
    """Send waiting e-mails; returns (sent, failed). Without SMTP settings, log them instead.

    Each message is committed on its own, so one bad address does not hold back the rest, and
    nothing here can touch the case change that queued the message.
    """
    host = current_app.config.get("SMTP_HOST")
    pending = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < 5)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    sent = failed = 0
    for message in pending:
        message.attempts += 1
        try:
            if host:
                _send_smtp(message)
            else:
                log.info("outbox (no SMTP_HOST): to %s: %s", message.recipient, message.subject)
            message.sent_at = utcnow()
            message.last_error = None
            sent += 1
        except (OSError, smtplib.SMTPException) as error:
            message.last_error = str(error)[:1000]
            failed += 1
        db.session.commit()
    return sent, failed


def _send_smtp(message: OutboxMessage) -> None:
    config = current_app.config
    email = EmailMessage()
    email["From"] = config["MAIL_FROM"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body)
    with smtplib.SMTP(config["SMTP_HOST"], int(config.get("SMTP_PORT", 25)), timeout=20) as smtp:
        if config.get("SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("SMTP_USERNAME"):
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        smtp.send_message(email)
