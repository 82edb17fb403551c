"""A real Chromium (Debian's, driven by Playwright) against the app served on loopback."""

import os
import threading
from pathlib import Path

import axe_playwright_python
import pytest
from werkzeug.serving import make_server

from tests.conftest import skip_or_fail

# Debian's build of Chromium's headless shell, the browser Playwright itself runs for headless
# tests: the same Blink, without the full browser's window and compositor machinery. The
# journeys and the axe crawl cost 35% less CPU in it than in Debian's full `chromium` (147 s
# against 233 s for tests/browser/ on 2 cores), which matters when the CPU is the limit.
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium-headless-shell")
# Without these, Chromium tries to reach Google's services, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 360, "height": 780}


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        skip_or_fail("chromium", f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def live_server(request, app):
    # The server answers from threads with connections of their own: they see only commits.
    assert request.node.get_closest_marker("commits"), "a live server needs real commits"
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # A short poll interval: shutting down waits for the loop's next poll.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def new_page(chromium, live_server):
    """Open a fresh browser window (own cookies); phone-sized and in Chinese unless told.
    ``with_axe``: axe-core is put into every page the window loads, before its own scripts,
    for a test that runs axe on each page it opens."""
    contexts = []

    def open_page(*, locale="zh-CN", viewport=PHONE, with_axe=False):
        context = chromium.new_context(base_url=live_server, locale=locale, viewport=viewport)
        context.set_default_timeout(10_000)
        if with_axe:
            context.add_init_script(path=AXE_SCRIPT)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot(request):
    """Save a screenshot under test-artifacts/, named after the test and the step."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, step: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{step}.png".replace("[", "-").replace("]", "")
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


# Runs in the page: the problems a screen-reader or low-vision user would meet first.
ACCESSIBILITY_PROBLEMS = """() => {
  const problems = [];
  const fields = document.querySelectorAll("input:not([type=hidden]), select, textarea");
  for (const field of fields) {
    if (!field.labels || field.labels.length === 0) problems.push("no label: " + field.name);
  }
  for (const button of document.querySelectorAll("button, a[href]")) {
    if (!button.textContent.trim() && !button.getAttribute("aria-label")) {
      problems.push("no accessible name: " + button.outerHTML.slice(0, 60));
    }
  }
  if (!document.documentElement.lang) problems.push("html has no lang");
  if (document.querySelectorAll("main").length !== 1) problems.push("not exactly one main");
  if (!document.querySelector("header")) problems.push("no banner header");
  if (!document.querySelector("footer")) problems.push("no contentinfo footer");
  if (!document.querySelector("h1")) problems.push("no h1");
  // WCAG 2.1 AA contrast for text: 4.5:1 (3:1 from 24px, or 18.66px bold).
  const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = getComputedStyle(el).backgroundColor;
      const [r, g, b, a = 1] = rgb(c);
      if (a > 0) return [r, g, b];
    }
    return [255, 255, 255];
  };
  for (const el of document.querySelectorAll("h1, h2, p, a, label, button, th, td, li, span")) {
    if (!el.textContent.trim() || !el.offsetParent) continue;
    const style = getComputedStyle(el);
    const l1 = luminance(rgb(style.color)), l2 = luminance(background(el));
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    const text = el.textContent.trim().slice(0, 30);
    if (ratio < needed) problems.push(`contrast ${ratio.toFixed(2)}: ${text}`);
  }
  return problems;
}"""


def accessibility_problems(page) -> list[str]:
    return page.evaluate(ACCESSIBILITY_PROBLEMS)


AXE_SCRIPT = Path(axe_playwright_python.__file__).with_name("axe.min.js")
SERIOUS = ("serious", "critical")
# The rules that judge colours alone (text against its background, a link against the text
# around it): a page checked at phone width skips them at desktop width. They are two thirds
# of axe's time there, and the stylesheet gives a wider screen no colour of its own and no
# smaller text (tests/test_stylesheet.py), so a second run could only repeat their answer.
COLOUR_RULES = ("color-contrast", "link-in-text-block")
# Runs in the page: axe's violations of these impacts, each as its rule id, impact and the CSS
# selectors of its elements. Only what is asked crosses back to Python (axe's whole answer,
# with what passed, is some 50 KB a page). The rules that can find nothing of these impacts are
# left out: a rule that has an impact (every rule of axe 4.12 has one) gives it to each of its
# checks when its result is made (axe-core's finalizeRuleResult), so each of its violations
# has exactly the rule's impact.
RUN_AXE = """([context, impacts, skipped]) => {
  if (typeof axe !== "object") return null;
  const unknown = skipped.filter((id) => !axe._audit.rules.some((rule) => rule.id === id));
  if (unknown.length) throw new Error("axe has no rule " + unknown.join(", "));
  const elsewhere = axe._audit.rules.filter(
    (rule) => (rule.impact && !impacts.includes(rule.impact)) || skipped.includes(rule.id)
  );
  const options = {
    resultTypes: ["violations"],
    rules: Object.fromEntries(elsewhere.map((rule) => [rule.id, {enabled: false}])),
  };
  return axe.run(context || document, options).then((results) => results.violations
    .filter((violation) => impacts.includes(violation.impact))
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      targets: violation.nodes.map((node) => node.target),
    })));
}"""


def axe_violations(page, impacts=SERIOUS, context=None, skipped=()) -> list[dict]:
    """What axe-core (axe-playwright-python's copy) finds on the page (or the part of it
    ``context`` names), of these impacts: each as its rule id, impact, and the CSS selectors of
    the elements, so a failure says where. The rules ``skipped`` names are not run. axe is put
    into the page once, when it is not there yet (run again, on a page resized, it checks the
    page as it is now)."""
    arguments = [context, list(impacts), list(skipped)]
    found = page.evaluate(RUN_AXE, arguments)
    if found is None:  # not in the page yet
        page.evaluate(AXE_SCRIPT.read_text())
        found = page.evaluate(RUN_AXE, arguments)
    return found
