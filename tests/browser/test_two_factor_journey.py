"""A mediator's first sign-in with the second factor, then a later one, in a real Chromium,
with the clock the codes are checked against under the test's control."""

import re

import pyotp
import pytest
from playwright.sync_api import expect

from mediation.auth import two_factor
from mediation.config import Config
from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

T0 = 1_796_205_600.0  # 2026-12-02 10:00:00 UTC


def test_a_mediator_sets_up_the_app_then_signs_in_with_its_codes(
    app, demo, new_page, screenshot, monkeypatch
):
    monkeypatch.setitem(app.config, "TWO_FACTOR_ROLES", Config.TWO_FACTOR_ROLES)
    clock = {"now": T0}
    monkeypatch.setattr(two_factor, "now", lambda: clock["now"])

    page = new_page(viewport={"width": 1280, "height": 900})
    page.goto("/queue")
    page.get_by_label("用户名或手机号码").fill("med_hr")
    page.get_by_label("密码").fill("demo-2026")
    page.get_by_role("button", name="登录").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("设置登录验证应用")
    expect(page.locator(".qr-code svg")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "1-set-up")
    secret = page.locator(".secret-key").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)

    page.get_by_label("应用中的验证码").fill("123456")
    page.get_by_role("button", name="确认并登录").click()
    expect(page.locator("#code-error")).to_contain_text("这个验证码不对")
    page.get_by_label("应用中的验证码").fill(totp.at(clock["now"]))
    page.get_by_role("button", name="确认并登录").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("您的恢复码")
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[0-9a-f]{5}-[0-9a-f]{5}", c) for c in codes)
    assert axe_violations(page) == []
    screenshot(page, "2-recovery-codes")
    # Continue goes where the mediator was going before signing in.
    page.get_by_role("link", name="我已保存好，继续").click()
    expect(page).to_have_url(re.compile(r"/queue$"))
    page.get_by_role("button", name="退出").click()

    # The next day: password, then the code the app shows now.
    clock["now"] += 24 * 3600
    page.get_by_label("用户名或手机号码").fill("med_hr")
    page.get_by_label("密码").fill("demo-2026")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("输入登录验证码")
    assert axe_violations(page) == []
    # Yesterday's code is refused; today's works.
    page.get_by_label("验证码").fill(totp.at(T0))
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#code-error")).to_contain_text("这个验证码不对")
    page.get_by_label("验证码").fill(totp.at(clock["now"]))
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("输入登录验证码")
    page.goto("/queue")
    expect(page).to_have_url(re.compile(r"/queue$"))
    screenshot(page, "3-signed-in")
