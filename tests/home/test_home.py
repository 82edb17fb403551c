"""Each role's home page shows what that person can do next."""

import pytest
from flask import url_for

from mediation.home.next_steps import NEXT_STEPS
from mediation.models import Role
from tests.test_access import DEMO_ACCOUNT

pytestmark = pytest.mark.both_databases


@pytest.mark.parametrize("role", list(DEMO_ACCOUNT))
def test_home_shows_the_roles_available_next_steps(app, demo, browser, role):
    browser.login(DEMO_ACCOUNT[role])
    html = browser.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    for step in NEXT_STEPS[Role(role)]:
        assert step.endpoint in app.view_functions, f"no such endpoint: {step.endpoint}"
        with app.test_request_context(headers={"Accept-Language": "en"}):
            assert f"<strong>{step.title}</strong>" in html, step.endpoint
            assert f'href="{url_for(step.endpoint)}"' in html, step.endpoint
    assert "Change password" in html


def test_admin_home_links_to_accounts(app, demo, browser):
    browser.login("admin")
    html = browser.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'href="/admin/accounts"' in html


def test_visitor_home_invites_to_register(client):
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'href="/register"' in html and "How mediation works" in html
