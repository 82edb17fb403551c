"""The form a lead mediator assigns a case with (``cases.assignment.Assign``)."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from mediation.cases.assignment import REASSIGN_REASON_NEEDED, assignable_mediators
from mediation.forms import strip
from mediation.models import Case
from mediation.translation import lazy_gettext as _l

NOBODY = 0


def _held_by(value: str) -> int | None:
    """The hidden field: who held the case when the page was shown ("" for nobody)."""
    return int(value) if value and value.isdigit() else None


class AssignForm(FlaskForm):
    mediator_id = SelectField(
        _l("Mediator"),
        coerce=int,
        # The operation says why a mediator cannot take the case, in its own words.
        validate_choice=False,
        validators=[DataRequired(message=_l("Choose the mediator who takes the case."))],
    )
    reason = TextAreaField(
        _l("Why the case goes to this mediator"),
        filters=[strip],
        validators=[Length(max=500)],
        description=_l("Needed when another mediator has the case; they are told."),
        render_kw={"rows": 2},
    )
    # Who had the case when the lead looked: if that changed, the lead looks again first.
    seen = HiddenField(filters=[_held_by])

    def __init__(self, organization_id: int, held_by: int | None, *args, **kwargs) -> None:
        """The form for a case of ``organization_id`` that ``held_by`` has now (None: it
        waits in the queue)."""
        kwargs.setdefault("prefix", "assign")
        super().__init__(*args, **kwargs)
        self.held_by = held_by
        self.mediator_id.choices = [
            SelectChoice(NOBODY, _l("— Choose a mediator —")),
            *(
                SelectChoice(mediator.id, mediator.name)
                for mediator in assignable_mediators(organization_id)
                if mediator.id != held_by
            ),
        ]
        if kwargs.get("formdata", True) is None:
            self.seen.data = held_by

    @classmethod
    def for_case(cls, case: Case, **kwargs) -> "AssignForm":
        return cls(case.organization_id, case.mediator_id, **kwargs)

    def validate_reason(self, field) -> None:
        if self.held_by is not None and not field.data:
            raise ValidationError(str(REASSIGN_REASON_NEEDED))
