"""The mediation agreement: every draft a numbered version, kept; signatures that name the
version they sign, given again with the signer's password; signatures on paper with the
signed scan.

A redraft makes a new version and voids both signatures: a party signs terms they have read,
so a signature names its version and is refused (409) when that version is no longer the
current one. Who may do what is ``policy.CASE_ACTS``; these functions check it again.
"""

import difflib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from mediation import policy
from mediation.auth.accounts import password_confirms
from mediation.core import audit
from mediation.core.errors import Invalid, Refused
from mediation.core.notifications import notify
from mediation.core.recipients import applicant_of, representatives_of
from mediation.extensions import db
from mediation.models import Agreement, AgreementVersion, Case, StoredFile, User
from mediation.models.types import utcnow
from mediation.policy import Act
from mediation.translation import lazy_gettext as _l
from mediation.uploads import StoredFile as Upload
from workflows.case import CaseState

WRONG_PASSWORD = _l("This is not your password. Nothing was signed.")


class AgreementSuperseded(Refused):
    """A signature named a version that a redraft replaced (HTTP 409); ``current`` is the
    version to read and sign instead."""

    def __init__(self, current: int) -> None:
        super().__init__("agreement_superseded")
        self.current = current


def keep_file(case: Case, *, actor: User, upload: Upload) -> StoredFile:
    """The record of a file already stored and checked by ``uploads.store_upload``."""
    row = StoredFile(
        case_id=case.id,
        stored_name=upload.stored_name,
        original_name=upload.original_name,
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
        uploaded_by_id=actor.id,
    )
    db.session.add(row)
    db.session.flush()
    return row


def draft_agreement(
    case: Case, *, actor: User, terms: str, amount: Decimal, due_date: date | None
) -> Agreement:
    """Write the agreement, or a new version of it; both parties must sign (again)."""
    policy.require_act(actor, case, Act.draft_agreement)
    agreement = case.agreement
    if agreement is None:
        agreement = Agreement(case=case, version=1)
    else:
        agreement.version += 1
    agreement.terms, agreement.amount, agreement.due_date = terms, amount, due_date
    agreement.drafted_by_id, agreement.drafted_at = actor.id, utcnow()
    agreement.applicant_signed_at = agreement.respondent_signed_at = None
    agreement.applicant_signed_version = agreement.respondent_signed_version = None
    agreement.signed_on_paper = False
    agreement.paper_scan_id = None
    db.session.add(agreement)
    db.session.add(
        AgreementVersion(
            case_id=case.id,
            version=agreement.version,
            terms=terms,
            amount=amount,
            due_date=due_date,
            drafted_by_id=actor.id,
            drafted_at=agreement.drafted_at,
        )
    )
    audit.record_case_event(
        case, "agreement_drafted", actor=actor, amount=str(amount), version=agreement.version
    )
    notify([applicant_of(case), *representatives_of(case.employer)], "agreement_ready", case)
    return agreement


def sign_problems(case: Case, *, actor: User, version: int | None, password: str) -> dict:
    """What is wrong with a signature, by field: a wrong password says only that (and is no
    failed login); a version that never existed is named. Empty when it may go on."""
    if not password_confirms(actor, password or ""):
        return {"password": [WRONG_PASSWORD]}
    if version is None or not 1 <= version <= case.agreement.version:
        message = _l("There is no version %(version)s of this agreement.", version=version)
        return {"version": [message]}
    return {}


def sign(case: Case, *, actor: User, version: int | None, password: str) -> None:
    """The applicant or the employer's representative signs ``version`` of the agreement.

    The password is asked again: a signature has legal weight, and a phone left signed in is
    not its owner. Raises ``Invalid`` (422) with ``sign_problems``, or ``AgreementSuperseded``
    (409) when ``version`` was replaced by a redraft: the party reads the current one first.
    """
    if policy.is_party(actor, case) and case.state == CaseState.mediating and not case.agreement:
        raise Refused("agreement_missing")
    policy.require_act(actor, case, Act.sign)
    if problems := sign_problems(case, actor=actor, version=version, password=password):
        raise Invalid(problems)
    agreement = case.agreement
    if version != agreement.version:
        raise AgreementSuperseded(agreement.version)
    now = utcnow()
    if policy.is_applicant(actor, case):
        agreement.applicant_signed_at, agreement.applicant_signed_version = now, version
        others = representatives_of(case.employer)
    else:
        agreement.respondent_signed_at, agreement.respondent_signed_version = now, version
        others = [applicant_of(case)]
    audit.record_case_event(case, "agreement_signed", actor=actor, version=version)
    notify([*others, case.mediator], "agreement_signed", case, party=actor.name)


def record_paper_signatures(case: Case, *, actor: User, scan: Upload | None = None) -> None:
    """The mediator records that both parties signed the printed current version, with the
    scan of the signed paper (required before the case settles; it may follow later)."""
    if case.state == CaseState.mediating and case.agreement is None:
        raise Refused("agreement_missing")
    policy.require_act(actor, case, Act.record_paper_signatures)
    agreement = case.agreement
    if not agreement.fully_signed:
        now = utcnow()
        agreement.applicant_signed_at = agreement.applicant_signed_at or now
        agreement.respondent_signed_at = agreement.respondent_signed_at or now
        agreement.applicant_signed_version = agreement.respondent_signed_version = agreement.version
        agreement.signed_on_paper = True
    if scan is not None:
        agreement.paper_scan_id = keep_file(case, actor=actor, upload=scan).id
    audit.record_case_event(
        case,
        "agreement_signed_on_paper",
        actor=actor,
        version=agreement.version,
        scan=agreement.paper_scan_id is not None,
    )


# --- What the case page shows -----------------------------------------------------------------


def paper_scan(agreement: Agreement) -> StoredFile | None:
    return db.session.get(StoredFile, agreement.paper_scan_id) if agreement.paper_scan_id else None


def versions(case: Case) -> list[AgreementVersion]:
    """Every version of the agreement, the newest first."""
    return list(
        db.session.scalars(
            select(AgreementVersion)
            .where(AgreementVersion.case_id == case.id)
            .order_by(AgreementVersion.version.desc())
        )
    )


@dataclass(frozen=True)
class Piece:
    """A run of the terms: kept, added or removed."""

    kind: str  # "equal", "inserted", "deleted"
    text: str


@dataclass(frozen=True)
class Changes:
    """What a version changed from the one before it."""

    previous: int
    terms: list[Piece]
    terms_changed: bool
    amount: tuple[Decimal, Decimal] | None  # (before, now) when it changed
    due_date: tuple[date | None, date | None] | None


def terms_diff(old: str, new: str) -> list[Piece]:
    """The terms compared character by character (agreements are mostly Chinese prose, where
    a line-by-line comparison would mark a whole paragraph for one changed figure)."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    pieces = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(Piece("equal", new[j1:j2]))
            continue
        if i2 > i1:
            pieces.append(Piece("deleted", old[i1:i2]))
        if j2 > j1:
            pieces.append(Piece("inserted", new[j1:j2]))
    return pieces


def changes_between(before: AgreementVersion, after: AgreementVersion) -> Changes:
    return Changes(
        previous=before.version,
        terms=terms_diff(before.terms, after.terms),
        terms_changed=before.terms != after.terms,
        amount=(before.amount, after.amount) if before.amount != after.amount else None,
        due_date=(before.due_date, after.due_date) if before.due_date != after.due_date else None,
    )


def latest_changes(kept: list[AgreementVersion]) -> Changes | None:
    """What the current version changed (``kept`` newest first, as ``versions`` gives them)."""
    if len(kept) < 2:
        return None
    return changes_between(kept[1], kept[0])
