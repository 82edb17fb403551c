"""API v1 for legal aid: the worker asks after filing (with the application, the filing body's
``legal_aid``). The view loads the case (404 unless visible) and calls the one operation, which
asks the policy (403 for anyone but the applicant, 409 once archived or already asked); the
answer is the case, whose ``legal_aid`` says where the request went."""

from flask_login import current_user

from mediation.api import serialise
from mediation.api.openapi import operation
from mediation.api.schemas import Case
from mediation.cases.loading import load_case
from mediation.legal_aid import operations


@operation(
    "The worker asks for legal aid (法律援助法 第三十一条: with financial difficulty and no "
    "representative, a worker may apply, e.g. to confirm the employment relationship or be "
    "paid); the request is passed on to the legal-aid station of the employer's district, "
    "which decides, or recorded for staff to pass on when no station is recorded; 409 when "
    "already asked or the file is archived",
    answers={201: Case},
    errors=(404, 409),
)
def request_legal_aid(case_id: int):
    case = load_case(case_id)
    operations.request_legal_aid(case, actor=current_user)
    return serialise.answer(serialise.case_detail(case, current_user), 201)
