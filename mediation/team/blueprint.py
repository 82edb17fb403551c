from flask import Blueprint

from mediation.cases.views import back_to_case
from mediation.core.answers import answer_page_errors
from mediation.team import views

bp = Blueprint("team", __name__)
answer_page_errors(bp, back=back_to_case, invalid_page=views.invalid_assignment)
bp.add_url_rule("/team", "index", views.index)
bp.add_url_rule("/cases/<int:case_id>/assign", "assign", views.assign, methods=["POST"])
