"""Who works a case: the mediator who claimed it, or nobody (the organisation's queue).

A case claimed by a mediator (``cases.operations.claim``) stays theirs until it goes back to the
queue: when their account is deactivated or moved to another organisation, the case must not
wait for someone who will never open it again. The organisation's staff are told, and the
timeline says why.
"""

from sqlalchemy import select

from mediation.core import audit
from mediation.core.notifications import notify
from mediation.core.recipients import staff_of
from mediation.extensions import db
from mediation.models import Case, User
from workflows.case import OPEN_STATES


def open_cases_of(mediator: User) -> list[Case]:
    """The open cases ``mediator`` holds, oldest first."""
    return list(
        db.session.scalars(
            select(Case)
            .where(Case.mediator_id == mediator.id, Case.state.in_(OPEN_STATES))
            .order_by(Case.id)
            .with_for_update()
        )
    )


def return_to_queue(case: Case, *, actor: User, reason: str) -> None:
    """Take the case from its mediator back to its organisation's queue, saying why."""
    previous = case.mediator
    case.mediator_id = None
    db.session.flush()
    audit.record_case_event(
        case,
        "returned_to_queue",
        actor=actor,
        note=reason,
        mediator=previous.name if previous else None,
    )
    notify(staff_of(case.organization), "returned_to_queue", case, reason=reason)


def return_all_to_queue(mediator: User, *, actor: User, reason: str) -> int:
    """Every open case ``mediator`` holds goes back to its queue; returns how many."""
    cases = open_cases_of(mediator)
    for case in cases:
        return_to_queue(case, actor=actor, reason=reason)
    return len(cases)
