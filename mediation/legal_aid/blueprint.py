from flask import Blueprint

from mediation.cases.views import back_to_case
from mediation.core.answers import answer_page_errors
from mediation.legal_aid import views

bp = Blueprint("legal_aid", __name__)
answer_page_errors(bp, back=back_to_case)
bp.add_url_rule(
    "/cases/<int:case_id>/legal-aid", "request", views.request_legal_aid, methods=["POST"]
)
