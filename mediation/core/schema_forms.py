"""A page's form drawn from a body schema (``core.schemas``), so a page and the API take the
same body with the same rules.

:class:`SchemaForm` offers what the form macros of ``templates/_forms.html`` read from a
WTForms form (iteration over fields with ``id``, ``label``, ``description``, ``errors``, a
``type``, and calling a field to draw its input), so the error summary and the fields look and
behave as on every other page. CSRF is checked for every POST by ``CSRFProtect``; the form
carries the token.
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from mediation.core.schemas import Body, choice_enum, label_of, widget_of
from mediation.models.types import TitledEnum


@dataclass
class _Label:
    field_id: str
    text: Any

    def __call__(self, **attrs: Any) -> Markup:
        return Markup('<label for="{}">{}</label>').format(self.field_id, self.text)

    def __html__(self) -> Markup:
        return self()


def _attributes(attrs: Mapping[str, Any]) -> Markup:
    return Markup("").join(
        Markup(' {}="{}"').format(name.replace("_", "-"), value) for name, value in attrs.items()
    )


@dataclass
class SchemaField:
    name: str
    id: str
    label: _Label
    widget: str
    description: Any = None
    value: Any = None
    choices: Sequence[tuple[str, str]] = ()
    errors: list = field(default_factory=list)

    @property
    def type(self) -> str:
        # The form macros lay a checkbox out beside its label, as for WTForms' BooleanField.
        return "BooleanField" if self.widget == "checkbox" else "SchemaField"

    def __call__(self, **attrs: Any) -> Markup:
        common = Markup('id="{}" name="{}"').format(self.id, self.id) + _attributes(attrs)
        value = "" if self.value is None else str(self.value)
        match self.widget:
            case "checkbox":
                checked = Markup(" checked") if self.value in (True, "y", "on") else Markup("")
                return Markup('<input type="checkbox" value="y" {}{}>').format(common, checked)
            case "textarea":
                return Markup("<textarea {}>{}</textarea>").format(common, value)
            case "select":
                options = Markup("").join(
                    Markup('<option value="{}"{}>{}</option>').format(
                        choice, Markup(" selected") if choice == value else Markup(""), title
                    )
                    for choice, title in self.choices
                )
                return Markup("<select {}>{}</select>").format(common, options)
            case "number":
                return Markup('<input type="number" inputmode="numeric" {} value="{}">').format(
                    common, value
                )
            case "date":
                return Markup('<input type="date" {} value="{}">').format(common, value)
            case "amount":
                return Markup('<input type="text" inputmode="decimal" {} value="{}">').format(
                    common, value
                )
        return Markup('<input type="text" {} value="{}">').format(common, value)


def _enum_choices(model: type[Body], name: str) -> list[tuple[str, str]]:
    enum = choice_enum(model, name)
    if enum is None:
        return []
    return [
        (member.value, member.title if isinstance(member, TitledEnum) else member.value)
        for member in enum
    ]


class SchemaForm:
    """The form of ``model`` with field names ``<prefix>-<field>``, as sent or empty."""

    def __init__(
        self,
        model: type[Body],
        *,
        prefix: str,
        sent: Mapping[str, Any] | None = None,
        errors: Mapping[str, list] | None = None,
        choices: Mapping[str, Sequence[tuple[str, str]]] | None = None,
    ) -> None:
        self.prefix = prefix
        sent, errors, choices = sent or {}, dict(errors or {}), choices or {}
        self.fields: list[SchemaField] = []
        for name in model.model_fields:
            label = label_of(model, name)
            field_id = f"{prefix}-{name}"
            self.fields.append(
                SchemaField(
                    name=name,
                    id=field_id,
                    label=_Label(field_id, label.text),
                    widget=widget_of(model, name),
                    description=label.hint,
                    value=sent.get(field_id),
                    choices=choices.get(name) or _enum_choices(model, name),
                    errors=list(errors.pop(name, [])),
                )
            )
        # Problems not tied to a field of the form (the case file is incomplete, ...).
        self.form_errors = [message for messages in errors.values() for message in messages]

    def __iter__(self) -> Iterator[SchemaField]:
        return iter(self.fields)

    @property
    def errors(self) -> bool:
        return bool(self.form_errors) or any(f.errors for f in self.fields)

    @property
    def csrf_token(self) -> Markup:
        return Markup(
            '<input id="{0}-csrf_token" name="csrf_token" type="hidden" value="{1}">'
        ).format(self.prefix, escape(generate_csrf()))
