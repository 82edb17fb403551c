"""API handlers: read JSON, call the same services as the pages, answer JSON."""

from datetime import datetime

from flask import abort, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from mediation import policy
from mediation.api import serialise
from mediation.api.schemas import BodyInvalid, Reader, read_application
from mediation.auth import accounts
from mediation.cases import casework, filing
from mediation.cases.filing import ApplicationInvalid
from mediation.cases.intake import evidence_dir
from mediation.cases.operations import GuardFailed, IllegalTransition, claim, fire
from mediation.core.answers import error_response, invalid
from mediation.core.errors import NotPermitted, Refused
from mediation.court import confirmations
from mediation.extensions import db
from mediation.localtime import SHANGHAI, local_today
from mediation.messages import guard_message, refusal_message
from mediation.models import AuditEvent, Case, SessionMode
from mediation.queue.worklist import Filters, worklist_query
from mediation.stats import figures
from mediation.stats.compute import as_json, compute
from mediation.stats.filters import FiltersInvalid, parse_filters
from mediation.uploads import UploadRejected, delete_stored, store_upload
from workflows.case import CaseTrigger, UnknownTrigger

PAGE_SIZE = 50


def _body():
    return request.get_json(silent=True)


def _load(case_id: int) -> Case:
    case = db.session.scalar(
        select(Case).where(Case.id == case_id, policy.visible_cases(current_user))
    )
    if case is None:
        abort(404)
    return case


def _case(case: Case, status: int = 200):
    response = jsonify(serialise.case_detail(case, current_user))
    response.status_code = status
    return response


def _page(query) -> dict:
    page = db.paginate(query, per_page=PAGE_SIZE, error_out=False)
    return {
        "items": [serialise.case_summary(case) for case in page.items],
        "page": page.page,
        "pages": page.pages,
        "total": page.total,
    }


def create_token():
    r = Reader(_body())
    username = r.text(r.body, "username", "username", max_length=50)
    password = r.text(r.body, "password", "password", max_length=128)
    if r.errors:
        return invalid(r.errors)
    user = accounts.authenticate(username, password)
    if user is None:
        return error_response(401, _("Wrong username, mobile number or password."))
    token = accounts.issue_api_token(user)
    return jsonify({"token": token, "role": user.role.value}), 201


def list_cases():
    query = select(Case).where(policy.visible_cases(current_user)).order_by(Case.received_at.desc())
    return jsonify(_page(query))


def file_case():
    try:
        application = read_application(_body(), current_user)
        case = filing.file_case(application, actor=current_user)
    except (BodyInvalid, ApplicationInvalid) as error:
        return invalid(error.errors)
    return _case(case, 201)


def show_case(case_id: int):
    return _case(_load(case_id))


def case_events(case_id: int):
    case = _load(case_id)
    query = select(AuditEvent).where(AuditEvent.case_id == case.id)
    if not current_user.is_staff:
        query = query.where(AuditEvent.action != "case.identity_viewed")
    events = db.session.scalars(query.order_by(AuditEvent.occurred_at, AuditEvent.id))
    return jsonify({"items": [serialise.event(item) for item in events]})


def _trigger_data(trigger: CaseTrigger, body) -> dict:
    r = Reader(body if body is not None else {})
    match trigger:
        case CaseTrigger.accept:
            data = {
                "respondent_consent": r.boolean(r.body, "respondent_consent", "respondent_consent")
            }
        case CaseTrigger.decline | CaseTrigger.fail | CaseTrigger.withdraw | CaseTrigger.return_:
            data = {"reason": r.text(r.body, "reason", "reason", required=False, max_length=2000)}
        case CaseTrigger.escalate:
            data = {
                "reason": r.text(r.body, "reason", "reason", required=False, max_length=2000),
                "organization_id": r.body.get("organization_id"),
            }
        case CaseTrigger.extend:
            days = r.body.get("days")
            data = {
                "days": days,
                "applicant_consent": r.boolean(r.body, "applicant_consent", "applicant_consent"),
                "respondent_consent": r.boolean(r.body, "respondent_consent", "respondent_consent"),
            }
        case CaseTrigger.archive:
            data = {
                "checklist_complete": r.boolean(r.body, "checklist_complete", "checklist_complete")
            }
        case _:
            data = {}
    r.done()
    return data


def fire_trigger(case_id: int, trigger: str):
    case = _load(case_id)
    try:
        member = CaseTrigger(trigger)
    except ValueError:
        abort(404)
    if member is CaseTrigger.apply:
        abort(404)
    try:
        fire(case, member.value, actor=current_user, **_trigger_data(member, _body()))
    except NotPermitted:
        abort(403)
    except (IllegalTransition, UnknownTrigger) as error:
        return error_response(409, guard_message(getattr(error, "code", "not_allowed_in_state")))
    except Refused as error:
        return _refusal(error)
    except GuardFailed as error:
        return invalid({p.field: [guard_message(p.code)] for p in error.problems})
    except BodyInvalid as error:
        return invalid(error.errors)
    return _case(case)


def _refusal(error: Refused):
    return error_response(409, refusal_message(error.code))


def claim_case(case_id: int):
    case = _load(case_id)
    try:
        claim(case, actor=current_user)
    except NotPermitted:
        abort(403)
    except Refused as error:
        return _refusal(error)
    return _case(case)


def respond(case_id: int):
    case = _load(case_id)
    r = Reader(_body())
    consent = r.body.get("consent")
    if not isinstance(consent, bool):
        r.fail("consent", _("Send true or false."))
    note = r.text(r.body, "note", "note", required=False, max_length=2000) or ""
    if r.errors:
        return invalid(r.errors)
    try:
        casework.respond_to_request(case, actor=current_user, consent=consent, note=note)
    except NotPermitted:
        abort(403)
    except Refused as error:
        return _refusal(error)
    return _case(case)


def draft_agreement(case_id: int):
    case = _load(case_id)
    r = Reader(_body())
    terms = r.text(r.body, "terms", "terms", max_length=10000)
    amount = r.amount(r.body, "amount", "amount")
    due_date = r.date(r.body, "due_date", "due_date", required=False)
    if r.errors:
        return invalid(r.errors)
    try:
        casework.draft_agreement(
            case, actor=current_user, terms=terms, amount=amount, due_date=due_date
        )
    except NotPermitted:
        abort(403)
    except Refused as error:
        return _refusal(error)
    return _case(case)


def sign_agreement(case_id: int):
    case = _load(case_id)
    try:
        casework.sign_agreement(case, actor=current_user)
    except NotPermitted:
        abort(403)
    except Refused as error:
        return _refusal(error)
    return _case(case)


def add_session(case_id: int):
    case = _load(case_id)
    r = Reader(_body())
    raw = r.text(r.body, "starts_at", "starts_at", max_length=40)
    starts_at = None
    if raw:
        try:
            starts_at = datetime.fromisoformat(raw)
            starts_at = starts_at if starts_at.tzinfo else starts_at.replace(tzinfo=SHANGHAI)
        except ValueError:
            r.fail("starts_at", _("Use a time like 2026-11-25T10:00:00+08:00."))
    mode = r.choice(r.body, "mode", "mode", SessionMode)
    fields = {
        key: r.text(r.body, key, key, required=False, max_length=limit) or ""
        for key, limit in (("location", 200), ("attendees", 2000), ("minutes", 20000))
    }
    if r.errors:
        return invalid(r.errors)
    try:
        casework.record_session(case, actor=current_user, starts_at=starts_at, mode=mode, **fields)
    except NotPermitted:
        abort(403)
    except Refused as error:
        return _refusal(error)
    return _case(case, 201)


def upload_evidence(case_id: int):
    case = _load(case_id)
    if "upload_evidence" not in policy.case_permissions(current_user, case):
        abort(403)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return invalid({"file": [_("Send the file as multipart field 'file'.")]})
    try:
        stored = store_upload(upload, evidence_dir())
    except UploadRejected as error:
        return invalid({"file": [error.message]})
    try:
        casework.add_evidence(case, actor=current_user, stored=stored)
    except Refused as error:
        delete_stored(evidence_dir(), stored.stored_name)
        return _refusal(error)
    return _case(case, 201)


def queue():
    filters = Filters.from_args(request.args)
    return jsonify(_page(worklist_query(current_user, filters, local_today())))


def request_confirmation(case_id: int):
    case = _load(case_id)
    try:
        confirmations.request_confirmation(case, actor=current_user)
    except NotPermitted:
        abort(403)
    except Refused as error:
        return _refusal(error)
    return _case(case)


def decide_confirmation(case_id: int):
    case = _load(case_id)
    r = Reader(_body())
    confirm = r.body.get("confirm")
    if not isinstance(confirm, bool):
        r.fail("confirm", _("Send true or false."))
    reason = r.text(r.body, "reason", "reason", required=confirm is False, max_length=2000) or ""
    if r.errors:
        return invalid(r.errors)
    try:
        confirmations.decide_confirmation(case, actor=current_user, confirm=confirm, reason=reason)
    except NotPermitted:
        abort(403)
    except Refused as error:
        return _refusal(error)
    return _case(case)


def stats():
    if not figures.is_built():
        return error_response(503, _("The figures have not been counted yet."))
    try:
        filters = parse_filters(request.args, current_user)
    except FiltersInvalid as error:
        return invalid(error.errors)
    period = {"from": filters.start.isoformat(), "to": filters.end.isoformat()}
    return jsonify(
        {"filters": {**filters.as_args(), **period}, **as_json(compute(filters, current_user))}
    )
