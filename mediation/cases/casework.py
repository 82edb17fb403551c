"""The work inside a case that is not a state change: the employer's answer, evidence, and the
audited full view of an ID number (the agreement: ``cases.agreements``; sessions:
``cases.sessions``)."""

from sqlalchemy import func, select

from mediation import policy
from mediation.core import audit
from mediation.core.errors import Refused
from mediation.core.notifications import notify
from mediation.core.recipients import staff_of
from mediation.extensions import db
from mediation.models import (
    Case,
    ConsentChannel,
    Evidence,
    EvidenceParty,
    User,
)
from mediation.models.types import utcnow
from mediation.policy import Act
from mediation.uploads import StoredFile

MAX_EVIDENCE_PER_PARTY = 10


def respond_to_request(
    case: Case, *, actor: User, consent: bool, statement: str = "", proposal: str = ""
) -> None:
    """The employer's representative answers online: agrees or refuses to mediate, with its
    written statement of defence (答辩意见) and, optionally, an opening proposal. A refusal
    given here stands until the representative changes it (see ``workflows.case``'s accept)."""
    policy.require_act(actor, case, Act.respond)
    case.respondent_consent = consent
    case.respondent_consent_via = ConsentChannel.online
    case.respondent_statement = (statement or "").strip() or None
    case.respondent_proposal = (proposal or "").strip() or None
    case.respondent_answered_at = utcnow()
    audit.record_case_event(
        case,
        "respondent_agreed" if consent else "respondent_refused",
        actor=actor,
        note=case.respondent_statement,
        consent_via=ConsentChannel.online.value,
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


def lock_case(case: Case, *reread: str) -> None:
    """Hold the case's row until the transaction ends, so that two requests that check the
    case's rows before adding one take turns: two uploads cannot both take a party's last
    place, two suspensions cannot both pass the overlap check, two parties' answers cannot
    both miss the other's. ``reread``: the case's relationships loaded before the lock (the
    page's view-only lists), read again under it with their rows, as another request may
    have just added to them or changed one."""
    db.session.execute(select(Case.id).where(Case.id == case.id).with_for_update())
    for name in reread:
        for row in case.__dict__.get(name, ()):  # loaded: read again with the list
            db.session.expire(row)
        db.session.expire(case, [name])


def add_evidence(case: Case, *, actor: User, stored: StoredFile) -> Evidence:
    """Attach an already stored and checked file (see mediation.uploads)."""
    policy.require_act(actor, case, Act.upload_evidence)
    lock_case(case)
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
