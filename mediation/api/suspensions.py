"""API v1 for the suspension (中止) of the worker's limitation for arbitration
(劳动争议调解仲裁法 第二十七条第三款): staff record one, and later the day its cause ended. Each
view loads the case (404 unless visible), asks the policy (403) before it reads the body (422),
and calls one operation (``cases.suspension``); the answer is the case, whose
``deadlines.limitation`` shows the suspensions and the last day they lead to."""

from flask_login import current_user

from mediation import policy
from mediation.api import serialise
from mediation.api.openapi import operation
from mediation.api.request import json_body
from mediation.api.schemas import Case
from mediation.cases import suspension
from mediation.cases.loading import load_case
from mediation.cases.suspension import SuspensionEnd, SuspensionRecord
from mediation.core.schemas import parse
from mediation.policy import Act

CASE_ERRORS = (404, 409, 422)


@operation(
    "Staff record that force majeure or another legitimate reason kept the worker from "
    "applying for arbitration: the limitation is suspended from starts_on (第二十七条第三款), "
    "to ends_on or, without it, while the cause lasts; the worker is told",
    body=SuspensionRecord,
    answers={201: Case},
    errors=CASE_ERRORS,
)
def record_suspension(case_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.record_suspension)
    record = parse(SuspensionRecord, json_body())
    suspension.record_suspension(case, actor=current_user, **record.model_dump())
    return serialise.answer(serialise.case_detail(case, current_user), 201)


@operation(
    "Staff record the day the cause of a lasting suspension ended: the limitation runs on "
    "from it, and the worker is told the new last day; 409 when its end is already recorded",
    body=SuspensionEnd,
    answers={200: Case},
    errors=CASE_ERRORS,
)
def end_suspension(case_id: int, suspension_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.end_suspension)
    lasting = suspension.load_suspension(case, suspension_id)
    end = parse(SuspensionEnd, json_body())
    suspension.end_suspension(case, lasting, actor=current_user, ends_on=end.ends_on)
    return serialise.answer(serialise.case_detail(case, current_user))
