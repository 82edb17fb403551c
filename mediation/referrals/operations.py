"""Re-employment referrals: the hand-off at closure, the officer's work, vacancies.

Every state change of a referral goes through ``fire`` here, with its audit event on the
case's timeline, in the caller's transaction.
"""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, update

from mediation import policy
from mediation.core import audit
from mediation.core.calendar import work_calendar
from mediation.core.errors import Invalid, NotPermitted, Refused, flush_or_refuse
from mediation.core.notifications import notify
from mediation.core.routing import DatabaseDirectory
from mediation.core.schemas import parse
from mediation.extensions import db
from mediation.localtime import local_today
from mediation.messages import guard_message
from mediation.models import (
    Case,
    Organization,
    OrgKind,
    ProposalAnswer,
    Referral,
    Role,
    User,
    Vacancy,
    VacancyProposal,
)
from mediation.models.types import utcnow
from mediation.policy import ReferralAct
from mediation.privacy import mask_id_number
from mediation.referrals import triggers as referral_triggers
from mediation.referrals.triggers import ReferralAction
from mediation.vacancy_import import VacancyRow
from workflows import deadlines
from workflows.referral import (
    GuardFailed,
    ReferralState,
    ReferralWorkflow,
    Transition,
    UnknownTrigger,
)

FIRST_CONTACT_WORKING_DAYS = 3


def officers_of(centre: Organization) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(
                User.organization_id == centre.id,
                User.role == Role.reemployment_officer,
                User.active.is_(True),
            )
        )
    )


def centre_for(case: Case) -> Organization | None:
    """The re-employment centre nearest the place of work: the street's, else the district's.

    Routing as data: which centre serves where is the centre's own region, which an admin
    sets; no branch here names a place.
    """
    chain = DatabaseDirectory().region_chain(case.employer.region_id)
    centres = db.session.scalars(
        select(Organization).where(
            Organization.kind == OrgKind.reemployment,
            Organization.active.is_(True),
            Organization.region_id.in_(chain),
        )
    ).all()
    by_region = {centre.region_id: centre for centre in centres}
    return next((by_region[region] for region in chain if region in by_region), None)


def refer_if_job_lost(case: Case, *, actor: User) -> Referral | None:
    """At closure: refer a worker who lost the job and agreed to it; once per case."""
    if not (case.lost_job and case.reemployment_consent) or case.referral is not None:
        return None
    centre = centre_for(case)
    if centre is None:
        audit.record_case_event(case, "referral_without_centre", actor=actor)
        return None
    today = local_today()
    referral = Referral(
        case=case,
        centre=centre,
        worker_id=case.applicant_id,
        referred_on=today,
        contact_due=deadlines.add_working_days(
            today, FIRST_CONTACT_WORKING_DAYS, calendar=work_calendar()
        ),
        worker_name=case.applicant_name,
        worker_phone=case.applicant_phone,
        worker_id_masked=mask_id_number(case.applicant_id_number),
        last_job=case.job,
        last_industry=case.employer.industry,
        district_id=DatabaseDirectory().district_of(case.employer.region_id),
    )
    ReferralWorkflow(referral).fire("refer")
    db.session.add(referral)
    db.session.flush()
    audit.record_case_event(
        case, "referred", actor=actor, organization=centre, referral_id=referral.id
    )
    notify(
        [case.applicant], "referred", case, centre=centre.name, due=referral.contact_due.isoformat()
    )
    notify(officers_of(centre), "new_referral", case)
    return referral


def load_referral(referral_id: int, user: User) -> Referral | None:
    return db.session.scalar(
        select(Referral).where(Referral.id == referral_id, policy.visible_referrals(user))
    )


def claim(referral: Referral, *, actor: User) -> None:
    policy.require_referral_act(actor, referral, ReferralAct.claim)
    result = db.session.execute(
        update(Referral)
        .where(Referral.id == referral.id, Referral.officer_id.is_(None))
        .values(officer_id=actor.id, version=Referral.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Refused("already_claimed")
    db.session.refresh(referral)
    audit.record_case_event(
        referral.case, "referral_claimed", actor=actor, organization=referral.centre
    )


def fire(
    referral: Referral, trigger: str, /, *, actor: User, strict: bool = True, **data: Any
) -> Transition:
    """Check who and when, read the body, run the workflow, record the effects, the audit event
    and the worker's notice. Raises like ``cases.operations.fire``; the caller commits."""
    action = referral_action(trigger)
    if not action.may(actor, referral):
        raise NotPermitted(action.name)
    workflow = ReferralWorkflow(referral)
    workflow.ensure_allowed(action.name)
    body = parse(action.body, data, strict=strict)
    problems = action.check(referral, body)
    facts = action.facts(body)
    try:
        workflow.check(action.name, **facts)
    except GuardFailed as failed:
        for problem in failed.problems:
            problems.setdefault(problem.field, []).append(guard_message(problem.code))
    if problems:
        raise Invalid(problems)
    with db.session.no_autoflush:
        transition = workflow.fire(action.name, **facts)
        action.effect(referral, actor, body)
    flush_or_refuse()
    audit.record_case_event(
        referral.case,
        f"referral_{action.name}",
        actor=actor,
        organization=referral.centre,
        note=getattr(body, "reason", None) or getattr(body, "result", None),
        from_state=transition.from_state.value,
        to_state=transition.to_state.value,
    )
    if action.notify_worker:
        notify(
            [referral.worker], f"referral_{action.name}", referral.case, centre=referral.centre.name
        )
    return transition


def referral_action(trigger: str) -> ReferralAction:
    """The declaration of ``trigger``; ``UnknownTrigger`` (404) for any other name."""
    action = referral_triggers.action_for(trigger)
    if action is None:
        raise UnknownTrigger(trigger)
    return action


PROFILE_FIELDS = (
    "skills",
    "education",
    "certificates",
    "desired_job",
    "desired_industries",
    "desired_district_id",
    "wage_expectation",
    "training_interest",
)


def update_profile(referral: Referral, *, actor: User, **profile: Any) -> None:
    policy.require_referral_act(actor, referral, ReferralAct.profile)
    for name in PROFILE_FIELDS:
        if name in profile:
            setattr(referral, name, profile[name])
    audit.record_case_event(
        referral.case, "referral_profile", actor=actor, organization=referral.centre
    )


def propose(referral: Referral, vacancy: Vacancy, *, actor: User) -> VacancyProposal:
    policy.require_referral_act(actor, referral, ReferralAct.propose)
    if referral.state not in (ReferralState.contacted, ReferralState.in_training):
        raise Refused("not_allowed_in_state")
    existing = db.session.scalar(
        select(VacancyProposal).where(
            VacancyProposal.referral_id == referral.id, VacancyProposal.vacancy_id == vacancy.id
        )
    )
    if existing:
        return existing
    proposal = VacancyProposal(referral=referral, vacancy=vacancy, proposed_by_id=actor.id)
    db.session.add(proposal)
    audit.record_case_event(
        referral.case,
        "vacancy_proposed",
        actor=actor,
        organization=referral.centre,
        vacancy=vacancy.title,
    )
    notify(
        [referral.worker],
        "vacancy_proposed",
        referral.case,
        title=vacancy.title,
        employer=vacancy.employer,
    )
    return proposal


def answer(proposal: VacancyProposal, *, actor: User, interested: bool) -> None:
    policy.require_referral_act(actor, proposal.referral, ReferralAct.answer)
    proposal.answer = ProposalAnswer.interested if interested else ProposalAnswer.not_interested
    proposal.answered_at = utcnow()
    referral = proposal.referral
    audit.record_case_event(
        referral.case,
        "vacancy_answered",
        actor=actor,
        organization=referral.centre,
        answer=proposal.answer.value,
    )
    notify(
        [referral.officer] if referral.officer else officers_of(referral.centre),
        "vacancy_answered",
        referral.case,
        title=proposal.vacancy.title,
    )


def add_vacancies(rows: Iterable[VacancyRow], *, centre: Organization, actor: User) -> int:
    """Vacancies from a form or an imported file (rows already checked); how many."""
    return len(enter_vacancies(rows, centre=centre, actor=actor))


def enter_vacancies(
    rows: Iterable[VacancyRow], *, centre: Organization, actor: User
) -> list[Vacancy]:
    """The vacancies made of ``rows`` (already checked) for ``centre``, written."""
    vacancies = [
        Vacancy(
            centre=centre,
            employer=row.employer,
            title=row.title,
            industry=row.industry,
            district_id=row.district_id,
            wage_min=row.wage_min,
            wage_max=row.wage_max,
            skills=list(row.skills),
            openings=row.openings,
            created_by_id=actor.id,
        )
        for row in rows
    ]
    db.session.add_all(vacancies)
    audit.record("vacancies.added", actor=actor, note=str(len(vacancies)))
    db.session.flush()
    return vacancies
