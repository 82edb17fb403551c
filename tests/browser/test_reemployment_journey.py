"""Issue 6 in Chromium: a worker who lost the job is referred, contacted, offered a job, placed."""

import pytest
from playwright.sync_api import expect

from mediation.cases.operations import fire
from mediation.localtime import local_today
from tests.browser.test_case_journey import sign_in, sign_in_en
from tests.browser.test_tiers_journey import act, staff_page
from tests.factories import filed_case, user

# A journey is about the pages: it runs on one database (the journeys share them out), the
# database tests run on both.
pytestmark = [pytest.mark.browser, pytest.mark.postgresql_only]


def test_failed_case_to_placement(app, demo, new_page, screenshot):
    with app.test_request_context():
        case = filed_case(lost_job=True, reemployment_consent=True)
        fire(case, "accept", actor=user("med_hr"), respondent_consent=True, consent_via="window")
        fire(case, "mediate", actor=user("med_hr"))
        from mediation.extensions import db

        db.session.commit()
    mediator = staff_page(new_page, "med_hr")
    mediator.goto(f"/cases/{case.id}")
    act(mediator, "Close as failed", Reason="公司拒绝支付经济补偿")
    expect(mediator.locator("#referral")).to_contain_text("清城区再就业服务中心")

    officer = staff_page(new_page, "reemploy1")
    officer.goto("/referrals/vacancies")
    form = officer.locator("form", has=officer.get_by_role("button", name="Save the vacancy"))
    form.get_by_label("Employer").fill("清远某某电子有限公司")
    form.get_by_label("Job title").fill("装配操作工")
    form.get_by_label("Industry").select_option("C")
    form.get_by_label("Lowest monthly wage (yuan)").fill("6000")
    form.get_by_label("Highest monthly wage (yuan)").fill("7500")
    form.get_by_role("button", name="Save the vacancy").click()
    expect(officer.get_by_text("The vacancy is saved.")).to_be_visible()

    officer.goto("/referrals/")
    officer.get_by_role("link", name="李明").click()
    officer.get_by_role("button", name="Take this referral").click()
    officer.locator("summary", has_text="Record a contact").click()
    officer.get_by_label("What was said or agreed").fill("电话联系，愿意从事装配工作")
    officer.get_by_role("button", name="Record a contact").click()
    expect(officer.locator(".badge")).to_have_text("In contact")
    expect(officer.get_by_text("装配操作工")).to_be_visible()  # ranked for the worker
    officer.get_by_role("button", name="Propose to the worker").first.click()
    screenshot(officer, "officer")

    worker = new_page()
    sign_in(worker, "worker1")
    worker.goto(f"/cases/{case.id}")
    expect(worker.locator("#referral")).to_contain_text("装配操作工")
    worker.get_by_role("button", name="我感兴趣").click()
    expect(worker.locator("#referral")).to_contain_text("劳动者感兴趣")

    officer.reload()
    officer.locator("summary", has_text="Record the new job").click()
    officer.get_by_label("New employer").fill("清远某某电子有限公司")
    officer.get_by_label("Job", exact=True).fill("装配操作工")
    officer.locator("#place-start_date").fill(local_today().isoformat())
    officer.get_by_label("Monthly wage (yuan)", exact=True).fill("7000")
    officer.get_by_role("button", name="Record the new job").click()
    expect(officer.locator(".badge")).to_have_text("Placed in a new job")

    worker.goto(f"/cases/{case.id}")
    expect(worker.locator("#referral")).to_contain_text("已实现再就业")
    screenshot(worker, "placed")
    english = new_page(locale="en-US")
    sign_in_en(english, "worker1")
    expect(english.locator(".panel--notice").first).to_contain_text("Placed in a new job")
