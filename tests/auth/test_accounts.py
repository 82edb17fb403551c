"""Worker registration, sign-in, sign-out and password change, as a person does them."""

import pytest
from sqlalchemy import func, select

from mediation.extensions import db
from mediation.models import AuditEvent, Role, User, UserSession
from mediation.models.types import utcnow
from tests.factories import sms_code

GOOD = {
    "name": "张三",
    "phone": "13912345678",
    "id_number": "11010519491231002X",
    "password": "secret-pass-1",
    "confirm": "secret-pass-1",
    "consent": "y",
}


def register(browser, lang="en", **changes):
    data = {**GOOD, **changes}
    return browser.submit("/register", data, headers={"Accept-Language": lang})


def register_and_confirm(browser, **changes):
    """Register, then type the code that came by SMS, as a person does."""
    response = register(browser, **changes)
    assert response.headers["Location"] == "/register/code"
    phone = changes.get("phone", GOOD["phone"])
    return browser.submit("/register/code", {"code": sms_code(phone)})


def test_worker_registers_and_is_signed_in(app, browser):
    response = register_and_confirm(browser)
    assert response.status_code == 302
    home = browser.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Hello, 张三" in home
    user = db.session.scalar(select(User).where(User.phone == "13912345678"))
    assert user.role is Role.worker
    assert user.id_number == "11010519491231002X"
    assert user.password_hash.startswith("$argon2id$")
    assert "secret-pass-1" not in user.password_hash


def test_registration_normalises_lowercase_x_and_spaces(app, browser):
    register(browser, id_number="110105 19491231 002x", phone="139-1234-5678")
    user = db.session.scalar(select(User))
    assert (user.id_number, user.phone) == ("11010519491231002X", "13912345678")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id_number", "110105194912310021", "The last character of this ID number does not match"),
        ("id_number", "110105194902300027", "The birth date in this ID number does not exist"),
        ("id_number", "11010521991231002X", "not possible"),
        ("id_number", "1101051949", "A resident ID number has 18 characters"),
        ("phone", "12912345678", "Enter an 11-digit mainland mobile number"),
        ("name", "名" * 8192, "A name has at most 50 characters"),
        ("name", "", "Please fill this in"),
        ("confirm", "other-pass-1", "The two passwords differ"),
        ("password", "1234567890", "one of the passwords people use most"),
        ("consent", "", "Please agree"),
    ],
)
def test_bad_registration_input_gets_a_field_message_and_keeps_the_rest(
    app, browser, field, value, message
):
    response = register(browser, **{field: value})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert f'id="{field}-error"' in html  # the message stands next to its field
    assert '="None"' not in html  # no attribute rendered from a missing value
    for kept in ("name", "phone", "id_number"):
        if kept != field:
            assert f'value="{GOOD[kept]}"' in html
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_bad_input_message_is_in_chinese_by_default(app, browser):
    html = register(browser, lang="zh-CN", id_number="110105194912310021").get_data(as_text=True)
    assert "身份证号码的最后一位校验码不正确" in html


def test_registering_a_registered_number_again_makes_no_second_account(app, make_browser):
    """Answered like any registration, without saying the number is taken
    (tests/auth/test_registration_oracle.py compares the answers)."""
    register_and_confirm(make_browser())
    response = register(make_browser(), id_number="440106199001011235")
    assert response.headers["Location"] == "/register/code"
    response = register(make_browser(), phone="13912345679")
    assert response.headers["Location"] == "/register/code"
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_login_with_username_or_mobile_number(app, demo, make_browser):
    make_browser().login("worker1")
    make_browser().login("13800138001")


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(app, demo, browser):
    for identifier in ("worker1", "nobody"):
        response = browser.submit(
            "/login",
            {"identifier": identifier, "password": "wrong-password"},
            headers={"Accept-Language": "en"},
        )
        assert response.status_code == 200
        assert "Wrong username, mobile number or password." in response.get_data(as_text=True)
    failures = db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "security.login_failed")
    )
    assert failures == 2


def test_inactive_account_cannot_sign_in(app, demo, browser):
    user = db.session.scalar(select(User).where(User.username == "worker2"))
    user.active = False
    db.session.commit()
    response = browser.submit("/login", {"identifier": "worker2", "password": "demo-2026"})
    assert response.status_code == 200


def test_login_rotates_the_session_cookie(app, demo, browser):
    browser.get("/login")
    before = browser.client.get_cookie("session").value
    browser.login("worker1")
    after = browser.client.get_cookie("session").value
    assert before != after
    assert db.session.scalar(select(func.count(UserSession.id))) == 1


def test_logout_ends_every_session_of_the_user(app, demo, make_browser):
    phone, desktop = make_browser(), make_browser()
    phone.login("worker1")
    desktop.login("worker1")
    assert desktop.get("/account/password").status_code == 200
    phone.logout()
    assert desktop.get("/account/password").status_code == 302  # back to the login page
    assert db.session.scalar(select(func.count(UserSession.id))) == 0


def test_password_change_signs_out_other_devices_but_not_this_one(app, demo, make_browser):
    phone, desktop = make_browser(), make_browser()
    phone.login("worker1")
    desktop.login("worker1")
    response = phone.submit(
        "/account/password",
        {"current_password": "demo-2026", "password": "new-pass-2026", "confirm": "new-pass-2026"},
    )
    assert response.status_code == 302
    assert phone.get("/account/password").status_code == 200
    assert desktop.get("/account/password").status_code == 302
    make_browser().login("worker1", "new-pass-2026")


def test_password_change_needs_the_current_password(app, demo, browser):
    browser.login("worker1")
    response = browser.submit(
        "/account/password",
        {"current_password": "guess", "password": "new-pass-2026", "confirm": "new-pass-2026"},
        headers={"Accept-Language": "en"},
    )
    assert "This is not your current password." in response.get_data(as_text=True)
    browser.logout()
    browser.login("worker1", "demo-2026")


def test_login_redirects_only_to_pages_of_this_site(app, demo, make_browser):
    for target, expected in [
        ("/admin/accounts", "/admin/accounts"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
    ]:
        browser = make_browser()
        page = f"/login?next={target}"
        response = browser.submit(page, {"identifier": "admin", "password": "demo-2026"})
        assert response.headers["Location"] == expected


def test_every_demo_account_signs_in(app, demo, make_browser):
    usernames = [
        "worker1",
        "worker2",
        "employer1",
        "med_enterprise",
        "med_union",
        "med_hr",
        "med_district",
        "court1",
        "reemploy1",
        "supervisor1",
        "admin",
    ]
    for username in usernames:
        browser = make_browser()
        browser.login(username)
        assert browser.get("/").status_code == 200


def test_registration_race_on_the_same_number_makes_one_account(app, monkeypatch):
    """Two requests pass the check for the number at once; the database's constraint decides,
    and the one that lost is answered like a registration with a taken number."""
    from mediation.auth import accounts

    with app.test_request_context(headers={"Accept-Language": "en"}):
        first = accounts.register_worker(
            name="甲", phone="13912345678", id_number="11010519491231002X", password="pass-word-1"
        )
        first.phone_verified_at = utcnow()
        db.session.commit()
        real_check = accounts.holders
        checks = []  # the first check runs "before the other request committed": it finds nothing
        monkeypatch.setattr(
            accounts,
            "holders",
            lambda **values: real_check(**values) if checks.append(1) or len(checks) > 1 else [],
        )
        with pytest.raises(accounts.NumberTaken) as raised:
            accounts.register_worker(
                name="乙",
                phone="13912345678",
                id_number="440106199001011235",
                password="pass-word-1",
            )
        assert [(user.id, field) for user, field in raised.value.held] == [
            (first.id, "phone"),
            (first.id, "username"),
        ]
        db.session.rollback()
        checks.clear()
        assert (
            accounts.register_with_code(
                name="乙",
                phone="13912345678",
                id_number="440106199001011235",
                password="pass-word-1",
            )
            is None
        )
        db.session.commit()
    assert db.session.scalar(select(func.count(User.id))) == 1
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.action == "account.registration_refused",
                AuditEvent.subject_id == first.id,
            )
        )
        == 1
    )
