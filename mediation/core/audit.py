"""Appending to the audit log."""

from collections.abc import Callable
from typing import Any

from flask import current_app, g

from mediation.extensions import db
from mediation.models import AuditEvent, Case, Organization, User
from workflows._machine import Transition
from workflows.case import Tier


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


def security_event(
    action: str,
    *,
    actor: User | None = None,
    follow_up: Callable[[], None] | None = None,
    **details: Any,
) -> None:
    """A failed or refused attempt: written after the request, in a transaction of its own, so
    that the refusal (whose answer rolls the request back) still leaves its trace.
    ``follow_up`` runs in that transaction too (telling the account holder, say)."""
    g.setdefault("security_events", []).append((action, actor, details, follow_up))


def write_security_events(_error: BaseException | None = None) -> None:
    """``teardown_request``: the request's security events, committed on their own."""
    events = g.pop("security_events", None)
    if not events:
        return
    try:
        for action, actor, details, follow_up in events:
            record(f"security.{action}", actor=actor, **details)
            if follow_up is not None:
                follow_up()
        db.session.commit()
    except Exception:
        db.session.rollback()
        current_app.logger.exception("could not record security events")


def sensitive_read(action: str, *, actor: User, subject: db.Model | None = None, **details):
    """A read the owner of the data may later ask about (个人信息保护法 第四十五条, the right
    to know how one's information was handled): evidence opened, tables exported, a
    supervisor's drill-down, a case opened by staff of another organisation."""
    return record(f"read.{action}", actor=actor, subject=subject, **details)


def record_case_event(
    case: Case,
    action: str,
    *,
    actor: User | None,
    transition: Transition | None = None,
    organization: Organization | None = None,
    note: str | None = None,
    **details: Any,
) -> AuditEvent:
    """An event on the case's timeline: who did what, where the case stood, and (for a
    workflow transition) from which state to which.

    ``organization`` is the one handling the case when it happened (before a transfer, the
    sender); its staff keep read access to the case through these events.
    """
    event = AuditEvent(
        action=f"case.{action}",
        actor_id=actor.id if actor else None,
        actor_role=actor.role.value if actor else None,
        subject_type="cases",
        subject_id=case.id,
        case_id=case.id,
        from_state=transition.from_state.value if transition and transition.from_state else None,
        to_state=transition.to_state.value if transition else None,
        tier=(transition.to_tier if transition else Tier(case.tier)).value,
        organization_id=(organization or case.organization).id,
        note=note,
        details=details or None,
    )
    db.session.add(event)
    return event
