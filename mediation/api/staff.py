"""API v1 for administrators: the accounts of the people who work in the network. Create a
member of staff, read, correct or move an account, make a mediator the lead of their
organisation (or not), deactivate with a reason, reactivate, force a new password.

The handlers are thin: the operations are the account page's (``auth.accounts.create_staff``,
``admin.staff``), audited there with the values before and after. A body's shape and the ids it
names are checked together (422, every problem at once); the account rules follow (422 beside
the field); an act the account's state or the caller's own account rules out is a 409.
"""

import re
from typing import Annotated

from flask import abort, request
from flask_login import current_user
from pydantic import AfterValidator, Field, field_validator
from sqlalchemy import select

from mediation.admin import staff
from mediation.api import serialise
from mediation.api.accounts import NewPassword
from mediation.api.openapi import operation
from mediation.api.request import json_body
from mediation.api.schemas import Answer
from mediation.auth import accounts
from mediation.auth.accounts import AccountError
from mediation.auth.forms import normalise_email
from mediation.cases.assignment import open_cases_of
from mediation.core.answers import error_response, mark_failed
from mediation.core.errors import Invalid
from mediation.core.fields import FILLED, FILLED_SCHEMA, Mobile, clearable, one_of, problem
from mediation.core.schemas import Body, RecordId, parse
from mediation.extensions import db
from mediation.forms import USERNAME_MESSAGE, USERNAME_RULE
from mediation.models import Employer, Organization, Region, Role, User
from mediation.paging import page_number
from mediation.privacy import mask_phone
from mediation.translation import lazy_gettext as _l
from mediation.validators import normalise_mobile

PAGE_SIZE = 50
STAFF_ROLES = tuple(role.value for role in Role if role is not Role.worker)
# The account page's field → the body's.
FIELDS = {"organization": "organization_id", "employer": "employer_id", "region": "region_id"}
PLACES = {"organization_id": Organization, "employer_id": Employer, "region_id": Region}
NO_SUCH_RECORD = {
    "organization_id": _l("No organisation has this id."),
    "employer_id": _l("No employer has this id."),
    "region_id": _l("No region has this id."),
}
ALREADY_INACTIVE = _l("This account is already deactivated.")
ALREADY_ACTIVE = _l("This account can already sign in.")


def _username(value: str) -> str:
    if not re.match(USERNAME_RULE, value):
        raise problem("username", USERNAME_MESSAGE)
    return value


ClearableMobile = Annotated[
    str,
    Field(max_length=20, description='Mainland mobile number; "" removes it'),
    clearable(normalise_mobile),
]
ClearableEmail = Annotated[
    str,
    Field(max_length=254, description='"" removes it'),
    clearable(normalise_email),
]


class _Places(Body):
    """Where the account works from: an organisation (mediators, court liaisons, officers), the
    employer represented, or the region overseen (supervisors); the others are ignored."""

    organization_id: RecordId | None = None
    employer_id: RecordId | None = None
    region_id: RecordId | None = None

    @field_validator("organization_id", "employer_id", "region_id")
    @classmethod
    def _known(cls, value: int | None, info) -> int | None:
        if value is not None and db.session.get(PLACES[info.field_name], value) is None:
            raise problem("unknown", NO_SUCH_RECORD[info.field_name])
        return value


class StaffBody(_Places):
    """A member of staff's new account: any role but a worker's (workers register)."""

    username: Annotated[str, Field(max_length=50), FILLED, FILLED_SCHEMA, AfterValidator(_username)]
    name: Annotated[str, Field(max_length=50), FILLED, FILLED_SCHEMA]
    phone: Mobile | None = None
    role: Annotated[str, Field(json_schema_extra={"enum": list(STAFF_ROLES)})]
    password: NewPassword

    @field_validator("role")
    @classmethod
    def _staff_role(cls, value: str) -> str:
        if value not in STAFF_ROLES:
            raise problem("choice", _l("Not one of: %(choices)s.", choices=", ".join(STAFF_ROLES)))
        return value


class AccountPatch(_Places):
    """The fields to change (those left out stay). Moving a mediator to another organisation,
    or to another role, gives their open cases back to the old organisation's queue; a lead
    moved elsewhere stops being one unless `is_lead` says otherwise."""

    name: Annotated[str, Field(max_length=50), FILLED, FILLED_SCHEMA] | None = None
    phone: ClearableMobile | None = None
    email: ClearableEmail | None = None
    role: Annotated[Role, one_of(Role)] | None = None
    is_lead: bool | None = Field(
        None,
        description="The lead mediator of the organisation: assigns its cases, sees the load",
    )


class DeactivateBody(Body):
    reason: Annotated[
        str,
        Field(max_length=500, description="Why, e.g. left the centre on 30 November"),
        FILLED,
        FILLED_SCHEMA,
    ]


class UsersQuery(Body):
    role: Annotated[Role, one_of(Role)] | None = None
    page: int = Field(1, ge=1, description="50 accounts a page")


class AccountRecord(Answer):
    id: int
    username: str
    name: str
    role: Role
    phone: str | None = Field(description="In full on one account, masked in the list")
    email: str | None
    organization_id: int | None
    employer_id: int | None
    region_id: int | None
    is_lead: bool
    active: bool
    open_cases: int = Field(description="Open cases the account is the mediator of")


class AccountList(Answer):
    items: list[AccountRecord]
    page: int
    pages: int
    total: int


class AccountChanged(AccountRecord):
    cases_returned: int = Field(
        description="How many of the account's open cases went back to the organisation's queue"
    )


class PasswordResetForced(Answer):
    """The password no longer works and every session and token ended."""

    code_sent: bool = Field(
        description="false: this hour's codes were all sent; the person asks for one later "
        "(POST /password-reset)"
    )


def _record(user: User, *, masked: bool = False, **extra) -> dict:
    return {
        "id": user.id,
        "username": user.username,
        "name": user.name,
        "role": user.role,
        "phone": mask_phone(user.phone) if masked and user.phone else user.phone,
        "email": user.email,
        "organization_id": user.organization_id,
        "employer_id": user.employer_id,
        "region_id": user.region_id,
        "is_lead": user.is_lead,
        "active": user.active,
        "open_cases": len(open_cases_of(user)) if user.role is Role.mediator else 0,
        **extra,
    }


def _account_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _invalid(error: AccountError) -> Invalid:
    return Invalid({FIELDS.get(error.field, error.field): [error.message]})


def _conflict(message):
    mark_failed()
    return error_response(409, message)


@operation("The accounts, newest last", query=UsersQuery, answers={200: AccountList})
def list_users():
    role = request.args.get("role")
    query = select(User).order_by(User.id)
    if role in Role.__members__:
        query = query.where(User.role == Role(role))
    page = db.paginate(query, page=page_number(PAGE_SIZE), per_page=PAGE_SIZE, error_out=False)
    items = [AccountRecord(**_record(user, masked=True)) for user in page.items]
    return serialise.answer(
        AccountList(items=items, page=page.page, pages=page.pages, total=page.total)
    )


@operation(
    "Create a member of staff's account",
    body=StaffBody,
    answers={201: AccountRecord},
    errors=(422,),
)
def create_user():
    body = parse(StaffBody, json_body())
    try:
        user = accounts.create_staff(
            actor=current_user,
            username=body.username,
            name=body.name,
            role=Role(body.role),
            password=body.password,
            phone=body.phone,
            **{page: _place(body, page) for page in FIELDS},
        )
    except AccountError as error:
        raise _invalid(error) from None
    return serialise.answer(AccountRecord(**_record(user)), 201)


def _place(body: _Places, field: str):
    value = getattr(body, FIELDS[field])
    return db.session.get(PLACES[FIELDS[field]], value) if value is not None else None


@operation("An account", answers={200: AccountRecord}, errors=(404,))
def show_user(user_id: int):
    return serialise.answer(AccountRecord(**_record(_account_or_404(user_id))))


@operation(
    "Correct or move an account, or make a mediator the lead of their organisation (or not)",
    body=AccountPatch,
    answers={200: AccountChanged},
    errors=(404, 422),
)
def update_user(user_id: int):
    user = _account_or_404(user_id)
    body = parse(AccountPatch, json_body())
    sent = body.model_fields_set
    kept = {field: getattr(user, field) for field in ("name", "phone", "email")}
    values = {field: getattr(body, field) if field in sent else kept[field] for field in kept}
    places = {
        page: _place(body, page) if FIELDS[page] in sent else getattr(user, page) for page in FIELDS
    }
    try:
        _changed, returned = staff.update_account(
            user,
            actor=current_user,
            role=body.role or user.role,
            lead=body.is_lead,
            **values,
            **places,
        )
    except AccountError as error:
        raise _invalid(error) from None
    return serialise.answer(AccountChanged(**_record(user, cases_returned=returned)))


@operation(
    "Deactivate an account: it is signed out everywhere at once and cannot sign in; its open "
    "cases go back to the organisation's queue (409 for one's own account or one already "
    "deactivated)",
    body=DeactivateBody,
    answers={200: AccountChanged},
    errors=(404, 409, 422),
)
def deactivate_user(user_id: int):
    user = _account_or_404(user_id)
    if user.id == current_user.id:
        return _conflict(staff.NOT_YOURSELF)
    if not user.active:
        return _conflict(ALREADY_INACTIVE)
    body = parse(DeactivateBody, json_body())
    returned = staff.deactivate(user, actor=current_user, reason=body.reason)
    return serialise.answer(AccountChanged(**_record(user, cases_returned=returned)))


@operation(
    "Reactivate an account: the person signs in with their password again (409 when it is active)",
    answers={200: AccountRecord},
    errors=(404, 409),
)
def reactivate_user(user_id: int):
    user = _account_or_404(user_id)
    if user.active:
        return _conflict(ALREADY_ACTIVE)
    staff.reactivate(user, actor=current_user)
    return serialise.answer(AccountRecord(**_record(user)))


@operation(
    "Force a new password: the password stops working, every session and token ends, and a "
    "code to set a new one goes to the account's mobile number (409 for one's own account or "
    "one without a number)",
    answers={200: PasswordResetForced},
    errors=(404, 409),
)
def force_password_reset(user_id: int):
    user = _account_or_404(user_id)
    try:
        sent = staff.force_password_reset(user, actor=current_user)
    except AccountError as error:
        return _conflict(error.message)
    return serialise.answer(PasswordResetForced(code_sent=sent))
