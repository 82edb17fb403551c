"""An employer representative's online registration: the letter of authorisation it carries
and the staff decision that makes the account usable."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.extensions import db
from mediation.models.organizations import Employer
from mediation.models.types import TitledEnum, UTCDateTime, enum_column, utcnow
from mediation.models.users import User
from mediation.translation import lazy_gettext as _l


class RequestStatus(TitledEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


RequestStatus.TITLES = {
    RequestStatus.pending: _l("Waiting for a decision"),
    RequestStatus.approved: _l("Approved"),
    RequestStatus.rejected: _l("Rejected"),
}


class RepresentativeRequest(db.Model):
    """One registration of a person as a company's representative. A registration that was
    rejected stays on record; registering again adds a new one. The letter is kept like
    evidence (checked by content, random name, access-checked download); it is not a case's
    file, so it has columns of its own rather than a ``stored_files`` row."""

    __tablename__ = "representative_requests"
    __table_args__ = (
        CheckConstraint(
            "(status = 'pending') = (decided_at IS NULL)", name="decided_when_not_pending"
        ),
        CheckConstraint("status != 'rejected' OR reason IS NOT NULL", name="rejection_has_reason"),
        Index("ix_representative_requests_queue", "status", "employer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"))
    status: Mapped[RequestStatus] = mapped_column(
        enum_column(RequestStatus, "representative_request_status"),
        default=RequestStatus.pending,
    )
    letter_stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    letter_original_name: Mapped[str] = mapped_column(String(255))
    letter_content_type: Mapped[str] = mapped_column(String(50))
    letter_size: Mapped[int] = mapped_column(Integer)
    letter_sha256: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    employer: Mapped[Employer] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    # What uploads.attachment_response needs to serve the letter.
    @property
    def stored_name(self) -> str:
        return self.letter_stored_name

    @property
    def original_name(self) -> str:
        return self.letter_original_name

    @property
    def content_type(self) -> str:
        return self.letter_content_type
