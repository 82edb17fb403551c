"""Choosing the interface language (the user's choice, then the cookie, then the browser),
and writing days and moments in it for people."""

from datetime import date, datetime, timedelta
from functools import cache

from babel import Locale
from flask import current_app, has_request_context, request
from flask_babel import format_date, format_datetime, get_locale, to_user_timezone
from flask_login import current_user
from markupsafe import Markup

from mediation.localtime import local_today
from mediation.translation import gettext, ngettext

LANGUAGE_COOKIE = "lang"
LANGUAGE_NAMES = {"zh_CN": "中文", "en": "English"}


def supported_locale(value: str | None) -> str | None:
    return value if value in current_app.config["LANGUAGES"] else None


def select_locale() -> str:
    if not has_request_context():  # CLI commands and background work speak the default
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    supported = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and supported_locale(current_user.locale):
        return current_user.locale
    return (
        supported_locale(request.cookies.get(LANGUAGE_COOKIE))
        or request.accept_languages.best_match(supported)
        or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def select_babel_locale() -> Locale:
    """Flask-Babel's locale selector: ``select_locale``'s choice, parsed once a process.
    Flask-Babel parses a name the selector gives on every request (Babel looks for the
    locale's data file each time, about 0.4 ms); a ``Locale`` it takes as it is."""
    return _parsed(select_locale())


@cache
def _parsed(name: str) -> Locale:
    return Locale.parse(name)


def days_left(due: date | None, today: date | None = None) -> Markup:
    """How far a deadline is, in calendar days of Shanghai: "3 days left", "due tomorrow",
    "due today", "2 days overdue"; shown beside the date in every list (the ``days_left``
    filter)."""
    if due is None:
        return Markup("")
    days = (due - (today or local_today())).days
    if days > 1:
        kind, text = "days-left", ngettext("%(num)d day left", "%(num)d days left", days)
    elif days == 1:
        kind, text = "days-left", gettext("due tomorrow")
    elif days == 0:
        kind, text = "flag flag--today", gettext("due today")
    else:
        kind = "flag flag--overdue"
        text = ngettext("%(num)d day overdue", "%(num)d days overdue", -days)
    return Markup('<span class="{}">{}</span>').format(kind, text)


# Days and moments as people read them, wherever a person reads one: notices in the app, SMS,
# e-mails, documents, the words at the top of a download. The day in words, the time to the
# minute, in Asia/Shanghai (BABEL_DEFAULT_TIMEZONE), by the reader's language; another
# language falls back to Babel's medium format.
HUMAN_FORMATS = {
    "zh": ("y年M月d日", "y年M月d日 ah:mm"),  # 2026年12月4日 · 2026年12月4日 上午10:00
    "en": ("d MMM y", "d MMM y, HH:mm"),  # 4 Dec 2026 · 4 Dec 2026, 10:00
}


def _formats() -> tuple[str, str]:
    return HUMAN_FORMATS.get(get_locale().language, ("medium", "medium"))


def human_date(value: date | datetime, *, today: date | None = None) -> str:
    """The day in words. A moment counts by its day in Shanghai. Given ``today``, a day that is
    today or tomorrow says so too (for a notice read now, never for a record)."""
    if isinstance(value, datetime):
        value = to_user_timezone(value).date()
    shown = format_date(value, _formats()[0])
    if today is not None and value == today:
        return gettext("%(date)s (today)", date=shown)
    if today is not None and value == today + timedelta(days=1):
        return gettext("%(date)s (tomorrow)", date=shown)
    return shown


def human_datetime(value: datetime) -> str:
    """The moment in words, to the minute, in Shanghai (a naive moment is UTC)."""
    return format_datetime(value, _formats()[1])


def in_reader_language(name: str, english: str | None) -> str:
    """``english`` when the interface is English and one is entered, else ``name``: the one
    place that decides which of an entered name's two forms a reader sees."""
    if english and get_locale() is not None and get_locale().language == "en":
        return english
    return name


def display_name(record) -> str:
    """An organisation's or a routing rule's name in the reader's language (the
    ``display_name`` filter)."""
    if record is None:
        return ""
    return in_reader_language(
        getattr(record, "name", None) or str(record), getattr(record, "name_en", None)
    )
