"""Issue 18: the case page says what waits for its reader, and says it to them.

The "waiting for you" box at the top lists exactly what this person must do now, each a link
to its form further down; texts about the worker's rights say "you" to the worker and "the
worker" to anyone else; the employer's answer is in the summary; the tracker shows every
organisation after a transfer; the court's screen for a settled case is about confirmation;
the employer's reply and the rating have no answer chosen for the person; the rating is offered
from the day after closure (``ratings.RATING_OFFERED_AFTER_DAYS``)."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from mediation.cases import agreements, casework, extension, ratings, sessions
from mediation.cases.operations import fire
from mediation.court import confirmations, dates
from mediation.extensions import db
from mediation.models import Case, Organization, Rating, SessionMode
from mediation.models.types import utcnow
from tests.factories import filed_case, mediating_case, user

EN = {"Accept-Language": "en"}


def page_of(browser, case: Case) -> str:
    return browser.get(f"/cases/{case.id}", headers=EN).get_data(as_text=True)


def section(html: str, marker: str) -> str:
    """The <section> of the page that carries ``marker`` in its opening tag, or ''."""
    start = html.find(marker)
    if start < 0:
        return ""
    start = html.rfind("<section", 0, start)
    return html[start : html.index("</section>", start)]


def waiting(html: str) -> list[str]:
    """The links of the "waiting for you" box; each must lead to an element of the page."""
    box = section(html, 'id="waiting"')
    anchors = re.findall(r'href="#([^"]+)"', box)
    for anchor in anchors:
        assert f'id="{anchor}"' in html, f"#{anchor} leads nowhere"
    return anchors


@pytest.fixture
def people(make_browser):
    """Signed-in browsers of the worker, the employer's representative and the mediator."""
    signed_in = {}
    for username in ("worker1", "employer1", "med_hr"):
        signed_in[username] = make_browser()
        signed_in[username].login(username)
    return signed_in


def test_the_box_lists_exactly_what_each_person_must_do_now(app, demo, people):
    worker, employer, mediator = people["worker1"], people["employer1"], people["med_hr"]
    case = filed_case()
    assert waiting(page_of(employer, case)) == ["response"]
    assert "Answer the request to mediate" in page_of(employer, case)
    assert waiting(page_of(worker, case)) == waiting(page_of(mediator, case)) == []

    casework.respond_to_request(case, actor=user("employer1"), consent=True, statement="")
    staff = user("med_hr")
    fire(case, "accept", actor=staff, respondent_consent=True)
    fire(case, "mediate", actor=staff)
    ahead = sessions.schedule_session(
        case,
        actor=staff,
        starts_at=utcnow() + timedelta(days=2),
        mode=SessionMode.in_person,
        location="调解室一",
    )
    begun = sessions.schedule_session(
        case,
        actor=staff,
        starts_at=utcnow() + timedelta(days=3),
        mode=SessionMode.in_person,
        location="调解室二",
    )
    begun.starts_at = utcnow() - timedelta(hours=1)  # held an hour ago, no minutes yet
    extension.propose_extension(case, actor=staff, days=5, reason="双方需要核对考勤记录")
    db.session.commit()
    attend, proposal = f"session-{ahead.id}", "extension-answer"
    assert waiting(page_of(worker, case)) == [proposal, attend]
    assert waiting(page_of(employer, case)) == [proposal, attend]
    assert waiting(page_of(mediator, case)) == [f"session-{begun.id}"]  # write its minutes

    sessions.write_minutes(case, begun, actor=staff, minutes="双方陈述了意见。")
    agreements.draft_agreement(
        case, actor=staff, terms="公司于月底前支付13000元", amount=13000, due_date=None
    )
    agreements.sign(case, actor=user("worker1"), version=1, password="demo-2026")
    db.session.commit()
    minutes = f"session-{begun.id}"
    assert waiting(page_of(worker, case)) == [proposal, minutes, attend]  # sessions by time
    html = page_of(employer, case)
    assert waiting(html) == ["agreement-sign", proposal, minutes, attend]
    assert "Sign version 1 of the mediation agreement" in section(html, 'id="waiting"')
    assert 'id="agreement-sign"' in section(html, 'id="agreement"')  # the signing form itself
    assert waiting(page_of(mediator, case)) == []


def test_the_worker_reads_you_and_everyone_else_reads_the_worker(app, demo, people):
    open_case = filed_case()
    worker_page, staff_page = (
        page_of(people["worker1"], open_case),
        page_of(people["med_hr"], open_case),
    )
    assert "If there is no agreement by then, you may apply" in worker_page
    assert "owed while you are still employed are not limited in time" in worker_page
    for html in (staff_page, page_of(people["employer1"], open_case)):
        assert "If there is no agreement by then, the worker may apply" in html
        assert "owed while the worker is still employed are not limited in time" in html
        assert "you may apply" not in html and "you are still employed" not in html

    failed = mediating_case()
    fire(failed, "fail", actor=user("med_hr"), reason="双方分歧较大")
    db.session.commit()
    assert "You may apply for labour arbitration to" in page_of(people["worker1"], failed)
    staff_page = page_of(people["med_hr"], failed)
    assert "The worker may apply for labour arbitration to" in staff_page
    assert "you may apply" not in staff_page.lower()


def test_the_employer_answer_and_statement_are_in_the_summary(app, demo, people):
    case = filed_case()
    casework.respond_to_request(
        case, actor=user("employer1"), consent=False, statement="工资已于10月全额支付。"
    )
    db.session.commit()
    for who in ("med_hr", "worker1", "employer1"):
        summary = section(page_of(people[who], case), 'aria-labelledby="dispute-title"')
        assert "The employer's answer" in summary, who
        assert "Refuses mediation" in summary and "工资已于10月全额支付。" in summary, who


def test_after_a_transfer_the_tracker_names_both_organisations_in_order(app, demo, people):
    case = filed_case()
    court = db.session.scalar(select(Organization).where(Organization.kind == "court"))
    first = case.organization.name
    fire(case, "escalate", actor=user("med_hr"), reason="金额较大", organization_id=court.id)
    db.session.commit()
    html = page_of(people["worker1"], case)
    tiers = html[html.index('<ol class="tiers"') : html.index("<section")]
    stages = re.findall(r'<li class="tiers__stage tiers__stage--(\w+)"', tiers)
    assert stages == ["done", "current"]
    assert tiers.index(first) < tiers.index(court.name)
    here = tiers[tiers.index("tiers__stage--current") :]
    assert court.name in here and "(the case is here now)" in here
    assert 'aria-current="location"' in here and 'aria-current="step"' in here
    assert "Transferred on to the next organisation on" in tiers


def settled_and_asked(app) -> Case:
    case = mediating_case()
    staff = user("med_hr")
    agreements.draft_agreement(
        case, actor=staff, terms="公司于11月30日前支付13000元", amount=13000, due_date=None
    )
    for party in ("worker1", "employer1"):
        agreements.sign(case, actor=user(party), version=1, password="demo-2026")
    fire(case, "settle", actor=staff)
    for party in ("worker1", "employer1"):
        confirmations.request_confirmation(case, actor=user(party))
    db.session.commit()
    return case


def test_the_court_screen_for_a_settled_case_is_about_confirmation(app, demo, make_browser):
    case = settled_and_asked(app)
    court = make_browser()
    court.login("court1")
    html = court.get(f"/court/cases/{case.id}", headers=EN).get_data(as_text=True)
    assert f"Judicial confirmation: case {case.number}" in html
    for transfer_wording in ("Transfer packet", "lower tiers", "No reason was recorded"):
        assert transfer_wording not in html
    assert "公司于11月30日前支付13000元" in html and "signed version 1 on" in html
    assert html.count("asked on") == 2
    due = dates.decision_due(case.confirmation)
    assert f"Decide by {due.day} {due.strftime('%b')}" in html and "第五条" in html
    response = court.submit(
        f"/court/cases/{case.id}/confirmation",
        {"decision": "refuse", "reason": ""},
        page=f"/court/cases/{case.id}",
        headers=EN,
    )
    assert response.status_code == 422
    assert "Judicial confirmation: case" in response.get_data(as_text=True)


def unchosen(html: str, field_id: str) -> bool:
    """The select offers "choose" first and has no answer selected for the person."""
    select = re.search(rf'<select id="{field_id}".*?</select>', html, re.S).group(0)
    return '<option value="">' in select and "selected" not in select


def field_error(html: str, field_id: str) -> str:
    match = re.search(rf'<p class="field-error" id="{field_id}-error">(.*?)</p>', html, re.S)
    return match.group(1).strip() if match else ""


def test_the_employer_reply_needs_an_answer_chosen(app, demo, people):
    case = filed_case()
    html = page_of(people["employer1"], case)
    assert unchosen(html, "answer")
    response = people["employer1"].submit(
        f"/cases/{case.id}/respond",
        {"answer": "", "statement": "对加班时长有异议。"},
        page=f"/cases/{case.id}",
        headers=EN,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(html, "answer") == "Choose whether the company agrees to mediation."
    assert "对加班时长有异议。</textarea>" in html  # what was typed is kept
    db.session.expire_all()
    assert db.session.get(Case, case.id).respondent_consent is None


def test_the_rating_is_offered_from_the_day_after_closure(app, demo, people, clock):
    clock.today = date(2026, 3, 2)
    case = filed_case()
    fire(case, "decline", actor=user("med_hr"), reason="不属于受理范围")
    db.session.commit()
    worker, url = people["worker1"], f"/cases/{case.id}/rating"
    html = page_of(worker, case)
    assert url not in html and "rating" not in waiting(html)
    assert "From 3 Mar 2026 you can tell us how the mediation went." in html
    worker.submit(url, {"score": "4"}, page=f"/cases/{case.id}")
    assert db.session.scalar(select(func.count(Rating.id))) == 0

    clock.today += timedelta(days=ratings.RATING_OFFERED_AFTER_DAYS)
    html = page_of(worker, case)
    assert waiting(html) == ["rating"] and url in html
    assert unchosen(html, "score")
    refused = worker.submit(url, {"score": "", "comment": "很耐心"}, page=url[:-7], headers=EN)
    assert refused.status_code == 422
    assert field_error(refused.get_data(as_text=True), "score") == (
        "Choose how satisfied you are, from 1 to 5."
    )
    assert "很耐心</textarea>" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Rating.id))) == 0
    assert worker.submit(url, {"score": "4", "comment": "很耐心"}, page=url[:-7]).status_code == 302
    assert [r.score for r in db.session.scalars(select(Rating))] == [4]
    assert waiting(page_of(worker, case)) == []
