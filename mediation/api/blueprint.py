from flask import Blueprint

from mediation.api import openapi, referrals, views

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.add_url_rule("/openapi.json", "openapi", openapi.document)
bp.add_url_rule("/tokens", view_func=views.create_token, methods=["POST"])
bp.add_url_rule("/cases", view_func=views.list_cases, methods=["GET"])
bp.add_url_rule("/cases", view_func=views.file_case, methods=["POST"])
bp.add_url_rule("/cases/<int:case_id>", view_func=views.show_case)
bp.add_url_rule("/cases/<int:case_id>/events", view_func=views.case_events)
bp.add_url_rule("/cases/<int:case_id>/claim", view_func=views.claim_case, methods=["POST"])
bp.add_url_rule("/cases/<int:case_id>/respond", view_func=views.respond, methods=["POST"])
bp.add_url_rule("/cases/<int:case_id>/agreement", view_func=views.draft_agreement, methods=["POST"])
bp.add_url_rule(
    "/cases/<int:case_id>/agreement/sign", view_func=views.sign_agreement, methods=["POST"]
)
bp.add_url_rule("/cases/<int:case_id>/sessions", view_func=views.add_session, methods=["POST"])
bp.add_url_rule("/cases/<int:case_id>/evidence", view_func=views.upload_evidence, methods=["POST"])
bp.add_url_rule(
    "/cases/<int:case_id>/confirmation", view_func=views.request_confirmation, methods=["POST"]
)
bp.add_url_rule(
    "/cases/<int:case_id>/confirmation/decision",
    view_func=views.decide_confirmation,
    methods=["POST"],
)
# Last: the trigger is a path segment, so the fixed names above win.
bp.add_url_rule("/cases/<int:case_id>/<trigger>", view_func=views.fire_trigger, methods=["POST"])
bp.add_url_rule("/queue", view_func=views.queue)
bp.add_url_rule("/referrals", "list_referrals", referrals.list_referrals)
bp.add_url_rule("/referrals/<int:referral_id>", "show_referral", referrals.show_referral)
bp.add_url_rule(
    "/referrals/<int:referral_id>/<trigger>",
    "fire_referral_trigger",
    referrals.fire_trigger,
    methods=["POST"],
)
bp.add_url_rule("/vacancies", "list_vacancies", referrals.list_vacancies)
bp.add_url_rule("/vacancies", "create_vacancy", referrals.create_vacancy, methods=["POST"])
bp.add_url_rule("/stats", view_func=views.stats)
