"""Early warnings and employer risk classes."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from mediation.extensions import db
from mediation.localtime import local_today
from mediation.models import Alert, Notification
from mediation.stats.alerts import risk_window_start
from tests.factories import filed_case

pytestmark = pytest.mark.both_databases


def test_the_third_case_against_an_employer_raises_one_alert(app, demo, browser):
    with app.test_request_context():
        first, second = filed_case(), filed_case()
        assert db.session.scalar(select(func.count(Alert.id))) == 0
        third = filed_case()
        filed_case()  # the fourth does not raise it again
    alert = db.session.scalar(select(Alert))
    assert db.session.scalar(select(func.count(Alert.id))) == 1
    assert alert.kind == "repeat_disputes" and alert.case_ids == [first.id, second.id, third.id]
    assert (
        db.session.scalar(
            select(func.count(Notification.id)).where(Notification.kind == "alert_repeat_disputes")
        )
        == 1
    )  # supervisor1

    browser.login("supervisor1")
    page = browser.get("/stats/alerts", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert third.number in page and "Several disputes against one employer" in page
    browser.submit(
        f"/stats/alerts/{alert.id}/acknowledge", {"note": "已约谈企业负责人"}, page="/stats/alerts"
    )
    db.session.expire_all()
    assert db.session.get(Alert, alert.id).note == "已约谈企业负责人"


def test_a_collective_dispute_raises_an_alert(app, demo):
    with app.test_request_context():
        case = filed_case(
            workers_involved=15, representatives=({"name": "王五", "phone": "13900139000"},)
        )
    alert = db.session.scalar(select(Alert))
    assert alert.kind == "collective" and alert.case_ids == [case.id]


@pytest.mark.parametrize(
    ("note", "message"),
    [("", "Please fill this in"), ("已约谈" * 700, "2000")],
    ids=["empty", "too-long"],
)
def test_a_note_with_a_problem_is_told_beside_it_and_kept(app, demo, browser, note, message):
    with app.test_request_context():
        for _ in range(3):
            filed_case()
    alert = db.session.scalar(select(Alert))
    browser.login("supervisor1")
    answer = browser.submit(
        f"/stats/alerts/{alert.id}/acknowledge",
        {"note": note},
        page="/stats/alerts",
        headers={"Accept-Language": "en"},
    )
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert message in html.split(f'id="note-{alert.id}-error"')[1].split("</p>")[0]
    assert f'href="#note-{alert.id}"' in html.split('class="error-summary"')[1]
    assert f'<label for="note-{alert.id}">' in html
    assert f"{note}</textarea>" in html  # the text typed is kept
    db.session.expire_all()
    assert db.session.get(Alert, alert.id).acknowledged_at is None


def test_the_homes_count_of_waiting_alerts_opens_a_list_of_as_many(app, demo, browser):
    with app.test_request_context():
        for _ in range(3):
            filed_case()  # a repeat-disputes alert
        filed_case(workers_involved=15, representatives=({"name": "王五", "phone": "13900139000"},))
    acknowledged = db.session.scalar(select(Alert).where(Alert.kind == "collective"))
    browser.login("supervisor1")
    browser.submit(
        f"/stats/alerts/{acknowledged.id}/acknowledge", {"note": "已处理"}, page="/stats/alerts"
    )
    home = browser.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    tally = home.split('data-tally="alerts"')[1].split("</li>")[0]
    assert 'href="/stats/alerts?waiting=1"' in tally and ">1</strong>" in tally
    waiting = browser.get("/stats/alerts?waiting=1", headers={"Accept-Language": "en"})
    html = waiting.get_data(as_text=True)
    assert "1 alert waiting for acknowledgement." in html
    assert html.count('<section class="panel') == 1 and "已处理" not in html
    everything = browser.get("/stats/alerts", headers={"Accept-Language": "en"})
    assert "2 alerts." in everything.get_data(as_text=True)


def test_employers_are_classed_by_their_dispute_history(app, demo, browser):
    with app.test_request_context():
        for _ in range(5):
            filed_case()
    browser.login("supervisor1")
    html = browser.get("/stats/employers", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "清远某某新材料有限公司" in html and "High risk" in html


@pytest.mark.parametrize(
    ("today", "first_day"),
    [
        (date(2026, 12, 2), date(2026, 1, 1)),
        (date(2026, 1, 15), date(2025, 2, 1)),
        (date(2027, 11, 30), date(2026, 12, 1)),
    ],
)
def test_the_risk_window_is_the_last_twelve_calendar_months(today, first_day):
    assert risk_window_start(today) == first_day


def test_disputes_before_the_risk_window_no_longer_count(app, demo, browser, monkeypatch):
    long_ago = datetime.combine(
        risk_window_start(local_today()) - timedelta(days=1), time(12), tzinfo=UTC
    )
    with app.test_request_context():
        monkeypatch.setattr("mediation.cases.filing.utcnow", lambda: long_ago)
        for _ in range(5):
            filed_case()
        monkeypatch.undo()
        filed_case()  # one recent dispute: normal
    browser.login("supervisor1")
    html = browser.get("/stats/employers", headers={"Accept-Language": "en"}).get_data(as_text=True)
    row = html.split("清远某某新材料有限公司")[1].split("</tr>")[0]
    assert "Normal" in row and '<td class="num">1</td>' in row
