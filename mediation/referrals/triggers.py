"""Every referral trigger, declared once: who may fire it, the body it takes, what it writes and
says. The officer's page, the worker's case page, the API and the OpenAPI document are derived
from ``REFERRAL_ACTIONS``, as for the case triggers (``mediation.cases.triggers``).

The transitions and their guards are the workflow's (``workflows.referral``). ``refer`` is not
here: a referral is created by the case's closure, not fired by a person.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Annotated, Any

from pydantic import Field

from mediation import policy
from mediation.core.fields import FILLED, FILLED_SCHEMA, Amount, Day, one_of
from mediation.core.schema_forms import SchemaForm
from mediation.core.schemas import Body, Label
from mediation.extensions import db
from mediation.localtime import local_today
from mediation.models import ContactChannel, Referral, ReferralContact, User
from mediation.translation import lazy_gettext as _l
from workflows.referral import ReferralTrigger, ReferralWorkflow


class ContactBody(Body):
    """A contact with the referred worker."""

    channel: Annotated[ContactChannel, one_of(ContactChannel), Label(_l("How"))]
    result: Annotated[
        str,
        Field(max_length=2000),
        FILLED,
        FILLED_SCHEMA,
        Label(_l("What was said or agreed"), widget="textarea"),
    ]
    contacted_on: Annotated[
        Day | None,
        Field(description="Default: today"),
        Label(_l("Date of the contact"), hint=_l("Leave it empty for today.")),
    ] = None


class TrainingBody(Body):
    """The worker starts a training course."""

    course: Annotated[str, Field(max_length=200), FILLED, FILLED_SCHEMA, Label(_l("Course"))]
    start: Annotated[Day, Label(_l("Starts on"))]
    end: Annotated[Day | None, Label(_l("Ends on"))] = None


class PlacementBody(Body):
    """The worker found a job."""

    employer: Annotated[
        str, Field(max_length=200), FILLED, FILLED_SCHEMA, Label(_l("New employer"))
    ]
    job: Annotated[str, Field(max_length=100), FILLED, FILLED_SCHEMA, Label(_l("Job"))]
    start_date: Annotated[Day, Field(description="Not before the referral"), Label(_l("Starts on"))]
    monthly_wage: Annotated[Amount, Label(_l("Monthly wage (yuan)"))]


class ReasonBody(Body):
    reason: Annotated[
        str | None,
        Field(max_length=2000, description="Why; required."),
        Label(_l("Reason"), widget="textarea"),
    ] = None


def _nothing(referral: Referral, actor: User, body: Any) -> None:
    return None


@dataclass(frozen=True)
class ReferralAction:
    """One referral trigger as the application knows it."""

    trigger: ReferralTrigger
    title: Any  # the officer's button and heading
    event_title: Any  # the case timeline's line
    may: Callable[[User, Referral], bool]
    body: type[Body]
    effect: Callable[[Referral, User, Any], None] = _nothing
    # Input problems the body's types cannot see: (referral, body) → field → messages.
    check: Callable[[Referral, Any], dict[str, list]] = lambda referral, body: {}
    notify_worker: bool = True  # the worker hears of it
    warning: bool = False
    worker_title: Any = None  # the worker's words for it, when the worker may fire it

    @property
    def name(self) -> str:
        return self.trigger.value

    def facts(self, body: Any) -> dict[str, Any]:
        return {"reason": body.reason} if isinstance(body, ReasonBody) else {}


def _contacted(referral: Referral, actor: User, body: ContactBody) -> None:
    contacted_on = body.contacted_on or local_today()
    db.session.add(
        ReferralContact(
            referral=referral,
            contacted_on=contacted_on,
            channel=body.channel,
            result=body.result,
            recorded_by_id=actor.id,
        )
    )
    referral.first_contacted_on = referral.first_contacted_on or contacted_on
    referral.officer = referral.officer or actor


def _training_problems(referral: Referral, body: TrainingBody) -> dict[str, list]:
    if body.end is not None and body.end < body.start:
        return {"end": [_l("The end date cannot be before the start date.")]}
    return {}


def _training(referral: Referral, actor: User, body: TrainingBody) -> None:
    referral.training_course = body.course
    referral.training_start, referral.training_end = body.start, body.end


def _placement_problems(referral: Referral, body: PlacementBody) -> dict[str, list]:
    if body.start_date < referral.referred_on:
        return {"start_date": [_l("The job cannot start before the referral.")]}
    return {}


def _placed(referral: Referral, actor: User, body: PlacementBody) -> None:
    referral.placed_employer, referral.placed_job = body.employer, body.job
    referral.placed_start, referral.placed_wage = body.start_date, body.monthly_wage


def _ended(referral: Referral, actor: User, body: ReasonBody) -> None:
    referral.end_reason = body.reason


_T = ReferralTrigger

_DECLARED = (
    ReferralAction(
        _T.contact,
        title=_l("Record a contact"),
        event_title=_l("Re-employment: contact recorded"),
        may=policy.is_referral_officer,
        body=ContactBody,
        effect=_contacted,
    ),
    ReferralAction(
        _T.start_training,
        title=_l("Record training"),
        event_title=_l("Re-employment: training started"),
        may=policy.is_referral_officer,
        body=TrainingBody,
        check=_training_problems,
        effect=_training,
    ),
    ReferralAction(
        _T.place,
        title=_l("Record the new job"),
        event_title=_l("Re-employment: placed in a new job"),
        may=policy.is_referral_officer,
        body=PlacementBody,
        check=_placement_problems,
        effect=_placed,
    ),
    ReferralAction(
        _T.decline,
        title=_l("The worker declines"),
        event_title=_l("Re-employment referral declined"),
        may=lambda user, referral: (
            policy.is_referral_worker(user, referral) or policy.is_referral_officer(user, referral)
        ),
        body=ReasonBody,
        effect=_ended,
        notify_worker=False,
        warning=True,
        worker_title=_l("Decline the referral"),
    ),
    ReferralAction(
        _T.close,
        title=_l("Close the referral"),
        event_title=_l("Re-employment referral closed"),
        may=policy.is_referral_officer,
        body=ReasonBody,
        effect=_ended,
        warning=True,
    ),
)

REFERRAL_ACTIONS: Mapping[str, ReferralAction] = MappingProxyType(
    {action.name: action for action in _DECLARED}
)
if set(REFERRAL_ACTIONS) != {t.value for t in ReferralTrigger} - {_T.refer.value}:
    raise TypeError("every referral trigger but refer needs exactly one ReferralAction")


def action_for(trigger: str) -> ReferralAction | None:
    return REFERRAL_ACTIONS.get(trigger)


def available(user: User, referral: Referral) -> list[ReferralAction]:
    """The triggers ``user`` may fire on ``referral`` now."""
    possible = {t.value for t in ReferralWorkflow(referral).available_triggers()}
    return [a for a in REFERRAL_ACTIONS.values() if a.name in possible and a.may(user, referral)]


def title_for(action: ReferralAction, user: User, referral: Referral) -> Any:
    """The button's words for this reader: the worker's own where the action has them."""
    if action.worker_title and policy.is_referral_worker(user, referral):
        return action.worker_title
    return action.title


def forms_for(user: User, referral: Referral, sent: tuple | None = None) -> list:
    """(action, title, form) for every trigger ``user`` may fire on the referral now; ``sent``
    is the trigger, the form data and the problems of a submission to show again."""
    shown = []
    for action in available(user, referral):
        data, errors = (sent[1], sent[2]) if sent and sent[0] == action.name else ({}, {})
        form = SchemaForm(action.body, prefix=action.name, sent=data, errors=errors)
        shown.append((action, title_for(action, user, referral), form))
    return shown
