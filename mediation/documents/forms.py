"""The forms of documents: staff record service by another way or issue a corrected version;
anyone checks a PDF against the one issued."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from mediation.documents.records import LARGEST_CHECKED_PDF
from mediation.forms import REQUIRED, strip
from mediation.models import ServiceMethod, ServiceParty
from mediation.translation import lazy_gettext as _l
from mediation.uploads import MEBIBYTE

CHOOSE = _l("Choose one.")
PARTY_LABELS = {ServiceParty.applicant: _l("Applicant"), ServiceParty.respondent: _l("Employer")}


class OtherServiceForm(FlaskForm):
    """One per document on the case page, told apart by the prefix ``service-<id>``."""

    party = RadioField(
        _l("Served on"),
        validators=[InputRequired(message=CHOOSE)],
        validate_choice=False,  # validate_party says why a choice is not offered
    )
    method = RadioField(
        _l("How"),
        choices=[
            SelectChoice(method.value, method.title)
            for method in (ServiceMethod.in_person, ServiceMethod.post)
        ],
        validators=[InputRequired(message=CHOOSE)],
    )
    note = TextAreaField(
        _l("Note"),
        filters=[strip],
        validators=[
            REQUIRED,
            Length(max=1000, message=_l("At most %(max)d characters.")),
        ],
        description=_l(
            "When and where it was handed over and to whom, or the registered-post number."
        ),
    )

    def __init__(self, parties: list[ServiceParty], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.party.choices = [SelectChoice(party.value, PARTY_LABELS[party]) for party in parties]
        if len(parties) == 1 and not self.party.data:
            self.party.data = parties[0].value

    def validate_party(self, field) -> None:
        if field.data not in {value for value, *_ in self.party.choices}:
            raise ValidationError(_l("Choose a party the document has not been served on yet."))

    @property
    def chosen_party(self) -> ServiceParty:
        return ServiceParty(self.party.data)

    @property
    def chosen_method(self) -> ServiceMethod:
        return ServiceMethod(self.method.data)

    @classmethod
    def for_document(cls, document_id: int, parties: list[ServiceParty], **kwargs):
        return cls(parties, prefix=f"service-{document_id}", **kwargs)


class CorrectionForm(FlaskForm):
    """Staff issue a corrected version of a document; one per document on the case page."""

    reason = TextAreaField(
        _l("What is corrected"),
        filters=[strip],
        validators=[REQUIRED, Length(max=1000, message=_l("At most %(max)d characters."))],
        description=_l(
            "The new version is made from the case as it is now and served on the parties "
            "again; the old one stays checkable and is marked as superseded."
        ),
    )

    @classmethod
    def for_document(cls, document_id: int, **kwargs):
        return cls(prefix=f"correct-{document_id}", **kwargs)


class CheckFileForm(FlaskForm):
    """The public check page: is this PDF byte for byte the one issued with the code?"""

    file = FileField(
        _l("The PDF you were given (at most %(limit)d MB)", limit=LARGEST_CHECKED_PDF // MEBIBYTE),
        validators=[FileRequired(message=_l("Choose the PDF file to check."))],
        render_kw={
            "accept": ".pdf,application/pdf",
            "data-max-bytes": str(LARGEST_CHECKED_PDF),
            "data-too-large": _l(
                "“{name}” is larger than %(limit)d MB: no document issued here is that large.",
                limit=LARGEST_CHECKED_PDF // MEBIBYTE,
            ),
        },
    )
