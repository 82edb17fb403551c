"""The applications a worker files outside mediation, prepared from the case: the labour
arbitration application (劳动人事争议仲裁申请书, 劳动争议调解仲裁法 第二十八条) and the
payment-order application (支付令申请书, 第十六条). One row per case and kind holds what the
worker or staff edited; until then the application is drawn from the case as it stands."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.extensions import db
from mediation.models.types import TitledEnum, UTCDateTime, enum_column, utcnow
from mediation.models.users import User
from mediation.translation import lazy_gettext as _l


class HandoffKind(TitledEnum):
    arbitration = "arbitration"
    payment_order = "payment_order"


HandoffKind.TITLES = {
    HandoffKind.arbitration: _l("Application for labour arbitration"),
    HandoffKind.payment_order: _l("Application for a payment order"),
}


class HandoffApplication(db.Model):
    """The edited fields of one application (``data``, as ``handoff.content.Content`` dumps
    them) and who saved them last. An arbitration application that staff recorded as handed
    to the commission is frozen from then on: ``handed_at`` is set once."""

    __tablename__ = "arbitration_applications"
    __table_args__ = (
        UniqueConstraint("case_id", "kind"),
        # Only the arbitration application is handed over on the platform.
        CheckConstraint(
            "kind = 'arbitration' OR handed_at IS NULL", name="only_arbitration_handed"
        ),
        CheckConstraint("(handed_at IS NULL) = (handed_by_id IS NULL)", name="handed_by_someone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[HandoffKind] = mapped_column(enum_column(HandoffKind, "handoff_kind"))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    handed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The commission's name as it was handed to (the district's record may change later).
    commission: Mapped[str | None] = mapped_column(String(200))
    # Two saves or two hand-overs at once: the second is refused (core.errors.flush_or_refuse).
    version: Mapped[int] = mapped_column(Integer, default=1)

    updated_by: Mapped[User] = relationship(foreign_keys=[updated_by_id])
    handed_by: Mapped[User | None] = relationship(foreign_keys=[handed_by_id])

    __mapper_args__ = {"version_id_col": version}
