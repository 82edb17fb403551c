"""The edit form of an application: the same fields as ``content.Content``, typed by a person."""

from flask_wtf import FlaskForm
from wtforms import Form, FormField, StringField, TextAreaField, ValidationError
from wtforms.fields import FieldList
from wtforms.validators import Length

from mediation.forms import REQUIRED, AmountField, strip
from mediation.handoff.content import (
    EVIDENCE_LINE_LENGTH,
    MAX_CLAIMS,
    MAX_EVIDENCE_LINES,
    NO_CLAIM,
    Content,
)
from mediation.translation import lazy_gettext as _l

BLANK_ROWS = 2  # empty claim rows offered for new claims


class ClaimLineForm(Form):
    description = StringField(_l("What is claimed"), filters=[strip], validators=[Length(max=500)])
    amount = AmountField(_l("Amount (yuan)"), filters=[strip], render_kw={"inputmode": "decimal"})

    @property
    def is_blank(self) -> bool:
        return not (self.description.data or self.amount.data)

    def validate_description(self, field) -> None:
        if not self.is_blank and not field.data:
            raise ValidationError(_l("Say what this amount is for."))

    def validate_amount(self, field) -> None:
        # A typed amount that is no amount already has its message (AmountField).
        if not self.is_blank and not field.data:
            raise ValidationError(_l("Enter the amount, e.g. 6500."))


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ApplicationForm(FlaskForm):
    claims = FieldList(
        FormField(ClaimLineForm), label=_l("Claims"), min_entries=1, max_entries=MAX_CLAIMS
    )
    facts = TextAreaField(
        _l("Facts and reasons"),
        filters=[strip],
        validators=[REQUIRED, Length(max=10000)],
        description=_l("What happened, and why the claims are due: dates, amounts, what was said."),
    )
    evidence = TextAreaField(
        _l("Evidence"),
        description=_l("One item a line: what it is and what it shows, e.g. a pay slip."),
    )
    applicant_address = StringField(
        _l("Applicant's address"),
        filters=[strip],
        validators=[Length(max=200)],
        description=_l("Where letters from the commission or court reach the worker."),
    )
    respondent_address = StringField(
        _l("Employer's address"), filters=[strip], validators=[Length(max=200)]
    )
    respondent_representative = StringField(
        _l("Employer's legal representative"),
        filters=[strip],
        validators=[Length(max=50)],
        description=_l("If known."),
    )

    @classmethod
    def of(cls, content: Content) -> "ApplicationForm":
        """The form showing ``content``, with empty rows for more claims."""
        data = content.stored()
        data["evidence"] = "\n".join(content.evidence)
        form = cls(formdata=None, data=data)
        for _row in range(min(BLANK_ROWS, MAX_CLAIMS - len(form.claims))):
            form.claims.append_entry()
        return form

    def validate_claims(self, field) -> None:
        if all(row.form.is_blank for row in field):
            raise ValidationError(NO_CLAIM)

    def validate_evidence(self, field) -> None:
        lines = _lines(field.data)
        if len(lines) > MAX_EVIDENCE_LINES:
            raise ValidationError(_l("At most %(max)d lines of evidence.", max=MAX_EVIDENCE_LINES))
        if any(len(line) > EVIDENCE_LINE_LENGTH for line in lines):
            raise ValidationError(
                _l("Each line has at most %(max)d characters.", max=EVIDENCE_LINE_LENGTH)
            )

    def content(self) -> dict:
        """The fields as ``Content`` takes them (blank claim rows left out)."""
        return {
            "claims": [
                {"description": row.form.description.data, "amount": str(row.form.amount.amount)}
                for row in self.claims
                if not row.form.is_blank
            ],
            "facts": self.facts.data,
            "evidence": _lines(self.evidence.data),
            "applicant_address": self.applicant_address.data or "",
            "respondent_address": self.respondent_address.data or "",
            "respondent_representative": self.respondent_representative.data or "",
        }
