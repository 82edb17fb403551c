"""Issue 18: each role's home page is its worklist, every count links to the list behind it,
and the header leads each role to its main pages."""

import html as markup
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from mediation.cases import agreements, conversation
from mediation.cases.operations import claim, fire
from mediation.extensions import db
from mediation.i18n import days_left
from mediation.localtime import local_today
from mediation.models import MessageChannel, Organization, OrgKind
from tests.factories import filed_case, mediating_case, user
from tests.test_access import DEMO_ACCOUNT

EN = {"Accept-Language": "en"}
TALLY = re.compile(
    r'data-tally="(?P<name>[\w-]+)">\s*<a href="(?P<href>[^"]*)">'
    r'<strong class="tally__number">(?P<number>[^<]*)</strong>(?P<rest>.*?)</li>',
    re.S,
)


def tallies(page: str) -> dict[str, tuple[str, str, str]]:
    """Each count of a home page: name → (number, link, the words around it)."""
    return {
        m["name"]: (m["number"], markup.unescape(m["href"]), re.sub(r"<[^>]+>|\s+", " ", m["rest"]))
        for m in TALLY.finditer(page)
    }


def home(browser, username: str) -> str:
    browser.login(username)
    return browser.get("/", headers=EN).get_data(as_text=True)


@pytest.mark.parametrize(
    ("days", "words"),
    [(3, "3 days left"), (1, "due tomorrow"), (0, "due today"), (-2, "2 days overdue")],
)
def test_days_left_counts_calendar_days_from_today_in_shanghai(in_request, days, words):
    assert f">{words}</span>" in days_left(local_today() + timedelta(days=days))


def test_mediator_sees_new_applications_due_tomorrow_own_cases_and_unread_messages(
    app, demo, browser
):
    today = local_today()
    soon, later, mine = filed_case(), filed_case(), filed_case()
    with app.test_request_context():
        claim(mine, actor=user("med_hr"))
        conversation.post_message(
            mine, actor=user("worker1"), channel=MessageChannel.joint, text="请问何时调解？"
        )
        soon.acceptance_deadline = today + timedelta(days=1)
        later.acceptance_deadline = today + timedelta(days=4)
        mine.acceptance_deadline = today - timedelta(days=2)
        db.session.commit()

    page = home(browser, "med_hr")
    counts = tallies(page)
    number, href, words = counts["new-applications"]
    assert (number, href) == ("2", "/queue?view=queue&state=applied")
    assert "new applications in the queue" in words and "1 due tomorrow" in words
    assert counts["mine"][:2] == ("1", "/queue?view=mine")
    assert counts["mine-overdue"][:2] == ("1", "/queue?view=mine&overdue=1")
    assert counts["unread"][0] == "1"
    assert f'href="/cases/{mine.id}#conversation">{mine.number}</a> · 1 new message' in page
    nearest = page.split("Your cases, nearest deadline first", 1)[1]
    assert mine.number in nearest and "2 days overdue" in nearest
    assert "How mediation works" not in page

    # The count is the list's: the worklist behind the link says the same.
    listed = browser.get(href, headers=EN).get_data(as_text=True)
    assert "2 cases" in listed and soon.number in listed and later.number in listed
    assert "due tomorrow" in listed and "4 days left" in listed  # beside each deadline


def test_worker_sees_the_agreement_to_sign_first_with_a_link_to_the_case(app, demo, browser):
    with app.test_request_context():
        agreed = mediating_case()
        agreements.draft_agreement(
            agreed,
            actor=user("med_hr"),
            terms="公司支付工资13000元。",
            amount=Decimal(13000),
            due_date=None,
        )
        db.session.commit()
        newer = filed_case()  # filed later, nothing waits on it yet

    page = home(browser, "worker1")
    first, second = page.split('<li class="home-case')[1:3]
    assert agreed.number in first and "Waiting for you" in first
    assert f'href="/cases/{agreed.id}#agreement-sign">Sign the agreement</a>' in first
    assert newer.number in second and "Waiting for you" not in second
    assert "The organisation decides whether to accept the case by" in second  # its next step
    assert "1 thing is waiting for you." in page
    assert "How mediation works" in page
    # "My cases" marks the same case, with the same link.
    mine = browser.get("/cases/mine", headers=EN).get_data(as_text=True)
    marked = mine.split(f"<strong>{agreed.number}</strong>")[1].split("</li>\n")[0]
    assert "Waiting for you" in marked
    assert f'href="/cases/{agreed.id}#agreement-sign">Sign the agreement</a>' in mine
    assert mine.count("Waiting for you") == 1


def test_employer_sees_the_cases_to_answer_and_the_agreement_to_sign(app, demo, browser):
    with app.test_request_context():
        to_answer = filed_case()
        agreed = mediating_case()
        agreements.draft_agreement(
            agreed,
            actor=user("med_hr"),
            terms="公司支付工资。",
            amount=Decimal(1000),
            due_date=None,
        )
        db.session.commit()

    page = home(browser, "employer1")
    counts = tallies(page)
    assert counts["to-answer"][:2] == ("1", "/company/cases?waiting=respond")
    assert counts["to-sign"][:2] == ("1", "/company/cases?waiting=sign")
    assert counts["sessions"][:2] == ("0", "/company/cases?waiting=sessions")
    # Each count is its list's: the list behind the link shows as many, and says so.
    listed = browser.get("/company/cases?waiting=respond", headers=EN).get_data(as_text=True)
    assert "1 case waits for the company's answer." in listed
    assert listed.count('<li class="case-card">') == 1 and to_answer.number in listed
    listed = browser.get("/company/cases?waiting=sign", headers=EN).get_data(as_text=True)
    assert "1 agreement waits for the company's signature." in listed
    assert f'href="/cases/{agreed.id}#agreement-sign"' in listed and to_answer.number not in listed
    listed = browser.get("/company/cases?waiting=sessions", headers=EN).get_data(as_text=True)
    assert "0 sessions are coming up." in listed
    every = browser.get("/company/cases", headers=EN).get_data(as_text=True)
    assert "2 cases." in every and every.count('<p class="waiting-mark">Waiting for you</p>') == 2
    assert f'href="/cases/{to_answer.id}#response">{to_answer.number}</a>' in page
    assert "days left" in page.split("<h3>Cases to answer</h3>", 1)[1]
    assert f'href="/cases/{agreed.id}#agreement-sign">Sign the agreement</a>' in page
    assert "How mediation works" in page


def test_court_officer_and_supervisor_see_their_counts_linked_to_their_lists(
    app, demo, make_browser
):
    with app.test_request_context():
        case = filed_case(lost_job=True, reemployment_consent=True)
        mediator = user("med_hr")
        fire(case, "accept", actor=mediator, respondent_consent=True, consent_via="window")
        fire(case, "mediate", actor=mediator)
        fire(case, "fail", actor=mediator, reason="公司拒绝支付")
        court = db.session.scalar(select(Organization.id).where(Organization.kind == OrgKind.court))
        fire(case, "escalate", actor=mediator, reason="申请人要求法院调解", organization_id=court)
        filed_case()
        db.session.commit()

    court_page = home(make_browser(), "court1")
    assert tallies(court_page)["transfers"][:2] == ("1", "/court/")
    assert tallies(court_page)["confirmations"][:2] == ("0", "/court/#confirmations")
    assert f'href="/court/cases/{case.id}">{case.number}</a> · decide by' in court_page

    officer_page = home(make_browser(), "reemploy1")
    number, href, words = tallies(officer_page)["referrals-queue"]
    assert (number, href) == ("1", "/referrals/?view=queue") and "1 to contact first" in words
    assert "李明</a> · contact by" in officer_page and "days left" in officer_page

    supervisor_page = home(make_browser(), "supervisor1")
    counts = tallies(supervisor_page)
    number, href = counts["received"][:2]
    assert number == "2" and href.startswith("/stats/cases?figure=received&period=month&on=")
    assert counts["overdue"][:2] == ("0", "/supervision/overdue")
    assert counts["alerts"][1] == "/stats/alerts?waiting=1"
    for page in (court_page, officer_page, supervisor_page):
        assert "How mediation works" not in page


MAIN_PAGES = {
    "worker": {"/cases/mine"},
    "employer_rep": {"/company/cases"},
    "mediator": {"/queue", "/representatives/", "/team"},
    "court_liaison": {"/court/", "/queue"},
    "reemployment_officer": {"/referrals/", "/referrals/vacancies"},
    "supervisor": {
        "/stats/",
        "/stats/alerts",
        "/supervision/overdue",
        "/supervision/network",
        "/admin/organizations",
    },
    "admin": {
        "/admin/accounts",
        "/admin/organizations",
        "/admin/employers",
        "/admin/regions",
        "/admin/routing",
        "/admin/calendar",
        "/admin/outbox",
        "/admin/audit",
        "/admin/retention",
        "/representatives/",
    },
}


@pytest.mark.parametrize("role", list(DEMO_ACCOUNT))
def test_header_leads_each_role_to_its_main_pages_and_only_those_it_may_open(
    app, demo, browser, role
):
    page = home(browser, DEMO_ACCOUNT[role])
    nav = page.split('<nav class="main-nav"', 1)[1].split("</nav>", 1)[0]
    links = set(re.findall(r'href="([^"]+)"', nav))
    assert links == MAIN_PAGES[role]
    for link in links:
        assert browser.get(link, headers=EN).status_code == 200, link
    assert 'href="/notifications"' in page
