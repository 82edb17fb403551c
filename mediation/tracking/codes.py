"""Progress codes: with the case number, what lets someone without an account follow a case.

A code is 8 characters of the alphabet of the documents' verification codes
(``documents.issuing.CODE_ALPHABET``: no 0/O, 1/I/L, 2/Z, 5/S, as codes are read aloud and typed
from an SMS), written ``ABCD-EFGH``: about 2.8 × 10¹¹ codes, against at most 10 tries a minute
from one client (``tracking.blueprint``).

Only an HMAC-SHA256 of the code is stored, keyed with the app's ``SECRET_KEY`` and bound to the
case: a leaked table gives no code away. A keyed hash is enough, no slow password hash: the code
is random, not chosen by a person, and cannot be found offline without the key. The plain code
lives only in the request that issued it: shown once (the page after filing or reissuing, the
API's answer to a filing) and sent to the applicant by SMS. A new code replaces the old one,
which stops working.
"""

import hashlib
import hmac
import secrets

from flask import current_app
from sqlalchemy import select

from mediation import policy
from mediation.core import audit
from mediation.core.notifications import notify
from mediation.core.recipients import applicant_of
from mediation.documents.issuing import CODE_ALPHABET
from mediation.extensions import db
from mediation.models import Case, User
from mediation.policy import Act

CODE_LENGTH = 8
# Compared with when no case has the number, or the case has no code yet: a wrong code and an
# unknown number take the same work. No HMAC comes out as 64 zeros.
_NO_CODE = "0" * 64


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def _normalised(code: str) -> str:
    """A code as typed, in the form it is hashed: capitals, without spaces or dashes."""
    return "".join(code.split()).replace("-", "").upper()


def _digest(case_id: int, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    message = f"track\x1f{case_id}\x1f{_normalised(code)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _replace_code(case: Case) -> str:
    if case.id is None:
        db.session.flush()  # the hash is bound to the case's id
    code = new_code()
    case.track_code_hash = _digest(case.id, code)
    return code


def assign_at_filing(case: Case) -> str:
    """The first code of a case being filed; the filing's own event on the timeline covers it.
    Sent by SMS to an applicant filed for at the window or by phone, who has no account: one
    with an account follows the case signed in, and saw the code when filing."""
    code = _replace_code(case)
    if case.applicant is None:
        _send(case, code)
    return code


def reissue(case: Case, *, actor: User) -> str:
    """A new code for an applicant who lost theirs: the old one stops working. Sent by SMS again
    and shown once to the staff member, who may read it out at the counter."""
    policy.require_act(actor, case, Act.issue_track_code)
    code = _replace_code(case)
    audit.record_case_event(case, "track_code_issued", actor=actor)
    _send(case, code)
    return code


def _send(case: Case, code: str) -> None:
    """To the applicant, by SMS (and in the app for an account). Not filed with the case: the
    case page lists the case's messages to its staff, and the code is shown only once."""
    notify([applicant_of(case)], "track_code", None, number=case.number, code=code)


def case_for(number: str, code: str) -> Case | None:
    """The case with this number whose current code is ``code``. None alike for an unknown
    number, a wrong code and a case without a code, after the same work: one lookup, one hash,
    one comparison in constant time."""
    wanted = "".join(number.split()).upper()
    case = None
    # Case numbers are printable ASCII (filing.next_case_number); anything else names none.
    if wanted and wanted.isascii() and wanted.isprintable():
        case = db.session.scalar(select(Case).where(Case.number == wanted))
    stored = case.track_code_hash if case is not None else None
    given = _digest(case.id if case is not None else 0, code)
    matched = hmac.compare_digest(given, stored or _NO_CODE)
    return case if matched and stored is not None else None
