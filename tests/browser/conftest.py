"""A real Chromium (Debian's, driven by Playwright) against the app served on loopback."""

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import skip_or_fail

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
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
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def new_page(chromium, live_server):
    """Open a fresh browser window (own cookies); phone-sized and in Chinese unless told."""
    contexts = []

    def open_page(*, locale="zh-CN", viewport=PHONE):
        context = chromium.new_context(base_url=live_server, locale=locale, viewport=viewport)
        context.set_default_timeout(10_000)
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
