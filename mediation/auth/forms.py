from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from mediation.forms import REQUIRED, new_password_fields, person_name_field, strip
from mediation.validators import Normalised, normalise_mobile, normalise_resident_id


class RegisterForm(FlaskForm):
    name = person_name_field()
    phone = StringField(
        _l("Mobile number"),
        filters=[strip],
        validators=[REQUIRED, Length(max=20), Normalised(normalise_mobile)],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
        description=_l("You will sign in with this number."),
    )
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
