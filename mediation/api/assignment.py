"""API v1 for work assignment: a lead mediator gives a case to a mediator of the organisation
(``cases.assignment``). The view loads the case (404 unless visible), asks the policy (403
for anyone but a lead of the case's organisation), parses the body and calls the operation:
409 when the case is closed or another lead changed it meanwhile, 422 with each field's
problem (a mediator of another organisation or who cannot sign in; no reason for taking a
case from the mediator who has it)."""

from flask_login import current_user

from mediation import policy
from mediation.api import serialise
from mediation.api.openapi import operation
from mediation.api.request import json_body
from mediation.api.schemas import Case
from mediation.cases import assignment
from mediation.cases.assignment import Assign
from mediation.cases.loading import load_case
from mediation.core.schemas import parse
from mediation.extensions import db
from mediation.models import User
from mediation.policy import Act


@operation(
    "A lead mediator assigns the case to a mediator of the organisation, or gives it to "
    "another one with the reason (the mediator who had it is told); 409 when another lead "
    "changed the case meanwhile",
    body=Assign,
    answers={200: Case},
    errors=(403, 404, 409, 422),
)
def assign_case(case_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.assign)
    body = parse(Assign, json_body())
    assignment.assign(
        case,
        actor=current_user,
        mediator=db.session.get(User, body.mediator_id),
        reason=body.reason,
    )
    return serialise.answer(serialise.case_detail(case, current_user))
