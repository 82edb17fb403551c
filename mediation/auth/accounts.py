"""Accounts: registration with a phone code, staff creation, passwords (and their reset by
SMS code), the e-mail address and the preferences, and signed-in sessions."""

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app, g
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from mediation.auth import codes
from mediation.core import audit
from mediation.extensions import db
from mediation.models import (
    ApiToken,
    Case,
    Employer,
    Organization,
    Region,
    RepresentativeRequest,
    RequestStatus,
    Role,
    User,
    UserSession,
)
from mediation.models.notifications import CodePurpose
from mediation.models.types import utcnow
from mediation.models.users import STAFF_ORG_KINDS
from mediation.privacy import traceable


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


def password_confirms(user: User, password: str) -> bool:
    """Whether ``password`` is ``user``'s, asked again before an act with legal weight (signing
    an agreement). Not a sign-in: no session starts and no failed login is recorded."""
    return _password_matches(user, password)


def _find_duplicate(exclude: tuple[int, ...] = (), **values: str | None) -> str | None:
    """The name of the first field whose value another account (not in ``exclude``) uses."""
    for field, value in values.items():
        if not value:
            continue
        query = select(User.id).where(getattr(User, field) == value)
        if exclude:
            query = query.where(User.id.not_in(exclude))
        if db.session.scalar(query):
            return field
    return None


def _save_unique(user: User, fields: tuple[str, ...]) -> None:
    """Write the account now, so a concurrent registration of the same number loses cleanly.

    The lookups in ``_find_duplicate`` give the friendly message; the unique constraints
    decide the race between two requests that both passed them.
    """
    try:
        with db.session.begin_nested():
            db.session.add(user)
            db.session.flush()
    except IntegrityError:
        duplicate = _find_duplicate(**{field: getattr(user, field) for field in fields})
        field = duplicate or fields[0]
        raise AccountError(field, ALREADY_REGISTERED[field]) from None


class AwaitingApproval(Exception):
    """The password is right, but the account is an employer representative's own registration
    that staff have not approved (yet): ``registration`` says where it stands."""

    def __init__(self, registration: RepresentativeRequest) -> None:
        super().__init__(registration.id)
        self.registration = registration
        self.user = registration.user


def unapproved_registration(user: User) -> RepresentativeRequest | None:
    """The newest registration of an inactive representative who registered online: it waits
    for the phone code or for staff, or was rejected (a new one may follow)."""
    if user.active or user.role is not Role.employer_rep:
        return None
    newest = db.session.scalar(
        select(RepresentativeRequest)
        .where(RepresentativeRequest.user_id == user.id)
        .order_by(RepresentativeRequest.id.desc())
        .limit(1)
    )
    # An approved representative made inactive later was switched off by an administrator.
    return None if newest is None or newest.status is RequestStatus.approved else newest


def awaits_phone_code(user: User) -> bool:
    """A worker's account is usable only once the code sent to the phone was entered; an
    employer representative's registration goes to staff only then."""
    if user.phone_verified_at is not None:
        return False
    if user.role is Role.worker:
        return user.active
    registration = unapproved_registration(user)
    return registration is not None and registration.status is RequestStatus.pending


def _unverified_holders(phone: str, id_number: str) -> list[User]:
    """Worker accounts never verified that hold this phone or ID number: an abandoned or
    mistyped registration, which a new registration replaces rather than being refused by
    it (whoever made it never proved the phone, so it holds nothing)."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                or_(User.phone == phone, User.id_number == id_number),
                User.role == Role.worker,
                User.phone_verified_at.is_(None),
            )
            .order_by(User.id)
        )
    )


def register_worker(
    *, name: str, phone: str, id_number: str, password: str, username: str | None = None
) -> User:
    """A worker's account, unusable until the phone is verified (:func:`register_with_code`
    sends the code). Only accounts hold a phone or ID number: a case filed at the window for
    this person does not stand in the way, it becomes theirs once the phone is verified."""
    pending = _unverified_holders(phone, id_number)
    duplicate = _find_duplicate(
        exclude=tuple(user.id for user in pending), phone=phone, id_number=id_number
    )
    if duplicate:
        raise AccountError(duplicate, ALREADY_REGISTERED[duplicate])
    if len(pending) > 1:
        # The phone and the ID number are held by two different abandoned registrations.
        raise AccountError("id_number", ALREADY_REGISTERED["id_number"])
    # Workers sign in with their mobile number; it doubles as the username unless one is given.
    user = pending[0] if pending else User(role=Role.worker)
    user.username = username or phone
    user.name = name
    user.phone = phone
    user.id_number = id_number
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    _save_unique(user, ("phone", "id_number", "username"))
    audit.record(
        "account.registered", actor=user, subject=user, **({"replaced": True} if pending else {})
    )
    return user


def register_with_code(*, name: str, phone: str, id_number: str, password: str) -> User:
    """Register a worker and send the code that makes the account usable.

    :class:`codes.TooManySends` (nothing is kept: the request rolls back) when this phone
    already had its codes for the hour.
    """
    user = register_worker(name=name, phone=phone, id_number=id_number, password=password)
    codes.send_phone_code(user, CodePurpose.phone)
    return user


def send_phone_code(user: User) -> None:
    """Another code for an account that awaits one (:class:`codes.TooManySends`)."""
    if awaits_phone_code(user):
        codes.send_phone_code(user, CodePurpose.phone)


def pending_worker(phone: str) -> User | None:
    """The account with this phone that awaits its code: an active worker's, or a
    representative's registration."""
    user = db.session.scalar(select(User).where(User.phone == phone))
    return user if user is not None and awaits_phone_code(user) else None


def verify_phone(user: User, code: str | None) -> list[Case]:
    """Spend the code sent to the phone: the account becomes usable, and the cases filed at
    the window for this person (same ID number and phone) become theirs; returns those."""
    try:
        codes.use_phone_code(user, CodePurpose.phone, code)
    except codes.CodeRefused as refused:
        raise AccountError("code", refused.message) from None
    return _phone_proven(user)


def _phone_proven(user: User) -> list[Case]:
    if user.phone_verified_at is not None:
        return []
    user.phone_verified_at = utcnow()
    audit.record("account.phone_verified", actor=user, subject=user)
    return _claim_walk_in_cases(user) if user.role is Role.worker else []


def _claim_walk_in_cases(user: User) -> list[Case]:
    """Cases filed by staff for a person without an account who is now this worker: the phone
    is proven and the ID number matches."""
    cases = list(
        db.session.scalars(
            select(Case)
            .where(
                Case.applicant_id.is_(None),
                Case.applicant_id_number == user.id_number,
                Case.applicant_phone == user.phone,
            )
            .order_by(Case.id)
        )
    )
    for case in cases:
        case.applicant_id = user.id
        audit.record("account.case_linked", actor=user, subject=case, number=case.number)
    return cases


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
    _save_unique(user, ("username", "phone"))
    audit.record("account.created", actor=actor, subject=user, role=role.value)
    return user


def authenticate(identifier: str, password: str) -> User | None:
    """The active user whose username or mobile number and password match, else None;
    :class:`AwaitingApproval` when they match a representative's registration not approved."""
    identifier = identifier.strip()
    user = db.session.scalar(
        select(User).where(or_(User.username == identifier, User.phone == identifier))
    )
    matches = _password_matches(user, password)
    if matches and (registration := unapproved_registration(user)) is not None:
        raise AwaitingApproval(registration)
    if not matches or not user.active:
        # Counted by the per-account throttle (auth.throttle), kept even when the answer (an
        # API 401) rolls the request back.
        g.sign_in_failed = True
        audit.security_event("login_failed", account=traceable(identifier[:100]))
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
    """Sign the user out everywhere (logout ends the other sessions and the API tokens too)."""
    _end_sessions(user)
    _revoke_tokens(user)
    audit.record("account.logout", actor=user, subject=user)


# The idle timeout counts from a request seen at most this long ago (one write a minute at most).
SEEN_EVERY = timedelta(minutes=1)


def session_user(user_id: int, session_id: str | None, config) -> User | None:
    """The user of a live session; None when it was ended, has run out (its absolute life, or
    the idle time of the user's kind of account) or the user is inactive."""
    if not session_id:
        return None
    now = utcnow()
    found = db.session.execute(
        select(User, UserSession)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            User.id == user_id,
            User.active.is_(True),
            UserSession.id == session_id,
            UserSession.created_at >= now - config["SESSION_LIFETIME"],
        )
    ).first()
    if found is None:
        return None
    user, signed_in = found
    seen = signed_in.last_seen_at or signed_in.created_at
    if now - seen > idle_limit(user, config):
        db.session.delete(signed_in)
        return None
    if now - seen > SEEN_EVERY:
        signed_in.last_seen_at = now
    return user


def idle_limit(user: User, config) -> timedelta:
    """Staff, who hold many people's files, are signed out sooner when they step away."""
    if user.role in (Role.worker, Role.employer_rep):
        return config["SESSION_IDLE_PARTIES"]
    return config["SESSION_IDLE_STAFF"]


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


def request_password_reset(phone: str) -> None:
    """Send a code to set a new password, if an active account uses ``phone``.

    The caller answers the same whatever happens here, so that nobody learns which numbers
    have an account: an unknown number, and a number that had its codes for the hour, get
    the same answer as a code sent.
    """
    user = db.session.scalar(select(User).where(User.phone == phone, User.active.is_(True)))
    if user is None:
        return
    try:
        codes.send_phone_code(user, CodePurpose.password_reset)
    except codes.TooManySends:
        audit.record("account.password_reset_limited", actor=None, subject=user)
        return
    audit.record("account.password_reset_requested", actor=None, subject=user)


def reset_password(*, phone: str, code: str | None, password: str) -> User:
    """Set a new password with the code sent to the phone; every session and API token of the
    account ends. The code also proves the phone: an account that awaited its phone code is
    verified by it."""
    user = db.session.scalar(select(User).where(User.phone == phone, User.active.is_(True)))
    try:
        if user is None:
            codes.normalise_code(code)
            raise codes.CodeRefused(codes.WRONG_CODE)
        codes.use_phone_code(user, CodePurpose.password_reset, code)
    except codes.CodeRefused as refused:
        raise AccountError("code", refused.message) from None
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    _end_sessions(user)
    _revoke_tokens(user)
    audit.record("account.password_reset", actor=user, subject=user)
    _phone_proven(user)
    return user


def update_preferences(user: User, *, email: str | None, sms_information: bool) -> bool:
    """Save the e-mail address and the SMS choice; a new address gets a verification link and
    is used only once it is confirmed. True when a link was sent.

    :class:`codes.TooManySends` when the address had its links for the hour.
    """
    email = email or None
    changed = (email or "").lower() != (user.email or "").lower()
    if sms_information != user.sms_information:
        user.sms_information = sms_information
        audit.record("account.sms_information", actor=user, subject=user, on=sms_information)
    if not changed:
        return False
    user.email = email
    user.email_verified_at = None
    audit.record("account.email_changed", actor=user, subject=user, removed=email is None)
    if email is None:
        return False
    codes.send_email_link(user, email)
    return True


def resend_email_link(user: User) -> bool:
    """Another link for the address that awaits confirmation; False when there is none."""
    if not user.email or user.email_verified_at is not None:
        return False
    codes.send_email_link(user, user.email)
    return True


def confirm_email(token: str) -> tuple[User | None, str | None]:
    """Spend an e-mail link: the address is confirmed. Returns its user and what was wrong with
    the link (None when it worked), see ``codes.email_link``."""
    row, problem = codes.email_link(token)
    if problem is not None:
        return (row.user if row else None), problem
    row.used_at = utcnow()
    row.user.email_verified_at = utcnow()
    audit.record("account.email_verified", actor=row.user, subject=row.user)
    return row.user, None


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


def api_tokens_of(user: User) -> list[ApiToken]:
    """The user's live tokens, newest first (their secrets are not kept: only when and until)."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.expires_at > utcnow())
            .order_by(ApiToken.id.desc())
        )
    )


def revoke_api_token(user: User, token_id: int) -> bool:
    """End one of the user's own tokens; False when the user has no such token."""
    ended = db.session.execute(
        ApiToken.__table__.delete().where(ApiToken.id == token_id, ApiToken.user_id == user.id)
    ).rowcount
    if ended:
        audit.record("account.api_token_revoked", actor=user, subject=user, token_id=token_id)
    return bool(ended)
