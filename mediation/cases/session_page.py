"""What the case page shows of sessions, minutes, the extension and the suspensions of the
limitation to a given person, with the forms they may answer (templates/cases/_sessions.html,
_extension.html and _suspensions.html)."""

from dataclasses import dataclass
from typing import Any

from mediation import policy
from mediation.cases import extension, sessions
from mediation.cases.session_forms import (
    CancelForm,
    ExtensionAnswerForm,
    ExtensionForm,
    MinutesAnswerForm,
    MinutesForm,
    PaperConsentForm,
    RescheduleForm,
    SessionAnswerForm,
    SessionForm,
    SuspensionEndForm,
    SuspensionForm,
)
from mediation.core import clocks
from mediation.localtime import SHANGHAI
from mediation.models import Case, MediationSession, SessionAnswer, User
from mediation.models.types import utcnow
from mediation.policy import Act
from mediation.translation import gettext as _


@dataclass
class SessionView:
    session: MediationSession
    answers: dict[str, SessionAnswer]
    my_answer: SessionAnswer | None
    answer_form: SessionAnswerForm | None  # a party, the session still ahead
    reschedule_form: RescheduleForm | None  # the mediator, the session scheduled
    cancel_form: CancelForm | None
    minutes_form: MinutesForm | None  # the mediator, once the session started
    minutes_answer_form: MinutesAnswerForm | None  # a party, minutes written, not yet answered


def form_prefix(kind: str, session: MediationSession) -> str:
    return f"{kind}-{session.id}"


def may_answer_session(user: User, case: Case, session: MediationSession) -> bool:
    """A party says whether they can attend a session still ahead."""
    return (
        session.status == "scheduled"
        and session.starts_at > utcnow()
        and policy.may_act(user, case, Act.answer_session)
    )


def may_confirm_minutes(
    user: User, case: Case, session: MediationSession, mine: SessionAnswer | None
) -> bool:
    """A party confirms (or refuses) the minutes of a held session, once."""
    return (
        session.status == "held"
        and bool(session.minutes)
        and (mine is None or mine.minutes_answer is None)
        and policy.may_act(user, case, Act.answer_minutes)
    )


def may_write_minutes(user: User, case: Case, session: MediationSession) -> bool:
    """The mediator writes the minutes once the session started."""
    return (
        session.status != "cancelled"
        and session.starts_at <= utcnow()
        and policy.may_act(user, case, Act.write_minutes)
    )


def my_answer(user: User, case: Case, answers: dict[str, SessionAnswer]) -> SessionAnswer | None:
    party = sessions.party_of(user, case)
    return answers.get(party) if party else None


def _session_view(case: Case, user: User, session: MediationSession, bound: dict) -> SessionView:
    answers = sessions.answers_of(session)
    mine = my_answer(user, case, answers)
    scheduled = session.status == "scheduled"

    def form(kind: str, cls, when: bool, **data: Any):
        key = form_prefix(kind, session)
        if not when:
            return None
        return bound.get(key) or cls(formdata=None, prefix=key, data=data or None)

    answering = may_answer_session(user, case, session)
    changing = scheduled and policy.may_act(user, case, Act.change_session)
    writing = may_write_minutes(user, case, session)
    confirming = may_confirm_minutes(user, case, session, mine)
    local = session.starts_at.astimezone(SHANGHAI)
    return SessionView(
        session=session,
        answers=answers,
        my_answer=mine,
        answer_form=form("answer", SessionAnswerForm, answering),
        reschedule_form=form(
            "reschedule",
            RescheduleForm,
            changing,
            date=local.date(),
            time=local.time(),
            mode=session.mode.value,
            location=session.location,
            video_link=session.video_link,
        ),
        cancel_form=form("cancel", CancelForm, changing),
        minutes_form=form(
            "minutes",
            MinutesForm,
            writing,
            minutes=session.minutes,
            attendees=session.attendees,
        ),
        minutes_answer_form=form("confirm", MinutesAnswerForm, confirming),
    )


def sessions_section(case: Case, user: User, bound: dict | None = None) -> dict[str, Any]:
    """The sessions part of the case page (templates/cases/_sessions.html)."""
    bound = bound or {}
    ordered = sorted(case.sessions, key=lambda s: s.starts_at)
    schedule_form = None
    if policy.may_act(user, case, Act.schedule_session):
        schedule_form = bound.get("schedule") or SessionForm(
            formdata=None, prefix="schedule", data={"video_link": case.organization.video_link}
        )
    return {
        "session_views": [_session_view(case, user, s, bound) for s in ordered],
        "schedule_form": schedule_form,
        "party_titles": {"applicant": _("Worker"), "respondent": _("Employer")},
    }


def extension_section(case: Case, user: User, bound: dict | None = None) -> dict[str, Any]:
    """The extension part of the case page (templates/cases/_extension.html)."""
    bound = bound or {}
    proposal = case.latest_extension_proposal
    may = lambda act: policy.may_act(user, case, act)  # noqa: E731
    return {
        "proposal": proposal,
        "propose_form": (bound.get("extension") or ExtensionForm(formdata=None, prefix="extension"))
        if may(Act.propose_extension)
        else None,
        "extension_answer_form": (
            bound.get("extension_answer")
            or ExtensionAnswerForm(formdata=None, prefix="extension-answer")
        )
        if may(Act.answer_extension) and extension.awaits_answer_from(user, case)
        else None,
        "paper_form": (bound.get("paper") or PaperConsentForm(formdata=None, prefix="paper"))
        if may(Act.record_extension_paper)
        else None,
    }


def suspension_section(case: Case, user: User, bound: dict | None = None) -> dict[str, Any]:
    """The staff panel of the limitation's suspensions (templates/cases/_suspensions.html): each
    one recorded, a form to record another and, while one lasts, a form to record its end.
    Everyone who sees the limitation sees its suspensions beside it (_limitation.html); the
    reasons, which may tell of the worker's health, only staff and the worker."""
    bound = bound or {}
    shown = policy.may_act(user, case, Act.record_suspension)
    recorded = clocks.suspensions_of(case) if shown else ()
    lasting = next((s for s in recorded if s.ends_on is None), None)
    ending = lasting is not None and policy.may_act(user, case, Act.end_suspension)
    return {
        "suspension_panel": shown,
        "suspensions": recorded,
        "lasting_suspension": lasting,
        "suspension_form": (
            bound.get("suspension") or SuspensionForm(formdata=None, prefix="suspension")
        )
        if shown
        else None,
        "suspension_end_form": (
            bound.get("suspension_end") or SuspensionEndForm(formdata=None, prefix="suspension-end")
        )
        if ending
        else None,
        "suspension_reasons_shown": policy.sees_the_workers_private_facts(user, case),
    }
