"""Early warnings for supervisors: wage-arrears patterns and collective disputes."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.extensions import db
from mediation.models.organizations import Employer
from mediation.models.types import TitledEnum, UTCDateTime, enum_column, utcnow
from mediation.translation import lazy_gettext as _l


class AlertKind(TitledEnum):
    repeat_disputes = "repeat_disputes"
    collective = "collective"


AlertKind.TITLES = {
    AlertKind.repeat_disputes: _l("Several disputes against one employer"),
    AlertKind.collective: _l("Collective dispute"),
}


class Alert(db.Model):
    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AlertKind] = mapped_column(enum_column(AlertKind, "alert_kind"))
    # What raised it; unique, so the same trigger never raises a second alert.
    trigger_key: Mapped[str] = mapped_column(String(80), unique=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    case_ids: Mapped[list[int]] = mapped_column(JSON)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)

    employer: Mapped[Employer] = relationship()
