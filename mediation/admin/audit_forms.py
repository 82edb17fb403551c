from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from mediation.forms import strip
from mediation.translation import lazy_gettext as _l

# What an administrator looks for first: refused and failed attempts, and reads of personal
# data (the audit actions' prefixes; see core.audit).
KINDS = {
    "": _l("Everything"),
    "security": _l("Refused and failed attempts"),
    "read": _l("Reads of personal data"),
    "account": _l("Accounts and sign-ins"),
    "case": _l("Case events"),
}


class AuditFilterForm(FlaskForm):
    """The audit page's filters, read from the query string (a search changes nothing)."""

    class Meta:
        csrf = False

    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(value, label) for value, label in KINDS.items()],
        default="",
    )
    actor = StringField(
        _l("By (username)"), filters=[strip], validators=[Optional(), Length(max=50)]
    )
    case = StringField(_l("Case number"), filters=[strip], validators=[Optional(), Length(max=30)])
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])

    def validate_end(self, field) -> None:
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The end date is before the start date."))
