"""A phone never dead-ends on an upload: the fullest form gets through to the checks of each
file, and only a request beyond it is cut off, with the limits and the way back."""

import io

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
    assert "at most 10 files of 10 MB each" in text
    assert f'href="{page}"' in text  # back to the form it came from
    elsewhere = browser.client.post(
        "/cases/1/evidence",
        data={"file": (io.BytesIO(b"x" * (FILES_PER_SUBMISSION * MAX_BYTES + 3 * MEBIBYTE)), "b")},
        headers={**EN, "Referer": "https://evil.example/"},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "evil.example" not in elsewhere
