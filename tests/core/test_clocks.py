"""Legal clocks in the product: stored deadlines, extensions, the admin calendar, the sweep."""

import shutil
import subprocess
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from mediation.cases import conversation
from mediation.cases.operations import fire
from mediation.cases.sweep import sweep
from mediation.core import clocks
from mediation.extensions import db
from mediation.models import (
    AuditEvent,
    Case,
    CaseDocument,
    DeadlineReminder,
    DocumentKind,
    HolidaySchedule,
    MessageChannel,
    Notification,
)
from tests.factories import filed_case, mediating_case, user
from workflows import deadlines

pytestmark = pytest.mark.both_databases

PROVISIONAL = "Provisional: counted with the statutory holidays only"


def case_documents(case):
    return db.session.scalars(select(CaseDocument).where(CaseDocument.case_id == case.id)).all()


def test_filing_stores_the_acceptance_deadline_on_the_working_day_calendar(app, demo, in_request):
    case = filed_case()
    assert case.acceptance_deadline == deadlines.acceptance_deadline(case.acceptance_clock_start)
    assert case.acceptance_deadline > case.acceptance_clock_start


def test_extension_moves_the_deadline_once(app, demo, make_browser):
    """Proposed by the mediator, agreed by both parties on their pages (cases.extension)."""
    with app.test_request_context():
        case = mediating_case()
    before = case.mediation_deadline
    mediator = make_browser()
    mediator.login("med_hr")
    english = {"Accept-Language": "en"}
    page = f"/cases/{case.id}"
    for data, message in [
        ({"extension-days": "16", "extension-reason": "需要核对工资"}, "1 to 15 days"),
        ({"extension-days": "ten", "extension-reason": "需要核对工资"}, "Not a valid integer"),
        ({"extension-days": "10"}, "Please fill this in"),
    ]:
        response = mediator.submit(f"{page}/extension", data, page=page, headers=english)
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    ok = {"extension-days": "10", "extension-reason": "需要核对工资"}
    assert mediator.submit(f"{page}/extension", ok, page=page).status_code == 302
    for party in ("worker1", "employer1"):
        db.session.expire_all()
        assert db.session.get(Case, case.id).mediation_deadline == before
        person = make_browser()
        person.login(party)
        agreed = {"extension-answer-answer": "agree"}
        assert person.submit(f"{page}/extension/consent", agreed, page=page).status_code == 302
    db.session.expire_all()
    extended = db.session.get(Case, case.id)
    assert extended.extension_days == 10
    assert extended.mediation_deadline == deadlines.mediation_deadline(
        extended.mediation_clock_start, 10
    )
    # Once: no second proposal is offered or taken.
    assert "Propose an extension" not in mediator.get(page, headers=english).get_data(as_text=True)
    response = mediator.submit(f"{page}/extension", ok, page=page, headers=english)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).extension_days == 10


def test_a_year_past_the_package_counts_statutory_holidays_provisionally_until_entered(
    app, demo, make_browser, monkeypatch
):
    """Issue 15: with no 2027 schedule, New Year's Day 2027 is a holiday by statute and every
    date in 2027 says it is provisional (page, printable document and PDF, API); entering the
    schedule removes the mark and recomputes."""
    with app.test_request_context():
        case = filed_case(employment_end=date(2026, 11, 30))  # unpaid wages of a job that ended
        case.received_at = datetime(2026, 12, 31, 2, tzinfo=UTC)  # 10:00 in Shanghai
        clocks.start_acceptance_clock(case, date(2026, 12, 31))  # as if filed then
        db.session.commit()
    # Statutory: Fri 1 Jan 2027 is New Year's Day → Mon 4, Tue 5, Wed 6 (not Tue 5).
    assert case.acceptance_deadline == date(2027, 1, 6)
    monkeypatch.setattr("mediation.localtime.utcnow", lambda: datetime(2027, 1, 4, 2, tzinfo=UTC))
    worker = make_browser()
    worker.login("worker1")
    english = {"Accept-Language": "en"}
    html = worker.get(f"/cases/{case.id}", headers=english).get_data(as_text=True)
    # acceptance, arbitration and limitation (interrupted until the 15 days run out)
    assert "6 Jan 2027" in html and html.count(PROVISIONAL) == 3
    api = app.test_client()
    token = api.post("/api/v1/tokens", json={"username": "worker1", "password": "demo-2026"})
    bearer = {"Authorization": f"Bearer {token.json['token']}"}
    answer = api.get(f"/api/v1/cases/{case.id}", headers=bearer).json["deadlines"]
    assert answer["acceptance"] == "2027-01-06" and answer["provisional"] is True
    assert answer["limitation"]["rule"] == "interrupted"

    with app.test_request_context():
        fire(case, "decline", actor=user("med_hr"), reason="不属于受理范围")
        db.session.commit()
    (notice,) = [d for d in case_documents(case) if d.kind == DocumentKind.decline_notice]
    printable = worker.get(f"/cases/{case.id}/documents/{notice.id}", headers=english)
    assert PROVISIONAL in printable.get_data(as_text=True)
    if shutil.which("pdftotext"):
        pdf = worker.get(f"/cases/{case.id}/documents/{notice.id}.pdf", headers=english).data
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        assert "Provisional" in " ".join(text.split())
    answer = api.get(f"/api/v1/cases/{case.id}", headers=bearer).json["deadlines"]
    assert answer["limitation"]["provisional"] is True  # recounted from 4 Jan 2027

    admin = make_browser()
    admin.login("admin")
    response = admin.submit(
        "/admin/calendar/2027",
        {
            "holidays": "2027-01-01..2027-01-03\n2027-02-06..2027-02-13",
            "makeup_workdays": "2027-02-20",
        },
        headers=english,
    )
    assert response.status_code == 302
    answer = api.get(f"/api/v1/cases/{case.id}", headers=bearer).json["deadlines"]
    assert answer["provisional"] is False and answer["limitation"]["provisional"] is False
    html = worker.get(f"/cases/{case.id}", headers=english).get_data(as_text=True)
    assert PROVISIONAL not in html
    form = admin.get("/admin/calendar/2027").get_data(as_text=True)
    assert "2027-02-06..2027-02-13" in form


def test_entering_a_schedule_recomputes_open_deadlines_counted_on_the_statute(
    app, demo, make_browser
):
    with app.test_request_context():
        case = filed_case()
        clocks.start_acceptance_clock(case, date(2027, 2, 4))  # Thu before 除夕 2027
        db.session.commit()
    # Statutory: 5–10 Feb off → Thu 11, Fri 12, Mon 15.
    assert case.acceptance_deadline == date(2027, 2, 15)
    admin = make_browser()
    admin.login("admin")
    response = admin.submit(
        "/admin/calendar/2027",
        {"holidays": "2027-01-01\n2027-02-06..2027-02-13", "makeup_workdays": "2027-02-20"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    # The entered notice: Fri 5 worked, 6–13 off → Fri 5, Mon 15, Tue 16.
    assert db.session.get(Case, case.id).acceptance_deadline == date(2027, 2, 16)


@pytest.mark.parametrize(
    ("holidays", "makeup", "field", "message"),
    [
        ("2027-01-01\n2027-02-06..2027-02-13\n2027-02-10", "", "holidays", "listed twice"),
        ("2027-01-01\n2027-02-30", "", "holidays", "is not a date like"),
        ("2027-01-01\nnext Monday", "", "holidays", "is not a date like"),
        ("2027-01-01\n2027-02-13..2027-02-06", "", "holidays", "is not possible"),
        ("2027-01-01\n2028-01-01", "", "holidays", "is not in 2027"),
        ("2027-02-06..2027-02-13", "", "holidays", "New Year's Day"),
        ("2027-01-01", "2027-02-17", "makeup_workdays", "is a weekday"),
        ("2027-01-01\n2027-02-20", "2027-02-20", "makeup_workdays", "both a holiday"),
    ],
)
def test_bad_holiday_schedules_are_refused_and_change_nothing(
    app, demo, browser, holidays, makeup, field, message
):
    browser.login("admin")
    response = browser.submit(
        "/admin/calendar/2027",
        {"holidays": holidays, "makeup_workdays": makeup},
        headers={"Accept-Language": "en"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and f'id="{field}-error"' in html and message in html
    assert db.session.scalar(select(func.count()).select_from(HolidaySchedule)) == 0


def test_every_problem_of_a_schedule_is_told_in_one_answer(app, demo, browser):
    """An admin typing in a State Council notice corrects it in one go, not line by line."""
    browser.login("admin")
    typed = "2027-02-30\n2027-02-06..2027-02-13\nnext Monday\n2027-02-10"
    response = browser.submit(
        "/admin/calendar/2027",
        {"holidays": typed, "makeup_workdays": "2027-02-17\n2027-02-18"},
        headers={"Accept-Language": "en"},
    )
    html = response.get_data(as_text=True)
    for told in (
        "“2027-02-30” is not a date",
        "“next Monday” is not a date",
        "2027-02-10 is listed twice",
        "New Year's Day",
        "2027-02-17 is a weekday",
        "2027-02-18 is a weekday",
    ):
        assert told in html, told
    assert "2027-02-06..2027-02-13" in html  # what was typed stays
    assert db.session.scalar(select(func.count()).select_from(HolidaySchedule)) == 0


def test_sweep_twice_sends_each_reminder_once_and_marks_overdue(app, demo, in_request):
    waiting = filed_case()
    clocks.start_acceptance_clock(waiting, date(2026, 11, 20))  # Friday → due Wednesday 25th
    late = mediating_case()
    late.received_at = datetime(2026, 11, 1, 2, tzinfo=UTC)  # arbitration opens Tue 17 Nov
    late.mediation_clock_start = date(2026, 11, 1)
    late.mediation_deadline = date(2026, 11, 16)
    db.session.commit()
    assert waiting.acceptance_deadline == date(2026, 11, 25)

    first = sweep(date(2026, 11, 24))  # Tuesday: the acceptance is due the next working day
    db.session.commit()
    again = sweep(date(2026, 11, 24))
    db.session.commit()
    assert (first.reminders, first.overdue, first.arbitration_notices) == (1, 1, 1)
    assert (again.reminders, again.overdue, again.arbitration_notices) == (0, 0, 0)
    assert late.overdue_since == date(2026, 11, 24) and waiting.overdue_since is None

    later = sweep(date(2026, 11, 26))  # Thursday: now the acceptance is overdue too
    db.session.commit()
    assert (later.reminders, later.overdue) == (0, 1) and later.cases == [waiting.number]
    assert waiting.overdue_since == date(2026, 11, 26)
    assert sweep(date(2026, 11, 27)).overdue == 0

    kinds = sorted(
        db.session.scalars(
            select(Notification.kind).where(
                Notification.kind.in_(
                    [
                        "acceptance_due_soon",
                        "acceptance_overdue",
                        "mediation_overdue",
                        "arbitration_open",
                    ]
                )
            )
        )
    )
    # Reminders to the staff of the street centre (one mediator) and the worker's notice.
    assert kinds == [
        "acceptance_due_soon",
        "acceptance_overdue",
        "arbitration_open",
        "mediation_overdue",
    ]
    assert db.session.scalar(select(func.count()).select_from(DeadlineReminder)) == 4
    notice = db.session.scalar(
        select(CaseDocument).where(
            CaseDocument.case_id == late.id, CaseDocument.kind == "period_expired_notice"
        )
    )
    assert notice is not None  # the worker's notice, a page and a PDF like every document
    overdue_events = db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "case.overdue")
    )
    assert overdue_events == 2


def test_sweep_command(app, demo):
    with app.test_request_context():
        case = filed_case()
        clocks.start_acceptance_clock(case, date(2026, 11, 2))
        db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["deadlines", "sweep", "--today", "2026-11-24"]).output
    second = runner.invoke(args=["deadlines", "sweep", "--today", "2026-11-24"]).output
    assert "1 newly overdue" in first and "0 newly overdue" in second


def test_supervisor_sees_overdue_cases_per_organisation(app, demo, make_browser):
    with app.test_request_context():
        late, fine = filed_case(), filed_case()
        clocks.start_acceptance_clock(late, date(2026, 11, 2))
        db.session.commit()
    supervisor = make_browser()
    supervisor.login("supervisor1")
    html = supervisor.get("/supervision/overdue", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert late.number in html and fine.number not in html
    assert "凤城街道劳动人事争议调解中心" in html and "days late" in html


def test_supervisors_see_how_many_messages_a_late_case_has_never_what_they_say(
    app, demo, make_browser
):
    with app.test_request_context():
        late = filed_case()
        clocks.start_acceptance_clock(late, date(2026, 11, 2))
        for text in ("工资什么时候能发？", "私下说：我有考勤记录。"):
            conversation.post_message(
                late, actor=user("worker1"), channel=MessageChannel.applicant, text=text
            )
        db.session.commit()
    supervisor = make_browser()
    supervisor.login("supervisor1")
    html = supervisor.get("/supervision/overdue", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    row = html[html.index(late.number) :].split("</tr>")[0]
    assert row.rstrip().endswith("<td>2</td>")
    assert "考勤记录" not in html and "工资什么时候" not in html
    assert supervisor.get(f"/cases/{late.id}").status_code in (403, 404)
