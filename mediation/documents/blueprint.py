from flask import Blueprint

from mediation.core.answers import answer_page_errors
from mediation.documents import views

bp = Blueprint("documents", __name__)
answer_page_errors(bp, back=views.back_to_case)
bp.add_url_rule("/cases/<int:case_id>/documents/<int:document_id>", view_func=views.printable)
bp.add_url_rule("/cases/<int:case_id>/documents/<int:document_id>.pdf", view_func=views.pdf)
bp.add_url_rule(
    "/cases/<int:case_id>/documents/<int:document_id>/service",
    view_func=views.record_service,
    methods=["POST"],
)
bp.add_url_rule(
    "/cases/<int:case_id>/documents/<int:document_id>/proof-of-service",
    view_func=views.proof_of_service,
)
bp.add_url_rule(
    "/cases/<int:case_id>/documents/<int:document_id>/proof-of-service.pdf",
    view_func=views.proof_of_service_pdf,
)
bp.add_url_rule(
    "/cases/<int:case_id>/documents/<int:document_id>/correction",
    view_func=views.correct,
    methods=["POST"],
)
bp.add_url_rule("/verify", view_func=views.verify, methods=["GET", "POST"])
