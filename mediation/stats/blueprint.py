from flask import Blueprint

from mediation.stats import views

bp = Blueprint("stats", __name__, url_prefix="/stats")
bp.add_url_rule("/", view_func=views.dashboard)
bp.add_url_rule("/figures.csv", view_func=views.export_csv)
bp.add_url_rule("/figures.xlsx", view_func=views.export_xlsx)
bp.add_url_rule("/alerts", view_func=views.alerts)
bp.add_url_rule("/alerts/<int:alert_id>/acknowledge", view_func=views.acknowledge, methods=["POST"])
bp.add_url_rule("/employers", view_func=views.employers)
