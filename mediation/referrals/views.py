"""The re-employment officer's worklist and referral pages, vacancies, and the worker's side.

Each view: load (404 unless visible), check the policy (403), validate, call one service."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload
from wtforms import SelectChoice

from mediation import policy
from mediation.core.schemas import form_data
from mediation.extensions import db
from mediation.industries import INDUSTRIES
from mediation.localtime import local_today
from mediation.models import Referral, Region, RegionLevel, User, Vacancy, VacancyProposal
from mediation.policy import ReferralAct
from mediation.referrals import forms, triggers
from mediation.referrals import operations as referrals
from mediation.referrals.matching import matches_for
from mediation.translation import gettext as _
from workflows.referral import ReferralState

VIEWS = ("queue", "mine", "done")
OPEN = [ReferralState.referred, ReferralState.contacted, ReferralState.in_training]


def _load(referral_id: int) -> Referral:
    """The referral, if this user may see it; otherwise 404, whether or not it exists."""
    referral = referrals.load_referral(referral_id, current_user)
    if referral is None:
        abort(404)
    return referral


def _districts() -> list[Region]:
    return list(
        db.session.scalars(
            select(Region).where(Region.level == RegionLevel.district).order_by(Region.code)
        )
    )


def referral_view(user: User, view: str) -> Select:
    """The referrals of one view of the officer's worklist, first contact due first (this
    page and the officer's home page)."""
    query = select(Referral).where(policy.visible_referrals(user))
    if view == "queue":
        query = query.where(Referral.state.in_(OPEN), Referral.officer_id.is_(None))
    elif view == "mine":
        query = query.where(Referral.state.in_(OPEN), Referral.officer_id == user.id)
    else:
        query = query.where(Referral.state.not_in(OPEN))
    return query.order_by(Referral.contact_due, Referral.id)


def index():
    view = request.args.get("view", "queue")
    view = view if view in VIEWS else "queue"
    items = db.session.scalars(
        referral_view(current_user, view).options(joinedload(Referral.officer))
    ).all()
    return render_template(
        "referrals/index.html", items=items, view=view, views=VIEWS, today=local_today()
    )


def _profile_form(referral: Referral, *, bound: bool) -> forms.ProfileForm:
    form = (
        forms.ProfileForm(prefix="profile")
        if bound
        else forms.ProfileForm(formdata=None, obj=referral, prefix="profile")
    )
    form.desired_industries.choices = [
        SelectChoice(code, title) for code, title in INDUSTRIES.items()
    ]
    form.desired_district_id.choices = [SelectChoice(0, "—")] + [
        SelectChoice(region.id, region.name) for region in _districts()
    ]
    if not bound:
        form.desired_district_id.data = referral.desired_district_id or 0
        form.wage_expectation.data = str(referral.wage_expectation or "")
    return form


def _page(
    referral: Referral, bound: dict | None = None, status: int = 200, sent: tuple | None = None
):
    bound = bound or {}
    return render_template(
        "referrals/show.html",
        referral=referral,
        may=lambda act: policy.may_referral_act(current_user, referral, act),
        actions=triggers.forms_for(current_user, referral, sent),
        profile_form=bound.get("profile") or _profile_form(referral, bound=False),
        matches=matches_for(referral) if policy.is_referral_officer(current_user, referral) else [],
        today=local_today(),
    ), status


def show(referral_id: int):
    return _page(_load(referral_id))


def _after(referral: Referral) -> str:
    """Where a worker's action returns: their case; an officer's: the referral."""
    if policy.is_referral_worker(current_user, referral):
        return url_for("cases.show", case_id=referral.case_id, _anchor="referral")
    return url_for("referrals.show", referral_id=referral.id)


def back_to_referral() -> str:
    return _after(_load(request.view_args["referral_id"]))


def invalid_action(errors: dict[str, list]):
    """The referral page again, the trigger's form as sent, every problem beside its field; the
    worker, who acts from the case page, is told there."""
    referral = _load(request.view_args["referral_id"])
    if policy.is_referral_worker(current_user, referral):
        return None  # told at the top of the case page, like a refusal
    sent = (request.view_args.get("trigger"), request.form, errors)
    return _page(referral, status=422, sent=sent)


def claim(referral_id: int):
    referral = _load(referral_id)
    policy.require_referral_act(current_user, referral, ReferralAct.claim)
    referrals.claim(referral, actor=current_user)
    return redirect(_after(referral))


def act(referral_id: int, trigger: str):
    referral = _load(referral_id)
    action = referrals.referral_action(trigger)
    data = form_data(action.body, request.form, prefix=trigger)
    referrals.fire(referral, trigger, actor=current_user, strict=False, **data)
    flash(_("Saved."), "success")
    return redirect(_after(referral))


def save_profile(referral_id: int):
    referral = _load(referral_id)
    policy.require_referral_act(current_user, referral, ReferralAct.profile)
    form = _profile_form(referral, bound=True)
    if not form.validate_on_submit():
        return _page(referral, {"profile": form}, 422)
    referrals.update_profile(
        referral,
        actor=current_user,
        skills=form.skills.data or "",
        education=form.education.data or "",
        certificates=form.certificates.data or "",
        desired_job=form.desired_job.data or "",
        desired_industries=list(form.desired_industries.data),
        desired_district_id=form.desired_district_id.data or None,
        wage_expectation=form.wage_expectation.amount,
        training_interest=form.training_interest.data,
    )
    flash(_("The profile is saved."), "success")
    return redirect(_after(referral))


def propose(referral_id: int, vacancy_id: int):
    referral = _load(referral_id)
    policy.require_referral_act(current_user, referral, ReferralAct.propose)
    vacancy = db.session.scalar(
        select(Vacancy).where(Vacancy.id == vacancy_id, Vacancy.centre_id == referral.centre_id)
    )
    if vacancy is None:
        abort(404)
    referrals.propose(referral, vacancy, actor=current_user)
    flash(_("The job was proposed to the worker."), "success")
    return redirect(_after(referral))


def answer(referral_id: int, proposal_id: int, reply: str):
    referral = _load(referral_id)
    proposal = db.session.scalar(
        select(VacancyProposal).where(
            VacancyProposal.id == proposal_id, VacancyProposal.referral_id == referral.id
        )
    )
    if proposal is None:
        abort(404)
    policy.require_referral_act(current_user, referral, ReferralAct.answer)
    referrals.answer(proposal, actor=current_user, interested=reply == "interested")
    flash(_("Your answer was sent to the officer."), "success")
    return redirect(url_for("cases.show", case_id=referral.case_id, _anchor="referral"))
