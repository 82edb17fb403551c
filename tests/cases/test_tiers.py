"""The four tiers as one loop: rules an admin edits, transfers, returns, the court's desk,
judicial confirmation, arbitration advice."""

import html
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from mediation.cases import agreements
from mediation.cases.operations import fire
from mediation.court import dates as court_dates
from mediation.extensions import db
from mediation.i18n import human_date
from mediation.models import (
    AuditEvent,
    Case,
    CaseDocument,
    DocumentKind,
    DocumentService,
    Organization,
    RoutingRuleRow,
)
from tests.factories import filed_case, user
from workflows.case import Tier

pytestmark = pytest.mark.both_databases


def org_id(name: str) -> int:
    return db.session.scalar(select(Organization.id).where(Organization.name == name))


DISTRICT_CENTRE = "清城区劳动人事争议调解中心"
STREET_CENTRE = "凤城街道劳动人事争议调解中心"
COURT = "清城区人民法院诉前调解中心"
BASIC_COURT = "清远市清城区人民法院"
EN = {"Accept-Language": "en"}


def test_admin_adds_a_rule_and_the_next_filing_follows_it(app, demo, make_browser):
    admin = make_browser()
    admin.login("admin")
    response = admin.submit(
        "/admin/routing/new",
        {
            "name": "欠薪案件由区中心办理",
            "name_en": "Wage arrears go to the district centre",
            "destination": "organization",
            "organization": str(org_id(DISTRICT_CENTRE)),
            "preferred_tier": "",
            "min_workers": "",
            "min_amount": "",
            "categories": ["wage_arrears"],
            "active": "y",
        },
    )
    assert response.status_code == 302
    rule = db.session.scalar(select(RoutingRuleRow).where(RoutingRuleRow.key.is_(None)))
    listed = admin.get("/admin/routing", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Wage arrears go to the district centre" in listed
    assert "欠薪案件由区中心办理" in admin.get("/admin/routing").get_data(as_text=True)
    [saved] = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "routing.rule_saved", AuditEvent.subject_id == rule.id
        )
    )
    assert saved.details["before"]["categories"] is None
    assert saved.details["after"]["categories"] == ["wage_arrears"]
    assert saved.details["after"]["organization_id"] == org_id(DISTRICT_CENTRE)
    for _ in range(6):  # to the top of the list
        admin.submit(f"/admin/routing/{rule.id}/move/up", {}, page="/admin/routing")
    with app.test_request_context():
        case = filed_case()
    assert case.organization.name == DISTRICT_CENTRE
    assert case.routing_reason == "欠薪案件由区中心办理"
    worker = make_browser()
    worker.login("worker1")
    page = worker.get(f"/cases/{case.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "because Wage arrears go to the district centre." in page  # the reader's language
    assert "欠薪案件由区中心办理" in worker.get(f"/cases/{case.id}").get_data(as_text=True)
    token = (
        app.test_client()
        .post("/api/v1/tokens", json={"username": "worker1", "password": "demo-2026"})
        .json["token"]
    )
    for language, name in (
        ("en", "Wage arrears go to the district centre"),
        ("zh", "欠薪案件由区中心办理"),
    ):
        answer = app.test_client().get(
            f"/api/v1/cases/{case.id}",
            headers={"Authorization": f"Bearer {token}", "Accept-Language": language},
        )
        assert answer.json["routing_rule"] == name  # the API names it as the page does

    admin.submit(f"/admin/routing/{rule.id}/toggle", {}, page="/admin/routing")
    with app.test_request_context():
        assert filed_case().organization.name == STREET_CENTRE
    changes = {
        event.action: (event.details["before"], event.details["after"])
        for event in db.session.scalars(
            select(AuditEvent).where(AuditEvent.subject_id == rule.id).order_by(AuditEvent.id)
        )
        if event.action.startswith("routing.rule_")
    }
    assert changes["routing.rule_disabled"] == ({"active": True}, {"active": False})
    assert changes["routing.rule_moved"] == ({"position": 2}, {"position": 1})


def test_try_it_shows_the_rule_a_sample_case_hits(app, demo, browser):
    from mediation.models import Employer

    browser.login("admin")
    employer = db.session.scalar(select(Employer).where(Employer.uscc == "91350100M000100Y43"))
    html = browser.get(
        f"/admin/routing?employer={employer.id}&categories=wage_arrears&amount=250000&workers=1"
        "&preferred_tier=&channel=web",
        headers={"Accept-Language": "en"},
    ).get_data(as_text=True)
    assert f"It would go to {DISTRICT_CENTRE}" in html and "请求金额二十万元以上" in html


def test_a_rule_for_one_organisation_needs_the_organisation(app, demo, browser):
    browser.login("admin")
    response = browser.submit(
        "/admin/routing/new",
        {
            "name": "x",
            "destination": "organization",
            "organization": "0",
            "preferred_tier": "",
            "min_workers": "",
            "min_amount": "",
            "active": "y",
        },
        headers={"Accept-Language": "en"},
    )
    assert "Choose the organisation" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(RoutingRuleRow.id))) == 6


def test_a_rule_without_name_nor_organisation_hears_both_at_once(app, demo, browser):
    browser.login("admin")
    response = browser.submit(
        "/admin/routing/new",
        {"name": "", "destination": "organization", "organization": "0", "min_workers": "x"},
        headers={"Accept-Language": "en"},
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    for field in ("name", "organization", "min_workers"):
        assert f'href="#{field}"' in text.split('class="error-summary"')[1], field
    assert "Choose the organisation" in text


def test_try_it_with_bad_input_names_the_problems(app, demo, browser):
    browser.login("admin")
    html = browser.get(
        "/admin/routing?employer=0&amount=lots&workers=0&preferred_tier=&channel=web",
        headers={"Accept-Language": "en"},
    ).get_data(as_text=True)
    summary = html.split('class="error-summary"')[1].split("</div>")[0]
    for field in ("employer", "amount", "workers"):
        assert f'href="#{field}"' in summary and f'id="{field}-error"' in html, field
    assert 'value="lots"' in html  # what was typed is kept
    assert "It would go to" not in html


def test_transferred_case_leaves_the_sender_queue_but_stays_readable(app, demo, make_browser):
    with app.test_request_context():
        case = filed_case()
        fire(
            case,
            "escalate",
            actor=user("med_hr"),
            reason="涉及多名工人",
            organization_id=org_id(COURT),
        )
        db.session.commit()
    sender = make_browser()
    sender.login("med_hr")
    assert case.number not in sender.get("/queue").get_data(as_text=True)
    page = sender.get(f"/cases/{case.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert case.number in page and "What you can do" not in page
    assert "涉及多名工人" in page  # the reason, on the path across organisations
    receiver = make_browser()
    receiver.login("court1")
    assert case.number in receiver.get("/queue").get_data(as_text=True)
    assert case.number in receiver.get("/court/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "", "organization_id": ""}, "Please write the reason."),
        ({"reason": "x", "organization_id": "__street__"}, "Choose one of the organisations"),
        ({"reason": "x", "organization_id": "__enterprise__"}, "Choose one of the organisations"),
        ({"reason": "x", "organization_id": "court"}, "Enter a whole number."),
    ],
)
def test_bad_escalation_is_refused_and_changes_nothing(app, demo, make_browser, data, message):
    with app.test_request_context():
        case = filed_case()  # at the street centre (hr_bureau tier)
    placeholders = {
        "__street__": org_id("东城街道劳动人事争议调解中心"),
        "__enterprise__": org_id("清远某某新材料有限公司劳动争议调解委员会"),
    }
    data = {k: str(placeholders.get(v, v)) for k, v in data.items()}
    mediator = make_browser()
    mediator.login("med_hr")
    response = mediator.act(
        case.id,
        "escalate",
        data,
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, case.id).organization.name == STREET_CENTRE


def test_double_submitted_escalation_transfers_once(app, demo, make_browser):
    from tests.conftest import csrf_token_from

    with app.test_request_context():
        case = filed_case()
    mediator = make_browser()
    mediator.login("med_hr")
    token = csrf_token_from(mediator.get(f"/cases/{case.id}").get_data(as_text=True))
    data = {
        "escalate-reason": "需法院调解",
        "escalate-organization_id": str(org_id(COURT)),
        "csrf_token": token,
    }
    first = mediator.client.post(f"/cases/{case.id}/act/escalate", data=data)
    second = mediator.client.post(f"/cases/{case.id}/act/escalate", data=data)
    assert first.status_code == second.status_code == 302
    page = mediator.get(f"/cases/{case.id}")
    assert "该案件已转至其他组织办理" in page.get_data(as_text=True)  # told in Chinese, the default
    escalations = db.session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.case_id == case.id, AuditEvent.action == "case.escalate"
        )
    )
    assert escalations == 1


@pytest.mark.commits  # each thread has its own connection
def test_concurrent_escalations_of_one_case_transfer_it_once(app, demo):
    from mediation.core.errors import Refused

    with app.test_request_context():
        case = filed_case()
    case_id, court = case.id, org_id(COURT)
    barrier, outcomes = threading.Barrier(2), []

    def escalate():
        with app.test_request_context():
            loaded = db.session.get(Case, case_id)
            assert loaded.organization is not None  # loaded before the race
            barrier.wait()
            try:
                fire(loaded, "escalate", actor=user("med_hr"), reason="x", organization_id=court)
                db.session.commit()
                outcomes.append("moved")
            except Refused as error:
                outcomes.append(error.code)
            except Exception as error:
                outcomes.append(type(error).__name__)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=escalate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["changed_meanwhile", "moved"]
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.case_id == case_id, AuditEvent.action == "case.escalate"
            )
        )
        == 1
    )


def test_court_returns_a_transfer_and_it_lands_back_with_the_reason(app, demo, make_browser):
    with app.test_request_context():
        case = filed_case()
        fire(
            case, "escalate", actor=user("med_hr"), reason="调解不成", organization_id=org_id(COURT)
        )
        db.session.commit()
    court = make_browser()
    court.login("court1")
    desk = court.get("/court/").get_data(as_text=True)
    assert case.number in desk
    packet = court.get(f"/court/cases/{case.id}", headers={"Accept-Language": "en"})
    assert "Why the lower tiers did not settle it" in packet.get_data(as_text=True)
    response = court.act(
        case.id, "return", {"reason": "证据材料不全，请补充"}, page=f"/court/cases/{case.id}"
    )
    assert response.status_code == 302
    mediator = make_browser()
    mediator.login("med_hr")
    assert case.number in mediator.get("/queue").get_data(as_text=True)
    page = mediator.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "证据材料不全，请补充" in page


def test_the_applicant_may_ask_for_the_next_tier_after_a_failure(app, demo, make_browser):
    with app.test_request_context():
        case = filed_case(preferred_tier=Tier.enterprise)
        committee = user("med_enterprise")
        fire(case, "accept", actor=committee, respondent_consent=True, consent_via="window")
        fire(case, "mediate", actor=committee)
        fire(case, "fail", actor=committee, reason="公司不同意支付")
        db.session.commit()
    worker = make_browser()
    worker.login("worker1")
    page = worker.get(f"/cases/{case.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Labour arbitration" in page and "Transfer to another organisation" in page
    response = worker.act(case.id, "escalate", {"reason": "希望工会调解", "organization_id": ""})
    assert response.status_code == 302
    db.session.expire_all()
    moved = db.session.get(Case, case.id)
    assert (moved.state, moved.outcome, moved.tier) == ("applied", None, "union")
    assert moved.organization.name == "清城区总工会劳动争议调解委员会"


def settle(case):
    mediator = user("med_hr")
    fire(case, "accept", actor=mediator, respondent_consent=True, consent_via="window")
    fire(case, "mediate", actor=mediator)
    agreements.draft_agreement(
        case, actor=mediator, terms="公司支付13000元", amount=13000, due_date=None
    )
    agreements.sign(
        case, actor=user("worker1"), version=case.agreement.version, password="demo-2026"
    )
    agreements.sign(
        case, actor=user("employer1"), version=case.agreement.version, password="demo-2026"
    )
    fire(case, "settle", actor=mediator)
    db.session.commit()


def test_judicial_confirmation_needs_both_parties_and_the_court(app, demo, make_browser):
    with app.test_request_context():
        case = filed_case()
        settle(case)
    worker, employer, court = make_browser(), make_browser(), make_browser()
    worker.login("worker1")
    employer.login("employer1")
    court.login("court1")
    worker.submit(f"/cases/{case.id}/confirmation", {}, page=f"/cases/{case.id}")
    assert case.number not in court.get("/court/").get_data(as_text=True)  # one party only
    employer.submit(f"/cases/{case.id}/confirmation", {}, page=f"/cases/{case.id}")
    # The desk and the home page say by when the court decides (as its screen does).
    with app.test_request_context(headers={"Accept-Language": "en"}):
        decide_by = court_dates.decision_due(db.session.get(Case, case.id).confirmation)
        written = human_date(decide_by)
    en = {"Accept-Language": "en"}
    desk = court.get("/court/", headers=en).get_data(as_text=True)
    row = desk.split('id="confirmations"')[1].split(case.number)[1].split("</tr>")[0]
    assert written in row and "days left" in row
    home = court.get("/", headers=en).get_data(as_text=True)
    assert f"{case.number}</a> · decide by {written}" in home
    screen = court.get(f"/court/cases/{case.id}", headers=en).get_data(as_text=True)
    assert f"Decide by {written}" in screen
    refused = court.submit(
        f"/court/cases/{case.id}/confirmation",
        {"decision": "refuse", "reason": ""},
        page=f"/court/cases/{case.id}",
        headers={"Accept-Language": "en"},
    )
    assert refused.status_code == 422 and "Please write why" in refused.get_data(as_text=True)
    court.submit(
        f"/court/cases/{case.id}/confirmation",
        {"decision": "confirm", "reason": ""},
        page=f"/court/cases/{case.id}",
    )
    page = worker.get(f"/cases/{case.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Confirmed by the court" in page
    # The decision is a document served on the parties, linked from the case page; the
    # agreement issued before it is not rewritten.
    decision_url = re.search(r'href="([^"]+)">Read the court\'s decision', page).group(1)
    decision = html.unescape(
        worker.get(decision_url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    )
    # A ruling of the court itself, not of its mediation centre (民事诉讼法 第二百零六条).
    assert f"{BASIC_COURT} confirms that the mediation agreement is valid" in decision
    assert COURT not in decision.split("Mediated by")[0]
    assert "apply to the people's court for enforcement" in decision
    db.session.expire_all()
    agreement = db.session.scalar(
        select(CaseDocument).where(
            CaseDocument.case_id == case.id, CaseDocument.kind == DocumentKind.agreement
        )
    )
    assert "judicial confirmation" in str(agreement.content["en"]["sections"])
    assert COURT not in str(agreement.content["en"]["sections"])


def test_a_refused_confirmation_is_a_decision_with_its_reasons_served_on_both_parties(
    app, demo, make_browser
):
    with app.test_request_context():
        case = filed_case()
        settle(case)
    worker, employer, court = make_browser(), make_browser(), make_browser()
    for party, name in ((worker, "worker1"), (employer, "employer1"), (court, "court1")):
        party.login(name)
    for party in (worker, employer):
        party.submit(f"/cases/{case.id}/confirmation", {}, page=f"/cases/{case.id}")
    reason = "协议约定的数额低于法定最低标准，违反法律强制性规定。"
    court.submit(
        f"/court/cases/{case.id}/confirmation",
        {"decision": "refuse", "reason": reason},
        page=f"/court/cases/{case.id}",
    )
    decision = db.session.scalar(
        select(CaseDocument).where(
            CaseDocument.case_id == case.id,
            CaseDocument.kind == DocumentKind.confirmation_decision,
        )
    )
    text = str(decision.content["en"]["sections"])
    assert f"{BASIC_COURT} does not confirm the mediation agreement" in text
    assert reason in text and "bring an action in the people's court" in text
    services = db.session.scalars(
        select(DocumentService).where(DocumentService.document_id == decision.id)
    ).all()
    assert {service.party for service in services} == {"applicant", "respondent"}
    # Each party opening it is its service (送达).
    for party in (worker, employer):
        page = party.get(f"/cases/{case.id}/documents/{decision.id}", headers=EN).text
        assert "does not confirm" in page
    db.session.expire_all()
    assert all(service.served_at is not None for service in services)


def test_confirmation_after_30_days_is_refused(app, demo, make_browser):
    with app.test_request_context():
        case = filed_case()
        settle(case)
        agreement = case.agreement
        agreement.applicant_signed_at -= timedelta(days=40)
        agreement.respondent_signed_at -= timedelta(days=40)
        db.session.commit()
    worker = make_browser()
    worker.login("worker1")
    worker.submit(f"/cases/{case.id}/confirmation", {}, page=f"/cases/{case.id}")
    db.session.expire_all()
    assert db.session.get(Case, case.id).confirmation is None
