"""Judicial confirmation (司法确认) of a settled agreement by the court of the district."""

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.extensions import db
from mediation.models.organizations import Organization
from mediation.models.types import TitledEnum, UTCDateTime, enum_column
from mediation.translation import lazy_gettext as _l


class ConfirmationStatus(TitledEnum):
    awaiting_parties = "awaiting_parties"  # one party has asked; both must
    requested = "requested"  # both asked: in the court's queue
    confirmed = "confirmed"
    refused = "refused"


CONFIRMATION_TITLES = {
    ConfirmationStatus.awaiting_parties: _l("Waiting for the other party to ask too"),
    ConfirmationStatus.requested: _l("Asked; the court is reviewing it"),
    ConfirmationStatus.confirmed: _l("Confirmed by the court"),
    ConfirmationStatus.refused: _l("Not confirmed by the court"),
}
ConfirmationStatus.TITLES = CONFIRMATION_TITLES


class JudicialConfirmation(db.Model):
    __tablename__ = "judicial_confirmations"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    court_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    status: Mapped[ConfirmationStatus] = mapped_column(
        enum_column(ConfirmationStatus, "confirmation_status"), index=True
    )
    applicant_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    respondent_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)

    case = relationship("Case", back_populates="confirmation")
    court: Mapped[Organization] = relationship()
