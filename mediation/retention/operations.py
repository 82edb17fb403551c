"""Anonymising one closed case whose retention period ended (个人信息保护法 第四十七条).

What is erased, field by field, and why the rest stays:

==========================  ===================================================================
the case                    applicant's name → "申请人" (one pseudonym for every case: the
                            case number already tells cases apart); ID number and phone
                            emptied; the progress-lookup code forgotten; the link to the
                            applicant's account removed (the case leaves the worker's own
                            list; staff still open it); job, facts,
                            desired outcome, the elected representatives (collective
                            disputes), the employer's written answer and proposal, the reason
                            for closing: emptied
claims                      the description emptied; category and amount stay
sessions                    attendees, minutes, cancellation reason, video link emptied; the
                            parties' notes on their answers emptied; time, mode, place stay
agreement and its versions  terms emptied; amount and due date stay
extension, payment reports  the reasons and notes emptied; days, answers, amounts stay
conversation                every message and read mark deleted
files                       evidence, message attachments, paper forms, scans and proofs of
                            payment: rows deleted, files removed from disk when the
                            transaction commits (``uploads.delete_when_committed``)
ratings                     the comment emptied; the score stays
notifications, outbox       deleted (their parameters and texts name people)
issued documents            the frozen content and the kept PDFs deleted; the row, kind,
                            verification code, dates and content hash stay, so a code still
                            verifies as issued; who opened each (service) forgotten
confirmation, suspensions   the court's reason, the suspension's reason emptied
re-employment referral      the worker's name → "申请人", phone, masked ID, account link,
                            last job, skills, education, certificates, wished-for job, the end
                            reason, the new employer and job, the contacts' notes emptied;
                            dates, state, industry, district and wages stay
arbitration application     the worker's draft (a table of its own) deleted
legal-aid request           who asked (the worker's account, or the staff member who asked for
                            them) forgotten; that legal aid was asked for, when, on which
                            channel and the station it went to (public data) stay: the
                            figures count requests
==========================  ===================================================================

Kept for the figures (``flask figures verify`` agrees before and after): dates and states,
organisation, tier, channel, employer (a company, not a person), categories, priority
groups, workers involved, amounts, outcome, ratings' scores, the referral's dates and state,
and the audit log, which the database keeps append-only (its events name actions and staff;
the reasons typed into them are not rewritten: see the report for admins). Columns that name
the account that did something and cannot be empty (filed by, rated by, reported by) keep it.

The case row is taken with a conditional UPDATE on ``anonymised_at IS NULL``, as documents'
service is (``documents.service._mark_served``): two runs at once erase a case once and leave
one audit event.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, null, select, update

from mediation import uploads
from mediation.core import audit
from mediation.extensions import db
from mediation.models import (
    Agreement,
    AgreementVersion,
    Case,
    CaseDocument,
    CaseMessage,
    Claim,
    DocumentFile,
    DocumentService,
    Evidence,
    ExtensionProposal,
    JudicialConfirmation,
    LegalAidRequest,
    LimitationSuspension,
    MediationSession,
    MessageRead,
    Notification,
    OutboxMessage,
    PaymentReport,
    Rating,
    Referral,
    ReferralContact,
    SessionAnswer,
    StoredFile,
)
from mediation.models.types import utcnow
from mediation.retention.rules import periods, retained_from
from workflows.case import CaseState

# What the applicant (and the referred worker) is called once erased.
PSEUDONYM = "申请人"

# The worker's own arbitration application (mediation.cases, another part of issue 17) holds
# their full name, ID number and address: deleted when the table exists.
ARBITRATION_APPLICATIONS = "arbitration_applications"


# The columns emptied, as the audit event names them.
ERASED_FIELDS = [
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "applicant_id",
    "job",
    "facts",
    "desired_outcome",
    "representatives",
    "respondent_statement",
    "respondent_proposal",
    "close_reason",
    "claims.description",
    "sessions.attendees",
    "sessions.minutes",
    "sessions.cancel_reason",
    "sessions.video_link",
    "session_answers.notes",
    "agreement.terms",
    "agreement_versions.terms",
    "extension_proposals.reason",
    "payment_reports.note",
    "ratings.comment",
    "judicial_confirmation.reason",
    "limitation_suspensions.reason",
    "case_documents.content",
    "document_services.served_to",
    "referral.worker",
    "referral.profile",
    "referral_contacts.result",
    "legal_aid_requests.requested_by",
]


def _change(model, *conditions, **values) -> int:
    result = db.session.execute(
        update(model)
        .where(*conditions)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def _remove(model, *conditions) -> int:
    result = db.session.execute(
        delete(model).where(*conditions).execution_options(synchronize_session=False)
    )
    return result.rowcount


def _take(case: Case, now: datetime) -> bool:
    """Mark the case anonymised and erase its own columns, unless another run did; True when
    this call did it."""
    result = db.session.execute(
        update(Case)
        .where(
            Case.id == case.id,
            Case.anonymised_at.is_(None),
            Case.state.in_([CaseState.closed, CaseState.archived]),
        )
        .values(
            anonymised_at=now,
            applicant_name=PSEUDONYM,
            applicant_id_number="",
            applicant_phone="",
            applicant_id=None,
            job="",
            facts="",
            desired_outcome="",
            representatives=null(),  # SQL NULL, not a JSON null
            respondent_statement=None,
            respondent_proposal=None,
            close_reason=None,
            # Nothing is left to follow: /track answers as for a case it does not know.
            track_code_hash=None,
            # The row changed: an edit loaded before this must not overwrite it.
            version=Case.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _erase_files(case: Case) -> tuple[int, int]:
    """Delete the case's evidence and other stored files: rows now, files at the commit."""
    directory = uploads.evidence_root()
    evidence = list(
        db.session.scalars(select(Evidence.stored_name).where(Evidence.case_id == case.id))
    )
    stored = list(
        db.session.scalars(select(StoredFile.stored_name).where(StoredFile.case_id == case.id))
    )
    # What points at the stored files goes first.
    _remove(CaseMessage, CaseMessage.case_id == case.id)
    _change(Agreement, Agreement.case_id == case.id, paper_scan_id=None)
    _change(ExtensionProposal, ExtensionProposal.case_id == case.id, paper_form_id=None)
    _change(PaymentReport, PaymentReport.case_id == case.id, proof_id=None)
    _remove(Evidence, Evidence.case_id == case.id)
    _remove(StoredFile, StoredFile.case_id == case.id)
    for name in (*evidence, *stored):
        uploads.delete_when_committed(directory, name)
    return len(evidence), len(stored)


def _erase_documents(case: Case) -> tuple[int, int]:
    documents = select(CaseDocument.id).where(CaseDocument.case_id == case.id).scalar_subquery()
    files = _remove(DocumentFile, DocumentFile.document_id.in_(documents))
    _change(
        DocumentService,
        DocumentService.document_id.in_(documents),
        note=None,
        served_to_id=None,
    )
    contents = _change(
        CaseDocument,
        CaseDocument.case_id == case.id,
        CaseDocument.content.is_not(None),
        content=null(),
    )
    return contents, files


def _erase_referral(case: Case) -> None:
    referral = select(Referral.id).where(Referral.case_id == case.id).scalar_subquery()
    _change(
        Referral,
        Referral.case_id == case.id,
        worker_name=PSEUDONYM,
        worker_phone="",
        worker_id_masked="",
        worker_id=None,
        last_job="",
        skills="",
        education="",
        certificates="",
        desired_job="",
        end_reason=None,
        placed_employer=None,
        placed_job=None,
        version=Referral.version + 1,
    )
    _change(ReferralContact, ReferralContact.referral_id == referral, result="")


def anonymise_case(case: Case, *, now: datetime | None = None) -> dict[str, Any] | None:
    """Erase the personal data of ``case`` (closed or archived) and record that it was done.

    Returns what was erased (counts and field names, never the data), as the audit event
    "case.anonymised" keeps it; None when the case was anonymised already (by another run) or
    is not closed. No commit here; the caller commits (``sweep.run`` does per batch).
    """
    now = now or utcnow()
    db.session.flush()  # the case as this session knows it is in the database first
    if not _take(case, now):
        return None
    sessions = select(MediationSession.id).where(MediationSession.case_id == case.id)
    _change(Claim, Claim.case_id == case.id, description="")
    _change(
        MediationSession,
        MediationSession.case_id == case.id,
        attendees="",
        minutes="",
        cancel_reason=None,
        video_link=None,
    )
    _change(
        SessionAnswer,
        SessionAnswer.session_id.in_(sessions.scalar_subquery()),
        attendance_note=None,
        minutes_note=None,
        answered_by_id=None,
    )
    _change(Agreement, Agreement.case_id == case.id, terms="")
    _change(AgreementVersion, AgreementVersion.case_id == case.id, terms="")
    _change(ExtensionProposal, ExtensionProposal.case_id == case.id, reason="")
    _change(PaymentReport, PaymentReport.case_id == case.id, note=None)
    _change(Rating, Rating.case_id == case.id, comment="")
    _change(JudicialConfirmation, JudicialConfirmation.case_id == case.id, reason=None)
    _change(LimitationSuspension, LimitationSuspension.case_id == case.id, reason="")
    # A request for legal aid tells of the worker's means (法律援助法 第三十一条): it stays
    # counted, linked to no one (个人信息保护法 第四十七条).
    _change(LegalAidRequest, LegalAidRequest.case_id == case.id, requested_by_id=None)
    messages = db.session.scalar(
        select(db.func.count(CaseMessage.id)).where(CaseMessage.case_id == case.id)
    )
    evidence_files, other_files = _erase_files(case)
    _remove(MessageRead, MessageRead.case_id == case.id)
    notifications = _remove(Notification, Notification.case_id == case.id)
    outbox = _remove(OutboxMessage, OutboxMessage.case_id == case.id)
    document_contents, document_files = _erase_documents(case)
    _erase_referral(case)
    arbitration: Table | None = db.metadata.tables.get(ARBITRATION_APPLICATIONS)
    if arbitration is not None:
        _remove(arbitration, arbitration.c.case_id == case.id)
    # Every object of this session read before the statements above is stale now.
    db.session.expire_all()
    erased = {
        "rule": case.outcome.value,
        "years": periods().get(case.outcome),
        "retained_from": retained_from(case).isoformat(),
        "evidence_files": evidence_files,
        "other_files": other_files,
        "messages": messages,
        "notifications": notifications,
        "outbox_messages": outbox,
        "document_contents": document_contents,
        "document_files": document_files,
        "fields": ERASED_FIELDS,
    }
    audit.record_case_event(case, "anonymised", actor=None, **erased)
    return erased
