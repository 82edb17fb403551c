"""The filing body of the JSON API (DESIGN.md §6) and the field types of the case bodies.

The field types check what people type with ``mediation.validators`` (the forms use the same
functions), so both accept the same data, and each problem carries its message in the
reader's language (``ctx["message"]``, which ``mediation.core.schemas`` hands on).

:func:`application_from` turns a filing body into the :class:`~mediation.cases.filing.Application`
that ``filing.file_case`` takes. A body with problems gets every one of them in one answer: the
shape of each field (here) and, for the fields whose shape is right, the filing rules (in
``filing``, the one place they are written).
"""

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import cache
from typing import Annotated, Any

from flask_babel import lazy_gettext as _l
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from mediation.cases import filing
from mediation.cases.filing import Application, ClaimInput, EmployerInput, Party
from mediation.core.errors import Invalid
from mediation.core.schemas import REQUIRED, Body, parse
from mediation.localtime import SHANGHAI
from mediation.models import Category, Channel, PriorityGroup, User
from mediation.validators import (
    InvalidValue,
    normalise_amount,
    normalise_mobile,
    normalise_resident_id,
    normalise_uscc,
)
from workflows.case import Tier


def problem(kind: str, message: Any) -> PydanticCustomError:
    """A field's problem in the reader's words; ``message`` is a lazy string, translated when
    the answer is written."""
    return PydanticCustomError(kind, "invalid value", {"message": message})


class JsonBody(Body):
    """A JSON body: ``null`` means the same as leaving the field out, as mobile clients send
    empty fields either way (a required field is then reported as missing)."""

    @model_validator(mode="before")
    @classmethod
    def _null_is_absent(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            return {key: value for key, value in data.items() if value is not None}
        return data


def _filled(value: str) -> str:
    if not value:
        raise problem("required", REQUIRED)
    return value


# Text that must not be empty (after trimming); use with Field(max_length=...).
FILLED = AfterValidator(_filled)
FILLED_SCHEMA = Field(json_schema_extra={"minLength": 1})


def _checked(normalise: Callable[[str], str]) -> AfterValidator:
    def check(value: str) -> str:
        try:
            return normalise(value)
        except InvalidValue as error:
            raise problem("invalid_value", error.message) from None

    return AfterValidator(check)


ResidentId = Annotated[
    str,
    FILLED,
    _checked(normalise_resident_id),
    WithJsonSchema(
        {
            "type": "string",
            "description": "居民身份证号码, GB 11643-1999: 17 digits and a check digit or X",
            "examples": ["11010519491231002X"],
        }
    ),
]
Uscc = Annotated[
    str,
    FILLED,
    _checked(normalise_uscc),
    WithJsonSchema(
        {
            "type": "string",
            "description": "统一社会信用代码, GB 32100-2015: 18 characters with a check character",
            "examples": ["91350100M000100Y43"],
        }
    ),
]
Mobile = Annotated[
    str,
    FILLED,
    _checked(normalise_mobile),
    WithJsonSchema(
        {"type": "string", "description": "Mainland mobile number", "examples": ["13800138000"]}
    ),
]

AMOUNT_TYPE = _l('Send amounts as strings of yuan, e.g. "6500.00".')


def _amount(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise problem("amount_type", AMOUNT_TYPE)
    try:
        return normalise_amount(str(value))
    except InvalidValue as error:
        raise problem("invalid_value", error.message) from None


MONEY_SCHEMA = {
    "type": "string",
    "pattern": r"^\d+(\.\d{1,2})?$",
    "description": "Yuan, at most two decimal places",
    "examples": ["6500.00"],
}
Amount = Annotated[Decimal, BeforeValidator(_amount), WithJsonSchema(MONEY_SCHEMA)]


def _day(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise problem("date_format", _l("Use a date like 2026-03-01.")) from None
    return value  # a date is kept; anything else is refused as no date


Day = Annotated[date, BeforeValidator(_day)]


def _moment(value: Any) -> Any:
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise problem(
                "datetime_format", _l("Use a time like 2026-11-25T10:00:00+08:00.")
            ) from None
        return moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)
    return value


# A moment; without an offset it is a time in China.
Moment = Annotated[datetime, BeforeValidator(_moment)]


def one_of(enum: type[StrEnum]) -> BeforeValidator:
    """An enum member from its value, or the list of the values to choose from."""

    def member(value: Any) -> Any:
        if isinstance(value, enum):
            return value
        if isinstance(value, str) and value in enum._value2member_map_:
            return enum(value)
        raise problem(
            "choice",
            _l("Not one of: %(choices)s.", choices=", ".join(item.value for item in enum)),
        )

    return BeforeValidator(member)


def within(minimum: int, maximum: int) -> BeforeValidator:
    """A whole number from ``minimum`` to ``maximum``; pair with Field(ge=..., le=...)."""

    def number(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
            raise problem(
                "number_range",
                _l("Enter a number from %(min)d to %(max)d.", min=minimum, max=maximum),
            )
        return value

    return BeforeValidator(number)


def at_most(count: int) -> AfterValidator:
    """A list of at most ``count`` entries; pair with Field(max_length=...) for the schema."""

    def check(items: list) -> list:
        if len(items) > count:
            raise problem("too_many", _l("At most %(max)d entries.", max=count))
        return items

    return AfterValidator(check)


class FilingApplicant(JsonBody):
    """The applicant, when staff file for a visitor (a worker filing for themself leaves it
    out: it comes from the account)."""

    name: Annotated[str, Field(max_length=50), FILLED, FILLED_SCHEMA]
    id_number: ResidentId
    phone: Mobile


class FilingEmployer(JsonBody):
    name: Annotated[str, Field(max_length=200), FILLED, FILLED_SCHEMA]
    uscc: Uscc
    region_id: int | None = Field(
        None, description="For an employer new to the platform: its street or town (region id)"
    )
    industry: str | None = Field(
        None,
        max_length=1,
        description="For an employer new to the platform: GB/T 4754 section letter",
    )


class FilingEmployment(JsonBody):
    start_date: Day
    end_date: Day | None = Field(None, description="null while still employed")
    job: Annotated[str, Field(max_length=50), FILLED, FILLED_SCHEMA]
    monthly_wage: Amount | None = None


class FilingClaim(JsonBody):
    category: Annotated[Category, one_of(Category)]
    amount: Amount
    description: str = Field("", max_length=500)


class FilingRepresentative(JsonBody):
    name: Annotated[str, Field(max_length=50), FILLED, FILLED_SCHEMA]
    phone: Mobile


class Filing(JsonBody):
    """An application for mediation (DESIGN.md §6). More fields may be added, none renamed."""

    applicant: FilingApplicant | None = Field(
        None, description="Left out when a worker files for themself: it comes from the account"
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
    channel: Annotated[Channel, one_of(Channel)] = Field(
        Channel.app, description="Workers file by web or app; staff by window or phone"
    )

    def application(self, actor: User) -> Application:
        """What ``filing.file_case`` takes; the applicant comes from ``actor``'s account when
        the body leaves it out (``applicant_problems`` says when that is not possible)."""
        given = self.applicant
        party = (
            Party(given.name, given.id_number, given.phone)
            if given is not None
            else Party(actor.name, actor.id_number, actor.phone)
        )
        return Application(
            applicant=party,
            employer=EmployerInput(
                name=self.employer.name,
                uscc=self.employer.uscc,
                region_id=self.employer.region_id,
                industry=self.employer.industry,
            ),
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
        )


def applicant_problems(data: Any, actor: User) -> dict[str, list]:
    """Who the applicant is: from the body, or from the account of a worker filing for
    themself. Someone without an ID number on file (staff) must name the applicant."""
    if not isinstance(data, Mapping) or actor.id_number or data.get("applicant") is not None:
        return {}
    return {f"applicant.{name}": [REQUIRED] for name in FilingApplicant.model_fields}


def application_from(data: Any, actor: User) -> Application:
    """The filing body as an Application, or :class:`Invalid` with every problem at once."""
    missing_applicant = applicant_problems(data, actor)
    try:
        body = parse(Filing, data)
    except Invalid as error:
        raise Invalid(_merged(error.errors, missing_applicant, _rule_problems(data))) from None
    if missing_applicant:
        raise Invalid(_merged(missing_applicant, _rule_problems(data)))
    return body.application(actor)


# -- The filing rules on a body that has shape problems elsewhere ---------------------------

# Where filing's rules report a problem (the intake form's field names) → the body's field.
_RULE_FIELDS = {"employment_start": "employment", "employment_end": "employment"}

# A value for each field that no filing rule objects to, standing in for a field whose shape
# is wrong (that field's own problems are already reported).
_NEUTRAL: dict[str, Any] = {
    "employment": FilingEmployment(start_date=date(2000, 1, 1), job="-"),
    "categories": [Category.other],
    "facts": "-",
    "workers_involved": 1,
    "representatives": [],
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


def _rule_problems(data: Any) -> dict[str, list]:
    """The filing rules' problems with the fields whose shape is right."""
    values = _usable_fields(data)
    employment = values["employment"]
    stand_in = Application(
        applicant=Party("-", "-", "-"),
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
    return filing.problems_of(stand_in)


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
