"""API v1 for cases: the same operations as the pages, JSON in and out.

Each view loads the case with the one loader that 404s what the caller may not see, asks the
policy before it reads a body (403 comes before 422), parses the body, and calls one operation.
Refusals and input problems raised on the way are answered by the blueprint's handlers
(``mediation.core.answers``).
"""

from flask import request
from flask_login import current_user
from sqlalchemy import select

from mediation import policy
from mediation.api import serialise
from mediation.api.openapi import Trigger, operation
from mediation.api.request import json_body, keyword_body
from mediation.api.schemas import (
    AgreementDraft,
    Case,
    CaseList,
    CasesQuery,
    ConfirmationDecision,
    EventList,
    FiledCase,
    PaymentReportBody,
    QueueQuery,
    Respond,
    SignAgreement,
    TransferTargetList,
)
from mediation.cases import agreements, assignment, casework, filing, payment, triggers
from mediation.cases.assignment import HandBack
from mediation.cases.loading import load_case
from mediation.cases.operations import claim, direct_action, fire
from mediation.cases.schemas import Filing, application_from
from mediation.core.errors import Invalid, Refused
from mediation.core.schemas import parse
from mediation.court import confirmations
from mediation.extensions import db
from mediation.localtime import local_today
from mediation.models import AuditEvent
from mediation.models import Case as CaseRecord
from mediation.paging import page_number
from mediation.policy import Act
from mediation.queue.worklist import Filters, worklist_query
from mediation.translation import lazy_gettext as _l
from mediation.uploads import evidence_root, store_upload

PAGE_SIZE = 50
CASE_ERRORS = (404, 409, 422)


def _case(case: CaseRecord, status: int = 200):
    return serialise.answer(serialise.case_detail(case, current_user), status)


def _page(query):
    page = db.paginate(query, page=page_number(PAGE_SIZE), per_page=PAGE_SIZE, error_out=False)
    return serialise.answer(serialise.case_list(page))


@operation("The cases the caller may see, newest first", query=CasesQuery, answers={200: CaseList})
def list_cases():
    query = select(CaseRecord).where(policy.visible_cases(current_user))
    return _page(query.order_by(CaseRecord.received_at.desc()))


@operation(
    "The mediator's worklist: waiting, mine or done",
    query=QueueQuery,
    answers={200: CaseList},
)
def queue():
    filters = Filters.from_args(request.args)
    return _page(worklist_query(current_user, filters, local_today()))


@operation(
    "File a case (a worker for themself, or a mediator for a visitor at the counter or on the "
    "phone)",
    body=Filing,
    answers={201: FiledCase},
    errors=(422,),
)
def file_case():
    application = application_from(json_body(), current_user)
    case = filing.file_case(application, actor=current_user)
    detail = serialise.case_detail(case, current_user)
    return serialise.answer(FiledCase(**dict(detail), track_code=case.issued_track_code), 201)


@operation("One case", answers={200: Case}, errors=(404,))
def show_case(case_id: int):
    return _case(load_case(case_id))


@operation("The case's audit timeline", answers={200: EventList}, errors=(404,))
def case_events(case_id: int):
    case = load_case(case_id)
    query = select(AuditEvent).where(AuditEvent.case_id == case.id)
    if not current_user.is_staff:
        query = query.where(AuditEvent.action != "case.identity_viewed")
    events = db.session.scalars(query.order_by(AuditEvent.occurred_at, AuditEvent.id))
    return serialise.answer(EventList(items=[serialise.event(item) for item in events]))


@operation(
    "Where the caller may transfer the case now, each organisation with why it is offered",
    answers={200: TransferTargetList},
    errors=(404,),
)
def transfer_targets(case_id: int):
    case = load_case(case_id)
    may_transfer = any(
        action.name == "escalate" for action in triggers.available(current_user, case)
    )
    targets = triggers.transfer_targets(case) if may_transfer else []
    items = [
        {
            "organization": {"id": target.organization.id, "name": target.organization.name},
            "tier": target.organization.kind.value,
            "basis": target.basis.value,
            "reason": target.reason,
        }
        for target in targets
    ]
    return serialise.answer(TransferTargetList(items=items))


def _case_triggers() -> list[Trigger]:
    return [Trigger(action.name, action.title, action.body) for action in triggers.direct_actions()]


@operation(
    "Fire the workflow trigger (204 when the case leaves the caller's sight: the employer's "
    "committee transferring it)",
    answers={200: Case, 204: None},
    errors=CASE_ERRORS,
    triggers=_case_triggers,
)
def fire_trigger(case_id: int, trigger: str):
    case = load_case(case_id)
    direct_action(trigger)  # 404 for extend: an extension is proposed and consented to
    fire(case, trigger, actor=current_user, **keyword_body(fire))
    if not policy.can_view_case(current_user, case):
        # The committee of the company in dispute loses the case once it leaves the enterprise
        # tier: the answer must not carry what it may no longer read.
        return "", 204
    return _case(case)


@operation("Take the case into the mediator's own worklist", answers={200: Case}, errors=(404, 409))
def claim_case(case_id: int):
    case = load_case(case_id)
    claim(case, actor=current_user)
    return _case(case)


@operation(
    "The case's mediator gives it back to the organisation's queue, saying why; the "
    "organisation's other staff are told",
    body=HandBack,
    answers={200: Case},
    errors=CASE_ERRORS,
)
def hand_back(case_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.hand_back)
    body = parse(HandBack, json_body())
    assignment.hand_back(case, actor=current_user, reason=body.reason)
    return _case(case)


@operation(
    "The employer's representative agrees or refuses to mediate, with its statement of "
    "defence (答辩意见) and an opening proposal; a refusal stands until it answers again",
    body=Respond,
    answers={200: Case},
    errors=CASE_ERRORS,
)
def respond(case_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.respond)
    answer = parse(Respond, json_body())
    casework.respond_to_request(
        case,
        actor=current_user,
        consent=answer.consent,
        statement=answer.statement,
        proposal=answer.proposal,
    )
    return _case(case)


@operation(
    "Write the agreement, or a new version of it (`agreement.version` goes up by one; both "
    "signatures are void)",
    body=AgreementDraft,
    answers={200: Case},
    errors=CASE_ERRORS,
)
def draft_agreement(case_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.draft_agreement)
    draft = parse(AgreementDraft, json_body())
    agreements.draft_agreement(
        case, actor=current_user, terms=draft.terms, amount=draft.amount, due_date=draft.due_date
    )
    return _case(case)


@operation(
    "Sign a version of the agreement as a party, with the password again; 409 with "
    "`current_version` when that version was superseded, 422 for a wrong password or a version "
    "that does not exist",
    body=SignAgreement,
    answers={200: Case},
    errors=CASE_ERRORS,
)
def sign_agreement(case_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.sign)
    signature = parse(SignAgreement, json_body())
    agreements.sign(
        case, actor=current_user, version=signature.version, password=signature.password
    )
    return _case(case)


@operation(
    "Say whether the settled agreement was paid: the worker, the employer's representative or "
    "the mediator (`paid`, `partly_paid` with `amount_paid`, `not_paid`)",
    body=PaymentReportBody,
    answers={201: Case},
    errors=CASE_ERRORS,
)
def report_payment(case_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.report_payment)
    answer = parse(PaymentReportBody, json_body())
    payment.report_payment(
        case,
        actor=current_user,
        payment=answer.payment,
        amount_paid=answer.amount_paid,
        note=answer.note,
    )
    return _case(case, 201)


NO_FILE = _l("Send the file as multipart field 'file'.")


@operation(
    "Upload evidence (PDF, JPEG or PNG, up to 10 MB)",
    upload=True,
    answers={201: Case},
    errors=(*CASE_ERRORS, 413),
)
def upload_evidence(case_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.upload_evidence)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Invalid({"file": [NO_FILE]})
    if casework.evidence_room(case, current_user) < 1:
        raise Refused("too_much_evidence")  # before the file is stored
    stored = store_upload(upload, evidence_root())
    casework.add_evidence(case, actor=current_user, stored=stored)
    return _case(case, 201)


@operation(
    "A party asks the district court to confirm the settled agreement (within 30 days; both "
    "parties must ask)",
    answers={200: Case},
    errors=(404, 409),
)
def request_confirmation(case_id: int):
    case = load_case(case_id)
    confirmations.request_confirmation(case, actor=current_user)
    return _case(case)


@operation(
    "The court liaison confirms or refuses the agreement",
    body=ConfirmationDecision,
    answers={200: Case},
    errors=CASE_ERRORS,
)
def decide_confirmation(case_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.decide_confirmation)
    decision = parse(ConfirmationDecision, json_body())
    confirmations.decide_confirmation(
        case, actor=current_user, confirm=decision.confirm, reason=decision.reason
    )
    return _case(case)
