"""The work inside a case that is not a state change: sessions, agreement, signatures,
the employer's answer, evidence, and the audited full view of an ID number."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from mediation import policy
from mediation.core import audit
from mediation.core.errors import NotPermitted, Refused
from mediation.core.notifications import notify
from mediation.core.recipients import representatives_of, staff_of
from mediation.extensions import db
from mediation.models import (
    Agreement,
    Case,
    Evidence,
    EvidenceParty,
    MediationSession,
    SessionMode,
    User,
)
from mediation.models.types import utcnow
from workflows.case import CaseState

MAX_EVIDENCE_PER_PARTY = 10


def _require_state(case: Case, *states: CaseState) -> None:
    if case.state not in states:
        raise Refused("not_allowed_in_state")


def record_session(
    case: Case,
    *,
    actor: User,
    starts_at: datetime,
    mode: SessionMode,
    location: str = "",
    attendees: str = "",
    minutes: str = "",
) -> MediationSession:
    policy.require_case_permission(actor, case, "record_session")
    _require_state(case, CaseState.mediating)
    session = MediationSession(
        case=case,
        starts_at=starts_at,
        mode=mode,
        location=location,
        attendees=attendees,
        minutes=minutes,
        recorded_by=actor,
    )
    db.session.add(session)
    db.session.flush()
    audit.record_case_event(case, "session_recorded", actor=actor, session_id=session.id)
    if starts_at > utcnow():
        notify(
            [case.applicant, *representatives_of(case.employer)],
            "session",
            case,
            when=starts_at.isoformat(timespec="minutes"),
        )
    return session


def draft_agreement(
    case: Case, *, actor: User, terms: str, amount: Decimal, due_date: date | None
) -> Agreement:
    """Write or rewrite the agreement; a rewrite needs both parties to sign again."""
    policy.require_case_permission(actor, case, "draft_agreement")
    _require_state(case, CaseState.mediating)
    agreement = case.agreement or Agreement(case=case)
    agreement.terms, agreement.amount, agreement.due_date = terms, amount, due_date
    agreement.drafted_by_id, agreement.drafted_at = actor.id, utcnow()
    agreement.applicant_signed_at = agreement.respondent_signed_at = None
    agreement.signed_on_paper = False
    db.session.add(agreement)
    audit.record_case_event(case, "agreement_drafted", actor=actor, amount=str(amount))
    notify([case.applicant, *representatives_of(case.employer)], "agreement_ready", case)
    return agreement


def sign_agreement(case: Case, *, actor: User) -> None:
    """The applicant or the employer confirms the agreement online."""
    permissions = policy.case_permissions(actor, case)
    if not permissions & {"sign_as_applicant", "sign_as_respondent"}:
        raise NotPermitted("sign")
    _require_state(case, CaseState.mediating)
    if case.agreement is None:
        raise Refused("agreement_missing")
    now = utcnow()
    if "sign_as_applicant" in permissions:
        case.agreement.applicant_signed_at = case.agreement.applicant_signed_at or now
    if "sign_as_respondent" in permissions:
        case.agreement.respondent_signed_at = case.agreement.respondent_signed_at or now
    audit.record_case_event(case, "agreement_signed", actor=actor)


def record_paper_signatures(case: Case, *, actor: User) -> None:
    """The mediator records that both parties signed the printed agreement."""
    policy.require_case_permission(actor, case, "record_paper_signatures")
    _require_state(case, CaseState.mediating)
    if case.agreement is None:
        raise Refused("agreement_missing")
    now = utcnow()
    case.agreement.applicant_signed_at = case.agreement.applicant_signed_at or now
    case.agreement.respondent_signed_at = case.agreement.respondent_signed_at or now
    case.agreement.signed_on_paper = True
    audit.record_case_event(case, "agreement_signed_on_paper", actor=actor)


def respond_to_request(case: Case, *, actor: User, consent: bool, note: str = "") -> None:
    """The employer agrees or refuses to take part in mediation."""
    policy.require_case_permission(actor, case, "respond")
    _require_state(case, CaseState.applied, CaseState.accepted)
    case.respondent_consent = consent
    audit.record_case_event(
        case, "respondent_agreed" if consent else "respondent_refused", actor=actor, note=note
    )


def evidence_count(case: Case, party: EvidenceParty) -> int:
    return db.session.scalar(
        select(func.count(Evidence.id)).where(Evidence.case_id == case.id, Evidence.party == party)
    )


def evidence_party(actor: User, case: Case) -> EvidenceParty:
    permissions = policy.case_permissions(actor, case)
    if "upload_evidence" not in permissions:
        raise NotPermitted("upload_evidence")
    return EvidenceParty.respondent if "respond" in permissions else EvidenceParty.applicant


def add_evidence(case: Case, *, actor: User, stored) -> Evidence:
    """Attach an already stored and checked file (see mediation.uploads)."""
    party = evidence_party(actor, case)
    if not case.is_open:
        raise Refused("not_allowed_in_state")
    if evidence_count(case, party) >= MAX_EVIDENCE_PER_PARTY:
        raise Refused("too_much_evidence")
    evidence = Evidence(
        case=case,
        party=party,
        stored_name=stored.stored_name,
        original_name=stored.original_name,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by_id=actor.id,
    )
    db.session.add(evidence)
    db.session.flush()
    audit.record_case_event(
        case, "evidence_added", actor=actor, evidence_id=evidence.id, name=stored.original_name
    )
    if party is EvidenceParty.respondent:
        notify(staff_of(case.organization), "evidence_added", case)
    return evidence


def reveal_identity(case: Case, *, actor: User) -> str:
    """The applicant's full ID number, for staff who need it; every look is audited."""
    policy.require_case_permission(actor, case, "view_identity")
    audit.record_case_event(case, "identity_viewed", actor=actor)
    return case.applicant_id_number
