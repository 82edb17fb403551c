"""The OpenAPI 3.1 document of API v1, served at /api/v1/openapi.json, generated from the route
table and the pydantic models: nothing in it is written twice.

Each API view is marked with :func:`operation` (its summary, body, query, answers and the errors
it can answer); the URL rules say where it is; the models (``mediation.api.schemas``, the filing
body, each case trigger's body) give every schema. A route with a ``<trigger>`` becomes one path
per trigger, each with that trigger's body.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, jsonify
from flask_babel import force_locale
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from mediation.api.schemas import Error, Figures, Invalid
from mediation.core.schemas import LARGEST_ID
from mediation.stats.compute import DEFINITIONS

REF = "#/components/schemas/{model}"

# Every error answer the API gives, and when; an operation lists the ones it can give.
ERRORS: dict[int, tuple[type[BaseModel], str]] = {
    401: (Error, "No valid Bearer token (or, for /tokens, wrong credentials)"),
    403: (Error, "The caller may not do this"),
    404: (Error, "No such record, or the caller may not see it"),
    409: (Error, "Not possible in the record's current state"),
    410: (Error, "No longer kept: the case's personal data was erased after its retention"),
    413: (Error, "The file is too large"),
    422: (Invalid, "Invalid data: every field's problems at once, in the caller's language"),
    429: (Error, "Too many requests of this kind for now (e.g. SMS codes to one number)"),
    503: (Error, "The figures have not been counted yet (flask figures rebuild)"),
}


@dataclass(frozen=True)
class Trigger:
    """One value of a route's ``<trigger>``: its own path in the document."""

    name: str
    title: Any  # a lazy string, shown in English
    body: type[BaseModel]


@dataclass(frozen=True)
class Operation:
    summary: str
    answers: Mapping[int, type[BaseModel] | None]  # success status → answer (None: not a model)
    errors: tuple[int, ...] = ()
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    upload: bool = False  # a multipart/form-data file instead of a JSON body
    file: str | None = None  # the success answer is a file of this media type, not JSON
    public: bool = False  # no token needed
    triggers: Callable[[], Iterable[Trigger]] | None = None


def operation(summary: str, *, answers: Mapping[int, type[BaseModel] | None], **details: Any):
    """Mark an API view with what the document says of it (see :class:`Operation`)."""

    def mark(view: Callable) -> Callable:
        view.api_operation = Operation(summary, answers, **details)
        return view

    return mark


@operation("This document", answers={200: None}, public=True)
def document():
    app = current_app._get_current_object()
    if "openapi" not in app.extensions:
        app.extensions["openapi"] = build_document(app)
    return jsonify(app.extensions["openapi"])


@dataclass(frozen=True)
class _Route:
    path: str  # OpenAPI form, relative to the server URL
    method: str
    endpoint: str
    parameters: tuple[tuple[str, str], ...]  # (name, converter)
    operation: Operation


_VARIABLE = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
# A path's numbers are ids (``policy.enforce`` answers 404 for one larger than any).
_CONVERTER_SCHEMAS = {
    "int": {"type": "integer", "minimum": 1, "maximum": LARGEST_ID},
    "float": {"type": "number"},
}


def _routes(app: Flask, blueprint: str = "api") -> list[_Route]:
    routes = []
    prefix = app.blueprints[blueprint].url_prefix or ""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] != blueprint:
            continue
        view = app.view_functions[rule.endpoint]
        described = getattr(view, "api_operation", None)
        if described is None:
            raise LookupError(f"{rule.endpoint} has no @operation: the document must describe it")
        path = _VARIABLE.sub(r"{\2}", rule.rule.removeprefix(prefix))
        parameters = tuple(
            (name, converter or "default") for converter, name in _VARIABLE.findall(rule.rule)
        )
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append(_Route(path, method.lower(), rule.endpoint, parameters, described))
    return routes


def _models(routes: list[_Route]) -> list[tuple[type[BaseModel], str]]:
    wanted: dict[tuple[type[BaseModel], str], None] = {}
    for route in routes:
        described = route.operation
        for model in (described.body, described.query):
            if model is not None:
                wanted[(model, "validation")] = None
        for trigger in described.triggers() if described.triggers else ():
            wanted[(trigger.body, "validation")] = None
        for model in described.answers.values():
            if model is not None:
                wanted[(model, "serialization")] = None
        for status in _error_statuses(described):
            wanted[(ERRORS[status][0], "serialization")] = None
    return list(wanted)


def _error_statuses(described: Operation) -> list[int]:
    """The operation's errors, and 401 and 403 wherever a token is needed."""
    return sorted(set(described.errors) | (set() if described.public else {401, 403}))


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def _first_line(model: type[BaseModel] | None, default: str) -> str:
    doc = (model.__doc__ or "").strip() if model is not None else ""
    if not doc or model.__doc__ == BaseModel.__doc__:
        return default
    return doc.split("\n\n")[0].replace("\n", " ")


class _Builder:
    def __init__(self, routes: list[_Route]) -> None:
        self.routes = routes
        self.models = _models(routes)
        refs, definitions = models_json_schema(self.models, ref_template=REF)
        self.refs = refs
        self.schemas: dict[str, Any] = definitions.get("$defs", {})

    def ref(self, model: type[BaseModel], mode: str) -> dict:
        return self.refs[(model, mode)]

    def component(self, model: type[BaseModel], mode: str) -> dict:
        return self.schemas[self.ref(model, mode)["$ref"].rsplit("/", 1)[1]]

    def responses(self, described: Operation) -> dict:
        responses = {}
        for status, model in described.answers.items():
            if status == 204:
                responses["204"] = {"description": "Done; nothing to answer"}  # no body at all
            elif described.file is not None:
                binary = {"schema": {"type": "string", "format": "binary"}}
                responses[str(status)] = {
                    "description": "The file",
                    "content": {described.file: binary},
                }
            elif model is None:
                responses[str(status)] = {"description": "OK", **_json({"type": "object"})}
            else:
                responses[str(status)] = {
                    "description": _first_line(model, "OK"),
                    **_json(self.ref(model, "serialization")),
                }
        for status in _error_statuses(described):
            model, description = ERRORS[status]
            responses[str(status)] = {
                "description": description,
                **_json(self.ref(model, "serialization")),
            }
        return responses

    def parameters(self, route: _Route) -> list[dict]:
        parameters = [
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": dict(_CONVERTER_SCHEMAS.get(converter, {"type": "string"})),
            }
            for name, converter in route.parameters
        ]
        query = route.operation.query
        if query is not None:
            schema = self.component(query, "validation")
            required = set(schema.get("required", ()))
            for name, item in schema["properties"].items():
                description = item.get("description")
                parameters.append(
                    {
                        "name": name,
                        "in": "query",
                        "required": name in required,
                        "schema": _query_value(item),
                        **({"description": description} if description else {}),
                    }
                )
        return parameters

    def request_body(self, model: type[BaseModel]) -> dict:
        description = _first_line(model, "")
        return {
            "required": bool(model.model_fields),
            **({"description": description} if description else {}),
            **_json(self.ref(model, "validation")),
        }

    def operations(self, route: _Route) -> Iterable[tuple[str, dict]]:
        described = route.operation
        item: dict[str, Any] = {
            "operationId": route.endpoint.removeprefix("api."),
            "summary": described.summary,
            "responses": self.responses(described),
        }
        if described.public:
            item["security"] = []
        if described.body is not None:
            item["requestBody"] = self.request_body(described.body)
        if described.upload:
            upload = {
                "type": "object",
                "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
            if described.body is not None:  # the body's fields are form fields beside the file
                upload = {"allOf": [self.ref(described.body, "validation"), upload]}
            item["requestBody"] = {
                "required": True,
                "content": {"multipart/form-data": {"schema": upload}},
            }
        parameters = self.parameters(route)
        if described.triggers is None:
            yield route.path, {**item, "parameters": parameters} if parameters else item
            return
        for trigger in described.triggers():
            yield (
                route.path.replace("{trigger}", trigger.name),
                {
                    **item,
                    "operationId": f"{item['operationId']}_{trigger.name}",
                    "summary": str(trigger.title),
                    "description": f"{described.summary} `{trigger.name}`.",
                    "parameters": [p for p in parameters if p["name"] != "trigger"],
                    "requestBody": self.request_body(trigger.body),
                },
            )

    def paths(self) -> dict:
        paths: dict[str, dict] = {}
        for route in self.routes:
            for path, item in self.operations(route):
                paths.setdefault(path, {})[route.method] = item
        return dict(sorted(paths.items()))

    def components(self) -> dict:
        queries = {
            self.ref(route.operation.query, "validation")["$ref"].rsplit("/", 1)[1]
            for route in self.routes
            if route.operation.query is not None
        }
        schemas = {name: _tidy(s) for name, s in self.schemas.items() if name not in queries}
        _describe_figures(schemas)
        return dict(sorted(schemas.items()))


def _query_value(schema: dict) -> dict:
    """A query parameter's schema: an optional parameter is left out, never sent as null."""
    value = {k: v for k, v in schema.items() if k not in ("title", "description")}
    choices = [choice for choice in value.pop("anyOf", ()) if choice != {"type": "null"}]
    if len(choices) == 1:
        value = {**choices[0], **value}
    elif choices:
        value["anyOf"] = choices
    if value.get("default", ...) is None:
        del value["default"]
    return value


def _tidy(schema: dict) -> dict:
    """Without the titles pydantic gives every property ("Id Number"), and without an enum's
    Python docstring."""
    schema = dict(schema)
    if "enum" in schema:
        schema.pop("description", None)
    if "properties" in schema:
        schema["properties"] = {
            name: {key: value for key, value in item.items() if key != "title"}
            for name, item in schema["properties"].items()
        }
    return schema


def _describe_figures(schemas: dict) -> None:
    """Each figure described as the dashboard defines it."""
    properties = schemas[Figures.__name__]["properties"]
    for key, label, formula in DEFINITIONS:
        properties[key] = {**properties[key], "description": f"{label}: {formula}"}


def build_document(app: Flask) -> dict:
    """The document, in English (call it inside a request or an app context with Babel)."""
    with force_locale("en"):
        builder = _Builder(_routes(app))
        return {
            "openapi": "3.1.0",
            "info": {
                "title": "Labour-dispute mediation API",
                "version": "1",
                "description": "Every call except /tokens and this document needs "
                "`Authorization: Bearer <token>`. Messages follow Accept-Language (zh-CN by "
                "default, or en). Amounts are decimal strings of yuan; times are ISO 8601.",
            },
            "servers": [{"url": "/api/v1"}],
            "security": [{"bearer": []}],
            "paths": builder.paths(),
            "components": {
                "schemas": builder.components(),
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            },
        }
