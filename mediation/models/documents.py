"""Documents issued for a case, each with a code a public page can verify."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.extensions import db
from mediation.models.types import TitledEnum, UTCDateTime, enum_column, utcnow


class DocumentKind(TitledEnum):
    application = "application"
    acceptance_notice = "acceptance_notice"
    decline_notice = "decline_notice"
    agreement = "agreement"
    termination_notice = "termination_notice"
    period_expired_notice = "period_expired_notice"


DOCUMENT_TITLES = {
    DocumentKind.application: _l("Application for mediation"),
    DocumentKind.acceptance_notice: _l("Notice of acceptance"),
    DocumentKind.decline_notice: _l("Notice of non-acceptance"),
    DocumentKind.agreement: _l("Mediation agreement"),
    DocumentKind.termination_notice: _l("Notice of termination of mediation"),
    DocumentKind.period_expired_notice: _l("Notice that the mediation period has expired"),
}
DocumentKind.TITLES = DOCUMENT_TITLES


class CaseDocument(db.Model):
    __tablename__ = "case_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind, "document_kind"))
    verification_code: Mapped[str] = mapped_column(String(20), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case = relationship("Case")


class ServiceParty(TitledEnum):
    applicant = "applicant"
    respondent = "respondent"


ServiceParty.TITLES = {
    ServiceParty.applicant: _l("the applicant"),
    ServiceParty.respondent: _l("the employer"),
}


class ServiceMethod(TitledEnum):
    platform = "platform"
    in_person = "in_person"
    post = "post"


ServiceMethod.TITLES = {
    ServiceMethod.platform: _l("Opened on the platform"),
    ServiceMethod.in_person: _l("Handed over in person"),
    ServiceMethod.post: _l("Sent by post"),
}


class DocumentService(db.Model):
    """The service (送达) of one issued document on one party, and its proof.

    Written when the document is issued; ``served_at`` is set the first time the party opens
    the document after signing in, or when staff record service by another way.
    """

    __tablename__ = "document_services"
    __table_args__ = (UniqueConstraint("document_id", "party"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("case_documents.id", ondelete="CASCADE"), index=True
    )
    party: Mapped[ServiceParty] = mapped_column(enum_column(ServiceParty, "service_party"))
    notified_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    served_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    method: Mapped[ServiceMethod | None] = mapped_column(
        enum_column(ServiceMethod, "service_method")
    )
    # Who opened it (platform) or who recorded the other way of service.
    served_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)
    # When staff were told it was still unserved after the waiting period.
    flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    document = relationship("CaseDocument")
    served_to = relationship("User", foreign_keys=[served_to_id])
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])
