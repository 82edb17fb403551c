"""Moving a case through its workflow: ``fire`` is the only way a case changes state."""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import update

from mediation import policy
from mediation.cases import triggers
from mediation.cases.triggers import CaseAction, Change, hop_details
from mediation.core import audit
from mediation.core.errors import Invalid, NotPermitted, Refused, flush_or_refuse
from mediation.core.notifications import notify
from mediation.core.recipients import applicant_of
from mediation.core.schemas import Body, parse
from mediation.documents.issuing import issue_document
from mediation.extensions import db
from mediation.messages import guard_message
from mediation.models import Case, User
from mediation.referrals.operations import refer_if_job_lost
from workflows.case import (
    CaseState,
    CaseTransition,
    CaseWorkflow,
    GuardFailed,
    IllegalTransition,
    UnknownTrigger,
)

__all__ = ["GuardFailed", "IllegalTransition", "Refused", "claim", "fire"]


def case_action(trigger: str) -> CaseAction:
    """The declaration of ``trigger``; ``UnknownTrigger`` (404) for any other name."""
    action = triggers.action_for(trigger)
    if action is None:
        raise UnknownTrigger(trigger)
    return action


def direct_action(trigger: str) -> CaseAction:
    """The declaration of a trigger people fire themselves (the page's and the API's trigger
    routes); ``UnknownTrigger`` (404) for ``extend``, which only an agreed proposal fires
    (``cases.extension``), and for any other name."""
    action = case_action(trigger)
    if not action.direct:
        raise UnknownTrigger(trigger)
    return action


def require_trigger(actor: User, case: Case, action: CaseAction) -> None:
    """Who first, then the state: ``NotPermitted`` (403) or ``IllegalTransition`` (409)."""
    if not action.may(actor, case):
        raise NotPermitted(action.name)
    CaseWorkflow(case).ensure_allowed(action.name)


def _read_body(action: CaseAction, data: Mapping[str, Any], strict: bool) -> tuple[Body, dict]:
    """The body, and the shape problems of its fields. The fields at fault are left out of the
    body (all are optional), so the rules can still judge the others in the same answer."""
    try:
        return parse(action.body, data, strict=strict), {}
    except Invalid as invalid:
        usable = {key: value for key, value in data.items() if key not in invalid.errors}
        return parse(action.body, usable, strict=strict), invalid.errors


def _rule_problems(action: CaseAction, error: GuardFailed) -> dict[str, list]:
    problems: dict[str, list] = {}
    for problem in error.problems:
        field = action.field_of.get(problem.field, problem.field)
        problems.setdefault(field, []).append(guard_message(problem.code))
    return problems


def fire(
    case: Case, trigger: str, /, *, actor: User, strict: bool = True, **data: Any
) -> CaseTransition:
    """Check who and when, read the body, run the workflow, record the effects, the audit event,
    the documents and the notices.

    ``data`` is the trigger's body as the API sends it (``strict``) or as ``schemas.form_data``
    reads a page's form. Raises ``UnknownTrigger`` (404), ``NotPermitted`` (403),
    ``IllegalTransition`` or ``Refused`` (409), or ``Invalid`` (422) with every field's problems
    at once; nothing is written then. The caller commits.
    """
    action = case_action(trigger)
    require_trigger(actor, case, action)
    body, problems = _read_body(action, data, strict)
    problems |= action.check(case, body)
    change = Change(
        actor=actor, body=body, sender=case.organization, target=action.target(case, body)
    )
    workflow = CaseWorkflow(case)
    facts = action.facts(case, change)
    try:
        workflow.check(action.name, **facts)
    except GuardFailed as failed:
        for field, messages in _rule_problems(action, failed).items():
            problems.setdefault(field, messages)  # a shape problem says it first
    if problems:
        raise Invalid(problems)
    # No autoflush until the case is complete: the one flush below is where a concurrent
    # change to the same case shows up.
    with db.session.no_autoflush:
        transition = workflow.fire(action.name, **facts)
        action.effect(case, change)
    flush_or_refuse()
    audit.record_case_event(
        case,
        action.name,
        actor=actor,
        transition=transition,
        organization=change.sender,
        note=getattr(body, "reason", None),
        **hop_details(case, action.trigger),
        **action.details(case, change),
    )
    if action.document is not None:
        issue_document(case, action.document, actor=actor)
    action.notify(case, change)
    if transition.to_state == CaseState.closed:
        refer_if_job_lost(case, actor=actor)
        # The parties are asked to rate it a day later, when the form opens (cases.sweep).
    return transition


def claim(case: Case, *, actor: User) -> None:
    """Take the case into the actor's own worklist; exactly one of several concurrent claims wins.

    A conditional UPDATE, not read-then-write: the database lets one claimer through and the
    others see no row changed.
    """
    policy.require_act(actor, case, policy.Act.claim)
    open_states = [CaseState.applied.value, CaseState.accepted.value, CaseState.mediating.value]
    result = db.session.execute(
        update(Case)
        .where(
            Case.id == case.id,
            Case.mediator_id.is_(None),
            Case.organization_id == actor.organization_id,
            Case.state.in_(open_states),
        )
        .values(mediator_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Refused("already_claimed")
    db.session.refresh(case)
    audit.record_case_event(case, "claim", actor=actor)
    notify([applicant_of(case)], "claimed", case, mediator=actor.name)
