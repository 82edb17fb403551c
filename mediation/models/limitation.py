"""The suspensions (中止) of a case's limitation for arbitration that staff recorded: force
majeure or another legitimate reason kept the worker from applying (劳动争议调解仲裁法
第二十七条第三款). The date they move is computed (``core.clocks.limitation``), never stored."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.extensions import db
from mediation.models.types import TitledEnum, UTCDateTime, enum_column, utcnow
from mediation.models.users import User
from mediation.translation import lazy_gettext as _l


class SuspensionCause(TitledEnum):
    """Why the worker could not apply (第二十七条第三款)."""

    force_majeure = "force_majeure"
    other_legitimate_reason = "other_legitimate_reason"


SuspensionCause.TITLES = {
    SuspensionCause.force_majeure: _l("Force majeure"),
    SuspensionCause.other_legitimate_reason: _l("Other legitimate reason"),
}


class LimitationSuspension(db.Model):
    """From the day the cause arose to the day it ended (both included); ``ends_on`` is empty
    while it lasts, and staff record the end later. Recorded suspensions of a case do not
    overlap (``cases.suspension`` refuses it)."""

    __tablename__ = "limitation_suspensions"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
        CheckConstraint("(ends_on IS NULL) = (ended_at IS NULL)", name="end_recorded_with_its_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    cause: Mapped[SuspensionCause] = mapped_column(enum_column(SuspensionCause, "suspension_cause"))
    reason: Mapped[str] = mapped_column(Text)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])
    ended_by: Mapped[User | None] = relationship(foreign_keys=[ended_by_id])

    @property
    def lasting(self) -> bool:
        return self.ends_on is None
