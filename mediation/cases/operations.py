"""Moving a case through its workflow: ``fire`` is the only way a case changes state."""

from typing import Any

from sqlalchemy import update

from mediation import policy
from mediation.core import audit, clocks
from mediation.core.errors import Refused, flush_or_refuse
from mediation.core.notifications import notify
from mediation.core.recipients import representatives_of, staff_of
from mediation.core.routing import DatabaseDirectory
from mediation.documents.issuing import issue_document
from mediation.extensions import db
from mediation.localtime import SHANGHAI, local_today
from mediation.models import Case, DocumentKind, Organization, User
from mediation.models.types import utcnow
from mediation.referrals.operations import refer_if_job_lost
from workflows.case import (
    CaseState,
    CaseTransition,
    CaseTrigger,
    CaseWorkflow,
    GuardFailed,
    IllegalTransition,
    Problem,
    Tier,
)

__all__ = ["GuardFailed", "IllegalTransition", "Refused", "claim", "fire"]


def _transfer_target(case: Case, organization_id: Any) -> Organization | None:
    """The organisation an escalation goes to: the one staff chose, or the next tier's."""
    if organization_id in (None, ""):
        target_id = DatabaseDirectory().default_transfer_target(
            Tier(case.tier), case.employer.region_id
        )
        return db.session.get(Organization, target_id) if target_id else None
    try:
        return db.session.get(Organization, int(organization_id))
    except (TypeError, ValueError):
        return None


def _facts(case: Case, trigger: CaseTrigger, data: dict[str, Any]) -> dict[str, Any]:
    """The workflow's facts for ``trigger``, from the submitted data and the case's records."""
    match trigger:
        case CaseTrigger.accept:
            return {"respondent_consent": data.get("respondent_consent") is True}
        case CaseTrigger.decline | CaseTrigger.fail | CaseTrigger.withdraw | CaseTrigger.return_:
            return {"reason": data.get("reason")}
        case CaseTrigger.extend:
            return {
                "days": data.get("days"),
                "applicant_consent": data.get("applicant_consent") is True,
                "respondent_consent": data.get("respondent_consent") is True,
            }
        case CaseTrigger.settle:
            agreement = case.agreement
            return {
                "has_agreement": agreement is not None,
                "applicant_signed": bool(agreement and agreement.applicant_signed_at),
                "respondent_signed": bool(agreement and agreement.respondent_signed_at),
            }
        case CaseTrigger.escalate:
            target = _transfer_target(case, data.get("organization_id"))
            if target is None or not target.kind.is_mediation_tier or not target.active:
                raise GuardFailed(trigger, (Problem("organization_id", "invalid_tier"),))
            return {"reason": data.get("reason"), "to_tier": target.kind.value}
        case CaseTrigger.archive:
            return {"checklist_complete": data.get("checklist_complete") is True}
    return {}


def fire(case: Case, trigger: str, *, actor: User, **data: Any) -> CaseTransition:
    """Check permission, run the workflow, record the effects, the audit event, the notices.

    Raises ``NotPermitted`` (403), ``UnknownTrigger`` (404), ``IllegalTransition``
    (409) or ``GuardFailed`` (422); nothing is written then. The caller commits.
    """
    trigger_member = CaseTrigger(trigger)
    policy.require_case_permission(actor, case, trigger_member.value)
    workflow = CaseWorkflow(case)
    workflow.ensure_allowed(trigger_member.value)
    facts = _facts(case, trigger_member, data)
    sender = case.organization
    target = _transfer_target(case, data.get("organization_id")) if trigger == "escalate" else None
    # No autoflush until the case is complete: the one flush below is where a concurrent
    # change to the same case shows up.
    with db.session.no_autoflush:
        transition = workflow.fire(trigger_member.value, **facts)
        _apply_effects(case, trigger_member, actor=actor, data=data, target=target)
    flush_or_refuse()
    audit.record_case_event(
        case,
        trigger_member.value,
        actor=actor,
        transition=transition,
        organization=sender,
        note=data.get("reason"),
        **_hop_details(case, trigger_member),
    )
    _issue_documents(case, trigger_member, actor)
    _notify(case, trigger_member, data, sender)
    if transition.to_state == CaseState.closed:
        refer_if_job_lost(case, actor=actor)
        notify([case.applicant, *representatives_of(case.employer)], "rate_service", case)
    return transition


def _hop_details(case: Case, trigger: CaseTrigger) -> dict:
    """For a transfer or a return: where the case went, for the path shown across tiers."""
    if trigger not in (CaseTrigger.escalate, CaseTrigger.return_):
        return {}
    return {"to_organization": case.organization.name, "to_organization_id": case.organization_id}


def _apply_effects(case: Case, trigger: CaseTrigger, *, actor: User, data: dict, target) -> None:
    now = utcnow()
    match trigger:
        case CaseTrigger.accept:
            case.accepted_at = now
            case.respondent_consent = True
        case CaseTrigger.mediate:
            case.mediator = case.mediator or actor
            case.mediation_started_at = now
            clocks.start_mediation_clock(
                case, (case.accepted_at or now).astimezone(SHANGHAI).date()
            )
        case CaseTrigger.extend:
            clocks.extend_mediation_clock(case)
        case CaseTrigger.decline | CaseTrigger.settle | CaseTrigger.fail | CaseTrigger.withdraw:
            case.closed_at = now
            case.close_reason = data.get("reason")
        case CaseTrigger.escalate | CaseTrigger.return_:
            back = trigger is CaseTrigger.return_
            receiving = case.transferred_from_organization if back else target
            case.transferred_from_organization = None if back else case.organization
            case.organization = receiving
            case.mediator = None
            case.accepted_at = case.mediation_started_at = None
            case.closed_at = case.close_reason = None  # a failed case transferred up reopens
            clocks.stop_mediation_clock(case)
            # The receiving organisation reviews it like a new application.
            clocks.start_acceptance_clock(case, local_today())
        case CaseTrigger.archive:
            case.archived_at = now


_DOCUMENTS = {
    CaseTrigger.accept: DocumentKind.acceptance_notice,
    CaseTrigger.decline: DocumentKind.decline_notice,
    CaseTrigger.settle: DocumentKind.agreement,
    CaseTrigger.fail: DocumentKind.termination_notice,
}


def _issue_documents(case: Case, trigger: CaseTrigger, actor: User) -> None:
    if trigger in _DOCUMENTS:
        issue_document(case, _DOCUMENTS[trigger], actor=actor)


def _notify(case: Case, trigger: CaseTrigger, data: dict, sender: Organization) -> None:
    parties = [case.applicant, *representatives_of(case.employer)]
    reason = data.get("reason") or ""
    match trigger:
        case CaseTrigger.accept:
            notify(parties, "accepted", case)
        case CaseTrigger.decline:
            notify([case.applicant], "declined", case, reason=reason)
        case CaseTrigger.mediate:
            notify(parties, "mediating", case)
        case CaseTrigger.extend:
            notify(parties, "extended", case, days=case.extension_days)
        case CaseTrigger.settle:
            notify(parties, "settled", case)
        case CaseTrigger.fail:
            notify(parties, "failed", case)
        case CaseTrigger.withdraw:
            notify([*staff_of(sender), *representatives_of(case.employer)], "withdrawn", case)
        case CaseTrigger.escalate:
            notify(parties, "escalated", case, organization=case.organization.name)
            notify(staff_of(case.organization), "new_case", case)
        case CaseTrigger.return_:
            notify(
                [case.applicant, *staff_of(case.organization)],
                "returned",
                case,
                organization=case.organization.name,
                reason=reason,
            )
        case CaseTrigger.archive:
            notify([case.applicant], "archived", case)


def claim(case: Case, *, actor: User) -> None:
    """Take the case into the actor's own worklist; exactly one of several concurrent claims wins.

    A conditional UPDATE, not read-then-write: the database lets one claimer through and the
    others see no row changed.
    """
    policy.require_case_permission(actor, case, "claim")
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
    notify([case.applicant], "claimed", case, mediator=actor.name)
