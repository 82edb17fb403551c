"""Documents issued for a case, each with a code a public page can verify.

An issued document is a record: what it says is frozen when it is issued (``content``, in each
language the platform speaks, with the issuer and the signing mediator as they were), and the
PDF first made from that content is kept byte for byte (``DocumentFile``). Later changes to the
case never change it; a correction issues a new version that supersedes it.
"""

from datetime import datetime

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.extensions import db
from mediation.models.types import TitledEnum, UTCDateTime, enum_column, utcnow
from mediation.translation import lazy_gettext as _l


class DocumentKind(TitledEnum):
    application = "application"
    acceptance_notice = "acceptance_notice"
    decline_notice = "decline_notice"
    agreement = "agreement"
    termination_notice = "termination_notice"
    period_expired_notice = "period_expired_notice"
    confirmation_decision = "confirmation_decision"
    case_file = "case_file"


DOCUMENT_TITLES = {
    DocumentKind.application: _l("Application for mediation"),
    DocumentKind.acceptance_notice: _l("Notice of acceptance"),
    DocumentKind.decline_notice: _l("Notice of non-acceptance"),
    DocumentKind.agreement: _l("Mediation agreement"),
    DocumentKind.termination_notice: _l("Notice of termination of mediation"),
    DocumentKind.period_expired_notice: _l("Notice that the mediation period has expired"),
    DocumentKind.confirmation_decision: _l("Decision on judicial confirmation"),
    DocumentKind.case_file: _l("Case file"),
}
DocumentKind.TITLES = DOCUMENT_TITLES


class CaseDocument(db.Model):
    __tablename__ = "case_documents"
    __table_args__ = (
        Index(
            "ix_case_documents_pdf_pending",
            "id",
            postgresql_where=text("pdf_pending"),
            sqlite_where=text("pdf_pending"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind, "document_kind"))
    verification_code: Mapped[str] = mapped_column(String(20), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # As they were at issue. Documents issued before records were kept have no content and no
    # issuer here: they are still built from the case (documents.records).
    issuer_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    mediator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("case_documents.id"))
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Locale → the document's printed text (printable.Document as a dict), and its SHA-256 over the
    # canonical JSON: the facts it states, frozen.
    content: Mapped[dict | None] = mapped_column(JSON)
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    # Issued, and its Chinese PDF not stored yet: the job documents.records.store_pending does
    # it right after the issuing commit (a first reader before that stores the same bytes).
    pdf_pending: Mapped[bool] = mapped_column(default=False, server_default=false())

    case = relationship("Case")
    issuer = relationship("Organization")
    mediator = relationship("User", foreign_keys=[mediator_id])
    supersedes = relationship("CaseDocument", remote_side=[id])


class DocumentFile(db.Model):
    """The PDF of an issued document in one language, byte for byte as it was first given out.

    The Chinese one is rendered from the frozen content right after the document is issued
    (``CaseDocument.pdf_pending``), the English one the first time anyone asks for it. Then
    each is served
    from here: a later version of the renderer or its fonts never changes a file somebody
    holds.
    """

    __tablename__ = "document_files"
    __table_args__ = (UniqueConstraint("document_id", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("case_documents.id", ondelete="CASCADE"), index=True
    )
    locale: Mapped[str] = mapped_column(String(10))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    rendered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


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
    __table_args__ = (
        UniqueConstraint("document_id", "party"),
        # The sweep flags services still waiting after the legal period: only those rows.
        Index(
            "ix_document_services_waiting",
            "notified_at",
            postgresql_where=text("served_at IS NULL AND flagged_at IS NULL"),
            sqlite_where=text("served_at IS NULL AND flagged_at IS NULL"),
        ),
    )

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
