"""API v1's URL rules (DESIGN.md §6); the endpoint names are the ones ``policy.ENDPOINTS`` lists."""

from flask import Blueprint

from mediation.api import (
    accounts,
    assignment,
    cases,
    documents,
    employers,
    handoff,
    legal_aid,
    messages,
    network,
    openapi,
    referrals,
    sessions,
    staff,
    stats,
    suspensions,
    tokens,
)
from mediation.auth.codes import keep_wrong_tries
from mediation.cases.agreements import AgreementSuperseded
from mediation.core.answers import answer_api_errors, error_response, invalid, mark_failed
from mediation.messages import refusal_message
from mediation.tracking.api import track
from mediation.uploads import UploadRejected


def superseded(error: AgreementSuperseded):
    """409 like any refusal, with the version to read and sign instead."""
    mark_failed()
    return error_response(409, refusal_message(error.code), current_version=error.current)


bp = Blueprint("api", __name__, url_prefix="/api/v1")
answer_api_errors(bp)
# Input problems that features report with exceptions of their own: 422 like Invalid.
# A refused file also says why in a stable word (type, too_large, active_content, over_quota…).
bp.register_error_handler(
    UploadRejected, lambda error: invalid({"file": [error.message]}, reason=error.reason)
)
bp.register_error_handler(AgreementSuperseded, superseded)
# A wrong SMS code counts even though its 422 rolls the request back.
bp.teardown_request(keep_wrong_tries)

bp.add_url_rule("/openapi.json", "openapi", openapi.document)
bp.add_url_rule("/tokens", "create_token", tokens.create_token, methods=["POST"])
bp.add_url_rule("/tokens", "list_tokens", tokens.list_tokens)
bp.add_url_rule("/tokens/<int:token_id>", "revoke_token", tokens.revoke_token, methods=["DELETE"])
bp.add_url_rule("/accounts", "register", accounts.register, methods=["POST"])
bp.add_url_rule(
    "/accounts/employer", "register_employer", accounts.register_employer, methods=["POST"]
)
bp.add_url_rule("/accounts/verify", "verify_phone", accounts.verify_phone, methods=["POST"])
bp.add_url_rule("/accounts/code", "send_phone_code", accounts.send_phone_code, methods=["POST"])
bp.add_url_rule(
    "/password-reset", "request_password_reset", accounts.request_password_reset, methods=["POST"]
)
bp.add_url_rule(
    "/password-reset/confirm", "reset_password", accounts.reset_password, methods=["POST"]
)
bp.add_url_rule("/cases", "list_cases", cases.list_cases)
bp.add_url_rule("/cases/<int:case_id>/documents", "list_documents", documents.list_documents)
bp.add_url_rule(
    "/cases/<int:case_id>/documents/<int:document_id>.pdf", "document_pdf", documents.document_pdf
)
bp.add_url_rule("/cases", "file_case", cases.file_case, methods=["POST"])
bp.add_url_rule("/cases/<int:case_id>", "show_case", cases.show_case)
bp.add_url_rule("/cases/<int:case_id>/events", "case_events", cases.case_events)
bp.add_url_rule("/cases/<int:case_id>/transfer-targets", "transfer_targets", cases.transfer_targets)
bp.add_url_rule("/cases/<int:case_id>/claim", "claim_case", cases.claim_case, methods=["POST"])
bp.add_url_rule("/cases/<int:case_id>/hand-back", "hand_back", cases.hand_back, methods=["POST"])
bp.add_url_rule(
    "/cases/<int:case_id>/assign", "assign_case", assignment.assign_case, methods=["POST"]
)
bp.add_url_rule("/cases/<int:case_id>/respond", "respond", cases.respond, methods=["POST"])
bp.add_url_rule(
    "/cases/<int:case_id>/agreement", "draft_agreement", cases.draft_agreement, methods=["POST"]
)
bp.add_url_rule(
    "/cases/<int:case_id>/agreement/sign", "sign_agreement", cases.sign_agreement, methods=["POST"]
)
bp.add_url_rule(
    "/cases/<int:case_id>/payment", "report_payment", cases.report_payment, methods=["POST"]
)
bp.add_url_rule(
    "/cases/<int:case_id>/sessions", "add_session", sessions.add_session, methods=["POST"]
)
SESSION = "/cases/<int:case_id>/sessions/<int:session_id>"
for path, name in (
    ("reschedule", "reschedule_session"),
    ("cancel", "cancel_session"),
    ("answer", "answer_session"),
    ("minutes", "write_minutes"),
    ("minutes/answer", "answer_minutes"),
):
    bp.add_url_rule(f"{SESSION}/{path}", name, getattr(sessions, name), methods=["POST"])
bp.add_url_rule(
    "/cases/<int:case_id>/extension",
    "propose_extension",
    sessions.propose_extension,
    methods=["POST"],
)
bp.add_url_rule(
    "/cases/<int:case_id>/extension/consent",
    "answer_extension",
    sessions.answer_extension,
    methods=["POST"],
)
bp.add_url_rule(
    "/cases/<int:case_id>/extension/paper",
    "extension_paper",
    sessions.extension_paper,
    methods=["POST"],
)
bp.add_url_rule(
    "/cases/<int:case_id>/limitation/suspensions",
    "record_suspension",
    suspensions.record_suspension,
    methods=["POST"],
)
bp.add_url_rule(
    "/cases/<int:case_id>/limitation/suspensions/<int:suspension_id>/end",
    "end_suspension",
    suspensions.end_suspension,
    methods=["POST"],
)
bp.add_url_rule(
    "/cases/<int:case_id>/evidence", "upload_evidence", cases.upload_evidence, methods=["POST"]
)
bp.add_url_rule(
    "/cases/<int:case_id>/confirmation",
    "request_confirmation",
    cases.request_confirmation,
    methods=["POST"],
)
bp.add_url_rule(
    "/cases/<int:case_id>/confirmation/decision",
    "decide_confirmation",
    cases.decide_confirmation,
    methods=["POST"],
)
bp.add_url_rule("/cases/<int:case_id>/messages", "list_messages", messages.list_messages)
bp.add_url_rule(
    "/cases/<int:case_id>/messages", "post_message", messages.post_message, methods=["POST"]
)
bp.add_url_rule(
    "/cases/<int:case_id>/legal-aid",
    "request_legal_aid",
    legal_aid.request_legal_aid,
    methods=["POST"],
)
ARBITRATION = "/cases/<int:case_id>/arbitration-application"
PAYMENT_ORDER = "/cases/<int:case_id>/payment-order-application"
bp.add_url_rule(ARBITRATION, "arbitration_application", handoff.arbitration_application)
bp.add_url_rule(
    ARBITRATION,
    "save_arbitration_application",
    handoff.save_arbitration_application,
    methods=["PUT"],
)
bp.add_url_rule(
    f"{ARBITRATION}.pdf", "arbitration_application_pdf", handoff.arbitration_application_pdf
)
bp.add_url_rule(
    "/cases/<int:case_id>/handed-to-arbitration",
    "hand_to_arbitration",
    handoff.hand_to_arbitration,
    methods=["POST"],
)
bp.add_url_rule(PAYMENT_ORDER, "payment_order_application", handoff.payment_order_application)
bp.add_url_rule(
    PAYMENT_ORDER,
    "save_payment_order_application",
    handoff.save_payment_order_application,
    methods=["PUT"],
)
bp.add_url_rule(
    f"{PAYMENT_ORDER}.pdf", "payment_order_application_pdf", handoff.payment_order_application_pdf
)
# Last: the trigger is a path segment, so the fixed names above win.
bp.add_url_rule(
    "/cases/<int:case_id>/<trigger>", "fire_trigger", cases.fire_trigger, methods=["POST"]
)
bp.add_url_rule("/queue", "queue", cases.queue)
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
bp.add_url_rule("/stats", "stats", stats.stats)
bp.add_url_rule("/track", "track", track, methods=["POST"])
# The network, for administrators (api.network).
bp.add_url_rule("/admin/regions", "list_regions", network.list_regions)
bp.add_url_rule("/admin/regions", "create_region", network.create_region, methods=["POST"])
bp.add_url_rule(
    "/admin/regions/<int:region_id>", "update_region", network.update_region, methods=["PATCH"]
)
bp.add_url_rule("/admin/organizations", "list_organizations", network.list_organizations)
bp.add_url_rule(
    "/admin/organizations", "create_organization", network.create_organization, methods=["POST"]
)
ORGANIZATION = "/admin/organizations/<int:organization_id>"
bp.add_url_rule(ORGANIZATION, "update_organization", network.update_organization, methods=["PATCH"])
bp.add_url_rule(
    ORGANIZATION, "delete_organization", network.delete_organization, methods=["DELETE"]
)
bp.add_url_rule("/admin/imports/<kind>", "import_network", network.import_network, methods=["POST"])
# The people and the employers, for administrators (api.staff, api.employers).
bp.add_url_rule("/admin/users", "list_users", staff.list_users)
bp.add_url_rule("/admin/users", "create_user", staff.create_user, methods=["POST"])
USER = "/admin/users/<int:user_id>"
bp.add_url_rule(USER, "show_user", staff.show_user)
bp.add_url_rule(USER, "update_user", staff.update_user, methods=["PATCH"])
for path, name in (
    ("deactivate", "deactivate_user"),
    ("reactivate", "reactivate_user"),
    ("password-reset", "force_password_reset"),
):
    bp.add_url_rule(f"{USER}/{path}", name, getattr(staff, name), methods=["POST"])
bp.add_url_rule("/admin/employers", "list_employers", employers.list_employers)
EMPLOYER = "/admin/employers/<int:employer_id>"
bp.add_url_rule(EMPLOYER, "show_employer", employers.show_employer)
bp.add_url_rule(EMPLOYER, "update_employer", employers.update_employer, methods=["PATCH"])
bp.add_url_rule(f"{EMPLOYER}/merge", "merge_employer", employers.merge_employer, methods=["POST"])
bp.add_url_rule(f"{EMPLOYER}/committee", "add_committee", employers.add_committee, methods=["POST"])
