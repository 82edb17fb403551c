"""Issue 4 in Chromium: a case climbs enterprise → union → HR district → court; the court
returns another one; a settled agreement gets judicial confirmation."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from mediation.cases import agreements
from mediation.cases.operations import fire
from mediation.extensions import db
from mediation.models import Organization
from tests.browser.test_case_journey import sign_in_en
from tests.factories import filed_case, user
from workflows.case import Tier

# A journey is about the pages: it runs on one database (the journeys share them out), the
# database tests run on both.
pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]
DESKTOP = {"width": 1280, "height": 900}


def act(page, title: str, **fields) -> None:
    """Open the action ``title`` on the case page, fill its fields, press its button."""
    action = page.locator("details.action", has=page.locator("summary", has_text=title))
    button_only = page.locator("div.action", has=page.get_by_role("button", name=title))
    # The previous action's redirect may still be loading: wait for this action to be on the
    # page before choosing how it is shown.
    expect(action.or_(button_only).first).to_be_visible()
    if action.count():
        action.locator("summary").click()
        scope = action
    else:
        scope = button_only
    for label, value in fields.items():
        field = scope.get_by_label(label)
        if value is True:
            field.check()
        elif field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)
    scope.get_by_role("button", name=title).click()


CONSENT_BY_PHONE = {
    "The employer has agreed to mediation": True,
    "How the employer gave its consent": "By phone",
}


def staff_page(new_page, username: str):
    page = new_page(locale="en-US", viewport=DESKTOP)
    sign_in_en(page, username)
    return page


def test_a_case_climbs_all_four_tiers(app, demo, new_page, screenshot):
    with app.test_request_context():
        case = filed_case(preferred_tier=Tier.enterprise)
    url = f"/cases/{case.id}"
    ladder = [
        ("med_enterprise", "清远某某新材料有限公司劳动争议调解委员会"),
        ("med_union", "清城区总工会劳动争议调解委员会"),
        ("med_district", "清城区劳动人事争议调解中心"),
    ]
    for username, organization in ladder:
        page = staff_page(new_page, username)
        page.goto(url)
        expect(page.locator(".panel").first).to_contain_text(organization)
        act(page, "Accept the case", **CONSENT_BY_PHONE)
        act(page, "Start mediation")
        act(page, "Close as failed", Reason=f"{organization}调解不成：双方差距较大")
        expect(page.locator(".badge--unresolved")).to_be_visible()
        act(page, "Transfer to another organisation", Reason="申请人要求上一层级调解")
        expect(page.get_by_text("Done: Transfer to another organisation.")).to_be_visible()
        page.context.close()

    court = staff_page(new_page, "court1")
    court.goto("/court/")
    court.get_by_role("link", name=case.number).click()
    expect(court.get_by_role("heading", level=1)).to_contain_text("Transfer packet")
    expect(court.locator("body")).to_contain_text("清城区劳动人事争议调解中心调解不成")
    screenshot(court, "packet")
    act(court, "Accept the case", **CONSENT_BY_PHONE)
    expect(court.get_by_text("Done: Accept the case.")).to_be_visible()

    worker = new_page(locale="en-US")
    sign_in_en(worker, "worker1")
    worker.goto(url)
    path = worker.locator("ol.path li")
    expect(path).to_have_count(4)
    for index, (_, organization) in enumerate(ladder):
        expect(path.nth(index)).to_contain_text(organization)
    expect(path.nth(3)).to_contain_text("清城区人民法院诉前调解中心")
    expect(path.nth(3)).to_contain_text("申请人要求上一层级调解")
    screenshot(worker, "path")


def test_court_returns_a_transfer_to_the_sending_queue(app, demo, new_page):
    with app.test_request_context():
        case = filed_case()
        court_id = db.session.scalar(select(Organization.id).where(Organization.kind == "court"))
        fire(case, "escalate", actor=user("med_hr"), reason="金额较大", organization_id=court_id)
        db.session.commit()
    court = staff_page(new_page, "court1")
    court.goto(f"/court/cases/{case.id}")
    act(court, "Return to the sending organisation", Reason="请先补充工资发放记录")
    mediator = staff_page(new_page, "med_hr")
    mediator.goto("/queue")
    mediator.get_by_role("link", name=case.number).click()
    expect(mediator.locator("ol.path")).to_contain_text("请先补充工资发放记录")
    expect(mediator.locator("summary", has_text="Accept the case")).to_be_visible()


def test_settled_agreement_gets_judicial_confirmation(app, demo, new_page, screenshot):
    with app.test_request_context():
        case = filed_case()
        mediator = user("med_hr")
        fire(case, "accept", actor=mediator, respondent_consent=True, consent_via="window")
        fire(case, "mediate", actor=mediator)
        agreements.draft_agreement(
            case, actor=mediator, terms="公司于11月30日前支付13000元", amount=13000, due_date=None
        )
        agreements.sign(
            case, actor=user("worker1"), version=case.agreement.version, password="demo-2026"
        )
        agreements.sign(
            case, actor=user("employer1"), version=case.agreement.version, password="demo-2026"
        )
        fire(case, "settle", actor=mediator)
        db.session.commit()
    url = f"/cases/{case.id}"
    for username in ("worker1", "employer1"):
        party = new_page(locale="en-US")
        sign_in_en(party, username)
        party.goto(url)
        party.get_by_role("button", name="Ask the court to confirm the agreement").click()
        expect(party.locator("#confirmation")).to_contain_text(re.compile("other party|reviewing"))
        party.context.close()
    court = staff_page(new_page, "court1")
    court.goto("/court/")
    court.locator("#confirmations ~ .table-wrap").get_by_role("link", name=case.number).click()
    court.get_by_label("Decision").select_option(label="Confirm the agreement")
    court.get_by_role("button", name="Record the decision").click()
    expect(court.get_by_text("The decision was recorded")).to_be_visible()
    worker = new_page(locale="en-US")
    sign_in_en(worker, "worker1")
    worker.goto(url)
    expect(worker.locator("#confirmation")).to_contain_text("Confirmed by the court")
    screenshot(worker, "confirmed")


def test_admin_changes_a_rule_and_the_next_filing_follows_it(app, demo, new_page):
    admin = staff_page(new_page, "admin")
    admin.goto("/admin/routing")
    admin.get_by_role("link", name="Add a rule").click()
    admin.get_by_label("Name", exact=True).fill("Overtime disputes to the district centre")
    admin.get_by_label("Send the case to").select_option(label="One organisation, named below")
    admin.get_by_label("Organisation (when sending to one organisation)").select_option(
        label="清城区劳动人事争议调解中心 (HR bureau mediation centre)"
    )
    admin.locator("#categories").get_by_label("Overtime pay").check()
    admin.get_by_role("button", name="Save the rule").click()
    expect(admin.get_by_text("The rule is saved")).to_be_visible()
    rule = admin.locator("li.rule", has_text="Overtime disputes to the district centre")
    for _ in range(6):
        rule.get_by_role("button", name="Move up").click()
    expect(admin.locator("li.rule").first).to_contain_text("Overtime disputes")

    with app.test_request_context():
        from mediation.cases.filing import ClaimInput
        from mediation.models import Category

        case = filed_case(
            categories=(Category.overtime,),
            claims=(ClaimInput(Category.overtime, 2400, "加班费"),),
        )
    worker = new_page(locale="en-US")
    sign_in_en(worker, "worker1")
    worker.goto(f"/cases/{case.id}")
    expect(worker.locator(".panel").first).to_contain_text("清城区劳动人事争议调解中心")
    expect(worker.locator(".panel").first).to_contain_text(
        "because Overtime disputes to the district centre"
    )
