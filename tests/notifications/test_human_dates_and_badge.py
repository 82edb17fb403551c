"""Issue 18: notices say days and times in words, in the reader's language and China's time;
the header's count of unread notices clears when they are read; each document is titled with
the organisation that issued it; the parties are asked to rate a closed case a day later."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from mediation.cases import sessions
from mediation.cases.operations import fire
from mediation.cases.sweep import sweep
from mediation.extensions import db
from mediation.localtime import SHANGHAI, local_today
from mediation.models import (
    DeliveryChannel,
    Notification,
    OutboxMessage,
    SessionMode,
)
from tests.conftest import statements_sent
from tests.factories import filed_case, mediating_case, user

# 4 December 2026, 10:00 in China (02:00 UTC); scheduled while that was still ahead.
SESSION_AT = datetime(2026, 12, 4, 10, 0, tzinfo=SHANGHAI)
SCHEDULED_ON = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
STREET, COURT = "凤城街道劳动人事争议调解中心", "清城区人民法院诉前调解中心"
COUNT = re.compile(r'<span class="count">(\d+)</span>')


def badge(html: str) -> int:
    """The number in the header beside "Notifications" (none shown: 0)."""
    found = COUNT.search(html)
    return int(found.group(1)) if found else 0


def sms_to(phone: str) -> str:
    return db.session.scalar(
        select(OutboxMessage.body)
        .where(OutboxMessage.channel == DeliveryChannel.sms, OutboxMessage.recipient == phone)
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )


@pytest.fixture
def session_notice(app, demo, monkeypatch):
    """worker1's case in mediation, a session set for 4 Dec 2026 10:00; the employer's
    representative reads English on a phone of its own."""
    monkeypatch.setattr("mediation.cases.sessions.utcnow", lambda: SCHEDULED_ON)
    with app.test_request_context():
        case = mediating_case()
        representative = user("employer1")
        representative.locale, representative.phone = "en", "13900139009"
        sessions.schedule_session(
            case,
            actor=user("med_hr"),
            starts_at=SESSION_AT,
            mode=SessionMode.in_person,
            location="调解室一",
        )
        db.session.commit()
    return case


def test_a_session_notice_says_the_day_and_time_in_the_readers_language(
    session_notice, make_browser
):
    worker = make_browser()
    worker.login("worker1")
    chinese = worker.get("/notifications").get_data(as_text=True)
    assert "的调解安排在 2026年12月4日 上午10:00（现场）" in chinese
    english = worker.get("/notifications", headers={"Accept-Language": "en"})
    assert "is set for 4 Dec 2026, 10:00 (In person)" in english.get_data(as_text=True)
    assert "T10:00" not in chinese and "T02:00" not in chinese
    # The stored parameter stays machine data, whatever the language.
    stored = db.session.scalar(select(Notification.params).where(Notification.kind == "session"))
    assert datetime.fromisoformat(stored["when"]) == SESSION_AT


def test_the_sms_carries_the_day_and_time_in_words_in_the_recipients_language(
    session_notice,
):
    assert "2026年12月4日 上午10:00" in sms_to(session_notice.applicant_phone)
    assert "4 Dec 2026, 10:00" in sms_to("13900139009")  # the representative reads English


def test_opening_the_notices_and_opening_the_case_clear_the_count_in_the_header(
    session_notice, make_browser, app
):
    worker = make_browser()
    worker.login("worker1")

    def header() -> int:  # on a page that reads nothing
        return badge(worker.get("/cases/mine").get_data(as_text=True))

    assert header() >= 4  # filed, accepted, mediation started, the session
    page = worker.get("/notifications").get_data(as_text=True)
    assert badge(page) == 0 and "notification--unread" in page  # shown as new, once
    assert header() == 0
    assert "notification--unread" not in worker.get("/notifications").get_data(as_text=True)

    with app.test_request_context():
        other = filed_case()  # worker1's second case: opening the first does not read its notice
        sessions.cancel_session(
            session_notice,
            session_notice.sessions[0],
            actor=user("med_hr"),
            reason="调解员临时有事",
        )
        db.session.commit()
    assert header() == 2
    assert badge(worker.get(f"/cases/{session_notice.id}").get_data(as_text=True)) == 1
    assert badge(worker.get(f"/cases/{other.id}").get_data(as_text=True)) == 0


def test_two_acceptance_notices_after_a_transfer_are_titled_with_their_organisations(
    app, demo, make_browser
):
    with app.test_request_context():
        case = filed_case()  # at the street centre
        consent = {"respondent_consent": True, "consent_via": "window"}
        fire(case, "accept", actor=user("med_hr"), **consent)
        fire(case, "escalate", actor=user("med_hr"), reason="申请人要求法院诉前调解")
        fire(case, "accept", actor=user("court1"), **consent)
        db.session.commit()
    worker = make_browser()
    worker.login("worker1")
    page = worker.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"受理通知书（{STREET}）" in page and f"受理通知书（{COURT}）" in page
    first = re.search(rf'id="document-(\d+)">\s*<strong>受理通知书（{STREET}）', page).group(1)
    printable = worker.get(f"/cases/{case.id}/documents/{first}").get_data(as_text=True)
    assert f"<h1>受理通知书（{STREET}）</h1>" in printable
    assert f"{STREET} 已于" in printable  # its text names its issuer too


@pytest.mark.both_databases  # which closed cases the sweep picks is a query over moments
def test_the_parties_are_asked_to_rate_a_day_after_closure_and_only_once(app, demo):
    with app.test_request_context():
        case = filed_case()
        fire(case, "decline", actor=user("med_hr"), reason="不属于受理范围")
        db.session.commit()
        today = local_today()
        asked = [sweep(today + timedelta(days=days)).rating_reminders for days in (0, 1, 2)]
        db.session.commit()
    assert asked == [0, 1, 0]
    told = db.session.scalars(
        select(Notification).where(Notification.kind == "rating_reminder")
    ).all()
    assert sorted(notice.user.username for notice in told) == ["employer1", "worker1"]
    closed_on = case.closed_at.astimezone(SHANGHAI).date()
    sms = sms_to(case.applicant_phone)
    assert (
        f"{case.number}" in sms and f"{closed_on.year}年{closed_on.month}月{closed_on.day}日" in sms
    )
    assert (
        db.session.scalar(
            select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "rating_reminder")
        )
        == 1  # the worker's phone; the representative has none
    )


@pytest.mark.postgresql_only
def test_the_headers_count_is_read_from_the_index_of_unread_notices_alone(app, demo, browser):
    """Every page a signed-in person opens counts their unread notices, in the statement that
    checks their session: on PostgreSQL the partial index of unread notices answers it without
    visiting the notices (an index-only scan), so a mediator with hundreds of them waits no
    longer. The plan is asked for with the other ways made prohibitive: if it still reads the
    rows, the query asks for a column the index does not hold."""
    browser.login("med_hr")
    with statements_sent() as statements:
        page = browser.get("/queue")
    assert page.status_code == 200
    # Counted once, with the session: no statement of its own.
    [(statement, parameters)] = [found for found in statements if "notifications" in found[0]]
    assert "user_sessions" in statement
    cursor = db.session.connection().connection.driver_connection.cursor()
    for setting in ("enable_seqscan", "enable_bitmapscan"):
        cursor.execute(f"SET LOCAL {setting} = off")
    cursor.execute("EXPLAIN " + statement, parameters)
    plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using ix_notifications_unread" in plan, plan
    db.session.rollback()
