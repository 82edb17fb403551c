"""Appending to the audit log."""

from typing import Any

from mediation.extensions import db
from mediation.models import AuditEvent, User


def record(
    action: str,
    *,
    actor: User | None,
    subject: db.Model | None = None,
    note: str | None = None,
    **details: Any,
) -> AuditEvent:
    if subject is not None and subject.id is None:
        db.session.flush()  # the subject needs its id before the event can point at it
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor else None,
        actor_role=actor.role.value if actor else None,
        subject_type=subject.__tablename__ if subject is not None else None,
        subject_id=subject.id if subject is not None else None,
        note=note,
        details=details or None,
    )
    db.session.add(event)
    return event
