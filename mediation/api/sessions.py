"""API v1 for the mediation itself: sessions and their minutes, and the extension of the
mediation period with the parties' consent (DESIGN.md §6: ``/extension``,
``/extension/consent``). Each view loads the case (404 unless visible), asks the policy (403)
before it reads the body (422), and calls one operation; the answer is the case."""

from flask import request
from flask_login import current_user

from mediation import policy
from mediation.api import serialise
from mediation.api.openapi import operation
from mediation.api.request import json_body
from mediation.api.schemas import Case
from mediation.cases import extension, sessions
from mediation.cases.extension import ExtensionConsentBody, ExtensionProposalBody
from mediation.cases.loading import load_case
from mediation.cases.sessions import (
    MinutesEntry,
    MinutesReply,
    SessionCancel,
    SessionChange,
    SessionPlan,
    SessionReply,
)
from mediation.core.errors import Invalid
from mediation.core.schemas import parse
from mediation.models import Case as CaseRecord
from mediation.policy import Act
from mediation.translation import lazy_gettext as _l
from mediation.uploads import evidence_root, store_upload

CASE_ERRORS = (404, 409, 422)
NO_FILE = _l("Send the file as multipart field 'file'.")


def _case(case: CaseRecord, status: int = 200):
    return serialise.answer(serialise.case_detail(case, current_user), status)


@operation(
    "Schedule a mediation session (in person with a place, by phone, or by video with a "
    "meeting link: the organisation's room by default); both parties are told",
    body=SessionPlan,
    answers={201: Case},
    errors=CASE_ERRORS,
)
def add_session(case_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.schedule_session)
    plan = parse(SessionPlan, json_body())
    sessions.schedule_session(case, actor=current_user, **plan.model_dump())
    return _case(case, 201)


@operation(
    "Move a scheduled session to another time (with the reason); both parties are told",
    body=SessionChange,
    answers={200: Case},
    errors=CASE_ERRORS,
)
def reschedule_session(case_id: int, session_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.change_session)
    session = sessions.load_session(case, session_id)
    change = parse(SessionChange, json_body())
    sessions.reschedule_session(case, session, actor=current_user, **change.model_dump())
    return _case(case)


@operation(
    "Cancel a scheduled session (with the reason); both parties are told",
    body=SessionCancel,
    answers={200: Case},
    errors=CASE_ERRORS,
)
def cancel_session(case_id: int, session_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.change_session)
    session = sessions.load_session(case, session_id)
    cancel = parse(SessionCancel, json_body())
    sessions.cancel_session(case, session, actor=current_user, reason=cancel.reason)
    return _case(case)


@operation(
    "A party confirms a scheduled session or asks for another time",
    body=SessionReply,
    answers={200: Case},
    errors=CASE_ERRORS,
)
def answer_session(case_id: int, session_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.answer_session)
    session = sessions.load_session(case, session_id)
    reply = parse(SessionReply, json_body())
    sessions.answer_session(
        case, session, actor=current_user, attendance=reply.attendance, note=reply.note
    )
    return _case(case)


@operation(
    "The mediator writes the minutes of a session that has started (调解笔录); both parties "
    "are asked to confirm them",
    body=MinutesEntry,
    answers={200: Case},
    errors=CASE_ERRORS,
)
def write_minutes(case_id: int, session_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.write_minutes)
    session = sessions.load_session(case, session_id)
    entry = parse(MinutesEntry, json_body())
    sessions.write_minutes(
        case, session, actor=current_user, minutes=entry.minutes, attendees=entry.attendees
    )
    return _case(case)


@operation(
    "A party confirms the minutes, or refuses to with a note",
    body=MinutesReply,
    answers={200: Case},
    errors=CASE_ERRORS,
)
def answer_minutes(case_id: int, session_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.answer_minutes)
    session = sessions.load_session(case, session_id)
    reply = parse(MinutesReply, json_body())
    sessions.answer_minutes(
        case, session, actor=current_user, confirm=reply.confirm, note=reply.note
    )
    return _case(case)


@operation(
    "The mediator proposes to extend the mediation period; it takes effect when both "
    "parties agree (POST …/extension/consent)",
    body=ExtensionProposalBody,
    answers={201: Case},
    errors=CASE_ERRORS,
)
def propose_extension(case_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.propose_extension)
    proposal = parse(ExtensionProposalBody, json_body())
    extension.propose_extension(
        case, actor=current_user, days=proposal.days, reason=proposal.reason
    )
    return _case(case, 201)


@operation(
    "A party agrees to or refuses the proposed extension; the second agreement extends the "
    "period, a refusal ends the proposal",
    body=ExtensionConsentBody,
    answers={200: Case},
    errors=CASE_ERRORS,
)
def answer_extension(case_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.answer_extension)
    answer = parse(ExtensionConsentBody, json_body())
    extension.answer_extension(case, actor=current_user, consent=answer.consent)
    return _case(case)


@operation(
    "The mediator uploads the consent form both parties signed on paper (PDF, JPEG or PNG, "
    "up to 10 MB): the proposed extension takes effect",
    upload=True,
    answers={200: Case},
    errors=(*CASE_ERRORS, 413),
)
def extension_paper(case_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.record_extension_paper)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Invalid({"file": [NO_FILE]})
    stored = store_upload(upload, evidence_root())
    extension.record_paper_consent(case, actor=current_user, form=stored)
    return _case(case)
