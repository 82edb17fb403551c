"""Who may do what: the one place that views, the API and templates ask.

Every endpoint is listed in ``ENDPOINTS`` with the access it needs; ``enforce`` runs before
every request and refuses endpoints that are not listed, so a new route is closed until
someone decides who may use it. Checks on a single record (is this case visible to this
user?) are functions here too, called by the views that load the record.
"""

from enum import StrEnum

from flask import abort, current_app, request
from flask_login import AnonymousUserMixin, current_user
from sqlalchemy import ColumnElement

from mediation.extensions import login_manager
from mediation.models import Organization, Role, User
from mediation.models.places import region_subtree


class Permission(StrEnum):
    manage_accounts = "manage_accounts"
    view_organizations = "view_organizations"


ROLE_PERMISSIONS: dict[Permission, frozenset[Role]] = {
    Permission.manage_accounts: frozenset({Role.admin}),
    Permission.view_organizations: frozenset({Role.admin, Role.supervisor}),
}

PUBLIC = "public"
SIGNED_IN = "signed_in"

ENDPOINTS: dict[str, str | Permission] = {
    "static": PUBLIC,
    "home.index": PUBLIC,
    "home.set_language": PUBLIC,
    "auth.login": PUBLIC,
    "auth.register": PUBLIC,
    "auth.logout": SIGNED_IN,
    "auth.change_password": SIGNED_IN,
    "admin.accounts": Permission.manage_accounts,
    "admin.new_staff": Permission.manage_accounts,
    "admin.organizations": Permission.view_organizations,
}


def can(user: User | AnonymousUserMixin, permission: Permission) -> bool:
    return bool(user.is_authenticated) and user.role in ROLE_PERMISSIONS[permission]


def organizations_in_view(user: User) -> ColumnElement[bool] | None:
    """A filter on organisations for users who see only a jurisdiction; None means all."""
    if user.role is Role.supervisor:
        return Organization.region_id.in_(region_subtree(user.region_id))
    return None


def enforce() -> None:
    """``before_request`` hook: decide access from the endpoint alone, before any view runs."""
    if request.endpoint is None:  # no route matched: let Flask answer 404 or 405
        return None
    rule = ENDPOINTS.get(request.endpoint)
    if rule is None:
        current_app.logger.error("endpoint %s is missing from policy.ENDPOINTS", request.endpoint)
        abort(403)
    if rule == PUBLIC:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if rule != SIGNED_IN and not can(current_user, rule):
        abort(403)
    return None
