"""Every route × every role against the table of who may use it.

The table below is written independently of mediation/policy.py. A route that is not in it
fails the test, so nobody adds a page without deciding who may open it.
"""

import pytest

from mediation.models import Role

ANONYMOUS = "anonymous"
SIGNED_IN = frozenset(role.value for role in Role)
EVERYONE = SIGNED_IN | {ANONYMOUS}
# Supervisors are not among them: they read figures and masked lists, not case files.
CASE_ROLES = frozenset({"worker", "employer_rep", "mediator", "court_liaison"})

EXPECTED: dict[str, frozenset[str]] = {
    "home.index": EVERYONE,
    "home.set_language": EVERYONE,
    "auth.login": EVERYONE,
    "auth.register": EVERYONE,
    "auth.verify_phone": EVERYONE,
    "auth.resend_code": EVERYONE,
    "auth.forgot_password": EVERYONE,
    "auth.reset_password": EVERYONE,
    "auth.confirm_email": EVERYONE,
    "auth.register_employer": EVERYONE,
    # Open to whoever just gave a right password; anyone else is sent to the sign-in page,
    # and someone signed in onwards.
    "auth.second_factor": SIGNED_IN,
    "auth.set_up_second_factor": SIGNED_IN,
    "auth.logout": SIGNED_IN,
    "auth.change_password": SIGNED_IN,
    "auth.preferences": SIGNED_IN,
    "auth.sign_in_app": SIGNED_IN,
    # Mediators and admins get through the door; each registration is then checked on its
    # own (404 outside the mediator's district), see tests/auth/test_representatives.py.
    **dict.fromkeys(
        [
            "representatives.queue",
            "representatives.show",
            "representatives.approve",
            "representatives.reject",
            "representatives.letter",
        ],
        frozenset({"mediator", "admin"}),
    ),
    "admin.accounts": frozenset({"admin"}),
    "admin.new_staff": frozenset({"admin"}),
    "admin.account": frozenset({"admin"}),
    "admin.deactivate_account": frozenset({"admin"}),
    "admin.reactivate_account": frozenset({"admin"}),
    "admin.force_password_reset": frozenset({"admin"}),
    "admin.employers": frozenset({"admin"}),
    "admin.employer": frozenset({"admin"}),
    "admin.merge_employer": frozenset({"admin"}),
    "admin.add_committee": frozenset({"admin"}),
    "admin.organization": frozenset({"admin"}),
    "admin.district": frozenset({"admin"}),
    **dict.fromkeys(
        [
            "admin.regions",
            "admin.new_region",
            "admin.edit_region",
            "admin.new_organization",
            "admin.deactivate_organization",
            "admin.reactivate_organization",
            "admin.delete_organization",
            "admin.import_files",
            "admin.import_template",
            "admin.import_workbook_template",
            "api.list_regions",
            "api.create_region",
            "api.update_region",
            "api.list_organizations",
            "api.create_organization",
            "api.update_organization",
            "api.delete_organization",
            "api.import_network",
            "api.list_users",
            "api.create_user",
            "api.show_user",
            "api.update_user",
            "api.deactivate_user",
            "api.reactivate_user",
            "api.force_password_reset",
            "api.list_employers",
            "api.show_employer",
            "api.update_employer",
            "api.merge_employer",
            "api.add_committee",
        ],
        frozenset({"admin"}),
    ),
    "admin.organizations": frozenset({"admin", "supervisor"}),
    "admin.calendar_years": frozenset({"admin"}),
    "admin.edit_calendar": frozenset({"admin"}),
    "admin.routing_rules": frozenset({"admin"}),
    "admin.new_rule": frozenset({"admin"}),
    "admin.edit_rule": frozenset({"admin"}),
    "admin.move_rule": frozenset({"admin"}),
    "admin.toggle_rule": frozenset({"admin"}),
    "admin.reset_rules": frozenset({"admin"}),
    "supervision.overdue": frozenset({"supervisor"}),
    "supervision.deliveries": frozenset({"supervisor"}),
    "admin.outbox": frozenset({"admin"}),
    "admin.retry_message": frozenset({"admin"}),
    "admin.audit": frozenset({"admin"}),
    "admin.retention": frozenset({"admin"}),
    "admin.reset_second_factor": frozenset({"admin"}),
    "stats.dashboard": frozenset({"supervisor"}),
    "stats.export_figures": frozenset({"supervisor"}),
    "stats.cases": frozenset({"supervisor"}),
    "stats.export_cases": frozenset({"supervisor"}),
    "stats.alerts": frozenset({"supervisor"}),
    "stats.acknowledge": frozenset({"supervisor"}),
    "stats.employers": frozenset({"supervisor"}),
    "stats.export_employers": frozenset({"supervisor"}),
    "api.stats": frozenset({"supervisor"}),
    "referrals.index": frozenset({"reemployment_officer"}),
    "referrals.show": frozenset({"reemployment_officer"}),
    "referrals.save_profile": frozenset({"reemployment_officer"}),
    "referrals.propose": frozenset({"reemployment_officer"}),
    "referrals.answer": frozenset({"worker", "reemployment_officer"}),
    "referrals.act": frozenset({"worker", "reemployment_officer"}),
    "referrals.claim": frozenset({"reemployment_officer"}),
    "referrals.vacancies": frozenset({"reemployment_officer"}),
    "referrals.create_vacancy": frozenset({"reemployment_officer"}),
    "referrals.import_vacancies": frozenset({"reemployment_officer"}),
    "court.queue": frozenset({"court_liaison"}),
    "court.packet": frozenset({"court_liaison"}),
    "court.decide": frozenset({"court_liaison"}),
    "cases.new": frozenset({"worker"}),
    "cases.search_employers": frozenset({"worker", "mediator"}),
    "cases.new_for_visitor": frozenset({"mediator"}),
    "cases.mine": frozenset({"worker"}),
    "cases.company": frozenset({"employer_rep"}),
    "queue.index": frozenset({"mediator", "court_liaison"}),
    # Lead mediators only (the demo's med_hr is one); other mediators are refused by the view.
    "team.index": frozenset({"mediator"}),
    "supervision.network": frozenset({"supervisor"}),
    "notifications.index": SIGNED_IN,
    "notifications.mark_read": SIGNED_IN,
    "documents.printable": CASE_ROLES,
    "documents.pdf": CASE_ROLES,
    "documents.record_service": CASE_ROLES,
    "documents.correct": CASE_ROLES,
    "handoff.arbitration_application": CASE_ROLES,
    "handoff.arbitration_application_pdf": CASE_ROLES,
    "handoff.hand_to_arbitration": CASE_ROLES,
    "handoff.payment_order_application": CASE_ROLES,
    "handoff.payment_order_application_pdf": CASE_ROLES,
    "documents.proof_of_service": CASE_ROLES,
    "documents.proof_of_service_pdf": CASE_ROLES,
    "documents.verify": EVERYONE,
    "track.index": EVERYONE,
    "api.track": EVERYONE,
    "track.reissue": CASE_ROLES,
    "api.list_referrals": frozenset({"worker", "reemployment_officer", "supervisor"}),
    "api.show_referral": frozenset({"worker", "reemployment_officer", "supervisor"}),
    "api.fire_referral_trigger": frozenset({"worker", "reemployment_officer"}),
    "api.list_vacancies": frozenset({"reemployment_officer"}),
    "api.create_vacancy": frozenset({"reemployment_officer"}),
    "api.openapi": EVERYONE,
    "api.create_token": EVERYONE,
    "api.list_tokens": SIGNED_IN,
    "api.revoke_token": SIGNED_IN,
    "api.register": EVERYONE,
    "api.register_employer": EVERYONE,
    "api.verify_phone": EVERYONE,
    "api.send_phone_code": EVERYONE,
    "api.request_password_reset": EVERYONE,
    "api.reset_password": EVERYONE,
    "api.file_case": frozenset({"worker", "mediator"}),
    "api.queue": frozenset({"mediator", "court_liaison"}),
    **dict.fromkeys(
        [
            "api.list_cases",
            "api.show_case",
            "api.list_documents",
            "api.arbitration_application",
            "api.save_arbitration_application",
            "api.arbitration_application_pdf",
            "api.hand_to_arbitration",
            "api.payment_order_application",
            "api.save_payment_order_application",
            "api.payment_order_application_pdf",
            "api.document_pdf",
            "api.case_events",
            "api.transfer_targets",
            "api.fire_trigger",
            "api.claim_case",
            "api.respond",
            "api.draft_agreement",
            "api.sign_agreement",
            "api.report_payment",
            "api.add_session",
            "api.reschedule_session",
            "api.cancel_session",
            "api.answer_session",
            "api.write_minutes",
            "api.answer_minutes",
            "api.propose_extension",
            "api.answer_extension",
            "api.extension_paper",
            "api.record_suspension",
            "api.hand_back",
            "api.end_suspension",
            "api.upload_evidence",
            "api.list_messages",
            "api.post_message",
            "api.request_confirmation",
            "api.decide_confirmation",
            "api.request_legal_aid",
            "api.assign_case",
        ],
        CASE_ROLES,
    ),
    # Every case page: these roles get through the door; each case is then checked on its own
    # (404 when not visible, 403 when not theirs to act on), see tests/cases/.
    **dict.fromkeys(
        [
            "cases.show",
            "cases.act",
            "cases.claim",
            "cases.respond",
            "cases.add_session",
            "cases.reschedule_session",
            "cases.cancel_session",
            "cases.answer_session",
            "cases.write_minutes",
            "cases.answer_minutes",
            "cases.propose_extension",
            "cases.answer_extension",
            "cases.extension_paper",
            "cases.record_suspension",
            "cases.hand_back",
            "cases.end_suspension",
            "cases.draft_agreement",
            "cases.sign_agreement",
            "cases.paper_signatures",
            "cases.agreement_scan",
            "cases.report_payment",
            "cases.payment_proof",
            "cases.upload_evidence",
            "cases.download_evidence",
            "cases.reveal_identity",
            "cases.complete_uscc",
            "cases.request_confirmation",
            "cases.rate",
            "cases.post_message",
            "cases.message_attachment",
            "legal_aid.request",
            "team.assign",
        ],
        CASE_ROLES,
    ),
}

DEMO_ACCOUNT = {
    "worker": "worker1",
    "employer_rep": "employer1",
    "mediator": "med_hr",
    "court_liaison": "court1",
    "reemployment_officer": "reemploy1",
    "supervisor": "supervisor1",
    "admin": "admin",
}

# Values for URL variables; a route whose variables are missing here fails loudly.
SAMPLE_ARGUMENTS = {
    "filename": "css/app.css",
    "case_id": 1,
    "trigger": "accept",
    "evidence_id": 1,
    "session_id": 1,
    "suspension_id": 1,
    "employer_id": 1,
    "organization_id": 1,
    "region_id": 1,
    "document_id": 1,
    "year": 2027,
    "rule_id": 1,
    "referral_id": 1,
    "vacancy_id": 1,
    "proposal_id": 1,
    "reply": "interested",
    "alert_id": 1,
    "message_id": 1,
    "report_id": 1,
    "token_id": 999_999,  # not one of the caller's own: revoking it would end the run's token
    "channel": "joint",
    "direction": "up",
    "fmt": "csv",
    "token": "not-a-real-link",
    "registration_id": 1,
    "kind": "regions",
    "user_id": 999_999,  # nobody: resetting a real account's sign-in app is not the point here
}


def routes(app):
    for rule in app.url_map.iter_rules():
        method = next(m for m in ("GET", "POST", "PUT", "DELETE", "PATCH") if m in rule.methods)
        url = rule.build({name: SAMPLE_ARGUMENTS[name] for name in rule.arguments})[1]
        yield rule.endpoint, method, url


def test_every_route_is_in_the_table(app):
    unlisted = {endpoint for endpoint, _, _ in routes(app)} - set(EXPECTED) - {"static"}
    assert not unlisted, f"routes missing from the access table: {sorted(unlisted)}"


def test_every_route_is_in_the_policy(app):
    from mediation.policy import ENDPOINTS

    assert {endpoint for endpoint, _, _ in routes(app)} <= set(ENDPOINTS)


@pytest.mark.parametrize("role", [ANONYMOUS, *DEMO_ACCOUNT])
def test_role_reaches_exactly_the_routes_of_the_table(app, demo, browser, role):
    api_headers = {}
    if role != ANONYMOUS:
        browser.login(DEMO_ACCOUNT[role])
        token = browser.client.post(
            "/api/v1/tokens", json={"username": DEMO_ACCOUNT[role], "password": "demo-2026"}
        ).json["token"]
        api_headers = {"Authorization": f"Bearer {token}"}
    wrong = []
    for endpoint, method, url in routes(app):
        if endpoint == "static":
            continue
        # Pages: the session cookie; the API: the Bearer token (it ignores cookies).
        # POSTs carry no CSRF token: a permitted page gets 400, a forbidden one 403 first.
        headers = api_headers if endpoint.startswith("api.") else {}
        response = browser.client.open(url, method=method, headers=headers, json={})
        to_login = response.status_code == 302 and "/login" in response.headers["Location"]
        refused = response.status_code in (401, 403) or (role == ANONYMOUS and to_login)
        allowed = role in EXPECTED[endpoint]
        if refused == allowed or response.status_code >= 500:
            wrong.append((method, url, response.status_code))
    assert not wrong, f"{role}: unexpected answers {wrong}"


def test_static_files_need_no_login(client):
    assert client.get("/static/css/app.css").status_code == 200
