"""Chinese by default, English on request; the choice persists; both catalogs are complete."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import render_template_string
from flask_babel import force_locale
from sqlalchemy import select

from mediation.extensions import db
from mediation.models import User
from mediation.translation import gettext, ngettext

ROOT = Path(__file__).resolve().parents[1]


def heading(response) -> str:
    html = response.get_data(as_text=True)
    return html.split("<h1>", 1)[1].split("</h1>", 1)[0]


def test_chinese_is_the_default(client):
    assert heading(client.get("/login")) == "登录"


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("en-US,en;q=0.9", "Sign in"), ("zh-CN,zh;q=0.9", "登录"), ("fr-FR", "登录")],
)
def test_browser_language_is_honoured_on_first_visit(client, accept, expected):
    assert heading(client.get("/login", headers={"Accept-Language": accept})) == expected


def test_language_switch_persists_in_a_cookie_over_the_browser_language(browser):
    response = browser.submit("/language", {"lang": "en", "next": "/login"}, page="/login")
    assert response.headers["Location"] == "/login"
    assert heading(browser.get("/login", headers={"Accept-Language": "zh-CN"})) == "Sign in"


def test_signed_in_users_language_follows_them_to_another_device(app, demo, make_browser):
    phone = make_browser()
    phone.login("worker1")
    phone.submit("/language", {"lang": "en", "next": "/"}, page="/")
    assert db.session.scalar(select(User.locale).where(User.username == "worker1")) == "en"
    desktop = make_browser()
    desktop.login("worker1")
    assert heading(desktop.get("/")) == "Hello, 李明"


def test_a_message_follows_the_locale_in_force_and_back(app):
    """The request's catalogue is kept for the locale it was chosen for: a notice written
    in its recipient's language (``force_locale``) and the page after it each get theirs."""
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert gettext("Sign in") == "登录"
        with force_locale("en"):
            assert gettext("Sign in") == "Sign in"
            assert render_template_string("{{ _('Sign in') }}") == "Sign in"
        assert gettext("Sign in") == render_template_string("{{ _('Sign in') }}") == "登录"
        assert ngettext("%(num)d day left", "%(num)d days left", 3) == "还剩 3 天"
        with force_locale("en"):
            assert ngettext("%(num)d day left", "%(num)d days left", 1) == "1 day left"


def test_messages_are_looked_up_through_mediation_translation():
    """Flask-Babel's own gettext costs ten context lookups a message: the code imports the
    lookups from mediation.translation (its formats and force_locale are fine)."""
    lookups = re.compile(r"^\s*from flask_babel import .*\b(gettext|ngettext|lazy_gettext)\b")
    found = [
        f"{path.relative_to(ROOT)}: {line.strip()}"
        for folder in ("mediation", "tests", "bench")
        for path in (ROOT / folder).rglob("*.py")
        for line in path.read_text(encoding="utf-8").splitlines()
        if lookups.search(line)
    ]
    assert found == []


def test_unknown_language_is_ignored(browser):
    browser.submit("/language", {"lang": "xx", "next": "/login"}, page="/login")
    assert heading(browser.get("/login")) == "登录"


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "--quiet",
            "extract",
            "-F",
            "translations/babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    with pot.open("rb") as file:
        return [message.id for message in read_po(file) if message.id]


@pytest.mark.parametrize("locale", ["zh_Hans_CN", "en"])
def test_every_string_in_the_code_is_translated(extracted, locale):
    with (ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po").open("rb") as file:
        catalog = read_po(file)

    def translated(entry) -> bool:
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        return all(strings) and not entry.fuzzy

    untranslated = [
        msgid for msgid in extracted if not (entry := catalog.get(msgid)) or not translated(entry)
    ]
    assert untranslated == [], f"{locale} lacks translations: {untranslated[:10]}"
