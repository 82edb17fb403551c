from flask import Blueprint, request, url_for

from mediation.core.answers import answer_page_errors
from mediation.court import views

bp = Blueprint("court", __name__, url_prefix="/court")
answer_page_errors(
    bp,
    back=lambda: url_for("court.packet", case_id=request.view_args["case_id"]),
    invalid_page=views.invalid_decision,
)
bp.add_url_rule("/", view_func=views.queue)
bp.add_url_rule("/cases/<int:case_id>", view_func=views.packet)
bp.add_url_rule("/cases/<int:case_id>/confirmation", view_func=views.decide, methods=["POST"])
