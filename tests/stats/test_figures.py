"""The rollups stay exact: after random work through the services they equal a recount.

Cases are filed on random days over four months (around the Shanghai day boundary too),
then a random sequence of everything people do to cases (accept, decline, mediate, extend,
agree and sign, settle, fail, transfer, return, withdraw, archive, rate, report a payment,
re-employment steps) runs through the services, each step committed like a request. Refused
steps roll back. At checkpoints the figures read from the rollups must equal the figures summed
straight over the cases, for many filters, and ``flask figures verify`` must find nothing.
"""

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from mediation.cases import agreements, ratings
from mediation.cases.filing import ApplicationInvalid, ClaimInput, Party
from mediation.cases.operations import claim, fire
from mediation.cases.payment import report_payment
from mediation.core.errors import Invalid, NotPermitted, Refused
from mediation.extensions import db
from mediation.localtime import local_today
from mediation.models import (
    Case,
    Category,
    Channel,
    Organization,
    Payment,
    PriorityGroup,
    Role,
    User,
)
from mediation.referrals import operations as referrals
from mediation.stats import charts, figures
from mediation.stats.compute import compute, recompute
from mediation.stats.filters import Filters, period_bounds
from tests.factories import application, filed_case, paper_scan, user
from workflows._machine import GuardFailed, IllegalTransition
from workflows.case import Tier

pytestmark = pytest.mark.both_databases

REFUSED = (NotPermitted, Refused, Invalid, GuardFailed, IllegalTransition, ApplicationInvalid)
NOW = datetime.now(UTC)
CASES, STEPS = 30, 400


def staff(case: Case) -> User:
    """A member of the organisation handling the case (some demo organisations have none:
    then nobody there can act, and the step is refused like any other)."""
    member = db.session.scalar(
        select(User)
        .where(
            User.organization_id == case.organization_id,
            User.role.in_([Role.mediator, Role.court_liaison]),
        )
        .order_by(User.id)
    )
    if member is None:
        raise Refused("nobody_there")
    return member


def file_random_case(rng: random.Random, monkeypatch) -> None:
    received = NOW - timedelta(days=rng.randint(0, 120), hours=rng.randint(0, 23))
    monkeypatch.setattr("mediation.cases.filing.utcnow", lambda: received)
    categories = tuple(rng.sample(list(Category), rng.choice([1, 1, 2])))
    walk_in = rng.random() < 0.25
    collective = rng.random() < 0.15
    lost_job = rng.random() < 0.4
    changes = {
        "categories": categories,
        "claims": tuple(
            ClaimInput(category, Decimal(rng.randint(10_000, 9_000_000)) / 100)
            for category in categories
        ),
        "workers_involved": 12 if collective else 1,
        "representatives": ({"name": "王五", "phone": "13900139000"},) if collective else (),
        "lost_job": lost_job,
        "reemployment_consent": lost_job,
        "priority_groups": frozenset(group for group in PriorityGroup if rng.random() < 0.2),
        "preferred_tier": rng.choice([None, None, Tier.enterprise, Tier.union]),
    }
    from mediation.cases.filing import account_party, file_case

    if walk_in:
        changes["applicant"] = Party(
            name="赵六", id_number="11010519491231002X", phone="13700137000"
        )
        changes["channel"] = rng.choice([Channel.window, Channel.phone])
        by = "med_hr"
    else:
        changes["channel"] = rng.choice([Channel.web, Channel.app])
        by = rng.choice(["worker1", "worker2"])
        changes["applicant"] = account_party(user(by))  # a worker files for themself

    file_case(application(**changes), actor=user(by))


def _applicant_or_counter(case: Case) -> User:
    return case.applicant or staff(case)


def _agree(case: Case, rng: random.Random) -> None:
    mediator = case.mediator or staff(case)
    amount = Decimal(rng.randint(100, 5_000_000)) / 100
    # No date, or one either side of today: the figures count an agreement as due once its
    # date has passed.
    due = rng.choice([None, local_today() + timedelta(days=rng.randint(-20, 20))])
    agreements.draft_agreement(case, actor=mediator, terms="付款", amount=amount, due_date=due)
    if case.applicant is None:
        agreements.record_paper_signatures(case, actor=mediator, scan=paper_scan())
    else:
        agreements.sign(
            case, actor=case.applicant, version=case.agreement.version, password="demo-2026"
        )
        agreements.sign(
            case, actor=user("employer1"), version=case.agreement.version, password="demo-2026"
        )


def _transfer(case: Case, rng: random.Random) -> None:
    higher = db.session.scalars(
        select(Organization.id)
        .where(Organization.kind.in_([t.value for t in Tier if t > Tier(case.tier)]))
        .order_by(Organization.id)
    ).all()
    target = rng.choice([None, *higher])
    actor = case.applicant if case.state == "closed" and case.applicant else staff(case)
    fire(case, "escalate", actor=actor, reason="移送", organization_id=target)


def _referral_step(case: Case, rng: random.Random) -> None:
    referral = case.referral
    if referral is None:
        raise Refused("no_referral")
    officer = user("reemploy1")
    step = rng.choice(["claim", "contact", "place", "decline", "close"])
    if step == "claim":
        referrals.claim(referral, actor=officer)
    elif step == "contact":
        referrals.fire(referral, "contact", actor=officer, channel="phone", result="联系上")
    elif step == "place":
        start = referral.referred_on + timedelta(days=rng.randint(0, 20))
        referrals.fire(
            referral,
            "place",
            actor=officer,
            employer="某某公司",
            job="操作工",
            start_date=start,
            monthly_wage="6000",
        )
    else:
        referrals.fire(referral, step, actor=officer, reason="本人原因")


def _staff_fires(trigger: str, **data):
    return lambda case, rng: fire(case, trigger, actor=staff(case), **data)


def _mediator_fires(trigger: str, **data):
    return lambda case, rng: fire(case, trigger, actor=case.mediator or staff(case), **data)


def _extend(case: Case, rng: random.Random) -> None:
    fire(
        case,
        "extend",
        actor=case.mediator or staff(case),
        days=rng.randint(1, 15),
        applicant_consent=True,
        respondent_consent=True,
    )


def _rate(case: Case, rng: random.Random) -> None:
    party = rng.choice([_applicant_or_counter(case), user("employer1")])
    ratings.rate(case, actor=party, score=rng.randint(1, 5))


def _report_payment(case: Case, rng: random.Random) -> None:
    payment = rng.choice(list(Payment))
    part = case.agreement.amount / 2 if case.agreement else None
    report_payment(
        case,
        actor=rng.choice([_applicant_or_counter(case), case.mediator or staff(case)]),
        payment=payment,
        amount_paid=part if payment is Payment.partly_paid else None,
    )


def _withdraw(case: Case, rng: random.Random) -> None:
    fire(case, "withdraw", actor=_applicant_or_counter(case), reason="已和解")


_accept = _staff_fires("accept", respondent_consent=True, consent_via="window")
_decline = _staff_fires("decline", reason="不属于受理范围")
_mediate = _staff_fires("mediate")
_settle = _mediator_fires("settle")
_fail = _mediator_fires("fail", reason="差距大")
_return = _staff_fires("return", reason="不属于本级")
_archive = _staff_fires("archive", checklist_complete=True)


def _claim(case: Case, rng: random.Random) -> None:
    claim(case, actor=staff(case))


# What people do to a case in each state, weighted roughly as often as it happens.
ACTIONS = {
    "applied": {_accept: 6, _decline: 1, _transfer: 2, _return: 1, _withdraw: 1, _claim: 2},
    "accepted": {_mediate: 6, _transfer: 1, _withdraw: 1},
    "mediating": {_agree: 5, _settle: 5, _fail: 2, _extend: 1, _transfer: 1, _withdraw: 1},
    "closed": {_archive: 2, _rate: 3, _referral_step: 4, _transfer: 1, _report_payment: 3},
    "archived": {_rate: 2, _referral_step: 3, _report_payment: 2},
}
ANYTHING = list(dict.fromkeys(action for actions in ACTIONS.values() for action in actions))


def random_step(case: Case, rng: random.Random) -> None:
    """Mostly what fits the case's state; now and then anything, to be refused."""
    if rng.random() < 0.1:
        return rng.choice(ANYTHING)(case, rng)
    actions = ACTIONS[case.state]
    return rng.choices(list(actions), list(actions.values()))[0](case, rng)


def filter_sets(supervisor: User) -> list[Filters]:
    today = NOW.date()
    start = today - timedelta(days=125)
    year_ago = today - timedelta(days=364)
    district = supervisor.region_id
    court = db.session.scalar(select(Organization.id).where(Organization.kind == "court"))
    base = Filters(start=start, end=today + timedelta(days=1))
    return [
        base,
        Filters(*period_bounds("month", today), period="month"),
        Filters(*period_bounds("quarter", today - timedelta(days=60)), period="quarter"),
        Filters(*period_bounds("week", today - timedelta(days=10)), period="week"),
        Filters(start=today - timedelta(days=3), end=today - timedelta(days=3), period="day"),
        # mid-month to mid-month: whole months from the month rows, the ends from the days
        Filters(
            start=date(start.year, start.month, 15) + timedelta(days=30),
            end=today - timedelta(days=12),
        ),
        mostly_whole_months(today),
        # a year row (less the month rows outside, when the year is not this one)
        Filters(start=year_ago, end=today),
        Filters(start=today.replace(month=1, day=1), end=today, period="year"),
        Filters(start=year_ago, end=today, tier=Tier.hr_bureau),
        Filters(start=year_ago, end=today, category=Category.dismissal_compensation),
        *(Filters(start=start, end=today, tier=tier) for tier in Tier),
        *(Filters(start=start, end=today, category=category) for category in Category),
        *(Filters(start=start, end=today, priority=group) for group in PriorityGroup),
        *(Filters(start=start, end=today, channel=channel) for channel in Channel),
        Filters(start=start, end=today, region_id=district),
        Filters(start=start, end=today, organization_id=court),
        Filters(start=start, end=today, category=Category.wage_arrears, tier=Tier.hr_bureau),
    ]


def mostly_whole_months(today: date) -> Filters:
    """From the 4th of the month three months back to three days before the end of last
    month: each end's month is read as its month row less the days outside the period."""
    first = period_bounds("month", today - timedelta(days=95))[0]
    last = period_bounds("month", today.replace(day=1) - timedelta(days=1))[1]
    return Filters(start=first + timedelta(days=3), end=last - timedelta(days=3))


def assert_rollups_exact() -> None:
    supervisor = user("supervisor1")
    for filters in filter_sets(supervisor):
        assert compute(filters, supervisor) == recompute(filters, supervisor), filters
    assert set(figures.verify().values()) == {0}
    # The trend's bars too: each month's is the recount of its days in the period.
    filters = mostly_whole_months(local_today())
    trend = charts.build(filters, supervisor, compute(filters, supervisor))["received"]
    recounted = []
    for label in trend.labels:
        month_start, month_end = period_bounds("month", date.fromisoformat(f"{label}-01"))
        days = Filters(start=max(filters.start, month_start), end=min(filters.end, month_end))
        recounted.append(recompute(days, supervisor).received)
    assert trend.values == recounted and sum(recounted)


# One walk per database (the rollups are the same code on both); two seeds between them.
@pytest.mark.parametrize(
    "seed",
    [
        pytest.param(2026, marks=pytest.mark.postgresql_only),
        pytest.param(7, marks=pytest.mark.sqlite_only),
    ],
)
def test_rollups_equal_a_recount_after_random_work(app, demo, monkeypatch, seed):
    rng = random.Random(seed)
    with app.test_request_context():
        for _ in range(CASES):
            file_random_case(rng, monkeypatch)
            db.session.commit()
        monkeypatch.undo()
        # Ratings are offered from the day after closure: the walk rates as if a day later.
        tomorrow = local_today() + timedelta(days=1)
        monkeypatch.setattr("mediation.cases.ratings.local_today", lambda: tomorrow)
        # In order: a seed walks the same way on every run (PostgreSQL returns an unordered
        # read in whatever order its pages give).
        ids = db.session.scalars(select(Case.id).order_by(Case.id)).all()
        for step in range(STEPS):
            case = db.session.get(Case, rng.choice(ids))
            try:
                random_step(case, rng)
                db.session.commit()
            except REFUSED:
                db.session.rollback()
            if step == STEPS // 2:
                assert_rollups_exact()
        assert_rollups_exact()
        everything = recompute(filter_sets(user("supervisor1"))[0], user("supervisor1"))
    # The random work reached what the figures count, so the comparison was not of zeros.
    assert everything.received == CASES and everything.closed and everything.resolved
    assert everything.transfers and everything.ratings and everything.referrals


@pytest.mark.postgresql_only
def test_after_the_recount_the_transaction_plans_with_the_values_again(app, demo):
    """The recount is planned once for any cases (``figures._counted``); what the
    transaction runs after a commit, here a savepoint's (as every commit of a test is, and
    as ``begin_nested`` gives in the app), is planned with its values, as the app's
    connections are set to (config.py: a generic plan of "deadline before today" took 70
    times as long)."""
    with app.test_request_context():
        filed_case()
        db.session.commit()
        assert db.session.execute(text("SHOW plan_cache_mode")).scalar() == "force_custom_plan"


def test_a_dated_agreement_counts_as_due_once_its_date_has_passed(app, demo, monkeypatch):
    """The rollups count dated agreements whenever they were settled; the page takes out
    those not yet due on the day it is read, so tomorrow's figures change without a write."""
    today = local_today()
    supervisor = user("supervisor1")
    whole_year = Filters(start=today - timedelta(days=365), end=today)
    with app.test_request_context():
        for due, payment in (
            (today - timedelta(days=1), Payment.paid),
            (today + timedelta(days=1), Payment.paid),
            (today - timedelta(days=1), Payment.not_paid),
            (today + timedelta(days=5), None),
        ):
            case = filed_case()
            mediator = user("med_hr")
            fire(case, "accept", actor=mediator, respondent_consent=True, consent_via="window")
            fire(case, "mediate", actor=mediator)
            agreements.draft_agreement(
                case, actor=mediator, terms="付款", amount=Decimal(1000), due_date=due
            )
            agreements.record_paper_signatures(case, actor=mediator, scan=paper_scan())
            fire(case, "settle", actor=mediator)
            if payment:
                report_payment(case, actor=mediator, payment=payment)
            db.session.commit()
        counted = compute(whole_year, supervisor)
        assert counted == recompute(whole_year, supervisor)
        assert (counted.agreements_due, counted.agreements_paid_in_full) == (2, 1)
        assert counted.amount_paid == Decimal("2000.00")

        in_a_week = today + timedelta(days=7)
        monkeypatch.setattr("mediation.stats.compute.local_today", lambda: in_a_week)
        later = compute(whole_year, supervisor)
        assert later == recompute(whole_year, supervisor)
        assert (later.agreements_due, later.agreements_paid_in_full) == (4, 2)
        assert later.performance_rate == Decimal("50.0")
