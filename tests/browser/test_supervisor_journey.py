"""Issue 7 in Chromium: the supervisor's dashboard, filters, charts, downloads and alerts."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_tiers_journey import staff_page
from tests.factories import filed_case

pytestmark = pytest.mark.browser


def test_supervisor_reads_filters_downloads_and_acknowledges(app, demo, new_page, screenshot):
    with app.test_request_context():
        for _ in range(2):
            filed_case()
    supervisor = staff_page(new_page, "supervisor1")
    supervisor.goto("/stats/")
    expect(supervisor.locator('[data-figure="received"]')).to_have_text("2")
    expect(supervisor.locator("svg[role=img]")).to_have_count(4)
    supervisor.get_by_label("Kind").select_option(label="Overtime pay")
    supervisor.get_by_role("button", name="Show").click()
    expect(supervisor.locator('[data-figure="received"]')).to_have_text("0")
    supervisor.get_by_label("Kind").select_option(label="Unpaid wages")
    supervisor.get_by_role("button", name="Show").click()
    expect(supervisor.locator('[data-figure="received"]')).to_have_text("2")
    screenshot(supervisor, "dashboard")
    for link, kind in (("CSV", "text/csv"), ("XLSX", "spreadsheetml")):
        response = supervisor.request.get(
            supervisor.get_by_role("link", name=link).get_attribute("href")
        )
        assert response.ok and kind in response.headers["content-type"]

    supervisor.goto("/stats/alerts")
    expect(supervisor.get_by_text("No alerts.")).to_be_visible()
    with app.test_request_context():
        third = filed_case()
    supervisor.reload()
    alert = supervisor.locator("section.panel", has_text=third.number)
    expect(alert).to_contain_text("Several disputes against one employer")
    alert.get_by_label("What was done").fill("已约谈企业负责人，责令限期支付")
    alert.get_by_role("button", name="Acknowledge").click()
    expect(supervisor.get_by_text("The alert is acknowledged.")).to_be_visible()
    expect(supervisor.locator("section.panel").first).to_contain_text("已约谈企业负责人")
