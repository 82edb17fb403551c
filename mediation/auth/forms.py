import re
from collections.abc import Callable

from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from mediation.auth import passwords
from mediation.forms import REQUIRED, person_name_field, strip
from mediation.translation import lazy_gettext as _l
from mediation.uploads import FILE_INPUT
from mediation.validators import (
    InvalidValue,
    Normalised,
    normalise_mobile,
    normalise_resident_id,
    normalise_uscc,
)


class ChosenPassword:
    """WTForms validator: the rules of ``auth.passwords``, with the person's own words taken
    from the fields named (as typed on the same form) or from the account."""

    def __init__(self, *fields: str, account: Callable[[], object] | None = None) -> None:
        self.fields = fields
        self.account = account

    def __call__(self, form: FlaskForm, field: PasswordField) -> None:
        if not field.data:
            return
        typed = {name: form[name].data for name in self.fields if not form[name].errors}
        personal = passwords.personal_words(**typed)
        if self.account is not None:
            personal += passwords.account_words(self.account())
        refused = passwords.refusal(field.data, personal)
        if refused is not None:
            raise ValidationError(refused)


def new_password_fields(
    label=None, *personal_fields: str, account: Callable[[], object] | None = None
) -> tuple[PasswordField, PasswordField]:
    """A new password and its repetition. ``personal_fields`` name the fields of the form that
    the password must not be made of (name, numbers, username); ``account`` gives an account
    whose own are refused."""
    password = PasswordField(
        label or _l("New password"),
        validators=[REQUIRED, ChosenPassword(*personal_fields, account=account)],
        render_kw={"autocomplete": "new-password"},
        description=passwords.HINT,
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[REQUIRED, EqualTo("password", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


def _mobile_field(description=None) -> StringField:
    return StringField(
        _l("Mobile number"),
        filters=[strip],
        validators=[REQUIRED, Length(max=20), Normalised(normalise_mobile)],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
        description=description,
    )


class RegisterForm(FlaskForm):
    name = person_name_field()
    phone = _mobile_field(_l("You will sign in with this number."))
    id_number = StringField(
        _l("Resident ID number"),
        filters=[strip],
        validators=[REQUIRED, Length(max=30), Normalised(normalise_resident_id)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
        description=_l("18 characters, as on your ID card. Only mediation staff see it in full."),
    )
    password, confirm = new_password_fields(_l("Password"), "name", "phone", "id_number")
    consent = BooleanField(
        _l(
            "I agree that my details are used to handle my dispute and are shared only with "
            "the mediation organisations, courts and employment services that handle it."
        ),
        validators=[DataRequired(message=_l("Please agree, so that we can handle your case."))],
    )


class RepresentativeRegisterForm(FlaskForm):
    """An employer representative's registration (``auth.representatives``)."""

    name = person_name_field()
    phone = _mobile_field(_l("You will sign in with this number. We send a code to it by SMS."))
    uscc = StringField(
        _l("The company's unified social credit code"),
        filters=[strip],
        validators=[REQUIRED, Length(max=30), Normalised(normalise_uscc)],
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
        description=_l("18 characters, as on the company's business licence."),
    )
    letter = FileField(
        _l("Letter of authorisation"),
        validators=[FileRequired(message=_l("Please choose the letter of authorisation."))],
        render_kw=FILE_INPUT,
        description=_l(
            "The company's letter that authorises you to represent it in labour disputes, "
            "signed and stamped: a PDF, JPEG or PNG of at most 10 MB."
        ),
    )
    password, confirm = new_password_fields(_l("Password"), "name", "phone")
    declaration = BooleanField(
        _l(
            "I declare that the company authorised me to represent it, and that the letter "
            "is genuine. Mediation staff of the company's district check it before my "
            "account can be used."
        ),
        validators=[DataRequired(message=_l("Please confirm the declaration."))],
    )


class LoginForm(FlaskForm):
    identifier = StringField(
        _l("Username or mobile number"),
        filters=[strip],
        validators=[REQUIRED, Length(max=50)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[REQUIRED, Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[REQUIRED, Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
    password, confirm = new_password_fields(account=lambda: current_user)


def _code_field() -> StringField:
    return StringField(
        _l("Code from the SMS"),
        filters=[strip],
        validators=[REQUIRED, Length(max=20)],
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "maxlength": "8",
            "spellcheck": "false",
        },
        description=_l("6 digits. The code is valid for 10 minutes."),
    )


class VerifyPhoneForm(FlaskForm):
    code = _code_field()


class ForgotPasswordForm(FlaskForm):
    phone = _mobile_field(_l("The number you registered with."))


class ResetPasswordForm(FlaskForm):
    phone = _mobile_field()
    code = _code_field()
    # The account's own words are checked once the code has proven whose it is
    # (accounts.reset_password): asking now would tell its name to anyone typing a number.
    password, confirm = new_password_fields(None, "phone")


EMAIL_PATTERN = re.compile(r"[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+")


def normalise_email(raw: str) -> str:
    value = raw.strip()
    if len(value) > 254 or not EMAIL_PATTERN.fullmatch(value):
        raise InvalidValue(_l("Enter an e-mail address like name@example.com."))
    return value


class PreferencesForm(FlaskForm):
    email = StringField(
        _l("E-mail address (optional)"),
        filters=[strip],
        validators=[Optional(), Length(max=254), Normalised(normalise_email)],
        render_kw={"autocomplete": "email", "inputmode": "email", "spellcheck": "false"},
        description=_l(
            "We send you a link to confirm it. Notices are e-mailed only once it is confirmed. "
            "Leave it empty to receive no e-mail."
        ),
    )
    sms_information = BooleanField(
        _l("Also send information-only notices by SMS (for example: a case was transferred)")
    )
