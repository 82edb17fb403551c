"""Times are stored in UTC and counted in China's time zone: the legal day is Shanghai's."""

from datetime import date
from zoneinfo import ZoneInfo

from mediation.models.types import utcnow

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local_today() -> date:
    return utcnow().astimezone(SHANGHAI).date()
