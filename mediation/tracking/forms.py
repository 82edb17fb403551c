from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length

from mediation.forms import REQUIRED, strip
from mediation.translation import lazy_gettext as _l

# Case numbers are at most 40 characters (models.Case.number); a code is 8, with room for the
# spaces and dashes people type. Anything longer names nothing: a message, not a lookup.
NUMBER_MAX = 40
CODE_MAX = 20
TOO_LONG = _l("At most %(max)d characters.")


class TrackForm(FlaskForm):
    number = StringField(
        _l("Case number"),
        filters=[strip],
        validators=[REQUIRED, Length(max=NUMBER_MAX, message=TOO_LONG)],
        description=_l("As on the receipt or in the SMS, for example FCJD-2026-000123."),
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )
    code = StringField(
        _l("Progress code"),
        filters=[strip],
        validators=[REQUIRED, Length(max=CODE_MAX, message=TOO_LONG)],
        description=_l(
            "The 8 letters and digits sent to the applicant by SMS when the case was filed, "
            "for example ABCD-EFGH."
        ),
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"},
    )
