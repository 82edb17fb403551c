"""Vacancies ranked for one referral, with the reasons an officer and a worker can read."""

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import format_currency
from sqlalchemy import select

from mediation.extensions import db
from mediation.industries import INDUSTRIES
from mediation.models import Referral, Vacancy
from mediation.translation import gettext as _
from workflows.matching import Opening, Seeker, rank


@dataclass(frozen=True)
class RankedVacancy:
    vacancy: Vacancy
    score: int
    reasons: list[str]


def _words(text: str) -> frozenset[str]:
    for separator in "，、;；\n":
        text = text.replace(separator, ",")
    return frozenset(word.strip().lower() for word in text.split(",") if word.strip())


def _reason(reason, vacancy: Vacancy) -> str:
    match reason.code:
        case "industry":
            return _("industry: %(industry)s", industry=INDUSTRIES.get(vacancy.industry, ""))
        case "district":
            return _("in the district the worker wants")
        case "skills":
            return _("%(matched)d of %(required)d skills", **reason.detail)
        case "wage":
            return _(
                "pays up to %(wage)s",
                wage=format_currency(Decimal(reason.detail["offered"]), "CNY"),
            )
        case "title":
            return _("the job the worker wants")
    return reason.code


def matches_for(referral: Referral, limit: int = 10) -> list[RankedVacancy]:
    vacancies = {
        v.id: v
        for v in db.session.scalars(
            select(Vacancy).where(
                Vacancy.centre_id == referral.centre_id,
                Vacancy.active.is_(True),
                Vacancy.openings > 0,
            )
        )
    }
    seeker = Seeker(
        industries=frozenset(referral.desired_industries or [referral.last_industry]),
        district_id=referral.desired_district_id or referral.district_id,
        skills=_words(referral.skills or ""),
        wage_expectation=referral.wage_expectation,
        desired_job=referral.desired_job or referral.last_job,
    )
    openings = [
        Opening(
            id=v.id,
            title=v.title,
            industry=v.industry,
            district_id=v.district_id,
            wage_min=v.wage_min,
            wage_max=v.wage_max,
            skills=frozenset(s.lower() for s in v.skills),
            openings=v.openings,
        )
        for v in vacancies.values()
    ]
    return [
        RankedVacancy(
            vacancies[m.opening_id],
            m.score,
            [_reason(r, vacancies[m.opening_id]) for r in m.reasons],
        )
        for m in rank(seeker, openings, limit=limit)
    ]
