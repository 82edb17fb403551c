"""A worker registers, signs in, switches language and signs out, in a real Chromium."""

import pytest
from playwright.sync_api import expect

from mediation.extensions import db
from tests.browser.conftest import accessibility_problems
from tests.factories import sms_code

# A journey is about the pages: it runs on one database (the journeys share them out), the
# database tests run on both.
pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_worker_registers_switches_language_and_signs_out(app, new_page, screenshot):
    page = new_page()
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.get_by_role("link", name="注册", exact=True).first.click()

    page.get_by_label("真实姓名").fill("张三")
    page.get_by_label("手机号码").fill("13912345678")
    page.get_by_label("居民身份证号码").fill("110105194912310021")  # wrong check digit
    page.get_by_label("密码", exact=True).fill("secret-pass-1")
    page.get_by_label("再次输入密码").fill("secret-pass-1")
    page.get_by_label("我同意").check()
    page.get_by_role("button", name="创建账户").click()

    error = page.locator("#id_number-error")
    expect(error).to_contain_text("校验码")
    assert accessibility_problems(page) == []
    # The field with the error says so to assistive technology.
    id_field = page.get_by_label("居民身份证号码")
    expect(id_field).to_have_attribute("aria-invalid", "true")
    assert "id_number-error" in id_field.get_attribute("aria-describedby")
    expect(page.get_by_label("真实姓名")).to_have_value("张三")
    expect(page.get_by_label("手机号码")).to_have_value("13912345678")
    screenshot(page, "1-field-error")

    page.get_by_label("居民身份证号码").fill("11010519491231002X")
    page.get_by_label("密码", exact=True).fill("secret-pass-1")
    page.get_by_label("再次输入密码").fill("secret-pass-1")
    page.get_by_role("button", name="创建账户").click()
    # The code that came by SMS, read from the outbox as from the phone.
    db.session.rollback()
    page.locator("#code").fill(sms_code("13912345678"))
    page.locator("#code").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("您好，张三")
    assert fits_the_screen(page)
    screenshot(page, "2-home-zh")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, 张三")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert accessibility_problems(page) == []
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, 张三")
    screenshot(page, "3-home-en")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    page.get_by_label("Username or mobile number").fill("13912345678")
    page.get_by_label("Password").fill("secret-pass-1")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, 张三")

    page.get_by_role("button", name="中文").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("您好，张三")
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("登录")
    screenshot(page, "4-signed-out")


def test_browser_language_is_honoured_on_first_visit(app, new_page):
    page = new_page(locale="en-US")
    page.goto("/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_admin_pages_work_on_a_desktop(app, demo, new_page, screenshot):
    page = new_page(viewport={"width": 1280, "height": 800})
    page.goto("/login")
    page.get_by_label("用户名或手机号码").fill("admin")
    page.get_by_label("密码").fill("demo-2026")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="账户").first.click()
    expect(page.get_by_role("cell", name="med_hr")).to_be_visible()
    expect(page.get_by_role("cell", name="441802********0013")).to_be_visible()
    assert accessibility_problems(page) == []
    screenshot(page, "accounts")
    page.get_by_role("link", name="新建工作人员账户").click()
    page.wait_for_url("**/admin/accounts/new")  # checked on the new page, not mid-navigation
    assert accessibility_problems(page) == []


def test_keyboard_focus_is_visible(app, new_page):
    page = new_page()
    page.goto("/login")
    page.keyboard.press("Tab")  # the skip link comes first and shows itself when focused
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
