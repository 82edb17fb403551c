"""API v1 for re-employment: referrals and vacancies, with the case API's conventions."""

from collections.abc import Callable

from flask import abort
from flask_login import current_user
from pydantic import BaseModel
from sqlalchemy import select

from mediation import policy
from mediation.api import serialise
from mediation.api.openapi import Trigger, operation
from mediation.api.request import json_body, json_object
from mediation.api.schemas import (
    Contact,
    PlacementBody,
    Referral,
    ReferralList,
    ReferralReason,
    Training,
    Vacancy,
    VacancyEntry,
    VacancyList,
)
from mediation.cases.triggers import NoBody
from mediation.core.schemas import parse
from mediation.extensions import db
from mediation.models import Referral as ReferralRecord
from mediation.models import Vacancy as VacancyRecord
from mediation.referrals import operations as referrals
from mediation.vacancy_import import VacancyRow
from workflows.referral import UnknownTrigger


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


def _contact(body: Contact) -> dict:
    return {"channel": body.channel, "result": body.result, "contacted_on": body.contacted_on}


def _training(body: Training) -> dict:
    return {"course": body.course, "start": body.start, "end": body.end}


def _placement(body: PlacementBody) -> dict:
    return {
        "placement": referrals.Placement(
            body.employer, body.job, body.start_date, body.monthly_wage
        )
    }


def _reason(body: ReferralReason) -> dict:
    return {"reason": body.reason or None}


# Trigger → (what it does, its body, the operation's data from the body). ``claim`` is not a
# workflow trigger but is fired the same way.
REFERRAL_TRIGGERS: dict[str, tuple[str, type[BaseModel], Callable[..., dict]]] = {
    "claim": ("Take the referral (officers)", NoBody, lambda body: {}),
    "contact": ("Record a contact with the worker", Contact, _contact),
    "start_training": ("Record that the worker started a training course", Training, _training),
    "place": ("Record the worker's new job", PlacementBody, _placement),
    "decline": (
        "The worker declines the help, or the officer records that",
        ReferralReason,
        _reason,
    ),
    "close": ("Close the referral", ReferralReason, _reason),
}


def _referral_triggers() -> list[Trigger]:
    return [Trigger(name, title, body) for name, (title, body, _) in REFERRAL_TRIGGERS.items()]


@operation(
    "Fire a referral trigger",
    answers={200: Referral},
    errors=(404, 409, 422),
    triggers=_referral_triggers,
)
def fire_trigger(referral_id: int, trigger: str):
    referral = _load(referral_id)
    if trigger not in REFERRAL_TRIGGERS:
        raise UnknownTrigger(trigger)
    policy.require_referral_permission(current_user, referral, trigger)
    _title, body_model, data_of = REFERRAL_TRIGGERS[trigger]
    if trigger == "claim":
        referrals.claim(referral, actor=current_user)
    else:
        body = parse(body_model, json_object())
        referrals.fire(referral, trigger, actor=current_user, **data_of(body))
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
    referrals.add_vacancies([row], centre=current_user.organization, actor=current_user)
    db.session.flush()
    created = db.session.scalar(select(VacancyRecord).order_by(VacancyRecord.id.desc()).limit(1))
    return serialise.answer(serialise.vacancy(created), 201)
