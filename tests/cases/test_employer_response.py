"""The employer takes part: its answer online, a refusal staff cannot override, and consent
recorded by staff that says how it was given."""

from sqlalchemy import select

from mediation.cases import casework
from mediation.extensions import db
from mediation.models import AuditEvent, Case
from tests.factories import filed_case, user


def refused_online(app) -> Case:
    with app.test_request_context():
        case = filed_case()
        casework.respond_to_request(
            case, actor=user("employer1"), consent=False, statement="工资已全额支付。"
        )
        db.session.commit()
    return case


def test_the_page_says_why_and_offers_decline_or_transfer(app, demo, make_browser):
    case = refused_online(app)
    mediator = make_browser()
    mediator.login("med_hr")
    english = {"Accept-Language": "en"}
    html = mediator.get(f"/cases/{case.id}", headers=english).get_data(as_text=True)
    assert f"/cases/{case.id}/act/accept" not in html
    assert f"/cases/{case.id}/act/decline" in html and f"/cases/{case.id}/act/escalate" in html
    assert "The employer refused mediation online" in html
    response = mediator.act(
        case.id, "accept", {"respondent_consent": "y", "consent_via": "window"}, headers=english
    )
    assert response.status_code == 302
    page = mediator.get(f"/cases/{case.id}", headers=english).get_data(as_text=True)
    assert "cannot be accepted unless the employer changes its answer" in page
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "applied"


def test_consent_recorded_by_staff_names_how_and_shows_on_the_timeline(app, demo, make_browser):
    with app.test_request_context():
        case = filed_case()
    mediator = make_browser()
    mediator.login("med_hr")
    english = {"Accept-Language": "en"}
    response = mediator.act(case.id, "accept", {"respondent_consent": "y"}, headers=english)
    assert response.status_code == 422
    assert "Say how the employer gave its consent." in response.get_data(as_text=True)
    response = mediator.act(
        case.id, "accept", {"respondent_consent": "y", "consent_via": "window"}, headers=english
    )
    assert response.status_code == 302
    html = mediator.get(f"/cases/{case.id}", headers=english).get_data(as_text=True)
    assert "Consent given: At the counter" in html
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.action == "case.accept")
    )
    assert event.details["consent_via"] == "window"
    db.session.expire_all()
    assert db.session.get(Case, case.id).respondent_consent_via == "window"


def test_the_employer_answers_on_its_page_with_a_statement(app, demo, make_browser):
    with app.test_request_context():
        case = filed_case()
    employer = make_browser()
    employer.login("employer1")
    data = {"answer": "agree", "statement": "对加班时长有异议。", "proposal": "支付8000元"}
    response = employer.submit(f"/cases/{case.id}/respond", data, page=f"/cases/{case.id}")
    assert response.status_code == 302
    worker = make_browser()
    worker.login("worker1")
    html = worker.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "对加班时长有异议。" in html and "支付8000元" in html
