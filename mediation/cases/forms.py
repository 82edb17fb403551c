"""Forms of the case pages: the intake form and one small form per action."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields import FieldList
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from mediation.cases.conversation import MAX_TEXT_LENGTH, text_problems
from mediation.forms import REQUIRED, AmountField, CheckboxesField, person_name_field, strip
from mediation.industries import INDUSTRIES
from mediation.legal_aid.operations import EXPLANATION as LEGAL_AID_EXPLANATION
from mediation.models import Category, Channel, Payment, PriorityGroup
from mediation.models.cases import TIER_TITLES
from mediation.translation import lazy_gettext as _l
from mediation.uploads import (
    FILE_INPUT,
    FILES_PER_SUBMISSION,
    MAX_BYTES,
    MEBIBYTE,
    SUBMISSION_LIMITS,
)
from mediation.validators import (
    InvalidValue,
    Normalised,
    normalise_mobile,
    normalise_resident_id,
    normalise_uscc,
)

NOT_CHOSEN = ""


def _date_field(label, *, required=True, description=None) -> DateField:
    return DateField(
        label,
        validators=[REQUIRED if required else Optional()],
        description=description,
        render_kw={"type": "date"},
    )


class ClaimRow(Form):
    category = SelectField(
        _l("Kind"),
        choices=[SelectChoice(NOT_CHOSEN, "—")]
        + [SelectChoice(c.value, c.title) for c in Category],
        validate_choice=True,
    )
    amount = AmountField(_l("Amount (yuan)"), filters=[strip], render_kw={"inputmode": "decimal"})
    description = StringField(_l("What for"), filters=[strip], validators=[Length(max=500)])

    @property
    def is_blank(self) -> bool:
        return not (self.category.data or self.amount.data or self.description.data)

    def validate_amount(self, field) -> None:
        if not self.is_blank and field.amount is None:
            raise ValidationError(_l("Enter the amount you claim, e.g. 6500."))

    def validate_category(self, field) -> None:
        if not self.is_blank and not field.data:
            raise ValidationError(_l("Choose what this amount is for."))


def _representatives(text: str | None) -> list[dict[str, str]]:
    """One representative a line: a name, then a mobile number."""
    people = []
    for line in (text or "").splitlines():
        parts = line.replace("，", " ").replace(",", " ").split()
        if not parts:
            continue
        if len(parts) < 2:
            raise ValidationError(_l("Write each representative as a name and a mobile number."))
        try:
            phone = normalise_mobile(parts[-1])
        except InvalidValue as error:
            raise ValidationError(error.message) from None
        people.append({"name": " ".join(parts[:-1])[:50], "phone": phone})
    return people


class IntakeForm(FlaskForm):
    # 1. Applicant (filled from the account when a worker files for themself)
    applicant_name = person_name_field(_l("Applicant's real name"))
    applicant_id_number = StringField(
        _l("Applicant's resident ID number"),
        filters=[strip],
        validators=[REQUIRED, Length(max=30), Normalised(normalise_resident_id)],
    )
    applicant_phone = StringField(
        _l("Applicant's mobile number"),
        filters=[strip],
        validators=[REQUIRED, Length(max=20), Normalised(normalise_mobile)],
        render_kw={"inputmode": "tel"},
    )
    channel = SelectField(
        _l("How the applicant came to us"),
        choices=[SelectChoice(c.value, c.title) for c in (Channel.window, Channel.phone)],
    )
    # 2. Employer
    employer_name = StringField(
        _l("Employer's name"),
        filters=[strip],
        validators=[REQUIRED, Length(max=200)],
        description=_l("As on your labour contract or pay slip."),
        # Known employers are suggested as one types (static/js/employer_search.js).
        render_kw={"list": "employer-suggestions", "autocomplete": "off"},
    )
    employer_uscc = StringField(
        _l("Employer's unified social credit code"),
        filters=[strip],
        validators=[Optional(), Length(max=30), Normalised(normalise_uscc)],
        description=_l(
            "18 characters, on the business licence or the company's public record. If you do "
            "not know it, leave it empty and give the company's address, street and industry."
        ),
        render_kw={"autocapitalize": "characters", "spellcheck": "false"},
    )
    employer_address = StringField(
        _l("Employer's address (if you do not know its code)"),
        filters=[strip],
        validators=[Length(max=200)],
        render_kw={"autocomplete": "off"},
    )
    employer_region = SelectField(
        _l("Where the employer is registered (if we do not know it yet, or without its code)"),
        coerce=str,
    )
    employer_industry = SelectField(
        _l("Employer's industry (if we do not know it yet, or without its code)"),
        choices=[SelectChoice(NOT_CHOSEN, "—")]
        + [SelectChoice(code, title) for code, title in INDUSTRIES.items()],
    )
    # 3. Employment
    employment_start = _date_field(_l("Started working there on"))
    employment_end = _date_field(
        _l("Stopped working there on"),
        required=False,
        description=_l("Leave empty if you still work there."),
    )
    rights_known_on = _date_field(
        _l("When you learnt of the problem"),
        required=False,
        description=_l(
            "For example the day the wages were due, or the day you were dismissed. You have "
            "one year from it to apply for labour arbitration; applying for mediation "
            "interrupts it. Leave empty if you are not sure."
        ),
    )
    job = StringField(_l("Job"), filters=[strip], validators=[REQUIRED, Length(max=50)])
    monthly_wage = AmountField(
        _l("Monthly wage (yuan)"), filters=[strip], render_kw={"inputmode": "decimal"}
    )
    # 4. The dispute
    categories = CheckboxesField(
        _l("What the dispute is about"),
        choices=[SelectChoice(c.value, c.title) for c in Category],
        validate_choice=True,
    )
    claims = FieldList(
        FormField(ClaimRow), label=_l("What you claim"), min_entries=3, max_entries=20
    )
    facts = TextAreaField(
        _l("What happened"),
        filters=[strip],
        validators=[REQUIRED, Length(max=5000)],
        description=_l("Dates, amounts, what the employer said. Plain words are fine."),
    )
    desired_outcome = TextAreaField(
        _l("What you would like to happen"), filters=[strip], validators=[Length(max=2000)]
    )
    # 5. Evidence
    evidence = MultipleFileField(
        _l("Evidence (PDF, JPEG or PNG, at most 10 MB each)"),
        description=_l(
            "Labour contract, pay slips, chat records, attendance records... At most "
            "%(files)d files, %(total)d MB in all, each time you send the form.",
            files=FILES_PER_SUBMISSION,
            total=FILES_PER_SUBMISSION * MAX_BYTES // MEBIBYTE,
        ),
        render_kw=FILE_INPUT,
    )
    attached = HiddenField()
    # 6. More about you
    workers_involved = IntegerField(
        _l("How many workers share this claim"),
        default=1,
        validators=[
            InputRequired(message=_l("Please fill this in.")),
            NumberRange(min=1, max=100000, message=_l("Enter a number from 1 to 100000.")),
        ],
    )
    representatives = TextAreaField(
        _l("Elected representatives (ten or more workers)"),
        description=_l("One a line: name and mobile number, e.g. 王五 13900139000"),
        validators=[Length(max=2000)],
    )
    priority_groups = CheckboxesField(
        _l("Does any of this apply to you?"),
        choices=[SelectChoice(g.value, g.title) for g in PriorityGroup],
        validate_choice=True,
    )
    lost_job = BooleanField(_l("I lost my job because of this dispute"))
    reemployment_consent = BooleanField(
        _l("If so, employment services may contact me to help me find a new job"),
        description=_l("They receive your name, mobile number and last job, nothing else."),
    )
    preferred_tier = SelectField(
        _l("Where you would like to be mediated"),
        choices=[SelectChoice(NOT_CHOSEN, _l("Let the platform choose"))]
        + [SelectChoice(tier.value, title) for tier, title in TIER_TITLES.items()],
        description=_l("An enterprise committee can only be chosen if the employer has one."),
    )
    legal_aid = BooleanField(
        _l("I would like to ask for free legal aid"), description=LEGAL_AID_EXPLANATION
    )
    consent = BooleanField(
        _l("I confirm the information is true and agree that it is used to handle this dispute."),
        validators=[InputRequired(message=_l("Please confirm, so that we can handle your case."))],
    )

    def validate_representatives(self, field) -> None:
        self.representative_list = _representatives(field.data)

    def validate_categories(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one kind of dispute."))

    def filled_claims(self) -> list[ClaimRow]:
        return [row.form for row in self.claims if not row.form.is_blank]


class AgreementForm(FlaskForm):
    terms = TextAreaField(
        _l("Terms of the agreement"), filters=[strip], validators=[REQUIRED, Length(max=10000)]
    )
    amount = AmountField(
        _l("Amount to be paid (yuan)"),
        filters=[strip],
        validators=[REQUIRED],
        description=_l("0 if nothing is paid."),
        render_kw={"inputmode": "decimal"},
    )
    due_date = _date_field(_l("To be paid by"), required=False)


class UsccForm(FlaskForm):
    uscc = StringField(
        _l("The employer's unified social credit code"),
        filters=[strip],
        validators=[REQUIRED, Length(max=30), Normalised(normalise_uscc)],
        description=_l(
            "From the company's business licence or its public record (the address the worker "
            "gave helps to find it)."
        ),
        render_kw={"autocapitalize": "characters", "spellcheck": "false"},
    )


def _choose_one(message) -> list:
    """A select whose first option is "choose": no answer is given for the person."""
    return [DataRequired(message=message)]


class HandBackForm(FlaskForm):
    """The page's form of ``cases.assignment.HandBack``."""

    reason = TextAreaField(
        _l("Why the case goes back to the queue"),
        filters=[strip],
        validators=[REQUIRED, Length(max=500)],
        render_kw={"rows": 2},
    )


class RespondForm(FlaskForm):
    answer = SelectField(
        _l("Your answer"),
        choices=[
            SelectChoice(NOT_CHOSEN, _l("— Choose your answer —")),
            SelectChoice("agree", _l("We agree to mediation")),
            SelectChoice("refuse", _l("We do not agree to mediation")),
        ],
        validators=_choose_one(_l("Choose whether the company agrees to mediation.")),
    )
    statement = TextAreaField(
        _l("Your statement in answer to the claims"),
        filters=[strip],
        validators=[Length(max=10000)],
        description=_l(
            "Your side of the facts and your view of each claim (答辩意见). Add your evidence "
            "below."
        ),
    )
    proposal = TextAreaField(
        _l("Your proposal to settle (optional)"),
        filters=[strip],
        validators=[Length(max=5000)],
        description=_l("For example what you offer to pay and by when."),
    )


class EvidenceForm(FlaskForm):
    file = MultipleFileField(
        _l("Add evidence (PDF, JPEG or PNG, at most 10 MB each)"),
        description=SUBMISSION_LIMITS,
        render_kw=FILE_INPUT,
    )


class ButtonForm(FlaskForm):
    """A form that is only a button: the CSRF token is all it carries."""


class SignForm(FlaskForm):
    """A party signs the version they read, giving their password again."""

    version = HiddenField()
    password = PasswordField(
        _l("Your password"),
        validators=[InputRequired(message=_l("Enter your password to sign."))],
        description=_l("Signing has legal effect: enter your password to confirm it is you."),
        render_kw={"autocomplete": "current-password"},
    )

    def version_number(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


class PaperSignaturesForm(FlaskForm):
    scan = FileField(
        _l("Scan of the agreement signed on paper (PDF, JPEG or PNG, at most 10 MB)"),
        validators=[FileRequired(message=_l("Choose the scan of the signed agreement."))],
        render_kw=FILE_INPUT,
    )


class PaymentForm(FlaskForm):
    """Whether the agreed amount was paid: the worker, the employer (with proof), the mediator."""

    payment = RadioField(
        _l("Was the agreed amount paid?"),
        choices=[SelectChoice(p.value, p.title) for p in Payment],
        validators=[InputRequired(message=_l("Choose one answer."))],
    )
    amount_paid = AmountField(
        _l("Amount paid so far (yuan)"),
        filters=[strip],
        validators=[Optional()],
        description=_l("Only when partly paid."),
        render_kw={"inputmode": "decimal"},
    )
    note = TextAreaField(_l("Note (optional)"), filters=[strip], validators=[Length(max=2000)])
    proof = FileField(
        _l("Proof of payment, e.g. a bank receipt (optional; PDF, JPEG or PNG)"),
        render_kw=FILE_INPUT,
    )


class ConfirmationDecisionForm(FlaskForm):
    decision = SelectField(
        _l("Decision"),
        choices=[
            SelectChoice("confirm", _l("Confirm the agreement")),
            SelectChoice("refuse", _l("Do not confirm")),
        ],
    )
    reason = TextAreaField(
        _l("Reason (required when not confirming)"),
        filters=[strip],
        validators=[Length(max=2000)],
    )


class RatingForm(FlaskForm):
    score = SelectField(
        _l("How satisfied are you with the mediation service?"),
        choices=[
            SelectChoice(NOT_CHOSEN, _l("— Choose a rating —")),
            SelectChoice("5", _l("5 – very satisfied")),
            SelectChoice("4", _l("4 – satisfied")),
            SelectChoice("3", _l("3 – neither")),
            SelectChoice("2", _l("2 – dissatisfied")),
            SelectChoice("1", _l("1 – very dissatisfied")),
        ],
        validators=_choose_one(_l("Choose how satisfied you are, from 1 to 5.")),
    )
    comment = TextAreaField(
        _l("Comment (optional)"), filters=[strip], validators=[Length(max=2000)]
    )

    def score_number(self) -> int:
        return int(self.score.data)


def _sendable(form, field) -> None:
    for problem in text_problems(field.data):
        # Text now: the error summary shows only plain strings (a lazy one as "see below").
        raise ValidationError(str(problem))


class MessageForm(FlaskForm):
    """A message to one channel of the case's conversation; the form's prefix is the channel.
    CSRF is checked for every POST by ``CSRFProtect`` (the page carries the token once)."""

    class Meta:
        csrf = False

    text = TextAreaField(
        _l("Your message"),
        filters=[strip],
        validators=[_sendable],
        description=_l("At most %(max)d characters.", max=MAX_TEXT_LENGTH),
        render_kw={"rows": 4},
    )
    attachment = FileField(
        _l("Attach a file (optional: PDF, JPEG or PNG, at most 10 MB)"),
        render_kw=FILE_INPUT,
    )
