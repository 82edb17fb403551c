from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length

from mediation.forms import REQUIRED, strip
from mediation.translation import lazy_gettext as _l


def _code_field(label, description, *, digits_only: bool) -> StringField:
    return StringField(
        label,
        filters=[strip],
        validators=[REQUIRED, Length(max=20)],
        description=description,
        render_kw={
            "autocomplete": "one-time-code",
            # A recovery code has letters too: a phone must not offer only digits for it.
            "inputmode": "numeric" if digits_only else "text",
        },
    )


class SecondFactorForm(FlaskForm):
    code = _code_field(
        _l("Code"),
        _l("The 6-digit code your authenticator app shows now, or one of your recovery codes."),
        digits_only=False,
    )


class EnrolForm(FlaskForm):
    code = _code_field(
        _l("Code from the app"),
        _l("After adding the account, the app shows a 6-digit code. Enter it here."),
        digits_only=True,
    )
