"""Request bodies and answers as pydantic models: one schema per body, for the pages and the API.

A body's *shape* is checked here (types, lengths, choices); the domain rules (a reason is
needed, an extension is 1-15 days) stay in ``workflows`` and the operations, which report
their problems by field too. ``parse`` reads a body and raises :class:`Invalid` with a message
in the reader's language for every field at fault, so one answer lists them all.

The API reads JSON strictly (``"5"`` is not a number, ``"true"`` is not a boolean); a page's
form is read by :func:`form_data`, which turns the browser's strings into the same Python
values first.

A field may carry a :class:`Label` in its ``Annotated`` metadata: the page's form shows it.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from types import UnionType
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from werkzeug.datastructures import MultiDict

from mediation.core.errors import Invalid
from mediation.translation import lazy_gettext as _l

REQUIRED = _l("Please fill this in.")

# The largest id a table holds (PostgreSQL's integer). A larger number names no record; compared
# with an id column it would be an error of the database (a 500), not a row that is not there.
LARGEST_ID = 2**31 - 1
# A field that names a record by its id.
RecordId = Annotated[int, Field(ge=1, le=LARGEST_ID)]

M = TypeVar("M", bound="Body")


@dataclass(frozen=True)
class Label:
    """What a form shows for a field: its label, an optional hint, and how it is entered."""

    text: Any  # a lazy string
    hint: Any = None
    widget: str | None = None  # "textarea", "checkbox", "number", "select"; None: from the type


class Body(BaseModel):
    """Base of every request body: unknown keys are ignored, text is trimmed, and ``null`` means
    the same as leaving the field out, as mobile clients send empty fields either way (a
    required field is then reported as missing)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _null_is_absent(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            return {key: value for key, value in data.items() if value is not None}
        return data

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        """U+0000 is no text a person writes, and PostgreSQL cannot store it: refused like a
        value that is not text (rather than a 500 when it reaches the database)."""
        if _holds_nul(value):
            raise PydanticCustomError("string_type", "text with a NUL character")
        return value


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return any(_holds_nul(item) for item in value)
    return False


def _message(error: Mapping[str, Any]):
    """The reader's words for one pydantic error."""
    kind, context = error["type"], error.get("ctx") or {}
    match kind:
        case "missing":
            return REQUIRED
        case "string_type":
            return _l("This must be text.")
        case "string_too_long":
            return _l("At most %(max)d characters.", max=context["max_length"])
        case "bool_type" | "bool_parsing":
            return _l("Send true or false.")
        case "int_type" | "int_parsing" | "int_from_float":
            return _l("Enter a whole number.")
        case "greater_than_equal" | "less_than_equal":
            return _l("This number is out of range.")
        case "enum" | "literal_error":
            return _l("Not one of: %(choices)s.", choices=context.get("expected", ""))
        case "date_type" | "date_parsing" | "date_from_datetime_parsing":
            return _l("Use a date like 2026-03-01.")
        case "datetime_type" | "datetime_parsing" | "datetime_from_date_parsing":
            return _l("Use a time like 2026-11-25T10:00:00+08:00.")
        case "list_type":
            return _l("Send a list.")
        case "model_type" | "model_attributes_type" | "dict_type":
            return _l("Send an object.")
        case "decimal_type" | "decimal_parsing":
            return _l('Send amounts as strings of yuan, e.g. "6500.00".')
    # A custom error raised by one of our validators carries its own translated message.
    return context.get("message") or error["msg"]


def errors_of(error: ValidationError) -> dict[str, list]:
    """Field path (``claims.0.amount``) → messages, in the order pydantic found them."""
    errors: dict[str, list] = {}
    for item in error.errors(include_url=False):
        path = ".".join(str(part) for part in item["loc"]) or "body"
        errors.setdefault(path, []).append(_message(item))
    return errors


def parse(model: type[M], data: Any, *, strict: bool = True) -> M:
    """``data`` as a ``model``, or :class:`Invalid` listing every field's problems."""
    if not isinstance(data, Mapping):
        raise Invalid({"body": [_l("Send a JSON object.")]})
    try:
        return model.model_validate(dict(data), strict=strict)
    except ValidationError as error:
        raise Invalid(errors_of(error)) from None


def _types(annotation: Any) -> set[Any]:
    """The plain types a field takes: ``Annotated`` and unions taken apart, None left out."""
    if get_origin(annotation) is Annotated:
        return _types(get_args(annotation)[0])
    if get_origin(annotation) in (Union, UnionType):
        return set().union(*(_types(arg) for arg in get_args(annotation)))
    return set() if annotation is type(None) else {annotation}


def choice_enum(model: type[Body], name: str) -> type[StrEnum] | None:
    """The enum a field chooses from, if it does."""
    return next(
        (
            kind
            for kind in _types(model.model_fields[name].annotation)
            if isinstance(kind, type) and issubclass(kind, StrEnum)
        ),
        None,
    )


def widget_of(model: type[Body], name: str) -> str:
    """How a page's form enters the field ``name`` of ``model``."""
    field = model.model_fields[name]
    label = next((item for item in field.metadata if isinstance(item, Label)), None)
    if label is not None and label.widget:
        return label.widget
    types = _types(field.annotation)
    if types == {bool}:
        return "checkbox"
    if types == {int}:
        return "number"
    if types == {date}:
        return "date"
    if types == {Decimal}:
        return "amount"
    if choice_enum(model, name):
        return "select"
    return "text"


def label_of(model: type[Body], name: str) -> Label:
    field = model.model_fields[name]
    return next((item for item in field.metadata if isinstance(item, Label)), Label(name))


def form_data(model: type[Body], form: MultiDict, *, prefix: str = "") -> dict[str, Any]:
    """A page's form as the values the JSON API would send for ``model``.

    A checkbox is True when ticked and False otherwise (browsers send nothing for an unticked
    box); an empty text or number field is None (not sent).
    """
    data: dict[str, Any] = {}
    for name in model.model_fields:
        key = f"{prefix}-{name}" if prefix else name
        if widget_of(model, name) == "checkbox":
            data[name] = key in form
        elif (value := form.get(key, "").strip()) != "":
            data[name] = value
    return data
