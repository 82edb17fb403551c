from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional, Regexp

from mediation.auth.forms import new_password_fields, normalise_email
from mediation.forms import (
    REQUIRED,
    USERNAME_PATTERN,
    AmountField,
    CheckboxesField,
    person_name_field,
    strip,
)
from mediation.industries import INDUSTRIES
from mediation.models import Role
from mediation.translation import lazy_gettext as _l
from mediation.validators import Normalised, normalise_mobile

NONE_CHOSEN = 0


def _optional_choice(label) -> SelectField:
    return SelectField(label, coerce=int, default=NONE_CHOSEN, validate_choice=True)


def _mobile_field() -> StringField:
    return StringField(
        _l("Mobile number (optional)"),
        filters=[strip],
        validators=[Optional(), Length(max=20), Normalised(normalise_mobile)],
        render_kw={"inputmode": "tel"},
    )


class StaffForm(FlaskForm):
    username = StringField(
        _l("Username"),
        filters=[strip],
        validators=[REQUIRED, USERNAME_PATTERN],
        render_kw={"autocomplete": "off"},
    )
    name = person_name_field(_l("Name"))
    phone = _mobile_field()
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(role.value, role.title) for role in Role if role is not Role.worker],
        validators=[REQUIRED],
    )
    organization = _optional_choice(_l("Organisation (mediators, court liaisons, officers)"))
    employer = _optional_choice(_l("Employer (employer representatives)"))
    region = _optional_choice(_l("Jurisdiction (supervisors)"))
    password, confirm = new_password_fields(_l("Password"), "username", "name", "phone")


class AccountForm(FlaskForm):
    """An administrator corrects or moves an account (``admin.staff.update_account``)."""

    name = person_name_field(_l("Name"))
    phone = _mobile_field()
    email = StringField(
        _l("E-mail (optional)"),
        filters=[strip],
        validators=[Optional(), Length(max=254), Normalised(normalise_email)],
        render_kw={"inputmode": "email", "spellcheck": "false"},
    )
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(role.value, role.title) for role in Role],
        validators=[REQUIRED],
    )
    organization = _optional_choice(_l("Organisation (mediators, court liaisons, officers)"))
    employer = _optional_choice(_l("Employer (employer representatives)"))
    region = _optional_choice(_l("Jurisdiction (supervisors)"))
    lead = BooleanField(
        _l("Lead mediator of the organisation"),
        description=_l(
            "A lead mediator assigns the organisation's cases to its mediators, gives a case "
            "to another mediator, and sees each mediator's load."
        ),
    )


class EmployerForm(FlaskForm):
    """An administrator corrects an employer's record (``admin.employers.update_employer``)."""

    name = StringField(_l("Name"), filters=[strip], validators=[REQUIRED, Length(max=200)])
    uscc = StringField(
        _l("Unified social credit code (optional until known)"),
        filters=[strip],
        validators=[Optional(), Length(max=30)],
        render_kw={"spellcheck": "false", "autocapitalize": "characters"},
    )
    region = SelectField(_l("Registered in"), coerce=int, validators=[REQUIRED])
    industry = SelectField(
        _l("Industry"),
        choices=[SelectChoice(letter, title) for letter, title in INDUSTRIES.items()],
        validators=[REQUIRED],
    )
    address = StringField(_l("Address (optional)"), filters=[strip], validators=[Length(max=200)])


class MergeForm(FlaskForm):
    into = StringField(
        _l("Unified social credit code of the record that stays"),
        filters=[strip],
        validators=[REQUIRED, Length(max=30)],
        render_kw={"spellcheck": "false", "autocapitalize": "characters"},
    )


def _text(label, length: int) -> StringField:
    return StringField(label, filters=[strip], validators=[Optional(), Length(max=length)])


def _phone(label) -> StringField:
    return StringField(
        label,
        filters=[strip],
        validators=[
            Optional(),
            Length(max=30),
            Regexp(r"^[0-9()+\- ]+$", message=_l("Digits, spaces, brackets and dashes only.")),
        ],
        render_kw={"inputmode": "tel"},
    )


class DistrictForm(FlaskForm):
    """A district's arbitration commission, legal-aid station and basic people's court
    (``admin.network``)."""

    arbitration_commission = _text(_l("Labour-dispute arbitration commission"), 200)
    arbitration_address = _text(_l("Its address"), 200)
    arbitration_phone = _phone(_l("Its telephone"))
    legal_aid_station = _text(_l("Legal-aid station"), 200)
    legal_aid_address = _text(_l("Its address"), 200)
    legal_aid_phone = _phone(_l("Its telephone"))
    basic_court = _text(_l("Basic people's court"), 200)
    basic_court_address = _text(_l("Its address"), 200)
    basic_court_phone = _phone(_l("Its telephone"))


class OrganizationForm(FlaskForm):
    """Where and when an organisation's parties find it (``admin.network``)."""

    address = _text(_l("Address"), 200)
    phone = _phone(_l("Telephone"))
    office_hours = _text(_l("Office hours (e.g. Mon–Fri 9:00–12:00, 14:00–17:30)"), 200)
    contact = _text(_l("Contact person"), 50)
    video_link = StringField(
        _l("Video-meeting room (https://…)"),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=500),
            Regexp(r"^https?://\S+$", message=_l("A web address starting with https://.")),
        ],
    )


class DeactivateForm(FlaskForm):
    reason = TextAreaField(
        _l("Why (e.g. left the centre on 30 November)"),
        filters=[strip],
        validators=[REQUIRED, Length(max=500)],
        render_kw={"rows": 2},
    )


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


class RuleForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip], validators=[REQUIRED, Length(max=100)])
    name_en = StringField(
        _l("Name in English (optional; shown when the interface is English)"),
        filters=[strip],
        validators=[Optional(), Length(max=100)],
    )
    destination = SelectField(_l("Send the case to"))
    organization = _optional_choice(_l("Organisation (when sending to one organisation)"))
    preferred_tier = SelectField(_l("Only when the applicant chose"))
    min_workers = IntegerField(
        _l("Only with at least this many workers"),
        validators=[Optional(), NumberRange(min=1, max=100000)],
    )
    min_amount = AmountField(_l("Only when the claims add up to at least (yuan)"), filters=[strip])
    categories = CheckboxesField(_l("Only for these kinds of dispute (none: any)"))
    region_ids = CheckboxesField(
        _l("Only for employers registered in (none: anywhere)"), coerce=int
    )
    industries = CheckboxesField(_l("Only for these industries (none: any)"))
    channels = CheckboxesField(_l("Only for these channels (none: any)"))
    active = BooleanField(_l("In use"), default=True)


class TryRoutingForm(FlaskForm):
    class Meta:
        csrf = False  # a GET that changes nothing

    employer = SelectField(_l("Employer"), coerce=int)
    categories = CheckboxesField(_l("Kinds of dispute"))
    amount = AmountField(_l("Amount claimed (yuan)"), filters=[strip])
    workers = IntegerField(_l("Workers"), default=1, validators=[Optional(), NumberRange(min=1)])
    preferred_tier = SelectField(_l("Applicant's choice"))
    channel = SelectField(_l("Channel"))
