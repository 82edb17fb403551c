"""Who works a case: the mediator who claimed it, or nobody (the organisation's queue).

A case claimed by a mediator (``cases.operations.claim``) stays theirs until it goes back to the
queue: when their account is deactivated or moved to another organisation, the case must not
wait for someone who will never open it again. The organisation's staff are told, and the
timeline says why.

An organisation's lead mediator (``User.is_lead``, set by an administrator) shares out the work:
assigns a waiting case to a mediator of the organisation, or gives a case another mediator
holds to someone else, saying why (``assign``). Like a claim, the change is one conditional
UPDATE: of two leads acting on the same case at once, one wins and the other is told the case
changed meanwhile. The assignee is told, and so is the mediator who had it; the timeline shows
every assignment with who it went from and to.
"""

from typing import Annotated

from pydantic import Field
from sqlalchemy import select, update

from mediation import policy
from mediation.core import audit
from mediation.core.errors import Invalid, Refused
from mediation.core.fields import FILLED, FILLED_SCHEMA
from mediation.core.notifications import notify
from mediation.core.recipients import applicant_of, staff_of
from mediation.core.schemas import Body, Label, RecordId
from mediation.extensions import db
from mediation.models import Case, Role, User
from mediation.policy import Act
from mediation.translation import lazy_gettext as _l
from workflows.case import OPEN_STATES

REASON_NEEDED = _l("Write why the case goes back to the queue.")
NOT_A_MEDIATOR_HERE = _l("Choose a mediator of this organisation who can sign in.")
ALREADY_THEIRS = _l("The case is already with this mediator.")
REASSIGN_REASON_NEEDED = _l("Write why the case goes to another mediator.")


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


class Assign(Body):
    """A lead mediator gives the case to a mediator of the organisation; a case another
    mediator holds needs the reason."""

    mediator_id: Annotated[
        RecordId,
        Field(description="The mediator (user id): active, of the organisation holding the case"),
        Label(_l("Mediator"), widget="select"),
    ]
    reason: Annotated[
        str | None,
        Field(
            max_length=500,
            description="Why; needed when another mediator holds the case, who is told",
        ),
        Label(_l("Why the case goes to this mediator"), widget="textarea"),
    ] = None


def assignable_mediators(organization_id: int) -> list[User]:
    """Who a lead may give a case of the organisation to: its mediators who can sign in."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.organization_id == organization_id,
                User.role == Role.mediator,
                User.active.is_(True),
            )
            .order_by(User.name, User.id)
        )
    )


def _may_take(mediator: User | None, case: Case) -> bool:
    return (
        mediator is not None
        and mediator.role is Role.mediator
        and mediator.active
        and mediator.organization_id == case.organization_id
    )


def assignment_problems(case: Case, mediator: User | None, reason: str) -> dict[str, list]:
    """Every problem of an assignment at once, by the body's field names."""
    problems: dict[str, list] = {}
    if not _may_take(mediator, case):
        problems["mediator_id"] = [NOT_A_MEDIATOR_HERE]
    elif mediator.id == case.mediator_id:
        problems["mediator_id"] = [ALREADY_THEIRS]
    if case.mediator_id is not None and not reason:
        problems["reason"] = [REASSIGN_REASON_NEEDED]
    return problems


_NOT_SEEN = object()


def require_unchanged(case: Case, seen_mediator_id: int | None) -> None:
    """``Refused`` (409) when someone else holds the case than the lead saw: another lead
    assigned it meanwhile, or its mediator handed it back. The lead looks again first."""
    if seen_mediator_id != case.mediator_id:
        raise Refused("changed_meanwhile")


def assign(
    case: Case,
    *,
    actor: User,
    mediator: User | None,
    reason: str | None = None,
    seen_mediator_id: int | object | None = _NOT_SEEN,
) -> str:
    """The lead ``actor`` gives ``case`` to ``mediator``: "assigned" when it waited in the
    queue, "reassigned" when another mediator held it (then ``reason`` is needed). Returns
    which of the two it was.

    ``seen_mediator_id`` is who held the case when the lead looked (a page's form): if that
    changed meanwhile, nothing is done. Raises ``NotPermitted`` (403) for anyone but a lead of
    the case's organisation, ``Refused`` (409) when the case is closed or changed meanwhile,
    ``Invalid`` (422) with every field's problem. The caller commits.
    """
    policy.require_act(actor, case, Act.assign)
    previous = case.mediator
    if seen_mediator_id is not _NOT_SEEN:
        require_unchanged(case, seen_mediator_id)
    reason = (reason or "").strip()
    problems = assignment_problems(case, mediator, reason)
    if problems:
        raise Invalid(problems)
    # Conditional, as a claim: the row changes only if nobody moved the case since it was read.
    held_by = Case.mediator_id.is_(None) if previous is None else Case.mediator_id == previous.id
    result = db.session.execute(
        update(Case)
        .where(
            Case.id == case.id,
            held_by,
            Case.organization_id == actor.organization_id,
            Case.state.in_([state.value for state in OPEN_STATES]),
        )
        .values(mediator_id=mediator.id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Refused("changed_meanwhile")
    db.session.refresh(case)
    kind = "assigned" if previous is None else "reassigned"
    audit.record_case_event(
        case,
        kind,
        actor=actor,
        note=reason or None,
        to_mediator=mediator.name,
        to_mediator_id=mediator.id,
        **({"from_mediator": previous.name, "from_mediator_id": previous.id} if previous else {}),
    )
    if mediator.id != actor.id:
        if previous is None:
            notify([mediator], "assigned_to_you", case, lead=actor.name)
        else:
            notify(
                [mediator],
                "reassigned_to_you",
                case,
                lead=actor.name,
                previous=previous.name,
                reason=reason,
            )
    if previous is not None and previous.active and previous.id != actor.id:
        notify(
            [previous],
            "reassigned_away",
            case,
            lead=actor.name,
            mediator=mediator.name,
            reason=reason,
        )
    # The applicant learns who handles the case now, as after a claim.
    notify([applicant_of(case)], "claimed", case, mediator=mediator.name)
    return kind
