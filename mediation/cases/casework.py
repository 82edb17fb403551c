"""The work inside a case that is not a state change: sessions, agreement, signatures,
the employer's answer, evidence, and the audited full view of an ID number."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from mediation import policy
from mediation.core import audit
from mediation.core.errors import Refused
from mediation.core.notifications import notify
from mediation.core.recipients import applicant_of, representatives_of, staff_of
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
from mediation.policy import Act
from mediation.uploads import StoredFile
from workflows.case import CaseState

MAX_EVIDENCE_PER_PARTY = 10


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
    policy.require_act(actor, case, Act.record_session)
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
            [applicant_of(case), *representatives_of(case.employer)],
            "session",
            case,
            when=starts_at.isoformat(timespec="minutes"),
            mode=mode.value,
            where=location,
        )
    return session


def draft_agreement(
    case: Case, *, actor: User, terms: str, amount: Decimal, due_date: date | None
) -> Agreement:
    """Write or rewrite the agreement; a rewrite needs both parties to sign again."""
    policy.require_act(actor, case, Act.draft_agreement)
    agreement = case.agreement or Agreement(case=case)
    agreement.terms, agreement.amount, agreement.due_date = terms, amount, due_date
    agreement.drafted_by_id, agreement.drafted_at = actor.id, utcnow()
    agreement.applicant_signed_at = agreement.respondent_signed_at = None
    agreement.signed_on_paper = False
    db.session.add(agreement)
    audit.record_case_event(case, "agreement_drafted", actor=actor, amount=str(amount))
    notify([applicant_of(case), *representatives_of(case.employer)], "agreement_ready", case)
    return agreement


def sign_agreement(case: Case, *, actor: User) -> None:
    """The applicant or the employer confirms the agreement online."""
    if policy.is_party(actor, case) and case.state == CaseState.mediating and not case.agreement:
        raise Refused("agreement_missing")
    policy.require_act(actor, case, Act.sign)
    if policy.is_applicant(actor, case):
        case.agreement.applicant_signed_at = utcnow()
        others = representatives_of(case.employer)
    else:
        case.agreement.respondent_signed_at = utcnow()
        others = [applicant_of(case)]
    audit.record_case_event(case, "agreement_signed", actor=actor)
    notify([*others, case.mediator], "agreement_signed", case, party=actor.name)


def record_paper_signatures(case: Case, *, actor: User) -> None:
    """The mediator records that both parties signed the printed agreement."""
    if case.state == CaseState.mediating and case.agreement is None:
        raise Refused("agreement_missing")
    policy.require_act(actor, case, Act.record_paper_signatures)
    now = utcnow()
    case.agreement.applicant_signed_at = case.agreement.applicant_signed_at or now
    case.agreement.respondent_signed_at = case.agreement.respondent_signed_at or now
    case.agreement.signed_on_paper = True
    audit.record_case_event(case, "agreement_signed_on_paper", actor=actor)


def respond_to_request(case: Case, *, actor: User, consent: bool, note: str = "") -> None:
    """The employer agrees or refuses to take part in mediation."""
    policy.require_act(actor, case, Act.respond)
    case.respondent_consent = consent
    audit.record_case_event(
        case, "respondent_agreed" if consent else "respondent_refused", actor=actor, note=note
    )
    notify(
        [case.mediator] if case.mediator else staff_of(case.organization),
        "respondent_answered",
        case,
    )


def evidence_count(case: Case, party: EvidenceParty) -> int:
    return db.session.scalar(
        select(func.count(Evidence.id)).where(Evidence.case_id == case.id, Evidence.party == party)
    )


def evidence_party(actor: User, case: Case) -> EvidenceParty:
    """Whose evidence an upload is: the employer's, or the applicant's (papers handed in at the
    counter count as the applicant's)."""
    return (
        EvidenceParty.respondent if policy.is_respondent(actor, case) else EvidenceParty.applicant
    )


def evidence_room(case: Case, actor: User) -> int:
    """How many more files ``actor``'s side may add to the case."""
    return MAX_EVIDENCE_PER_PARTY - evidence_count(case, evidence_party(actor, case))


def add_evidence(case: Case, *, actor: User, stored: StoredFile) -> Evidence:
    """Attach an already stored and checked file (see mediation.uploads)."""
    policy.require_act(actor, case, Act.upload_evidence)
    party = evidence_party(actor, case)
    if evidence_room(case, actor) < 1:
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
    policy.require_act(actor, case, Act.view_identity)
    audit.record_case_event(case, "identity_viewed", actor=actor)
    return case.applicant_id_number
