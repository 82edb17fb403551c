"""Who may do what: the one place that views, the API and templates ask.

Every endpoint is listed in ``ENDPOINTS`` with the access it needs; ``enforce`` runs before
every request and refuses endpoints that are not listed, so a new route is closed until
someone decides who may use it. Checks on a single record (is this case visible to this
user?) are functions here too, called by the views that load the record.
"""

from collections.abc import Callable
from enum import StrEnum

from flask import abort, current_app, request
from flask_login import AnonymousUserMixin, current_user
from sqlalchemy import ColumnElement, Select, and_, exists, false, func, or_, select, true

from mediation.core.errors import NotPermitted, Refused
from mediation.core.schemas import LARGEST_ID
from mediation.extensions import db, login_manager
from mediation.localtime import local_today
from mediation.models import (
    AuditEvent,
    Case,
    Employer,
    Evidence,
    JudicialConfirmation,
    LimitationSuspension,
    MessageChannel,
    Organization,
    OrgKind,
    Referral,
    RepresentativeRequest,
    Role,
    User,
)
from mediation.models.places import region_subtree
from workflows.case import CaseState, Outcome


class Permission(StrEnum):
    manage_accounts = "manage_accounts"
    manage_network = "manage_network"  # organisations, districts, employers
    view_organizations = "view_organizations"
    file_own_case = "file_own_case"
    file_for_visitor = "file_for_visitor"
    view_own_cases = "view_own_cases"
    view_company_cases = "view_company_cases"
    view_cases = "view_cases"  # then each case is checked on its own
    work_queue = "work_queue"
    file_case = "file_case"  # the API's one filing endpoint: for oneself or for a visitor
    manage_calendar = "manage_calendar"
    court_desk = "court_desk"
    manage_routing = "manage_routing"
    reemployment_desk = "reemployment_desk"
    view_referrals = "view_referrals"
    view_referrals_api = "view_referrals_api"  # supervisors read them too
    supervise = "supervise"
    manage_outbox = "manage_outbox"
    read_audit_log = "read_audit_log"
    review_retention = "review_retention"  # the retention report (mediation.retention)
    decide_representatives = "decide_representatives"  # then each registration on its own
    lead_team = "lead_team"  # then the account must be a lead (``is_team_lead``)


ROLE_PERMISSIONS: dict[Permission, frozenset[Role]] = {
    Permission.manage_accounts: frozenset({Role.admin}),
    Permission.manage_network: frozenset({Role.admin}),
    Permission.manage_outbox: frozenset({Role.admin}),
    Permission.read_audit_log: frozenset({Role.admin}),
    Permission.review_retention: frozenset({Role.admin}),
    Permission.view_organizations: frozenset({Role.admin, Role.supervisor}),
    Permission.file_own_case: frozenset({Role.worker}),
    Permission.file_for_visitor: frozenset({Role.mediator}),
    Permission.view_own_cases: frozenset({Role.worker}),
    Permission.view_company_cases: frozenset({Role.employer_rep}),
    # Supervisors read figures and masked lists (stats, supervision), not case files.
    Permission.view_cases: frozenset(
        {Role.worker, Role.employer_rep, Role.mediator, Role.court_liaison}
    ),
    Permission.work_queue: frozenset({Role.mediator, Role.court_liaison}),
    Permission.file_case: frozenset({Role.worker, Role.mediator}),
    Permission.manage_calendar: frozenset({Role.admin}),
    Permission.court_desk: frozenset({Role.court_liaison}),
    Permission.manage_routing: frozenset({Role.admin}),
    Permission.reemployment_desk: frozenset({Role.reemployment_officer}),
    # Workers answer proposals and decline; officers do the rest (per referral, see below).
    Permission.view_referrals: frozenset({Role.worker, Role.reemployment_officer}),
    Permission.view_referrals_api: frozenset(
        {Role.worker, Role.reemployment_officer, Role.supervisor}
    ),
    Permission.supervise: frozenset({Role.supervisor}),
    Permission.decide_representatives: frozenset({Role.mediator, Role.admin}),
    Permission.lead_team: frozenset({Role.mediator}),
}

PUBLIC = "public"
SIGNED_IN = "signed_in"

ENDPOINTS: dict[str, str | Permission] = {
    "static": PUBLIC,
    "home.index": PUBLIC,
    "home.set_language": PUBLIC,
    "auth.login": PUBLIC,
    "auth.second_factor": PUBLIC,  # the account is the one whose password was just right
    "auth.set_up_second_factor": PUBLIC,
    "auth.register": PUBLIC,
    "auth.verify_phone": PUBLIC,
    "auth.resend_code": PUBLIC,
    "auth.forgot_password": PUBLIC,
    "auth.reset_password": PUBLIC,
    "auth.confirm_email": PUBLIC,
    "auth.register_employer": PUBLIC,
    "auth.logout": SIGNED_IN,
    "auth.change_password": SIGNED_IN,
    "auth.preferences": SIGNED_IN,
    "auth.sign_in_app": SIGNED_IN,
    "representatives.queue": Permission.decide_representatives,
    "representatives.show": Permission.decide_representatives,
    "representatives.approve": Permission.decide_representatives,
    "representatives.reject": Permission.decide_representatives,
    "representatives.letter": Permission.decide_representatives,
    "admin.accounts": Permission.manage_accounts,
    "admin.new_staff": Permission.manage_accounts,
    "admin.account": Permission.manage_accounts,
    "admin.deactivate_account": Permission.manage_accounts,
    "admin.reactivate_account": Permission.manage_accounts,
    "admin.force_password_reset": Permission.manage_accounts,
    "admin.employers": Permission.manage_network,
    "admin.employer": Permission.manage_network,
    "admin.merge_employer": Permission.manage_network,
    "admin.add_committee": Permission.manage_network,
    "admin.organization": Permission.manage_network,
    "admin.district": Permission.manage_network,
    "admin.regions": Permission.manage_network,
    "admin.new_region": Permission.manage_network,
    "admin.edit_region": Permission.manage_network,
    "admin.new_organization": Permission.manage_network,
    "admin.deactivate_organization": Permission.manage_network,
    "admin.reactivate_organization": Permission.manage_network,
    "admin.delete_organization": Permission.manage_network,
    "admin.import_files": Permission.manage_network,
    "admin.import_template": Permission.manage_network,
    "admin.import_workbook_template": Permission.manage_network,
    "api.list_regions": Permission.manage_network,
    "api.create_region": Permission.manage_network,
    "api.update_region": Permission.manage_network,
    "api.list_organizations": Permission.manage_network,
    "api.create_organization": Permission.manage_network,
    "api.update_organization": Permission.manage_network,
    "api.delete_organization": Permission.manage_network,
    "api.import_network": Permission.manage_network,
    "api.list_users": Permission.manage_accounts,
    "api.create_user": Permission.manage_accounts,
    "api.show_user": Permission.manage_accounts,
    "api.update_user": Permission.manage_accounts,
    "api.deactivate_user": Permission.manage_accounts,
    "api.reactivate_user": Permission.manage_accounts,
    "api.force_password_reset": Permission.manage_accounts,
    "api.list_employers": Permission.manage_network,
    "api.show_employer": Permission.manage_network,
    "api.update_employer": Permission.manage_network,
    "api.merge_employer": Permission.manage_network,
    "api.add_committee": Permission.manage_network,
    "admin.organizations": Permission.view_organizations,
    "admin.calendar_years": Permission.manage_calendar,
    "admin.edit_calendar": Permission.manage_calendar,
    "admin.routing_rules": Permission.manage_routing,
    "admin.new_rule": Permission.manage_routing,
    "admin.edit_rule": Permission.manage_routing,
    "admin.move_rule": Permission.manage_routing,
    "admin.toggle_rule": Permission.manage_routing,
    "admin.reset_rules": Permission.manage_routing,
    "admin.outbox": Permission.manage_outbox,
    "admin.retry_message": Permission.manage_outbox,
    "admin.audit": Permission.read_audit_log,
    "admin.retention": Permission.review_retention,
    "admin.reset_second_factor": Permission.manage_accounts,
    "supervision.deliveries": Permission.supervise,
    "supervision.overdue": Permission.supervise,
    "stats.dashboard": Permission.supervise,
    "stats.export_figures": Permission.supervise,
    "stats.cases": Permission.supervise,
    "stats.export_cases": Permission.supervise,
    "stats.alerts": Permission.supervise,
    "stats.acknowledge": Permission.supervise,
    "stats.employers": Permission.supervise,
    "stats.export_employers": Permission.supervise,
    "api.stats": Permission.supervise,
    "cases.new": Permission.file_own_case,
    "cases.new_for_visitor": Permission.file_for_visitor,
    # Who fills in the filing form: its employer-name suggestions.
    "cases.search_employers": Permission.file_case,
    "cases.mine": Permission.view_own_cases,
    "cases.company": Permission.view_company_cases,
    "cases.show": Permission.view_cases,
    "cases.act": Permission.view_cases,
    "cases.claim": Permission.view_cases,
    "cases.hand_back": Permission.view_cases,
    "cases.respond": Permission.view_cases,
    "cases.add_session": Permission.view_cases,
    "cases.reschedule_session": Permission.view_cases,
    "cases.cancel_session": Permission.view_cases,
    "cases.answer_session": Permission.view_cases,
    "cases.write_minutes": Permission.view_cases,
    "cases.answer_minutes": Permission.view_cases,
    "cases.propose_extension": Permission.view_cases,
    "cases.answer_extension": Permission.view_cases,
    "cases.extension_paper": Permission.view_cases,
    "cases.draft_agreement": Permission.view_cases,
    "cases.sign_agreement": Permission.view_cases,
    "cases.paper_signatures": Permission.view_cases,
    "cases.agreement_scan": Permission.view_cases,
    "cases.report_payment": Permission.view_cases,
    "cases.payment_proof": Permission.view_cases,
    "cases.upload_evidence": Permission.view_cases,
    "cases.download_evidence": Permission.view_cases,
    "cases.reveal_identity": Permission.view_cases,
    "cases.complete_uscc": Permission.view_cases,
    "cases.record_suspension": Permission.view_cases,
    "cases.end_suspension": Permission.view_cases,
    "cases.request_confirmation": Permission.view_cases,
    "cases.rate": Permission.view_cases,
    "cases.post_message": Permission.view_cases,
    "cases.message_attachment": Permission.view_cases,
    "legal_aid.request": Permission.view_cases,
    "referrals.index": Permission.reemployment_desk,
    "referrals.show": Permission.reemployment_desk,
    "referrals.save_profile": Permission.reemployment_desk,
    "referrals.propose": Permission.reemployment_desk,
    "referrals.answer": Permission.view_referrals,
    "referrals.act": Permission.view_referrals,
    "referrals.claim": Permission.reemployment_desk,
    "referrals.vacancies": Permission.reemployment_desk,
    "referrals.create_vacancy": Permission.reemployment_desk,
    "referrals.import_vacancies": Permission.reemployment_desk,
    "court.queue": Permission.court_desk,
    "court.packet": Permission.court_desk,
    "court.decide": Permission.court_desk,
    "queue.index": Permission.work_queue,
    "notifications.index": SIGNED_IN,
    "notifications.mark_read": SIGNED_IN,
    "documents.printable": Permission.view_cases,
    "documents.pdf": Permission.view_cases,
    "documents.record_service": Permission.view_cases,
    "documents.correct": Permission.view_cases,
    "documents.proof_of_service": Permission.view_cases,
    "documents.proof_of_service_pdf": Permission.view_cases,
    "documents.verify": PUBLIC,
    "track.index": PUBLIC,
    "track.reissue": Permission.view_cases,
    "handoff.arbitration_application": Permission.view_cases,
    "handoff.arbitration_application_pdf": Permission.view_cases,
    "handoff.hand_to_arbitration": Permission.view_cases,
    "handoff.payment_order_application": Permission.view_cases,
    "handoff.payment_order_application_pdf": Permission.view_cases,
    "api.openapi": PUBLIC,
    "api.create_token": PUBLIC,
    "api.list_tokens": SIGNED_IN,
    "api.revoke_token": SIGNED_IN,
    "api.register": PUBLIC,
    "api.register_employer": PUBLIC,
    "api.verify_phone": PUBLIC,
    "api.send_phone_code": PUBLIC,
    "api.request_password_reset": PUBLIC,
    "api.reset_password": PUBLIC,
    "api.track": PUBLIC,
    "api.list_cases": Permission.view_cases,
    "api.file_case": Permission.file_case,
    "api.show_case": Permission.view_cases,
    "api.list_documents": Permission.view_cases,
    "api.document_pdf": Permission.view_cases,
    "api.case_events": Permission.view_cases,
    "api.transfer_targets": Permission.view_cases,
    "api.fire_trigger": Permission.view_cases,
    "api.claim_case": Permission.view_cases,
    "api.hand_back": Permission.view_cases,
    "api.respond": Permission.view_cases,
    "api.draft_agreement": Permission.view_cases,
    "api.sign_agreement": Permission.view_cases,
    "api.report_payment": Permission.view_cases,
    "api.add_session": Permission.view_cases,
    "api.reschedule_session": Permission.view_cases,
    "api.cancel_session": Permission.view_cases,
    "api.answer_session": Permission.view_cases,
    "api.write_minutes": Permission.view_cases,
    "api.answer_minutes": Permission.view_cases,
    "api.propose_extension": Permission.view_cases,
    "api.answer_extension": Permission.view_cases,
    "api.extension_paper": Permission.view_cases,
    "api.record_suspension": Permission.view_cases,
    "api.end_suspension": Permission.view_cases,
    "api.upload_evidence": Permission.view_cases,
    "api.list_messages": Permission.view_cases,
    "api.post_message": Permission.view_cases,
    "api.queue": Permission.work_queue,
    "api.request_confirmation": Permission.view_cases,
    "api.list_referrals": Permission.view_referrals_api,
    "api.show_referral": Permission.view_referrals_api,
    "api.fire_referral_trigger": Permission.view_referrals,
    "api.list_vacancies": Permission.reemployment_desk,
    "api.create_vacancy": Permission.reemployment_desk,
    "api.decide_confirmation": Permission.view_cases,
    "api.arbitration_application": Permission.view_cases,
    "api.save_arbitration_application": Permission.view_cases,
    "api.arbitration_application_pdf": Permission.view_cases,
    "api.hand_to_arbitration": Permission.view_cases,
    "api.payment_order_application": Permission.view_cases,
    "api.save_payment_order_application": Permission.view_cases,
    "api.payment_order_application_pdf": Permission.view_cases,
    "api.request_legal_aid": Permission.view_cases,
    # Work assignment (cases.assignment): the team page for lead mediators; assigning a case
    # is then checked on the case (Act.assign).
    "team.index": Permission.lead_team,
    "team.assign": Permission.view_cases,
    "api.assign_case": Permission.view_cases,
    "supervision.network": Permission.supervise,
}


def can(user: User | AnonymousUserMixin, permission: Permission) -> bool:
    return bool(user.is_authenticated) and user.role in ROLE_PERMISSIONS[permission]


def _jurisdiction_organizations(region_id: int) -> Select:
    """SELECT of the ids of the organisations in a supervisor's region and below it."""
    return select(Organization.id).where(Organization.region_id.in_(region_subtree(region_id)))


def organizations_in_view(user: User) -> ColumnElement[bool] | None:
    """A filter on organisations for users who see only a jurisdiction; None means all."""
    return _organizations_in_view(user.role, user.region_id)


def _organizations_in_view(role: Role, region_id: int | None) -> ColumnElement[bool] | None:
    """``organizations_in_view`` of an account of ``role`` in ``region_id``: all it depends on."""
    if role is Role.supervisor:
        return Organization.id.in_(_jurisdiction_organizations(region_id))
    return None


def overseen_organizations(user: User) -> Select:
    """SELECT of the ids of the organisations whose figures ``user`` may read."""
    return overseen_organizations_of(user.role, user.region_id)


def overseen_organizations_of(role: Role, region_id: int | None) -> Select:
    """``overseen_organizations`` of an account of ``role`` in ``region_id``, for a statement
    built once per kind of account and region (``stats.filters.places_in_view``)."""
    in_view = _organizations_in_view(role, region_id)
    query = select(Organization.id)
    return query if in_view is None else query.where(in_view)


def overseen_cases(user: User) -> ColumnElement[bool]:
    """A filter on cases: those whose figures and masked summaries ``user`` may read (the
    statistics, alerts and overdue lists); opening them is ``visible_cases``."""
    return Case.organization_id.in_(overseen_organizations(user))


CASE_STAFF_ROLES = (Role.mediator, Role.court_liaison)

# Who stands where towards a case. The case triggers are declared with these
# (mediation.cases.triggers); the other case actions below.


def is_applicant(user: User, case: Case) -> bool:
    return user.role is Role.worker and case.applicant_id == user.id


def is_respondent(user: User, case: Case) -> bool:
    return user.role is Role.employer_rep and case.employer_id == user.employer_id


def is_party(user: User, case: Case) -> bool:
    return is_applicant(user, case) or is_respondent(user, case)


def sees_the_workers_private_facts(user: User, case: Case) -> bool:
    """The worker and staff, not the employer: what tells of the worker's health or means (a
    suspension's reason, a legal-aid request)."""
    return user.is_staff or is_applicant(user, case)


def is_case_staff(user: User, case: Case) -> bool:
    """Staff of the organisation that holds the case now."""
    return user.role in CASE_STAFF_ROLES and case.organization_id == user.organization_id


def is_case_mediator(user: User, case: Case) -> bool:
    """The case's mediator, or any mediator of its organisation while nobody has claimed it."""
    return is_case_staff(user, case) and case.mediator_id in (None, user.id)


def mediation_timed_out(case: Case) -> bool:
    """The mediation period ran out without an agreement (the case is still mediating)."""
    return (
        case.state == CaseState.mediating
        and case.mediation_deadline is not None
        and case.mediation_deadline < local_today()
    )


def applicant_may_transfer(user: User, case: Case) -> bool:
    """After a failure, or when the mediation period ran out, the applicant may ask for the
    next tier themself; after a decline, for another organisation that could hear it, without
    filing again (DESIGN.md §3)."""
    failed = case.state == CaseState.closed and case.outcome == Outcome.unresolved
    declined = case.state == CaseState.closed and case.outcome == Outcome.declined
    return is_applicant(user, case) and (failed or declined or mediation_timed_out(case))


def withdraws_for_applicant(user: User, case: Case) -> bool:
    """The applicant withdraws; a walk-in applicant (no account) withdraws at the counter."""
    return is_applicant(user, case) or (case.applicant_id is None and is_case_staff(user, case))


def is_confirmation_court(user: User, case: Case) -> bool:
    return (
        user.role is Role.court_liaison
        and case.confirmation is not None
        and case.confirmation.court_id == user.organization_id
    )


def is_team_lead(user: User | AnonymousUserMixin) -> bool:
    """A lead mediator, still at an organisation: assigns its cases and sees its team."""
    return (
        bool(user.is_authenticated)
        and user.role is Role.mediator
        and user.is_lead
        and user.organization_id is not None
    )


def is_case_lead(user: User, case: Case) -> bool:
    """A lead mediator of the organisation that holds the case."""
    return is_team_lead(user) and case.organization_id == user.organization_id


class Act(StrEnum):
    """What can be done to a case besides the workflow triggers."""

    claim = "claim"
    assign = "assign"  # a lead mediator gives the case to a mediator (or to another)
    hand_back = "hand_back"  # the case's mediator gives it back to the queue
    respond = "respond"  # the employer agrees or refuses to mediate
    schedule_session = "schedule_session"
    change_session = "change_session"  # reschedule or cancel
    write_minutes = "write_minutes"
    answer_session = "answer_session"  # a party confirms or asks for another time
    answer_minutes = "answer_minutes"  # a party confirms the minutes or refuses with a note
    propose_extension = "propose_extension"
    answer_extension = "answer_extension"  # a party agrees or refuses online
    record_extension_paper = "record_extension_paper"  # consent signed on paper, uploaded
    draft_agreement = "draft_agreement"
    sign = "sign"  # a party signs the agreement online
    record_paper_signatures = "record_paper_signatures"
    report_payment = "report_payment"  # whether the agreed amount was paid (履行)
    upload_evidence = "upload_evidence"
    view_identity = "view_identity"
    request_confirmation = "request_confirmation"  # a party asks the court to confirm
    decide_confirmation = "decide_confirmation"  # the court's liaison confirms or refuses
    rate = "rate"
    record_service = "record_service"  # a document served in person or by post
    correct_document = "correct_document"  # a corrected version supersedes an issued one
    complete_uscc = "complete_uscc"  # staff complete the USCC a worker did not know
    record_suspension = "record_suspension"  # the limitation is suspended (第二十七条第三款)
    end_suspension = "end_suspension"  # the cause of a suspension ended
    issue_track_code = "issue_track_code"  # a new progress code for the applicant
    # The applications the worker files outside mediation (mediation.handoff): arbitration
    # (劳动争议调解仲裁法 第二十八条) and a payment order (第十六条), prepared from the case.
    prepare_handoff = "prepare_handoff"
    hand_to_arbitration = "hand_to_arbitration"  # staff record the application handed over
    request_legal_aid = "request_legal_aid"  # the worker asks for legal aid (mediation.legal_aid)


def _mediating(case: Case) -> bool:
    return case.state == CaseState.mediating


def _paper_signatures_missing(case: Case) -> bool:
    """The current version lacks a signature, or was signed on paper and lacks its scan."""
    agreement = case.agreement
    if not _mediating(case) or agreement is None:
        return False
    signed = agreement.applicant_signed_version == agreement.respondent_signed_version
    signed = signed and agreement.applicant_signed_version == agreement.version
    return not signed or (agreement.signed_on_paper and agreement.paper_scan_id is None)


def _my_signature_missing(user: User, case: Case) -> bool:
    """The person has not signed the current version (a redraft voids earlier signatures)."""
    agreement = case.agreement
    if not _mediating(case) or agreement is None:
        return False
    if is_applicant(user, case):
        return agreement.applicant_signed_version != agreement.version
    return agreement.respondent_signed_version != agreement.version


def _settled(case: Case) -> bool:
    return _closed(case) and case.outcome == Outcome.resolved and case.agreement is not None


def _always(case: Case) -> bool:
    return True


def _extension_open(case: Case) -> bool:
    """An extension proposal waits for the parties' answers."""
    return _mediating(case) and case.open_extension_proposal is not None


def _extension_possible(case: Case) -> bool:
    """Once per mediation, and one proposal at a time."""
    return _mediating(case) and not case.extension_days and not _extension_open(case)


def _suspension_lasting(case: Case) -> bool:
    """A suspension of the limitation was recorded whose cause has not ended yet."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    LimitationSuspension.case_id == case.id,
                    LimitationSuspension.ends_on.is_(None),
                )
            )
        )
    )


def _not_archived(case: Case) -> bool:
    return case.state != CaseState.archived


def _closed(case: Case) -> bool:
    return case.state in (CaseState.closed, CaseState.archived)


# Act → (who may, when the case allows it). "Who" failing is a 403; "when" failing a refusal
# (409) that says the case is not in a state for it. The pages show an action when both hold.
CASE_ACTS: dict[Act, tuple[Callable[[User, Case], bool], Callable[..., bool]]] = {
    Act.claim: (is_case_staff, lambda case: case.mediator_id is None and case.is_open),
    Act.hand_back: (
        lambda user, case: is_case_staff(user, case) and case.mediator_id == user.id,
        lambda case: case.is_open,
    ),
    Act.assign: (is_case_lead, lambda case: case.is_open),
    Act.respond: (
        is_respondent,
        lambda case: case.state in (CaseState.applied, CaseState.accepted),
    ),
    Act.schedule_session: (is_case_mediator, _mediating),
    Act.change_session: (is_case_mediator, _mediating),
    Act.write_minutes: (is_case_mediator, _mediating),
    Act.answer_session: (is_party, _mediating),
    # Minutes written on the last day may be confirmed after the case closed.
    Act.answer_minutes: (is_party, _not_archived),
    Act.propose_extension: (is_case_mediator, _extension_possible),
    Act.answer_extension: (is_party, _extension_open),
    Act.record_extension_paper: (is_case_mediator, _extension_open),
    Act.draft_agreement: (is_case_mediator, _mediating),
    Act.sign: (is_party, None),  # when: the person's own signature is missing
    Act.record_paper_signatures: (is_case_mediator, _paper_signatures_missing),
    # The worker says whether it was paid; the employer records payment (with proof); so may
    # the mediator, e.g. from a phone call.
    Act.report_payment: (
        lambda user, case: is_party(user, case) or is_case_mediator(user, case),
        _settled,
    ),
    # Papers handed in at the counter count as the applicant's.
    Act.upload_evidence: (
        lambda user, case: is_party(user, case) or is_case_staff(user, case),
        lambda case: case.is_open,
    ),
    Act.view_identity: (is_case_staff, _always),
    Act.request_confirmation: (is_party, _always),  # the window: court.confirmations
    Act.decide_confirmation: (is_confirmation_court, _always),
    Act.rate: (is_party, _closed),  # once each: cases.ratings
    # Any time: a notice may be handed over at the window or posted after the case closed.
    Act.record_service: (is_case_staff, _always),
    # Any time, as service: a wrong address may be found after the case closed.
    Act.correct_document: (is_case_staff, _always),
    # Before acceptance (accepting needs it), while the case is open.
    Act.complete_uscc: (
        is_case_staff,
        lambda case: case.is_open and case.employer.uscc is None,
    ),
    # In any state: the worker often asks after the case closed, when the limitation matters.
    Act.record_suspension: (is_case_staff, _always),
    Act.end_suspension: (is_case_staff, _suspension_lasting),
    # For an applicant who lost the code to follow the case (mediation.tracking); the archived
    # file is read-only.
    Act.issue_track_code: (is_case_staff, _not_archived),
    # The applicant, or staff on their behalf; when: the route is open (mediation.handoff).
    Act.prepare_handoff: (
        lambda user, case: is_applicant(user, case) or is_case_staff(user, case),
        _always,
    ),
    Act.hand_to_arbitration: (is_case_staff, _always),
    # Once (mediation.legal_aid refuses a second request), until the file is archived.
    Act.request_legal_aid: (is_applicant, _not_archived),
}


def may_act(user: User, case: Case, act: Act | str) -> bool:
    """Whether ``user`` may do ``act`` to ``case`` now (what the page offers)."""
    who, when = CASE_ACTS[Act(act)]
    if not who(user, case):
        return False
    if when is None:
        return _my_signature_missing(user, case)
    return when(case)


def require_act(user: User, case: Case, act: Act) -> None:
    """``NotPermitted`` unless ``user`` may do ``act`` to ``case``; ``Refused`` when the case
    is not in a state for it."""
    who, when = CASE_ACTS[act]
    if not who(user, case):
        raise NotPermitted(act.value)
    allowed = _my_signature_missing(user, case) if when is None else when(case)
    if not allowed:
        raise Refused("not_allowed_in_state")


def message_channels(user: User, case: Case) -> tuple[MessageChannel, ...]:
    """The channels of the case's conversation ``user`` may read and write (DESIGN.md §4): a
    party the joint channel and its own caucus (背对背) with the mediator, never the other
    party's; staff of the organisation holding the case all three (before a mediator is
    assigned, its staff answer); everyone else (supervisors, staff who handed the case on, a
    court asked to confirm) none."""
    if is_case_staff(user, case):
        return (MessageChannel.joint, MessageChannel.applicant, MessageChannel.respondent)
    if is_applicant(user, case):
        return (MessageChannel.joint, MessageChannel.applicant)
    if is_respondent(user, case):
        return (MessageChannel.joint, MessageChannel.respondent)
    return ()


def require_message_channel(
    user: User, case: Case, channel: MessageChannel, *, writing: bool = False
) -> None:
    """``NotPermitted`` unless ``user`` may use ``channel`` of ``case``; writing also needs the
    case open (``Refused``): the conversation stops when the case closes and stays readable."""
    if channel not in message_channels(user, case):
        raise NotPermitted("message_channel")
    if writing and not case.is_open:
        raise Refused("conversation_closed")


# The audit actions of a case leaving an organisation; the event names the sender.
HAND_ON_ACTIONS = ("case.escalate", "case.return")


def _handed_on_by(organization_id: int | None) -> ColumnElement[bool]:
    """A filter on cases: those ``organization_id`` handed on to another organisation."""
    return exists().where(
        AuditEvent.case_id == Case.id,
        AuditEvent.action.in_(HAND_ON_ACTIONS),
        AuditEvent.organization_id == organization_id,
    )


def _keeps_reading_after_handing_on(user: User) -> bool:
    """Staff of the employer's own mediation committee lose the case once it has left them
    (the employer must not read what the worker sends the next tier); other organisations
    keep reading the cases they handed on."""
    organization = user.organization
    return organization is not None and organization.kind is not OrgKind.enterprise


def visible_cases(user: User) -> ColumnElement[bool]:
    """A filter on cases: those ``user`` may open. Staff of the organisation holding the case
    see it; staff who handed it on keep reading it (but for an enterprise committee, see
    ``_keeps_reading_after_handing_on``; and see ``visible_evidence``); the court asked to
    confirm an agreement sees that case. Supervisors open no case: they read figures."""
    if user.role is Role.worker:
        return Case.applicant_id == user.id
    if user.role is Role.employer_rep:
        return Case.employer_id == user.employer_id
    if user.role in CASE_STAFF_ROLES:
        asked_to_confirm = exists().where(
            and_(
                JudicialConfirmation.case_id == Case.id,
                JudicialConfirmation.court_id == user.organization_id,
            )
        )
        seen = [Case.organization_id == user.organization_id, asked_to_confirm]
        if _keeps_reading_after_handing_on(user):
            seen.append(_handed_on_by(user.organization_id))
        return or_(*seen)
    return false()


def visible_evidence(user: User, case: Case) -> ColumnElement[bool]:
    """A filter on the evidence of ``case`` (which ``user`` may open): staff who handed the
    case on see what was uploaded until it last left them, nothing sent in afterwards."""
    holds_case = case.organization_id == user.organization_id or is_confirmation_court(user, case)
    if user.role not in CASE_STAFF_ROLES or holds_case:
        return true()
    last_handed_on = (
        select(func.max(AuditEvent.occurred_at))
        .where(
            AuditEvent.case_id == case.id,
            AuditEvent.action.in_(HAND_ON_ACTIONS),
            AuditEvent.organization_id == user.organization_id,
        )
        .scalar_subquery()
    )
    return Evidence.uploaded_at <= last_handed_on


def is_referral_worker(user: User, referral: Referral) -> bool:
    return user.role is Role.worker and referral.worker_id == user.id


def is_referral_officer(user: User, referral: Referral) -> bool:
    """An officer of the re-employment centre the referral went to."""
    return user.role is Role.reemployment_officer and referral.centre_id == user.organization_id


class ReferralAct(StrEnum):
    """What can be done to a referral besides its workflow triggers."""

    claim = "claim"
    profile = "profile"  # the worker's skills and wishes
    propose = "propose"  # a vacancy to the worker
    answer = "answer"  # the worker answers a proposal


REFERRAL_ACTS: dict[ReferralAct, Callable[[User, Referral], bool]] = {
    ReferralAct.claim: lambda user, referral: (
        is_referral_officer(user, referral) and referral.officer_id is None
    ),
    ReferralAct.profile: is_referral_officer,
    ReferralAct.propose: is_referral_officer,
    ReferralAct.answer: is_referral_worker,
}


def may_referral_act(user: User, referral: Referral, act: ReferralAct | str) -> bool:
    return REFERRAL_ACTS[ReferralAct(act)](user, referral)


def require_referral_act(user: User, referral: Referral, act: ReferralAct) -> None:
    """``NotPermitted`` unless ``user`` may do ``act`` to ``referral``."""
    if not is_referral_officer(user, referral) and not is_referral_worker(user, referral):
        raise NotPermitted(act.value)
    if not REFERRAL_ACTS[act](user, referral):
        raise (Refused("already_claimed") if act is ReferralAct.claim else NotPermitted(act.value))


def visible_referrals(user: User) -> ColumnElement[bool]:
    if user.role is Role.worker:
        return Referral.worker_id == user.id
    if user.role is Role.reemployment_officer:
        return Referral.centre_id == user.organization_id
    if user.role is Role.supervisor:
        return Referral.centre_id.in_(_jurisdiction_organizations(user.region_id))
    return false()


# Staff of these kinds of organisation vouch for a company's representatives: not an
# enterprise committee, whose members work for one company (perhaps the other side's).
REPRESENTATIVE_DECIDER_KINDS = (OrgKind.union, OrgKind.hr_bureau, OrgKind.court)


def decidable_representatives(user: User) -> ColumnElement[bool]:
    """A filter on representative registrations: those ``user`` may see and decide. An admin
    all; a mediator of a union, HR-bureau or court organisation those of companies registered
    in the organisation's district (the district itself or any street or community of it), as
    transfers are limited to organisations serving the employer's district."""
    if user.role is Role.admin:
        return true()
    organization = user.organization
    if (
        user.role is not Role.mediator
        or organization is None
        or not organization.active
        or organization.kind not in REPRESENTATIVE_DECIDER_KINDS
    ):
        return false()
    district = organization.region.district
    return RepresentativeRequest.employer_id.in_(
        select(Employer.id).where(Employer.region_id.in_(region_subtree(district.id)))
    )


def can_view_case(user: User, case: Case) -> bool:
    return bool(db.session.scalar(select(exists().where(Case.id == case.id, visible_cases(user)))))


def enforce() -> None:
    """``before_request`` hook: decide access from the endpoint alone, before any view runs;
    then refuse an id that no table can hold."""
    if request.endpoint is None:  # no route matched: let Flask answer 404 or 405
        return None
    rule = ENDPOINTS.get(request.endpoint)
    if rule is None:
        current_app.logger.error("endpoint %s is missing from policy.ENDPOINTS", request.endpoint)
        abort(403)
    if rule != PUBLIC:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if rule != SIGNED_IN and not can(current_user, rule):
            abort(403)
    # A number in the URL larger than any id (core.schemas.LARGEST_ID) names nothing: 404, as
    # for an id that is not there. After the door, which answers 403 whatever the id.
    if any(
        isinstance(value, int) and value > LARGEST_ID
        for value in (request.view_args or {}).values()
    ):
        abort(404)
    return None
