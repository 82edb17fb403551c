from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length

from mediation.forms import REQUIRED, strip


class SecondFactorForm(FlaskForm):
    code = StringField(
        _l("Code"),
        filters=[strip],
        validators=[REQUIRED, Length(max=20)],
        description=_l(
            "The 6-digit code your authenticator app shows now, or one of your recovery codes."
        ),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class EnrolForm(FlaskForm):
    code = StringField(
        _l("Code from the app"),
        filters=[strip],
        validators=[REQUIRED, Length(max=20)],
        description=_l("After adding the account, the app shows a 6-digit code. Enter it here."),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
