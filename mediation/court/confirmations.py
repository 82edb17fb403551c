"""Judicial confirmation: both parties ask the district court to confirm their agreement
within 30 days of it taking effect (人民调解法 第三十三条); a court liaison decides."""

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from mediation import policy
from mediation.core import audit
from mediation.core.calendar import work_calendar
from mediation.core.errors import Invalid, Refused
from mediation.core.notifications import notify
from mediation.core.recipients import applicant_of, representatives_of, staff_of
from mediation.core.routing import DatabaseDirectory
from mediation.extensions import db
from mediation.localtime import SHANGHAI, local_today
from mediation.models import (
    Case,
    ConfirmationStatus,
    JudicialConfirmation,
    Organization,
    User,
)
from mediation.models.types import utcnow
from mediation.policy import Act
from workflows import deadlines
from workflows.case import CaseState, Outcome


def agreement_effective_on(case: Case) -> date:
    """An agreement takes effect when the last party signs it."""
    agreement = case.agreement
    return (
        max(agreement.applicant_signed_at, agreement.respondent_signed_at)
        .astimezone(SHANGHAI)
        .date()
    )


def confirmation_deadline(case: Case) -> date | None:
    if (
        case.outcome != Outcome.resolved
        or case.agreement is None
        or not case.agreement.fully_signed
    ):
        return None
    return deadlines.judicial_confirmation_deadline(
        agreement_effective_on(case), calendar=work_calendar()
    )


# 最高人民法院关于人民调解协议司法确认程序的若干规定 (法释〔2011〕5号) 第五条: the court decides
# within 15 days of accepting the request (10 more with its president's approval). The platform
# does not record the court's acceptance: the days are counted from when both parties had asked.
COURT_DECISION_DAYS = 15


def requested_on(confirmation: JudicialConfirmation) -> date | None:
    """The day the request was complete: when the second party asked."""
    asked = [confirmation.applicant_requested_at, confirmation.respondent_requested_at]
    if None in asked:
        return None
    return max(asked).astimezone(SHANGHAI).date()


def decision_due(confirmation: JudicialConfirmation) -> date | None:
    """The last day for the court's decision; the period ending on a rest day ends on the next
    working day (民事诉讼法 第八十五条)."""
    start = requested_on(confirmation)
    if start is None:
        return None
    return deadlines.next_working_day(
        start + timedelta(days=COURT_DECISION_DAYS), calendar=work_calendar()
    )


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
    notify(
        [applicant_of(case), *representatives_of(case.employer)],
        "confirmed" if confirm else "confirmation_refused",
        case,
        reason=reason,
    )
