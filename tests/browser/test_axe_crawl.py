"""axe-core on every page each role reaches, at phone width (390 px) and at desktop width
(1280 px), and on a page of each kind of form showing its errors.

The pages are the crawler's (tests/test_crawl.py): one URL per route (and two case pages in
different states), walked with the test client in the world the browser then opens.
One browser window per role signs in once and only navigates.

Each page is loaded once, at phone width, with axe put in by the browser window as the page
loads; for desktop width the loaded page is widened and axe runs again (no reload). Then each
kind of form the walk met (the crawler's kinds: the same form on another case page adds
nothing) is sent with its fields emptied, and axe runs at both widths on the answer that shows
its errors. The pages every role shares (password, preferences, notices) are checked for the
worker only; the header, which differs by role, is on every page. Each role's home is kept as
a screenshot at both widths. The rules that judge colours alone run at phone width only
(COLOUR_RULES).

axe runs only the rules that can find something serious or critical (see RUN_AXE in
conftest.py: a rule's violations have the rule's impact) and hands back only its violations.
"""

from urllib.parse import urljoin

import pytest

from tests.browser.conftest import COLOUR_RULES, SERIOUS, axe_violations
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
# Sends the n-th form of the page with what a person can type emptied (browser checks off).
SEND_EMPTY = """n => {
  const form = document.forms[n];
  form.noValidate = true;
  for (const field of form.elements) {
    if (field.type === "hidden" || field.type === "submit" || field.type === "button") continue;
    if (field.type === "checkbox" || field.type === "radio") field.checked = false;
    else if (field.tagName === "SELECT") field.selectedIndex = -1;
    else if (field.type !== "file") field.value = "";
  }
  form.requestSubmit();
}"""
SHOWS_ERRORS = ".error-summary, .field-error"
# On a form's answer, axe looks at what the errors changed: the summary and the forms showing
# them (the rest of the page was checked as the walk loaded it; a case page is long).
ERROR_PARTS = {"include": [[".error-summary"], ["form:has(.field-error)"]]}
TYPED = ("text", "textarea", "select", "email", "tel", "number", "date", "password", "url")


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

    page = new_page(viewport=PHONE, with_axe=True)
    if role != "anonymous":
        sign_in(page, DEMO_ACCOUNT[role])
    found = {}

    def check_both_widths(name: str, context=None) -> None:
        if violations := axe_violations(page, SERIOUS, context):
            found[f"{name} (phone)"] = violations
        page.set_viewport_size(DESKTOP)
        if name == "/":
            screenshot(page, "home-desktop")
        if violations := axe_violations(page, SERIOUS, context, skipped=COLOUR_RULES):
            found[f"{name} (desktop)"] = violations
        page.set_viewport_size(PHONE)

    for url in urls:
        page.goto(url)
        if url == "/":
            screenshot(page, "home-phone")
        check_both_widths(url)

    with_errors = 0
    for url, index in form_kinds(crawler, urls):
        page.goto(url)
        with page.expect_navigation():
            page.evaluate(SEND_EMPTY, index)
        if page.locator(SHOWS_ERRORS).count():
            with_errors += 1
            check_both_widths(f"{url} form {index} sent empty", ERROR_PARTS)
    assert not found, f"{role}: {found}"
    if role != "anonymous":
        assert with_errors >= 1, f"{role}: no form showed its errors"


def form_kinds(crawler, urls: list[str]) -> list[tuple[str, int]]:
    """A page and the index of its form, for each kind of form the walk met that has
    something to type or choose (a form of buttons only shows no error when sent empty). A
    kind is the view it is sent to: the case page's triggers, drawn by one macro, are one."""
    kinds, listed = {}, set(urls)
    for page in crawler.pages:
        if page.url not in listed:
            continue
        for index, form in enumerate(page.forms):
            if form.method != "POST" or not any(kind in TYPED for kind, _n, _v in form.fields):
                continue
            target = crawler.route(urljoin(page.url, form.action or page.url), form.method)
            if target is not None:
                kinds.setdefault(target[0], (page.url, index))
    return list(kinds.values())
