"""A worker's request for legal aid (法律援助), passed on to the legal-aid station of the
district where the employer is registered. Whether the worker qualifies is the station's
decision (法律援助法 第三十一条 and its means test); the platform records the request and whom it
was passed on to."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.extensions import db
from mediation.models.types import TitledEnum, UTCDateTime, enum_column, utcnow
from mediation.models.users import User
from mediation.translation import lazy_gettext as _l


class LegalAidChannel(TitledEnum):
    """When the worker asked: on the filing form, or later from the case page or the API."""

    filing = "filing"
    later = "later"


LegalAidChannel.TITLES = {
    LegalAidChannel.filing: _l("with the application"),
    LegalAidChannel.later: _l("after filing"),
}


class LegalAidRequest(db.Model):
    """One request per case, ever: the unique key is what refuses a second one. The station's
    name, address and phone are copied as they were at the request (an administrator may
    change the district's later); all three are empty when the district had no station
    recorded, and the case's staff pass the request on themselves."""

    __tablename__ = "legal_aid_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    channel: Mapped[LegalAidChannel] = mapped_column(
        enum_column(LegalAidChannel, "legal_aid_channel")
    )
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Emptied when the case is anonymised (retention.operations): it named the worker.
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    station: Mapped[str | None] = mapped_column(String(200))
    station_address: Mapped[str | None] = mapped_column(String(200))
    station_phone: Mapped[str | None] = mapped_column(String(30))

    requested_by: Mapped[User | None] = relationship()

    @property
    def passed_on(self) -> bool:
        """Whether the platform named a station (else staff pass it on)."""
        return self.station is not None
