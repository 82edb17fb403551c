"""Masking of personal identifiers in lists, queues, exports and notices (DESIGN.md §7)."""

import hashlib
import hmac
import logging
import re

from flask import current_app

# A resident ID number (17 digits and a digit or X) or a mainland mobile number standing alone
# in free text, as a reason typed by staff might carry it.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else "*" * len(value)


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    return value[:3] + "****" + value[-4:] if len(value) >= 11 else "*" * len(value)


def mask_email(value: str | None) -> str:
    """The first letter and the domain (l***@example.com)."""
    if not value or "@" not in value:
        return mask_name(value)
    local, domain = value.rsplit("@", 1)
    return f"{local[0]}***@{domain}"


def mask_name(value: str | None) -> str:
    """The family name only (李明 → 李*), as lists show a party they do not need to know."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1) if len(value) > 1 else "*"


def redact(text: str, *, keep: str | None = None) -> str:
    """``text`` with every full ID number and every mobile number except ``keep`` (the
    reader's own) masked: what a notice sent outside the platform may say."""
    text = _ID_NUMBER.sub(lambda found: mask_id_number(found.group()), text)
    return _MOBILE.sub(
        lambda found: found.group() if found.group() == keep else mask_phone(found.group()), text
    )


def traceable(value: str) -> dict[str, str]:
    """An identifier as the audit log keeps it: masked for reading, and a keyed hash so that
    the events about one account can be found together without the log holding it."""
    value = value.strip()
    masked = mask_phone(value) if _MOBILE.fullmatch(value) else mask_name(value)
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, b"identifier:" + value.lower().encode(), hashlib.sha256).hexdigest()
    return {"masked": masked, "hmac": digest[:32]}


# A query string may hold what someone searched for (a name, a number): logs keep the path.
_QUERY = re.compile(r"\?[^\s\"]*")


def keep_personal_data_out_of_logs() -> None:
    """Every log record of the process, the web server's access lines included, is written
    without ID numbers, phone numbers or query strings (OWASP ASVS 5.0, V16.2). Installed once
    per process, whatever logs: Flask, Werkzeug, gunicorn, Celery."""
    base = logging.getLogRecordFactory()
    if getattr(base, "redacting", False):
        return

    def record(*args, **kwargs) -> logging.LogRecord:
        made = base(*args, **kwargs)
        try:
            message = made.getMessage()
        except (TypeError, ValueError):
            return made  # a malformed call: left for logging to report as it always does
        made.msg, made.args = _QUERY.sub("?…", redact(message)), ()
        return made

    record.redacting = True
    logging.setLogRecordFactory(record)
