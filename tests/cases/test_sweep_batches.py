"""The deadline sweep works through what is due in batches, committing after each as the job
does: every late case is marked and its staff told once, whatever the batch size."""

from datetime import date

import pytest
from sqlalchemy import func, select

from mediation.cases.sweep import sweep
from mediation.core import clocks
from mediation.extensions import db
from mediation.models import DeadlineReminder, Notification
from tests.factories import filed_case

pytestmark = pytest.mark.both_databases


def test_a_sweep_in_batches_marks_every_late_case_and_tells_its_staff_once(app, demo, in_request):
    late = [filed_case() for _ in range(3)]
    for case in late:
        clocks.start_acceptance_clock(case, date(2026, 11, 2))  # due Thu 5 Nov
    db.session.commit()
    batches = []

    def commit() -> None:
        batches.append(db.session.commit())

    first = sweep(date(2026, 11, 24), batch_size=2, end_batch=commit)
    again = sweep(date(2026, 11, 24), batch_size=2, end_batch=commit)

    assert len(batches) == 2  # 2 + 1 late cases; the second time nothing was due
    assert sorted(first.cases) == sorted(case.number for case in late) and again.cases == []
    assert all(case.overdue_since == date(2026, 11, 24) for case in late)
    told = db.session.execute(
        select(Notification.case_id, Notification.user_id, func.count())
        .where(Notification.kind == "acceptance_overdue")
        .group_by(Notification.case_id, Notification.user_id)
    ).all()
    assert {case_id for case_id, _user, _times in told} == {case.id for case in late}
    assert {times for _case, _user, times in told} == {1}
    reminders = select(func.count()).select_from(DeadlineReminder)
    assert db.session.scalar(reminders) == len(late)
