from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from mediation.forms import REQUIRED, AmountField, CheckboxesField, strip
from mediation.translation import lazy_gettext as _l
from mediation.uploads import MEBIBYTE, table_input


def _date(label, required=True) -> DateField:
    return DateField(
        label, validators=[REQUIRED if required else Optional()], render_kw={"type": "date"}
    )


class ProfileForm(FlaskForm):
    skills = TextAreaField(
        _l("Skills"),
        filters=[strip],
        validators=[Length(max=2000)],
        description=_l("Separate skills with commas, e.g. 焊工, 叉车"),
    )
    education = StringField(_l("Education"), filters=[strip], validators=[Length(max=50)])
    certificates = TextAreaField(_l("Certificates"), filters=[strip], validators=[Length(max=2000)])
    desired_job = StringField(_l("Desired job"), filters=[strip], validators=[Length(max=100)])
    desired_industries = CheckboxesField(_l("Desired industries"))
    desired_district_id = SelectField(_l("Where the worker wants to work"), coerce=int)
    wage_expectation = AmountField(_l("Expected monthly wage (yuan)"), filters=[strip])
    training_interest = BooleanField(_l("Interested in training"))


class VacancyForm(FlaskForm):
    employer = StringField(_l("Employer"), filters=[strip], validators=[REQUIRED, Length(max=200)])
    title = StringField(_l("Job title"), filters=[strip], validators=[REQUIRED, Length(max=100)])
    industry = SelectField(_l("Industry"))
    district_id = SelectField(_l("District"), coerce=int)
    wage_min = AmountField(_l("Lowest monthly wage (yuan)"), filters=[strip])
    wage_max = AmountField(_l("Highest monthly wage (yuan)"), filters=[strip])
    skills = StringField(
        _l("Skills required"),
        filters=[strip],
        validators=[Length(max=500)],
        description=_l("Separate skills with commas"),
    )
    openings = IntegerField(
        _l("Openings"),
        default=1,
        validators=[
            InputRequired(message=_l("Please fill this in.")),
            NumberRange(min=1, max=10000, message=_l("Enter a number from 1 to 10000.")),
        ],
    )

    def validate_wage_max(self, field) -> None:
        low, high = self.wage_min.amount, field.amount
        if low is not None and high is not None and high < low:
            raise ValidationError(_l("The highest wage cannot be below the lowest."))


MAX_FILE_BYTES = 2 * MEBIBYTE


class ImportForm(FlaskForm):
    file = FileField(
        _l("Vacancies file (CSV, UTF-8 or GBK)"),
        description=_l("At most %(limit)d MB.", limit=MAX_FILE_BYTES // MEBIBYTE),
        render_kw=table_input(MAX_FILE_BYTES, accept=".csv,text/csv"),
    )
    # After a preview with errors: the same file, signed, to import only its valid rows.
    payload = HiddenField()
