from flask import Blueprint

from mediation.admin import (
    audit_log,
    employer_views,
    network_views,
    outbox,
    retention,
    routing,
    staff_views,
    views,
)

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.add_url_rule("/accounts", "accounts", views.list_accounts)
bp.add_url_rule("/accounts/new", view_func=views.new_staff, methods=["GET", "POST"])
bp.add_url_rule(
    "/accounts/<int:user_id>/reset-sign-in-app",
    "reset_second_factor",
    views.reset_second_factor,
    methods=["POST"],
)
ACCOUNT = "/accounts/<int:user_id>"
bp.add_url_rule(ACCOUNT, "account", staff_views.account, methods=["GET", "POST"])
for path, name in (
    ("deactivate", "deactivate_account"),
    ("reactivate", "reactivate_account"),
    ("force-password-reset", "force_password_reset"),
):
    view = getattr(staff_views, name.removesuffix("_account"))
    bp.add_url_rule(f"{ACCOUNT}/{path}", name, view, methods=["POST"])
bp.add_url_rule("/employers", "employers", employer_views.list_employers)
EMPLOYER = "/employers/<int:employer_id>"
bp.add_url_rule(EMPLOYER, "employer", employer_views.employer, methods=["GET", "POST"])
bp.add_url_rule(f"{EMPLOYER}/merge", "merge_employer", employer_views.merge, methods=["POST"])
bp.add_url_rule(
    f"{EMPLOYER}/committee", "add_committee", employer_views.add_committee, methods=["POST"]
)
bp.add_url_rule("/organizations", view_func=views.organizations)
bp.add_url_rule(
    "/organizations/<int:organization_id>",
    "organization",
    network_views.organization,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/regions/<int:region_id>", "district", network_views.district, methods=["GET", "POST"]
)
bp.add_url_rule("/calendar", view_func=views.calendar_years)
bp.add_url_rule("/calendar/<int:year>", view_func=views.edit_calendar, methods=["GET", "POST"])
bp.add_url_rule("/routing", "routing_rules", routing.rules)
bp.add_url_rule("/routing/new", "new_rule", routing.edit, methods=["GET", "POST"])
bp.add_url_rule("/routing/<int:rule_id>", "edit_rule", routing.edit, methods=["GET", "POST"])
bp.add_url_rule(
    "/routing/<int:rule_id>/move/<any(up, down):direction>",
    "move_rule",
    routing.move,
    methods=["POST"],
)
bp.add_url_rule("/routing/<int:rule_id>/toggle", "toggle_rule", routing.toggle, methods=["POST"])
bp.add_url_rule("/routing/reset", "reset_rules", routing.reset, methods=["POST"])
bp.add_url_rule("/outbox", "outbox", outbox.messages)
bp.add_url_rule("/outbox/<int:message_id>/retry", "retry_message", outbox.retry, methods=["POST"])
bp.add_url_rule("/audit", "audit", audit_log.audit_log)
bp.add_url_rule("/retention", "retention", retention.report)
