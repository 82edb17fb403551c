"""Times are stored in UTC and counted in China's time zone: the legal day is Shanghai's.

The SQL functions below do the same arithmetic inside the database, so figures can be
counted from millions of rows without loading them: the Shanghai day of a stored moment, the
days between two dates, the first day of a date's month.
"""

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from mediation.models.types import utcnow

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_today() -> date:
    return utcnow().astimezone(SHANGHAI).date()


class local_date(FunctionElement):
    """The Shanghai calendar day of a stored (naive UTC) moment.

    China has kept UTC+8 without daylight saving since 1991, so a fixed offset is exact for
    every date this platform stores.
    """

    type = Date()
    inherit_cache = True


class days_between(FunctionElement):
    """Whole days from the second date to the first: ``days_between(later, earlier)``."""

    type = Integer()
    inherit_cache = True


class month_start(FunctionElement):
    """The first day of the month of a date."""

    type = Date()
    inherit_cache = True
    unit = "month"


class year_start(FunctionElement):
    """The first day of the year of a date."""

    type = Date()
    inherit_cache = True
    unit = "year"


@compiles(local_date, "postgresql")
def _local_date_postgresql(element, compiler, **kw):
    return f"CAST(({compiler.process(element.clauses, **kw)} + INTERVAL '8 hours') AS DATE)"


@compiles(local_date, "sqlite")
def _local_date_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, '+8 hours')"


@compiles(days_between, "postgresql")
def _days_between_postgresql(element, compiler, **kw):
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({later} - {earlier})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


@compiles(month_start, "postgresql")
@compiles(year_start, "postgresql")
def _unit_start_postgresql(element, compiler, **kw):
    return f"CAST(date_trunc('{element.unit}', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(month_start, "sqlite")
@compiles(year_start, "sqlite")
def _unit_start_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, 'start of {element.unit}')"
