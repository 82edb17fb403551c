"""Pieces shared by the forms of every area."""

from wtforms import SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from mediation.translation import lazy_gettext as _l
from mediation.validators import InvalidValue, normalise_amount

REQUIRED = DataRequired(message=_l("Please fill this in."))


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def person_name_field(label=None) -> StringField:
    return StringField(
        label or _l("Real name"),
        filters=[strip],
        validators=[
            REQUIRED,
            Length(max=50, message=_l("A name has at most %(max)d characters.")),
        ],
        render_kw={"autocomplete": "name"},
    )


USERNAME_RULE = r"^[A-Za-z0-9_.\-]{3,50}$"
USERNAME_MESSAGE = _l("3 to 50 letters, digits, dots, dashes or underscores.")
USERNAME_PATTERN = Regexp(USERNAME_RULE, message=USERNAME_MESSAGE)


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AmountField(StringField):
    """Yuan as typed by people ("6,500", "6500.5", "¥6500"), kept as Decimal."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.amount = None
        if self.data:
            try:
                self.amount = normalise_amount(self.data)
            except InvalidValue as error:
                raise ValueError(error.message) from None
