import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional

from mediation.forms import REQUIRED, new_password_fields, person_name_field, strip
from mediation.validators import (
    InvalidValue,
    Normalised,
    normalise_mobile,
    normalise_resident_id,
    normalise_uscc,
)


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
    password, confirm = new_password_fields(_l("Password"))
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
        render_kw={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"},
        description=_l(
            "The company's letter that authorises you to represent it in labour disputes, "
            "signed and stamped: a PDF, JPEG or PNG of at most 10 MB."
        ),
    )
    password, confirm = new_password_fields(_l("Password"))
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
    password, confirm = new_password_fields()


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
    password, confirm = new_password_fields()


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
