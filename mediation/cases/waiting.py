"""What waits for the reader on a case: the acts this person must do now, each with the anchor
of its section further down the page (the "waiting for you" box at the top of the case page).

Each item asks the policy and the features' own helpers, as the sections that hold the forms
do, so the box lists exactly what those sections offer."""

from dataclasses import dataclass
from datetime import date, datetime

from mediation import policy
from mediation.cases import extension, payment, ratings, sessions
from mediation.cases.session_page import (
    may_answer_session,
    may_confirm_minutes,
    may_write_minutes,
    my_answer,
)
from mediation.localtime import local_today
from mediation.models import Case, User
from mediation.policy import Act
from workflows.case import CaseState


@dataclass(frozen=True)
class Waiting:
    """One act: ``kind`` says which (the template words it), ``anchor`` where its form is."""

    kind: str  # respond, sign, extension, attend, minutes, write_minutes, payment, rate
    anchor: str
    at: datetime | None = None  # the session's start
    version: int | None = None  # the agreement's version to sign
    days: int | None = None  # the extension proposed
    due: date | None = None  # by when, where the law or the case sets a day


def waiting_for(user: User, case: Case) -> list[Waiting]:
    """The acts ``user`` must do on ``case`` now, in the order they matter."""
    waiting: list[Waiting] = []
    if policy.may_act(user, case, Act.respond) and case.respondent_consent is None:
        due = case.acceptance_deadline if case.state == CaseState.applied else None
        waiting.append(Waiting("respond", "response", due=due))
    if case.agreement is not None and policy.may_act(user, case, Act.sign):
        waiting.append(Waiting("sign", "agreement-sign", version=case.agreement.version))
    if policy.may_act(user, case, Act.answer_extension) and extension.awaits_answer_from(
        user, case
    ):
        proposal = case.open_extension_proposal
        waiting.append(Waiting("extension", "extension-answer", days=proposal.days))
    for session in sorted(case.sessions, key=lambda s: s.starts_at):
        anchor = f"session-{session.id}"
        mine = my_answer(user, case, sessions.answers_of(session))
        if may_answer_session(user, case, session) and (mine is None or mine.attendance is None):
            waiting.append(Waiting("attend", anchor, at=session.starts_at))
        if may_confirm_minutes(user, case, session, mine):
            waiting.append(Waiting("minutes", anchor, at=session.starts_at))
        if not session.minutes and may_write_minutes(user, case, session):
            waiting.append(Waiting("write_minutes", anchor, at=session.starts_at))
    if policy.is_applicant(user, case) and policy.may_act(user, case, Act.report_payment):
        standing = payment.standing(case, local_today())
        if standing is not None and standing.overdue and standing.latest is None:
            waiting.append(Waiting("payment", "payment-standing", due=standing.due))
    if ratings.awaits_rating_from(user, case):
        waiting.append(Waiting("rate", "rating"))
    return waiting
