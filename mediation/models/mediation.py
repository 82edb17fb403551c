"""Online mediation: the conversation of a case (jointly and in caucus), the extension the
parties consent to, their answers to sessions and minutes, every version of the agreement,
whether the agreement was paid, and the files these carry."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.extensions import db
from mediation.models.types import TitledEnum, UTCDateTime, enum_column, utcnow
from mediation.translation import lazy_gettext as _l

Money = Numeric(14, 2)


class StoredFile(db.Model):
    """A file kept under the evidence directory, checked by content like evidence (uploads.py):
    a message's attachment, a signed paper form, a scan, a proof of payment."""

    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MessageChannel(TitledEnum):
    """Where a message is said: to everyone, or in caucus (背对背) between the mediator and one
    party, named after that party."""

    joint = "joint"
    applicant = "applicant"
    respondent = "respondent"


MessageChannel.TITLES = {
    MessageChannel.joint: _l("Everyone"),
    MessageChannel.applicant: _l("Mediator and worker only"),
    MessageChannel.respondent: _l("Mediator and employer only"),
}


class CaseMessage(db.Model):
    """One message of a case's conversation. Append-only: a correction is a new message."""

    __tablename__ = "case_messages"
    __table_args__ = (Index("ix_case_messages_case_channel", "case_id", "channel", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    channel: Mapped[MessageChannel] = mapped_column(enum_column(MessageChannel, "message_channel"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The author's role then: "mediator" stays true of a message after the author moved on.
    author_role: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User")
    attachment: Mapped[StoredFile | None] = relationship()


class MessageRead(db.Model):
    """How far a user has read a channel of a case."""

    __tablename__ = "message_reads"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    channel: Mapped[MessageChannel] = mapped_column(
        enum_column(MessageChannel, "message_read_channel"), primary_key=True
    )
    last_read_id: Mapped[int] = mapped_column(Integer)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Answer(TitledEnum):
    agreed = "agreed"
    refused = "refused"


Answer.TITLES = {Answer.agreed: _l("Agreed"), Answer.refused: _l("Refused")}


class ProposalStatus(TitledEnum):
    open = "open"
    agreed = "agreed"
    refused = "refused"


ProposalStatus.TITLES = {
    ProposalStatus.open: _l("Waiting for the parties"),
    ProposalStatus.agreed: _l("Agreed by both parties"),
    ProposalStatus.refused: _l("Refused"),
}


class ExtensionProposal(db.Model):
    """The mediator's proposal to extend the mediation period; it takes effect when both
    parties agree (or the mediator records their consent on a signed paper form)."""

    __tablename__ = "extension_proposals"
    __table_args__ = (CheckConstraint("days > 0", name="days_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    days: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[ProposalStatus] = mapped_column(
        enum_column(ProposalStatus, "proposal_status"), default=ProposalStatus.open
    )
    applicant_answer: Mapped[Answer | None] = mapped_column(enum_column(Answer, "applicant_answer"))
    applicant_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    respondent_answer: Mapped[Answer | None] = mapped_column(
        enum_column(Answer, "respondent_answer")
    )
    respondent_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Consent given on paper: the signed form, uploaded by the mediator.
    paper_form_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    proposed_by = relationship("User")
    paper_form: Mapped[StoredFile | None] = relationship()


class SessionStatus(TitledEnum):
    scheduled = "scheduled"
    held = "held"
    cancelled = "cancelled"


SessionStatus.TITLES = {
    SessionStatus.scheduled: _l("Scheduled"),
    SessionStatus.held: _l("Held"),
    SessionStatus.cancelled: _l("Cancelled"),
}


class Attendance(TitledEnum):
    confirmed = "confirmed"
    other_time = "other_time"


Attendance.TITLES = {
    Attendance.confirmed: _l("Will attend"),
    Attendance.other_time: _l("Asks for another time"),
}


class SessionAnswer(db.Model):
    """A party's answer to a scheduled session, and later to its minutes."""

    __tablename__ = "session_answers"
    __table_args__ = (UniqueConstraint("session_id", "party"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("mediation_sessions.id", ondelete="CASCADE"), index=True
    )
    # "applicant" or "respondent" (ServiceParty's values).
    party: Mapped[str] = mapped_column(String(20))
    attendance: Mapped[Attendance | None] = mapped_column(enum_column(Attendance, "attendance"))
    attendance_note: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The minutes: confirmed, or refused with a note (the note is then required).
    minutes_answer: Mapped[Answer | None] = mapped_column(enum_column(Answer, "minutes_answer"))
    minutes_note: Mapped[str | None] = mapped_column(Text)
    minutes_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class AgreementVersion(db.Model):
    """Every draft of a case's agreement, numbered from 1 and kept."""

    __tablename__ = "agreement_versions"
    __table_args__ = (
        UniqueConstraint("case_id", "version"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    terms: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal] = mapped_column(Money)
    due_date: Mapped[date | None] = mapped_column(Date)
    drafted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    drafted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Payment(TitledEnum):
    paid = "paid"
    partly_paid = "partly_paid"
    not_paid = "not_paid"


Payment.TITLES = {
    Payment.paid: _l("Paid in full"),
    Payment.partly_paid: _l("Partly paid"),
    Payment.not_paid: _l("Not paid"),
}


class PaymentReport(db.Model):
    """What someone said about the payment of the agreement (履行): the worker, the employer
    (with proof) or the mediator. The newest report is the agreement's standing."""

    __tablename__ = "payment_reports"
    __table_args__ = (CheckConstraint("amount_paid >= 0", name="amount_paid_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    payment: Mapped[Payment] = mapped_column(enum_column(Payment, "payment"))
    amount_paid: Mapped[Decimal] = mapped_column(Money)
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reporter_role: Mapped[str] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)
    proof_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Shown with every report: loaded with it.
    reported_by = relationship("User", lazy="joined")
    proof: Mapped[StoredFile | None] = relationship(lazy="joined")
