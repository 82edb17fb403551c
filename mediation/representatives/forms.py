from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from mediation.auth.representatives import REASON_LENGTH, REASON_REQUIRED
from mediation.forms import strip
from mediation.translation import lazy_gettext as _l


class RejectForm(FlaskForm):
    reason = TextAreaField(
        _l("Why is the registration rejected?"),
        filters=[strip],
        validators=[
            DataRequired(message=REASON_REQUIRED),
            Length(max=REASON_LENGTH, message=_l("At most %(max)d characters.")),
        ],
        description=_l(
            "The person is told this by SMS, for example: the letter is not stamped by the company."
        ),
    )
