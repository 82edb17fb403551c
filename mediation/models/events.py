"""The append-only audit log: every change and every sensitive read leaves one row."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from mediation.extensions import db
from mediation.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from mediation.models.organizations import Organization
    from mediation.models.users import User


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The role is copied, not joined: it is what the actor was at the time.
    actor_role: Mapped[str | None] = mapped_column(String(30))
    action: Mapped[str] = mapped_column(String(60))
    subject_type: Mapped[str | None] = mapped_column(String(30))
    subject_id: Mapped[int | None] = mapped_column()
    note: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # For case events: the case, the transition, and where the case stood when it happened.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    tier: Mapped[str | None] = mapped_column(String(20))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))

    actor: Mapped["User | None"] = relationship(foreign_keys=[actor_id])
    organization: Mapped["Organization | None"] = relationship()


class AuditLogIsAppendOnly(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_audit_rewrites(session: Session, flush_context, instances) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEvent | AuditSeal):
            raise AuditLogIsAppendOnly(f"audit event {obj.id} cannot be changed or deleted")


class AuditSeal(db.Model):
    """The seal of one audit event: its place in the global chain and in its case's chain.

    ``chain_hash`` is an HMAC over the previous seal's chain hash and this event's content, so
    changing, removing or slipping in an event breaks every seal after it, and rebuilding the
    chain needs the key, which the database does not hold (mediation.core.audit_chain).
    """

    __tablename__ = "audit_seals"

    event_id: Mapped[int] = mapped_column(ForeignKey("audit_events.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    chain_hash: Mapped[str] = mapped_column(String(64))
    case_chain_hash: Mapped[str | None] = mapped_column(String(64))
    sealed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
