"""Mediation sessions: scheduled by the mediator (in person, by phone, by video with a link),
answered and reminded, moved or cancelled with a reason, minutes confirmed by the parties."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from mediation.cases import sessions
from mediation.cases.sweep import sweep
from mediation.core.errors import Invalid, NotPermitted
from mediation.extensions import db
from mediation.localtime import SHANGHAI, local_today
from mediation.models import (
    Attendance,
    MediationSession,
    Notification,
    SessionMode,
    SessionStatus,
)
from mediation.models.types import utcnow
from tests.factories import held_session, mediating_case, user

ROOM = "https://meet.example.cn/room/fengcheng"


def notices(kind: str) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(Notification.kind == kind))


def test_a_video_session_shows_its_link_clickable_to_both_parties(app, demo, make_browser):
    with app.test_request_context():
        case = mediating_case()
        case.organization.video_link = ROOM
        db.session.commit()
    page = f"/cases/{case.id}"
    mediator = make_browser()
    mediator.login("med_hr")
    when = (utcnow() + timedelta(days=3)).astimezone(SHANGHAI)
    data = {
        "schedule-date": when.date().isoformat(),
        "schedule-time": "10:00",
        "schedule-mode": "video",
        "schedule-video_link": "",  # the organisation's room
    }
    assert mediator.submit(f"{page}/sessions", data, page=page).status_code == 302
    for party in ("worker1", "employer1"):
        person = make_browser()
        person.login(party)
        html = person.get(page).get_data(as_text=True)
        assert f'<a href="{ROOM}" rel="noopener noreferrer" target="_blank">' in html
    assert notices("session") >= 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"mode": "phone", "past": True}, "The session cannot be in the past"),
        ({"mode": "video", "video_link": "javascript:alert(1)"}, "starting with https://"),
        ({"mode": "video", "video_link": "ftp://meet.example.cn/1"}, "starting with https://"),
        ({"mode": "in_person", "location": ""}, "Enter where the session takes place."),
    ],
    ids=["in the past", "script link", "not the web", "no place"],
)
def test_a_bad_session_is_refused_with_words_and_nothing_typed_is_lost(
    app, demo, make_browser, fields, message
):
    with app.test_request_context():
        case = mediating_case()
    page = f"/cases/{case.id}"
    mediator = make_browser()
    mediator.login("med_hr")
    when = utcnow().astimezone(SHANGHAI) + timedelta(days=-1 if fields.get("past") else 2)
    data = {
        "schedule-date": when.date().isoformat(),
        "schedule-time": when.strftime("%H:%M"),
        "schedule-mode": fields["mode"],
        "schedule-location": fields.get("location", "调解室一"),
        "schedule-video_link": fields.get("video_link", ""),
    }
    response = mediator.submit(
        f"{page}/sessions", data, page=page, headers={"Accept-Language": "en"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    assert 'class="error-summary"' in html
    if fields.get("video_link"):
        assert fields["video_link"].replace("&", "&amp;") in html  # kept in the field
    assert db.session.scalar(select(func.count(MediationSession.id))) == 0


def test_reminders_go_once_the_day_before_and_once_the_hour_before(app, demo, in_request):
    case = mediating_case()
    session = sessions.schedule_session(
        case,
        actor=user("med_hr"),
        starts_at=utcnow() + timedelta(hours=20),
        mode=SessionMode.phone,
    )
    db.session.commit()
    assert sessions.remind_sessions(utcnow()) == 1
    assert sessions.remind_sessions(utcnow()) == 0  # the next run, or another machine
    reminded = notices("session_reminder")
    assert reminded >= 2  # the worker and the employer's representative
    # Nineteen hours later: within the hour.
    later = session.starts_at - timedelta(minutes=50)
    assert sessions.remind_sessions(later) == 1
    assert sessions.remind_sessions(later) == 0
    assert notices("session_reminder") == 2 * reminded
    # The deadline sweep runs the reminders too (nothing left to send here).
    assert sweep(local_today()).session_reminders == 0


def test_moving_a_session_reminds_afresh_and_cancelling_tells_the_reason(app, demo, in_request):
    case = mediating_case()
    mediator = user("med_hr")
    session = sessions.schedule_session(
        case, actor=mediator, starts_at=utcnow() + timedelta(hours=5), mode=SessionMode.phone
    )
    sessions.answer_session(case, session, actor=user("worker1"), attendance=Attendance.confirmed)
    assert sessions.remind_sessions(utcnow()) == 1
    with pytest.raises(Invalid) as raised:
        sessions.reschedule_session(
            case,
            session,
            actor=mediator,
            starts_at=utcnow() + timedelta(days=2),
            mode=SessionMode.phone,
            reason="",
        )
    assert set(raised.value.errors) == {"reason"}
    sessions.reschedule_session(
        case,
        session,
        actor=mediator,
        starts_at=utcnow() + timedelta(hours=10),
        mode=SessionMode.phone,
        reason="调解员出差",
    )
    assert session.reminded_day_before_at is None
    assert sessions.answers_of(session)["applicant"].attendance is None  # asked again
    assert sessions.remind_sessions(utcnow()) == 1
    with pytest.raises(NotPermitted):
        sessions.cancel_session(case, session, actor=user("worker1"), reason="不来了")
    sessions.cancel_session(case, session, actor=mediator, reason="双方已自行和解")
    assert session.status == SessionStatus.cancelled
    told = db.session.scalars(
        select(Notification).where(Notification.kind == "session_cancelled")
    ).all()
    assert {n.user_id for n in told} >= {user("worker1").id, user("employer1").id}
    assert all(n.params["reason"] == "双方已自行和解" for n in told)
    assert sessions.remind_sessions(utcnow()) == 0  # a cancelled session is not reminded


def test_minutes_are_confirmed_by_both_parties_on_their_pages(app, demo, make_browser):
    with app.test_request_context():
        case = mediating_case()
        session = held_session(case, "双方同意分期支付。")
        db.session.commit()
    page = f"/cases/{case.id}"
    english = {"Accept-Language": "en"}
    key = f"confirm-{session.id}"
    url = f"{page}/sessions/{session.id}/minutes/answer"
    worker = make_browser()
    worker.login("worker1")
    refused = worker.submit(url, {f"{key}-answer": "refuse"}, page=page, headers=english)
    assert refused.status_code == 422
    assert "Please say what is wrong in the minutes." in refused.get_data(as_text=True)
    assert worker.submit(url, {f"{key}-answer": "confirm"}, page=page).status_code == 302
    employer = make_browser()
    employer.login("employer1")
    assert employer.submit(url, {f"{key}-answer": "confirm"}, page=page).status_code == 302
    html = worker.get(page, headers=english).get_data(as_text=True)
    assert html.count("A party confirmed the minutes") == 2  # the timeline
    assert "not answered yet" not in html
    answers = sessions.answers_of(db.session.get(MediationSession, session.id))
    assert {p: a.minutes_answer for p, a in answers.items()} == {
        "applicant": "agreed",
        "respondent": "agreed",
    }
