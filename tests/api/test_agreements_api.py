"""Versioned agreements and their payment through the API (DESIGN.md §6): signing names the
version and gives the password again; 409 with the current version when it was superseded."""

from datetime import timedelta

from mediation.localtime import local_today
from tests.api.bodies import body

PASSWORD = "demo-2026"


def mediating(api) -> int:
    case_id = api("POST", "/cases", "worker1", json=body()).json["id"]
    api(
        "POST",
        f"/cases/{case_id}/respond",
        "employer1",
        json={"consent": True, "statement": "同意"},
    )
    for step, data in [("accept", {"respondent_consent": True}), ("mediate", {})]:
        response = api("POST", f"/cases/{case_id}/{step}", "med_hr", json=data)
        assert response.status_code == 200, (step, response.json)
    return case_id


def draft(api, case_id: int, amount: str, due: str | None = None):
    data = {"terms": f"公司支付{amount}元", "amount": amount, "due_date": due}
    return api("POST", f"/cases/{case_id}/agreement", "med_hr", json=data)


def sign(api, case_id: int, who: str, version, password: str = PASSWORD):
    data = {"version": version, "password": password}
    return api("POST", f"/cases/{case_id}/agreement/sign", who, json=data)


def test_a_redraft_supersedes_the_signed_version_and_both_sign_the_new_one(api):
    case_id = mediating(api)
    assert draft(api, case_id, "10000.00").json["agreement"]["version"] == 1
    assert sign(api, case_id, "worker1", 1).json["agreement"]["applicant_signed_version"] == 1
    redrafted = draft(api, case_id, "13000.00").json["agreement"]
    assert redrafted["version"] == 2 and redrafted["applicant_signed_version"] is None
    stale = sign(api, case_id, "employer1", 1)
    assert stale.status_code == 409 and stale.json["current_version"] == 2
    assert "changed after you read it" in stale.json["message"]
    missing = sign(api, case_id, "employer1", 7)
    assert missing.status_code == 422 and set(missing.json["errors"]) == {"version"}
    wrong = sign(api, case_id, "employer1", 1, password="guess")
    assert wrong.status_code == 422 and set(wrong.json["errors"]) == {"password"}
    assert sign(api, case_id, "worker1", 2).status_code == 200
    assert sign(api, case_id, "employer1", 2).status_code == 200
    assert sign(api, case_id, "employer1", 2).status_code == 409  # signed already
    settled = api("POST", f"/cases/{case_id}/settle", "med_hr", json={})
    assert settled.status_code == 200 and settled.json["outcome"] == "resolved"
    case = api("GET", f"/cases/{case_id}", "worker1").json
    assert case["agreement"]["version"] == 2


def test_the_worker_reports_not_paid_and_the_supervisor_sees_the_rate(api):
    case_id = mediating(api)
    due = (local_today() - timedelta(days=1)).isoformat()
    draft(api, case_id, "13000.00", due)
    for who in ("worker1", "employer1"):
        assert sign(api, case_id, who, 1).status_code == 200
    early = api("POST", f"/cases/{case_id}/payment", "worker1", json={"payment": "not_paid"})
    assert early.status_code == 409  # not settled yet
    api("POST", f"/cases/{case_id}/settle", "med_hr", json={})
    bad = api("POST", f"/cases/{case_id}/payment", "worker1", json={"payment": "partly_paid"})
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"amount_paid"}
    assert (
        api("POST", f"/cases/{case_id}/payment", "worker2", json={"payment": "paid"}).status_code
        == 404
    )
    reported = api(
        "POST",
        f"/cases/{case_id}/payment",
        "worker1",
        json={"payment": "partly_paid", "amount_paid": "3000.00"},
    )
    assert reported.status_code == 201
    assert reported.json["agreement"]["payment"] == "partly_paid"
    assert reported.json["agreement"]["amount_paid"] == "3000.00"
    figures = api("GET", "/stats", "supervisor1").json
    assert figures["amount_paid"] == "3000.00"
    assert (figures["agreements_due"], figures["agreements_paid_in_full"]) == (1, 0)
    assert figures["performance_rate"] == "0.0"
    api("POST", f"/cases/{case_id}/payment", "employer1", json={"payment": "paid"})
    figures = api("GET", "/stats", "supervisor1").json
    assert figures["amount_paid"] == "13000.00" and figures["performance_rate"] == "100.0"
