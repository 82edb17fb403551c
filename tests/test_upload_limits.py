"""A phone never dead-ends on an upload: the fullest form gets through to the checks of each
file, and only a request beyond it is cut off, with the limits and the way back."""

import io
import re

from flask import current_app

from mediation.uploads import FILES_PER_SUBMISSION, MAX_BYTES
from tests.factories import filed_case

EN = {"Accept-Language": "en"}
MEBIBYTE = 1024 * 1024


def test_the_request_cap_is_the_fullest_form(app):
    assert (
        current_app.config["MAX_CONTENT_LENGTH"] == FILES_PER_SUBMISSION * MAX_BYTES + 2 * MEBIBYTE
    )


def test_two_files_of_9_mb_are_each_checked_on_the_page_not_cut_off(app, demo, browser):
    case = filed_case()
    browser.login("worker1")
    page = f"/cases/{case.id}"
    files = [(io.BytesIO(b"x" * 9 * MEBIBYTE), f"scan{i}.pdf") for i in range(2)]
    answer = browser.submit(
        f"{page}/evidence",
        {"file": files},
        page=page,
        headers=EN,
        content_type="multipart/form-data",
    )
    text = answer.get_data(as_text=True)
    # Each file reached its own check (these are no PDFs), answered beside the field.
    assert answer.status_code == 422
    for name in ("scan0.pdf", "scan1.pdf"):
        assert f"{name}: Only PDF, JPEG and PNG files can be uploaded." in text


def test_a_request_beyond_the_cap_says_the_limits_and_leads_back_to_the_form(app, demo, browser):
    case = filed_case()
    browser.login("worker1")
    page = f"http://localhost/cases/{case.id}"
    too_much = (io.BytesIO(b"x" * (FILES_PER_SUBMISSION * MAX_BYTES + 3 * MEBIBYTE)), "big.pdf")
    answer = browser.submit(
        f"/cases/{case.id}/evidence",
        {"file": too_much},
        page=f"/cases/{case.id}",
        headers={**EN, "Referer": page},
        content_type="multipart/form-data",
    )
    text = answer.get_data(as_text=True)
    assert answer.status_code == 413
    assert "at most 10 files of 10 MB each, 100 MB in all" in text
    assert "Back button" in text  # which keeps what was typed; this answer cannot
    assert f'href="{page}"' in text  # back to the form it came from
    elsewhere = browser.client.post(
        "/cases/1/evidence",
        data={"file": (io.BytesIO(b"x" * (FILES_PER_SUBMISSION * MAX_BYTES + 3 * MEBIBYTE)), "b")},
        headers={**EN, "Referer": "https://evil.example/"},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "evil.example" not in elsewhere


def _file_inputs(html: str) -> list[str]:
    return re.findall(r"<input[^>]*type=\"file\"[^>]*>", html)


def test_every_file_input_filters_what_it_takes_and_states_its_limits(app, demo, make_browser):
    """The picker offers only what would be accepted, the script knows the limits, and the
    page states them: per file everywhere, per submission where several files are chosen."""
    case = filed_case()
    pages = {
        "admin": ["/admin/imports"],
        "reemploy1": ["/referrals/vacancies"],
        "worker1": ["/cases/new", f"/cases/{case.id}"],
    }
    for username, urls in pages.items():
        browser = make_browser()
        browser.login(username)
        for url in urls:
            html = browser.get(url, headers=EN).get_data(as_text=True)
            inputs = _file_inputs(html)
            assert inputs, url
            for element in inputs:
                assert 'accept="' in element and "data-max-bytes" in element, (url, element)
            if username == "worker1":
                assert "At most 10 files, 100 MB in all" in html, url
                assert 'accept=".jfif,.jpe,.jpeg,.jpg,.pdf,.png,' in inputs[0]
            else:
                assert 'accept=".csv' in inputs[0] or 'accept=".xlsx' in inputs[0], url
                assert re.search(r"At most [25] MB\.", html), url
