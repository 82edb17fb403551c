"""The case pages as people use them: filing, bad input, who sees what, illegal actions."""

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from mediation.extensions import db
from mediation.localtime import local_today
from mediation.models import AuditEvent, Case, CaseDraft, Evidence
from tests.conftest import statements_sent
from tests.factories import filed_case
from tests.upload_files import MINIMAL_PDF

PDF = MINIMAL_PDF

FILING = {
    "employer_name": "清远某某新材料有限公司",
    "employer_uscc": "91350100M000100Y43",
    "employer_region": "",
    "employer_industry": "",
    "employment_start": "2023-03-01",
    "employment_end": "",
    "job": "操作工",
    "monthly_wage": "6,500",
    "categories": ["wage_arrears", "overtime"],
    "claims-0-category": "wage_arrears",
    "claims-0-amount": "13000",
    "claims-0-description": "两个月工资",
    "claims-1-category": "overtime",
    "claims-1-amount": "2,400.50",
    "claims-1-description": "加班费",
    "claims-2-category": "",
    "claims-2-amount": "",
    "claims-2-description": "",
    "facts": "公司拖欠工资。<script>alert('x')</script>",
    "desired_outcome": "",
    "workers_involved": "1",
    "representatives": "",
    "preferred_tier": "",
    "consent": "y",
    "attached": "",
}


def file(browser, lang="en", **changes):
    data = {**FILING, **changes}
    return browser.submit("/cases/new", data, headers={"Accept-Language": lang})


def errors(response) -> dict[str, str]:
    html = response.get_data(as_text=True)
    return dict(re.findall(r'<p class="field-error" id="([\w-]+)-error">([^<]*)</p>', html))


@pytest.fixture
def worker(app, demo, make_browser):
    browser = make_browser()
    browser.login("worker1")
    return browser


def test_worker_files_a_case_and_sees_it_on_the_tracker(app, worker):
    response = file(worker)
    assert response.status_code == 302
    case = db.session.scalar(select(Case))
    assert response.headers["Location"] == f"/cases/{case.id}"
    assert [str(c.amount) for c in case.claims] == ["13000.00", "2400.50"]
    assert case.monthly_wage == 6500
    html = worker.get(f"/cases/{case.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert case.number in html
    assert 'aria-current="step"' in html and "Routed to this organisation because" in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    assert "441802********0013" in html and "441802199003150013" not in html


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"employer_uscc": "91350100M000100Y44"}, "employer_uscc", "last character of this code"),
        ({"employer_uscc": "91350100M00010OY43"}, "employer_uscc", "never contains O"),
        ({"employment_end": "2022-01-01"}, "employment_end", "cannot be before the start date"),
        ({"claims-0-amount": "-100"}, "claims-0-amount", "cannot be negative"),
        ({"claims-0-amount": "一万"}, "claims-0-amount", "Enter an amount in yuan"),
        ({"monthly_wage": "abc"}, "monthly_wage", "Enter an amount in yuan"),
        ({"categories": []}, "categories", "Choose at least one kind of dispute"),
        ({"facts": ""}, "facts", "Please fill this in"),
        ({"workers_involved": "12"}, "representatives", "name the representatives"),
        ({"representatives": "王五 123"}, "representatives", "11-digit mainland mobile"),
        (
            {"employer_uscc": "91441802MA4UXB1A1C", "employer_name": "新公司"},
            "employer_region",
            "choose the street or town",
        ),
        ({"consent": ""}, "consent", "Please confirm"),
    ],
)
def test_bad_filing_input_gets_a_field_message_and_keeps_the_rest(
    app, worker, changes, field, message
):
    if changes.get("employer_uscc") == "91441802MA4UXB1A1C":
        from mediation.validators import uscc_check_character

        changes["employer_uscc"] = "91441802MA4UXB1A1" + uscc_check_character("91441802MA4UXB1A1")
    response = file(worker, **changes)
    assert response.status_code == 422
    assert message in errors(response).get(field, ""), errors(response)
    html = response.get_data(as_text=True)
    assert 'value="操作工"' in html  # the rest is kept
    assert "公司拖欠工资" in html or field == "facts"
    assert 'value="13000"' in html or field == "claims-0-amount"
    assert db.session.scalar(select(func.count(Case.id))) == 0


def test_field_and_filing_rule_problems_come_in_one_answer(app, worker):
    """An empty job (a field rule) and dates the filing rules refuse (a future start, an end
    before it) are all reported on the first submit, beside their fields and in the summary."""
    start = local_today() + timedelta(days=30)
    response = file(
        worker,
        job="",
        employment_start=start.isoformat(),
        employment_end=(start - timedelta(days=5)).isoformat(),
    )
    assert response.status_code == 422
    found = errors(response)
    assert "Please fill this in" in found["job"]
    assert "cannot be in the future" in found["employment_start"]
    assert "cannot be before the start date" in found["employment_end"]
    summary = response.get_data(as_text=True).split('class="error-summary"')[1].split("</div>")[0]
    for field in ("job", "employment_start", "employment_end"):
        assert f'href="#{field}"' in summary


def test_the_summary_names_each_claim_lines_field(app, worker):
    response = file(worker, **{"claims-1-amount": "一万", "claims-2-description": "补偿"})
    summary = response.get_data(as_text=True).split('class="error-summary"')[1].split("</div>")[0]
    assert 'href="#claims-1-amount">What you claim, line 2, Amount (yuan): Enter an' in summary
    assert 'href="#claims-2-category">What you claim, line 3, Kind: Choose what' in summary
    assert 'href="#claims-2-amount">What you claim, line 3, Amount (yuan): Enter the' in summary
    assert "please check the lines" not in summary


def test_the_lost_job_box_is_its_own_question_not_under_the_job(app, worker):
    html = worker.get("/cases/new", headers={"Accept-Language": "en"}).get_data(as_text=True)
    employment = html.split('id="section-employment"')[1].split("</fieldset>")[0]
    assert 'id="job"' in employment and "lost_job" not in employment
    box = html.split('<fieldset class="lost-job"')[1].split("</fieldset>")[0]
    assert "<legend>Did you lose your job because of this dispute?</legend>" in box
    assert 'id="lost_job"' in box and 'id="reemployment_consent"' in box


def test_chosen_evidence_survives_an_error_elsewhere(app, worker):
    upload = (io.BytesIO(PDF), "劳动合同.pdf")
    response = worker.submit(
        "/cases/new",
        {**FILING, "facts": "", "evidence": upload},
        page="/cases/new",
        content_type="multipart/form-data",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "劳动合同.pdf" in html
    attached = re.search(r'name="attached" type="hidden" value="([^"]*)"', html).group(1)
    response = file(worker, attached=attached)
    assert response.status_code == 302
    assert db.session.scalar(select(Evidence.original_name)) == "劳动合同.pdf"


def test_disguised_or_oversized_evidence_is_refused_with_a_message(app, worker):
    html_as_pdf = (io.BytesIO(b"<html><script>x</script></html>"), "合同.pdf")
    response = worker.submit(
        "/cases/new",
        {**FILING, "evidence": html_as_pdf},
        page="/cases/new",
        content_type="multipart/form-data",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert "Only PDF, JPEG and PNG files" in errors(response)["evidence"]
    big = (io.BytesIO(b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)), "big.pdf")
    response = worker.submit(
        "/cases/new",
        {**FILING, "evidence": big},
        page="/cases/new",
        content_type="multipart/form-data",
        headers={"Accept-Language": "en"},
    )
    assert "larger than 10 MB" in errors(response)["evidence"]
    assert db.session.scalar(select(func.count(Case.id))) == 0


def test_a_draft_is_saved_and_resumed(app, worker):
    response = worker.submit("/cases/new", {**FILING, "facts": "写了一半", "save_draft": "1"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(CaseDraft.id))) == 1
    html = worker.get("/cases/new").get_data(as_text=True)
    assert "写了一半" in html and 'value="操作工"' in html
    file(worker)
    assert db.session.scalar(select(func.count(CaseDraft.id))) == 0  # filed: draft gone


def test_other_people_cannot_see_the_case_or_its_files(app, demo, make_browser, worker):
    file(worker, evidence=(io.BytesIO(PDF), "证据.pdf"))
    worker.submit(
        "/cases/new",
        {**FILING, "evidence": (io.BytesIO(PDF), "证据.pdf")},
        page="/cases/new",
        content_type="multipart/form-data",
    )
    case = db.session.scalars(select(Case).order_by(Case.id.desc())).first()
    evidence = db.session.scalar(select(Evidence).where(Evidence.case_id == case.id))
    download = f"/cases/{case.id}/evidence/{evidence.id}"
    response = worker.get(download)
    assert response.status_code == 200 and response.data == PDF
    assert "attachment" in response.headers["Content-Disposition"]
    for username in ("worker2", "med_union", "med_district", "court1"):
        other = make_browser()
        other.login(username)
        assert other.get(f"/cases/{case.id}").status_code == 404, username
        assert other.get(download).status_code == 404, username
    outsider = make_browser()
    outsider.login("med_union")
    response = outsider.act(case.id, "accept", {"respondent_consent": "y"}, page="/")
    assert response.status_code == 404
    assert db.session.get(Case, case.id).state == "applied"


def test_illegal_trigger_shows_a_message_and_changes_nothing(app, demo, make_browser):
    case = filed_case()
    mediator = make_browser()
    mediator.login("med_hr")
    response = mediator.act(
        case.id,
        "settle",
        {},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 302
    page = mediator.get(f"/cases/{case.id}", headers={"Accept-Language": "en"})
    assert "not possible while the case is in this state" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "applied"
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.case_id == case.id))
    assert list(actions) == ["case.apply"]


def test_reason_is_required_to_decline(app, demo, make_browser):
    case = filed_case()
    mediator = make_browser()
    mediator.login("med_hr")
    response = mediator.act(
        case.id,
        "decline",
        {"reason": "  "},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert errors(response)["decline-reason"].strip() == "Please write the reason."


def test_full_id_number_view_is_audited(app, demo, make_browser):
    case = filed_case()
    mediator = make_browser()
    mediator.login("med_hr")
    html = mediator.submit(f"/cases/{case.id}/identity", {}, page=f"/cases/{case.id}")
    assert "441802199003150013" in html.get_data(as_text=True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "case.identity_viewed"))
    assert event.actor_role == "mediator" and event.case_id == case.id
    worker = make_browser()
    worker.login("worker1")
    assert (
        worker.submit(f"/cases/{case.id}/identity", {}, page=f"/cases/{case.id}").status_code == 403
    )


def test_worklist_sorts_by_deadline_and_filters(app, demo, make_browser):
    from datetime import timedelta

    first, second = filed_case(), filed_case(categories=("overtime",), facts="加班费")
    second.acceptance_deadline = local_today() - timedelta(days=1)
    db.session.commit()
    mediator = make_browser()
    mediator.login("med_hr")
    html = mediator.get("/queue", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert html.index(second.number) < html.index(first.number)
    assert "overdue" in html
    html = mediator.get("/queue?overdue=1").get_data(as_text=True)
    assert second.number in html and first.number not in html
    html = mediator.get("/queue?category=wage_arrears").get_data(as_text=True)
    assert first.number in html and second.number not in html
    html = mediator.get(f"/queue?q={first.number}").get_data(as_text=True)
    assert first.number in html and second.number not in html
    html = mediator.get("/queue?state=nonsense&category=bogus&view=evil").get_data(as_text=True)
    assert first.number in html  # unknown filter values are ignored, never a 500


def test_a_worklist_line_says_what_sets_its_case_apart(app, demo, make_browser):
    """Each line links to its case and shows, in the reader's language: a transfer, the
    applicant's priority groups, the phone masked, the deadline and how far off it is."""
    from workflows.case import Tier

    case, plain = filed_case(), filed_case()
    case.migrant_worker = case.injured_worker = True
    case.transferred_from_tier = Tier.enterprise
    case.acceptance_deadline = local_today() + timedelta(days=3)
    db.session.commit()
    phone = case.applicant_phone
    mediator = make_browser()
    mediator.login("med_hr")

    def line(language: str, shown) -> str:
        html = mediator.get("/queue", headers={"Accept-Language": language})
        html = html.get_data(as_text=True)
        start = html.index(f'<a href="/cases/{shown.id}">{shown.number}</a>')
        return html[start : html.index("</tr>", start)]

    english = line("en", case)
    assert "<small>transfer</small>" in english
    assert "<small>Migrant worker、Injured worker</small>" in english
    assert f"<small>{phone[:3]}****{phone[-4:]}</small>" in english and phone not in english
    assert "3 days left" in english and ">Applied<" in english
    chinese = line("zh-CN", case)
    assert "<small>移送</small>" in chinese and "<small>农民工、工伤职工</small>" in chinese
    assert "还剩 3 天" in chinese
    nothing_apart = line("en", plain)
    assert "transfer" not in nothing_apart and "worker</small>" not in nothing_apart


def _close(case, trigger: str = "decline") -> None:
    from mediation.cases.operations import fire
    from tests.factories import user

    fire(case, trigger, actor=user("med_hr"), reason="不属于受理范围")


def test_worklist_views_split_waiting_mine_and_done(app, demo, make_browser):
    from mediation.cases.operations import claim
    from tests.factories import user

    waiting, mine, closed = filed_case(), filed_case(), filed_case()
    with app.test_request_context():
        claim(mine, actor=user("med_hr"))
        _close(closed)
        db.session.commit()
    numbers = {waiting.number: "waiting", mine.number: "mine", closed.number: "closed"}
    mediator = make_browser()
    mediator.login("med_hr")

    def listed(view: str) -> tuple[set[str], str]:
        html = mediator.get(f"/queue?view={view}", headers={"Accept-Language": "en"})
        html = html.get_data(as_text=True)
        return {kind for number, kind in numbers.items() if number in html}, html

    assert listed("queue")[0] == {"waiting"}
    shown, html = listed("mine")
    assert shown == {"mine"} and "<td>孙丽</td>" in html  # the mediator column: me
    shown, html = listed("done")
    assert shown == {"closed"} and "1 case" in html


def test_waiting_view_counts_exactly_and_pages_in_deadline_order(
    app, demo, make_browser, monkeypatch
):
    from datetime import timedelta

    monkeypatch.setattr("mediation.queue.worklist.PAGE_SIZE", 2)
    later, overdue, today = filed_case(), filed_case(), filed_case()
    for case, days in ((later, 2), (overdue, -1), (today, 0)):
        case.acceptance_deadline = local_today() + timedelta(days=days)
    db.session.commit()
    mediator = make_browser()
    mediator.login("med_hr")
    first = mediator.get("/queue", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "3 cases" in first and "Page 1 of 2" in first
    assert first.index(overdue.number) < first.index(today.number)
    assert later.number not in first and "due today" in first and "overdue" in first
    second = mediator.get("/queue?page=2", headers={"Accept-Language": "en"})
    second = second.get_data(as_text=True)
    assert later.number in second and overdue.number not in second and "Page 2 of 2" in second


def test_done_view_counts_up_to_a_limit_then_says_more_than(app, demo, make_browser, monkeypatch):
    """A centre's history grows every year; past the limit the page says "more than"
    instead of counting it all, and still pages through it."""
    monkeypatch.setattr("mediation.queue.worklist.PAGE_SIZE", 2)
    monkeypatch.setattr("mediation.queue.worklist.DONE_COUNT_LIMIT", 2)
    cases = [filed_case() for _ in range(3)]
    with app.test_request_context():
        for case in cases:
            _close(case)
        db.session.commit()
    mediator = make_browser()
    mediator.login("med_hr")
    english = {"Accept-Language": "en"}
    first = mediator.get("/queue?view=done", headers=english).get_data(as_text=True)
    assert "More than 2 cases" in first and "Page 1" in first and "Page 1 of" not in first
    assert cases[2].number in first and cases[0].number not in first  # latest closed first
    assert "view=done" in re.search(r'<a href="([^"]+)">Next</a>', first).group(1)
    last = mediator.get("/queue?view=done&page=2", headers=english).get_data(as_text=True)
    assert cases[0].number in last and ">Next<" not in last and ">Previous<" in last
    chinese = mediator.get("/queue?view=done", headers={"Accept-Language": "zh-CN"})
    assert "超过 2 件" in chinese.get_data(as_text=True)
    monkeypatch.setattr("mediation.queue.worklist.DONE_COUNT_LIMIT", 1000)
    exact = mediator.get("/queue?view=done", headers=english).get_data(as_text=True)
    assert "3 cases" in exact and "Page 1 of 2" in exact


def test_the_database_keeps_each_cases_current_deadline(app, demo):
    """The worklist sorts on a column the database computes from the state: it follows
    every transition without the services writing it."""
    from mediation.cases.operations import fire
    from tests.factories import user

    case = filed_case()
    assert case.current_deadline == case.acceptance_deadline
    with app.test_request_context():
        mediator = user("med_hr")
        fire(case, "accept", actor=mediator, respondent_consent=True, consent_via="window")
        db.session.commit()
        # accepted: the mediation period already runs (issue 15), mediating or not
        assert case.current_deadline == case.mediation_deadline is not None
        accepted_deadline = case.mediation_deadline
        fire(case, "mediate", actor=mediator)
        db.session.commit()
        assert case.current_deadline == case.mediation_deadline == accepted_deadline
        _close(case, "fail")
        db.session.commit()
        assert case.current_deadline is None


@pytest.mark.postgresql_only
def test_worklist_pages_are_read_in_order_from_their_indexes(app, demo):
    """On PostgreSQL each view's page comes from its partial index already in order, so it
    costs the same with a million cases as with ten. The plan is asked for with sorting and
    full scans made prohibitive: if it still sorts, the index no longer fits the query."""
    from sqlalchemy import event

    from mediation.queue.worklist import Filters, worklist_page
    from tests.factories import user

    filed_case()
    statements = []

    def capture(connection, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    mediator = user("med_hr")
    for view, index in (
        ("queue", "ix_cases_worklist_waiting"),
        ("mine", "ix_cases_worklist_mine"),
        ("done", "ix_cases_worklist_done"),
    ):
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", capture)
        try:
            worklist_page(mediator, Filters(view=view), local_today(), 1)
        finally:
            event.remove(db.engine, "before_cursor_execute", capture)
        cursor = db.session.connection().connection.driver_connection.cursor()
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        (statement, parameters), *_ = [s for s in statements if "ORDER BY" in s[0]]
        cursor.execute("EXPLAIN " + statement, parameters)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        assert index in plan and "Sort" not in plan, plan
        db.session.rollback()


def test_mediator_files_for_a_walk_in_applicant(app, demo, make_browser):
    mediator = make_browser()
    mediator.login("med_hr")
    data = {
        **FILING,
        "applicant_name": "赵六",
        "applicant_id_number": "11010519491231002X",
        "applicant_phone": "13700137000",
        "channel": "phone",
    }
    response = mediator.submit("/cases/new/visitor", data)
    assert response.status_code == 302
    case = db.session.scalar(select(Case))
    assert (case.channel, case.applicant_id, case.applicant_name) == ("phone", None, "赵六")
    assert case.filed_by.username == "med_hr"


def test_employer_answers_the_request_to_mediate(app, demo, make_browser):
    case = filed_case()
    employer = make_browser()
    employer.login("employer1")
    assert case.number in employer.get("/company/cases").get_data(as_text=True)
    response = employer.submit(
        f"/cases/{case.id}/respond",
        {"answer": "refuse", "statement": "已全额支付"},
        page=f"/cases/{case.id}",
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).respondent_consent is False
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "case.respondent_refused")
    )
    assert event.note == "已全额支付" and event.actor_role == "employer_rep"


def test_each_party_uploads_at_most_ten_files(app, demo, make_browser):
    case = filed_case()
    worker = make_browser()
    worker.login("worker1")
    files = [(io.BytesIO(PDF), f"证据{i}.pdf") for i in range(11)]
    response = worker.submit(
        f"/cases/{case.id}/evidence",
        {"file": files},
        page=f"/cases/{case.id}",
        content_type="multipart/form-data",
        headers={"Accept-Language": "en"},
    )
    assert "at most 10 files" in errors(response)["file"]
    assert db.session.scalar(select(func.count(Evidence.id))) == 10
    employer = make_browser()
    employer.login("employer1")
    response = employer.submit(
        f"/cases/{case.id}/evidence",
        {"file": [(io.BytesIO(PDF), "考勤表.pdf")]},
        page=f"/cases/{case.id}",
        content_type="multipart/form-data",
    )
    assert response.status_code == 302  # the employer has ten of its own


def test_an_archived_case_is_read_only(app, demo, make_browser):
    case = filed_case()
    with app.test_request_context():
        from mediation.cases.operations import fire
        from tests.factories import served_on_the_parties, user

        fire(case, "decline", actor=user("med_hr"), reason="不属于受理范围")
        served_on_the_parties(case, "decline_notice")
        fire(case, "archive", actor=user("med_hr"), checklist_complete=True)
        db.session.commit()
    mediator = make_browser()
    mediator.login("med_hr")
    html = mediator.get(f"/cases/{case.id}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "What you can do" not in html and "Upload" not in html
    worker = make_browser()
    worker.login("worker1")
    response = worker.submit(
        f"/cases/{case.id}/evidence",
        {"file": [(io.BytesIO(PDF), "晚到的证据.pdf")]},
        page=f"/cases/{case.id}",
        content_type="multipart/form-data",
        headers={"Accept-Language": "en"},
        follow_redirects=True,
    )
    assert "not possible while the case is in this state" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Evidence.id))) == 0


def test_each_party_rates_a_closed_case_once(app, demo, make_browser):
    from mediation.models import Notification, Rating

    case = filed_case()
    with app.test_request_context():
        from mediation.cases.operations import fire
        from tests.factories import user

        fire(case, "decline", actor=user("med_hr"), reason="不属于受理范围")
        db.session.commit()
    # Not asked on the day it closed: the sweep asks a day later, when the form opens
    # (tests/notifications/test_human_dates_and_badge.py).
    assert not db.session.scalar(
        select(func.count(Notification.id)).where(Notification.kind == "rating_reminder")
    )
    case.closed_at -= timedelta(days=1)  # the rating is offered from the day after closure
    db.session.commit()
    worker = make_browser()
    worker.login("worker1")
    page = f"/cases/{case.id}"
    assert (
        worker.submit(f"{page}/rating", {"score": "4", "comment": "很耐心"}, page=page).status_code
        == 302
    )
    again = worker.submit(f"{page}/rating", {"score": "1", "comment": ""}, page=page)
    assert again.status_code == 302
    assert [r.score for r in db.session.scalars(select(Rating))] == [4]
    bad = make_browser()
    bad.login("employer1")
    response = bad.submit(
        f"{page}/rating", {"score": "9"}, page=page, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 422 and "Not a valid choice" in response.get_data(as_text=True)
    mediator = make_browser()
    mediator.login("med_hr")
    assert mediator.submit(f"{page}/rating", {"score": "5"}, page=page).status_code == 403


def _page_and_statements(browser, url: str) -> tuple[str, list[str]]:
    """The page in English, and the SQL statements its request sent."""
    with statements_sent() as sent:
        page = browser.get(url, headers={"Accept-Language": "en"})
    assert page.status_code == 200
    return page.get_data(as_text=True), [statement for statement, _parameters in sent]


def test_the_case_page_reads_the_employers_district_with_the_case(app, demo, make_browser):
    """The legal-aid station (and the arbitration commission, the court of a payment order) is
    the employer's district's: the page loads the district with the case, instead of one
    statement for each step up the regions."""
    from tests.factories import mediating_case

    case = mediating_case()
    worker = make_browser()
    worker.login("worker1")
    page, statements = _page_and_statements(worker, f"/cases/{case.id}")
    assert case.employer.region.district.legal_aid_station in page
    assert not [statement for statement in statements if "FROM regions" in statement]


def test_an_open_cases_page_does_not_look_for_ratings(app, demo, make_browser):
    """The rating panel shows once the case is closed; before, the page has none to read."""
    from tests.factories import mediating_case

    case = mediating_case()
    worker = make_browser()
    worker.login("worker1")
    page, statements = _page_and_statements(worker, f"/cases/{case.id}")
    assert "Rate the service" not in page
    assert not [statement for statement in statements if "FROM ratings" in statement]
