"""The pages' forms for sessions, minutes, the extension of the mediation period and the
suspension of the limitation for arbitration. Their rules beyond the shape of a field are the
operations' own (``cases.sessions.problems``, ``cases.suspension.problems``), so a page and the
API refuse the same things with the same words."""

from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from flask_wtf.file import FileField, FileRequired
from markupsafe import Markup, escape
from wtforms import (
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from mediation.forms import REQUIRED, strip
from mediation.models import Attendance, SessionMode, SuspensionCause
from mediation.translation import lazy_gettext as _l
from mediation.uploads import FILE_INPUT
from workflows.case import MAX_EXTENSION_DAYS


class CaseForm(FlaskForm):
    """A form of which the case page shows several (one per session): its fields carry a
    prefix, and the CSRF token is the page's, checked for every POST by ``CSRFProtect``."""

    class Meta:
        csrf = False

    @property
    def csrf_token(self) -> Markup:
        return Markup('<input name="csrf_token" type="hidden" value="{}">').format(
            escape(generate_csrf())
        )


class SessionForm(CaseForm):
    date = DateField(_l("Date"), validators=[REQUIRED], render_kw={"type": "date"})
    time = TimeField(_l("Time"), validators=[REQUIRED], render_kw={"type": "time"})
    mode = SelectField(_l("How"), choices=[SelectChoice(m.value, m.title) for m in SessionMode])
    location = StringField(
        _l("Place (in person)"),
        filters=[strip],
        validators=[Length(max=200)],
        description=_l("The address and room, for a session in person."),
    )
    video_link = StringField(
        _l("Meeting link (video)"),
        filters=[strip],
        validators=[Length(max=500)],
        description=_l(
            "Leave empty to use the organisation's video-meeting room. Starts with https://."
        ),
        render_kw={"type": "url", "inputmode": "url", "spellcheck": "false"},
    )
    # Where the operation's problems (named as in the API) are shown on this form.
    FIELD_OF = {"starts_at": "date"}


class RescheduleForm(SessionForm):
    reason = TextAreaField(
        _l("Why the session moves"), filters=[strip], validators=[REQUIRED, Length(max=2000)]
    )


class CancelForm(CaseForm):
    reason = TextAreaField(
        _l("Why the session is cancelled"),
        filters=[strip],
        validators=[REQUIRED, Length(max=2000)],
    )


class SessionAnswerForm(CaseForm):
    attendance = SelectField(
        _l("Your answer"), choices=[SelectChoice(a.value, a.title) for a in Attendance]
    )
    note = TextAreaField(
        _l("Which times suit you (if you ask for another time)"),
        filters=[strip],
        validators=[Length(max=2000)],
    )


class MinutesForm(CaseForm):
    attendees = TextAreaField(_l("Who took part"), filters=[strip], validators=[Length(max=2000)])
    minutes = TextAreaField(
        _l("Minutes"), filters=[strip], validators=[REQUIRED, Length(max=20000)]
    )


class MinutesAnswerForm(CaseForm):
    answer = SelectField(
        _l("The minutes"),
        choices=[
            SelectChoice("confirm", _l("The minutes are right")),
            SelectChoice("refuse", _l("I do not confirm them")),
        ],
    )
    note = TextAreaField(
        _l("What is wrong (required if you do not confirm)"),
        filters=[strip],
        validators=[Length(max=2000)],
    )


class ExtensionForm(CaseForm):
    days = IntegerField(
        _l("Extend by how many days"),
        validators=[
            InputRequired(message=_l("Enter the number of days.")),
            NumberRange(
                min=1,
                max=MAX_EXTENSION_DAYS,
                message=_l("An extension is 1 to %(max)d days.", max=MAX_EXTENSION_DAYS),
            ),
        ],
        render_kw={"inputmode": "numeric"},
    )
    reason = TextAreaField(
        _l("Why more time is needed"),
        filters=[strip],
        validators=[REQUIRED, Length(max=2000)],
        description=_l("Both parties read this before they answer."),
    )


class ExtensionAnswerForm(CaseForm):
    answer = SelectField(
        _l("Your answer"),
        choices=[
            SelectChoice("agree", _l("I agree to the extension")),
            SelectChoice("refuse", _l("I do not agree")),
        ],
    )


class PaperConsentForm(CaseForm):
    form = FileField(
        _l("The consent form both parties signed (PDF, JPEG or PNG, at most 10 MB)"),
        validators=[FileRequired(message=_l("Choose the scan of the signed form."))],
        render_kw=FILE_INPUT,
    )


class SuspensionForm(CaseForm):
    """Staff record a suspension of the limitation (劳动争议调解仲裁法 第二十七条第三款); the
    reason is required by the operation, which says so beside the field with its other
    problems."""

    cause = SelectField(
        _l("Why the worker could not apply"),
        choices=[SelectChoice(c.value, c.title) for c in SuspensionCause],
    )
    starts_on = DateField(
        _l("From (the day the cause arose)"),
        validators=[REQUIRED],
        render_kw={"type": "date"},
    )
    ends_on = DateField(
        _l("To (the day the cause ended)"),
        validators=[Optional()],
        description=_l("Leave it empty while the cause lasts, and record the end later."),
        render_kw={"type": "date"},
    )
    reason = TextAreaField(
        _l("What kept the worker from applying"),
        filters=[strip],
        validators=[Length(max=2000)],
        description=_l("The worker reads this: e.g. in hospital from … to …, proof seen."),
    )


class SuspensionEndForm(CaseForm):
    ends_on = DateField(
        _l("The day the cause ended"),
        validators=[REQUIRED],
        description=_l("The time limit runs on from this day."),
        render_kw={"type": "date"},
    )


def show_problems(form: FlaskForm, problems: dict[str, list]) -> None:
    """Put an operation's problems beside the fields of ``form`` they concern."""
    aliases = getattr(form, "FIELD_OF", {})
    for name, messages in problems.items():
        field = getattr(form, aliases.get(name, name), None)
        if field is None:
            form.form_errors.extend(str(message) for message in messages)
        else:
            field.errors = [*field.errors, *(str(message) for message in messages)]
