"""Staff's second factor: set up at the first sign-in, asked at every one after, never
accepted twice, with recovery codes for a lost phone; on the pages and on the API."""

import re

import pyotp
import pytest
from sqlalchemy import func, select

from mediation.auth import two_factor
from mediation.config import Config, ProductionConfig
from mediation.extensions import db
from mediation.models import AuditEvent, Role
from tests.factories import sms_code, user

# 2026-12-02 10:00:00 UTC, on a 30-second boundary: the clock of these tests.
T0 = 1_796_205_600.0


class Clock:
    def __init__(self, monkeypatch) -> None:
        self.time = T0
        monkeypatch.setattr(two_factor, "now", lambda: self.time)

    def code(self, secret: str, *, steps: int = 0) -> str:
        """The code an authenticator app shows ``steps`` steps from now."""
        return pyotp.TOTP(secret).at(self.time + steps * two_factor.STEP_SECONDS)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def required(app, monkeypatch):
    """The second factor as development and production have it (the tests' config has it off)."""
    monkeypatch.setitem(app.config, "TWO_FACTOR_ROLES", Config.TWO_FACTOR_ROLES)


def events(action: str) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


def key_on(page: str) -> str:
    return (
        re.search(r'<code class="secret-key">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    )


def set_up(browser, clock, username: str = "med_hr") -> tuple[str, list[str]]:
    """Sign in for the first time and set up the app; the secret and the recovery codes."""
    first = browser.submit("/login", {"identifier": username, "password": "demo-2026"})
    assert first.status_code == 302 and first.location.startswith("/login/code")
    page = browser.client.get("/login/code/set-up").get_data(as_text=True)
    secret = key_on(page)
    done = browser.submit("/login/code/set-up", {"code": clock.code(secret)})
    assert done.status_code == 200
    codes = re.findall(
        r"<li><code>([0-9a-f]{5}-[0-9a-f]{5})</code></li>", done.get_data(as_text=True)
    )
    return secret, codes


def signed_in(browser) -> bool:
    return browser.client.get("/queue").status_code == 200


def test_every_staff_role_needs_it_and_the_parties_do_not():
    staff = {role.value for role in Role} - {Role.worker.value, Role.employer_rep.value}
    assert set(Config.TWO_FACTOR_ROLES) == staff
    assert ProductionConfig.TWO_FACTOR_ROLES == Config.TWO_FACTOR_ROLES


def test_a_mediator_sets_up_the_app_at_the_first_sign_in(app, demo, required, clock, browser):
    first = browser.submit("/login", {"identifier": "med_hr", "password": "demo-2026"})
    assert first.location.startswith("/login/code")
    # The password alone opens nothing.
    assert not signed_in(browser)
    setup = browser.client.get("/login/code", follow_redirects=True)
    page = setup.get_data(as_text=True)
    assert "<svg" in page and "扫描" in page
    secret = key_on(page)
    # Looking at the page twice shows the same key (a reload while scanning changes nothing)
    # and stores nothing yet.
    assert key_on(browser.client.get("/login/code/set-up").get_data(as_text=True)) == secret
    assert user("med_hr").totp_secret is None

    wrong = browser.submit("/login/code/set-up", {"code": "000000"})
    assert "这个验证码不对" in wrong.get_data(as_text=True) and not signed_in(browser)
    done = browser.submit("/login/code/set-up", {"code": clock.code(secret)})
    text = done.get_data(as_text=True)
    codes = re.findall(r"<li><code>([0-9a-f]{5}-[0-9a-f]{5})</code></li>", text)
    assert len(set(codes)) == 10 and "只显示这一次" in text
    assert signed_in(browser)
    assert events("account.two_factor_enrolled") == 1
    assert events("security.second_factor_failed") == 1
    mediator = user("med_hr")
    assert mediator.totp_secret == secret and mediator.totp_enabled_at is not None


def test_each_sign_in_asks_for_a_fresh_code_and_never_takes_one_twice(
    app, demo, required, clock, make_browser
):
    browser = make_browser()
    secret, _codes = set_up(browser, clock)
    browser.logout()
    used = clock.code(secret)

    again = make_browser()
    answer = again.submit("/login", {"identifier": "med_hr", "password": "demo-2026"})
    assert answer.location.startswith("/login/code")
    # The code that set the app up, replayed in the same 30 seconds: refused.
    assert "这个验证码不对" in again.submit("/login/code", {"code": used}).get_data(as_text=True)
    # A code from a minute ago (two steps back): refused.
    old = again.submit("/login/code", {"code": clock.code(secret, steps=-2)})
    assert "这个验证码不对" in old.get_data(as_text=True) and not signed_in(again)
    # Thirty seconds later the app shows a new code, and it works.
    clock.time += 30
    assert again.submit("/login/code", {"code": clock.code(secret)}).status_code == 302
    assert signed_in(again)
    assert events("security.second_factor_failed") == 2


def test_a_recovery_code_works_once_instead_of_the_app(app, demo, required, clock, make_browser):
    _secret, codes = set_up(make_browser(), clock)
    lost_phone = make_browser()
    lost_phone.submit("/login", {"identifier": "med_hr", "password": "demo-2026"})
    assert lost_phone.submit("/login/code", {"code": codes[3].upper()}).status_code == 302
    assert signed_in(lost_phone)
    assert events("account.recovery_code_used") == 1

    thief = make_browser()
    thief.submit("/login", {"identifier": "med_hr", "password": "demo-2026"})
    assert "这个验证码不对" in thief.submit("/login/code", {"code": codes[3]}).get_data(
        as_text=True
    )
    assert not signed_in(thief)


def test_the_code_step_is_not_a_way_around_the_password(app, demo, required, browser):
    # No password entered in this browser: the code pages send back to the sign-in.
    for url in ("/login/code", "/login/code/set-up"):
        answer = browser.client.get(url)
        assert answer.status_code == 302 and answer.location.startswith("/login")
        assert browser.client.post(url, data={"code": "123456"}).status_code in (302, 400)
    assert not signed_in(browser)


def test_a_password_reset_still_asks_staff_for_their_code(app, demo, required, clock, browser):
    secret, _codes = set_up(browser, clock)
    browser.logout()
    mediator = user("med_hr")
    mediator.phone = "13900139001"
    db.session.commit()
    browser.submit("/password/forgot", {"phone": mediator.phone})
    code = sms_code(mediator.phone)
    reset = browser.submit(
        "/password/reset",
        {
            "phone": mediator.phone,
            "code": code,
            "password": "Lake-Window-Harbour-42",
            "confirm": "Lake-Window-Harbour-42",
        },
    )
    assert reset.status_code == 302 and reset.location.startswith("/login/code")
    assert not signed_in(browser)
    clock.time += 30
    assert browser.submit("/login/code", {"code": clock.code(secret)}).status_code == 302
    assert signed_in(browser)


def test_workers_and_employer_representatives_sign_in_with_the_password(
    app, demo, required, browser, make_browser
):
    assert browser.login("worker1").location == "/"
    assert make_browser().login("employer1").location == "/"


def test_staff_give_their_code_to_the_api_too(app, demo, required, clock, browser):
    api = app.test_client()
    credentials = {"username": "med_hr", "password": "demo-2026"}
    not_set_up = api.post("/api/v1/tokens", json=credentials)
    assert not_set_up.status_code == 403
    assert not_set_up.json["error"] == "second_factor_not_set_up"

    secret, _codes = set_up(browser, clock)
    clock.time += 30
    missing = api.post("/api/v1/tokens", json=credentials)
    assert missing.status_code == 401 and missing.json["error"] == "second_factor_required"
    wrong = api.post("/api/v1/tokens", json={**credentials, "otp": "123456"})
    assert wrong.status_code == 401 and wrong.json["error"] == "second_factor_wrong"
    right = api.post("/api/v1/tokens", json={**credentials, "otp": clock.code(secret)})
    assert right.status_code == 201 and right.json["role"] == "mediator"
    # The wrong code was recorded although its 401 rolled the request back.
    assert events("security.second_factor_failed") == 1
    # The worker's app is unchanged: no code.
    worker = api.post("/api/v1/tokens", json={"username": "worker1", "password": "demo-2026"})
    assert worker.status_code == 201


@pytest.mark.commits
def test_guessing_codes_pauses_the_account(app, demo, clock):
    from tests.conftest import Browser, make_app

    guarded = make_app(
        app.config["SQLALCHEMY_DATABASE_URI"],
        RATELIMIT_ENABLED=True,
        TWO_FACTOR_ROLES=Config.TWO_FACTOR_ROLES,
    )
    with guarded.app_context():
        browser = Browser(guarded.test_client())
        secret, _codes = set_up(browser, clock)
        browser.logout()
        guesser = Browser(guarded.test_client())
        guesser.submit("/login", {"identifier": "med_hr", "password": "demo-2026"})
        for guess in range(5):
            assert guesser.submit("/login/code", {"code": f"{guess:06d}"}).status_code == 200
        clock.time += 30
        blocked = guesser.submit("/login/code", {"code": clock.code(secret)})
        assert blocked.status_code == 429 and "请稍候再试" in blocked.get_data(as_text=True)
        db.session.remove()


def test_new_recovery_codes_replace_the_old_ones(app, demo, required, clock, make_browser):
    browser = make_browser()
    secret, old_codes = set_up(browser, clock)
    page = browser.get("/account/sign-in-app").get_data(as_text=True)
    assert "还剩 10 个恢复码" in page
    clock.time += 30
    renewed = browser.submit("/account/sign-in-app", {"code": clock.code(secret)})
    new_codes = re.findall(
        r"<li><code>([0-9a-f]{5}-[0-9a-f]{5})</code></li>", renewed.get_data(as_text=True)
    )
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert events("account.recovery_codes_renewed") == 1

    later = make_browser()
    later.submit("/login", {"identifier": "med_hr", "password": "demo-2026"})
    assert later.submit("/login/code", {"code": old_codes[0]}).status_code == 200
    assert later.submit("/login/code", {"code": new_codes[0]}).status_code == 302


def test_an_administrator_resets_a_lost_app(app, demo, required, clock, make_browser):
    lost = make_browser()
    old_secret, _codes = set_up(lost, clock)
    admin = make_browser()
    clock.time += 30
    set_up(admin, clock, "admin")  # administrators sign in with a second factor too
    mediator = user("med_hr")
    accounts_page = admin.get("/admin/accounts?role=mediator").get_data(as_text=True)
    assert f"/admin/accounts/{mediator.id}/reset-sign-in-app" in accounts_page
    reset = admin.submit(
        f"/admin/accounts/{mediator.id}/reset-sign-in-app", {}, page="/admin/accounts"
    )
    assert reset.status_code == 302
    assert events("account.two_factor_reset") == 1

    again = make_browser()
    answer = again.submit("/login", {"identifier": "med_hr", "password": "demo-2026"})
    assert answer.location.startswith("/login/code")
    page = again.client.get("/login/code", follow_redirects=True).get_data(as_text=True)
    assert key_on(page) != old_secret  # a new app, from scratch


def test_the_code_field_lets_a_phone_type_a_recovery_codes_letters(
    app, demo, required, clock, make_browser
):
    set_up(make_browser(), clock)
    again = make_browser()
    again.submit("/login", {"identifier": "med_hr", "password": "demo-2026"})
    field = re.search(
        r'<input[^>]*name="code"[^>]*>', again.get("/login/code").get_data(as_text=True)
    )
    assert 'inputmode="text"' in field.group(0)
