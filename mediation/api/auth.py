"""Who is calling the API: the Bearer token alone decides, never the session cookie.

Ignoring cookies here is what makes it safe to exempt the API from CSRF checks: a page on
another site can make a browser send its cookies, but not an Authorization header.
"""

from flask import g, request
from flask_login import AnonymousUserMixin

from mediation.auth import accounts


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def authenticate() -> None:
    """``before_request`` hook, ahead of the policy: sets Flask-Login's user for this request."""
    if not is_api_request():
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    user = accounts.api_token_user(token.strip()) if scheme.lower() == "bearer" and token else None
    g._login_user = user or AnonymousUserMixin()
