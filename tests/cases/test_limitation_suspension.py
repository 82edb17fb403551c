"""A mediator records that the worker's limitation for arbitration was suspended (中止,
劳动争议调解仲裁法 第二十七条第三款), through the case page and the API, and the worker sees the
later last day to apply, on the page, in the API and in a notice; with the day under the test's
control."""

from datetime import date

import pytest
from babel.dates import format_date
from sqlalchemy import select

from mediation.cases import suspension
from mediation.cases.operations import fire
from mediation.cases.sweep import sweep
from mediation.core import clocks
from mediation.documents.records import printed
from mediation.extensions import db
from mediation.i18n import HUMAN_FORMATS
from mediation.models import (
    AuditEvent,
    Case,
    CaseDocument,
    DeliveryChannel,
    DocumentKind,
    LimitationSuspension,
    Notification,
    OutboxMessage,
    SuspensionCause,
)
from tests.factories import dismissal_case, user

DAY_EN = HUMAN_FORMATS["en"][0]  # a day as the English pages write it

PASSWORD = "demo-2026"
EN = {"Accept-Language": "en"}


def failed_case(app, clock) -> Case:
    """Received Wed 10 Sep 2025, failed Thu 25 Sep 2025: apply by Mon 28 Sep 2026 (25 Sep 2026
    is Mid-Autumn), today 1 Nov 2025."""
    case = dismissal_case(app, clock, received=date(2025, 9, 10))
    with app.test_request_context():
        mediator = user("med_hr")
        clock.today = date(2025, 9, 25)
        fire(case, "accept", actor=mediator, respondent_consent=True, consent_via="phone")
        fire(case, "mediate", actor=mediator)
        fire(case, "fail", actor=mediator, reason="双方分歧较大")
        db.session.commit()
    clock.today = date(2025, 11, 1)
    return case


def signed_in(make_browser, username: str):
    browser = make_browser()
    browser.login(username)
    return browser


def page_of(browser, case: Case) -> str:
    return browser.get(f"/cases/{case.id}", headers=EN).get_data(as_text=True)


def shown(day: date) -> str:
    return format_date(day, DAY_EN, locale="en")


def record_on_page(browser, case: Case, **fields):
    data = {f"suspension-{name}": value for name, value in fields.items()}
    return browser.submit(
        f"/cases/{case.id}/limitation/suspensions", data, page=f"/cases/{case.id}", headers=EN
    )


def api_client(app):
    client = app.test_client()
    tokens: dict[str, str] = {}

    def call(method: str, path: str, username: str, **kwargs):
        if username not in tokens:
            answer = client.post(
                "/api/v1/tokens", json={"username": username, "password": PASSWORD}
            )
            tokens[username] = answer.json["token"]
        headers = {"Authorization": f"Bearer {tokens[username]}", **EN}
        return client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)

    return call


def notices(case: Case) -> list[Notification]:
    return db.session.scalars(
        select(Notification)
        .where(Notification.case_id == case.id, Notification.kind.startswith("limitation_"))
        .order_by(Notification.id)
    ).all()


def test_a_suspension_recorded_on_a_failed_case_gives_the_worker_a_later_day(
    app, demo, make_browser, clock
):
    case = failed_case(app, clock)
    worker = signed_in(make_browser, "worker1")
    assert f"Apply by {shown(date(2026, 9, 28))} at the latest." in page_of(worker, case)

    mediator = signed_in(make_browser, "med_hr")
    assert "Record a suspension" in page_of(mediator, case)
    # Flooded in from Mon 6 to Wed 15 Oct 2025: 10 days. 25 Sep 2026 + 10 is Mon 5 Oct,
    # in National Day (1–7 Oct 2026): Thu 8 Oct.
    response = record_on_page(
        mediator,
        case,
        cause="force_majeure",
        starts_on="2025-10-06",
        ends_on="2025-10-15",
        reason="台风“桦加沙”致工人所在村庄断路断电，无法申请仲裁。",
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cases/{case.id}#suspensions")

    html = page_of(worker, case)
    assert f"Apply by {shown(date(2026, 10, 8))} at the latest." in html
    assert "This includes 10 days on which the time limit was suspended" in html
    assert "Force majeure: the time limit did not run from 6 Oct 2025 to 15 Oct 2025." in html
    assert "台风“桦加沙”" in html  # the worker reads the reason

    limitation = api_client(app)("GET", f"/cases/{case.id}", "worker1").json["deadlines"][
        "limitation"
    ]
    assert (limitation["rule"], limitation["ends_on"]) == ("recounted", "2026-10-08")
    assert (limitation["suspended_days"], limitation["suspended_since"]) == (10, None)
    (listed,) = limitation["suspensions"]
    assert listed["cause"] == "force_majeure"
    assert (listed["starts_on"], listed["ends_on"]) == ("2025-10-06", "2025-10-15")

    employer = api_client(app)("GET", f"/cases/{case.id}", "employer1").json
    (seen_by_employer,) = employer["deadlines"]["limitation"]["suspensions"]
    assert seen_by_employer["reason"] is None  # it may tell of the worker's health

    (event,) = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.case_id == case.id, AuditEvent.action == "case.limitation_suspended"
        )
    ).all()
    assert event.actor == user("med_hr")
    assert event.details["cause"] == "force_majeure"
    assert (event.details["starts_on"], event.details["ends_on"]) == ("2025-10-06", "2025-10-15")

    (notice,) = notices(case)
    assert notice.user == user("worker1") and notice.kind == "limitation_suspended_dated"
    assert notice.params["limitation_ends"] == "2026-10-08"
    sms = db.session.scalar(
        select(OutboxMessage.body).where(
            OutboxMessage.case_id == case.id,
            OutboxMessage.kind == "limitation_suspended_dated",
            OutboxMessage.channel == DeliveryChannel.sms,
        )
    )
    assert "2026年10月8日" in sms and "不可抗力" in sms


def test_a_lasting_suspension_shows_since_when_and_its_end_shows_the_pushed_day(
    app, demo, make_browser, clock
):
    case = failed_case(app, clock)
    mediator = signed_in(make_browser, "med_hr")
    response = record_on_page(
        mediator,
        case,
        cause="other_legitimate_reason",
        starts_on="2025-10-06",
        ends_on="",
        reason="工人因工伤住院治疗，无法申请仲裁。",
    )
    assert response.status_code == 302

    worker = signed_in(make_browser, "worker1")
    html = page_of(worker, case)
    assert "The time limit for arbitration is suspended since 6 Oct 2025" in html
    assert "Apply by" not in html
    api = api_client(app)
    limitation = api("GET", f"/cases/{case.id}", "worker1").json["deadlines"]["limitation"]
    assert limitation["rule"] == "suspended" and limitation["ends_on"] is None
    assert limitation["suspended_since"] == "2025-10-06"
    assert limitation["suspensions"][0]["ends_on"] is None
    assert [n.kind for n in notices(case)] == ["limitation_suspended"]

    # The worker is out of hospital on Wed 15 Oct: the end, recorded by the mediator.
    lasting = db.session.scalar(
        select(LimitationSuspension).where(LimitationSuspension.case_id == case.id)
    )
    assert "The cause has ended" in page_of(mediator, case)
    response = mediator.submit(
        f"/cases/{case.id}/limitation/suspensions/{lasting.id}/end",
        {"suspension-end-ends_on": "2025-10-15"},
        page=f"/cases/{case.id}",
        headers=EN,
    )
    assert response.status_code == 302
    html = page_of(worker, case)
    assert f"Apply by {shown(date(2026, 10, 8))} at the latest." in html
    assert "suspended since" not in html
    resumed = notices(case)[-1]
    assert resumed.kind == "limitation_resumed_dated"
    assert resumed.params["limitation_ends"] == "2026-10-08"
    assert db.session.scalar(
        select(AuditEvent.id).where(
            AuditEvent.case_id == case.id, AuditEvent.action == "case.limitation_resumed"
        )
    )
    # Its end is recorded once: a second one is refused (409), not a new end.
    again = api(
        "POST",
        f"/cases/{case.id}/limitation/suspensions/{lasting.id}/end",
        "med_hr",
        json={"ends_on": "2025-10-20"},
    )
    assert again.status_code == 409


def test_the_end_is_recorded_through_the_api_too(app, demo, clock):
    case = failed_case(app, clock)
    api = api_client(app)
    answer = api(
        "POST",
        f"/cases/{case.id}/limitation/suspensions",
        "med_hr",
        json={"cause": "force_majeure", "starts_on": "2025-10-06", "reason": "台风致断路。"},
    )
    assert answer.status_code == 201
    limitation = answer.json["deadlines"]["limitation"]
    assert limitation["rule"] == "suspended"
    (listed,) = limitation["suspensions"]
    ended = api(
        "POST",
        f"/cases/{case.id}/limitation/suspensions/{listed['id']}/end",
        "med_hr",
        json={"ends_on": "2025-10-15"},
    )
    assert ended.status_code == 200
    assert ended.json["deadlines"]["limitation"]["ends_on"] == "2026-10-08"
    assert ended.json["deadlines"]["limitation"]["suspended_days"] == 10


@pytest.mark.parametrize(
    ("username", "status"),
    [
        pytest.param("worker1", 403, id="the worker asks staff, and cannot record it"),
        pytest.param("employer1", 403, id="the employer cannot either"),
        pytest.param("med_union", 404, id="a mediator of another organisation cannot see it"),
    ],
)
def test_only_staff_of_the_case_record_a_suspension(
    app, demo, make_browser, clock, username, status
):
    case = failed_case(app, clock)
    body = {"cause": "force_majeure", "starts_on": "2025-10-06", "reason": "台风"}
    answer = api_client(app)(
        "POST", f"/cases/{case.id}/limitation/suspensions", username, json=body
    )
    assert answer.status_code == status
    browser = signed_in(make_browser, username)
    if status == 403:
        assert "Record a suspension" not in page_of(browser, case)
    response = browser.client.post(
        f"/cases/{case.id}/limitation/suspensions",
        data={
            "suspension-cause": "force_majeure",
            "suspension-starts_on": "2025-10-06",
            "suspension-reason": "台风",
            # A CSRF token of the browser's own session, from a page it may open.
            "csrf_token": _token(browser),
        },
        headers=EN,
    )
    assert response.status_code == status
    assert (
        db.session.scalar(
            select(LimitationSuspension.id).where(LimitationSuspension.case_id == case.id)
        )
        is None
    )


def _token(browser) -> str:
    from tests.conftest import csrf_token_from

    return csrf_token_from(browser.get("/account/preferences").get_data(as_text=True))


def test_bad_input_shows_every_problem_at_once_and_keeps_what_was_typed(
    app, demo, make_browser, clock
):
    case = failed_case(app, clock)
    with app.test_request_context():
        suspension.record_suspension(
            case,
            actor=user("med_hr"),
            cause=SuspensionCause.force_majeure,
            starts_on=date(2025, 10, 6),
            ends_on=date(2025, 10, 15),
            reason="台风致断路。",
        )
        db.session.commit()
    mediator = signed_in(make_browser, "med_hr")
    response = record_on_page(
        mediator,
        case,
        cause="other_legitimate_reason",
        starts_on="2025-10-10",
        ends_on="2025-12-01",
        reason="",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Write what kept the worker from applying." in html
    assert "This day cannot be in the future." in html  # 1 Dec is after today, 1 Nov
    # The summary at the top of the form names each problem with a link to its field.
    summary = html[html.index('class="error-summary"') :].split("</div>")[0]
    assert 'href="#suspension-reason"' in summary and 'href="#suspension-ends_on"' in summary
    assert 'value="2025-10-10"' in html and 'value="2025-12-01"' in html
    assert '<option selected value="other_legitimate_reason">' in html or (
        'value="other_legitimate_reason" selected' in html
    )

    # Now the overlap with the one recorded, the start in the future and the end before it.
    response = record_on_page(
        mediator,
        case,
        cause="force_majeure",
        starts_on="2025-10-12",
        ends_on="2025-10-11",
        reason="又一次台风",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The cause cannot end before the day it arose." in html
    assert "又一次台风" in html
    response = record_on_page(
        mediator, case, cause="force_majeure", starts_on="2025-10-12", ends_on="", reason=""
    )
    html = response.get_data(as_text=True)
    assert "Another suspension of this case covers some of these days" in html
    assert "6 Oct 2025 to 15 Oct 2025" in html
    assert "Write what kept the worker from applying." in html
    response = record_on_page(
        mediator, case, cause="force_majeure", starts_on="2025-11-02", ends_on="", reason="x"
    )
    assert "This day cannot be in the future." in response.get_data(as_text=True)
    assert response.status_code == 422
    assert len(clocks.suspensions_of(case)) == 1

    answer = api_client(app)(
        "POST",
        f"/cases/{case.id}/limitation/suspensions",
        "med_hr",
        json={"cause": "flood", "starts_on": "2025-13-01", "reason": "x"},
    )
    assert answer.status_code == 422
    assert set(answer.json["errors"]) == {"cause", "starts_on"}
    answer = api_client(app)(
        "POST",
        f"/cases/{case.id}/limitation/suspensions",
        "med_hr",
        json={
            "cause": "force_majeure",
            "starts_on": "2025-10-12",
            "ends_on": "2025-12-01",
            "reason": "",
        },
    )
    assert answer.status_code == 422
    assert answer.json["errors"] == {
        "reason": ["Write what kept the worker from applying."],
        "ends_on": ["This day cannot be in the future."],
        "starts_on": [
            "Another suspension of this case covers some of these days (6 Oct 2025 to 15 Oct 2025)."
        ],
    }


def test_a_year_that_ran_out_before_the_application_runs_on_after_a_suspension_before_it(
    app, demo, make_browser, clock
):
    """Told of the dismissal on Wed 10 Jan 2024, the worker was in hospital from 1 May to
    31 Jul 2024 (92 days): the year ran to Mon 14 Apr 2025, after the application of 3 Mar,
    which therefore interrupted it. The 15 days ran out on Tue 18 Mar 2025: apply by Wed 18
    Mar 2026."""
    case = dismissal_case(app, clock, received=date(2025, 3, 3), known_on=date(2024, 1, 10))
    clock.today = date(2025, 4, 1)
    worker = signed_in(make_browser, "worker1")
    assert "ended on 10 Jan 2025, before this application" in page_of(worker, case)

    api = api_client(app)
    answer = api(
        "POST",
        f"/cases/{case.id}/limitation/suspensions",
        "med_hr",
        json={
            "cause": "other_legitimate_reason",
            "starts_on": "2024-05-01",
            "ends_on": "2024-07-31",
            "reason": "工人住院治疗（有出院记录）。",
        },
    )
    assert answer.status_code == 201
    limitation = answer.json["deadlines"]["limitation"]
    assert (limitation["rule"], limitation["because"]) == ("recounted", "expired")
    assert (limitation["recount_from"], limitation["ends_on"]) == ("2025-03-18", "2026-03-18")
    html = page_of(worker, case)
    assert "before this application" not in html
    assert f"Apply by {shown(date(2026, 3, 18))} at the latest." in html
    (notice,) = notices(case)
    assert notice.kind == "limitation_suspended_dated"
    assert notice.params["limitation_ends"] == "2026-03-18"


def test_a_suspension_may_be_recorded_on_a_withdrawn_case_and_shows_there(
    app, demo, make_browser, clock
):
    """Withdrawn Wed 30 Apr 2025: the year runs from that day, to Thu 30 Apr 2026; 20 days in
    hospital from 1 May push it to Wed 20 May 2026."""
    case = dismissal_case(app, clock, received=date(2025, 4, 25))
    with app.test_request_context():
        clock.today = date(2025, 4, 30)
        fire(case, "withdraw", actor=user("worker1"), reason="不想调解了")
        db.session.commit()
    clock.today = date(2025, 6, 1)
    worker = signed_in(make_browser, "worker1")
    assert "Apply by" not in page_of(worker, case)
    mediator = signed_in(make_browser, "med_hr")
    response = record_on_page(
        mediator,
        case,
        cause="other_legitimate_reason",
        starts_on="2025-05-01",
        ends_on="2025-05-20",
        reason="住院",
    )
    assert response.status_code == 302
    assert f"Apply by {shown(date(2026, 5, 20))} at the latest." in page_of(worker, case)


def test_the_termination_notice_says_the_limitation_is_suspended(app, demo, clock):
    """A cause that arose while mediating (Mon 15 Sep 2025) still lasts when the mediation
    fails: the notice given to the worker says the time limit is suspended, with no last day."""
    case = dismissal_case(app, clock, received=date(2025, 9, 10))
    with app.test_request_context(headers=EN):
        mediator = user("med_hr")
        fire(case, "accept", actor=mediator, respondent_consent=True, consent_via="phone")
        fire(case, "mediate", actor=mediator)
        clock.today = date(2025, 9, 20)
        suspension.record_suspension(
            case,
            actor=mediator,
            cause=SuspensionCause.other_legitimate_reason,
            starts_on=date(2025, 9, 15),
            reason="工人因工伤住院。",
        )
        clock.today = date(2025, 9, 25)
        fire(case, "fail", actor=mediator, reason="双方分歧较大")
        db.session.commit()
        notice = db.session.scalar(
            select(CaseDocument).where(
                CaseDocument.case_id == case.id,
                CaseDocument.kind == DocumentKind.termination_notice,
            )
        )
        text = " ".join(
            paragraph
            for section in printed(case, notice).sections
            for paragraph in section.paragraphs
        )
    assert "The time limit for arbitration is suspended since 15 Sep 2025" in text
    assert "Other legitimate reason" in text
    assert "Apply by" not in text


def test_the_reminder_a_month_before_comes_from_the_pushed_day(app, demo, clock):
    """Failed Mon 20 Jan 2025, a year to Tue 20 Jan 2026; 181 days of suspension (1 Feb to
    31 Jul 2025) push it to Mon 20 Jul 2026: the sweep reminds the worker on 20 Jun 2026,
    although the application is far older than the cases it looks at otherwise."""
    case = dismissal_case(app, clock, received=date(2025, 1, 6))
    with app.test_request_context():
        mediator = user("med_hr")
        clock.today = date(2025, 1, 20)
        fire(case, "accept", actor=mediator, respondent_consent=True, consent_via="phone")
        fire(case, "mediate", actor=mediator)
        fire(case, "fail", actor=mediator, reason="双方分歧较大")
        clock.today = date(2025, 8, 5)
        suspension.record_suspension(
            case,
            actor=mediator,
            cause=SuspensionCause.other_legitimate_reason,
            starts_on=date(2025, 2, 1),
            ends_on=date(2025, 7, 31),
            reason="工人因工伤住院治疗。",
        )
        db.session.commit()
        assert clocks.arbitration_apply_by(case) == date(2026, 7, 20)
        sweep(date(2026, 6, 19))
        assert [n.kind for n in notices(case)] == ["limitation_suspended_dated"]
        sweep(date(2026, 6, 20))
    reminder = notices(case)[-1]
    assert reminder.kind == "limitation_reminder"
    assert reminder.params["limitation_ends"] == "2026-07-20"
