from flask import Blueprint

from mediation.admin import audit_log, outbox, routing, views

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.add_url_rule("/accounts", "accounts", views.list_accounts)
bp.add_url_rule("/accounts/new", view_func=views.new_staff, methods=["GET", "POST"])
bp.add_url_rule(
    "/accounts/<int:user_id>/reset-sign-in-app",
    "reset_second_factor",
    views.reset_second_factor,
    methods=["POST"],
)
bp.add_url_rule("/organizations", view_func=views.organizations)
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
