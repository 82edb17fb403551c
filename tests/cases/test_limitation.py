"""The worker is reminded once, 30 days before the time to apply for arbitration runs out: a
year counted again from the day the mediation ended (劳动争议调解仲裁法 第二十七条)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from mediation.cases.operations import fire
from mediation.cases.sweep import sweep
from mediation.core import clocks
from mediation.extensions import db
from mediation.localtime import SHANGHAI
from mediation.models import Notification
from tests.factories import filed_case, user

pytestmark = pytest.mark.both_databases


def failed_case(app, monkeypatch, *, received: date, failed: date):
    """Wage arrears of a job that ended (the year runs: no limit while still employed),
    received and failed on the given days."""
    at = lambda day: datetime.combine(day, time(10), SHANGHAI).astimezone(UTC)  # noqa: E731
    with app.test_request_context():
        case = filed_case(employment_end=received - timedelta(days=30))
        case.received_at = at(received)
        clocks.start_acceptance_clock(case, received)
        mediator = user("med_hr")
        monkeypatch.setattr("mediation.cases.triggers.utcnow", lambda: at(failed))
        fire(case, "accept", actor=mediator, respondent_consent=True, consent_via="window")
        fire(case, "mediate", actor=mediator)
        fire(case, "fail", actor=mediator, reason="双方分歧较大")
    db.session.commit()
    return case


def reminders(case):
    return db.session.scalars(
        select(Notification).where(
            Notification.case_id == case.id, Notification.kind.startswith("limitation_reminder")
        )
    ).all()


@pytest.mark.parametrize(
    ("received", "failed", "ends", "kind"),
    [
        pytest.param(
            "2025-09-10",
            "2025-09-25",
            "2026-09-28",
            "limitation_reminder",
            id="failed 25 Sep 2025: a year on is Mid-Autumn 2026 → Mon 28 Sep",
        ),
        pytest.param(
            "2026-01-26",
            "2026-02-09",
            "2027-02-11",
            "limitation_reminder_provisional",
            id="failed 9 Feb 2026: 9 Feb 2027 is made up for Spring Festival → Thu 11, provisional",
        ),
    ],
)
def test_a_worker_is_reminded_once_a_month_before_the_limitation(
    app, demo, monkeypatch, received, failed, ends, kind
):
    case = failed_case(
        app, monkeypatch, received=date.fromisoformat(received), failed=date.fromisoformat(failed)
    )
    ends = date.fromisoformat(ends)
    assert clocks.arbitration_apply_by(case) == ends
    with app.test_request_context():
        sweep(ends - timedelta(days=31))
        assert reminders(case) == []
        sweep(ends - timedelta(days=30))
        sweep(ends - timedelta(days=29))
    (reminder,) = reminders(case)
    assert reminder.user == user("worker1") and reminder.kind == kind
    assert reminder.params["limitation_ends"] == ends.isoformat()
    assert "仲裁委员会" in reminder.params["commission"]


def test_no_reminder_once_the_time_is_over(app, demo, monkeypatch):
    case = failed_case(app, monkeypatch, received=date(2025, 9, 10), failed=date(2025, 9, 25))
    with app.test_request_context():
        sweep(clocks.arbitration_apply_by(case) + timedelta(days=1))
    assert reminders(case) == []
