"""Accounts: registration with a phone code, staff creation, passwords (and their reset by
SMS code), the e-mail address and the preferences, and signed-in sessions."""

import hashlib
import hmac
import secrets
from datetime import timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app, g
from sqlalchemy import Select, bindparam, or_, select
from sqlalchemy.exc import IntegrityError

from mediation.auth import codes, passwords
from mediation.core import audit
from mediation.core.notifications import count_known, notify, unread_count_of
from mediation.extensions import db
from mediation.models import (
    ApiToken,
    Case,
    Employer,
    Notification,
    Organization,
    Region,
    RepresentativeRequest,
    RequestStatus,
    Role,
    User,
    UserSession,
)
from mediation.models.notifications import CodePurpose, VerificationCode
from mediation.models.types import utcnow
from mediation.models.users import STAFF_ORG_KINDS
from mediation.privacy import traceable
from mediation.translation import lazy_gettext as _l


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


# Only where an administrator creates an account: registration never says a number is taken
# (see refuse_quietly).
ALREADY_REGISTERED = {
    "phone": _l("An account with this mobile number already exists. Sign in instead."),
    "username": _l("This username is taken."),
}


class NumberTaken(Exception):
    """Other accounts hold a value the new account needs: ``held`` lists each of them with
    the field it holds (``phone``, ``id_number`` or ``username``)."""

    def __init__(self, held: list[tuple[User, str]]) -> None:
        super().__init__([(user.id, field) for user, field in held])
        self.held = held


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


def holders(exclude: tuple[int, ...] = (), **values: str | None) -> list[tuple[User, str]]:
    """The accounts (not in ``exclude``) that hold one of ``values``, with the field each
    holds, in the order of ``values``."""
    held = []
    for field, value in values.items():
        if not value:
            continue
        query = select(User).where(getattr(User, field) == value)
        if exclude:
            query = query.where(User.id.not_in(exclude))
        held += [(user, field) for user in db.session.scalars(query.order_by(User.id))]
    return held


def save_unique(user: User, fields: tuple[str, ...]) -> None:
    """Write the account now, so a concurrent registration of the same number loses cleanly.

    The lookups in :func:`holders` come first; the unique constraints decide the race between
    two requests that both passed them: :class:`NumberTaken` for the one that lost.
    """
    try:
        with db.session.begin_nested():
            db.session.add(user)
            db.session.flush()
    except IntegrityError:
        held = holders(**{field: getattr(user, field) for field in fields})
        if not held:
            raise
        raise NumberTaken(held) from None


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


def _take_over(pending: list[User], phone: str, id_number: str) -> User | None:
    """The abandoned registration a new one reuses: the one with the ID number, the person's
    identity. When another one holds the phone, it lets the number go and can no longer be
    used; its code could only ever reach that phone, whose holder registers now."""
    if not pending:
        return None
    kept = next((user for user in pending if user.id_number == id_number), pending[0])
    for other in pending:
        if other is not kept:
            other.phone = None
            other.username = f"released-{other.id}"
            other.active = False
            audit.record("account.registration_released", actor=None, subject=other)
    db.session.flush()  # before the kept one takes the number over
    return kept


def register_worker(
    *, name: str, phone: str, id_number: str, password: str, username: str | None = None
) -> User:
    """A worker's account, unusable until the phone is verified (:func:`register_with_code`
    sends the code). Only accounts hold a phone or ID number: a case filed at the window for
    this person does not stand in the way, it becomes theirs once the phone is verified.

    :class:`NumberTaken` when another account (not an abandoned registration) holds the phone
    or the ID number, or the username.
    """
    pending = _unverified_holders(phone, id_number)
    # Workers sign in with their mobile number; it doubles as the username unless one is given.
    username = username or phone
    held = holders(
        exclude=tuple(user.id for user in pending),
        phone=phone,
        id_number=id_number,
        username=username,
    )
    if held:
        raise NumberTaken(held)
    user = _take_over(pending, phone, id_number) or User(role=Role.worker)
    user.username = username
    user.name = name
    user.phone = phone
    user.id_number = id_number
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    save_unique(user, ("phone", "id_number", "username"))
    audit.record(
        "account.registered", actor=user, subject=user, **({"replaced": True} if pending else {})
    )
    return user


def register_with_code(*, name: str, phone: str, id_number: str, password: str) -> User | None:
    """Register a worker and send the code that makes the account usable; None, and the same
    next step for whoever registers, when the phone or ID number is another account's (see
    :func:`refuse_quietly`).

    :class:`codes.TooManySends` (nothing is kept: the request rolls back) when this phone
    already had its codes for the hour.
    """
    try:
        user = register_worker(name=name, phone=phone, id_number=id_number, password=password)
    except NumberTaken as taken:
        refuse_quietly(taken.held, phone=phone, role=Role.worker)
        return None
    codes.send_phone_code(user, CodePurpose.phone)
    return user


# -- A registration with someone else's number --------------------------------------------------
#
# Answering "an account with this ID number already exists" would tell anyone that a person has
# a labour dispute on the platform. So a registration with the phone or ID number of an account
# gets the answer of any registration: a code is on its way to the phone typed. None is: no
# account is made, the account's holder is told by SMS instead, and the code step refuses every
# code as wrong. What the code step refuses is a code row of its own (a *decoy*): it counts
# wrong tries, expires and is replaced by a newer code like any other, and it counts against
# the phone's SMS limit, so the answers that follow do not differ either.

# One notice an hour at most, however many times someone tries.
NOTICE_EVERY = timedelta(hours=1)


def refuse_quietly(held: list[tuple[User, str]], *, phone: str, role: Role) -> None:
    """Answer a registration that ``held`` stands in the way of as if it had been made: a
    decoy code "sent" to ``phone``, each holder told, the attempt in the audit log.

    :class:`codes.TooManySends` when ``phone`` had its codes for the hour, as for any
    registration.
    """
    # As long as a registration takes: the hash of a password.
    hash_password(secrets.token_urlsafe(16))
    owners: dict[User, list[str]] = {}
    for user, field in held:
        owners.setdefault(user, []).append(field)
    _send_decoy(next(iter(owners)), phone)
    for owner, fields in owners.items():
        told = _tell_holder(owner)
        audit.record(
            "account.registration_refused",
            actor=None,
            subject=owner,
            held=sorted(set(fields)),
            phone=traceable(phone),
            role=role.value,
            told=told,
        )


def _decoy_mark(row_id: int) -> str:
    """What a decoy stores instead of a code's hash: keyed, so only the app can tell a decoy
    from a code, and never the hash of any code (codes are hashed with other words)."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"decoy\x1f{row_id}".encode(), hashlib.sha256).hexdigest()


def _send_decoy(owner: User, phone: str) -> VerificationCode:
    """The code row of a registration refused quietly: ``phone``'s newest, matching no code.
    It belongs to ``owner`` (a row must belong to an account) but is for ``phone``."""
    if codes.sends_left(phone, codes.SMS_PURPOSES) == 0:
        raise codes.TooManySends()
    now = utcnow()
    row = VerificationCode(
        purpose=CodePurpose.phone,
        user=owner,
        target=phone,
        secret_hash=secrets.token_hex(32),
        created_at=now,
        expires_at=now + codes.CODE_LIFETIME,
    )
    db.session.add(row)
    db.session.flush()
    row.secret_hash = _decoy_mark(row.id)
    return row


def _is_decoy(row: VerificationCode) -> bool:
    return hmac.compare_digest(row.secret_hash, _decoy_mark(row.id))


def _tell_holder(owner: User) -> bool:
    """Tell the account's holder that someone registered with their number, unless they were
    told within the hour; True when told."""
    recent = db.session.scalar(
        select(Notification.id)
        .where(
            Notification.user_id == owner.id,
            Notification.kind == "registration_attempted",
            Notification.created_at > utcnow() - NOTICE_EVERY,
        )
        .limit(1)
    )
    if recent is not None:
        return False
    notify([owner], "registration_attempted")
    return True


def _refuse_decoy_code(row: VerificationCode | None, raw_code: str | None) -> None:
    """Refuse a code for a decoy (or for a phone nothing waits at) as ``codes.use_phone_code``
    refuses a wrong one, with the same messages in the same order: the wrong tries count,
    and the decoy expires."""
    codes.normalise_code(raw_code)
    if row is None:
        raise codes.CodeRefused(codes.WRONG_CODE)
    if row.wrong_tries >= codes.MAX_WRONG_TRIES:
        raise codes.CodeRefused(codes.TOO_MANY_TRIES)
    if row.expires_at <= utcnow():
        raise codes.CodeRefused(codes.CODE_EXPIRED)
    row.wrong_tries += 1
    codes._remember_wrong_try(row)  # kept although the answer rolls the request back
    raise codes.CodeRefused(codes.WRONG_CODE)


def _awaiting(phone: str) -> tuple[User | None, VerificationCode | None]:
    """What waits for a code at ``phone``: the account (``(user, None)``), a registration
    refused quietly (``(None, decoy)``: the newest code for the phone is a decoy), or nothing.
    Only the newest code sent to a phone counts, decoys included."""
    newest = db.session.scalar(
        select(VerificationCode)
        .where(VerificationCode.purpose == CodePurpose.phone, VerificationCode.target == phone)
        .order_by(VerificationCode.created_at.desc(), VerificationCode.id.desc())
        .limit(1)
    )
    if newest is not None and _is_decoy(newest):
        return None, newest
    return pending_worker(phone), None


def awaits_code_at(phone: str) -> bool:
    """Whether a registration at ``phone`` waits for its code, as its registrant sees it."""
    return any(_awaiting(phone))


def send_code_again(phone: str) -> None:
    """Another code to the phone of a registration that waits for one (a decoy again, for a
    registration refused quietly). :class:`codes.TooManySends` at the limit."""
    user, decoy = _awaiting(phone)
    if decoy is not None:
        _send_decoy(decoy.user, phone)
    elif user is not None:
        codes.send_phone_code(user, CodePurpose.phone)


def send_phone_code(user: User) -> None:
    """Another code for an account that awaits one (:class:`codes.TooManySends`)."""
    if awaits_phone_code(user):
        codes.send_phone_code(user, CodePurpose.phone)


def pending_worker(phone: str) -> User | None:
    """The account with this phone that awaits its code: an active worker's, or a
    representative's registration."""
    user = db.session.scalar(select(User).where(User.phone == phone))
    return user if user is not None and awaits_phone_code(user) else None


def confirm_phone(phone: str, code: str | None) -> tuple[User, list[Case]]:
    """Spend the code sent to ``phone``: the account that waits for it becomes usable, and the
    cases filed at the window for this person (same ID number and phone) become theirs.
    Returns the account and those cases; :class:`AccountError` on ``code`` for a wrong code,
    and for any code when nothing but a decoy waits there."""
    user, decoy = _awaiting(phone)
    try:
        if user is None:
            _refuse_decoy_code(decoy, code)
        codes.use_phone_code(user, CodePurpose.phone, code)
    except codes.CodeRefused as refused:
        raise AccountError("code", refused.message) from None
    return user, _phone_proven(user)


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
    """Create any non-worker account; ``actor`` is None when the CLI does it. An
    administrator's act: a username or number in use is told (:class:`AccountError`). The
    password is not judged here (the demo's is short): the form or command that took it did.
    """
    held = holders(username=username, phone=phone)
    if held:
        _, field = held[0]
        raise AccountError(field, ALREADY_REGISTERED[field])
    check_place(role, organization=organization, employer=employer, region=region)
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
    try:
        save_unique(user, ("username", "phone"))
    except NumberTaken as taken:
        _, field = taken.held[0]
        raise AccountError(field, ALREADY_REGISTERED[field]) from None
    audit.record("account.created", actor=actor, subject=user, role=role.value)
    return user


def check_place(
    role: Role,
    *,
    organization: Organization | None,
    employer: Employer | None,
    region: Region | None,
) -> None:
    """:class:`AccountError` unless the account has the place its role works from: an
    organisation of a kind the role works in, the employer represented, the region overseen."""
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


def end_sessions_and_tokens(user: User) -> None:
    """Everything signed in as ``user`` stops working at its next request: browsers and apps."""
    _end_sessions(user)
    _revoke_tokens(user)


def invalidate_password(user: User) -> None:
    """No password signs in as ``user`` until they set a new one with a code (the hash of a
    random secret nobody holds), and everything signed in ends."""
    user.password_hash = hash_password(secrets.token_urlsafe(32))
    user.password_changed_at = utcnow()
    end_sessions_and_tokens(user)


def start_session(user: User, *, user_agent: str | None = None) -> str:
    """A new session id for a fresh sign-in; the caller puts it in the cookie."""
    audit.record("account.login", actor=user, subject=user)
    return _open_session(user, user_agent)


def end_all_sessions(user: User) -> None:
    """Sign the user out everywhere (logout ends the other sessions and the API tokens too)."""
    end_sessions_and_tokens(user)
    audit.record("account.logout", actor=user, subject=user)


# The idle timeout counts from a request seen at most this long ago (one write a minute at most).
SEEN_EVERY = timedelta(minutes=1)


@cache
def _live_session() -> Select:
    """The sign-in check of every request, built once (building the statement and its cache
    key took 0.45 of its 1.6 ms): the user, the session, and the header's badge counted in
    the same round trip, since every signed-in page shows it."""
    return (
        select(User, UserSession, unread_count_of(User.id))
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            User.id == bindparam("user_id"),
            User.active.is_(True),
            UserSession.id == bindparam("session_id"),
            UserSession.created_at >= bindparam("since"),
        )
    )


def session_user(user_id: int, session_id: str | None, config) -> User | None:
    """The user of a live session; None when it was ended, has run out (its absolute life, or
    the idle time of the user's kind of account) or the user is inactive."""
    if not session_id:
        return None
    now = utcnow()
    found = db.session.execute(
        _live_session(),
        {"user_id": user_id, "session_id": session_id, "since": now - config["SESSION_LIFETIME"]},
    ).first()
    if found is None:
        return None
    user, signed_in, unread = found
    seen = signed_in.last_seen_at or signed_in.created_at
    if now - seen > idle_limit(user, config):
        db.session.delete(signed_in)
        return None
    if now - seen > SEEN_EVERY:
        signed_in.last_seen_at = now
    count_known(user, unread)
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
    verified by it. :class:`AccountError` on ``code`` for a code refused, on ``password`` for
    a password made of the account's own name, numbers or username (``auth.passwords``)."""
    user = db.session.scalar(select(User).where(User.phone == phone, User.active.is_(True)))
    try:
        if user is None:
            codes.normalise_code(code)
            raise codes.CodeRefused(codes.WRONG_CODE)
        codes.use_phone_code(user, CodePurpose.password_reset, code)
    except codes.CodeRefused as refused:
        raise AccountError("code", refused.message) from None
    # The form has judged the password already, but only now is it known whose it is. The
    # refusal rolls the request back: the code can be used again.
    refused = passwords.refusal(password, passwords.account_words(user))
    if refused is not None:
        raise AccountError("password", refused)
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


@cache
def _token_owner() -> Select:
    """The API's sign-in check of every request, built once (as ``_live_session``)."""
    return (
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            ApiToken.token_hash == bindparam("token_hash"),
            ApiToken.expires_at > bindparam("now"),
            User.active.is_(True),
        )
    )


def api_token_user(token: str) -> User | None:
    """The active user a live token belongs to, else None."""
    return db.session.scalar(
        _token_owner(),
        {"token_hash": hashlib.sha256(token.encode()).hexdigest(), "now": utcnow()},
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
