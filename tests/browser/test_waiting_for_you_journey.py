"""Issue 18 in Chromium, on the worker's phone: the agreement waiting for the worker's signature
is named at the top of the case page and its link scrolls to the signing form; after a
transfer, the tracker shows both organisations, the current one marked."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from mediation.cases import agreements
from mediation.cases.operations import fire
from mediation.extensions import db
from mediation.models import Organization
from tests.browser.test_case_journey import sign_in_en
from tests.factories import filed_case, mediating_case, user

# A journey is about the pages: it runs on one database (the journeys share them out).
pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def test_the_worker_sees_what_waits_at_the_top_and_the_path_across_tiers(
    app, demo, new_page, screenshot
):
    with app.test_request_context():
        to_sign = mediating_case()
        agreements.draft_agreement(
            to_sign,
            actor=user("med_hr"),
            terms="公司于月底前支付13000元",
            amount=13000,
            due_date=None,
        )
        transferred = filed_case()
        first = transferred.organization.name
        court = db.session.scalar(select(Organization).where(Organization.kind == "court"))
        fire(
            transferred,
            "escalate",
            actor=user("med_hr"),
            reason="金额较大",
            organization_id=court.id,
        )
        db.session.commit()
    worker = new_page(locale="en-US")  # phone-sized
    sign_in_en(worker, "worker1")

    worker.goto(f"/cases/{to_sign.id}")
    box = worker.locator("#waiting")
    expect(box).to_be_in_viewport()
    link = box.get_by_role("link", name="Sign version 1 of the mediation agreement")
    signing = worker.locator("#agreement-sign")
    expect(signing).not_to_be_in_viewport()
    screenshot(worker, "waiting")
    link.click()
    expect(signing).to_be_in_viewport()
    expect(signing.get_by_label("Your password")).to_be_visible()

    worker.goto(f"/cases/{transferred.id}")
    stages = worker.locator("ol.tiers > li")
    expect(stages).to_have_count(2)
    expect(stages.nth(0)).to_contain_text(first)
    expect(stages.nth(0)).to_contain_text("Transferred on to the next organisation")
    expect(stages.nth(1)).to_contain_text(court.name)
    expect(stages.nth(1)).to_contain_text("(the case is here now)")
    expect(stages.nth(1)).to_have_attribute("aria-current", "location")
    expect(stages.nth(1).locator('[aria-current="step"]')).to_contain_text("Apply")
    screenshot(worker, "tiers")
