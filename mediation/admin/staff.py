"""An administrator looks after the people who work in the network: corrects an account, moves
it to another role or organisation, deactivates it when someone leaves (and reactivates it),
and forces a new password when one may be known to others.

Each change is audited with the values before and after. An account that can no longer work its
cases — deactivated, or moved away from the organisation that holds them — gives them back to
that organisation's queue (``cases.assignment``), so no case waits for someone who is gone.
"""

from sqlalchemy.exc import IntegrityError

from mediation.auth import accounts, codes
from mediation.auth.accounts import ALREADY_REGISTERED, AccountError
from mediation.cases.assignment import return_all_to_queue
from mediation.core import audit
from mediation.extensions import db
from mediation.models import CodePurpose, Employer, Organization, Region, Role, User
from mediation.models.users import STAFF_ORG_KINDS
from mediation.translation import lazy_gettext as _l

# What an administrator may correct, as audited: field → how its value is written down.
EDITABLE = ("name", "phone", "email", "role", "organization_id", "employer_id", "region_id")
NOT_YOURSELF = _l("You cannot do this to your own account.")
NEEDS_A_PHONE = _l(
    "This account has no mobile number for the code to set a new password: enter one first."
)
LEFT_THE_ORGANISATION = _l("The mediator's account was moved to another organisation.")
ONLY_MEDIATORS_LEAD = _l("Only a mediator can be the lead mediator of an organisation.")


def _snapshot(user: User) -> dict:
    values = {field: getattr(user, field) for field in EDITABLE}
    return values | {"role": user.role.value}


def _refuse_self(user: User, actor: User, field: str) -> None:
    if user.id == actor.id:
        raise AccountError(field, NOT_YOURSELF)


def account_problems(
    user: User,
    *,
    actor: User,
    phone: str | None,
    role: Role | None,
    organization: Organization | None,
    employer: Employer | None,
    region: Region | None,
    lead: bool | None = None,
) -> dict[str, list]:
    """Every reason ``update_account`` would refuse these values (field → messages); the page
    asks it on whatever it could read, so that all problems come at once. ``role`` or
    ``phone`` None: not known, not checked."""
    found: dict[str, list] = {}
    if lead and role is not None and role is not Role.mediator:
        found["lead"] = [ONLY_MEDIATORS_LEAD]
    if role is not None:
        if (user.role is Role.worker) != (role is Role.worker):
            found["role"] = [_l("A worker's account stays a worker's account.")]
        elif role is not user.role and user.id == actor.id:
            found["role"] = [NOT_YOURSELF]
        try:
            accounts.check_place(role, organization=organization, employer=employer, region=region)
        except AccountError as error:
            found.setdefault(error.field, []).append(error.message)
    if phone and accounts.holders(exclude=(user.id,), phone=phone):
        found["phone"] = [ALREADY_REGISTERED["phone"]]
    return found


def update_account(
    user: User,
    *,
    actor: User,
    name: str,
    phone: str | None,
    email: str | None,
    role: Role,
    organization: Organization | None,
    employer: Employer | None,
    region: Region | None,
    lead: bool | None = None,
) -> tuple[dict[str, tuple], int]:
    """Correct or move an account; returns what changed (field → (before, after)) and how many
    cases went back to the queue.

    The role and place follow the rules of a new account (``accounts.create_staff``): a
    worker stays a worker (their account is their own), and nobody else becomes one. A
    mediator moved away from the organisation holding their cases gives those back.
    ``lead`` makes a mediator the lead of their organisation, or not (None: as it was); an
    account that stops being a mediator stops being a lead.
    """
    found = account_problems(
        user,
        actor=actor,
        phone=phone,
        role=role,
        organization=organization,
        employer=employer,
        region=region,
        lead=lead,
    )
    for field, messages in found.items():
        raise AccountError(field, messages[0])
    before = _snapshot(user)
    was_lead = user.is_lead
    leaves = user.role is Role.mediator and (
        role is not Role.mediator or (organization and organization.id) != user.organization_id
    )
    returned = (
        return_all_to_queue(user, actor=actor, reason=str(LEFT_THE_ORGANISATION)) if leaves else 0
    )
    try:
        # In a savepoint of its own: a number another request took meanwhile is refused by
        # the unique constraint without spoiling the transaction.
        with db.session.begin_nested():
            user.name, user.phone, user.email = name, phone or None, email or None
            user.role = role
            user.organization_id = organization.id if role in STAFF_ORG_KINDS else None
            user.employer_id = employer.id if role is Role.employer_rep else None
            user.region_id = region.id if role is Role.supervisor else None
            # Unless told, a lead of one organisation is not the lead of the next one.
            kept = user.is_lead and user.organization_id == before["organization_id"]
            user.is_lead = role is Role.mediator and (kept if lead is None else lead)
            db.session.flush()
    except IntegrityError:
        raise AccountError("phone", ALREADY_REGISTERED["phone"]) from None
    after = _snapshot(user)
    changed = {
        field: (before[field], after[field]) for field in EDITABLE if before[field] != after[field]
    }
    if changed:
        audit.record(
            "account.updated",
            actor=actor,
            subject=user,
            before={field: old for field, (old, _new) in changed.items()},
            after={field: new for field, (_old, new) in changed.items()},
        )
    if user.is_lead != was_lead:
        # Its own event: who may share out an organisation's cases (cases.assignment).
        audit.record(
            "account.lead_changed",
            actor=actor,
            subject=user,
            before={"is_lead": was_lead},
            after={"is_lead": user.is_lead},
        )
        changed["is_lead"] = (was_lead, user.is_lead)
    if {"role", "organization_id"} & changed.keys():
        # Another role or place: what the old sessions and tokens could open has changed.
        accounts.end_sessions_and_tokens(user)
    return changed, returned


def deactivate(user: User, *, actor: User, reason: str) -> int:
    """The person left: they are signed out everywhere at once and cannot sign in; their open
    cases go back to their organisation's queue. Returns how many cases went back."""
    _refuse_self(user, actor, "reason")
    if not (reason or "").strip():
        raise AccountError("reason", _l("Write why the account is deactivated."))
    user.active = False  # first: the notice of the returned cases goes to the staff left
    accounts.end_sessions_and_tokens(user)
    returned = return_all_to_queue(user, actor=actor, reason=reason.strip())
    audit.record(
        "account.deactivated",
        actor=actor,
        subject=user,
        note=reason.strip(),
        before={"active": True},
        after={"active": False},
        cases_returned=returned,
    )
    return returned


def reactivate(user: User, *, actor: User) -> None:
    """The person is back: they sign in with their password (or set a new one by SMS code)."""
    user.active = True
    audit.record(
        "account.reactivated",
        actor=actor,
        subject=user,
        before={"active": False},
        after={"active": True},
    )


def force_password_reset(user: User, *, actor: User) -> bool:
    """The password may be known to others: it stops working at once, every session and token
    ends, and a code to set a new one goes to the account's mobile number. Returns whether the
    code went; if the hour's codes were used up, the person asks for one on the sign-in page
    ("Forgotten password") later."""
    _refuse_self(user, actor, "password")
    if not user.phone:
        raise AccountError("password", NEEDS_A_PHONE)
    accounts.invalidate_password(user)
    audit.record("account.password_reset_forced", actor=actor, subject=user)
    try:
        codes.send_phone_code(user, CodePurpose.password_reset)
    except codes.TooManySends:
        return False
    return True
