"""Satisfaction: each party may rate the service once, from the day after the case closed."""

from datetime import date, timedelta

from mediation import policy
from mediation.core import audit
from mediation.core.errors import Refused
from mediation.extensions import db
from mediation.localtime import SHANGHAI, local_today
from mediation.models import Case, EvidenceParty, Rating, User
from mediation.policy import Act
from workflows.case import CaseState

# The rating is offered this many days after the day the case closed (in Shanghai), once the
# outcome has sunk in, not in the minute of the decision; the reminder notice goes out then too.
RATING_OFFERED_AFTER_DAYS = 1


def party_of(actor: User, case: Case) -> EvidenceParty | None:
    if policy.is_applicant(actor, case):
        return EvidenceParty.applicant
    if policy.is_respondent(actor, case):
        return EvidenceParty.respondent
    return None


def rating_of(case: Case, party: EvidenceParty) -> Rating | None:
    return next((rating for rating in case.ratings if rating.party == party), None)


def offered_from(case: Case) -> date | None:
    """The first day the parties are asked to rate the case; None while it is open."""
    if case.closed_at is None or case.state not in (CaseState.closed, CaseState.archived):
        return None
    closed_on = case.closed_at.astimezone(SHANGHAI).date()
    return closed_on + timedelta(days=RATING_OFFERED_AFTER_DAYS)


def offered(case: Case, today: date | None = None) -> bool:
    """Whether the rating is offered on ``today`` (the page's form, its POST, the reminder)."""
    first_day = offered_from(case)
    return first_day is not None and (today or local_today()) >= first_day


def awaits_rating_from(actor: User, case: Case) -> bool:
    """``actor`` is a party who may rate ``case`` today and has not rated it yet."""
    party = party_of(actor, case)
    return (
        party is not None
        and policy.may_act(actor, case, Act.rate)
        and offered(case)
        and rating_of(case, party) is None
    )


def require_offered(actor: User, case: Case) -> None:
    """``NotPermitted`` unless a party; ``Refused`` on the day of closure (not offered yet)."""
    policy.require_act(actor, case, Act.rate)
    if not offered(case):
        raise Refused("not_allowed_in_state")


def rate(case: Case, *, actor: User, score: int, comment: str = "") -> Rating:
    require_offered(actor, case)
    party = party_of(actor, case)
    if rating_of(case, party) is not None:
        raise Refused("already_rated")
    rating = Rating(
        case_id=case.id, party=party, score=score, comment=comment, rated_by_id=actor.id
    )
    db.session.add(rating)
    db.session.expire(case, ["ratings"])
    audit.record_case_event(case, "rated", actor=actor, score=score)
    return rating
