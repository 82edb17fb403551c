"""The re-employment officer's worklist and referral pages, vacancies, and the worker's side.

Each view: load (404 unless visible), check the policy (403), validate, call one service."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import SelectChoice

from mediation import policy
from mediation.cases.forms import ReasonForm
from mediation.core.errors import Refused
from mediation.extensions import db
from mediation.industries import INDUSTRIES
from mediation.localtime import local_today
from mediation.messages import guard_message, refusal_message
from mediation.models import Referral, Region, RegionLevel, Vacancy, VacancyProposal
from mediation.referrals import forms
from mediation.referrals import operations as referrals
from mediation.referrals.matching import matches_for
from workflows.referral import GuardFailed, IllegalTransition, ReferralState, ReferralWorkflow

VIEWS = ("queue", "mine", "done")
OPEN = [ReferralState.referred, ReferralState.contacted, ReferralState.in_training]
ACTION_FORMS = {
    "contact": forms.ContactForm,
    "start_training": forms.TrainingForm,
    "place": forms.PlacementForm,
    "decline": ReasonForm,
    "close": ReasonForm,
}


def _load(referral_id: int) -> Referral:
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


def index():
    view = request.args.get("view", "queue")
    view = view if view in VIEWS else "queue"
    query = select(Referral).where(policy.visible_referrals(current_user))
    if view == "queue":
        query = query.where(Referral.state.in_(OPEN), Referral.officer_id.is_(None))
    elif view == "mine":
        query = query.where(Referral.state.in_(OPEN), Referral.officer_id == current_user.id)
    else:
        query = query.where(Referral.state.not_in(OPEN))
    items = db.session.scalars(
        query.options(joinedload(Referral.officer)).order_by(Referral.contact_due, Referral.id)
    ).all()
    return render_template(
        "referrals/index.html", items=items, view=view, views=VIEWS, today=local_today()
    )


def _action_form(trigger: str, *, bound: bool):
    form_class = ACTION_FORMS[trigger]
    return form_class(prefix=trigger) if bound else form_class(formdata=None, prefix=trigger)


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


def _page(referral: Referral, bound: dict | None = None, status: int = 200):
    bound = bound or {}
    permitted = policy.referral_permissions(current_user, referral)
    available = [t.value for t in ReferralWorkflow(referral).available_triggers()]
    actions = {
        trigger: bound.get(trigger) or _action_form(trigger, bound=False)
        for trigger in available
        if trigger in ACTION_FORMS and trigger in permitted
    }
    if "contact" in actions and not bound.get("contact"):
        actions["contact"].contacted_on.data = local_today()
    return render_template(
        "referrals/show.html",
        referral=referral,
        permissions=permitted,
        actions=actions,
        can_start_training="start_training" in available and "start_training" in permitted,
        profile_form=bound.get("profile") or _profile_form(referral, bound=False),
        matches=matches_for(referral) if "propose" in permitted else [],
        today=local_today(),
    ), status


def show(referral_id: int):
    return _page(_load(referral_id))


def _back(referral: Referral):
    return redirect(url_for("referrals.show", referral_id=referral.id))


def _refused(referral: Referral, code: str):
    flash(refusal_message(code), "error")
    return _back(referral)


def _data(trigger: str, form) -> dict:
    match trigger:
        case "contact":
            return {
                "contacted_on": form.contacted_on.data,
                "channel": form.channel.data,
                "result": form.result.data,
            }
        case "start_training":
            return {"course": form.course.data, "start": form.start.data, "end": form.end.data}
        case "place":
            return {
                "placement": referrals.Placement(
                    form.employer.data,
                    form.job.data,
                    form.start_date.data,
                    form.monthly_wage.amount,
                )
            }
    return {"reason": form.reason.data}


def act(referral_id: int, trigger: str):
    referral = _load(referral_id)
    if trigger not in ACTION_FORMS and trigger != "claim":
        abort(404)
    if trigger not in policy.referral_permissions(current_user, referral):
        abort(403)
    if trigger == "claim":
        try:
            referrals.claim(referral, actor=current_user)
        except Refused as error:
            return _refused(referral, error.code)
        return _back(referral)
    form = _action_form(trigger, bound=True)
    if not form.validate_on_submit():
        return _page(referral, {trigger: form}, 422)
    try:
        referrals.fire(referral, trigger, actor=current_user, **_data(trigger, form))
    except (IllegalTransition, Refused) as error:
        return _refused(referral, error.code)
    except GuardFailed as error:
        for problem in error.problems:
            field = getattr(form, problem.field, None)
            message = guard_message(problem.code)
            if field is None:
                flash(message, "error")
            else:
                field.errors = [*field.errors, message]
        return _page(referral, {trigger: form}, 422)
    flash(_("Saved."), "success")
    if current_user.role.value == "worker":
        return redirect(url_for("cases.show", case_id=referral.case_id))
    return _back(referral)


def save_profile(referral_id: int):
    referral = _load(referral_id)
    if "profile" not in policy.referral_permissions(current_user, referral):
        abort(403)
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
    return _back(referral)


def propose(referral_id: int, vacancy_id: int):
    referral = _load(referral_id)
    if "propose" not in policy.referral_permissions(current_user, referral):
        abort(403)
    vacancy = db.session.scalar(
        select(Vacancy).where(Vacancy.id == vacancy_id, Vacancy.centre_id == referral.centre_id)
    )
    if vacancy is None:
        abort(404)
    try:
        referrals.propose(referral, vacancy, actor=current_user)
    except Refused as error:
        return _refused(referral, error.code)
    flash(_("The job was proposed to the worker."), "success")
    return _back(referral)


def answer(referral_id: int, proposal_id: int, reply: str):
    referral = _load(referral_id)
    proposal = db.session.scalar(
        select(VacancyProposal).where(
            VacancyProposal.id == proposal_id, VacancyProposal.referral_id == referral.id
        )
    )
    if proposal is None:
        abort(404)
    if "answer" not in policy.referral_permissions(current_user, referral):
        abort(403)
    referrals.answer(proposal, actor=current_user, interested=reply == "interested")
    flash(_("Your answer was sent to the officer."), "success")
    return redirect(url_for("cases.show", case_id=referral.case_id, _anchor="referral"))
