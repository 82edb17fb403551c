"""Judicial confirmation: both parties ask the district court to confirm their agreement
within 30 days of it taking effect (人民调解法 第三十三条); a court liaison decides."""

from mediation import policy
from mediation.core import audit
from mediation.core.errors import Invalid, Refused
from mediation.core.notifications import notify
from mediation.core.recipients import applicant_of, representatives_of, staff_of
from mediation.core.routing import DatabaseDirectory
from mediation.court.dates import confirmation_deadline
from mediation.documents.issuing import issue_document
from mediation.extensions import db
from mediation.localtime import local_today
from mediation.models import (
    Case,
    ConfirmationStatus,
    DocumentKind,
    JudicialConfirmation,
    Organization,
    User,
)
from mediation.models.types import utcnow
from mediation.policy import Act
from mediation.translation import lazy_gettext as _l
from workflows.case import CaseState


def request_confirmation(case: Case, *, actor: User) -> JudicialConfirmation:
    policy.require_act(actor, case, Act.request_confirmation)
    due = confirmation_deadline(case)
    if case.state not in (CaseState.closed, CaseState.archived) or due is None:
        raise Refused("not_allowed_in_state")
    if local_today() > due:
        raise Refused("confirmation_too_late")
    confirmation = case.confirmation
    if confirmation is None:
        directory = DatabaseDirectory()
        court_id = directory.court_of(directory.district_of(case.employer.region_id))
        if court_id is None:
            raise Refused("no_court")
        confirmation = JudicialConfirmation(
            case=case, court_id=court_id, status=ConfirmationStatus.awaiting_parties
        )
        db.session.add(confirmation)
    elif confirmation.status not in (ConfirmationStatus.awaiting_parties,):
        raise Refused("already_requested")
    now = utcnow()
    if policy.is_applicant(actor, case):
        confirmation.applicant_requested_at = confirmation.applicant_requested_at or now
    else:
        confirmation.respondent_requested_at = confirmation.respondent_requested_at or now
    if confirmation.applicant_requested_at and confirmation.respondent_requested_at:
        confirmation.status = ConfirmationStatus.requested
        db.session.flush()
        notify(
            staff_of(db.session.get(Organization, confirmation.court_id)),
            "confirmation_requested",
            case,
        )
    audit.record_case_event(case, "confirmation_requested", actor=actor)
    return confirmation


def decide_confirmation(case: Case, *, actor: User, confirm: bool, reason: str = "") -> None:
    policy.require_act(actor, case, Act.decide_confirmation)
    confirmation = case.confirmation
    if confirmation.status is not ConfirmationStatus.requested:
        raise Refused("not_allowed_in_state")
    if not confirm and not reason.strip():
        raise Invalid({"reason": [_l("Please write why the court does not confirm it.")]})
    confirmation.status = ConfirmationStatus.confirmed if confirm else ConfirmationStatus.refused
    confirmation.decided_at = utcnow()
    confirmation.decided_by_id = actor.id
    confirmation.reason = reason or None
    audit.record_case_event(
        case,
        "confirmed" if confirm else "confirmation_refused",
        actor=actor,
        organization=confirmation.court,
        note=reason or None,
    )
    issue_document(
        case,
        DocumentKind.confirmation_decision,
        actor=actor,
        issuer=confirmation.court,
        signer=actor,
    )
    notify(
        [applicant_of(case), *representatives_of(case.employer)],
        "confirmed" if confirm else "confirmation_refused",
        case,
        reason=reason,
    )
