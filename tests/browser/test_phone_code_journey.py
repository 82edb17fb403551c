"""Registering with the SMS code, and a forgotten password reset by SMS code, in Chromium.

The code is read from the outbox, as the person reads it on the phone.
"""

import pytest
from playwright.sync_api import expect

from mediation.extensions import db
from tests.browser.conftest import accessibility_problems
from tests.factories import sms_code

# A journey is about the pages: it runs on one database (the journeys share them out), the
# database tests run on both.
pytestmark = [pytest.mark.browser, pytest.mark.postgresql_only]

PHONE = "13912345678"


def code_from_phone(phone: str) -> str:
    db.session.rollback()  # see what the server committed meanwhile
    return sms_code(phone)


def other_than(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_worker_registers_with_the_sms_code(app, new_page, screenshot):
    page = new_page(locale="en-US")
    page.goto("/register")
    page.get_by_label("Real name").fill("张三")
    page.get_by_label("Mobile number").fill(PHONE)
    page.get_by_label("Resident ID number").fill("11010519491231002X")
    page.get_by_label("Password", exact=True).fill("secret-pass-1")
    page.get_by_label("Repeat the password").fill("secret-pass-1")
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Enter the code")
    expect(page.get_by_text("139****5678")).to_be_visible()
    code = code_from_phone(PHONE)
    page.get_by_label("Code from the SMS").fill(other_than(code))
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("#code-error")).to_contain_text("This code is not right")
    expect(page.locator(".error-summary")).to_be_visible()
    assert accessibility_problems(page) == []
    assert fits_the_screen(page)
    screenshot(page, "1-wrong-code")

    page.get_by_label("Code from the SMS").fill(code)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, 张三")
    expect(page.get_by_text("Your account is ready")).to_be_visible()
    screenshot(page, "2-signed-in")


def test_forgotten_password_is_reset_with_the_sms_code(app, demo, new_page, screenshot):
    page = new_page(locale="en-US")
    page.goto("/login")
    page.get_by_role("link", name="Forgot password?").click()
    page.get_by_label("Mobile number").fill("13800138001")
    page.get_by_role("button", name="Send me a code").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    expect(page.get_by_label("Mobile number")).to_have_value("13800138001")
    code = code_from_phone("13800138001")
    page.get_by_label("Code from the SMS").fill(other_than(code))
    page.get_by_label("New password").fill("new-pass-2026")
    page.get_by_label("Repeat the password").fill("new-pass-2026")
    page.get_by_role("button", name="Set the new password").click()
    expect(page.locator("#code-error")).to_contain_text("This code is not right")
    assert accessibility_problems(page) == []
    assert fits_the_screen(page)
    screenshot(page, "1-wrong-code")

    page.get_by_label("Code from the SMS").fill(code)
    page.get_by_label("New password").fill("new-pass-2026")
    page.get_by_label("Repeat the password").fill("new-pass-2026")
    page.get_by_role("button", name="Set the new password").click()
    expect(page.get_by_text("Your new password is set")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, 李明")
    screenshot(page, "2-signed-in")

    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Username or mobile number").fill("worker1")
    page.get_by_label("Password").fill("new-pass-2026")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, 李明")
