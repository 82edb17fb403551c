"""API v1 for re-employment: referrals and vacancies, with the case API's conventions."""

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from mediation import policy
from mediation.api import serialise
from mediation.api.openapi import Trigger, operation
from mediation.api.request import json_body, keyword_body
from mediation.api.schemas import (
    Referral,
    ReferralList,
    Vacancy,
    VacancyEntry,
    VacancyList,
)
from mediation.cases.triggers import NoBody
from mediation.core.schemas import parse
from mediation.extensions import db
from mediation.models import Referral as ReferralRecord
from mediation.models import Vacancy as VacancyRecord
from mediation.policy import ReferralAct
from mediation.referrals import operations as referrals
from mediation.referrals import triggers as referral_triggers
from mediation.translation import lazy_gettext as _l
from mediation.vacancy_import import VacancyRow


def _load(referral_id: int) -> ReferralRecord:
    """The referral, if the caller may see it; otherwise 404, whether or not it exists."""
    referral = referrals.load_referral(referral_id, current_user)
    if referral is None:
        abort(404)
    return referral


@operation("Re-employment referrals the caller may see", answers={200: ReferralList})
def list_referrals():
    items = db.session.scalars(
        select(ReferralRecord)
        .where(policy.visible_referrals(current_user))
        .order_by(ReferralRecord.id)
    ).all()
    return serialise.answer(ReferralList(items=[serialise.referral(item) for item in items]))


@operation("One referral", answers={200: Referral}, errors=(404,))
def show_referral(referral_id: int):
    return serialise.answer(serialise.referral(_load(referral_id)))


def _referral_triggers() -> list[Trigger]:
    # ``claim`` is no workflow trigger, but the API has always taken it on the same path.
    claim = Trigger("claim", _l("Take the referral (officers)"), NoBody)
    declared = referral_triggers.REFERRAL_ACTIONS.values()
    return [claim, *(Trigger(action.name, action.title, action.body) for action in declared)]


@operation(
    "Fire a referral trigger",
    answers={200: Referral},
    errors=(404, 409, 422),
    triggers=_referral_triggers,
)
def fire_trigger(referral_id: int, trigger: str):
    referral = _load(referral_id)
    if trigger == "claim":
        policy.require_referral_act(current_user, referral, ReferralAct.claim)
        referrals.claim(referral, actor=current_user)
    else:
        referrals.fire(referral, trigger, actor=current_user, **keyword_body(referrals.fire))
    return serialise.answer(serialise.referral(referral))


@operation("The vacancies of the officer's centre", answers={200: VacancyList})
def list_vacancies():
    items = db.session.scalars(
        select(VacancyRecord)
        .where(VacancyRecord.centre_id == current_user.organization_id)
        .order_by(VacancyRecord.id)
    ).all()
    return serialise.answer(VacancyList(items=[serialise.vacancy(item) for item in items]))


@operation(
    "Enter a vacancy of the officer's centre",
    body=VacancyEntry,
    answers={201: Vacancy},
    errors=(422,),
)
def create_vacancy():
    entry = parse(VacancyEntry, json_body())
    row = VacancyRow(
        line=0,
        employer=entry.employer,
        title=entry.title,
        industry=entry.industry,
        district_id=entry.district_id,
        wage_min=entry.wage_min,
        wage_max=entry.wage_max,
        skills=tuple(entry.skills),
        openings=entry.openings,
    )
    [created] = referrals.enter_vacancies(
        [row], centre=current_user.organization, actor=current_user
    )
    return serialise.answer(serialise.vacancy(created), 201)
