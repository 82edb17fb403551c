"""Registration is no oracle (issue 14): someone who registers with the ID number or the mobile
number of a person who has an account learns nothing from the answers, which are those of a
fresh registration, step by step. No account is made and no code is sent; the account's holder
is told by SMS instead, and the attempt is in the audit log.
"""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mediation.auth import codes
from mediation.extensions import db
from mediation.models import (
    AuditEvent,
    DeliveryChannel,
    Notification,
    OutboxMessage,
    RepresentativeRequest,
    User,
)
from mediation.models.notifications import VerificationCode
from mediation.privacy import mask_phone
from tests.auth.test_accounts import GOOD
from tests.auth.test_representatives import COMPANY
from tests.conftest import make_app
from tests.factories import sms_code
from tests.factories import user as demo_user
from tests.upload_files import MINIMAL_PDF as PDF

EN = {"Accept-Language": "en"}
# worker1 of the demo, who has an account with a verified phone.
OWNER_PHONE = "13800138001"
OWNER_ID_NUMBER = "441802199003150013"
FRESH_ID_NUMBER = "440106199001011235"

# Three people register: one for the first time, one with worker1's ID number (and a phone of
# their own), one with worker1's mobile number (and an ID number no account has).
ATTEMPTS = {
    "fresh": {"phone": GOOD["phone"], "id_number": GOOD["id_number"]},
    "existing ID number": {"phone": "13912345679", "id_number": OWNER_ID_NUMBER},
    "existing phone": {"phone": OWNER_PHONE, "id_number": FRESH_ID_NUMBER},
}


def text(response) -> str:
    return response.get_data(as_text=True)


def as_seen(response, phone: str) -> str:
    """A page as the registrant sees it, without what differs by the number typed (the
    number, masked) or by chance (the CSRF token)."""
    page = text(response).replace(mask_phone(phone), "…").replace(phone, "…")
    return re.sub(r'value="[^"]*"', "", page)


def sms_to(phone: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.channel == DeliveryChannel.sms, OutboxMessage.recipient == phone)
            .order_by(OutboxMessage.id)
        )
    )


def users() -> int:
    return db.session.scalar(select(func.count(User.id)))


def refusals(owner: User) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.action == "account.registration_refused",
                AuditEvent.subject_type == "users",
                AuditEvent.subject_id == owner.id,
            )
            .order_by(AuditEvent.id)
        )
    )


def session_of(app, browser) -> dict:
    """What the browser's cookie holds: signed, not encrypted, so the registrant can read it."""
    cookie = browser.client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


@pytest.fixture
def owner(app, demo):
    worker = demo_user("worker1")
    worker.locale = "en"  # the notice comes in the holder's language
    db.session.commit()
    return worker


# -- The registration page ----------------------------------------------------------------------


def register(browser, attempt: dict):
    return browser.submit("/register", {**GOOD, **attempt}, headers=EN)


def test_the_pages_answer_an_existing_number_exactly_as_a_new_one(app, owner, make_browser):
    seen = {}
    for name, attempt in ATTEMPTS.items():
        browser = make_browser()
        answer = register(browser, attempt)
        code_page = browser.get("/register/code", headers=EN)
        cookie = session_of(app, browser)
        seen[name] = (
            answer.status_code,
            answer.headers["Location"],
            as_seen(answer, attempt["phone"]),
            code_page.status_code,
            as_seen(code_page, attempt["phone"]),
            sorted(cookie),
        )
        assert cookie["pending_phone"] == attempt["phone"]  # only what was typed
        assert "We sent a 6-digit code by SMS to" in text(code_page)
    assert seen["existing ID number"] == seen["fresh"]
    assert seen["existing phone"] == seen["fresh"]


@pytest.mark.parametrize(
    ("attempt", "held"),
    [
        (ATTEMPTS["existing ID number"], ["id_number"]),
        (ATTEMPTS["existing phone"], ["phone"]),
    ],
    ids=["existing ID number", "existing phone"],
)
def test_no_account_and_no_code_the_holder_is_told_and_it_is_audited(
    app, owner, browser, attempt, held
):
    before = users()
    typed_before = len(sms_to(attempt["phone"]))
    register(browser, attempt)
    assert users() == before
    assert not db.session.scalar(select(User.id).where(User.id_number == FRESH_ID_NUMBER))
    # The number typed gets no code (when it is the holder's, it gets the notice only).
    typed = sms_to(attempt["phone"])[typed_before:]
    assert all(message.kind != "phone_code" for message in typed)
    notices = [message for message in sms_to(OWNER_PHONE) if message.user_id == owner.id]
    assert [message.kind for message in notices] == ["registration_attempted"]
    assert notices[0].body == (
        "[Labour dispute mediation] Someone tried to register on the platform with your mobile "
        "number or your ID number. No account was made and no code was sent. If it was you, "
        "you already have an account: sign in, or set a new password with “Forgot password?”. "
        "If it was not you, your account is unchanged."
    )
    assert not re.search(r"(?<!\d)\d{6}(?!\d)", notices[0].body)  # no code in it
    assert db.session.scalar(
        select(Notification.id).where(
            Notification.user_id == owner.id, Notification.kind == "registration_attempted"
        )
    )
    (event,) = refusals(owner)
    assert event.actor_id is None
    assert event.details["held"] == held and event.details["role"] == "worker"
    assert event.details["phone"]["masked"] == mask_phone(attempt["phone"])
    assert attempt["phone"] not in str(event.details)  # the log keeps no full number


def test_the_code_step_refuses_every_code_as_a_fresh_registration_refuses_a_wrong_one(
    app, owner, make_browser
):
    answers = {}
    for name in ("fresh", "existing ID number"):
        attempt = ATTEMPTS[name]
        browser = make_browser()
        register(browser, attempt)
        real = sms_code(attempt["phone"]) if name == "fresh" else "123456"
        wrong = f"{(int(real) + 1) % 1_000_000:06d}"
        steps = [browser.submit("/register/code", {"code": "12 3"}, headers=EN)]
        steps += [
            browser.submit("/register/code", {"code": wrong}, headers=EN)
            for _ in range(codes.MAX_WRONG_TRIES)
        ]
        # The sixth try: refused even with the right code, after five wrong ones.
        steps.append(browser.submit("/register/code", {"code": real}, headers=EN))
        steps.append(
            browser.submit(
                "/register/code/again",
                {},
                page="/register/code",
                headers=EN,
                follow_redirects=True,
            )
        )
        answers[name] = [(step.status_code, as_seen(step, attempt["phone"])) for step in steps]
        assert "Enter the 6 digits of the code." in text(steps[0])
        assert "This code is not right" in text(steps[1])
        assert "entered wrongly too many times" in text(steps[-2])
        assert f"We sent a new code to {mask_phone(attempt['phone'])}" in text(steps[-1])
    assert answers["existing ID number"] == answers["fresh"]
    # Whatever was tried, nobody signed in and no account was made for the ID number.
    assert db.session.scalar(select(func.count(User.id)).where(User.phone == "13912345679")) == 0
    assert sms_to("13912345679") == []


def test_no_code_works_for_a_refused_registration_not_even_one_sent_for_another_purpose(
    app, owner, make_browser
):
    """The holder's own password-reset code does not open the refused registration."""
    browser = make_browser()
    register(browser, ATTEMPTS["existing phone"])
    make_browser().submit("/password/forgot", {"phone": OWNER_PHONE})
    reset_code = sms_code(OWNER_PHONE)
    response = browser.submit("/register/code", {"code": reset_code}, headers=EN)
    assert "This code is not right" in text(response)
    assert browser.get("/cases/mine").status_code == 302


def test_the_holder_is_told_once_an_hour_however_often_someone_tries(app, owner, make_browser):
    for _ in range(3):
        register(make_browser(), ATTEMPTS["existing ID number"])
    notices = [message.kind for message in sms_to(OWNER_PHONE)]
    assert notices == ["registration_attempted"]
    assert [event.details["told"] for event in refusals(owner)] == [True, False, False]
    for row in db.session.scalars(select(Notification).where(Notification.user_id == owner.id)):
        row.created_at -= timedelta(hours=1)
    db.session.commit()
    register(make_browser(), ATTEMPTS["existing ID number"])
    assert [message.kind for message in sms_to(OWNER_PHONE)] == ["registration_attempted"] * 2


def test_the_sms_limit_of_the_number_typed_answers_alike(app, owner, make_browser):
    """Registering again and again: the sixth code in an hour is refused, saying so, whether
    the codes were real or not."""
    for name in ("fresh", "existing ID number"):
        attempt = ATTEMPTS[name]
        for _ in range(codes.MAX_SENDS):
            assert register(make_browser(), attempt).status_code == 302
        refused = register(make_browser(), attempt)
        assert refused.status_code == 200
        assert "We have sent too many codes to this number" in text(refused)


def test_two_abandoned_registrations_do_not_block_the_person_who_proves_the_phone(
    app, make_browser
):
    """One unconfirmed registration holds the phone, another the ID number: whoever registers
    with both and proves the phone gets the account (the old rule, kept)."""
    register(make_browser(), {"phone": "13912345601", "id_number": GOOD["id_number"]})
    register(make_browser(), {"phone": GOOD["phone"], "id_number": FRESH_ID_NUMBER})
    browser = make_browser()
    response = register(browser, {"phone": GOOD["phone"], "id_number": GOOD["id_number"]})
    assert response.headers["Location"] == "/register/code"
    response = browser.submit("/register/code", {"code": sms_code(GOOD["phone"])})
    assert response.headers["Location"] == "/"
    account = db.session.scalar(select(User).where(User.phone == GOOD["phone"]))
    assert account.id_number == GOOD["id_number"] and account.phone_verified_at
    released = db.session.scalar(select(User).where(User.id_number == FRESH_ID_NUMBER))
    assert released.phone is None and not released.active


# -- The API --------------------------------------------------------------------------------------


def api_body(attempt: dict) -> dict:
    return {"name": GOOD["name"], "password": GOOD["password"], **attempt}


def answer_of(response) -> tuple:
    return response.status_code, response.get_data(), sorted(response.headers.items())


def test_the_api_answers_an_existing_number_exactly_as_a_new_one(app, owner):
    before = users()
    seen = {}
    for name, attempt in ATTEMPTS.items():
        client = app.test_client()
        phone = attempt["phone"]
        registered = client.post("/api/v1/accounts", json=api_body(attempt), headers=EN)
        wrong = client.post(
            "/api/v1/accounts/verify", json={"phone": phone, "code": "000000"}, headers=EN
        )
        again = client.post("/api/v1/accounts/code", json={"phone": phone}, headers=EN)
        seen[name] = [answer_of(registered), answer_of(wrong), answer_of(again)]
        assert registered.status_code == 202
        assert set(registered.json) == {"message", "expires_in"}
    assert seen["existing ID number"] == seen["fresh"]
    assert seen["existing phone"] == seen["fresh"]
    assert users() == before + 1  # the fresh registration's only
    assert [message.kind for message in sms_to("13912345679")] == []
    assert [message.kind for message in sms_to(OWNER_PHONE)] == ["registration_attempted"]
    assert len(refusals(owner)) == 2


def test_an_expired_code_is_told_alike(app, owner):
    answers = {}
    for name in ("fresh", "existing ID number"):
        attempt = ATTEMPTS[name]
        client = app.test_client()
        client.post("/api/v1/accounts", json=api_body(attempt))
        for row in db.session.scalars(
            select(VerificationCode).where(VerificationCode.target == attempt["phone"])
        ):
            row.expires_at -= timedelta(minutes=11)
        db.session.commit()
        answer = client.post(
            "/api/v1/accounts/verify",
            json={"phone": attempt["phone"], "code": "000000"},
            headers=EN,
        )
        answers[name] = answer_of(answer)
        assert answer.json["errors"]["code"] == ["This code has expired. Ask for a new code."]
    assert answers["existing ID number"] == answers["fresh"]


# -- Employer representatives --------------------------------------------------------------------

REP = {"name": "陈经理", "uscc": COMPANY, "password": "rep-pass-2026", "declaration": "y"}
REP_ATTEMPTS = {"fresh": "13912340001", "existing phone": OWNER_PHONE}


def letters(app) -> set:
    folder = Path(app.config["EVIDENCE_DIR"]) / "letters"
    return set(folder.iterdir()) if folder.exists() else set()


def test_a_representative_registering_with_an_existing_number_sees_what_anyone_sees(
    app, owner, make_browser
):
    seen = {}
    for name, phone in REP_ATTEMPTS.items():
        browser = make_browser()
        kept_before = letters(app)
        answer = browser.submit(
            "/register/employer",
            {
                **REP,
                "phone": phone,
                "confirm": REP["password"],
                "letter": (io.BytesIO(PDF), "授权委托书.pdf"),
            },
            headers=EN,
        )
        code_page = browser.get("/register/code", headers=EN)
        seen[name] = (
            answer.status_code,
            answer.headers.get("Location"),
            as_seen(code_page, phone),
            sorted(session_of(app, browser)),
        )
        if name != "fresh":
            assert letters(app) == kept_before  # no registration holds the letter
    assert seen["existing phone"] == seen["fresh"]
    assert (
        db.session.scalar(
            select(func.count(RepresentativeRequest.id))
            .join(User, User.id == RepresentativeRequest.user_id)
            .where(User.phone == OWNER_PHONE)
        )
        == 0
    )
    assert [message.kind for message in sms_to(OWNER_PHONE)] == ["registration_attempted"]
    (event,) = refusals(owner)
    assert event.details["role"] == "employer_rep" and event.details["held"] == ["phone"]


def test_the_representatives_api_answers_alike(app, owner):
    seen = {}
    for name, phone in REP_ATTEMPTS.items():
        answer = app.test_client().post(
            "/api/v1/accounts/employer",
            data={
                **{key: REP[key] for key in ("name", "uscc", "password")},
                "phone": phone,
                "file": (io.BytesIO(PDF), "授权委托书.pdf"),
            },
            headers=EN,
        )
        seen[name] = answer_of(answer)
        assert answer.status_code == 202, answer.json
    assert seen["existing phone"] == seen["fresh"]
    assert (
        db.session.scalar(select(func.count(User.id)).where(User.phone == OWNER_PHONE)) == 1
    )  # worker1's own


# -- The throttle -------------------------------------------------------------------------------


@pytest.mark.commits
def test_the_address_limit_counts_refused_registrations_like_any(app, demo):
    """One machine trying number after number is stopped after 30 a minute, whatever the
    answers would have been (auth.throttle)."""
    guarded = make_app(app.config["SQLALCHEMY_DATABASE_URI"], RATELIMIT_ENABLED=True)
    with guarded.app_context():
        client = guarded.test_client()
        statuses = [
            client.post(
                "/api/v1/accounts",
                json=api_body({"phone": f"139000000{n:02d}", "id_number": OWNER_ID_NUMBER}),
            ).status_code
            for n in range(31)
        ]
        db.session.remove()
    assert statuses[:30] == [202] * 30 and statuses[30] == 429
    told = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "registration_attempted")
    )
    assert told == 1
