"""The filing body of the JSON API (DESIGN.md §6), built from the field types of
``core.fields``.

:func:`application_from` turns a filing body into the :class:`~mediation.cases.filing.Application`
that ``filing.file_case`` takes. A body with problems gets every one of them in one answer: the
shape of each field (here) and, for the fields whose shape is right, the filing rules (in
``filing``, the one place they are written).
"""

from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import Annotated, Any

from pydantic import (
    Field,
    TypeAdapter,
    ValidationError,
)

from mediation.cases import filing
from mediation.cases.filing import Application, ClaimInput, EmployerInput, Party
from mediation.core.errors import Invalid
from mediation.core.fields import (
    FILLED,
    FILLED_SCHEMA,
    Amount,
    Day,
    Mobile,
    ResidentId,
    Uscc,
    at_most,
    one_of,
    within,
)
from mediation.core.schemas import REQUIRED, Body, RecordId, parse
from mediation.models import Category, Channel, PriorityGroup, User
from workflows.case import Tier


class FilingApplicant(Body):
    """The applicant, when staff file for a visitor (a worker filing for themself leaves it
    out: it comes from the account)."""

    name: Annotated[str, Field(max_length=50), FILLED, FILLED_SCHEMA]
    id_number: ResidentId
    phone: Mobile


class FilingEmployer(Body):
    name: Annotated[str, Field(max_length=200), FILLED, FILLED_SCHEMA]
    uscc: Uscc | None = Field(
        None,
        description="Left out (or null) when the worker does not know it: then address, "
        "region_id and industry are needed, and staff complete the code before acceptance",
    )
    address: str | None = Field(
        None, max_length=200, description="The company's address; needed without the uscc"
    )
    region_id: RecordId | None = Field(
        None,
        description="For an employer new to the platform, or without the uscc: its street or "
        "town (region id)",
    )
    industry: str | None = Field(
        None,
        max_length=1,
        description="For an employer new to the platform, or without the uscc: GB/T 4754 "
        "section letter",
    )

    def input(self) -> EmployerInput:
        return EmployerInput(
            name=self.name,
            uscc=self.uscc,
            region_id=self.region_id,
            industry=self.industry,
            address=self.address,
        )


class FilingEmployment(Body):
    start_date: Day
    end_date: Day | None = Field(None, description="null while still employed")
    job: Annotated[str, Field(max_length=50), FILLED, FILLED_SCHEMA]
    monthly_wage: Amount | None = None


class FilingClaim(Body):
    category: Annotated[Category, one_of(Category)]
    amount: Amount
    description: str = Field("", max_length=500)


class FilingRepresentative(Body):
    name: Annotated[str, Field(max_length=50), FILLED, FILLED_SCHEMA]
    phone: Mobile


class Filing(Body):
    """An application for mediation (DESIGN.md §6). More fields may be added, none renamed."""

    applicant: FilingApplicant | None = Field(
        None,
        description="Left out when a worker files for themself: it comes from the account "
        "(a worker naming someone else is refused)",
    )
    employer: FilingEmployer
    employment: FilingEmployment
    # At least one: a rule of filing, reported with the other problems.
    categories: Annotated[
        list[Annotated[Category, one_of(Category)]], Field(json_schema_extra={"minItems": 1})
    ]
    claims: Annotated[list[FilingClaim], Field(max_length=20), at_most(20)] = []
    facts: str = Field(max_length=5000, description="What happened")
    desired_outcome: str = Field("", max_length=2000)
    workers_involved: Annotated[int, Field(ge=1, le=100000), within(1, 100000)] = 1
    representatives: Annotated[
        list[FilingRepresentative],
        Field(
            max_length=50,
            description="The representatives the workers elected; needed with ten or more "
            "workers (a collective dispute)",
        ),
        at_most(50),
    ] = []
    lost_job: bool = False
    reemployment_consent: bool = Field(
        False, description="With lost_job: employment services may contact the worker"
    )
    priority_groups: list[Annotated[PriorityGroup, one_of(PriorityGroup)]] = []
    preferred_tier: Annotated[Tier, one_of(Tier)] | None = None
    rights_known_on: Day | None = Field(
        None,
        description="The day the worker knew or should have known of the infringement (e.g. "
        "the day the wages were due, or of the dismissal): the one-year time limit for "
        "arbitration runs from it (劳动争议调解仲裁法 第二十七条). Left out: from the day of "
        "the application",
    )
    channel: Annotated[Channel, one_of(Channel)] = Field(
        Channel.app, description="Workers file by web or app; staff by window or phone"
    )
    legal_aid: bool = Field(
        False,
        description="The worker asks for legal aid (法律援助法 第三十一条): the request is passed "
        "on to the legal-aid station of the employer's district, which decides",
    )

    def application(self, actor: User) -> Application:
        """What ``filing.file_case`` takes; the applicant comes from ``actor``'s account when
        the body leaves it out (``_missing_applicant`` says when that is not possible)."""
        return Application(
            applicant=_party(self.applicant, actor),
            employer=self.employer.input(),
            employment_start=self.employment.start_date,
            employment_end=self.employment.end_date,
            job=self.employment.job,
            monthly_wage=self.employment.monthly_wage,
            categories=tuple(self.categories),
            claims=tuple(ClaimInput(c.category, c.amount, c.description) for c in self.claims),
            facts=self.facts,
            desired_outcome=self.desired_outcome,
            workers_involved=self.workers_involved,
            representatives=tuple({"name": r.name, "phone": r.phone} for r in self.representatives),
            lost_job=self.lost_job,
            reemployment_consent=self.reemployment_consent,
            priority_groups=frozenset(self.priority_groups),
            preferred_tier=self.preferred_tier,
            channel=self.channel,
            rights_known_on=self.rights_known_on,
            legal_aid=self.legal_aid,
        )


def _party(given: FilingApplicant | None, actor: User) -> Party:
    if given is None:
        return filing.account_party(actor)
    return Party(given.name, given.id_number, given.phone)


def _missing_applicant(data: Any, actor: User) -> dict[str, list]:
    """Who the applicant is: from the body, or from the account of a worker filing for
    themself. Someone without an ID number on file (staff) must name the applicant."""
    if not isinstance(data, Mapping) or actor.id_number or data.get("applicant") is not None:
        return {}
    return {f"applicant.{name}": [REQUIRED] for name in FilingApplicant.model_fields}


def application_from(data: Any, actor: User) -> Application:
    """The filing body as an Application, or :class:`Invalid` with every problem at once."""
    missing_applicant = _missing_applicant(data, actor)
    try:
        body = parse(Filing, data)
    except Invalid as error:
        rules = _rule_problems(data, actor)
        raise Invalid(_merged(error.errors, missing_applicant, rules)) from None
    if missing_applicant:
        raise Invalid(_merged(missing_applicant, _rule_problems(data, actor)))
    return body.application(actor)


# -- The filing rules on a body that has shape problems elsewhere ---------------------------

# Where filing's rules report a problem (the intake form's field names) → the body's field.
_RULE_FIELDS = {
    "employment_start": "employment",
    "employment_end": "employment",
    "employer_address": "employer",
    "employer_region": "employer",
    "employer_industry": "employer",
}

# A value for each field that no filing rule objects to, standing in for a field whose shape
# is wrong (that field's own problems are already reported).
_NEUTRAL: dict[str, Any] = {
    "employment": FilingEmployment(start_date=date(2000, 1, 1), job="-"),
    "categories": [Category.other],
    "facts": "-",
    "workers_involved": 1,
    "representatives": [],
    "applicant": None,
    "employer": None,
}


@cache
def _field_adapter(name: str) -> TypeAdapter:
    return TypeAdapter(Filing.model_fields[name].rebuild_annotation())


def _usable_fields(data: Any) -> dict[str, Any]:
    """The fields the filing rules read, each validated on its own; those with a wrong shape
    take their neutral value."""
    given = data if isinstance(data, Mapping) else {}
    values = {}
    for name, neutral in _NEUTRAL.items():
        try:
            values[name] = _field_adapter(name).validate_python(given[name], strict=True)
        except (KeyError, ValidationError):
            values[name] = neutral
    return values


def _rule_problems(data: Any, actor: User) -> dict[str, list]:
    """The filing rules' problems with the fields whose shape is right."""
    values = _usable_fields(data)
    employment = values["employment"]
    stand_in = Application(
        applicant=_party(values["applicant"], actor),
        employer=EmployerInput("-", "-"),
        employment_start=employment.start_date,
        employment_end=employment.end_date,
        job=employment.job,
        monthly_wage=None,
        categories=tuple(values["categories"]),
        claims=(),
        facts=values["facts"],
        workers_involved=values["workers_involved"],
        representatives=tuple(values["representatives"]),
    )
    employer = values["employer"]
    return (
        filing.problems_of(stand_in)
        | filing.applicant_problems(stand_in, actor)
        | (filing.employer_problems(employer.input()) if employer else {})
    )


def _merged(shape: dict[str, list], *others: dict[str, list]) -> dict[str, list]:
    """``shape`` and the other problems, leaving out another problem with a field that already
    has a shape problem (its value was a stand-in)."""
    broken = {path.split(".")[0] for path in shape}
    merged = {path: list(messages) for path, messages in shape.items()}
    for problems in others:
        for path, messages in problems.items():
            if _RULE_FIELDS.get(path, path).split(".")[0] in broken:
                continue
            merged.setdefault(path, []).extend(messages)
    return merged
