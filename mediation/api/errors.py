"""JSON answers for API errors: ``{"error": code, "message": text}`` and, for 422, ``errors``."""

from flask import jsonify
from flask_babel import gettext as _

ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    500: "server_error",
}


def error_response(status: int, message, **extra):
    body = {"error": ERROR_CODES.get(status, "error"), "message": str(message), **extra}
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def invalid(errors: dict) -> object:
    """422 with every problem, each message in the caller's language."""
    translated = {
        field: [str(message) for message in messages] for field, messages in errors.items()
    }
    return error_response(422, _("Some of the data is not valid."), errors=translated)
