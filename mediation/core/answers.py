"""Domain errors turned into answers, registered once per blueprint.

Views call operations and let ``NotPermitted``, ``Refused``, ``Invalid`` and the workflow
errors propagate; the blueprint's handlers answer them: the API with a JSON error
(``{"error": code, "message": text}`` and, for 422, ``errors``), the pages with the page the
person was on and the problem in words. A handled error marks the request as failed, so the
one commit at the end of the request becomes its one rollback (see ``create_app``).
"""

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, flash, g, jsonify, redirect, request
from flask_login import current_user
from werkzeug.exceptions import Forbidden, HTTPException, NotFound

from mediation.core import audit
from mediation.core.errors import Invalid, NotPermitted, Refused
from mediation.messages import guard_message, refusal_message
from mediation.translation import gettext as _
from workflows.case import GuardFailed, IllegalTransition, UnknownTrigger

ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "too_many_requests",
    500: "server_error",
}


def error_response(status: int, message: Any, **extra: Any) -> Response:
    body = {"error": ERROR_CODES.get(status, "error"), "message": str(message), **extra}
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def invalid(errors: dict, **extra: Any) -> Response:
    """422 with every problem, each message in the caller's language."""
    translated = {
        field: [str(message) for message in messages] for field, messages in errors.items()
    }
    return error_response(422, _("Some of the data is not valid."), errors=translated, **extra)


def problems_of(error: GuardFailed) -> dict[str, list]:
    """A workflow's failed guard as field → messages."""
    errors: dict[str, list] = {}
    for problem in error.problems:
        errors.setdefault(problem.field, []).append(guard_message(problem.code))
    return errors


def mark_failed() -> None:
    """Nothing of this request is kept, whatever its status code."""
    g.request_failed = True


def request_failed() -> bool:
    return bool(g.get("request_failed"))


def answer_api_errors(blueprint: Blueprint) -> None:
    """JSON answers for the domain errors raised under ``blueprint``."""

    def refused(error: Refused):
        return error_response(409, refusal_message(error.code))

    def illegal(error: IllegalTransition):
        return error_response(409, guard_message(error.code))

    handlers: dict[type[Exception], Callable] = {
        NotPermitted: lambda error: error_response(
            403, _("You do not have permission to do this.")
        ),
        UnknownTrigger: lambda error: error_response(
            404, _("This page does not exist, or you cannot see it.")
        ),
        Refused: refused,
        IllegalTransition: illegal,
        GuardFailed: lambda error: invalid(problems_of(error)),
        Invalid: lambda error: invalid(error.errors),
    }
    for kind, handler in handlers.items():
        blueprint.register_error_handler(kind, _failing(handler))


def answer_page_errors(
    blueprint: Blueprint,
    *,
    back: Callable[[], str],
    invalid_page: Callable[[dict[str, list]], object | None] | None = None,
) -> None:
    """Page answers for the domain errors raised under ``blueprint``.

    A refusal goes ``back()`` to the page the action was on, with the reason at the top; input
    problems show ``invalid_page(errors)`` (the same page with the form as it was sent, every
    problem beside its field and in the summary); without one, or when it answers None, they
    are told like a refusal.
    """

    def refused_with(message):
        flash(message, "error")
        return redirect(back())

    def http_error(error: HTTPException):
        # The app's own error page; raising here instead would turn into a 500.
        return current_app.handle_http_exception(error)

    def bad_input(errors: dict[str, list]):
        if invalid_page is not None and (page := invalid_page(errors)) is not None:
            return page
        for messages in errors.values():
            for message in messages:
                flash(message, "error")
        return redirect(back())

    handlers: dict[type[Exception], Callable] = {
        NotPermitted: lambda error: http_error(Forbidden()),
        UnknownTrigger: lambda error: http_error(NotFound()),
        Refused: lambda error: refused_with(refusal_message(error.code)),
        IllegalTransition: lambda error: refused_with(guard_message(error.code)),
        GuardFailed: lambda error: bad_input(problems_of(error)),
        Invalid: lambda error: bad_input(error.errors),
    }
    for kind, handler in handlers.items():
        blueprint.register_error_handler(kind, _failing(handler))


def _failing(handler: Callable) -> Callable:
    def handle(error: Exception):
        mark_failed()
        if isinstance(error, NotPermitted):
            # A refused attempt is kept although the request is not (audit.security_event).
            audit.security_event(
                "denied",
                actor=current_user if current_user.is_authenticated else None,
                endpoint=request.endpoint,
                **(request.view_args or {}),
            )
        return handler(error)

    return handle
