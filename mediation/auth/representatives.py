"""Employer representatives who register online: the registration with its letter of
authorisation, the phone code (as for workers, see ``accounts``), and the decision of staff
near the company that makes the account usable.

The account is created inactive, as ``employer_rep`` of the company named by its USCC. Once
the phone is proven the registration waits in the queue of the mediators whose organisation
serves the company's district (``policy.decidable_representatives``) and of the admins. An
approval activates the account; a rejection gives a reason. Either is audited and told to
the person by SMS. A company may have several representatives; a rejected person may register
again, which starts a new registration (the rejected one stays on record).

No commit here: the request commits once, or rolls everything back.
"""

from pathlib import Path

from flask import current_app
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from mediation import policy
from mediation.auth import accounts, codes
from mediation.core import audit
from mediation.core.errors import Invalid, Refused
from mediation.core.notifications import notify
from mediation.extensions import db
from mediation.models import Employer, RepresentativeRequest, RequestStatus, Role, User
from mediation.models.notifications import CodePurpose
from mediation.models.types import utcnow
from mediation.translation import lazy_gettext as _l
from mediation.uploads import StoredFile, delete_stored, delete_when_committed, store_upload

UNKNOWN_EMPLOYER = _l(
    "No company with this unified social credit code is known to the platform. Check the "
    "code on the business licence; if it is right, contact the human resources and social "
    "security bureau of the company's district to have the company added."
)
REASON_REQUIRED = _l("Please write why the registration is rejected; the person is told.")
REASON_LENGTH = 1000
REASON_TOO_LONG = _l("At most %(max)d characters.", max=REASON_LENGTH)


def letters_dir() -> Path:
    """Where letters of authorisation are kept: beside the evidence, outside any static folder."""
    return Path(current_app.config["EVIDENCE_DIR"]) / "letters"


def known_employer(uscc: str) -> Employer | None:
    return db.session.scalar(select(Employer).where(Employer.uscc == uscc))


def _replaceable_holder(phone: str) -> User | None:
    """An inactive representative's account with this phone whose registration never reached
    staff (the code was not entered) or was rejected: registering again reuses it. Whoever
    registers now must prove the phone again."""
    user = db.session.scalar(select(User).where(User.phone == phone))
    registration = accounts.unapproved_registration(user) if user is not None else None
    if registration is None:
        return None
    never_sent = registration.status is RequestStatus.pending and user.phone_verified_at is None
    if never_sent or registration.status is RequestStatus.rejected:
        return user
    return None


def register(
    *, name: str, phone: str, uscc: str, password: str, letter: StoredFile
) -> RepresentativeRequest | None:
    """An inactive representative's account and its registration, and the code sent to the
    phone. ``letter`` is the stored letter of authorisation (``uploads.store_upload``).

    None when the phone is another account's: the registration is refused quietly, with the
    same next step as any (``accounts.refuse_quietly``), and the letter is removed.

    :class:`accounts.AccountError` for an unknown company; :class:`codes.TooManySends` when
    the phone had its codes for the hour. Either way the request rolls back; the caller
    removes the stored letter.
    """
    employer = known_employer(uscc)
    if employer is None:
        raise accounts.AccountError("uscc", UNKNOWN_EMPLOYER)
    holder = _replaceable_holder(phone)
    held = accounts.holders(exclude=(holder.id,) if holder else (), phone=phone, username=phone)
    if held:
        return _refuse_quietly(held, phone, letter)
    user = holder or User(role=Role.employer_rep, active=False)
    user.username = phone  # representatives sign in with their mobile number
    user.name = name
    user.phone = phone
    user.employer = employer
    user.phone_verified_at = None
    user.password_hash = accounts.hash_password(password)
    user.password_changed_at = utcnow()
    try:
        accounts.save_unique(user, ("phone", "username"))
    except accounts.NumberTaken as taken:  # a concurrent registration of the number won
        return _refuse_quietly(taken.held, phone, letter)
    registration = _open_registration(user, employer, letter)
    audit.record(
        "representative.registered",
        actor=user,
        subject=user,
        employer_id=employer.id,
        registration_id=registration.id,
        **({"again": True} if holder else {}),
    )
    codes.send_phone_code(user, CodePurpose.phone)
    return registration


def _refuse_quietly(held, phone: str, letter: StoredFile) -> None:
    accounts.refuse_quietly(held, phone=phone, role=Role.employer_rep)
    delete_stored(letters_dir(), letter.stored_name)  # nothing holds it


def _open_registration(user: User, employer: Employer, letter: StoredFile) -> RepresentativeRequest:
    """The pending registration that carries ``letter``: a new one, or the same one again when
    its code was never entered (staff never saw it; its old letter is removed)."""
    registration = accounts.unapproved_registration(user)
    if registration is None or registration.status is not RequestStatus.pending:
        registration = RepresentativeRequest(user=user)
        db.session.add(registration)
    elif registration.letter_stored_name != letter.stored_name:
        # Only once the new letter is committed: a rollback keeps the registration naming it.
        delete_when_committed(letters_dir(), registration.letter_stored_name)
    registration.employer = employer
    registration.letter_stored_name = letter.stored_name
    registration.letter_original_name = letter.original_name
    registration.letter_content_type = letter.content_type
    registration.letter_size = letter.size
    registration.letter_sha256 = letter.sha256
    registration.submitted_at = utcnow()
    db.session.flush()
    return registration


def waiting_for_staff(registration: RepresentativeRequest) -> bool:
    return (
        registration.status is RequestStatus.pending
        and registration.user.phone_verified_at is not None
    )


def _decidable(user: User):
    """Registrations ``user`` may see: of the right district, with a proven phone."""
    return (
        select(RepresentativeRequest)
        .join(User, User.id == RepresentativeRequest.user_id)
        .where(policy.decidable_representatives(user), User.phone_verified_at.is_not(None))
    )


def load_registration(registration_id: int, user: User) -> RepresentativeRequest | None:
    """The registration if ``user`` may decide it (the caller answers 404 otherwise)."""
    return db.session.scalar(_decidable(user).where(RepresentativeRequest.id == registration_id))


def queue(user: User) -> list[RepresentativeRequest]:
    """What waits for ``user``'s decision, oldest first."""
    return list(
        db.session.scalars(
            _decidable(user)
            .where(RepresentativeRequest.status == RequestStatus.pending)
            .order_by(RepresentativeRequest.submitted_at, RepresentativeRequest.id)
        )
    )


def decided(user: User, limit: int = 20) -> list[RepresentativeRequest]:
    """The latest decisions among the registrations ``user`` may see, newest first."""
    return list(
        db.session.scalars(
            _decidable(user)
            .where(RepresentativeRequest.status != RequestStatus.pending)
            .order_by(RepresentativeRequest.decided_at.desc(), RepresentativeRequest.id.desc())
            .limit(limit)
        )
    )


def _require_open(registration: RepresentativeRequest) -> None:
    if not waiting_for_staff(registration):
        raise Refused("registration_decided")


def approve(registration: RepresentativeRequest, *, actor: User) -> None:
    """The person represents the company from now on: the account becomes usable."""
    _require_open(registration)
    registration.status = RequestStatus.approved
    registration.decided_at = utcnow()
    registration.decided_by = actor
    registration.user.active = True
    audit.record(
        "representative.approved",
        actor=actor,
        subject=registration.user,
        employer_id=registration.employer_id,
        registration_id=registration.id,
    )
    notify([registration.user], "representative_approved", employer=registration.employer.name)


def reject(registration: RepresentativeRequest, *, actor: User, reason: str | None) -> None:
    """The account stays unusable; the person is told why (and may register again)."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid({"reason": [REASON_REQUIRED]})
    if len(reason) > REASON_LENGTH:
        raise Invalid({"reason": [REASON_TOO_LONG]})
    _require_open(registration)
    registration.status = RequestStatus.rejected
    registration.decided_at = utcnow()
    registration.decided_by = actor
    registration.reason = reason
    audit.record(
        "representative.rejected",
        actor=actor,
        subject=registration.user,
        note=reason,
        employer_id=registration.employer_id,
        registration_id=registration.id,
    )
    notify(
        [registration.user],
        "representative_rejected",
        employer=registration.employer.name,
        reason=reason,
    )


def letter_opened(registration: RepresentativeRequest, *, actor: User) -> None:
    """Opening a letter is a read of personal data the person may ask about."""
    audit.sensitive_read(
        "representative_letter",
        actor=actor,
        subject=registration.user,
        registration_id=registration.id,
    )


def standing(registration: RepresentativeRequest):
    """What a person whose registration is not approved is told when signing in."""
    if registration.status is RequestStatus.rejected:
        return _l(
            "Your registration as a representative of %(employer)s was not approved: "
            "%(reason)s. You can register again with a new letter of authorisation.",
            employer=registration.employer.name,
            reason=registration.reason,
        )
    return _l(
        "Your registration as a representative of %(employer)s is waiting for approval by "
        "the mediation staff of the company's district. We will tell you by SMS; until then "
        "you cannot sign in.",
        employer=registration.employer.name,
    )


def store_letter(upload: FileStorage) -> StoredFile:
    """Keep an uploaded letter, checked by content like evidence (``UploadRejected``)."""
    return store_upload(upload, letters_dir())
