from flask import Blueprint

from mediation.court import views

bp = Blueprint("court", __name__, url_prefix="/court")
bp.add_url_rule("/", view_func=views.queue)
bp.add_url_rule("/cases/<int:case_id>", view_func=views.packet)
bp.add_url_rule("/cases/<int:case_id>/confirmation", view_func=views.decide, methods=["POST"])
