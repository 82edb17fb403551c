"""CSRF, security headers, production configuration."""

import logging
import os
import re
import shutil
import subprocess
import sys

import pytest

from mediation import create_app
from mediation.config import ConfigurationError, ProductionConfig
from mediation.demo import refuse_in_production
from mediation.models import User
from tests.conftest import make_app, template


def test_post_without_csrf_token_is_refused_and_changes_nothing(app, client):
    response = client.post(
        "/register",
        data={
            "name": "张三",
            "phone": "13912345678",
            "id_number": "11010519491231002X",
            "password": "secret-pass-1",
            "confirm": "secret-pass-1",
            "consent": "y",
        },
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert User.query.count() == 0


def test_post_with_a_token_from_another_session_is_refused(app, demo, make_browser):
    from tests.conftest import csrf_token_from

    other = make_browser()
    token = csrf_token_from(other.get("/login").get_data(as_text=True))
    response = make_browser().client.post(
        "/login", data={"identifier": "worker1", "password": "demo-2026", "csrf_token": token}
    )
    assert response.status_code == 400


@pytest.mark.parametrize("url", ["/", "/login", "/no-such-page"])
def test_security_headers_on_every_response(client, url):
    headers = client.get(url).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_scripts_or_styles(client):
    html = client.get("/register").get_data(as_text=True)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts, "the page loads its scripts"
    assert all('src="/static/' in attributes and not body.strip() for attributes, body in scripts)
    assert "style=" not in html and "<style" not in html


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.setenv("MEDIATION_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app()


PRODUCTION_DELIVERY = {
    "SMS_GATEWAY_URL": "https://sms.example.cn/send",
    "SMTP_HOST": "smtp.example.cn",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


@pytest.mark.parametrize("missing", sorted(PRODUCTION_DELIVERY))
def test_production_refuses_to_start_with_the_development_outbox(monkeypatch, tmp_path, missing):
    """Without a gateway, a mail server or Redis, notices would wait in the development outbox
    where no worker or employer ever sees them."""
    monkeypatch.setenv("MEDIATION_ENV", "production")
    settings = {**PRODUCTION_DELIVERY, "SECRET_KEY": "k" * 40, missing: None}
    settings["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path}/p.sqlite"
    with pytest.raises(ConfigurationError, match=missing):
        create_app(settings)


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    monkeypatch.setenv("MEDIATION_ENV", "production")
    app = create_app(
        {
            **PRODUCTION_DELIVERY,
            "SECRET_KEY": "k" * 40,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.sqlite",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is ProductionConfig.SESSION_COOKIE_SECURE is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    response = app.test_client().get("/login", base_url="https://localhost")
    assert "Strict-Transport-Security" in response.headers


def test_development_secret_key_is_generated_once_and_kept(monkeypatch, tmp_path):
    import mediation.config as config

    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = make_app(f"sqlite:///{tmp_path}/a.sqlite", SECRET_KEY=None).config["SECRET_KEY"]
    second = make_app(f"sqlite:///{tmp_path}/a.sqlite", SECRET_KEY=None).config["SECRET_KEY"]
    assert first == second and len(first) > 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


ENTRY_POINTS = ("wsgi", "mediation.worker")
# Each entry point imported as in a fresh interpreter, for the price of one: both import the
# mediation package first (most of their start-up), so it is imported once, and each entry
# point in a copy of the process taken then (os.fork), the state a fresh interpreter importing
# it would be in at that moment. Each copy's exit status goes to stdout, its error to stderr
# after a line naming it.
IMPORT_EACH_ENTRY_POINT = r"""
import os, sys, traceback

import mediation

for entry_point in sys.argv[1:]:
    print(f"--- {entry_point}", file=sys.stderr, flush=True)
    pid = os.fork()
    if pid == 0:
        try:
            __import__(entry_point)
        except BaseException:
            traceback.print_exc()
            sys.stderr.flush()
            os._exit(1)
        os._exit(0)
    print(entry_point, os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), flush=True)
"""


def test_the_production_entry_points_start_in_production_unless_told_otherwise(monkeypatch):
    """gunicorn wsgi:app and the Celery worker on a machine with no settings refuse to start
    rather than run on development defaults."""
    monkeypatch.delenv("MEDIATION_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    result = subprocess.run(
        [sys.executable, "-c", IMPORT_EACH_ENTRY_POINT, *ENTRY_POINTS],
        capture_output=True,
        text=True,
        env={key: value for key, value in os.environ.items() if key != "MEDIATION_ENV"},
    )
    assert result.returncode == 0, result.stderr
    exit_status = dict(line.split() for line in result.stdout.splitlines())
    errors = dict(re.findall(r"^--- (\S+)\n(.*?)(?=^--- |\Z)", result.stderr, re.M | re.S))
    for entry_point in ENTRY_POINTS:
        assert exit_status[entry_point] != "0", f"{entry_point} started"
        assert "SECRET_KEY must be set in production" in errors[entry_point], errors[entry_point]


def test_production_refuses_a_short_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("MEDIATION_ENV", "production")
    settings = {**PRODUCTION_DELIVERY, "SECRET_KEY": "s" * 31}
    settings["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path}/p.sqlite"
    with pytest.raises(ConfigurationError, match="at least 32"):
        create_app(settings)


def test_production_refuses_to_run_with_the_demo_accounts(monkeypatch, tmp_path, tmp_path_factory):
    """On a database the demo was seeded into (a copy of the run's demo template, which
    ``seed_demo`` filled as `make run` does)."""
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(template("sqlite", "demo", tmp_path_factory), path)
    monkeypatch.setenv("MEDIATION_ENV", "production")
    production = create_app(
        {
            **PRODUCTION_DELIVERY,
            "SECRET_KEY": "k" * 40,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
        }
    )
    with pytest.raises(ConfigurationError, match="demo account"):
        refuse_in_production(production)


def test_log_lines_carry_no_id_or_phone_number_and_no_query_string(app, caplog):
    """What Werkzeug or gunicorn write for a search, and what any module logs about a person."""
    with caplog.at_level(logging.INFO):
        logging.getLogger("werkzeug").info(
            '%s - - "GET /queue?q=%s HTTP/1.1" 200 -', "127.0.0.1", "李明"
        )
        logging.getLogger("mediation.any").warning(
            "applicant %s (%s) asked again", "441802199003150013", "13800138001"
        )
    assert "李明" not in caplog.text and "/queue?…" in caplog.text
    assert "441802199003150013" not in caplog.text and "441802********0013" in caplog.text
    assert "13800138001" not in caplog.text and "138****8001" in caplog.text


@pytest.mark.parametrize(
    "method,url,data",
    [
        ("GET", "/employers/search?q=a%00b", None),
        ("GET", "/verify?code=%00", None),
        ("POST", "/login", {"identifier": "worker1\x00", "password": "demo-2026"}),
    ],
    ids=["search", "verify", "login-form"],
)
def test_a_nul_character_is_refused_not_a_500(app, demo, browser, method, url, data):
    if method == "GET":
        browser.login("worker1")
        assert browser.get(url).status_code == 400
    else:  # with its CSRF token, so that only the NUL can be the reason
        assert browser.submit(url, data).status_code == 400
        assert browser.submit(url, {**data, "identifier": "worker1"}).status_code == 302


def test_a_page_number_past_any_list_is_an_empty_page_not_a_500(app, demo, browser):
    browser.login("med_hr")
    assert browser.get("/queue?page=99999999999999999999").status_code == 200
    browser.logout()
    browser.login("admin")
    for url in ("/admin/accounts", "/admin/outbox", "/admin/audit"):
        assert browser.get(f"{url}?page=99999999999999999999").status_code == 200
