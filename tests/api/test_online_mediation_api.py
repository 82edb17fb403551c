"""Issue 13's journey through API v1 only, as the mobile clients make it (every answer is
checked against the OpenAPI document), and who may not read the conversation."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from mediation.cases.sweep import sweep
from mediation.extensions import db
from mediation.localtime import local_today
from mediation.models import Agreement, CaseMessage, MediationSession
from mediation.models.types import utcnow
from tests.api.bodies import body

CAUCUS_TEXT = "私下说：最低可以接受一万元。"
ROOM = "https://meet.example.cn/room/fengcheng-7"
PASSWORD = "demo-2026"


def ok(answer, status: int = 200):
    assert answer.status_code == status, answer.json
    return answer.json


def write(api, case_id: int, who: str, channel: str, text: str) -> dict:
    body = {"channel": channel, "text": text}
    return ok(api("POST", f"/cases/{case_id}/messages", who, json=body), 201)


def sign(api, case_id: int, who: str, version: int):
    data = {"version": version, "password": PASSWORD}
    return api("POST", f"/cases/{case_id}/agreement/sign", who, json=data)


def test_the_whole_online_mediation_through_the_api(app, api):
    case_id = ok(api("POST", "/cases", "worker1", json=body()), 201)["id"]
    case = f"/cases/{case_id}"
    write(api, case_id, "worker1", "joint", "请尽快安排调解。")
    write(api, case_id, "worker1", "applicant", CAUCUS_TEXT)
    write(api, case_id, "employer1", "joint", "公司本周答复。")
    employer_reads = ok(api("GET", f"{case}/messages", "employer1"))
    assert employer_reads["channels"] == ["joint", "respondent"]
    assert [m["text"] for m in employer_reads["items"]] == ["请尽快安排调解。", "公司本周答复。"]
    assert api("GET", f"{case}/messages?channel=applicant", "employer1").status_code == 403
    answer = {"consent": True, "statement": "对加班时长有异议。"}
    assert ok(api("POST", f"{case}/respond", "employer1", json=answer))["respondent_consent"]

    assert ok(api("POST", f"{case}/accept", "med_hr", json={}))["state"] == "accepted"
    assert ok(api("POST", f"{case}/mediate", "med_hr", json={}))["state"] == "mediating"
    mediator_reads = ok(api("GET", f"{case}/messages?channel=applicant", "med_hr"))
    assert [m["text"] for m in mediator_reads["items"]] == [CAUCUS_TEXT]

    before = ok(api("GET", case, "med_hr"))["deadlines"]["mediation"]
    extension = {"days": 10, "reason": "需要核对考勤记录"}
    ok(api("POST", f"{case}/extension", "med_hr", json=extension), 201)
    for party in ("worker1", "employer1"):
        shown = ok(api("POST", f"{case}/extension/consent", party, json={"consent": True}))
    assert shown["extension"]["status"] == "agreed" and shown["extension_days"] == 10
    assert shown["deadlines"]["mediation"] > before

    soon = (utcnow() + timedelta(days=3)).isoformat()
    video = {"starts_at": soon, "mode": "video", "video_link": ROOM}
    session_id = ok(api("POST", f"{case}/sessions", "med_hr", json=video), 201)["sessions"][0]["id"]
    for party in ("worker1", "employer1"):
        assert ok(api("GET", case, party))["sessions"][0]["video_link"] == ROOM
    db.session.get(MediationSession, session_id).starts_at = utcnow() - timedelta(hours=2)
    db.session.commit()  # the session took place
    held = f"{case}/sessions/{session_id}"
    ok(api("POST", f"{held}/minutes", "med_hr", json={"minutes": "双方到场，公司同意支付。"}))
    for party in ("worker1", "employer1"):
        shown = ok(api("POST", f"{held}/minutes/answer", party, json={"confirm": True}))
    answers = shown["sessions"][0]["answers"]
    assert [a["minutes_answer"] for a in answers] == ["agreed", "agreed"]

    due = (local_today() + timedelta(days=7)).isoformat()
    for amount in ("10000.00", "13000.00"):
        terms = {"terms": f"公司支付{amount}元。", "amount": amount, "due_date": due}
        drafted = ok(api("POST", f"{case}/agreement", "med_hr", json=terms))
    assert drafted["agreement"]["version"] == 2
    stale = sign(api, case_id, "worker1", 1)
    assert stale.status_code == 409 and stale.json["current_version"] == 2
    for party in ("worker1", "employer1"):
        ok(sign(api, case_id, party, 2))
    settled = ok(api("POST", f"{case}/settle", "med_hr", json={}))
    assert settled["outcome"] == "resolved" and settled["agreement"]["routes"] is None

    agreement = db.session.scalar(select(Agreement).where(Agreement.case_id == case_id))
    agreement.due_date = local_today() - timedelta(days=1)
    db.session.commit()
    sweep(local_today())  # the due date passed: the worker is asked
    reported = ok(api("POST", f"{case}/payment", "worker1", json={"payment": "not_paid"}), 201)
    routes = reported["agreement"]["routes"]
    assert reported["agreement"]["payment"] == "not_paid"
    assert routes["payment_order_from"] == local_today().isoformat()
    assert routes["arbitration_from"] == local_today().isoformat()
    assert "仲裁委员会" in routes["commission"]


def test_staff_cannot_accept_over_the_employers_online_refusal(api):
    case_id = ok(api("POST", "/cases", "worker1", json=body()), 201)["id"]
    refusal = {"consent": False, "statement": "工资已全额支付。"}
    ok(api("POST", f"/cases/{case_id}/respond", "employer1", json=refusal))
    consent = {"respondent_consent": True, "consent_via": "phone"}
    refused = api("POST", f"/cases/{case_id}/accept", "med_hr", json=consent)
    assert refused.status_code == 409 and "refused mediation online" in refused.json["message"]
    assert ok(api("GET", f"/cases/{case_id}", "med_hr"))["state"] == "applied"


@pytest.mark.parametrize(
    ("username", "statuses"),
    [("worker2", {404}), ("med_union", {404}), ("supervisor1", {403, 404})],
    ids=["another-worker", "mediator-of-another-organisation", "supervisor-reads-no-text"],
)
def test_people_outside_the_conversation_read_none_of_it(api, username, statuses):
    case_id = ok(api("POST", "/cases", "worker1", json=body()), 201)["id"]
    write(api, case_id, "worker1", "joint", "请尽快安排调解。")
    write(api, case_id, "worker1", "applicant", CAUCUS_TEXT)
    for method, kwargs in (("GET", {}), ("POST", {"json": {"channel": "joint", "text": "你好"}})):
        answer = api(method, f"/cases/{case_id}/messages", username, **kwargs)
        assert answer.status_code in statuses, (method, answer.status_code)
        assert "调解" not in answer.get_data(as_text=True)
    assert db.session.scalar(select(func.count(CaseMessage.id))) == 2


# The Done-when's bad input not already sent in tests/api/test_messages_api.py (empty,
# 100,000 characters, the other party's caucus), test_mediation_api.py (a session in the past,
# a link that is not the web) and test_agreements_api.py (a version that does not exist).
def test_a_file_that_is_html_named_pdf_is_refused_in_the_users_language(api):
    case_id = ok(api("POST", "/cases", "worker1", json=body()), 201)["id"]
    messages = []
    for lang in ("en", "zh-CN"):
        html = io.BytesIO(b"<html><script>alert(1)</script></html>")
        answer = api(
            "POST",
            f"/cases/{case_id}/evidence",
            "worker1",
            lang=lang,
            data={"file": (html, "工资条.pdf")},
            content_type="multipart/form-data",
        )
        assert answer.status_code == 422 and set(answer.json["errors"]) == {"file"}
        messages.append(answer.json["errors"]["file"])
    assert messages[0] != messages[1]
    assert ok(api("GET", f"/cases/{case_id}", "worker1"))["evidence"] == []
