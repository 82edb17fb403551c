"""Mediation sessions: the mediator schedules one (in person, by phone or by video), both
parties are told and confirm or ask for another time, they are reminded the day before and an
hour before, the mediator reschedules or cancels with a reason, and after the session writes
the minutes (调解笔录), which each party confirms online or refuses with a note."""

from datetime import datetime, timedelta
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import Field
from sqlalchemy import Select, and_, or_, select, update
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import NotFound

from mediation import policy
from mediation.core import audit
from mediation.core.errors import Invalid, Refused
from mediation.core.fields import FILLED, FILLED_SCHEMA, Moment, one_of
from mediation.core.notifications import notify
from mediation.core.recipients import Recipient, applicant_of, representatives_of, staff_of
from mediation.core.schemas import Body
from mediation.extensions import db
from mediation.models import (
    Answer,
    Attendance,
    Case,
    MediationSession,
    SessionAnswer,
    SessionMode,
    SessionStatus,
    User,
)
from mediation.models.types import utcnow
from mediation.policy import Act
from mediation.translation import lazy_gettext as _l
from workflows.case import CaseState

PARTIES = ("applicant", "respondent")
DAY_BEFORE = timedelta(hours=24)
HOUR_BEFORE = timedelta(hours=1)

IN_THE_PAST = _l("The session cannot be in the past: choose a later date and time.")
BAD_LINK = _l("Enter the meeting link as a web address starting with https:// or http://.")
NO_LINK = _l("Enter the meeting link: the organisation has no video-meeting room set up.")
NO_PLACE = _l("Enter where the session takes place.")
REASON_NEEDED = _l("Please write the reason.")
NOTE_NEEDED = _l("Please say what is wrong in the minutes.")
TIME_NEEDED = _l("Please say which times suit you.")

LINK = Annotated[
    str | None,
    Field(
        max_length=500,
        description="For a video session: the meeting link (http or https); default: the "
        "organisation's video-meeting room",
    ),
]


# Bodies (the API's; the pages' forms check the same rules through ``problems``).


class SessionPlan(Body):
    """A session to hold: when, how, and where (a place, or a video meeting link)."""

    starts_at: Moment = Field(
        description="ISO 8601; without an offset, a time in China; not in the past",
        examples=["2026-11-25T10:00:00+08:00"],
    )
    mode: Annotated[SessionMode, one_of(SessionMode)]
    location: str = Field("", max_length=200, description="The place of an in-person session")
    video_link: LINK = None


class SessionChange(SessionPlan):
    """The session moved: a new time (and how and where), and why."""

    reason: Annotated[str, Field(max_length=2000), FILLED, FILLED_SCHEMA]


class SessionCancel(Body):
    reason: Annotated[str, Field(max_length=2000), FILLED, FILLED_SCHEMA]


class SessionReply(Body):
    """A party's answer to a scheduled session."""

    attendance: Annotated[Attendance, one_of(Attendance)] = Field(
        description="confirmed, or other_time (then say which times suit in `note`)"
    )
    note: str = Field("", max_length=2000)


class MinutesEntry(Body):
    minutes: Annotated[str, Field(max_length=20000), FILLED, FILLED_SCHEMA]
    attendees: str = Field("", max_length=2000)


class MinutesReply(Body):
    """A party confirms the minutes, or refuses to with a note saying what is wrong."""

    confirm: bool = Field(description="true: the minutes are right; false: refused, see `note`")
    note: str = Field("", max_length=2000, description="Required when refusing")


# Rules.


def is_web_link(link: str) -> bool:
    parts = urlsplit(link)
    return (
        parts.scheme in ("http", "https")
        and bool(parts.netloc)
        and not any(character.isspace() for character in link)
    )


def meeting_link(case: Case, mode: SessionMode, typed: str | None) -> str | None:
    """A video session's link: the one typed, else the organisation's room."""
    if SessionMode(mode) is not SessionMode.video:
        return None
    return (typed or "").strip() or case.organization.video_link or None


def problems(
    case: Case, *, starts_at: datetime, mode: SessionMode, location: str, video_link: str | None
) -> dict[str, list]:
    """What is wrong with a session's plan, by the API's field names."""
    found: dict[str, list] = {}
    if starts_at <= utcnow():
        found["starts_at"] = [IN_THE_PAST]
    mode = SessionMode(mode)
    if mode is SessionMode.in_person and not (location or "").strip():
        found["location"] = [NO_PLACE]
    if mode is SessionMode.video:
        typed = (video_link or "").strip()
        if typed and not is_web_link(typed):
            found["video_link"] = [BAD_LINK]
        elif not meeting_link(case, mode, typed):
            found["video_link"] = [NO_LINK]
    return found


# Who hears of it.


def _parties(case: Case) -> list[Recipient | None]:
    return [applicant_of(case), *representatives_of(case.employer)]


def _mediators(case: Case) -> list[User]:
    return [case.mediator] if case.mediator else staff_of(case.organization)


def _where(session: MediationSession) -> str:
    return session.video_link or session.location or ""


def _when(session: MediationSession) -> str:
    return session.starts_at.isoformat(timespec="minutes")


# Reading.


def load_session(case: Case, session_id: int) -> MediationSession:
    """A session of ``case`` (already loaded with its visibility checked), else 404."""
    session = db.session.get(MediationSession, session_id)
    if session is None or session.case_id != case.id:
        raise NotFound()
    return session


def answers_of(session: MediationSession) -> dict[str, SessionAnswer]:
    rows = db.session.scalars(select(SessionAnswer).where(SessionAnswer.session_id == session.id))
    return {row.party: row for row in rows}


def party_of(actor: User, case: Case) -> str | None:
    if policy.is_applicant(actor, case):
        return "applicant"
    if policy.is_respondent(actor, case):
        return "respondent"
    return None


def _answer_row(session: MediationSession, party: str) -> SessionAnswer:
    row = answers_of(session).get(party)
    if row is None:
        row = SessionAnswer(session_id=session.id, party=party)
        db.session.add(row)
    return row


# Changes.


def schedule_session(
    case: Case,
    *,
    actor: User,
    starts_at: datetime,
    mode: SessionMode,
    location: str = "",
    video_link: str | None = None,
) -> MediationSession:
    """The mediator sets a session; both parties are told."""
    policy.require_act(actor, case, Act.schedule_session)
    mode = SessionMode(mode)
    if found := problems(
        case, starts_at=starts_at, mode=mode, location=location, video_link=video_link
    ):
        raise Invalid(found)
    session = MediationSession(
        case=case,
        starts_at=starts_at,
        mode=mode,
        location=(location or "").strip() if mode is SessionMode.in_person else "",
        video_link=meeting_link(case, mode, video_link),
        attendees="",
        minutes="",
        recorded_by=actor,
        status=SessionStatus.scheduled,
    )
    db.session.add(session)
    db.session.flush()
    audit.record_case_event(
        case, "session_scheduled", actor=actor, session_id=session.id, when=_when(session)
    )
    notify(
        _parties(case), "session", case, when=_when(session), mode=mode.value, where=_where(session)
    )
    return session


def _require_scheduled(session: MediationSession) -> None:
    if session.status != SessionStatus.scheduled:
        raise Refused("session_not_scheduled")


def reschedule_session(
    case: Case,
    session: MediationSession,
    *,
    actor: User,
    starts_at: datetime,
    mode: SessionMode,
    reason: str,
    location: str = "",
    video_link: str | None = None,
) -> MediationSession:
    """A new time (and place); the parties answer again and are reminded again."""
    policy.require_act(actor, case, Act.change_session)
    _require_scheduled(session)
    mode = SessionMode(mode)
    found = problems(case, starts_at=starts_at, mode=mode, location=location, video_link=video_link)
    if not (reason or "").strip():
        found["reason"] = [REASON_NEEDED]
    if found:
        raise Invalid(found)
    session.starts_at, session.mode = starts_at, mode
    session.location = (location or "").strip() if mode is SessionMode.in_person else ""
    session.video_link = meeting_link(case, mode, video_link)
    session.reminded_day_before_at = session.reminded_hour_before_at = None
    for row in answers_of(session).values():
        row.attendance, row.attendance_note, row.answered_at = None, None, None
    audit.record_case_event(
        case,
        "session_rescheduled",
        actor=actor,
        note=reason.strip(),
        session_id=session.id,
        when=_when(session),
    )
    notify(
        _parties(case),
        "session_rescheduled",
        case,
        when=_when(session),
        mode=mode.value,
        where=_where(session),
        reason=reason.strip(),
    )
    return session


def cancel_session(
    case: Case, session: MediationSession, *, actor: User, reason: str
) -> MediationSession:
    policy.require_act(actor, case, Act.change_session)
    _require_scheduled(session)
    if not (reason or "").strip():
        raise Invalid({"reason": [REASON_NEEDED]})
    session.status, session.cancel_reason = SessionStatus.cancelled, reason.strip()
    audit.record_case_event(
        case, "session_cancelled", actor=actor, note=session.cancel_reason, session_id=session.id
    )
    notify(
        _parties(case), "session_cancelled", case, when=_when(session), reason=session.cancel_reason
    )
    return session


def answer_session(
    case: Case,
    session: MediationSession,
    *,
    actor: User,
    attendance: Attendance,
    note: str = "",
) -> SessionAnswer:
    """A party will attend, or asks for another time (saying which times suit)."""
    policy.require_act(actor, case, Act.answer_session)
    _require_scheduled(session)
    attendance = Attendance(attendance)
    if attendance is Attendance.other_time and not (note or "").strip():
        raise Invalid({"note": [TIME_NEEDED]})
    party = party_of(actor, case)
    row = _answer_row(session, party)
    row.attendance, row.attendance_note = attendance, (note or "").strip() or None
    row.answered_at, row.answered_by_id = utcnow(), actor.id
    audit.record_case_event(
        case,
        "session_answered",
        actor=actor,
        note=row.attendance_note,
        session_id=session.id,
        attendance=attendance.value,
    )
    kind = "session_confirmed" if attendance is Attendance.confirmed else "session_other_time"
    notify(_mediators(case), kind, case, when=_when(session))
    return row


def write_minutes(
    case: Case, session: MediationSession, *, actor: User, minutes: str, attendees: str = ""
) -> MediationSession:
    """After the session: its minutes. A rewrite asks both parties to confirm again."""
    policy.require_act(actor, case, Act.write_minutes)
    if session.status == SessionStatus.cancelled:
        raise Refused("session_not_scheduled")
    if session.starts_at > utcnow():
        raise Refused("session_not_held_yet")
    if not (minutes or "").strip():
        raise Invalid({"minutes": [_l("Please write the minutes.")]})
    session.minutes, session.attendees = minutes.strip(), (attendees or "").strip()
    session.status = SessionStatus.held
    for row in answers_of(session).values():
        row.minutes_answer, row.minutes_note, row.minutes_answered_at = None, None, None
    audit.record_case_event(case, "minutes_written", actor=actor, session_id=session.id)
    notify(_parties(case), "minutes_ready", case, when=_when(session))
    return session


def answer_minutes(
    case: Case, session: MediationSession, *, actor: User, confirm: bool, note: str = ""
) -> SessionAnswer:
    """A party confirms the minutes, or refuses to with a note."""
    policy.require_act(actor, case, Act.answer_minutes)
    if session.status != SessionStatus.held or not session.minutes.strip():
        raise Refused("minutes_not_written")
    if not confirm and not (note or "").strip():
        raise Invalid({"note": [NOTE_NEEDED]})
    party = party_of(actor, case)
    row = _answer_row(session, party)
    row.minutes_answer = Answer.agreed if confirm else Answer.refused
    row.minutes_note = (note or "").strip() or None
    row.minutes_answered_at, row.answered_by_id = utcnow(), actor.id
    audit.record_case_event(
        case,
        "minutes_confirmed" if confirm else "minutes_refused",
        actor=actor,
        note=row.minutes_note,
        session_id=session.id,
    )
    notify(_mediators(case), "minutes_answered", case, when=_when(session))
    return row


# Reminders: run by the deadline sweep every few minutes, on any number of machines.


def _claim(session_id: int, column, now: datetime) -> bool:
    """Mark a reminder as sent; False when another run marked it first."""
    result = db.session.execute(
        update(MediationSession)
        .where(MediationSession.id == session_id, column.is_(None))
        .values({column.key: now})
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount == 1


def sessions_to_remind(now: datetime) -> Select:
    """The ids of the sessions whose parties are to be reminded now: starting within a day
    and not reminded of that yet, or within the hour and not reminded of that yet."""
    within_hour = MediationSession.starts_at <= now + HOUR_BEFORE
    return (
        select(MediationSession.id)
        .join(Case)
        .where(
            MediationSession.status == SessionStatus.scheduled,
            MediationSession.starts_at > now,
            MediationSession.starts_at <= now + DAY_BEFORE,
            Case.state == CaseState.mediating,
            or_(
                and_(within_hour, MediationSession.reminded_hour_before_at.is_(None)),
                and_(~within_hour, MediationSession.reminded_day_before_at.is_(None)),
            ),
        )
    )


def sessions_with_cases() -> Select:
    """The sessions as ``remind_session`` reads them: with their case."""
    return select(MediationSession).options(joinedload(MediationSession.case))


def remind_session(session: MediationSession, now: datetime) -> bool:
    """Remind the parties of a session starting within a day, then within the hour (one of
    ``sessions_to_remind``); each reminder once, a rescheduled session afresh. True when
    this call reminded them (another run may have first)."""
    within_hour = session.starts_at <= now + HOUR_BEFORE
    column = (
        MediationSession.reminded_hour_before_at
        if within_hour
        else MediationSession.reminded_day_before_at
    )
    if not _claim(session.id, column, now):
        return False
    if within_hour:
        # Scheduled at short notice: the hour's reminder stands for the day's.
        _claim(session.id, MediationSession.reminded_day_before_at, now)
    notify(
        _parties(session.case),
        "session_reminder",
        session.case,
        when=_when(session),
        mode=session.mode.value,
        where=_where(session),
    )
    return True


def remind_sessions(now: datetime) -> int:
    """Every reminder due now, in one go; returns how many were sent (the deadline sweep
    works through ``sessions_to_remind`` in batches instead)."""
    due = db.session.scalars(
        sessions_with_cases().where(MediationSession.id.in_(sessions_to_remind(now)))
    ).all()
    return sum(remind_session(session, now) for session in due)
