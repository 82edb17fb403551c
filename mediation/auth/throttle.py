"""Throttling the doors someone guessing would knock on: signing in, registering, codes,
password resets (OWASP ASVS 5.0, V6.3).

Two limits. Per client address, on every attempt: one machine trying many accounts. Per
account, on failed sign-ins only: many machines trying one account's password. When the
per-account limit trips, sign-ins to that account pause and its holder is told by SMS. Limits
live in Redis in production (REDIS_URL), so every process shares them; the embedded default
keeps them in memory. Every 429 carries Retry-After and a message in the reader's language.
"""

from datetime import timedelta

from flask import Flask, g, request
from flask_limiter import Limiter, RequestLimit
from flask_limiter.util import get_remote_address
from sqlalchemy import or_, select

from mediation.auth import two_factor
from mediation.core import audit
from mediation.core.notifications import notify
from mediation.extensions import db
from mediation.models import AuditEvent, User
from mediation.models.types import utcnow
from mediation.privacy import traceable

PER_ADDRESS = "30 per minute; 300 per hour"
# Five wrong passwords a quarter of an hour: a person who mistyped waits a little; someone
# guessing gets about 500 tries a day at most, nowhere near a real password.
FAILED_SIGN_INS_PER_ACCOUNT = "5 per 15 minutes; 20 per day"
PAUSE = timedelta(minutes=15)

# The endpoints throttled, and the request field that names the account they are about.
DOORS = {
    "auth.login": "identifier",
    "api.create_token": "username",
    "auth.register": "phone",
    "api.register": "phone",
    "auth.register_employer": "phone",
    "api.register_employer": "phone",
    "auth.verify_phone": None,
    "auth.resend_code": None,
    "api.verify_phone": "phone",
    "api.send_phone_code": "phone",
    "auth.forgot_password": "phone",
    "api.request_password_reset": "phone",
    "auth.reset_password": "phone",
    "api.reset_password": "phone",
    # The second factor's step names no account: it is the one whose password was just right.
    "auth.second_factor": None,
    "auth.set_up_second_factor": None,
}
SECOND_FACTOR = ("auth.second_factor", "auth.set_up_second_factor")
SIGN_INS = ("auth.login", "api.create_token", *SECOND_FACTOR)


def account_named() -> str:
    """The account an attempt is about: the account's id when the name typed (username or
    number) is one, so both ways of naming it share one count; else the name as typed; else
    the client's address. A wrong second-factor code counts against the account whose
    password was right, like a wrong password."""
    if request.endpoint in SECOND_FACTOR:
        pending = two_factor.pending_user_id()
        return f"user:{pending}" if pending is not None else get_remote_address()
    typed = _typed_name()
    if not typed:
        return get_remote_address()
    found = db.session.scalar(
        select(User.id).where(or_(User.username == typed, User.phone == typed)).limit(1)
    )
    return f"user:{found}" if found else f"name:{typed.lower()}"


def _typed_name() -> str | None:
    field = DOORS.get(request.endpoint or "")
    value = None
    if field:
        value = request.form.get(field)
        if value is None and request.is_json:
            body = request.get_json(silent=True)
            value = body.get(field) if isinstance(body, dict) else None
    return str(value).strip()[:100] if value else None


def sign_in_failed(response) -> bool:
    return bool(g.get("sign_in_failed"))


def _account_locked(limit: RequestLimit) -> None:
    named = _typed_name() or ""
    key = account_named()
    audit.security_event(
        "sign_in_paused", account=traceable(named), follow_up=lambda: _tell_holder(key)
    )


def _tell_holder(key: str) -> None:
    """Tell the account's holder, once per pause: it may be someone else guessing."""
    if not key.startswith("user:"):
        return
    user = db.session.get(User, int(key.removeprefix("user:")))
    paused = db.session.scalar(
        select(AuditEvent.id).where(
            AuditEvent.action == "security.sign_in_paused",
            AuditEvent.subject_type == "users",
            AuditEvent.subject_id == user.id,
            AuditEvent.occurred_at > utcnow() - PAUSE,
        )
    )
    if paused is None:
        audit.record("security.sign_in_paused", actor=None, subject=user)
        notify([user], "sign_in_paused")


def install(app: Flask) -> None:
    """Throttle the doors; call after the blueprints are registered."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    # One limiter per app: Flask-Limiter keeps its storage and switches on the instance.
    limiter = Limiter(get_remote_address, headers_enabled=True)
    limiter.init_app(app)
    app.extensions["throttle"] = limiter
    for endpoint, view in list(app.view_functions.items()):
        if endpoint not in DOORS:
            continue
        view = limiter.limit(PER_ADDRESS, methods=["POST"], scope="address")(view)
        if endpoint in SIGN_INS:
            view = limiter.limit(
                FAILED_SIGN_INS_PER_ACCOUNT,
                key_func=account_named,
                methods=["POST"],
                deduct_when=sign_in_failed,
                on_breach=_account_locked,
                scope="sign-in",
            )(view)
        app.view_functions[endpoint] = view
