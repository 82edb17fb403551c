"""Issue 7 in Chromium: the supervisor's dashboard, filters, charts, downloads and alerts."""

import csv
import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from mediation.localtime import local_today
from tests.browser.conftest import COLOUR_RULES, axe_violations
from tests.browser.test_tiers_journey import DESKTOP, staff_page
from tests.factories import filed_case

# A journey is about the pages: it runs on one database (the journeys share them out), the
# database tests run on both.
pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def test_supervisor_reads_filters_downloads_and_acknowledges(app, demo, new_page, screenshot):
    with app.test_request_context():
        for _ in range(2):
            filed_case()
    supervisor = staff_page(new_page, "supervisor1")
    supervisor.goto("/stats/")
    expect(supervisor.locator('[data-figure="received"]')).to_have_text("2")
    expect(supervisor.locator("svg[role=img]")).to_have_count(5)
    expect(supervisor.locator("svg[role=img] title").first).to_have_text("Cases received per day")

    supervisor.get_by_label("Kind").select_option(label="Overtime pay")
    supervisor.get_by_role("button", name="Show").click()
    expect(supervisor.locator('[data-figure="received"]')).to_have_text("0")
    expect(supervisor.get_by_label("Kind")).to_have_value("overtime")  # the choice is kept
    supervisor.get_by_label("Kind").select_option(label="Unpaid wages")
    supervisor.get_by_label("Period", exact=True).select_option(label="Year")
    supervisor.get_by_role("button", name="Show").click()
    expect(supervisor.locator('[data-figure="received"]')).to_have_text("2")
    expect(supervisor.get_by_label("From", exact=True)).to_have_value(f"{local_today().year}-01-01")
    expect(supervisor.locator("svg[role=img] title").first).to_have_text("Cases received per month")
    screenshot(supervisor, "dashboard")
    assert axe_violations(supervisor, skipped=COLOUR_RULES) == []  # colours: at the phone's
    supervisor.set_viewport_size({"width": 390, "height": 844})  # the tables scroll on a phone
    assert axe_violations(supervisor) == []
    supervisor.set_viewport_size(DESKTOP)

    def download(name: str):  # as the browser asks for it: in the reader's language
        href = supervisor.get_by_role("link", name=name).get_attribute("href")
        return supervisor.request.get(href, headers={"Accept-Language": "en"})

    rows = list(csv.reader(io.StringIO(download("CSV").text().removeprefix("\ufeff"))))
    assert ["Filter: Period", "Year"] in rows and ["Filter: Kind", "Unpaid wages"] in rows
    assert ["Cases received", "2", "Applications received in the period"] in rows
    xlsx = download("XLSX")
    assert "spreadsheetml" in xlsx.headers["content-type"]
    figures = load_workbook(io.BytesIO(xlsx.body()))["Figures"]
    assert ("Cases received", 2, "Applications received in the period") in set(
        figures.iter_rows(values_only=True)
    )

    supervisor.locator('[data-figure="received"] a').click()
    expect(supervisor.get_by_role("heading", name="Cases received")).to_be_visible()
    expect(supervisor.locator("table.worklist tbody tr")).to_have_count(2)
    expect(supervisor.locator("table.worklist")).to_contain_text("李* 138****8001")
    expect(supervisor.locator("table.worklist")).not_to_contain_text("李明")

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
