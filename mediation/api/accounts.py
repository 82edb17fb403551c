"""Accounts through the API: registering a worker or an employer representative with the
code sent to the phone, and a new password with a code sent to the phone (DESIGN.md §6).

The answers to a registration and to a request for a code are the same whether or not the
number (or ID number) has an account, so that nobody learns who is registered
(``accounts.refuse_quietly``).
"""

from contextlib import suppress
from typing import Annotated

from flask import request
from pydantic import AfterValidator, Field, ValidationInfo

from mediation.api import serialise
from mediation.api.openapi import operation
from mediation.api.request import json_body
from mediation.api.schemas import Answer
from mediation.auth import accounts, codes, passwords, representatives
from mediation.core.answers import error_response, mark_failed
from mediation.core.errors import Invalid
from mediation.core.fields import FILLED, FILLED_SCHEMA, Mobile, ResidentId, Uscc, problem
from mediation.core.schemas import Body, parse
from mediation.translation import gettext as _
from mediation.translation import lazy_gettext as _l
from mediation.uploads import StoredFile, UploadRejected, delete_stored

# The fields of a body whose values the password must not be made of.
PERSONAL_FIELDS = ("name", "phone", "id_number")


def _new_password(value: str, info: ValidationInfo) -> str:
    # The rules of the pages' password fields (auth.forms.ChosenPassword), with the person's
    # words from the fields before it in the body.
    personal = passwords.personal_words(
        **{field: info.data.get(field) for field in PERSONAL_FIELDS}
    )
    refused = passwords.refusal(value, personal)
    if refused is not None:
        raise problem("password_refused", refused)
    return value


NewPassword = Annotated[
    str,
    FILLED,
    AfterValidator(_new_password),
    Field(
        json_schema_extra={
            "minLength": passwords.MIN_LENGTH,
            "maxLength": passwords.MAX_LENGTH,
            "description": (
                f"{passwords.MIN_LENGTH} to {passwords.MAX_LENGTH} characters, hard to guess: "
                "refused when it is a common password, holds the person's name, mobile number, "
                "ID number or birth date, or zxcvbn scores it below 3 (422 with a message that "
                "says which rule failed)"
            ),
        }
    ),
]
Code = Annotated[
    str,
    FILLED,
    FILLED_SCHEMA,
    Field(max_length=20, description="The 6 digits sent by SMS", examples=["123456"]),
]


class Registration(Body):
    """A worker's account; it can be used once the code sent to the phone is confirmed."""

    name: Annotated[str, Field(max_length=50), FILLED, FILLED_SCHEMA]
    phone: Mobile
    id_number: ResidentId
    password: NewPassword


class EmployerRegistration(Body):
    """An employer representative's account, sent as multipart/form-data with the company's
    letter of authorisation (PDF, JPEG or PNG, up to 10 MB) as the field ``file``. It can be
    used once the code sent to the phone is confirmed and staff of the company's district
    approved the registration (the answer comes by SMS)."""

    name: Annotated[str, Field(max_length=50), FILLED, FILLED_SCHEMA]
    phone: Mobile
    uscc: Uscc
    password: NewPassword


NO_LETTER = _l("Send the letter of authorisation as multipart field 'file'.")


class PhoneCode(Body):
    phone: Mobile
    code: Code


class PhoneOnly(Body):
    phone: Mobile


class PasswordReset(Body):
    phone: Mobile
    code: Code
    password: NewPassword


class CodeSent(Answer):
    """Accepted: a code is on its way by SMS when the number may have one."""

    message: str
    expires_in: int = Field(description="Seconds for which a code is valid")


class PhoneVerified(Answer):
    """The phone is confirmed and the account can sign in (POST /tokens)."""

    message: str
    linked_cases: list[str] = Field(
        description="Numbers of the cases filed for this person at a mediation office, now in "
        "the account"
    )


class Done(Answer):
    """Done; the message says what next."""

    message: str


def _code_sent(message) -> object:
    return serialise.answer(
        CodeSent(message=str(message), expires_in=int(codes.CODE_LIFETIME.total_seconds())), 202
    )


def _too_many_sends():
    mark_failed()
    return error_response(429, codes.TOO_MANY_SENDS)


@operation(
    "Register a worker: a code is sent by SMS to the phone",
    body=Registration,
    answers={202: CodeSent},
    errors=(422, 429),
    public=True,
)
def register():
    body = parse(Registration, json_body())
    try:
        # The same answer when the phone or ID number is another account's.
        accounts.register_with_code(
            name=body.name, phone=body.phone, id_number=body.id_number, password=body.password
        )
    except codes.TooManySends:
        return _too_many_sends()
    return _code_sent(_("We sent a code by SMS. Confirm it with POST /api/v1/accounts/verify."))


@operation(
    "Register an employer representative (multipart/form-data with the letter of authorisation "
    "as 'file'): a code is sent by SMS to the phone; once it is confirmed, staff of the "
    "company's district approve or reject the registration",
    body=EmployerRegistration,
    upload=True,
    answers={202: CodeSent},
    errors=(413, 422, 429),
    public=True,
)
def register_employer():
    body, letter = _checked_employer_registration()
    try:
        representatives.register(
            name=body.name,
            phone=body.phone,
            uscc=body.uscc,
            password=body.password,
            letter=letter,
        )
    except accounts.AccountError as error:
        delete_stored(representatives.letters_dir(), letter.stored_name)
        raise Invalid({error.field: [error.message]}) from None
    except codes.TooManySends:
        delete_stored(representatives.letters_dir(), letter.stored_name)
        return _too_many_sends()
    return _code_sent(_("We sent a code by SMS. Confirm it with POST /api/v1/accounts/verify."))


def _checked_employer_registration() -> tuple[EmployerRegistration, StoredFile]:
    """The fields and the stored letter, or :class:`Invalid` with every problem at once (the
    letter is checked even when a field is wrong)."""
    errors: dict[str, list] = {}
    body = None
    try:
        body = parse(EmployerRegistration, request.form.to_dict())
    except Invalid as invalid:
        errors.update(invalid.errors)
    if body is not None and representatives.known_employer(body.uscc) is None:
        errors["uscc"] = [representatives.UNKNOWN_EMPLOYER]
    upload = request.files.get("file")
    letter = None
    if upload is None or not upload.filename:
        errors["file"] = [NO_LETTER]
    else:
        try:
            letter = representatives.store_letter(upload)
        except UploadRejected as rejected:
            errors["file"] = [rejected.message]
    if errors:
        if letter is not None:
            delete_stored(representatives.letters_dir(), letter.stored_name)
        raise Invalid(errors)
    return body, letter


@operation(
    "Confirm the phone of a new account with the code sent by SMS",
    body=PhoneCode,
    answers={200: PhoneVerified},
    errors=(422,),
    public=True,
)
def verify_phone():
    body = parse(PhoneCode, json_body())
    try:
        user, linked = accounts.confirm_phone(body.phone, body.code)
    except accounts.AccountError as error:
        raise Invalid({error.field: [error.message]}) from None
    if user.active:
        message = _("Your mobile number is confirmed. You can sign in now.")
    else:  # a representative's registration, now with the staff of the company's district
        message = _(
            "Your mobile number is confirmed. Staff of the company's district now check your "
            "letter of authorisation; we will tell you by SMS when you can sign in."
        )
    return serialise.answer(
        PhoneVerified(
            message=message,
            linked_cases=[case.number for case in linked],
        )
    )


@operation(
    "Send a new code to the phone of an account that awaits one (202 whatever the number)",
    body=PhoneOnly,
    answers={202: CodeSent},
    errors=(422,),
    public=True,
)
def send_phone_code():
    body = parse(PhoneOnly, json_body())
    # At the limit the answer is the same: the limit is documented, and it tells nothing
    # about the number.
    with suppress(codes.TooManySends):
        accounts.send_code_again(body.phone)
    return _code_sent(
        _(
            "If an account awaits a code at this number, we sent one (at most %(count)d an hour).",
            count=codes.MAX_SENDS,
        )
    )


@operation(
    "Ask for a code to set a new password (202 whatever the number)",
    body=PhoneOnly,
    answers={202: CodeSent},
    errors=(422,),
    public=True,
)
def request_password_reset():
    body = parse(PhoneOnly, json_body())
    accounts.request_password_reset(body.phone)
    return _code_sent(
        _(
            "If an account uses this number, we sent a code to it by SMS (at most %(count)d "
            "an hour).",
            count=codes.MAX_SENDS,
        )
    )


@operation(
    "Set a new password with the code sent by SMS; every session and token of the account ends",
    body=PasswordReset,
    answers={200: Done},
    errors=(422,),
    public=True,
)
def reset_password():
    body = parse(PasswordReset, json_body())
    try:
        accounts.reset_password(phone=body.phone, code=body.code, password=body.password)
    except accounts.AccountError as error:
        raise Invalid({error.field: [error.message]}) from None
    return serialise.answer(Done(message=_("Your new password is set. Sign in with it.")))
