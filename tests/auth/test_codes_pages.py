"""Phone codes, password reset, the e-mail address and the SMS choice, on the pages."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from mediation.auth import codes
from mediation.cases.filing import Party
from mediation.extensions import db
from mediation.models import AuditEvent, Case, Channel, DeliveryChannel, OutboxMessage, User
from mediation.models.notifications import VerificationCode
from mediation.models.types import utcnow
from tests.auth.test_accounts import GOOD, register
from tests.factories import filed_case, sms_code
from tests.factories import user as demo_user

EN = {"Accept-Language": "en"}
PHONE = GOOD["phone"]
WORKER1_PHONE = "13800138001"


def text(response) -> str:
    return response.get_data(as_text=True)


def enter_code(browser, code):
    return browser.submit("/register/code", {"code": code}, headers=EN)


def other_than(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_registration_asks_for_the_code_and_the_account_waits_for_it(app, browser):
    response = register(browser)
    assert response.headers["Location"] == "/register/code"
    page = text(browser.get("/register/code", headers=EN))
    assert "We sent a 6-digit code by SMS to 139****5678" in page
    assert 'autocomplete="one-time-code"' in page
    # Not signed in yet: the pages of an account are closed.
    assert browser.get("/cases/mine").status_code == 302
    user = db.session.scalar(select(User).where(User.phone == PHONE))
    assert user.phone_verified_at is None

    response = enter_code(browser, sms_code(PHONE))
    assert response.headers["Location"] == "/"
    assert "Welcome, 张三" in text(browser.get("/", headers=EN))
    assert browser.get("/cases/mine").status_code == 200
    db.session.refresh(user)
    assert user.phone_verified_at is not None


def test_a_wrong_code_is_told_beside_the_field_and_in_the_summary(app, browser):
    register(browser)
    response = enter_code(browser, other_than(sms_code(PHONE)))
    page = text(response)
    assert response.status_code == 200
    assert 'id="code-error"' in page and "This code is not right" in page
    assert 'class="error-summary"' in page and 'href="#code"' in page
    response = enter_code(browser, "12 3")
    assert "Enter the 6 digits of the code." in text(response)


def test_the_sixth_try_is_refused_even_with_the_right_code(app, browser):
    register(browser)
    code = sms_code(PHONE)
    for _ in range(codes.MAX_WRONG_TRIES):
        enter_code(browser, other_than(code))
    response = enter_code(browser, code)
    assert "entered wrongly too many times" in text(response)
    assert browser.get("/cases/mine").status_code == 302
    # A new code works.
    browser.submit("/register/code/again", {}, page="/register/code")
    assert enter_code(browser, sms_code(PHONE)).headers["Location"] == "/"


def test_send_again_is_limited_per_hour(app, browser):
    register(browser)
    for _ in range(codes.MAX_SENDS - 1):
        response = browser.submit(
            "/register/code/again", {}, page="/register/code", follow_redirects=True, headers=EN
        )
        assert "We sent a new code to 139****5678" in text(response)
    response = browser.submit(
        "/register/code/again", {}, page="/register/code", follow_redirects=True, headers=EN
    )
    assert "We have sent too many codes to this number" in text(response)
    sent = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.recipient == PHONE)
    )
    assert sent == codes.MAX_SENDS


def test_signing_in_before_the_code_leads_to_the_code_page_with_a_fresh_code(app, make_browser):
    register(make_browser())
    first = sms_code(PHONE)
    browser = make_browser()
    response = browser.submit(
        "/login", {"identifier": PHONE, "password": GOOD["password"]}, headers=EN
    )
    assert response.headers["Location"] == "/register/code"
    assert browser.get("/cases/mine").status_code == 302
    row_count = db.session.scalar(select(func.count(VerificationCode.id)))
    assert row_count == 2
    code = sms_code(PHONE)
    if code != first:
        assert "not right" in text(enter_code(browser, first))
    assert enter_code(browser, code).headers["Location"] == "/"


def test_the_code_page_without_a_registration_says_what_to_do(app, browser):
    response = browser.get("/register/code", headers=EN)
    assert response.status_code == 200
    assert "No registration in this browser is waiting for a code" in text(response)


def test_walk_in_case_becomes_the_workers_with_a_message(app, demo, browser):
    case = filed_case(
        by="med_hr",
        applicant=Party("张三", GOOD["id_number"], PHONE),
        channel=Channel.window,
    )
    register(browser)  # not refused: only a case, no account, holds the number
    response = enter_code(browser, sms_code(PHONE))
    assert response.headers["Location"] == "/cases/mine"
    page = text(browser.get("/cases/mine", headers=EN))
    assert f"The case {case.number}, filed for you at a mediation office" in page
    assert db.session.get(Case, case.id).applicant.phone == PHONE
    assert browser.get(f"/cases/{case.id}").status_code == 200


# -- Forgot password ----------------------------------------------------------------------------


def test_login_page_offers_forgot_password(app, browser):
    assert 'href="/password/forgot"' in text(browser.get("/login"))


def test_forgot_password_says_the_same_for_any_number(app, demo, make_browser):
    pages = []
    for phone in (WORKER1_PHONE, "13700000000"):
        browser = make_browser()
        response = browser.submit(
            "/password/forgot", {"phone": phone}, headers=EN, follow_redirects=True
        )
        page = re.sub(r'value="[^"]+"', "", text(response).replace(phone, "…"))
        pages.append(page)  # without the values of the CSRF tokens
        assert f'value="{phone}"' in text(response)  # the number is kept for the next step
    assert pages[0] == pages[1]


def test_new_password_with_the_sms_code_signs_in_and_signs_out_the_rest(app, demo, make_browser):
    desktop = make_browser()
    desktop.login("worker1")
    browser = make_browser()
    browser.submit("/password/forgot", {"phone": WORKER1_PHONE})
    fields = {"phone": WORKER1_PHONE, "password": "new-pass-2026", "confirm": "new-pass-2026"}
    wrong = browser.submit(
        "/password/reset", {**fields, "code": other_than(sms_code(WORKER1_PHONE))}, headers=EN
    )
    assert "This code is not right" in text(wrong) and 'id="code-error"' in text(wrong)
    assert f'value="{WORKER1_PHONE}"' in text(wrong)
    response = browser.submit("/password/reset", {**fields, "code": sms_code(WORKER1_PHONE)})
    assert response.headers["Location"] == "/"
    assert browser.get("/cases/mine").status_code == 200
    assert desktop.get("/cases/mine").status_code == 302
    make_browser().login("worker1", "new-pass-2026")
    assert db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "account.password_reset")
    )


def test_reset_form_keeps_what_was_typed_and_lists_every_problem(app, demo, browser):
    response = browser.submit(
        "/password/reset",
        {"phone": WORKER1_PHONE, "code": "", "password": "1234", "confirm": "5678"},
        headers=EN,
    )
    page = text(response)
    for field in ("code", "password", "confirm"):
        assert f'id="{field}-error"' in page
    assert f'value="{WORKER1_PHONE}"' in page


# -- Preferences and the e-mail address ---------------------------------------------------------


def email_link(address: str) -> str:
    body = db.session.scalar(
        select(OutboxMessage.body)
        .where(OutboxMessage.channel == DeliveryChannel.email, OutboxMessage.recipient == address)
        .order_by(OutboxMessage.id.desc())
    )
    return re.search(r"https?://\S+(/account/email/\S+)", body).group(1)


def test_an_email_address_is_used_once_confirmed_by_its_link(app, demo, browser):
    browser.login("worker1")
    page = text(browser.get("/account/preferences", headers=EN))
    assert "always sent to you by SMS" in page
    response = browser.submit(
        "/account/preferences",
        {"email": "li.ming@example.com", "sms_information": "y"},
        headers=EN,
        follow_redirects=True,
    )
    assert "We sent a link to li.ming@example.com" in text(response)
    worker = demo_user("worker1")
    assert worker.email == "li.ming@example.com" and worker.email_verified_at is None
    link = email_link("li.ming@example.com")

    opened = browser.get(link, headers=EN)  # a mail program's preview spends nothing
    assert "Confirm this address" in text(opened)
    assert demo_user("worker1").email_verified_at is None
    confirmed = browser.submit(link, {}, headers=EN)
    assert confirmed.status_code == 200 and "is confirmed" in text(confirmed)
    db.session.refresh(worker)
    assert worker.email_verified_at is not None

    again = browser.submit(link, {}, headers=EN)
    assert again.status_code == 410 and "This link was already used" in text(again)


def test_an_expired_or_unknown_link_answers_a_clear_page(app, demo, browser):
    browser.login("worker1")
    browser.submit("/account/preferences", {"email": "li.ming@example.com"})
    link = email_link("li.ming@example.com")
    for row in db.session.scalars(select(VerificationCode)):
        row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    expired = browser.get(link, headers=EN)
    assert expired.status_code == 410 and "This link has expired" in text(expired)
    assert browser.submit(link, {}, headers=EN).status_code == 410
    unknown = browser.get("/account/email/made-up", headers=EN)
    assert unknown.status_code == 404 and "This link is not valid" in text(unknown)


def test_a_link_for_a_replaced_address_no_longer_works(app, demo, browser):
    browser.login("worker1")
    browser.submit("/account/preferences", {"email": "old@example.com"})
    old_link = email_link("old@example.com")
    browser.submit("/account/preferences", {"email": "new@example.com"})
    response = browser.submit(old_link, {}, page=old_link, headers=EN)
    assert response.status_code == 410
    assert demo_user("worker1").email_verified_at is None


def test_bad_email_is_told_beside_the_field(app, demo, browser):
    browser.login("worker1")
    response = browser.submit("/account/preferences", {"email": "not-an-address"}, headers=EN)
    page = text(response)
    assert 'id="email-error"' in page and 'value="not-an-address"' in page
    assert demo_user("worker1").email is None


def test_information_sms_can_be_turned_off(app, demo, browser):
    browser.login("worker1")
    assert demo_user("worker1").sms_information is True
    browser.submit("/account/preferences", {"email": ""})
    assert demo_user("worker1").sms_information is False
    browser.submit("/account/preferences", {"email": "", "sms_information": "y"})
    assert demo_user("worker1").sms_information is True


def test_preferences_are_linked_from_the_account_menu(app, demo, browser):
    browser.login("med_hr")
    assert 'href="/account/preferences"' in text(browser.get("/"))
    assert browser.get("/account/preferences").status_code == 200
