"""The worker's legal clocks on real cases (issue 15), with the day under the test's control:
from when arbitration is open (劳动争议调解仲裁法 第十四条) at every tier and in every state, the
sweep telling the worker on that day and not before, the mediation clock of an accepted case,
and the limitation recounted from when the mediation ended (第二十七条)."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from babel.dates import format_date
from sqlalchemy import select

from mediation.cases import agreements, payment
from mediation.cases.operations import fire
from mediation.cases.sweep import sweep
from mediation.core import clocks
from mediation.extensions import db
from mediation.i18n import HUMAN_FORMATS
from mediation.localtime import SHANGHAI
from mediation.models import Case, Category, Notification, Payment
from tests.factories import ClaimInput, dismissal_case, filed_case, user
from workflows.case import Tier

DAY_EN = HUMAN_FORMATS["en"][0]  # a day as the English pages write it

pytestmark = pytest.mark.both_databases

PASSWORD = "demo-2026"


def received_on(case: Case, day: date) -> None:
    """As if the application had been received on ``day`` (10:00 in Shanghai)."""
    case.received_at = datetime.combine(day, time(10), SHANGHAI)
    clocks.start_acceptance_clock(case, day)


def arbitration_notices(case: Case) -> list[Notification]:
    return db.session.scalars(
        select(Notification).where(
            Notification.case_id == case.id, Notification.kind.startswith("arbitration_open")
        )
    ).all()


def shown_arbitration_date(browser, case: Case) -> str:
    html = browser.get(f"/cases/{case.id}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    paragraph = html[html.index('id="arbitration-available"') :].split("</p>")[0]
    return paragraph


TIERS = [
    pytest.param(
        Tier.enterprise,
        "med_enterprise",
        date(2025, 2, 20),
        date(2025, 3, 7),
        id="enterprise: 第十四条 (a statute) opens it before Order 17's 15 days from acceptance",
    ),
    pytest.param(
        Tier.union,
        "med_union",
        date(2025, 2, 8),
        date(2025, 2, 24),
        id="union: 15 days from receipt end on the make-up Sat 8 Feb; 15 more: Sun 23 → Mon 24",
    ),
    pytest.param(
        Tier.hr_bureau,
        "med_hr",
        date(2025, 2, 8),
        date(2025, 2, 24),
        id="HR bureau centre: 15 days from receipt, the extension from their legal end",
    ),
    pytest.param(
        Tier.court,
        "court1",
        date(2025, 2, 24),
        date(2025, 3, 11),
        id="court: its 30 days (Sun 23 Feb → Mon 24) do not move the statutory date",
    ),
]


@pytest.mark.parametrize(("tier", "staff", "mediation_ends", "extended_ends"), TIERS)
def test_every_tier_shows_one_arbitration_date_before_and_after_acceptance_and_extension(
    app, demo, make_browser, clock, tier, staff, mediation_ends, extended_ends
):
    """Issue 15's first example: received Fri 24 Jan 2025, accepted Wed 5 Feb, extended by 15
    days: the right opens Sun 9 Feb 2025 at every tier (the 15th day is the make-up Saturday),
    and the worker is told that day, not before."""
    clock.today = date(2025, 1, 24)
    with app.test_request_context():
        case = filed_case(preferred_tier=tier)
        assert case.tier == tier
        received_on(case, date(2025, 1, 24))
        db.session.commit()
    worker = make_browser()
    worker.login("worker1")
    shown = [shown_arbitration_date(worker, case)]
    assert "from 9 Feb 2025" in shown[0] and "24 Jan 2025" in shown[0]

    clock.today = date(2025, 2, 5)
    with app.test_request_context():
        mediator = user(staff)
        fire(case, "accept", actor=mediator, respondent_consent=True, consent_via="window")
        db.session.commit()
    assert case.mediation_deadline == mediation_ends  # the clock runs from acceptance on
    shown.append(shown_arbitration_date(worker, case))

    clock.today = date(2025, 2, 6)
    with app.test_request_context():
        fire(case, "mediate", actor=mediator)
        consents = {"applicant_consent": True, "respondent_consent": True}
        fire(case, "extend", actor=mediator, days=15, **consents)
        db.session.commit()
    assert case.mediation_deadline == extended_ends
    shown.append(shown_arbitration_date(worker, case))
    page = worker.get(f"/cases/{case.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    original = format_date(mediation_ends, DAY_EN, locale="en")
    assert f"the original period ended on {original}" in page  # both dates, the rule said
    assert shown[0] == shown[1] == shown[2]

    with app.test_request_context():
        sweep(date(2025, 2, 8))  # the 15th day: not yet
        assert arbitration_notices(case) == []
        sweep(date(2025, 2, 9))
        sweep(date(2025, 2, 10))
    (notice,) = arbitration_notices(case)
    assert notice.user == user("worker1") and notice.kind == "arbitration_open"
    assert notice.params["arbitration_from"] == "2025-02-09"
    clock.today = date(2025, 2, 9)
    assert "Since 9 Feb 2025 you may apply" in shown_arbitration_date(worker, case)


def test_an_accepted_case_never_mediated_has_its_clock_and_the_worker_is_told(
    app, demo, make_browser, clock
):
    """Issue 15's second example: union, received Tue 30 Sep 2025, accepted Thu 9 Oct after
    National Day, mediation never started: the 15 days end Wed 15 Oct; on Thu 16 the case is
    overdue, on the supervisor's list, and the worker may apply for arbitration."""
    clock.today = date(2025, 9, 30)
    with app.test_request_context():
        case = filed_case(preferred_tier=Tier.union)
        received_on(case, date(2025, 9, 30))
        clock.today = date(2025, 10, 9)
        fire(case, "accept", actor=user("med_union"), respondent_consent=True, consent_via="phone")
        db.session.commit()
    assert case.state == "accepted" and case.mediation_deadline == date(2025, 10, 15)
    db.session.refresh(case)
    assert case.current_deadline == date(2025, 10, 15)
    with app.test_request_context():
        sweep(date(2025, 10, 15))
        assert arbitration_notices(case) == [] and case.overdue_since is None
        report = sweep(date(2025, 10, 16))
        db.session.commit()
    assert case.number in report.cases and case.overdue_since == date(2025, 10, 16)
    (notice,) = arbitration_notices(case)
    assert notice.params["arbitration_from"] == "2025-10-16"
    clock.today = date(2025, 10, 16)
    supervisor = make_browser()
    supervisor.login("supervisor1")
    assert case.number in supervisor.get("/supervision/overdue").get_data(as_text=True)


def test_a_case_accepted_before_the_clock_started_at_acceptance_gets_it_from_the_sweep(
    app, demo, clock
):
    clock.today = date(2025, 4, 30)
    with app.test_request_context():
        case = filed_case(preferred_tier=Tier.union)
        received_on(case, date(2025, 4, 30))
        fire(case, "accept", actor=user("med_union"), respondent_consent=True, consent_via="phone")
        clocks.stop_mediation_clock(case)  # as accepted cases were before issue 15
        db.session.commit()
        sweep(date(2025, 5, 6))
        db.session.commit()
    # 15 days from receipt: Thu 15 May 2025.
    assert case.mediation_deadline == date(2025, 5, 15)


def _closed(app, clock, *, received: date, how: str, on: date, **changes) -> Case:
    """A dismissal-compensation case of a job that ended, received and then closed ``how``."""
    changes.setdefault("employment_end", date(2024, 12, 31))
    changes.setdefault("categories", (Category.dismissal_compensation,))
    changes.setdefault(
        "claims", (ClaimInput(Category.dismissal_compensation, Decimal("20000.00"), "经济补偿"),)
    )
    clock.today = received
    with app.test_request_context():
        case = filed_case(**changes)
        received_on(case, received)
        mediator = user("med_hr")
        clock.today = on
        if how == "declined":
            fire(case, "decline", actor=mediator, reason="不属于受理范围")
        elif how == "withdrawn":
            fire(case, "withdraw", actor=user("worker1"), reason="不想调解了")
        else:
            fire(case, "accept", actor=mediator, respondent_consent=True, consent_via="phone")
            fire(case, "mediate", actor=mediator)
            if how == "failed":
                fire(case, "fail", actor=mediator, reason="双方分歧较大")
        db.session.commit()
    return case


LIMITATION = [
    pytest.param(
        "failed",
        "2025-09-10",
        "2025-09-25",
        "2026-09-28",
        "failed",
        id="failed Thu 25 Sep 2025 → a year: 25 Sep 2026 is Mid-Autumn → Mon 28",
    ),
    pytest.param(
        "declined",
        "2026-01-28",
        "2026-01-30",
        "2027-02-01",
        "declined",
        id="declined Fri 30 Jan 2026 → Sat 30 Jan 2027 → Mon 1 Feb (statutory 2027)",
    ),
    pytest.param(
        "withdrawn",
        "2025-04-25",
        "2025-04-30",
        "2026-04-30",
        "withdrawn",
        id="withdrawn Wed 30 Apr 2025 → Thu 30 Apr 2026, before Labour Day",
    ),
    pytest.param(
        "withdrawn",
        "2025-03-03",
        "2025-04-10",
        "2026-03-18",
        "expired",
        id="issue 15: received 3 Mar 2025, the 15 days ran out Tue 18 Mar → 18 Mar 2026",
    ),
    pytest.param(
        "mediating",
        "2025-03-03",
        "2025-04-01",
        "2026-03-18",
        "expired",
        id="still mediating after the 15 days ran out: recounted from 18 Mar 2025",
    ),
]


@pytest.mark.parametrize(("how", "received", "on", "expected", "because"), LIMITATION)
def test_the_limitation_is_counted_again_from_when_the_mediation_ended(
    app, demo, make_browser, clock, how, received, on, expected, because
):
    case = _closed(
        app, clock, received=date.fromisoformat(received), how=how, on=date.fromisoformat(on)
    )
    with app.test_request_context():
        limitation = clocks.limitation(case, date.fromisoformat(on))
    assert limitation.rule == "recounted" and limitation.because == because
    assert limitation.ends_on == date.fromisoformat(expected)
    assert limitation.provisional is (expected.startswith("2027"))
    if how in ("failed", "declined"):
        worker = make_browser()
        worker.login("worker1")
        html = worker.get(f"/cases/{case.id}", headers={"Accept-Language": "en"}).get_data(
            as_text=True
        )
        shown = format_date(date.fromisoformat(expected), DAY_EN, locale="en")
        assert f"Apply by {shown} at the latest." in html


def test_while_mediation_runs_the_limitation_is_interrupted(app, demo, clock):
    case = _closed(app, clock, received=date(2025, 3, 3), how="mediating", on=date(2025, 3, 10))
    with app.test_request_context():
        limitation = clocks.limitation(case, date(2025, 3, 10))
    assert limitation.rule == "interrupted" and limitation.ends_on is None
    assert limitation.interrupted_until == date(2025, 3, 18)


def _settled(app, clock, *, categories, claims, employment_end, due: date) -> Case:
    clock.today = due - timedelta(days=20)
    with app.test_request_context():
        case = filed_case(categories=categories, claims=claims, employment_end=employment_end)
        received_on(case, clock.today)
        mediator = user("med_hr")
        fire(case, "accept", actor=mediator, respondent_consent=True, consent_via="phone")
        fire(case, "mediate", actor=mediator)
        agreements.draft_agreement(
            case, actor=mediator, terms="公司支付。", amount=Decimal(5000), due_date=due
        )
        for party in ("worker1", "employer1"):
            agreements.sign(case, actor=user(party), version=1, password=PASSWORD)
        fire(case, "settle", actor=mediator)
        clock.today = due + timedelta(days=3)
        payment.report_payment(case, actor=user("worker1"), payment=Payment.not_paid)
        db.session.commit()
    return case


def test_an_unpaid_agreement_recounts_the_limitation_from_its_payment_date(
    app, demo, make_browser, clock
):
    case = _settled(
        app,
        clock,
        categories=(Category.dismissal_compensation,),
        claims=(ClaimInput(Category.dismissal_compensation, Decimal("5000.00"), "经济补偿"),),
        employment_end=date(2025, 8, 31),
        due=date(2025, 9, 30),
    )
    with app.test_request_context():
        limitation = clocks.limitation(case)
        standing = payment.standing(case, clock.today)
    assert (limitation.because, limitation.recount_from) == ("payment_due", date(2025, 9, 30))
    assert limitation.ends_on == standing.arbitration_by == date(2026, 9, 30)
    with app.test_request_context():  # the sweep tells the worker a month before
        assert sweep(date(2026, 8, 30)).limitation_reminders == 0
        assert sweep(date(2026, 8, 31)).limitation_reminders == 1
    worker = make_browser()
    worker.login("worker1")
    html = worker.get(f"/cases/{case.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Apply by 30 Sep 2026 at the latest: the one-year time limit is counted again" in html


def test_overtime_pay_while_employed_has_no_limit_and_opens_the_payment_order(
    app, demo, make_browser, clock
):
    """Issue 15 item 4: overtime pay is labour remuneration (劳动报酬), like wages."""
    case = _settled(
        app,
        clock,
        categories=(Category.overtime,),
        claims=(ClaimInput(Category.overtime, Decimal("5000.00"), "国庆加班费"),),
        employment_end=None,
        due=date(2025, 10, 31),
    )
    with app.test_request_context():
        limitation = clocks.limitation(case)
        standing = payment.standing(case, clock.today)
    assert limitation.rule == "not_limited_while_employed" and limitation.ends_on is None
    assert standing.payment_order and standing.arbitration_by is None
    worker = make_browser()
    worker.login("worker1")
    html = worker.get(f"/cases/{case.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Payment order (支付令)" in html
    assert "Wages and overtime pay owed while you are still employed are not limited" in html
    assert "Apply by" not in html


def test_a_year_from_the_day_given_that_ended_before_the_application_is_said_so(
    app, demo, make_browser, clock
):
    # Dismissed and told on Wed 10 Jan 2024; the year ended Fri 10 Jan 2025; filed in March.
    case = dismissal_case(app, clock, known_on=date(2024, 1, 10), received=date(2025, 3, 3))
    with app.test_request_context():
        limitation = clocks.limitation(case, date(2025, 3, 3))
    assert limitation.rule == "ran_out_before_application"
    assert limitation.ends_on == date(2025, 1, 10)
    worker = make_browser()
    worker.login("worker1")
    html = worker.get(f"/cases/{case.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "ended on 10 Jan 2025, before this application" in html
    api = app.test_client()
    token = api.post("/api/v1/tokens", json={"username": "worker1", "password": PASSWORD})
    answer = api.get(
        f"/api/v1/cases/{case.id}", headers={"Authorization": f"Bearer {token.json['token']}"}
    )
    assert answer.json["deadlines"]["limitation"]["rule"] == "ran_out_before_application"
    assert answer.json["deadlines"]["limitation"]["ends_on"] == "2025-01-10"


def test_a_day_given_within_the_year_is_interrupted_by_the_application(app, demo, clock):
    # Learnt on Mon 3 Jun 2024: the year was still running when the application came.
    case = dismissal_case(app, clock, known_on=date(2024, 6, 3), received=date(2025, 3, 3))
    assert case.rights_known_on == date(2024, 6, 3)
    with app.test_request_context():
        limitation = clocks.limitation(case, date(2025, 3, 10))
    assert limitation.rule == "interrupted"


def test_the_day_is_asked_at_filing_and_not_in_the_future(app, demo, browser, clock):
    clock.today = date(2025, 3, 3)
    browser.login("worker1")
    page = browser.get("/cases/new", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'name="rights_known_on"' in page and "When you learnt of the problem" in page
    api = app.test_client()
    token = api.post("/api/v1/tokens", json={"username": "worker1", "password": PASSWORD})
    body = {
        "employer": {"name": "清远某某新材料有限公司", "uscc": "91350100M000100Y43"},
        "employment": {"start_date": "2023-03-01", "job": "操作工"},
        "categories": ["wage_arrears"],
        "claims": [{"category": "wage_arrears", "amount": "13000.00"}],
        "facts": "公司拖欠工资。",
        "rights_known_on": "2025-03-04",
    }
    answer = api.post(
        "/api/v1/cases",
        json=body,
        headers={"Authorization": f"Bearer {token.json['token']}", "Accept-Language": "en"},
    )
    assert answer.status_code == 422
    assert answer.json["errors"]["rights_known_on"] == ["This day cannot be in the future."]
