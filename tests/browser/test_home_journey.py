"""Issue 18 in Chromium: the mediator's home counts what waits, each count opens the same
cases in the worklist, and the worklist says how many days each deadline has left."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from mediation.cases.operations import claim
from mediation.extensions import db
from mediation.localtime import local_today
from tests.browser.conftest import axe_violations
from tests.browser.test_tiers_journey import staff_page
from tests.factories import filed_case, user

# A journey is about the pages: it runs on one database (the journeys share them out), the
# database tests run on both.
pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def test_mediator_home_counts_match_the_worklist_they_open(app, demo, new_page, screenshot):
    today = local_today()
    with app.test_request_context():
        soon, later, mine = filed_case(), filed_case(), filed_case()
        claim(mine, actor=user("med_hr"))
        for case, days in ((soon, 1), (later, 4), (mine, -2)):
            case.acceptance_deadline = today + timedelta(days=days)
        db.session.commit()

    page = staff_page(new_page, "med_hr")  # desktop width, in English
    page.goto("/")
    new = page.locator('[data-tally="new-applications"]')
    expect(new.locator(".tally__number")).to_have_text("2")
    expect(new).to_contain_text("1 due tomorrow")
    overdue = page.locator('[data-tally="mine-overdue"]')
    expect(overdue.locator(".tally__number")).to_have_text("1")
    expect(page.locator("table.worklist")).to_contain_text("2 days overdue")
    screenshot(page, "home")
    assert axe_violations(page) == []

    new.get_by_role("link").click()
    expect(page.get_by_text("2 cases", exact=True)).to_be_visible()
    rows = page.locator("table.worklist tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(soon.number)
    expect(rows.nth(0)).to_contain_text("due tomorrow")
    expect(rows.nth(1)).to_contain_text("4 days left")

    page.goto("/")
    overdue.get_by_role("link").click()
    expect(page.get_by_text("1 case", exact=True)).to_be_visible()
    expect(rows).to_have_count(1)
    expect(rows.nth(0)).to_contain_text(mine.number)
    expect(rows.nth(0)).to_contain_text("2 days overdue")

    # The header leads back to the worklist's waiting cases from any page.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Case queue").click()
    expect(page.get_by_text("2 cases", exact=True)).to_be_visible()
