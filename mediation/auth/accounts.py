"""Accounts: registration, staff creation, passwords and signed-in sessions."""

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from mediation.core import audit
from mediation.extensions import db
from mediation.models import ApiToken, Employer, Organization, Region, Role, User, UserSession
from mediation.models.types import utcnow
from mediation.models.users import STAFF_ORG_KINDS


def init_password_hashing(app: Flask) -> None:
    """argon2id with the app's parameters (argon2-cffi's defaults follow RFC 9106's low-memory
    profile; the test configuration makes hashing cheap)."""
    hasher = PasswordHasher(**app.config["PASSWORD_HASHER"])
    app.extensions["password_hasher"] = hasher
    # Verified against when no account matches, so a wrong username costs as much as a wrong
    # password and does not reveal which usernames exist.
    app.extensions["password_dummy_hash"] = hasher.hash(secrets.token_urlsafe(16))


def _hasher() -> PasswordHasher:
    return current_app.extensions["password_hasher"]


class AccountError(Exception):
    """A request about an account that cannot be granted; ``field`` names the form field."""

    def __init__(self, field: str, message) -> None:
        super().__init__(field, message)
        self.field = field
        self.message = message


ALREADY_REGISTERED = {
    "phone": _l("An account with this mobile number already exists. Sign in instead."),
    "id_number": _l("An account with this ID number already exists. Sign in instead."),
    "username": _l("This username is taken."),
}


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def _password_matches(user: User | None, password: str) -> bool:
    stored = user.password_hash if user else current_app.extensions["password_dummy_hash"]
    try:
        _hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
    if user is None:
        return False
    if _hasher().check_needs_rehash(stored):
        user.password_hash = hash_password(password)
    return True


def _find_duplicate(**values: str | None) -> str | None:
    """The name of the first field whose value another account already uses."""
    for field, value in values.items():
        if value and db.session.scalar(select(User.id).where(getattr(User, field) == value)):
            return field
    return None


def _add_unique(user: User, fields: tuple[str, ...]) -> None:
    """Insert the account now, so a concurrent registration of the same number loses cleanly.

    The lookups in ``_find_duplicate`` give the friendly message; the unique constraints
    decide the race between two requests that both passed them.
    """
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:
        duplicate = _find_duplicate(**{field: getattr(user, field) for field in fields})
        field = duplicate or fields[0]
        raise AccountError(field, ALREADY_REGISTERED[field]) from None


def register_worker(
    *, name: str, phone: str, id_number: str, password: str, username: str | None = None
) -> User:
    duplicate = _find_duplicate(phone=phone, id_number=id_number)
    if duplicate:
        raise AccountError(duplicate, ALREADY_REGISTERED[duplicate])
    # Workers sign in with their mobile number; it doubles as the username unless one is given.
    user = User(
        username=username or phone,
        name=name,
        phone=phone,
        id_number=id_number,
        password_hash=hash_password(password),
        role=Role.worker,
    )
    _add_unique(user, ("phone", "id_number", "username"))
    audit.record("account.registered", actor=user, subject=user)
    return user


def create_staff(
    *,
    actor: User | None,
    username: str,
    name: str,
    role: Role,
    password: str,
    phone: str | None = None,
    organization: Organization | None = None,
    employer: Employer | None = None,
    region: Region | None = None,
) -> User:
    """Create any non-worker account; ``actor`` is None when the CLI does it."""
    duplicate = _find_duplicate(username=username, phone=phone)
    if duplicate:
        raise AccountError(duplicate, ALREADY_REGISTERED[duplicate])
    if role in STAFF_ORG_KINDS and (
        organization is None or organization.kind.value not in STAFF_ORG_KINDS[role]
    ):
        raise AccountError(
            "organization", _l("Choose an organisation of a kind this role works in.")
        )
    if role is Role.employer_rep and employer is None:
        raise AccountError("employer", _l("Choose the employer this person represents."))
    if role is Role.supervisor and region is None:
        raise AccountError("region", _l("Choose the region this supervisor oversees."))
    user = User(
        username=username,
        name=name,
        phone=phone or None,
        role=role,
        password_hash=hash_password(password),
        organization=organization if role in STAFF_ORG_KINDS else None,
        employer=employer if role is Role.employer_rep else None,
        region=region if role is Role.supervisor else None,
    )
    _add_unique(user, ("username", "phone"))
    audit.record("account.created", actor=actor, subject=user, role=role.value)
    return user


def authenticate(identifier: str, password: str) -> User | None:
    """The active user whose username or mobile number and password match, else None."""
    identifier = identifier.strip()
    user = db.session.scalar(
        select(User).where(or_(User.username == identifier, User.phone == identifier))
    )
    if not _password_matches(user, password) or not user.active:
        audit.record("account.login_failed", actor=None, note=identifier[:50])
        return None
    return user


def _open_session(user: User, user_agent: str | None) -> str:
    session_id = secrets.token_urlsafe(32)
    db.session.add(UserSession(id=session_id, user=user, user_agent=(user_agent or "")[:200]))
    return session_id


def _end_sessions(user: User) -> None:
    db.session.execute(UserSession.__table__.delete().where(UserSession.user_id == user.id))


def _revoke_tokens(user: User) -> None:
    db.session.execute(ApiToken.__table__.delete().where(ApiToken.user_id == user.id))


def start_session(user: User, *, user_agent: str | None = None) -> str:
    """A new session id for a fresh sign-in; the caller puts it in the cookie."""
    audit.record("account.login", actor=user, subject=user)
    return _open_session(user, user_agent)


def end_all_sessions(user: User) -> None:
    """Sign the user out everywhere (logout ends the other sessions too)."""
    _end_sessions(user)
    audit.record("account.logout", actor=user, subject=user)


def session_user(user_id: int, session_id: str | None, max_age: timedelta) -> User | None:
    """The user of a live session; None when it was ended, has expired or the user is inactive."""
    if not session_id:
        return None
    oldest: datetime = utcnow() - max_age
    return db.session.scalar(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            User.id == user_id,
            User.active.is_(True),
            UserSession.id == session_id,
            UserSession.created_at >= oldest,
        )
    )


def change_password(user: User, *, current: str, new: str, user_agent: str | None) -> str:
    """Change the password, end every session, and return the id of the one that continues."""
    if not _password_matches(user, current):
        raise AccountError("current_password", _l("This is not your current password."))
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    _end_sessions(user)
    _revoke_tokens(user)  # an app signed in with the old password must sign in again
    audit.record("account.password_changed", actor=user, subject=user)
    return _open_session(user, user_agent)


def set_preferred_locale(user: User, locale: str) -> None:
    user.locale = locale


def issue_api_token(user: User) -> str:
    """A new Bearer token for the JSON API; the caller shows it once, only its hash is kept."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        ApiToken(
            user=user,
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            expires_at=utcnow() + current_app.config["API_TOKEN_LIFETIME"],
        )
    )
    audit.record("account.api_token_issued", actor=user, subject=user)
    return token


def api_token_user(token: str) -> User | None:
    """The active user a live token belongs to, else None."""
    return db.session.scalar(
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            ApiToken.token_hash == hashlib.sha256(token.encode()).hexdigest(),
            ApiToken.expires_at > utcnow(),
            User.active.is_(True),
        )
    )
