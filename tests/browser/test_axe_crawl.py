"""axe-core on every page each role reaches, at phone width (390 px) and at desktop width
(1280 px).

The pages are the crawler's (tests/test_crawl.py): one URL per route (and two case pages in
different states), walked with the test client in the world the browser then opens.
One browser window per role signs in once and only navigates.

To keep within the suite's time, axe runs at phone width on every page, and again at desktop
width only where the layout changes with the width (app.css's media queries): pages with a
table (lists, worklists, dashboards; scrolled sideways on a phone), cards, tallies, a list of
facts or the tracker, which covers the homes and the case pages; forms and texts are one
column at both. The pages every role shares (password, preferences, notices) are checked for
the worker only; the header, which differs by role, is on every page. Each role's home is kept
as a screenshot at both widths.
"""

import pytest

from tests.browser.conftest import axe_violations
from tests.browser.test_case_journey import sign_in
from tests.test_access import DEMO_ACCOUNT
from tests.test_crawl import crawl_world, signed_in_crawler

# A journey is about the pages: it runs on one database (the journeys share them out).
pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

# The widths the issue names: a common phone (390 px) and a desktop.
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
CASE_PAGES = 2  # the case pages differ most by state: a filed case and one in mediation
SHARED_PAGES = {"/account/password", "/account/preferences", "/notifications"}
SERIOUS = ("serious", "critical")
CHANGES_WITH_WIDTH = "main table, main .cards, main .tallies, main .facts, main .tracker"
# axe is in the page already after the phone-width run: the desktop run only runs it again.
RUN_AGAIN = "axe.run({resultTypes: ['violations']}).then(results => results.violations)"


def rerun_axe(page) -> list[dict]:
    return [
        {
            "id": found["id"],
            "impact": found["impact"],
            "targets": [node["target"] for node in found["nodes"]],
        }
        for found in page.evaluate(RUN_AGAIN)
        if found["impact"] in SERIOUS
    ]


@pytest.mark.parametrize("role", ["anonymous", *DEMO_ACCOUNT])
def test_axe_finds_nothing_serious_on_any_page_at_either_width(
    app, demo, role, new_page, screenshot
):
    with app.test_request_context():
        crawl_world()
    crawler = signed_in_crawler(
        app, role, per_endpoint=1, per_path=1, overrides={"cases.show": CASE_PAGES}
    )
    urls = [found.url for found in crawler.walk()]
    assert len(urls) >= 5, f"{role}: the crawl found only {urls}"
    if role not in ("worker", "anonymous"):
        urls = [url for url in urls if url not in SHARED_PAGES]

    page = new_page(viewport=PHONE)
    if role != "anonymous":
        sign_in(page, DEMO_ACCOUNT[role])
    found = {}
    for url in urls:
        page.goto(url)
        if url == "/":
            screenshot(page, "home-phone")
        if violations := axe_violations(page, SERIOUS):
            found[f"{url} (phone)"] = violations
        if url == "/" or page.locator(CHANGES_WITH_WIDTH).count():
            page.set_viewport_size(DESKTOP)
            if url == "/":
                screenshot(page, "home-desktop")
            if violations := rerun_axe(page):
                found[f"{url} (desktop)"] = violations
            page.set_viewport_size(PHONE)
    assert not found, f"{role}: {found}"
