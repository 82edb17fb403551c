"""What the caller sent: the JSON body, read the same way by every API view."""

import inspect
from collections.abc import Callable
from typing import Any

from flask import request

from mediation.core.errors import Invalid
from mediation.translation import lazy_gettext as _l

NOT_AN_OBJECT = _l("Send a JSON object.")


def json_body() -> Any:
    """The JSON body; None when there is none or it is not JSON (``parse`` then says
    "Send a JSON object.")."""
    return request.get_json(silent=True)


def json_object() -> dict[str, Any]:
    """The JSON body as an object: ``{}`` when nothing was sent, :class:`Invalid` for anything
    else that is not a JSON object (malformed JSON included, so it never counts as ``{}``)."""
    if not request.get_data(cache=True).strip():
        return {}
    body = request.get_json(force=True, silent=True)
    if not isinstance(body, dict):
        raise Invalid({"body": [NOT_AN_OBJECT]})
    return body


def keyword_body(operation: Callable[..., Any]) -> dict[str, Any]:
    """The JSON object body for an operation that takes it as keyword arguments, without the
    keys that name the operation's own parameters (a body cannot set the actor)."""
    own = {
        name
        for name, parameter in inspect.signature(operation).parameters.items()
        if parameter.kind is not parameter.VAR_KEYWORD
    }
    return {key: value for key, value in json_object().items() if key not in own}
