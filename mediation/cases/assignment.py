"""Who works a case: the mediator who claimed it, or nobody (the organisation's queue).

A case claimed by a mediator (``cases.operations.claim``) stays theirs until it goes back to the
queue: when their account is deactivated or moved to another organisation, the case must not
wait for someone who will never open it again. The organisation's staff are told, and the
timeline says why.
"""

from typing import Annotated

from flask_babel import lazy_gettext as _l
from pydantic import Field
from sqlalchemy import select

from mediation import policy
from mediation.core import audit
from mediation.core.errors import Invalid
from mediation.core.fields import FILLED, FILLED_SCHEMA
from mediation.core.notifications import notify
from mediation.core.recipients import staff_of
from mediation.core.schemas import Body, Label
from mediation.extensions import db
from mediation.models import Case, User
from mediation.policy import Act
from workflows.case import OPEN_STATES

REASON_NEEDED = _l("Write why the case goes back to the queue.")


class HandBack(Body):
    """The case's mediator gives it back to the organisation's queue, saying why."""

    reason: Annotated[
        str,
        Field(max_length=500, description="Why; the organisation's staff and the timeline read it"),
        FILLED,
        FILLED_SCHEMA,
        Label(_l("Why the case goes back to the queue"), widget="textarea"),
    ]


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
    others = [person for person in staff_of(case.organization) if person.id != actor.id]
    notify(others, "returned_to_queue", case, reason=reason)


def hand_back(case: Case, *, actor: User, reason: str) -> None:
    """The mediator who claimed the case cannot go on with it (absence, a conflict of
    interest…): it goes back to the queue for another mediator to take."""
    policy.require_act(actor, case, Act.hand_back)
    if not (reason or "").strip():
        raise Invalid({"reason": [REASON_NEEDED]})
    return_to_queue(case, actor=actor, reason=reason.strip())


def return_all_to_queue(mediator: User, *, actor: User, reason: str) -> int:
    """Every open case ``mediator`` holds goes back to its queue; returns how many."""
    cases = open_cases_of(mediator)
    for case in cases:
        return_to_queue(case, actor=actor, reason=reason)
    return len(cases)
