"""Documents issued for a case, each with a code a public page can verify."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String
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
