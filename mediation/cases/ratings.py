"""Satisfaction: each party may rate the service once, after the case closed."""

from sqlalchemy import select

from mediation import policy
from mediation.core import audit
from mediation.core.errors import Refused
from mediation.extensions import db
from mediation.models import Case, EvidenceParty, Rating, User
from mediation.policy import Act


def party_of(actor: User, case: Case) -> EvidenceParty | None:
    if policy.is_applicant(actor, case):
        return EvidenceParty.applicant
    if policy.is_respondent(actor, case):
        return EvidenceParty.respondent
    return None


def rating_of(case: Case, party: EvidenceParty) -> Rating | None:
    return db.session.scalar(select(Rating).where(Rating.case_id == case.id, Rating.party == party))


def rate(case: Case, *, actor: User, score: int, comment: str = "") -> Rating:
    policy.require_act(actor, case, Act.rate)
    party = party_of(actor, case)
    if rating_of(case, party) is not None:
        raise Refused("already_rated")
    rating = Rating(
        case_id=case.id, party=party, score=score, comment=comment, rated_by_id=actor.id
    )
    db.session.add(rating)
    audit.record_case_event(case, "rated", actor=actor, score=score)
    return rating
