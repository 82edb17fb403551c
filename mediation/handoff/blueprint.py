from flask import Blueprint

from mediation.core.answers import answer_page_errors
from mediation.handoff import views

bp = Blueprint("handoff", __name__)
answer_page_errors(bp, back=views.back_to_case)
ARBITRATION = "/cases/<int:case_id>/arbitration-application"
PAYMENT_ORDER = "/cases/<int:case_id>/payment-order-application"
bp.add_url_rule(ARBITRATION, view_func=views.arbitration_application, methods=["GET", "POST"])
bp.add_url_rule(f"{ARBITRATION}.pdf", view_func=views.arbitration_application_pdf)
bp.add_url_rule(
    "/cases/<int:case_id>/handed-to-arbitration",
    view_func=views.hand_to_arbitration,
    methods=["POST"],
)
bp.add_url_rule(PAYMENT_ORDER, view_func=views.payment_order_application, methods=["GET", "POST"])
bp.add_url_rule(f"{PAYMENT_ORDER}.pdf", view_func=views.payment_order_application_pdf)
