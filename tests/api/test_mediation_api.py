"""The mediation itself through the API (DESIGN.md §6): the employer's answer with its
statement, the extension the parties consent to, sessions and their minutes."""

from datetime import timedelta

from mediation.cases import casework
from mediation.cases.operations import fire
from mediation.extensions import db
from mediation.models import Case, MediationSession
from mediation.models.types import utcnow
from tests.factories import filed_case, user


def refused_online(app) -> Case:
    with app.test_request_context():
        case = filed_case()
        casework.respond_to_request(
            case, actor=user("employer1"), consent=False, statement="工资已全额支付。"
        )
        db.session.commit()
    return case


def mediating(app) -> Case:
    with app.test_request_context():
        case = filed_case()
        mediator = user("med_hr")
        fire(case, "accept", actor=mediator, respondent_consent=True, consent_via="phone")
        fire(case, "mediate", actor=mediator)
        db.session.commit()
    return case


def test_an_online_refusal_cannot_be_overridden_through_the_api(app, api):
    case = refused_online(app)
    body = {"respondent_consent": True, "consent_via": "phone"}
    response = api("POST", f"/cases/{case.id}/accept", "med_hr", json=body)
    assert response.status_code == 409
    assert "refused mediation online" in response.json["message"]
    shown = api("GET", f"/cases/{case.id}", "med_hr").json
    assert "accept" not in shown["available_triggers"]
    assert {"decline", "escalate"} <= set(shown["available_triggers"])
    assert shown["respondent_consent_via"] == "online"
    assert shown["respondent_statement"] == "工资已全额支付。"


def test_the_employer_changes_its_answer_and_staff_accept(app, api):
    case = refused_online(app)
    changed = api(
        "POST",
        f"/cases/{case.id}/respond",
        "employer1",
        json={"consent": True, "statement": "同意调解", "proposal": "支付一半"},
    )
    assert changed.status_code == 200 and changed.json["respondent_proposal"] == "支付一半"
    response = api("POST", f"/cases/{case.id}/accept", "med_hr", json={})
    assert response.status_code == 200 and response.json["state"] == "accepted"


def test_a_ten_day_extension_both_parties_accept_moves_the_deadline(app, api):
    case = mediating(app)
    before = case.mediation_deadline
    path = f"/cases/{case.id}/extension"
    proposed = api("POST", path, "med_hr", json={"days": 10, "reason": "需要核对考勤记录"})
    assert proposed.status_code == 201, proposed.json
    assert proposed.json["extension"]["status"] == "open"
    assert api("POST", path, "worker1", json={"days": 10, "reason": "x"}).status_code == 403
    first = api("POST", f"{path}/consent", "worker1", json={"consent": True})
    assert first.status_code == 200 and first.json["deadlines"]["mediation"] == before.isoformat()
    again = api("POST", f"{path}/consent", "worker1", json={"consent": True})
    assert again.status_code == 409
    second = api("POST", f"{path}/consent", "employer1", json={"consent": True})
    assert second.status_code == 200
    assert second.json["extension_days"] == 10
    assert second.json["extension"]["status"] == "agreed"
    assert second.json["deadlines"]["mediation"] > before.isoformat()
    # Once per mediation.
    assert api("POST", path, "med_hr", json={"days": 3, "reason": "再延"}).status_code == 409


def test_a_partys_refusal_ends_the_proposal(app, api):
    case = mediating(app)
    path = f"/cases/{case.id}/extension"
    api("POST", path, "med_hr", json={"days": 10, "reason": "需要核对考勤记录"})
    refused = api("POST", f"{path}/consent", "employer1", json={"consent": False})
    assert refused.status_code == 200
    assert refused.json["extension"]["status"] == "refused"
    assert refused.json["extension_days"] is None
    assert api("POST", f"{path}/consent", "worker1", json={"consent": True}).status_code == 409


def test_extension_bodies_are_checked(app, api):
    case = mediating(app)
    path = f"/cases/{case.id}/extension"
    response = api("POST", path, "med_hr", json={"days": 16, "reason": ""})
    assert response.status_code == 422 and set(response.json["errors"]) == {"days", "reason"}
    response = api("POST", f"{path}/consent", "worker1", json={"consent": True})
    assert response.status_code == 409  # nothing proposed


def test_sessions_in_the_past_or_with_a_link_that_is_not_the_web_are_refused(app, api):
    case = mediating(app)
    path = f"/cases/{case.id}/sessions"
    past = (utcnow() - timedelta(hours=1)).isoformat()
    soon = (utcnow() + timedelta(days=2)).isoformat()
    response = api("POST", path, "med_hr", json={"starts_at": past, "mode": "phone"})
    assert response.status_code == 422
    assert response.json["errors"]["starts_at"] == [
        "The session cannot be in the past: choose a later date and time."
    ]
    for link in ("javascript:alert(1)", "ftp://meet.example.cn/1", "meet.example.cn"):
        body = {"starts_at": soon, "mode": "video", "video_link": link}
        response = api("POST", path, "med_hr", json=body)
        assert response.status_code == 422, link
        assert "https://" in response.json["errors"]["video_link"][0]
    body = {"starts_at": soon, "mode": "video", "video_link": "https://meet.example.cn/r/1"}
    created = api("POST", path, "med_hr", json=body)
    assert created.status_code == 201
    assert created.json["sessions"][0]["video_link"] == "https://meet.example.cn/r/1"


def test_parties_answer_sessions_and_confirm_minutes(app, api):
    case = mediating(app)
    soon = (utcnow() + timedelta(days=2)).isoformat()
    created = api(
        "POST",
        f"/cases/{case.id}/sessions",
        "med_hr",
        json={"starts_at": soon, "mode": "in_person", "location": "调解室一"},
    )
    session_id = created.json["sessions"][0]["id"]
    base = f"/cases/{case.id}/sessions/{session_id}"
    other = api("POST", f"{base}/answer", "worker1", json={"attendance": "other_time"})
    assert other.status_code == 422 and "note" in other.json["errors"]
    ok = api("POST", f"{base}/answer", "worker1", json={"attendance": "confirmed"})
    assert ok.status_code == 200
    assert api("POST", f"{base}/minutes", "med_hr", json={"minutes": "早了"}).status_code == 409
    db.session.get(MediationSession, session_id).starts_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert api("POST", f"{base}/minutes", "med_hr", json={"minutes": "双方到场"}).status_code == 200
    refused = api("POST", f"{base}/minutes/answer", "employer1", json={"confirm": False})
    assert refused.status_code == 422 and "note" in refused.json["errors"]
    api("POST", f"{base}/minutes/answer", "employer1", json={"confirm": False, "note": "漏记"})
    done = api("POST", f"{base}/minutes/answer", "worker1", json={"confirm": True})
    answers = {a["party"]: a for a in done.json["sessions"][0]["answers"]}
    assert answers["applicant"]["minutes_answer"] == "agreed"
    assert answers["respondent"]["minutes_answer"] == "refused"
    assert answers["respondent"]["minutes_note"] == "漏记"
    assert api("POST", f"{base}/minutes", "worker1", json={"minutes": "x"}).status_code == 403
