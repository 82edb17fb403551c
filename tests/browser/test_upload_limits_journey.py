"""On a phone, a file larger than the server takes is refused before anything is sent."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_case_journey import sign_in
from tests.factories import filed_case

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def test_an_oversized_photo_is_refused_beside_the_field_before_upload(app, demo, new_page):
    case = filed_case()
    worker = new_page(locale="en-GB")
    sign_in(worker, "worker1", "Username or mobile number", "Password", "Sign in")
    worker.goto(f"/cases/{case.id}")
    chooser = worker.locator("input[type=file][data-max-bytes]").first
    chooser.set_input_files(
        {"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": b"\xff" * (11 * 1024 * 1024)}
    )
    expect(
        worker.get_by_text("“photo.jpg” is larger than 10 MB and was not added.")
    ).to_be_visible()
    assert chooser.evaluate("input => input.files.length") == 0
