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
# The regions tree, new organisations, and onboarding from files (admin.regions, admin.imports).
bp.add_url_rule("/regions", "regions", network_views.regions)
bp.add_url_rule("/regions/new", "new_region", network_views.new_region, methods=["GET", "POST"])
bp.add_url_rule(
    "/regions/<int:region_id>/edit",
    "edit_region",
    network_views.edit_region,
    methods=["GET", "POST"],
)
bp.add_url_rule(
    "/organizations/new",
    "new_organization",
    network_views.new_organization,
    methods=["GET", "POST"],
)
for path, name in (
    ("deactivate", "deactivate_organization"),
    ("reactivate", "reactivate_organization"),
    ("delete", "delete_organization"),
):
    bp.add_url_rule(
        f"/organizations/<int:organization_id>/{path}",
        name,
        getattr(network_views, name),
        methods=["POST"],
    )
bp.add_url_rule("/imports", "import_files", network_views.import_files, methods=["GET", "POST"])
bp.add_url_rule(
    "/imports/templates/<any(regions, employers, organizations, staff):kind>.csv",
    "import_template",
    network_views.import_template,
)
bp.add_url_rule(
    "/imports/templates/network.xlsx",
    "import_workbook_template",
    network_views.import_workbook_template,
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
