"""A party's case page is kept rendered while the case does not change
(mediation.cases.page_store): kept or not, it shows the case as it is now, in the reader's
language, with forms that carry the reader's own session's token."""

import os
import re
import time
from datetime import date, timedelta

import pytest
import redis
from sqlalchemy import select

from mediation.cases import page_store, sessions
from mediation.cases.operations import claim
from mediation.extensions import db
from mediation.models import Case, SessionMode
from mediation.models.types import utcnow
from tests.cases.test_conversation import page_of, send
from tests.conftest import csrf_token_from, skip_or_fail, statements_sent
from tests.factories import mediating_case, user

EN = {"Accept-Language": "en"}
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
TOKENS = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def viewed(browser, case) -> tuple[str, int]:
    """The page as the reader gets it, and how many statements it took."""
    with statements_sent() as sent:
        html = page_of(browser, case)
    return html, len(sent)


def without_tokens(html: str) -> str:
    return TOKENS.sub("", html)


def test_a_party_gets_the_kept_page_until_the_case_changes(app, case, signed_in):
    worker, mediator = signed_in("worker1"), signed_in("med_hr")
    first, rendered = viewed(worker, case)
    again, kept = viewed(worker, case)
    assert without_tokens(again) == without_tokens(first)
    assert kept < rendered / 2, (kept, rendered)

    send(mediator, case, "joint", "明天上午十点来中心调解。")
    changed, statements = viewed(worker, case)
    assert "明天上午十点来中心调解。" in changed and statements > 2 * kept  # rendered afresh


def test_the_mediator_taking_the_case_shows_on_the_kept_page(app, case, signed_in):
    worker = signed_in("worker1")
    viewed(worker, case)
    before, _ = viewed(worker, case)
    with app.test_request_context():
        # A conditional UPDATE of its own, not a change the flush sees: its audit event is.
        claim(db.session.get(Case, case.id), actor=user("med_hr"))
        db.session.commit()
    after, _ = viewed(worker, case)
    assert "A mediator took the case" not in before
    assert "A mediator took the case" in after


def test_new_messages_are_marked_new_once(app, case, signed_in):
    worker, mediator = signed_in("worker1"), signed_in("med_hr")
    viewed(worker, case)
    send(mediator, case, "joint", "请补充工资条。")
    assert "message--new" in page_of(worker, case)
    assert "message--new" not in page_of(worker, case)
    assert "message--new" not in page_of(worker, case)


def test_each_session_gets_its_own_token_on_a_kept_page(app, case, signed_in):
    """Signed in on a phone and a computer: the page kept for one carries, in every form, the
    token of the session that asks for it, and a message sent with it is taken."""
    phone, computer = signed_in("worker1"), signed_in("worker1")
    _, rendered = viewed(phone, case)
    html, kept = viewed(computer, case)
    assert kept < rendered / 2
    tokens = set(TOKENS.findall(html))
    assert len(tokens) == 1 and "csrf-" not in html
    (token,) = tokens
    response = computer.client.post(
        f"/cases/{case.id}/messages/joint",
        data={"joint-text": "电脑上发的。", "csrf_token": token},
        headers=EN,
    )
    assert response.status_code == 302
    assert "电脑上发的。" in page_of(phone, case)
    assert csrf_token_from(page_of(phone, case)) != token  # the phone's own session


def test_the_page_is_kept_per_language_and_per_reader(app, case, signed_in):
    worker, employer = signed_in("worker1"), signed_in("employer1")
    assert "Where the case is" in page_of(worker, case)
    chinese = worker.get(f"/cases/{case.id}", headers={"Accept-Language": "zh-CN"})
    assert "案件所在" in chinese.get_data(as_text=True)
    assert "Where the case is" in page_of(worker, case)
    # The employer's page is its own: no worker's caucus, the employer's forms.
    send(worker, case, "applicant", "私下说：可以少要一点。")
    assert "私下说" not in page_of(employer, case)
    assert "私下说" in page_of(worker, case)


def test_a_kept_page_counts_its_days_from_today(app, case, clock, signed_in):
    worker = signed_in("worker1")
    clock.today = date(2025, 3, 3)  # a Monday
    monday = page_of(worker, case)
    clock.today = date(2025, 3, 4)
    tuesday = page_of(worker, case)
    assert days_left(monday) == days_left(tuesday) + 1


def days_left(html: str) -> int:
    return int(re.search(r"\((\d+) working days? left\)", html).group(1))


def test_a_kept_page_runs_out_when_a_session_starts(app, demo, signed_in):
    """A party answers whether they will attend until the session starts; after that the page
    no longer offers it, although nothing was written."""
    with app.test_request_context():
        case = mediating_case()
        starts = utcnow() + timedelta(seconds=1.5)
        sessions.schedule_session(
            case, actor=user("med_hr"), starts_at=starts, mode=SessionMode.phone
        )
        db.session.commit()
    worker = signed_in("worker1")
    assert "Can you attend?" in page_of(worker, case)
    time.sleep(max(0, (starts - utcnow()).total_seconds()) + 0.1)
    assert "Can you attend?" not in page_of(worker, case)


def test_staff_pages_are_rendered_at_every_view(app, case, signed_in):
    mediator = signed_in("med_hr")
    viewed(mediator, case)  # the first view reads the new messages and unread notices too
    _, second = viewed(mediator, case)
    _, third = viewed(mediator, case)
    assert third == second > 10


def test_an_operator_turns_keeping_off_with_zero_seconds(app, case, signed_in, monkeypatch):
    worker = signed_in("worker1")
    viewed(worker, case)
    _, kept = viewed(worker, case)
    monkeypatch.setitem(app.config, "CASE_PAGE_SECONDS", 0)
    _, rendered = viewed(worker, case)
    _, again = viewed(worker, case)
    assert kept < rendered / 2 and again == rendered


def test_pages_kept_in_redis_are_shared_and_redis_down_costs_only_time(
    app, case, signed_in, monkeypatch
):
    pages = page_store.RedisPages(REDIS_URL)
    try:
        pages.redis.ping()
    except redis.ConnectionError:
        skip_or_fail("redis", f"no Redis at {REDIS_URL}")
    monkeypatch.setitem(app.extensions, "case_pages", pages)
    phone, computer = signed_in("worker1"), signed_in("worker1")
    first, rendered = viewed(phone, case)
    # The version is random: no other test's page has it, whatever else shares the database.
    version = db.session.scalar(select(Case.page_version).where(Case.id == case.id))
    [key] = pages.redis.keys(f"case-page:{case.id}:{version}:*")
    assert 0 < pages.redis.pttl(key) <= app.config["CASE_PAGE_SECONDS"] * 1000
    again, kept = viewed(computer, case)
    assert kept < rendered / 2 and without_tokens(again) == without_tokens(first)

    monkeypatch.setitem(app.extensions, "case_pages", page_store.RedisPages("redis://127.0.0.1:1"))
    response = computer.get(f"/cases/{case.id}", headers=EN)
    assert response.status_code == 200 and case.number in response.get_data(as_text=True)


@pytest.mark.both_databases
def test_every_commit_that_writes_a_part_of_the_case_gives_it_a_new_version(app, case):
    def version() -> int:
        return db.session.scalar(select(Case.page_version).where(Case.id == case.id))

    filed = version()
    with app.test_request_context():
        claim(db.session.get(Case, case.id), actor=user("med_hr"))
        db.session.commit()
    claimed = version()
    db.session.commit()  # nothing written
    assert filed != claimed == version()


def test_a_process_without_redis_keeps_a_bounded_number_of_pages_for_a_bounded_time():
    pages = page_store.LocalPages(2)
    pages.put("a", "A", 60)
    pages.put("b", "B", 60)
    assert pages.get("a") == "A"  # now the most recently used
    pages.put("c", "C", 60)
    assert (pages.get("a"), pages.get("b"), pages.get("c")) == ("A", None, "C")
    pages.put("d", "D", 0.05)
    time.sleep(0.1)
    assert pages.get("d") is None
