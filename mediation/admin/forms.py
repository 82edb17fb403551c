from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from mediation.forms import (
    REQUIRED,
    USERNAME_PATTERN,
    new_password_fields,
    person_name_field,
    strip,
)
from mediation.models import Role
from mediation.validators import Normalised, normalise_mobile

NONE_CHOSEN = 0


def _optional_choice(label) -> SelectField:
    return SelectField(label, coerce=int, default=NONE_CHOSEN, validate_choice=True)


class StaffForm(FlaskForm):
    username = StringField(
        _l("Username"),
        filters=[strip],
        validators=[REQUIRED, USERNAME_PATTERN],
        render_kw={"autocomplete": "off"},
    )
    name = person_name_field(_l("Name"))
    phone = StringField(
        _l("Mobile number (optional)"),
        filters=[strip],
        validators=[Optional(), Length(max=20), Normalised(normalise_mobile)],
        render_kw={"inputmode": "tel"},
    )
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(role.value, role.title) for role in Role if role is not Role.worker],
        validators=[REQUIRED],
    )
    organization = _optional_choice(_l("Organisation (mediators, court liaisons, officers)"))
    employer = _optional_choice(_l("Employer (employer representatives)"))
    region = _optional_choice(_l("Jurisdiction (supervisors)"))
    password, confirm = new_password_fields(_l("Password"))


class HolidayScheduleForm(FlaskForm):
    holidays = TextAreaField(
        _l("Holidays (days off)"),
        description=_l("One date or range a line, e.g. 2027-02-06..2027-02-13"),
        render_kw={"rows": 10, "spellcheck": "false"},
    )
    makeup_workdays = TextAreaField(
        _l("Make-up working days (weekend days worked)"),
        description=_l("Saturdays or Sundays that are working days, e.g. 2027-02-20"),
        render_kw={"rows": 4, "spellcheck": "false"},
    )
