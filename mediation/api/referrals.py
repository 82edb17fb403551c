"""API v1 for re-employment: referrals and vacancies, with the case API's conventions."""

from flask import abort, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from mediation import policy
from mediation.api.schemas import Reader
from mediation.core.answers import error_response, invalid
from mediation.core.errors import NotPermitted, Refused
from mediation.extensions import db
from mediation.industries import INDUSTRIES
from mediation.messages import guard_message, refusal_message
from mediation.models import ContactChannel, Referral, Region, Vacancy
from mediation.referrals import operations as referrals
from mediation.vacancy_import import VacancyRow
from workflows.referral import GuardFailed, IllegalTransition, ReferralTrigger, UnknownTrigger


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _referral(referral: Referral) -> dict:
    return {
        "id": referral.id,
        "case_id": referral.case_id,
        "state": getattr(referral.state, "value", referral.state),
        "centre": referral.centre.name,
        "officer": referral.officer.name if referral.officer else None,
        "referred_on": _iso(referral.referred_on),
        "contact_due": _iso(referral.contact_due),
        "first_contacted_on": _iso(referral.first_contacted_on),
        "worker": {"name": referral.worker_name, "id_number": referral.worker_id_masked},
        "last_job": referral.last_job,
        "placement": None
        if not referral.placed_employer
        else {
            "employer": referral.placed_employer,
            "job": referral.placed_job,
            "start_date": _iso(referral.placed_start),
            "monthly_wage": str(referral.placed_wage),
        },
        "proposals": [
            {
                "id": p.id,
                "vacancy_id": p.vacancy_id,
                "title": p.vacancy.title,
                "answer": p.answer.value if p.answer else None,
            }
            for p in referral.proposals
        ],
    }


def _load(referral_id: int) -> Referral:
    referral = referrals.load_referral(referral_id, current_user)
    if referral is None:
        abort(404)
    return referral


def list_referrals():
    items = db.session.scalars(
        select(Referral).where(policy.visible_referrals(current_user)).order_by(Referral.id)
    ).all()
    return jsonify({"items": [_referral(r) for r in items]})


def show_referral(referral_id: int):
    return jsonify(_referral(_load(referral_id)))


def _trigger_data(trigger: ReferralTrigger, r: Reader) -> dict:
    match trigger:
        case ReferralTrigger.contact:
            return {
                "channel": r.choice(r.body, "channel", "channel", ContactChannel),
                "result": r.text(r.body, "result", "result", max_length=2000),
                "contacted_on": r.date(r.body, "contacted_on", "contacted_on", required=False),
            }
        case ReferralTrigger.start_training:
            return {
                "course": r.text(r.body, "course", "course"),
                "start": r.date(r.body, "start", "start"),
                "end": r.date(r.body, "end", "end", required=False),
            }
        case ReferralTrigger.place:
            placement = (
                r.text(r.body, "employer", "employer"),
                r.text(r.body, "job", "job", max_length=100),
                r.date(r.body, "start_date", "start_date"),
                r.amount(r.body, "monthly_wage", "monthly_wage"),
            )
            return {"placement": referrals.Placement(*placement)}
        case ReferralTrigger.decline | ReferralTrigger.close:
            return {"reason": r.text(r.body, "reason", "reason", required=False, max_length=2000)}
    return {}


def fire_trigger(referral_id: int, trigger: str):
    referral = _load(referral_id)
    if trigger == "claim":
        try:
            referrals.claim(referral, actor=current_user)
        except NotPermitted:
            abort(403)
        except Refused as error:
            return error_response(409, refusal_message(error.code))
        return jsonify(_referral(referral))
    try:
        member = ReferralTrigger(trigger)
    except ValueError:
        abort(404)
    if member is ReferralTrigger.refer:
        abort(404)
    reader = Reader(request.get_json(silent=True))
    data = _trigger_data(member, reader)
    if reader.errors:
        return invalid(reader.errors)
    try:
        referrals.fire(referral, member.value, actor=current_user, **data)
    except NotPermitted:
        abort(403)
    except (IllegalTransition, UnknownTrigger) as error:
        return error_response(409, guard_message(getattr(error, "code", "not_allowed_in_state")))
    except Refused as error:
        return error_response(409, refusal_message(error.code))
    except GuardFailed as error:
        return invalid({p.field: [guard_message(p.code)] for p in error.problems})
    return jsonify(_referral(referral))


def _vacancy(vacancy: Vacancy) -> dict:
    return {
        "id": vacancy.id,
        "employer": vacancy.employer,
        "title": vacancy.title,
        "industry": vacancy.industry,
        "district_id": vacancy.district_id,
        "wage_min": str(vacancy.wage_min) if vacancy.wage_min is not None else None,
        "wage_max": str(vacancy.wage_max) if vacancy.wage_max is not None else None,
        "skills": vacancy.skills,
        "openings": vacancy.openings,
    }


def list_vacancies():
    items = db.session.scalars(
        select(Vacancy)
        .where(Vacancy.centre_id == current_user.organization_id)
        .order_by(Vacancy.id)
    ).all()
    return jsonify({"items": [_vacancy(v) for v in items]})


def create_vacancy():
    r = Reader(request.get_json(silent=True))
    industry = r.text(r.body, "industry", "industry", max_length=1)
    if industry and industry not in INDUSTRIES:
        r.fail("industry", _("Use a GB/T 4754 section letter, A to T."))
    district_id = r.body.get("district_id")
    if not isinstance(district_id, int) or db.session.get(Region, district_id) is None:
        r.fail("district_id", _("Not a known district."))
    low = r.amount(r.body, "wage_min", "wage_min", required=False)
    high = r.amount(r.body, "wage_max", "wage_max", required=False)
    if low is not None and high is not None and high < low:
        r.fail("wage_max", _("The highest wage cannot be below the lowest."))
    skills = r.body.get("skills") or []
    row = VacancyRow(
        line=0,
        employer=r.text(r.body, "employer", "employer"),
        title=r.text(r.body, "title", "title", max_length=100),
        industry=industry,
        district_id=district_id,
        wage_min=low,
        wage_max=high,
        skills=tuple(str(s) for s in skills) if isinstance(skills, list) else (),
        openings=r.integer(r.body, "openings", "openings", default=1, minimum=1, maximum=10000),
    )
    if r.errors:
        return invalid(r.errors)
    referrals.add_vacancies([row], centre=current_user.organization, actor=current_user)
    db.session.flush()
    created = db.session.scalar(select(Vacancy).order_by(Vacancy.id.desc()).limit(1))
    return jsonify(_vacancy(created)), 201
