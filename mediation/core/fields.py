"""Field types of request bodies: what people type, checked by ``mediation.validators``.

The pages' forms use the same functions, so a page and the API accept the same data. Each
problem carries its message in the reader's language (``ctx["message"]``, which
``core.schemas`` hands on).
"""

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from mediation.core.schemas import REQUIRED
from mediation.localtime import SHANGHAI
from mediation.translation import lazy_gettext as _l
from mediation.validators import (
    InvalidValue,
    normalise_amount,
    normalise_mobile,
    normalise_resident_id,
    normalise_uscc,
)


def problem(kind: str, message: Any) -> PydanticCustomError:
    """A field's problem in the reader's words; ``message`` is a lazy string, translated when
    the answer is written."""
    return PydanticCustomError(kind, "invalid value", {"message": message})


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


def clearable(normalise: Callable[[str], str]) -> AfterValidator:
    """An optional text a body may empty: "" clears it, anything else is checked by
    ``normalise``."""

    def check(value: str) -> str:
        if not value:
            return ""
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
