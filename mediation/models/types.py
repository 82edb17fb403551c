"""Column types shared by the models."""

from datetime import UTC, datetime
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import DateTime, Enum
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A moment in time, stored as naive UTC and handed back timezone-aware.

    SQLite has no time zones and PostgreSQL's ``timestamptz`` answers in the session's zone;
    storing naive UTC everywhere gives both databases the same values and the same ordering.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def enum_column(enum: type[StrEnum], name: str) -> Enum:
    """A VARCHAR with a CHECK constraint holding the enum's values (not its names)."""
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(member.value) for member in enum),
        values_callable=lambda members: [member.value for member in members],
    )


class TitledEnum(StrEnum):
    """A StrEnum whose members have a translated title for pages.

    The titles are a mapping set on the class after it is defined (``Kind.TITLES = {...}``),
    because lazy strings for members cannot be written inside the enum body.
    """

    TITLES: ClassVar[dict]

    @property
    def title(self):
        return type(self).TITLES[self]


def built_on(dialect: str):
    """Alembic's ``include_object`` for a database of ``dialect``: the schema items the models
    build only on another database (``.ddl_if(dialect=...)``, such as PostgreSQL's search
    indexes) are not expected on this one, so comparing models and database skips them."""

    def include_object(item, name, type_, reflected, compare_to) -> bool:
        only_on = getattr(item, "_ddl_if", None)
        return reflected or only_on is None or only_on.dialect in (None, dialect)

    return include_object
