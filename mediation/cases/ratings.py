"""Satisfaction: each party may rate the service once, after the case closed."""

from sqlalchemy import select

from mediation import policy
from mediation.core import audit
from mediation.core.errors import NotPermitted, Refused
from mediation.extensions import db
from mediation.models import Case, EvidenceParty, Rating, User
from workflows.case import CaseState


def party_of(actor: User, case: Case) -> EvidenceParty | None:
    permissions = policy.case_permissions(actor, case)
    if "sign_as_applicant" in permissions:
        return EvidenceParty.applicant
    if "sign_as_respondent" in permissions:
        return EvidenceParty.respondent
    return None


def rating_of(case: Case, party: EvidenceParty) -> Rating | None:
    return db.session.scalar(select(Rating).where(Rating.case_id == case.id, Rating.party == party))


def rate(case: Case, *, actor: User, score: int, comment: str = "") -> Rating:
    party = party_of(actor, case)
    if party is None:
        raise NotPermitted("rate")
    if case.state not in (CaseState.closed, CaseState.archived):
        raise Refused("not_allowed_in_state")
    if rating_of(case, party) is not None:
        raise Refused("already_rated")
    rating = Rating(
        case_id=case.id, party=party, score=score, comment=comment, rated_by_id=actor.id
    )
    db.session.add(rating)
    audit.record_case_event(case, "rated", actor=actor, score=score)
    return rating
