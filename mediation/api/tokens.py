"""Signing in to the API: a username (or mobile number) and password for a Bearer token; the
caller's own tokens, listed and revoked."""

from flask import abort
from flask_login import current_user

from mediation.api import serialise
from mediation.api.openapi import operation
from mediation.api.request import json_body
from mediation.api.schemas import Credentials, Token, TokenInfo, TokenList
from mediation.auth import accounts, representatives, two_factor
from mediation.core.answers import error_response
from mediation.core.schemas import parse
from mediation.translation import gettext as _


@operation(
    "Sign in: exchange a username (or mobile number) and password for a token",
    body=Credentials,
    answers={201: Token},
    errors=(401, 403, 422),
    public=True,
)
def create_token():
    credentials = parse(Credentials, json_body())
    try:
        user = accounts.authenticate(credentials.username, credentials.password)
    except accounts.AwaitingApproval as waiting:
        if accounts.awaits_phone_code(waiting.user):
            return _phone_not_verified()
        return error_response(
            403,
            representatives.standing(waiting.registration),
            error="registration_not_approved",
        )
    if user is None:
        return error_response(401, _("Wrong username, mobile number or password."))
    if accounts.awaits_phone_code(user):
        return _phone_not_verified()
    if two_factor.required(user):
        refused = _second_factor_refused(user, credentials.otp)
        if refused is not None:
            return refused
    token = accounts.issue_api_token(user)
    return serialise.answer(Token(token=token, role=user.role), 201)


def _second_factor_refused(user, code: str | None):
    """Staff give their app's code too; the app is set up on the website, with a QR code."""
    if not two_factor.enrolled(user):
        return error_response(
            403,
            _("Set up your sign-in app on the website first (sign in there once), then try again."),
            error="second_factor_not_set_up",
        )
    if not code:
        return error_response(
            401,
            _("Enter the code of your authenticator app as well (otp)."),
            error="second_factor_required",
        )
    try:
        two_factor.verify(user, code)
    except two_factor.CodeRefused as refused:
        return error_response(401, refused.message, error="second_factor_wrong")
    return None


def _phone_not_verified():
    return error_response(
        403,
        _(
            "Confirm your mobile number first, with the code sent by SMS (POST "
            "/api/v1/accounts/verify; POST /api/v1/accounts/code sends a new one)."
        ),
        error="phone_not_verified",
    )


@operation("The caller's live tokens", answers={200: TokenList})
def list_tokens():
    tokens = accounts.api_tokens_of(current_user)
    items = [TokenInfo(id=t.id, created_at=t.created_at, expires_at=t.expires_at) for t in tokens]
    return serialise.answer(TokenList(items=items))


@operation("Revoke one of the caller's tokens", answers={204: None}, errors=(404,))
def revoke_token(token_id: int):
    if not accounts.revoke_api_token(current_user, token_id):
        abort(404)
    return "", 204
