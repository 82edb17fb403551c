"""The worker is reminded once, 30 days before the time to apply for arbitration runs out."""

from datetime import date, timedelta

from sqlalchemy import select

from mediation.cases.operations import fire
from mediation.cases.sweep import sweep
from mediation.core import clocks
from mediation.extensions import db
from mediation.models import Notification
from tests.factories import filed_case, user


def failed_case(app):
    with app.test_request_context():
        # Wage arrears of a job that ended: the year runs (no limit while still employed).
        case = filed_case(employment_end=date(2026, 10, 31))
        mediator = user("med_hr")
        fire(case, "accept", actor=mediator, respondent_consent=True, consent_via="window")
        fire(case, "mediate", actor=mediator)
        fire(case, "fail", actor=mediator, reason="双方分歧较大")
    db.session.commit()
    return case


def reminders(case):
    return db.session.scalars(
        select(Notification).where(
            Notification.case_id == case.id, Notification.kind == "limitation_reminder"
        )
    ).all()


def test_a_worker_is_reminded_once_a_month_before_the_limitation(app, demo):
    case = failed_case(app)
    ends = clocks.arbitration_apply_by(case)
    with app.test_request_context():
        sweep(ends - timedelta(days=31))
        assert reminders(case) == []
        sweep(ends - timedelta(days=30))
        sweep(ends - timedelta(days=29))
    (reminder,) = reminders(case)
    assert reminder.user == user("worker1")
    assert reminder.params["limitation_ends"] == ends.isoformat()
    assert "仲裁委员会" in reminder.params["commission"]


def test_no_reminder_after_an_agreement_or_once_the_time_is_over(app, demo):
    case = failed_case(app)
    ends = clocks.arbitration_apply_by(case)
    with app.test_request_context():
        sweep(ends + timedelta(days=1))
    assert reminders(case) == []
