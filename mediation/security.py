"""Security headers on every response, no NUL characters in a request, and safe redirects
after a form."""

from urllib.parse import urlsplit

from flask import Flask, Response, abort, request

# No inline scripts or styles anywhere: every page works from files under /static.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    return response


def add_transport_security(response: Response) -> Response:
    response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def refuse_nul_characters() -> None:
    """No person types U+0000, and PostgreSQL cannot store it in text: a page's query string
    or form carrying one is refused before any view would pass it on. The API reads its
    input through its schemas, which answer 422 for it (core.schemas.Body)."""
    if request.blueprint == "api":
        return
    for data in (request.args, request.form):
        for key, values in data.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                abort(400)


def init_security(app: Flask) -> None:
    app.before_request(refuse_nul_characters)
    app.after_request(add_security_headers)
    if app.config["SESSION_COOKIE_SECURE"]:
        app.after_request(add_transport_security)


def is_safe_redirect(target: str | None) -> bool:
    """Only paths on this site: never another host, never a scheme-relative //host URL."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and "\\" not in target
