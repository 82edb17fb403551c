"""Guessing passwords: the brute force of issue 14, as the attack."""

import pytest
from sqlalchemy import func, select

from mediation.extensions import db
from mediation.models import AuditEvent, OutboxMessage
from tests.conftest import Browser, make_app
from tests.factories import user

pytestmark = [pytest.mark.both_databases, pytest.mark.commits]


@pytest.fixture
def throttled(app, demo):
    """The same database, served with the throttle on (the test configuration has it off)."""
    guarded = make_app(app.config["SQLALCHEMY_DATABASE_URI"], RATELIMIT_ENABLED=True)
    with guarded.app_context():
        yield guarded
        db.session.remove()


def events(action):
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


def test_wrong_passwords_through_the_api_pause_the_account_and_leave_their_trace(throttled):
    client = throttled.test_client()
    for _ in range(5):
        answer = client.post("/api/v1/tokens", json={"username": "worker1", "password": "guess"})
        assert answer.status_code == 401
    blocked = client.post(
        "/api/v1/tokens",
        json={"username": "worker1", "password": "demo-2026"},
        headers={"Accept-Language": "en"},
    )
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert "Too many attempts" in blocked.json["message"]
    # The 401s rolled their requests back; the failures were still recorded.
    assert events("security.login_failed") == 5
    assert events("security.sign_in_paused") >= 1
    holder = user("worker1")
    told = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.kind == "sign_in_paused", OutboxMessage.user_id == holder.id
        )
    )
    assert told == 1
    # Another account from the same machine is not paused by it.
    other = client.post("/api/v1/tokens", json={"username": "worker2", "password": "demo-2026"})
    assert other.status_code == 201


def test_the_login_page_pauses_too_and_says_so_in_the_readers_language(throttled):
    browser = Browser(throttled.test_client())
    for _ in range(5):
        page = browser.submit("/login", {"identifier": "13800138002", "password": "guess"})
        assert page.status_code == 200
    blocked = browser.submit("/login", {"identifier": "13800138002", "password": "demo-2026"})
    assert blocked.status_code == 429 and "请稍候再试" in blocked.get_data(as_text=True)
    # The paused account is the one named, by username or by number alike.
    assert browser.submit("/login", {"identifier": "worker2", "password": "x"}).status_code == 429


def test_one_address_cannot_try_account_after_account(throttled):
    client = throttled.test_client()
    answers = [
        client.post("/api/v1/tokens", json={"username": f"user{n}", "password": "x"}).status_code
        for n in range(31)
    ]
    assert answers[:30] == [401] * 30 and answers[30] == 429
