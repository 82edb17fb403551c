"""Choosing the interface language: the user's choice, then the cookie, then the browser."""

from flask import current_app, has_request_context, request
from flask_login import current_user

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
