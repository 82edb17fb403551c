"""Fixtures shared by the whole suite.

Every test that touches the database runs once on SQLite and, when ``TEST_DATABASE_URL`` is
set, once more on PostgreSQL. The schema is built by the real migrations, and each test
starts from empty tables: the app commits for real, as it does in production.

``TEST_REQUIRE`` (e.g. ``"postgresql chromium"``, set by CI) turns a missing database or
browser into a failure instead of a skip.
"""

import contextvars
import os
import re

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from mediation import create_app
from mediation.config import TestConfig
from mediation.extensions import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
REQUIRED = set(os.environ.get("TEST_REQUIRE", "").split())


def skip_or_fail(resource: str, reason: str) -> None:
    if resource in REQUIRED:
        pytest.fail(f"{reason} (TEST_REQUIRE asks for {resource})", pytrace=False)
    pytest.skip(reason)


def database_uri(kind: str, tmp_path_factory) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    if not TEST_DATABASE_URL:
        skip_or_fail("postgresql", "TEST_DATABASE_URL is not set")
    return TEST_DATABASE_URL


def reset_postgresql_schema() -> None:
    """The test database is throwaway: start from an empty public schema."""
    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


class IsolatedClient(FlaskClient):
    """Each request runs in a fresh context, as it would in a server process.

    The tests keep an app context open to query the database; without this, every request
    would reuse it and share the test's database session and ``g``, hiding bugs.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


def make_app(uri: str, **overrides):
    app = create_app({**vars_of(TestConfig), "SQLALCHEMY_DATABASE_URI": uri, **overrides})
    app.test_client_class = IsolatedClient
    return app


def vars_of(config_class) -> dict:
    return {key: getattr(config_class, key) for key in dir(config_class) if key.isupper()}


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_app(request, tmp_path_factory):
    """One app per database for the whole run, its schema built by the migrations."""
    app = make_app(database_uri(request.param, tmp_path_factory))
    app.config["DATABASE_KIND"] = request.param
    with app.app_context():
        if request.param == "postgresql":
            reset_postgresql_schema()
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def empty_all_tables() -> None:
    tables = [table.name for table in db.metadata.sorted_tables]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                connection.execute(text(f"DELETE FROM {table}"))


def restore_reference_data() -> None:
    """Put back the rows the migrations install, which every deployment starts with."""
    from mediation.core.routing import reset_rules_to_defaults

    reset_rules_to_defaults()
    db.session.commit()


@pytest.fixture
def app(database_app):
    with database_app.app_context():
        yield database_app
        db.session.remove()
        empty_all_tables()
        restore_reference_data()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def demo(app):
    """The demo jurisdiction of `make run`, as the tests' realistic world."""
    from mediation.demo import seed_demo

    seed_demo()
    db.session.commit()


CSRF_FIELD = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


def csrf_token_from(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1) or match.group(2)


class Browser:
    """A test client that fills forms the way a person does: open the page, then post it."""

    def __init__(self, client) -> None:
        self.client = client

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)

    def submit(self, url: str, data: dict, *, page: str | None = None, **kwargs):
        """POST ``data`` to ``url`` with the CSRF token from ``page`` (default: ``url``)."""
        html = self.client.get(page or url).get_data(as_text=True)
        return self.client.post(url, data={**data, "csrf_token": csrf_token_from(html)}, **kwargs)

    def act(self, case_id: int, trigger: str, fields: dict, *, page: str | None = None, **kwargs):
        """Fire ``trigger`` from the case page's form (its fields carry the trigger as prefix)."""
        data = {f"{trigger}-{name}": value for name, value in fields.items()}
        return self.submit(
            f"/cases/{case_id}/act/{trigger}", data, page=page or f"/cases/{case_id}", **kwargs
        )

    def login(self, identifier: str, password: str = "demo-2026"):
        response = self.submit("/login", {"identifier": identifier, "password": password})
        assert response.status_code == 302, "login failed"
        return response

    def logout(self):
        return self.submit("/logout", {}, page="/")


@pytest.fixture
def browser(client):
    return Browser(client)


@pytest.fixture
def make_browser(app):
    """A fresh browser (its own cookies) each call: for several devices or people at once."""
    return lambda: Browser(app.test_client())
