from flask import Blueprint

from mediation.cases import agreement_views, intake, session_views, views
from mediation.core.answers import answer_page_errors

bp = Blueprint("cases", __name__)
answer_page_errors(bp, back=views.back_to_case, invalid_page=views.invalid_action)
bp.add_url_rule("/cases/new", view_func=intake.new, methods=["GET", "POST"])
bp.add_url_rule("/cases/new/visitor", view_func=intake.new_for_visitor, methods=["GET", "POST"])
bp.add_url_rule("/employers/search", view_func=intake.search_employers)
bp.add_url_rule("/cases/mine", view_func=views.mine)
bp.add_url_rule("/company/cases", view_func=views.company)
bp.add_url_rule("/cases/<int:case_id>", view_func=views.show)
bp.add_url_rule("/cases/<int:case_id>/act/<trigger>", view_func=views.act, methods=["POST"])
bp.add_url_rule("/cases/<int:case_id>/claim", "claim", views.claim_case, methods=["POST"])
bp.add_url_rule("/cases/<int:case_id>/hand-back", "hand_back", views.hand_back, methods=["POST"])
bp.add_url_rule("/cases/<int:case_id>/respond", view_func=views.respond, methods=["POST"])
bp.add_url_rule(
    "/cases/<int:case_id>/sessions", view_func=session_views.add_session, methods=["POST"]
)
SESSION = "/cases/<int:case_id>/sessions/<int:session_id>"
bp.add_url_rule(
    f"{SESSION}/reschedule", view_func=session_views.reschedule_session, methods=["POST"]
)
bp.add_url_rule(f"{SESSION}/cancel", view_func=session_views.cancel_session, methods=["POST"])
bp.add_url_rule(f"{SESSION}/answer", view_func=session_views.answer_session, methods=["POST"])
bp.add_url_rule(f"{SESSION}/minutes", view_func=session_views.write_minutes, methods=["POST"])
bp.add_url_rule(
    f"{SESSION}/minutes/answer", view_func=session_views.answer_minutes, methods=["POST"]
)
bp.add_url_rule(
    "/cases/<int:case_id>/extension", view_func=session_views.propose_extension, methods=["POST"]
)
bp.add_url_rule(
    "/cases/<int:case_id>/extension/consent",
    view_func=session_views.answer_extension,
    methods=["POST"],
)
bp.add_url_rule(
    "/cases/<int:case_id>/extension/paper",
    view_func=session_views.extension_paper,
    methods=["POST"],
)
bp.add_url_rule(
    "/cases/<int:case_id>/limitation/suspensions",
    view_func=session_views.record_suspension,
    methods=["POST"],
)
bp.add_url_rule(
    "/cases/<int:case_id>/limitation/suspensions/<int:suspension_id>/end",
    view_func=session_views.end_suspension,
    methods=["POST"],
)
bp.add_url_rule(
    "/cases/<int:case_id>/agreement", view_func=agreement_views.draft_agreement, methods=["POST"]
)
bp.add_url_rule(
    "/cases/<int:case_id>/agreement/sign",
    view_func=agreement_views.sign_agreement,
    methods=["POST"],
)
bp.add_url_rule(
    "/cases/<int:case_id>/agreement/paper",
    view_func=agreement_views.paper_signatures,
    methods=["POST"],
)
bp.add_url_rule("/cases/<int:case_id>/agreement/scan", view_func=agreement_views.agreement_scan)
bp.add_url_rule(
    "/cases/<int:case_id>/payment", view_func=agreement_views.report_payment, methods=["POST"]
)
bp.add_url_rule(
    "/cases/<int:case_id>/payment/<int:report_id>/proof", view_func=agreement_views.payment_proof
)
bp.add_url_rule("/cases/<int:case_id>/evidence", view_func=views.upload_evidence, methods=["POST"])
bp.add_url_rule(
    "/cases/<int:case_id>/evidence/<int:evidence_id>", view_func=views.download_evidence
)
bp.add_url_rule("/cases/<int:case_id>/identity", view_func=views.reveal_identity, methods=["POST"])
bp.add_url_rule(
    "/cases/<int:case_id>/employer/uscc", view_func=views.complete_uscc, methods=["POST"]
)
bp.add_url_rule(
    "/cases/<int:case_id>/confirmation", view_func=views.request_confirmation, methods=["POST"]
)
bp.add_url_rule("/cases/<int:case_id>/rating", view_func=views.rate, methods=["POST"])
bp.add_url_rule(
    "/cases/<int:case_id>/messages/<channel>", view_func=views.post_message, methods=["POST"]
)
bp.add_url_rule(
    "/cases/<int:case_id>/messages/<int:message_id>/attachment",
    view_func=views.message_attachment,
)
