"""Holiday schedules an admin enters for years the chinese-calendar package does not know."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from mediation.extensions import db
from mediation.models.types import UTCDateTime, utcnow


class HolidaySchedule(db.Model):
    __tablename__ = "holiday_schedules"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    # ISO dates; JSON keeps the year's schedule one row that is replaced as a whole.
    holidays: Mapped[list[str]] = mapped_column(JSON)
    makeup_workdays: Mapped[list[str]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class DeadlineReminder(db.Model):
    """One reminder sent about one deadline of one case: the sweep's memory of what it said."""

    __tablename__ = "deadline_reminders"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    due: Mapped[date] = mapped_column(Date, primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
