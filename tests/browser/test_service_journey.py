"""Issue 12 in Chromium: the worker opens the acceptance notice, and the mediator's case page
shows it served on the applicant (and not yet on the employer)."""

import pytest
from playwright.sync_api import expect

from mediation.cases.operations import fire
from mediation.extensions import db
from tests.browser.conftest import accessibility_problems
from tests.browser.test_tiers_journey import staff_page
from tests.factories import filed_case, user

# A journey is about the pages: it runs on one database (the journeys share them out), the
# database tests run on both.
pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def test_worker_opens_the_acceptance_notice_and_the_mediator_sees_it_served(
    app, demo, new_page, screenshot
):
    with app.test_request_context():
        case = filed_case()
        fire(case, "accept", actor=user("med_hr"), respondent_consent=True, consent_via="window")
        db.session.commit()
    url = f"/cases/{case.id}"

    worker = staff_page(new_page, "worker1")
    worker.goto(url)
    notice = worker.locator("li.document-entry", has_text="Notice of acceptance")
    expect(notice.locator('[data-party="applicant"]')).to_contain_text("not yet served")
    notice.get_by_role("link", name="view and print").click()
    expect(worker.get_by_role("heading", level=1)).to_have_text(
        "Notice of acceptance (凤城街道劳动人事争议调解中心)"
    )

    mediator = staff_page(new_page, "med_hr")
    mediator.goto(url)
    notice = mediator.locator("li.document-entry", has_text="Notice of acceptance")
    expect(notice.locator('[data-party="applicant"]')).to_contain_text("served")
    expect(notice.locator('[data-party="applicant"]')).to_contain_text("Opened on the platform")
    expect(notice.locator('[data-party="respondent"]')).to_contain_text("not yet served")
    expect(mediator.get_by_role("heading", name="SMS and e-mail notices")).to_be_visible()
    notice.get_by_text("Record service by another way").click()
    expect(notice.get_by_label("Note")).to_be_visible()
    assert accessibility_problems(mediator) == []
    screenshot(mediator, "served")
