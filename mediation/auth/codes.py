"""One-time codes by SMS and verification links by e-mail: proof that a person holds a phone
or an address.

A code is 6 digits from ``secrets``; a link carries a long random token. Only an HMAC-SHA256 of
either is stored, keyed with the app's ``SECRET_KEY``: a leaked table gives away no code, and a
6-digit code cannot be found by hashing the million candidates without the key. A code counts
only once, only until it expires, and only for a few wrong tries; only the newest code sent to a
phone for a purpose counts.

Codes are not notices: they go straight to the outbox (``mediation.delivery.outbox``), in the
transaction of the request, and leave after its commit.
"""

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import force_locale
from sqlalchemy import func, select, update

from mediation.delivery.outbox import queue
from mediation.extensions import db
from mediation.models import DeliveryChannel, DeliveryStatus, OutboxMessage, User
from mediation.models.notifications import CodePurpose, VerificationCode
from mediation.models.types import utcnow
from mediation.translation import gettext as _
from mediation.translation import lazy_gettext as _l

CODE_DIGITS = 6
# Long enough for a slow SMS and for typing it on a phone; short enough that a code seen over
# someone's shoulder or on a lost phone's lock screen soon stops working.
CODE_LIFETIME = timedelta(minutes=10)
# Five guesses out of a million per code. With the send limit below, someone guessing gets at
# most 25 tries an hour per phone: about one chance in 40,000 a day.
MAX_WRONG_TRIES = 5
# Every SMS costs money, and unlimited sends would let anyone flood a stranger's phone. Five an
# hour leaves room for a code that did not arrive and a second attempt.
MAX_SENDS = 5
SEND_WINDOW = timedelta(hours=1)
# A day: people read e-mail later than SMS, and the link proves only the address.
EMAIL_LINK_LIFETIME = timedelta(hours=24)

# Purposes whose codes go by SMS to the same phone: they share the send limit.
SMS_PURPOSES = (CodePurpose.phone, CodePurpose.password_reset)

WRONG_CODE = _l("This code is not right. Check the SMS and try again.")
CODE_FORMAT = _l("Enter the 6 digits of the code.")
CODE_USED = _l("This code was already used. Ask for a new code.")
CODE_EXPIRED = _l("This code has expired. Ask for a new code.")
TOO_MANY_TRIES = _l("This code was entered wrongly too many times. Ask for a new code.")
TOO_MANY_SENDS = _l(
    "We have sent too many codes to this number in the last hour. Please try again later."
)


class CodeRefused(Exception):
    """The code given cannot be used; ``message`` says why, in the reader's words."""

    def __init__(self, message) -> None:
        super().__init__(message)
        self.message = message


class TooManySends(Exception):
    """The send limit of the phone or address is reached: nothing was sent."""

    message = TOO_MANY_SENDS


def _digest(*parts: object) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = "\x1f".join(str(part) for part in parts).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _code_digest(row: VerificationCode, code: str) -> str:
    # The row's id makes the hash unique even when the same 6 digits come up twice.
    return _digest(row.id, row.purpose.value, row.target, code)


def normalise_code(raw: str | None) -> str:
    """The digits typed, without spaces; :class:`CodeRefused` unless there are exactly 6."""
    code = "".join((raw or "").split())
    if len(code) != CODE_DIGITS or not code.isascii() or not code.isdigit():
        raise CodeRefused(CODE_FORMAT)
    return code


def sends_left(target: str, purposes: tuple[CodePurpose, ...]) -> int:
    sent = db.session.scalar(
        select(func.count(VerificationCode.id)).where(
            VerificationCode.target == target,
            VerificationCode.purpose.in_(purposes),
            VerificationCode.created_at > utcnow() - SEND_WINDOW,
        )
    )
    return max(MAX_SENDS - sent, 0)


def _new_row(user: User, purpose: CodePurpose, target: str, lifetime: timedelta):
    now = utcnow()
    row = VerificationCode(
        purpose=purpose,
        user=user,
        target=target,
        # A placeholder that cannot match anything, until the row has its id.
        secret_hash=secrets.token_hex(32),
        created_at=now,
        expires_at=now + lifetime,
    )
    db.session.add(row)
    db.session.flush()
    return row


def _user_locale(user: User) -> str:
    return user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]


def send_phone_code(user: User, purpose: CodePurpose) -> VerificationCode:
    """A new code by SMS to the user's phone, in the user's language. :class:`TooManySends`
    when the phone had its share this hour."""
    phone = user.phone
    if sends_left(phone, SMS_PURPOSES) == 0:
        raise TooManySends()
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    row = _new_row(user, purpose, phone, CODE_LIFETIME)
    row.secret_hash = _code_digest(row, code)
    minutes = int(CODE_LIFETIME.total_seconds() // 60)
    with force_locale(_user_locale(user)):
        if purpose is CodePurpose.password_reset:
            text = _(
                "Your code to set a new password is %(code)s. It is valid for %(minutes)d "
                "minutes. If you did not ask for it, ignore this message; never tell it to "
                "anyone.",
                code=code,
                minutes=minutes,
            )
        else:
            text = _(
                "Your code to confirm your mobile number is %(code)s. It is valid for "
                "%(minutes)d minutes; never tell it to anyone.",
                code=code,
                minutes=minutes,
            )
        body = _("[Labour dispute mediation] %(text)s", text=text)
    queue(DeliveryChannel.sms, phone, body, kind=f"{purpose.value}_code", user=user)
    return row


def use_phone_code(user: User, purpose: CodePurpose, raw_code: str | None) -> VerificationCode:
    """Spend the newest code sent to the user's phone for ``purpose``, or :class:`CodeRefused`.

    A wrong code counts against the code even though the request that brought it is rolled
    back (see :func:`keep_wrong_tries`); after ``MAX_WRONG_TRIES`` it no longer counts, right
    or wrong.
    """
    code = normalise_code(raw_code)
    row = db.session.scalar(
        select(VerificationCode)
        .where(
            VerificationCode.user_id == user.id,
            VerificationCode.purpose == purpose,
            VerificationCode.target == user.phone,
        )
        .order_by(VerificationCode.created_at.desc(), VerificationCode.id.desc())
        .limit(1)
    )
    if row is None:
        raise CodeRefused(WRONG_CODE)
    if row.used_at is not None:
        raise CodeRefused(CODE_USED)
    if row.wrong_tries >= MAX_WRONG_TRIES:
        raise CodeRefused(TOO_MANY_TRIES)
    if row.expires_at <= utcnow():
        raise CodeRefused(CODE_EXPIRED)
    if not hmac.compare_digest(row.secret_hash, _code_digest(row, code)):
        row.wrong_tries += 1
        _remember_wrong_try(row)
        raise CodeRefused(WRONG_CODE)
    row.used_at = utcnow()
    return row


def _remember_wrong_try(row: VerificationCode) -> None:
    db.session.info.setdefault("wrong_code_tries", {})[row.id] = row.wrong_tries


def keep_wrong_tries(_error: BaseException | None = None) -> None:
    """``teardown_request`` of the blueprints that take codes: the wrong tries of this request
    are written even when its answer (a 422) rolled everything else back, or the limit of wrong
    tries would never be reached. A request that committed has written them already; the
    condition makes this a no-op then."""
    tries = db.session.info.pop("wrong_code_tries", None)
    if not tries:
        return
    try:
        for row_id, count in tries.items():
            db.session.execute(
                update(VerificationCode)
                .where(VerificationCode.id == row_id, VerificationCode.wrong_tries < count)
                .values(wrong_tries=count)
            )
        db.session.commit()
    except Exception:
        db.session.rollback()
        current_app.logger.exception("could not record wrong code tries")


# The outbox keeps every text it sent; the secret in a code's text is blanked once it can no
# longer be used, so the table (and the admin's outbox page) shows that it was sent, not what.
CODE_KINDS = ("phone_code", "password_reset_code", "email_code")
_SECRET_IN_TEXT = re.compile(r"(?<!\d)\d{6}(?!\d)|(?<=/account/email/)[\w-]+")


def forget_spent_codes() -> int:
    """Blank the codes and links in sent texts older than any code's life; returns how many."""
    spent = utcnow() - max(CODE_LIFETIME, EMAIL_LINK_LIFETIME)
    messages = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.kind.in_(CODE_KINDS),
            OutboxMessage.created_at < spent,
            OutboxMessage.status != DeliveryStatus.pending,
            OutboxMessage.body.not_like("%••••%"),
        )
    ).all()
    for message in messages:
        message.body = _SECRET_IN_TEXT.sub("••••••", message.body)
    return len(messages)


# -- E-mail links -------------------------------------------------------------------------------

LINK_UNKNOWN = "unknown"
LINK_USED = "used"
LINK_EXPIRED = "expired"
LINK_REPLACED = "replaced"


def send_email_link(user: User, address: str) -> VerificationCode:
    """A link to prove ``address`` is the user's, e-mailed in the user's language."""
    if sends_left(address, (CodePurpose.email,)) == 0:
        raise TooManySends()
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = VerificationCode(
        purpose=CodePurpose.email,
        user=user,
        target=address,
        secret_hash=_digest(CodePurpose.email.value, token),
        created_at=now,
        expires_at=now + EMAIL_LINK_LIFETIME,
    )
    db.session.add(row)
    link = current_app.config["PUBLIC_URL"].rstrip("/") + url_for("auth.confirm_email", token=token)
    hours = int(EMAIL_LINK_LIFETIME.total_seconds() // 3600)
    with force_locale(_user_locale(user)):
        subject = _("Confirm your e-mail address")
        body = _(
            "Hello %(name)s,\n\nPlease confirm that this address is yours, so that the labour "
            "dispute mediation platform can send you notices by e-mail:\n\n%(link)s\n\nThe link "
            "works once, for %(hours)d hours. If you did not add this address, ignore this "
            "message.",
            name=user.name,
            link=link,
            hours=hours,
        )
    queue(DeliveryChannel.email, address, body, kind="email_code", subject=subject, user=user)
    return row


def email_link(token: str) -> tuple[VerificationCode | None, str | None]:
    """The link's row and what is wrong with it (None: it can be used)."""
    row = db.session.scalar(
        select(VerificationCode).where(
            VerificationCode.purpose == CodePurpose.email,
            VerificationCode.secret_hash == _digest(CodePurpose.email.value, token[:100]),
        )
    )
    if row is None:
        return None, LINK_UNKNOWN
    if row.used_at is not None:
        return row, LINK_USED
    if row.expires_at <= utcnow():
        return row, LINK_EXPIRED
    if (row.user.email or "").lower() != row.target.lower():
        return row, LINK_REPLACED  # the address was changed since the link was sent
    return row, None
