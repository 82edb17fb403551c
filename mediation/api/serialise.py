"""Records as the API's answers (``mediation.api.schemas``): amounts as decimal strings, times
in ISO 8601 with their UTC offset, identity numbers masked."""

from flask import jsonify
from flask_sqlalchemy.pagination import Pagination
from pydantic import BaseModel
from sqlalchemy import select

from mediation import policy
from mediation.api import schemas
from mediation.cases import payment
from mediation.cases.loading import case_evidence
from mediation.cases.sessions import answers_of
from mediation.cases.triggers import available
from mediation.core import clocks
from mediation.extensions import db
from mediation.i18n import in_reader_language
from mediation.legal_aid import operations as legal_aid
from mediation.localtime import local_today
from mediation.models import AuditEvent, Case, MediationSession, Referral, User, Vacancy
from mediation.privacy import mask_id_number, mask_phone


def answer(model: BaseModel, status: int = 200):
    """The JSON response of an answer model."""
    response = jsonify(model.model_dump(mode="json"))
    response.status_code = status
    return response


def case_summary(case: Case) -> schemas.CaseSummary:
    return schemas.CaseSummary(**_summary_fields(case))


def _summary_fields(case: Case) -> dict:
    return {
        "id": case.id,
        "number": case.number,
        "state": case.state,
        "outcome": case.outcome,
        "tier": case.tier,
        "organization": {"id": case.organization.id, "name": case.organization.name},
        "employer": {"name": case.employer.name, "uscc": case.employer.uscc},
        "applicant": {
            "name": case.applicant_name,
            "id_number": mask_id_number(case.applicant_id_number),
            "phone": mask_phone(case.applicant_phone),
        },
        "received_at": case.received_at,
        "deadlines": _deadlines(case),
    }


def _deadlines(case: Case) -> dict:
    """The case's dates, and whether any of them rests on a year without a schedule."""
    extended = case.mediation_clock_start is not None and bool(case.extension_days)
    provisional = clocks.arbitration_date_is_provisional(case) or clocks.is_provisional(
        case.acceptance_clock_start, case.acceptance_deadline
    )
    if case.mediation_clock_start is not None:
        provisional = provisional or clocks.is_provisional(
            case.mediation_clock_start, case.mediation_deadline
        )
    return {
        "acceptance": case.acceptance_deadline,
        "mediation": case.mediation_deadline,
        "mediation_before_extension": clocks.mediation_due(case, with_extension=False)
        if extended
        else None,
        "arbitration_available_from": clocks.arbitration_available_from(case),
        "provisional": provisional,
    }


def case_detail(case: Case, user: User) -> schemas.Case:
    transfers = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.case_id == case.id, AuditEvent.action.in_(["case.escalate", "case.return"])
        )
        .order_by(AuditEvent.id)
    ).all()
    agreement, confirmation = case.agreement, case.confirmation
    summary = _summary_fields(case)
    limitation = clocks.limitation(case)
    summary["deadlines"] |= {"limitation": _limitation(case, limitation, user)}
    return schemas.Case(
        **summary,
        routing_rule=in_reader_language(case.routing_reason, case.routing_reason_en),
        transferred_from_tier=case.transferred_from_tier,
        mediator=case.mediator.name if case.mediator else None,
        channel=case.channel,
        categories=case.categories,
        claims=[
            {"category": c.category, "amount": c.amount, "description": c.description}
            for c in case.claims
        ],
        amount_claimed=case.amount_claimed,
        facts=case.facts,
        workers_involved=case.workers_involved,
        lost_job=case.lost_job,
        priority_groups=case.priority_groups,
        respondent_consent=case.respondent_consent,
        respondent_consent_via=case.respondent_consent_via,
        respondent_statement=case.respondent_statement,
        respondent_proposal=case.respondent_proposal,
        extension=_extension(case),
        sessions=[_session(session) for session in sorted(case.sessions, key=_starts)],
        extension_days=case.extension_days,
        agreement=None if agreement is None else _agreement(case),
        evidence=[
            {"id": e.id, "name": e.original_name, "party": e.party, "size": e.size}
            for e in case_evidence(case, user)
        ],
        available_triggers=[action.name for action in available(user, case)],
        transfer_path=[
            {
                "organization": e.details["to_organization"],
                "action": e.action.removeprefix("case."),
                "reason": e.note,
                "at": e.occurred_at,
            }
            for e in transfers
        ],
        judicial_confirmation=None
        if confirmation is None
        else {
            "status": confirmation.status,
            "court": confirmation.court.name,
            "decided_at": confirmation.decided_at,
            "reason": confirmation.reason,
        },
        closed_at=case.closed_at,
        archived_at=case.archived_at,
        legal_aid=_legal_aid(case, user),
    )


def _legal_aid(case: Case, user: User) -> schemas.LegalAidRecord | None:
    """As on the page: the worker and staff see the request, the employer does not."""
    if not policy.sees_the_workers_private_facts(user, case):
        return None
    request = legal_aid.request_of(case)
    if request is None:
        return None
    return schemas.LegalAidRecord(
        requested_at=request.requested_at,
        channel=request.channel,
        station=request.station,
        station_address=request.station_address,
        station_phone=request.station_phone,
    )


def _limitation(case: Case, limitation: clocks.Limitation, user: User) -> dict:
    """The limitation with its suspensions; their reasons (which may tell of the worker's
    health) for staff and the worker, as on the page."""
    reasons = policy.sees_the_workers_private_facts(user, case)
    return vars(limitation) | {
        "suspensions": [
            {
                "id": s.id,
                "cause": s.cause,
                "reason": s.reason if reasons else None,
                "starts_on": s.starts_on,
                "ends_on": s.ends_on,
                "recorded_at": s.recorded_at,
            }
            for s in limitation.suspensions
        ]
    }


def _agreement(case: Case) -> dict:
    agreement, latest = case.agreement, next(iter(payment.reports(case)), None)
    return {
        "version": agreement.version,
        "terms": agreement.terms,
        "amount": agreement.amount,
        "due_date": agreement.due_date,
        "applicant_signed_at": agreement.applicant_signed_at,
        "respondent_signed_at": agreement.respondent_signed_at,
        "applicant_signed_version": agreement.applicant_signed_version,
        "respondent_signed_version": agreement.respondent_signed_version,
        "signed_on_paper": bool(agreement.signed_on_paper),
        "payment": latest.payment if latest else None,
        "amount_paid": latest.amount_paid if latest else None,
        "routes": _payment_routes(case),
    }


def _payment_routes(case: Case) -> schemas.PaymentRoutes | None:
    """The routes the case page shows the worker when the agreement was not paid in full."""
    standing = payment.standing(case, local_today())
    if standing is None or not standing.unpaid:
        return None
    return schemas.PaymentRoutes(
        payment_order_from=standing.payment_order_from if standing.payment_order else None,
        arbitration_from=standing.arbitration_from,
        arbitration_by=standing.arbitration_by,
        commission=standing.commission,
    )


def _extension(case: Case) -> schemas.ExtensionRecord | None:
    proposal = case.latest_extension_proposal
    if proposal is None:
        return None
    return schemas.ExtensionRecord(
        days=proposal.days,
        reason=proposal.reason,
        status=proposal.status,
        applicant_answer=proposal.applicant_answer,
        respondent_answer=proposal.respondent_answer,
        proposed_at=proposal.proposed_at,
        paper_consent=proposal.paper_form_id is not None,
    )


def _starts(session: MediationSession):
    return session.starts_at


def _session(session: MediationSession) -> schemas.SessionRecord:
    answers = answers_of(session)
    return schemas.SessionRecord(
        id=session.id,
        starts_at=session.starts_at,
        mode=session.mode,
        status=session.status,
        location=session.location,
        video_link=session.video_link,
        cancel_reason=session.cancel_reason,
        attendees=session.attendees,
        minutes=session.minutes,
        answers=[
            {
                "party": party,
                "attendance": row.attendance,
                "attendance_note": row.attendance_note,
                "minutes_answer": row.minutes_answer,
                "minutes_note": row.minutes_note,
            }
            for party, row in sorted(answers.items())
        ],
    )


def case_list(page: Pagination) -> schemas.CaseList:
    return schemas.CaseList(
        items=[case_summary(case) for case in page.items],
        page=page.page,
        pages=page.pages,
        total=page.total,
    )


def event(item: AuditEvent) -> schemas.Event:
    return schemas.Event(
        id=item.id,
        action=item.action.removeprefix("case."),
        occurred_at=item.occurred_at,
        actor_role=item.actor_role,
        from_state=item.from_state,
        to_state=item.to_state,
        tier=item.tier,
        organization=item.organization.name if item.organization else None,
        note=item.note,
        consent_via=(item.details or {}).get("consent_via"),
    )


def referral(item: Referral) -> schemas.Referral:
    return schemas.Referral(
        id=item.id,
        case_id=item.case_id,
        state=item.state,
        centre=item.centre.name,
        officer=item.officer.name if item.officer else None,
        referred_on=item.referred_on,
        contact_due=item.contact_due,
        first_contacted_on=item.first_contacted_on,
        worker={"name": item.worker_name, "id_number": item.worker_id_masked},
        last_job=item.last_job,
        placement=None
        if not item.placed_employer
        else {
            "employer": item.placed_employer,
            "job": item.placed_job,
            "start_date": item.placed_start,
            "monthly_wage": item.placed_wage,
        },
        proposals=[
            {"id": p.id, "vacancy_id": p.vacancy_id, "title": p.vacancy.title, "answer": p.answer}
            for p in item.proposals
        ],
    )


def vacancy(item: Vacancy) -> schemas.Vacancy:
    return schemas.Vacancy(
        id=item.id,
        employer=item.employer,
        title=item.title,
        industry=item.industry,
        district_id=item.district_id,
        wage_min=item.wage_min,
        wage_max=item.wage_max,
        skills=list(item.skills or []),
        openings=item.openings,
    )
