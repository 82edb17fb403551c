"""The password rules (issue 14, OWASP ASVS V6.2), as someone choosing a weak password meets
them: on the registration page and API, when changing or resetting a password, in
``flask create-staff`` and in the admin's staff form. Each rule is refused with a message that
says which rule it is; a strong password is accepted everywhere.
"""

import io

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select
from zxcvbn import zxcvbn

from mediation.auth import passwords
from mediation.extensions import db
from mediation.models import Role, User
from tests.auth.test_accounts import GOOD
from tests.auth.test_representatives import PDF
from tests.factories import sms_code
from tests.factories import user as demo_user

EN = {"Accept-Language": "en"}
STRONG = "lantern-orchid-47-gravel"
# worker1 of the demo: 李明, 13800138001, ID number 441802199003150013 (born 1990-03-15).
WORKER1_PHONE = "13800138001"
WORKER1_BIRTH = "19900315"


def text(response) -> str:
    return response.get_data(as_text=True)


def english(message) -> str:
    """A message as the pages and the API say it to a reader of English."""
    with force_locale("en"):
        return str(message)


# Each rule: a password that breaks it (given the person choosing it) and what they are told.
RULES = [
    pytest.param(lambda person: "Tr0ub4dor", passwords.TOO_SHORT, id="shorter than 10"),
    pytest.param(lambda person: "Tr0ub4dor&3" * 12, passwords.TOO_LONG, id="longer than 128"),
    pytest.param(lambda person: "woaini1314520", passwords.COMMON, id="common chinese password"),
    pytest.param(lambda person: "WOAINI5201314", passwords.COMMON, id="common in capitals"),
    pytest.param(
        lambda person: "ｗｏａｉｎｉ１３１４５２０",
        passwords.COMMON,
        id="common typed in full-width characters",
    ),
    pytest.param(
        lambda person: f"{person['phone']}-secret-x", passwords.PERSONAL, id="own mobile number"
    ),
    pytest.param(
        lambda person: f"zhangsan{person['birth']}",
        passwords.PERSONAL,
        id="birth date of the own ID number",
    ),
    pytest.param(lambda person: "1qazxsw23edcvfr4", passwords.KEYBOARD, id="keyboard walk"),
    pytest.param(lambda person: "abcabcabcabc", passwords.REPEATED, id="repeated pattern"),
    pytest.param(lambda person: "mnopqrstuvwx", passwords.SEQUENCE, id="sequence"),
    pytest.param(lambda person: "19901231xyz", passwords.DATES, id="date"),
    pytest.param(lambda person: "Mediation2026", passwords.WORDS, id="word of this platform"),
]

REGISTERING = {"phone": GOOD["phone"], "birth": GOOD["id_number"][6:14]}
WORKER1 = {"phone": WORKER1_PHONE, "birth": WORKER1_BIRTH}


def test_a_common_chinese_password_is_refused_although_zxcvbn_would_take_it(app, in_request):
    assert zxcvbn("woaini1314520")["score"] >= passwords.MIN_SCORE
    assert passwords.refusal("woaini1314520") == passwords.COMMON
    assert "5201314" in passwords.common_passwords()
    assert len(passwords.common_passwords()) >= 300


def test_the_own_numbers_are_refused_whatever_surrounds_them(app, in_request):
    """zxcvbn alone would take a long enough tail after the mobile number."""
    password = "13912345678-long-tail-of-words"
    assert zxcvbn(password)["score"] >= passwords.MIN_SCORE
    mine = passwords.personal_words(name="张三", phone="13912345678")
    assert passwords.refusal(password, mine) == passwords.PERSONAL
    assert passwords.refusal(password) is None  # someone else's number is only digits


def test_no_rule_about_kinds_of_characters(app, in_request):
    for password in (
        "correct horse battery staple",
        "только-буквы-и-дефисы",
        "我的密码是一首很长的诗",
    ):
        assert passwords.refusal(password) is None, password


# -- The registration page ----------------------------------------------------------------------


@pytest.mark.parametrize(("password", "message"), RULES)
def test_registration_page_refuses_the_rule_beside_the_field_and_keeps_the_rest(
    app, browser, password, message
):
    chosen = password(REGISTERING)
    response = browser.submit(
        "/register", {**GOOD, "password": chosen, "confirm": chosen}, headers=EN
    )
    html = text(response)
    assert response.status_code == 200
    assert english(message) in html
    assert 'id="password-error"' in html and 'href="#password"' in html  # beside it, in summary
    for kept in ("name", "phone", "id_number"):
        assert f'value="{GOOD[kept]}"' in html
    assert chosen not in html  # a password is never sent back
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_registration_page_says_every_problem_at_once_with_the_password_among_them(app, browser):
    response = browser.submit(
        "/register",
        {**GOOD, "id_number": "110105194912310021", "password": "woaini1314", "consent": ""},
        headers=EN,
    )
    html = text(response)
    for field in ("id_number", "password", "confirm", "consent"):
        assert f'id="{field}-error"' in html
    assert english(passwords.COMMON) in html


def test_registration_page_takes_a_strong_password(app, browser):
    response = browser.submit(
        "/register", {**GOOD, "password": STRONG, "confirm": STRONG}, headers=EN
    )
    assert response.headers["Location"] == "/register/code"
    assert browser.submit("/register/code", {"code": sms_code(GOOD["phone"])}).status_code == 302


def test_the_page_says_what_a_good_password_is_before_anything_is_typed(app, browser):
    html = text(browser.get("/register", headers=EN))
    assert "At least 10 characters, and hard to guess" in html


# -- The registration API -----------------------------------------------------------------------

API_BODY = {k: GOOD[k] for k in ("name", "phone", "id_number")}


@pytest.mark.parametrize(("password", "message"), RULES)
def test_registration_api_refuses_the_rule_as_a_field_error(app, client, password, message):
    answer = client.post(
        "/api/v1/accounts", json={**API_BODY, "password": password(REGISTERING)}, headers=EN
    )
    assert answer.status_code == 422
    assert answer.json["errors"] == {"password": [english(message)]}
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_registration_api_takes_a_strong_password(app, client):
    answer = client.post("/api/v1/accounts", json={**API_BODY, "password": STRONG})
    assert answer.status_code == 202


def test_employer_registration_api_refuses_a_weak_password(app, demo, client):
    answer = client.post(
        "/api/v1/accounts/employer",
        data={
            "name": "陈经理",
            "phone": "13912340001",
            "uscc": "91350100M000100Y43",
            "password": "13912340001abc",
            "file": (io.BytesIO(PDF), "授权委托书.pdf"),
        },
        headers=EN,
    )
    assert answer.status_code == 422
    assert answer.json["errors"]["password"] == [english(passwords.PERSONAL)]
    assert db.session.scalar(select(func.count(User.id)).where(User.phone == "13912340001")) == 0


# -- flask create-staff ---------------------------------------------------------------------------

STAFF = {"phone": "13912340099", "birth": "19900101"}


def create_staff(app, password):
    return app.test_cli_runner().invoke(
        args=[
            "create-staff",
            "med_new",
            "--name",
            "新调解员",
            "--role",
            "mediator",
            "--organization",
            "东城街道劳动人事争议调解中心",
            "--phone",
            STAFF["phone"],
            "--password",
            password,
        ]
    )


@pytest.mark.parametrize(
    ("password", "message"),
    # Staff have no ID number: the birth date rule is the registrations'.
    [rule for rule in RULES if rule.id != "birth date of the own ID number"]
    + [pytest.param(lambda person: "med_new-2026", passwords.PERSONAL, id="own username")],
)
def test_create_staff_refuses_the_rule_and_creates_nothing(app, demo, password, message):
    result = create_staff(app, password(STAFF))
    assert result.exit_code != 0
    # The command speaks the default language, as the message does outside a request.
    assert f"password: {message}" in result.output
    assert demo_user("med_new") is None


def test_create_staff_takes_a_strong_password(app, demo):
    result = create_staff(app, STRONG)
    assert result.exit_code == 0, result.output
    assert demo_user("med_new").role is Role.mediator


def test_the_demo_password_is_not_judged_where_nobody_types_it(app, demo, browser):
    """The rules are the typing's, not the hashing's: the demo's short password still works."""
    assert passwords.refusal("demo-2026") == passwords.TOO_SHORT
    browser.login("worker1", "demo-2026")


# -- The admin's staff form ---------------------------------------------------------------------


def test_admin_staff_form_refuses_a_weak_password_beside_the_field(app, demo, browser):
    from tests.admin.test_admin import staff_form

    browser.login("admin")
    weak = "med_new12345"
    response = browser.submit(
        "/admin/accounts/new", staff_form(password=weak, confirm=weak), headers=EN
    )
    html = text(response)
    assert response.status_code == 200
    assert english(passwords.PERSONAL) in html and 'id="password-error"' in html
    assert 'value="med_new"' in html and weak not in html
    assert demo_user("med_new") is None
    response = browser.submit("/admin/accounts/new", staff_form(password=STRONG, confirm=STRONG))
    assert response.status_code == 302


# -- Changing the password ----------------------------------------------------------------------


@pytest.mark.parametrize(("password", "message"), RULES)
def test_password_change_refuses_the_rule_and_keeps_the_old_password(
    app, demo, make_browser, password, message
):
    browser = make_browser()
    browser.login("worker1")
    chosen = password(WORKER1)
    response = browser.submit(
        "/account/password",
        {"current_password": "demo-2026", "password": chosen, "confirm": chosen},
        headers=EN,
    )
    html = text(response)
    assert response.status_code == 200
    assert english(message) in html and 'id="password-error"' in html
    assert chosen not in html
    make_browser().login("worker1", "demo-2026")


def test_password_change_takes_a_strong_password(app, demo, make_browser):
    browser = make_browser()
    browser.login("worker1")
    response = browser.submit(
        "/account/password",
        {"current_password": "demo-2026", "password": STRONG, "confirm": STRONG},
    )
    assert response.status_code == 302
    make_browser().login("worker1", STRONG)


# -- Resetting the password with the SMS code -------------------------------------------------


def reset_page(browser, password, code=None):
    browser.submit("/password/forgot", {"phone": WORKER1_PHONE})
    fields = {"phone": WORKER1_PHONE, "password": password, "confirm": password}
    return browser.submit(
        "/password/reset", {**fields, "code": code or sms_code(WORKER1_PHONE)}, headers=EN
    )


@pytest.mark.parametrize(("password", "message"), RULES)
def test_reset_page_refuses_the_rule_and_the_code_still_works(
    app, demo, make_browser, password, message
):
    browser = make_browser()
    chosen = password(WORKER1)
    response = reset_page(browser, chosen)
    html = text(response)
    assert response.status_code == 200
    assert english(message) in html and 'id="password-error"' in html
    assert f'value="{WORKER1_PHONE}"' in html and chosen not in html
    make_browser().login("worker1", "demo-2026")
    # The code was not spent by the refusal: with a strong password it sets it.
    fields = {"phone": WORKER1_PHONE, "password": STRONG, "confirm": STRONG}
    again = browser.submit("/password/reset", {**fields, "code": sms_code(WORKER1_PHONE)})
    assert again.headers["Location"] == "/"
    make_browser().login("worker1", STRONG)


def test_reset_page_does_not_tell_a_strangers_details_through_the_password_rules(
    app, demo, browser
):
    """Without the code nobody learns that the account at a number was born on a day: the
    account's own words are judged only once the code proved whose it is."""
    browser.submit("/password/forgot", {"phone": WORKER1_PHONE})
    guess = f"liming{WORKER1_BIRTH}"
    wrong = f"{(int(sms_code(WORKER1_PHONE)) + 1) % 1_000_000:06d}"
    html = text(reset_page(browser, guess, code=wrong))
    assert "This code is not right" in html
    assert english(passwords.PERSONAL) not in html and 'id="password-error"' not in html


@pytest.mark.parametrize(("password", "message"), RULES)
def test_reset_api_refuses_the_rule_as_a_field_error(app, demo, client, password, message):
    client.post("/api/v1/password-reset", json={"phone": WORKER1_PHONE})
    answer = client.post(
        "/api/v1/password-reset/confirm",
        json={
            "phone": WORKER1_PHONE,
            "code": sms_code(WORKER1_PHONE),
            "password": password(WORKER1),
        },
        headers=EN,
    )
    assert answer.status_code == 422
    assert answer.json["errors"] == {"password": [english(message)]}
    token = client.post("/api/v1/tokens", json={"username": "worker1", "password": "demo-2026"})
    assert token.status_code == 201


def test_reset_api_takes_a_strong_password(app, demo, client):
    client.post("/api/v1/password-reset", json={"phone": WORKER1_PHONE})
    answer = client.post(
        "/api/v1/password-reset/confirm",
        json={"phone": WORKER1_PHONE, "code": sms_code(WORKER1_PHONE), "password": STRONG},
    )
    assert answer.status_code == 200
    token = client.post("/api/v1/tokens", json={"username": "worker1", "password": STRONG})
    assert token.status_code == 201
