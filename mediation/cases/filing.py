"""Filing a case: checking the application, routing it, numbering it, opening the workflow."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import select

from mediation import uploads
from mediation.cases import casework
from mediation.core import audit, clocks
from mediation.core.errors import Invalid
from mediation.core.notifications import notify
from mediation.core.recipients import applicant_of, representatives_of, staff_of
from mediation.core.routing import reason_of, route_filing
from mediation.documents.issuing import issue_document
from mediation.extensions import database_kind, db, upsert_insert
from mediation.legal_aid.operations import request_at_filing
from mediation.localtime import SHANGHAI, local_today
from mediation.models import (
    Case,
    CaseCategory,
    CaseCounter,
    CaseDraft,
    Category,
    Channel,
    Claim,
    DocumentKind,
    Employer,
    Organization,
    PriorityGroup,
    Region,
    RegionLevel,
    Role,
    User,
)
from mediation.models.cases import COLLECTIVE_DISPUTE_WORKERS
from mediation.models.types import utcnow
from mediation.stats import alerts
from mediation.tracking import codes as track_codes
from mediation.translation import lazy_gettext as _l
from workflows.case import CaseWorkflow, Tier
from workflows.routing import Filing


@dataclass(frozen=True)
class Party:
    name: str
    id_number: str
    phone: str


@dataclass(frozen=True)
class EmployerInput:
    name: str
    # None when the worker does not know it: then the address, street and industry are needed,
    # and staff complete the code before accepting the case.
    uscc: str | None = None
    # Needed only for an employer the platform does not know yet.
    region_id: int | None = None
    industry: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class ClaimInput:
    category: Category
    amount: Decimal
    description: str = ""


@dataclass(frozen=True)
class Application:
    applicant: Party
    employer: EmployerInput
    employment_start: date
    employment_end: date | None
    job: str
    monthly_wage: Decimal | None
    categories: tuple[Category, ...]
    claims: tuple[ClaimInput, ...]
    facts: str
    desired_outcome: str = ""
    workers_involved: int = 1
    representatives: tuple[dict[str, str], ...] = ()
    lost_job: bool = False
    reemployment_consent: bool = False
    priority_groups: frozenset[PriorityGroup] = field(default_factory=frozenset)
    preferred_tier: Tier | None = None
    channel: Channel = Channel.web
    rights_known_on: date | None = None
    # The worker asks for legal aid with the application (mediation.legal_aid).
    legal_aid: bool = False


class ApplicationInvalid(Invalid):
    """Field problems the forms could not see alone; ``errors`` maps field → messages."""


def problems_of(application: Application) -> dict[str, list[Any]]:
    """The filing rules. A form checks them on what it could read, so a date it could not
    read (None) is left out."""
    errors: dict[str, list[Any]] = {}
    start, end = application.employment_start, application.employment_end
    if not application.categories:
        errors["categories"] = [_l("Choose at least one kind of dispute.")]
    if start and end and end < start:
        errors["employment_end"] = [_l("The end date cannot be before the start date.")]
    if start and start > local_today():
        errors["employment_start"] = [_l("The start date cannot be in the future.")]
    if application.rights_known_on and application.rights_known_on > local_today():
        errors["rights_known_on"] = [_l("This day cannot be in the future.")]
    if (
        application.workers_involved >= COLLECTIVE_DISPUTE_WORKERS
        and not application.representatives
    ):
        errors["representatives"] = [
            _l("With ten or more workers, name the representatives the workers elected.")
        ]
    if not application.facts.strip():
        errors["facts"] = [_l("Please describe what happened.")]
    return errors


def account_party(user: User) -> Party:
    """The person an account belongs to, as an applicant."""
    return Party(user.name, user.id_number, user.phone)


def applicant_problems(application: Application, actor: User) -> dict[str, list[Any]]:
    """A worker files for themself: an applicant other than the account's holder is refused
    (only staff file for someone else, at the counter or by phone)."""
    if actor.role is Role.worker and application.applicant != account_party(actor):
        return {
            "applicant": [
                _l(
                    "You can only file for yourself: the applicant must be the holder of this "
                    "account (name, ID number and phone as on your account)."
                )
            ]
        }
    return {}


def _known_employer(uscc: str) -> Employer | None:
    return db.session.scalar(select(Employer).where(Employer.uscc == uscc))


def _street(region_id: int | None) -> Region | None:
    region = db.session.get(Region, region_id) if region_id else None
    return None if region is None or region.level is RegionLevel.community else region


SUGGESTIONS = 10


def employers_named_like(text: str) -> list[Employer]:
    """Known employers whose name contains ``text`` (the filing form suggests them as one
    types); ``%`` and ``_`` in ``text`` are themselves, not wildcards."""
    text = text.strip()
    if not text:
        return []
    return list(
        db.session.scalars(
            select(Employer)
            .where(Employer.name.icontains(text, autoescape=True))
            .order_by(Employer.name, Employer.id)
            .limit(SUGGESTIONS)
        )
    )


def employer_problems(given: EmployerInput) -> dict[str, list[Any]]:
    """What the application must say about an employer the platform does not know: its street
    and industry, and without the USCC also its address (staff find the company by it)."""
    if given.uscc and _known_employer(given.uscc) is not None:
        return {}
    return _new_employer_problems(given)


def _new_employer_problems(given: EmployerInput) -> dict[str, list[Any]]:
    errors: dict[str, list[Any]] = {}
    if given.uscc:
        if _street(given.region_id) is None:
            errors["employer_region"] = [
                _l("This employer is new to us: choose the street or town where it is registered.")
            ]
        if not given.industry:
            errors["employer_industry"] = [_l("This employer is new to us: choose its industry.")]
        return errors
    if not (given.address or "").strip():
        errors["employer_address"] = [
            _l("Without the unified social credit code, give the company's address.")
        ]
    if _street(given.region_id) is None:
        errors["employer_region"] = [
            _l("Without the unified social credit code, choose the street or town of the company.")
        ]
    if not given.industry:
        errors["employer_industry"] = [
            _l("Without the unified social credit code, choose the company's industry.")
        ]
    return errors


def _new_employer(given: EmployerInput) -> Employer:
    """The employer of an application that names none the platform knows by its USCC.
    Without the USCC, an employer without one of the same name in the same street is the
    same company (its staff complete the code once); otherwise it is new.
    ``_new_employer_problems`` has found nothing."""
    region = _street(given.region_id)
    if not given.uscc:
        employer = db.session.scalar(
            select(Employer)
            .where(
                Employer.uscc.is_(None),
                Employer.name == given.name,
                Employer.region_id == region.id,
            )
            .order_by(Employer.id)
            .limit(1)
        )
        if employer is not None:
            return employer
    employer = Employer(
        name=given.name,
        uscc=given.uscc,
        region=region,
        industry=given.industry,
        address=(given.address or "").strip() or None,
    )
    db.session.add(employer)
    db.session.flush()
    return employer


def next_case_number(organization: Organization, year: int) -> str:
    """The next number of the organisation's year, without gaps or duplicates.

    One upsert takes the counter row's lock until the filing commits, so concurrent filings
    queue on it, and a filing that rolls back gives its number back.
    """
    value = db.session.execute(
        _counter_upsert(database_kind()),
        {"organization_id": organization.id, "year": year, "last_value": 1},
    ).scalar_one()
    prefix = organization.case_prefix or f"LD{organization.id}"
    return f"{prefix}-{year}-{value:06d}"


@cache
def _counter_upsert(kind: str):
    counters = CaseCounter.__table__
    return (
        upsert_insert(counters, kind)
        .on_conflict_do_update(
            index_elements=[counters.c.organization_id, counters.c.year],
            set_={"last_value": counters.c.last_value + 1},
        )
        .returning(counters.c.last_value)
    )


# Workers file for themselves online; staff file for visitors at the counter or by phone.
CHANNELS_BY_ROLE = {
    Role.worker: (Channel.web, Channel.app),
    Role.mediator: (Channel.window, Channel.phone),
}


def file_case(application: Application, *, actor: User) -> Case:
    """File the application (the policy has let ``actor`` file at all)."""
    given = application.employer
    known = _known_employer(given.uscc) if given.uscc else None
    errors = (
        problems_of(application)
        | applicant_problems(application, actor)
        | ({} if known else _new_employer_problems(given))
    )
    if application.channel not in CHANNELS_BY_ROLE.get(actor.role, ()):
        errors["channel"] = [
            _l("Workers file online: use web or app.")
            if actor.role is Role.worker
            else _l("Staff file for visitors: use window or phone.")
        ]
    if errors:
        raise ApplicationInvalid(errors)
    employer = known or _new_employer(given)
    amount = sum((claim.amount for claim in application.claims), Decimal("0.00"))
    decision, organization = route_filing(
        Filing(
            employer_id=employer.id,
            employer_region_id=employer.region_id,
            employer_industry=employer.industry,
            categories=frozenset(application.categories),
            amount_claimed=amount,
            workers_involved=application.workers_involved,
            preferred_tier=application.preferred_tier,
            channel=application.channel.value,
        )
    )
    # The number is taken last, just before the case is written: its counter row stays locked
    # until the commit, so concurrent filings to one organisation queue there, and whatever
    # needs no number (who is told, the draft, the deadline) is done before.
    staff, representatives = staff_of(organization), representatives_of(employer)
    discard_draft(actor)
    received_at = utcnow()
    routing_reason, routing_reason_en = reason_of(decision)
    case = Case(
        organization=organization,
        routing_reason=routing_reason,
        routing_reason_en=routing_reason_en,
        applicant=actor if actor.role is Role.worker else None,
        applicant_name=application.applicant.name,
        applicant_id_number=application.applicant.id_number,
        applicant_phone=application.applicant.phone,
        employer=employer,
        employment_start=application.employment_start,
        employment_end=application.employment_end,
        rights_known_on=application.rights_known_on,
        job=application.job,
        monthly_wage=application.monthly_wage,
        facts=application.facts,
        desired_outcome=application.desired_outcome,
        workers_involved=application.workers_involved,
        representatives=list(application.representatives) or None,
        lost_job=application.lost_job,
        reemployment_consent=application.lost_job and application.reemployment_consent,
        preferred_tier=application.preferred_tier,
        channel=application.channel,
        filed_by=actor,
        received_at=received_at,
        **{group.value: group in application.priority_groups for group in PriorityGroup},
        # A new case has none of these yet: said so, whatever reads them before the commit
        # (the answer to the filing) does not ask the database.
        agreement=None,
        confirmation=None,
        sessions=[],
        extension_proposals=[],
        limitation_suspensions=[],
    )
    clocks.start_acceptance_clock(case, received_at.astimezone(SHANGHAI).date())
    case.category_rows = [CaseCategory(category=category) for category in application.categories]
    case.claims = [
        Claim(category=claim.category, amount=claim.amount, description=claim.description)
        for claim in application.claims
    ]
    transition = CaseWorkflow(case).fire("apply", tier=organization.kind.value)
    case.number = next_case_number(organization, received_at.astimezone(SHANGHAI).year)
    db.session.add(case)
    db.session.flush()
    audit.record_case_event(case, "apply", actor=actor, transition=transition)
    issue_document(case, DocumentKind.application, actor=actor)
    notify([applicant_of(case)], "case_filed", case, organization=organization.name)
    # The code to follow the case without an account, shown once to whoever filed it.
    case.issued_track_code = track_codes.assign_at_filing(case)
    notify(staff, "new_case", case)
    notify(representatives, "against_company", case)
    alerts.check_new_case(case)
    if application.legal_aid:
        request_at_filing(case, actor=actor)
    return case


def attach_staged(
    case: Case, *, actor: User, files: list[uploads.StoredFile], directory: Path
) -> None:
    """The files ``actor`` staged while filling the form become the case's evidence: their
    rows now, the files themselves moved into ``directory`` when the filing commits (a
    rollback leaves them staged, still carried by the form; see ``mediation.uploads``)."""
    for stored in files:
        casework.add_evidence(case, actor=actor, stored=stored)
        uploads.keep_staged(actor, stored, directory)


def staged_in_drafts(since: datetime) -> set[str]:
    """The staged files that drafts saved since ``since`` carry (the clean-up keeps them: a
    draft keeps its files for as long as a submission of its form would)."""
    drafts = db.session.scalars(select(CaseDraft.data).where(CaseDraft.updated_at >= since))
    return {
        name for data in drafts for name in uploads.names_carried((data.get("attached") or [""])[0])
    }


def save_draft(user: User, data: dict[str, Any]) -> None:
    draft = db.session.scalar(select(CaseDraft).where(CaseDraft.user_id == user.id))
    if draft is None:
        db.session.add(CaseDraft(user_id=user.id, data=data))
    else:
        draft.data = data
        draft.updated_at = utcnow()


def load_draft(user: User) -> CaseDraft | None:
    return db.session.scalar(select(CaseDraft).where(CaseDraft.user_id == user.id))


def discard_draft(user: User) -> None:
    db.session.execute(CaseDraft.__table__.delete().where(CaseDraft.user_id == user.id))
