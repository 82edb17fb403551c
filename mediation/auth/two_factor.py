"""The second factor of staff: after the password, a code from an authenticator app (TOTP,
RFC 6238) or one of ten one-time recovery codes (OWASP ASVS 5.0, V6.4 and V6.5).

Staff open the files of hundreds of people, so a guessed or phished password must not be
enough; the roles that need it are ``TWO_FACTOR_ROLES`` (every role but workers and employer
representatives, who prove their phone by SMS instead). A member of staff without a second
factor sets it up at the next sign-in, before the session starts.

A code is accepted in its own 30-second step or the one either side (a phone's clock a little
off), and never twice: the step of the last accepted code is kept and an earlier or equal one
is refused, so a code read over a shoulder cannot be used again. Between the password and the
code the browser holds only a short-lived, signed note of whose password was right; the
session starts when the code is accepted.
"""

import hashlib
import hmac
import re
import secrets
import time

import pyotp
import segno
from flask import current_app, g, session
from markupsafe import Markup
from sqlalchemy import delete, select

from mediation.core import audit
from mediation.extensions import db
from mediation.models import RecoveryCode, User
from mediation.models.types import utcnow
from mediation.privacy import traceable
from mediation.translation import gettext as _
from mediation.translation import lazy_gettext as _l

STEP_SECONDS = 30
# Ten codes: enough for a lost phone and a few sign-ins until an administrator resets it.
RECOVERY_CODE_COUNT = 10
# The password was right this long ago at most: then the code step starts again from it.
PENDING_SECONDS = 5 * 60
PENDING = "two_factor_pending"
_TOTP = re.compile(r"\d{6}")
# Ten hexadecimal digits (40 bits), written in two halves to be copied by hand.
_RECOVERY = re.compile(r"[0-9a-f]{5}-?[0-9a-f]{5}")

WRONG_CODE = _l("This code is not right, or it was already used. Enter the newest code.")


class CodeRefused(Exception):
    def __init__(self, message) -> None:
        super().__init__(message)
        self.message = message


def now() -> float:
    """The clock the codes are checked against (a test moves it)."""
    return time.time()


def required(user: User) -> bool:
    return user.role.value in current_app.config["TWO_FACTOR_ROLES"]


def enrolled(user: User) -> bool:
    return user.has_second_factor


# -- Between the password and the code --------------------------------------------------------


def hold(user: User) -> None:
    """Remember in this browser that ``user``'s password was right, for a few minutes."""
    session.clear()
    session[PENDING] = {"user": user.id, "until": int(now()) + PENDING_SECONDS}


def pending_user() -> User | None:
    """The account whose password was just entered in this browser, while the note lasts."""
    note = session.get(PENDING)
    if not isinstance(note, dict) or note.get("until", 0) < now():
        return None
    user = db.session.get(User, note.get("user"))
    return user if user is not None and user.active else None


def pending_user_id() -> int | None:
    note = session.get(PENDING)
    return note.get("user") if isinstance(note, dict) else None


# -- Setting it up ----------------------------------------------------------------------------


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(
        name=user.username, issuer_name=_("Labour-dispute mediation")
    )


def qr_code(uri: str) -> Markup:
    """The enrolment QR code as inline SVG, for the authenticator app's camera."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, title=_("QR code for your app"))
    return Markup(svg)  # segno escapes the URI inside its own markup


def enrol(user: User, secret: str, code: str | None) -> list[str]:
    """Keep ``secret`` once a code made from it proves the app holds it; the recovery codes,
    shown once."""
    if enrolled(user):
        raise CodeRefused(WRONG_CODE)
    _accept_code(user, secret, code)
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()
    audit.record("account.two_factor_enrolled", actor=user, subject=user)
    return new_recovery_codes(user)


def new_recovery_codes(user: User) -> list[str]:
    """Ten new recovery codes; the earlier ones stop working."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _index in range(RECOVERY_CODE_COUNT):
        digits = secrets.token_hex(5)
        codes.append(f"{digits[:5]}-{digits[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_digest(digits)))
    return codes


def renew_recovery_codes(user: User, code: str | None) -> list[str]:
    """New recovery codes for a signed-in member of staff who proves the app is at hand."""
    verify(user, code)
    audit.record("account.recovery_codes_renewed", actor=user, subject=user)
    return new_recovery_codes(user)


def recovery_codes_left(user: User) -> int:
    return len(_unused_recovery_codes(user))


def reset(user: User, *, actor: User | None) -> None:
    """Forget the second factor (a lost phone): the member of staff sets it up again at the
    next sign-in."""
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    audit.record("account.two_factor_reset", actor=actor, subject=user)


# -- Signing in -------------------------------------------------------------------------------


def verify(user: User, code: str | None) -> None:
    """Accept the app's code or an unused recovery code; :class:`CodeRefused` otherwise."""
    typed = "".join((code or "").split()).lower()
    if _RECOVERY.fullmatch(typed):
        _use_recovery_code(user, typed.replace("-", ""))
    else:
        _accept_code(user, user.totp_secret, typed)


def _accept_code(user: User, secret: str | None, code: str | None) -> None:
    typed = "".join((code or "").split())
    if secret and _TOTP.fullmatch(typed):
        totp = pyotp.TOTP(secret)
        current = int(now() // STEP_SECONDS)
        last = user.totp_last_step if user.totp_last_step is not None else -1
        for step in (current - 1, current, current + 1):
            if step > last and hmac.compare_digest(totp.at(step * STEP_SECONDS), typed):
                user.totp_last_step = step
                return
    _failed(user)


def _use_recovery_code(user: User, digits: str) -> None:
    digest = _digest(digits)
    for stored in _unused_recovery_codes(user):
        if hmac.compare_digest(stored.code_hash, digest):
            stored.used_at = utcnow()
            audit.record(
                "account.recovery_code_used",
                actor=user,
                subject=user,
                left=recovery_codes_left(user),
            )
            return
    _failed(user)


def _unused_recovery_codes(user: User) -> list[RecoveryCode]:
    return list(
        db.session.scalars(
            select(RecoveryCode).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        )
    )


def _failed(user: User) -> None:
    # Counted by the per-account throttle like a wrong password (auth.throttle), and recorded
    # even though the answer rolls the request back.
    g.sign_in_failed = True
    audit.security_event("second_factor_failed", account=traceable(user.username))
    raise CodeRefused(WRONG_CODE)


def _digest(digits: str) -> str:
    return hashlib.sha256(digits.encode()).hexdigest()
