"""Cases and events as JSON: amounts as decimal strings, times in UTC ISO 8601."""

from sqlalchemy import select

from mediation import policy
from mediation.extensions import db
from mediation.models import AuditEvent, Case, User
from mediation.privacy import mask_id_number, mask_phone
from workflows.case import CaseWorkflow


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def case_summary(case: Case) -> dict:
    return {
        "id": case.id,
        "number": case.number,
        "state": case.state.value if hasattr(case.state, "value") else case.state,
        "outcome": getattr(case.outcome, "value", case.outcome),
        "tier": getattr(case.tier, "value", case.tier),
        "organization": {"id": case.organization.id, "name": case.organization.name},
        "employer": {"name": case.employer.name, "uscc": case.employer.uscc},
        "applicant": {
            "name": case.applicant_name,
            "id_number": mask_id_number(case.applicant_id_number),
            "phone": mask_phone(case.applicant_phone),
        },
        "received_at": _iso(case.received_at),
        "deadlines": {
            "acceptance": _iso(case.acceptance_deadline),
            "mediation": _iso(case.mediation_deadline),
        },
    }


def case_detail(case: Case, user: User) -> dict:
    permitted = policy.case_permissions(user, case)
    transfers = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.case_id == case.id, AuditEvent.action.in_(["case.escalate", "case.return"])
        )
        .order_by(AuditEvent.id)
    ).all()
    agreement = case.agreement
    return {
        **case_summary(case),
        "routing_rule": case.routing_reason,
        "transferred_from_tier": getattr(
            case.transferred_from_tier, "value", case.transferred_from_tier
        ),
        "mediator": case.mediator.name if case.mediator else None,
        "channel": getattr(case.channel, "value", case.channel),
        "categories": [c.value for c in case.categories],
        "claims": [
            {"category": c.category.value, "amount": str(c.amount), "description": c.description}
            for c in case.claims
        ],
        "amount_claimed": str(case.amount_claimed),
        "facts": case.facts,
        "workers_involved": case.workers_involved,
        "lost_job": case.lost_job,
        "priority_groups": [g.value for g in case.priority_groups],
        "respondent_consent": case.respondent_consent,
        "extension_days": case.extension_days,
        "agreement": None
        if agreement is None
        else {
            "terms": agreement.terms,
            "amount": str(agreement.amount),
            "due_date": _iso(agreement.due_date),
            "applicant_signed_at": _iso(agreement.applicant_signed_at),
            "respondent_signed_at": _iso(agreement.respondent_signed_at),
        },
        "evidence": [
            {"id": e.id, "name": e.original_name, "party": e.party.value, "size": e.size}
            for e in case.evidence
        ],
        "available_triggers": [
            t.value for t in CaseWorkflow(case).available_triggers() if t.value in permitted
        ],
        "transfer_path": [
            {
                "organization": e.details["to_organization"],
                "action": e.action.removeprefix("case."),
                "reason": e.note,
                "at": _iso(e.occurred_at),
            }
            for e in transfers
        ],
        "judicial_confirmation": None
        if case.confirmation is None
        else {
            "status": case.confirmation.status.value,
            "court": case.confirmation.court.name,
            "decided_at": _iso(case.confirmation.decided_at),
            "reason": case.confirmation.reason,
        },
        "closed_at": _iso(case.closed_at),
        "archived_at": _iso(case.archived_at),
    }


def event(item: AuditEvent) -> dict:
    return {
        "id": item.id,
        "action": item.action.removeprefix("case."),
        "occurred_at": _iso(item.occurred_at),
        "actor_role": item.actor_role,
        "from_state": item.from_state,
        "to_state": item.to_state,
        "tier": item.tier,
        "organization": item.organization.name if item.organization else None,
        "note": item.note,
    }
