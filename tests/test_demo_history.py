"""The demo's year of history (mediation/demo_history.py, `make run`): what a supervisor, a
mediator and a re-employment officer notice when they open the demo, and figures that equal
a recount. A small year here; `flask seed-demo` loads 3,000 cases."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from mediation.demo_history import _resident_id, seed_history
from mediation.extensions import db
from mediation.localtime import local_today
from mediation.models import Case, Organization, Referral, User
from mediation.stats import figures
from workflows.case import OPEN_STATES

pytestmark = pytest.mark.both_databases

CASES = 60


@pytest.fixture
def history(app, demo):
    added = seed_history(CASES)
    db.session.commit()
    return added


def figures_on_page(html: str) -> dict[str, str]:
    found = re.findall(r'data-figure="(\w+)">(?:<a [^>]*>)?([^<]*)<', html)
    return {key: value.replace(",", "") for key, value in found}


def test_the_supervisor_sees_a_year_of_work_that_equals_a_recount(history, browser):
    assert history == CASES
    today = local_today()
    browser.login("supervisor1")
    html = browser.get(
        "/stats/",
        query_string={"from": (today - timedelta(days=365)).isoformat(), "to": today.isoformat()},
        headers={"Accept-Language": "en"},
    ).get_data(as_text=True)
    shown = figures_on_page(html)
    assert int(shown["received"]) == CASES
    assert 40 < float(shown["success_rate"]) < 100
    assert float(shown["median_days_to_close"]) > 0
    assert float(shown["amount_claimed"]) > float(shown["amount_agreed"]) > 0
    employers = browser.get("/stats/employers").get_data(as_text=True)
    assert "有限公司" in employers
    assert not any(figures.verify().values())


def test_the_street_centre_mediator_has_work_waiting_and_of_her_own(history, browser):
    centre = db.session.scalar(
        select(Organization).where(Organization.name == "凤城街道劳动人事争议调解中心")
    )
    med_hr = db.session.scalar(select(User).where(User.username == "med_hr"))
    open_cases = db.session.scalars(
        select(Case).where(Case.organization_id == centre.id, Case.state.in_(OPEN_STATES))
    ).all()
    waiting = [case for case in open_cases if case.mediator_id is None]
    mine = [case for case in open_cases if case.mediator_id == med_hr.id]
    assert waiting and mine
    assert any(case.current_deadline < local_today() for case in mine)  # one ran over
    browser.login("med_hr")
    queue = browser.get("/queue").get_data(as_text=True)
    assert all(case.number in queue for case in waiting)
    own = browser.get("/queue", query_string={"view": "mine"}).get_data(as_text=True)
    assert all(case.number in own for case in mine)


def test_the_re_employment_desk_has_referrals(history, browser):
    referral = db.session.scalar(
        select(Referral).where(Referral.state.in_(["placed", "declined", "closed"])).limit(1)
    )
    assert referral is not None
    browser.login("reemploy1")
    done = browser.get("/referrals/", query_string={"view": "done"}).get_data(as_text=True)
    assert referral.worker_name in done


def test_seeding_again_adds_nothing(history):
    before = db.session.scalar(select(func.count(Case.id)))
    assert seed_history(CASES) == 0
    assert db.session.scalar(select(func.count(Case.id))) == before == CASES


def test_resident_ids_do_not_repeat_past_seven_million_accounts():
    """Ten million cases give about eight million accounts, whose ID numbers are unique: the
    load of ten million once stopped where the 7,300,001st repeated the first. No demo
    account's sequence number (001, 002) comes out either."""
    born_after = date(1968, 1, 1)
    block = range(14_600)  # one birth day each
    first = {_resident_id("440111", i, born_after) for i in block}
    later = {_resident_id("440111", 7_300_000 + i, born_after) for i in block}
    last = {_resident_id("440111", 14_556_200 - 14_600 + i, born_after) for i in block}
    assert len(first | later | last) == 3 * len(block)
    assert not {id_number[14:17] for id_number in first | later | last} & {"001", "002"}
