"""Issue 18 in Chromium on a phone, in Chinese: the worker's notice says when the session is in
words, the header counts the unread notices, and opening them clears the count."""

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from mediation.cases import sessions
from mediation.extensions import db
from mediation.localtime import SHANGHAI
from mediation.models import SessionMode
from tests.browser.conftest import accessibility_problems
from tests.browser.test_case_journey import sign_in
from tests.factories import mediating_case, user

# A journey is about the pages: it runs on one database (the journeys share them out), the
# database tests run on both.
pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def test_the_worker_reads_a_session_notice_in_words_and_the_count_clears(
    app, demo, new_page, screenshot, monkeypatch
):
    # Scheduled while 4 December 2026 was still ahead.
    monkeypatch.setattr(
        "mediation.cases.sessions.utcnow", lambda: datetime(2026, 11, 20, 2, tzinfo=UTC)
    )
    with app.test_request_context():
        case = mediating_case()
        sessions.schedule_session(
            case,
            actor=user("med_hr"),
            starts_at=datetime(2026, 12, 4, 10, 0, tzinfo=SHANGHAI),
            mode=SessionMode.in_person,
            location="调解室一",
        )
        db.session.commit()

    worker = new_page()  # a phone, in Chinese
    sign_in(worker, "worker1")
    count = worker.locator(".account-nav .count")
    expect(count).to_have_text(re.compile(r"^[1-9]\d*$"))
    worker.locator(".account-nav").get_by_role("link", name=re.compile("^消息")).click()
    expect(worker.get_by_role("heading", level=1)).to_have_text("消息")
    notice = worker.locator(".notifications li", has_text=case.number).first
    expect(notice).to_contain_text("的调解安排在 2026年12月4日 上午10:00（现场）")
    expect(count).to_have_count(0)
    assert accessibility_problems(worker) == []
    screenshot(worker, "notices")
    worker.goto("/")
    expect(worker.locator(".account-nav .count")).to_have_count(0)
