"""What people are told: in-app notifications, the SMS and e-mail outbox, and the codes that
prove a phone or an address.

A notification stores a message key and its parameters, not text, so each reader sees it in
their own language. SMS and e-mail go through a transactional outbox: the row is written in
the same transaction as the case change, and the background worker sends it after the commit,
so a gateway that is down never rolls a case change back (mediation.delivery).
"""

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.extensions import db
from mediation.models.types import TitledEnum, UTCDateTime, enum_column, utcnow
from mediation.translation import lazy_gettext as _l


def new_message_id() -> str:
    return str(uuid.uuid4())


class Notification(db.Model):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")
    case = relationship("Case")

    # The header's badge counts a user's unread notices on every page, and opening a case
    # marks them read: both read only the unread rows, however many were read before.
    __table_args__ = (
        Index(
            "ix_notifications_unread",
            "user_id",
            postgresql_where=read_at.is_(None),
            sqlite_where=read_at.is_(None),
        ),
    )


class DeliveryChannel(TitledEnum):
    sms = "sms"
    email = "email"


DeliveryChannel.TITLES = {DeliveryChannel.sms: _l("SMS"), DeliveryChannel.email: _l("E-mail")}


class DeliveryStatus(TitledEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"


DeliveryStatus.TITLES = {
    DeliveryStatus.pending: _l("Waiting"),
    DeliveryStatus.sent: _l("Sent"),
    DeliveryStatus.failed: _l("Failed"),
}


class OutboxMessage(db.Model):
    """One SMS or e-mail to one recipient, from the transaction that caused it until sent.

    ``message_id`` is what the SMS gateway sees: a retry after a lost answer carries the same
    id, so the gateway can drop the duplicate. ``leased_until`` is the claim of the deliverer
    sending it now; a deliverer that dies mid-send gives it back when the lease runs out.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_case", "case_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_message_id)
    channel: Mapped[DeliveryChannel] = mapped_column(
        enum_column(DeliveryChannel, "delivery_channel"), default=DeliveryChannel.email
    )
    kind: Mapped[str | None] = mapped_column(String(40))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    status: Mapped[DeliveryStatus] = mapped_column(
        enum_column(DeliveryStatus, "delivery_status"), default=DeliveryStatus.pending
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    last_error: Mapped[str | None] = mapped_column(Text)

    user = relationship("User")
    case = relationship("Case")


class CodePurpose(StrEnum):
    phone = "phone"
    password_reset = "password_reset"
    email = "email"


class VerificationCode(db.Model):
    """A code sent to a phone, or a link sent to an address, to prove the person holds it.

    Only a keyed hash is kept. A code is single-use, expires, and allows a few wrong tries.
    """

    __tablename__ = "verification_codes"
    __table_args__ = (Index("ix_verification_codes_target", "purpose", "target", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[CodePurpose] = mapped_column(enum_column(CodePurpose, "code_purpose"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The phone number or e-mail address the code was sent to.
    target: Mapped[str] = mapped_column(String(254))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    wrong_tries: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")
