"""POST /api/v1/track: the mobile app's way to follow a case by its number and code, with the
rules of the page (``tracking.views``): public, throttled with it, and the same 404 for a wrong
code as for an unknown number."""

from typing import Annotated

from pydantic import Field

from mediation.api import serialise
from mediation.api.openapi import operation
from mediation.api.request import json_body
from mediation.api.schemas import Answer, Deadlines
from mediation.core.answers import error_response
from mediation.core.fields import FILLED, FILLED_SCHEMA
from mediation.core.schemas import Body, parse
from mediation.tracking import codes
from mediation.tracking.forms import CODE_MAX, NUMBER_MAX
from mediation.tracking.progress import progress_of
from mediation.tracking.views import NO_MATCH
from workflows.case import CaseState, Outcome, Tier


class TrackRequest(Body):
    """A case number and its progress code."""

    number: Annotated[
        str,
        FILLED,
        FILLED_SCHEMA,
        Field(max_length=NUMBER_MAX, examples=["FCJD-2026-000123"]),
    ]
    code: Annotated[
        str,
        FILLED,
        FILLED_SCHEMA,
        Field(
            max_length=CODE_MAX,
            description="The 8 letters and digits sent to the applicant by SMS (spaces, dashes "
            "and the letters' case do not matter)",
            examples=["ABCD-EFGH"],
        ),
    ]


class CaseProgress(Answer):
    """Where the case stands. Nothing about the people or the money: no names, amounts,
    claims or evidence."""

    number: str = Field(examples=["FCJD-2026-000123"])
    state: CaseState
    outcome: Outcome | None
    tier: Tier
    organization: str = Field(description="The organisation holding the case now")
    next_step: str = Field(description="What happens next, in the caller's language")
    deadlines: Deadlines


@operation(
    "Follow a case without an account, by its number and progress code (404 alike for an "
    "unknown number and a wrong code; 10 tries a minute from one client)",
    body=TrackRequest,
    answers={200: CaseProgress},
    errors=(404, 422, 429),
    public=True,
)
def track():
    body = parse(TrackRequest, json_body())
    case = codes.case_for(body.number, body.code)
    if case is None:
        return error_response(404, NO_MATCH)
    progress = progress_of(case)
    return serialise.answer(
        CaseProgress(
            number=progress.number,
            state=progress.state,
            outcome=progress.outcome,
            tier=progress.tier,
            organization=progress.organization,
            next_step=progress.next_step,
            # The dates of GET /cases/{case_id}, counted the same way.
            deadlines=serialise.case_summary(case).deadlines,
        )
    )
