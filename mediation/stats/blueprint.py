from flask import Blueprint

from mediation.stats import views
from mediation.stats.tables import FILTER_NAMES

bp = Blueprint("stats", __name__, url_prefix="/stats")
bp.add_app_template_global(FILTER_NAMES, "filter_names")
bp.add_url_rule("/", view_func=views.dashboard)
bp.add_url_rule("/figures.<fmt>", view_func=views.export_figures)
bp.add_url_rule("/cases", view_func=views.cases)
bp.add_url_rule("/cases.<fmt>", view_func=views.export_cases)
bp.add_url_rule("/alerts", view_func=views.alerts)
bp.add_url_rule("/alerts/<int:alert_id>/acknowledge", view_func=views.acknowledge, methods=["POST"])
bp.add_url_rule("/employers", view_func=views.employers)
bp.add_url_rule("/employers.<fmt>", view_func=views.export_employers)
