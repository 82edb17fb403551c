"""The administrator's audit page: refused attempts and reads found by filtering, identifiers
masked, bad filters answered beside the field."""

import pytest

from mediation.extensions import db
from tests.factories import filed_case

pytestmark = pytest.mark.both_databases

EN = {"Accept-Language": "en"}


def page_text(browser, **args) -> str:
    answer = browser.get("/admin/audit", query_string=args, headers=EN)
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def test_failed_sign_ins_and_probing_are_found_with_numbers_masked(app, demo, make_browser):
    with app.test_request_context():
        case = filed_case()
        db.session.commit()
    guesser = make_browser()
    for _ in range(2):
        guesser.client.post("/login", data={"identifier": "13800138001", "password": "x"})
        guesser.client.post("/api/v1/tokens", json={"username": "13800138001", "password": "guess"})
    prober = make_browser()
    prober.login("worker2")
    assert prober.get(f"/cases/{case.id}").status_code == 404

    admin = make_browser()
    admin.login("admin")
    security = page_text(admin, kind="security")
    assert security.count("Sign-in failed") == 2  # the form posts had no CSRF token
    assert "138****8001" in security and "13800138001" not in security
    assert "Case not visible to the user" in security
    assert "Signed in" not in security

    by_worker2 = page_text(admin, actor="worker2")
    assert "Case not visible to the user" in by_worker2 and "Sign-in failed" not in by_worker2
    on_case = page_text(admin, case=case.number.lower())
    assert "Application filed" in on_case and case.number in on_case
    assert "Sign-in failed" not in on_case


def test_bad_filters_are_named_beside_their_field_and_kept(app, demo, browser):
    browser.login("admin")
    answer = browser.get(
        "/admin/audit",
        query_string={"actor": "nobody-here", "start": "2026-12-02", "end": "2026-12-01"},
        headers=EN,
    )
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert 'id="actor-error"' in text and "No account has this username." in text
    assert 'id="end-error"' in text and "The end date is before the start date." in text
    assert 'value="nobody-here"' in text and 'value="2026-12-01"' in text
    assert "No entries." in text


def test_only_administrators_read_it(app, demo, make_browser):
    for username in ("supervisor1", "med_hr", "worker1"):
        browser = make_browser()
        browser.login(username)
        assert browser.get("/admin/audit").status_code == 403
