"""The whole mediation in Chromium with the demo accounts (issue 3's journey)."""

import re
import shutil
import subprocess
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from mediation.extensions import db
from mediation.models import MediationSession
from mediation.models.types import utcnow
from tests.browser.conftest import accessibility_problems
from tests.upload_files import MINIMAL_PDF

# A journey is about the pages: it runs on one database (the journeys share them out), the
# database tests run on both.
pytestmark = [pytest.mark.browser, pytest.mark.postgresql_only]

PDF = MINIMAL_PDF
DESKTOP = {"width": 1280, "height": 900}


def sign_in(page, username: str, label="用户名或手机号码", password_label="密码", button="登录"):
    page.goto("/login")
    page.get_by_label(label).fill(username)
    page.get_by_label(password_label, exact=True).fill("demo-2026")
    page.get_by_role("button", name=button, exact=True).click()


def sign_in_en(page, username: str):
    sign_in(page, username, "Username or mobile number", "Password", "Sign in")


def test_worker_files_and_the_case_goes_all_the_way_to_the_archive(
    app, demo, new_page, screenshot, tmp_path
):
    worker = new_page()
    sign_in(worker, "worker1")
    worker.get_by_role("link", name=re.compile("申请调解")).first.click()
    expect(worker.get_by_role("heading", level=1)).to_have_text("申请调解")
    worker.get_by_label("用人单位名称").fill("清远某某新材料有限公司")
    worker.get_by_label("用人单位统一社会信用代码").fill("91350100M000100Y43")
    # First with three mistakes: no job, a start in the future and an end before it.
    start = date.today() + timedelta(days=40)
    worker.get_by_label("入职日期").fill(start.isoformat())
    worker.locator("#employment_end").fill((start - timedelta(days=10)).isoformat())
    worker.get_by_label("月工资（元）").fill("6500")
    worker.get_by_label("拖欠工资").first.check()
    worker.locator("#claims-0-category").select_option("wage_arrears")
    worker.locator("#claims-0-amount").fill("13000")
    worker.locator("#claims-0-description").fill("两个月工资")
    worker.get_by_label("事实经过").fill("公司拖欠2026年9月、10月工资。")
    worker.locator("#evidence").set_input_files(
        files=[{"name": "工资条.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    worker.get_by_label("本人确认").check()
    worker.get_by_role("button", name="提交申请").click()

    # One answer names all three at the top, each a link that takes the cursor to its field;
    # everything typed is still there, the chosen file too.
    summary = worker.locator(".error-summary")
    expect(summary).to_be_focused()
    for field, words in (
        ("job", "工作岗位"),
        ("employment_start", "入职日期"),
        ("employment_end", "离职日期"),
    ):
        link = summary.locator(f'a[href="#{field}"]')
        expect(link).to_contain_text(words)
        link.click()
        expect(worker.locator(f"#{field}")).to_be_focused()
    expect(worker.get_by_label("用人单位名称")).to_have_value("清远某某新材料有限公司")
    expect(worker.locator("#claims-0-amount")).to_have_value("13000")
    expect(worker.get_by_label("事实经过")).to_have_value("公司拖欠2026年9月、10月工资。")
    expect(worker.locator("#employment_start")).to_have_value(start.isoformat())
    expect(worker.get_by_label("本人确认")).to_be_checked()
    expect(worker.locator(".attached")).to_contain_text("工资条.pdf")
    screenshot(worker, "1-intake-errors")

    worker.get_by_label("入职日期").fill("2023-03-01")
    worker.locator("#employment_end").fill("")
    worker.get_by_label("工作岗位").fill("操作工")
    assert accessibility_problems(worker) == []
    screenshot(worker, "1-intake")
    worker.get_by_role("button", name="提交申请").click()

    expect(worker.get_by_role("heading", level=1)).to_contain_text("案件")
    case_url = worker.url
    expect(worker.locator('[aria-current="step"]')).to_contain_text("申请")
    expect(worker.get_by_role("link", name="工资条.pdf")).to_be_visible()
    assert accessibility_problems(worker) == []
    screenshot(worker, "2-applied")

    mediator = new_page(locale="en-US", viewport=DESKTOP)
    sign_in_en(mediator, "med_hr")
    mediator.goto(case_url)
    mediator.locator("summary", has_text="Accept the case").click()  # opens the action
    mediator.get_by_label("The employer has agreed to mediation").check()
    mediator.get_by_label("How the employer gave its consent").select_option(label="By phone")
    mediator.get_by_role("button", name="Accept the case").click()
    expect(mediator.locator('[aria-current="step"]')).to_contain_text("Accept")
    mediator.get_by_role("button", name="Start mediation").click()
    expect(mediator.locator('[aria-current="step"]')).to_contain_text("Mediate")
    # With no session yet, the scheduling form is open.
    mediator.get_by_label("Date", exact=True).fill(f"{date.today() + timedelta(days=3)}")
    mediator.get_by_label("Time", exact=True).fill("10:00")
    mediator.get_by_label("Place (in person)").fill("凤城街道调解室")
    mediator.get_by_role("button", name="Schedule and tell both parties").click()
    expect(mediator.get_by_text("凤城街道调解室").first).to_be_visible()
    # The session takes place (the test moves it into the past), then the minutes are written.
    with app.app_context():
        case_id = int(case_url.rstrip("/").rsplit("/", 1)[1])
        session = db.session.scalar(
            select(MediationSession).where(MediationSession.case_id == case_id)
        )
        session.starts_at = utcnow() - timedelta(hours=2)
        db.session.commit()
    mediator.goto(case_url)  # the minutes form is open: the session took place, no minutes yet
    mediator.get_by_label("Minutes", exact=True).fill("双方到场，公司同意支付拖欠工资。")
    mediator.get_by_role("button", name="Save the minutes").click()
    expect(mediator.locator("p.prose", has_text="双方到场，公司同意支付拖欠工资。")).to_be_visible()
    mediator.get_by_label("Terms of the agreement").fill("公司于2026年11月30日前支付工资13000元。")
    mediator.get_by_label("Amount to be paid (yuan)").fill("13000")
    mediator.get_by_role("button", name="Save the agreement").click()
    screenshot(mediator, "3-mediating")

    worker.goto(case_url)
    worker.get_by_label("您的密码").fill("demo-2026")
    worker.get_by_role("button", name="我已阅读第1版协议并签署").click()
    expect(worker.get_by_text("您已签署第1版调解协议。")).to_be_visible()

    employer = new_page(locale="en-US")
    sign_in_en(employer, "employer1")
    employer.goto(case_url)
    employer.get_by_label("Your password").fill("demo-2026")
    employer.get_by_role("button", name="I have read version 1 and sign it").click()
    expect(employer.get_by_text("You signed version 1 of the agreement.")).to_be_visible()

    mediator.goto(case_url)
    mediator.get_by_role("button", name="Close as settled").click()
    # Each party opens the agreement on the platform: it is served on them (送达).
    for party, title, link in (
        (worker, "调解协议书", "查看并打印"),
        (employer, "Mediation agreement", "view and print"),
    ):
        party.goto(case_url)
        party.locator("li.document-entry", has_text=title).get_by_role("link", name=link).click()
        expect(party.locator("article.document")).to_be_visible()
    mediator.goto(case_url)
    mediator.locator("summary", has_text="Archive the file").click()
    # The file is checked from what the case holds: minutes, the agreement, the evidence.
    checklist = mediator.locator(".checklist")
    for item in ("Minutes of the", "Agreement or closing notice", "Every evidence file"):
        expect(checklist.get_by_text(item)).to_contain_text("✓")
    mediator.get_by_role("button", name="Archive the file").click()
    expect(mediator.locator('[aria-current="step"]')).to_contain_text("Archive")

    worker.goto(case_url)
    expect(worker.locator(".tracker__step--done")).to_have_count(4)
    expect(worker.locator('[aria-current="step"]')).to_contain_text("归档")
    expect(worker.get_by_text("调解成功").first).to_be_visible()
    assert accessibility_problems(worker) == []
    screenshot(worker, "4-archived")

    # The agreement PDF opens, and its verification code checks on the public page.
    row = worker.locator("li", has_text="调解协议书").filter(
        has=worker.get_by_role("link", name="PDF")
    )
    code = row.locator("code").inner_text()
    pdf = worker.request.get(row.get_by_role("link", name="PDF").get_attribute("href"))
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        path = tmp_path / "agreement.pdf"
        path.write_bytes(pdf.body())
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
        assert code in text and "调解协议书" in text
    visitor = new_page()
    visitor.goto("/verify")
    visitor.get_by_label("验证码").fill(code)
    visitor.get_by_role("button", name="核验").click()
    expect(visitor.get_by_role("heading", name="该文书真实有效")).to_be_visible()
