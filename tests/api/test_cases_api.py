"""The JSON API v1 as a mobile client uses it (DESIGN.md §6)."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from mediation.extensions import db
from mediation.models import Case, MediationSession, Organization
from mediation.models.types import utcnow
from tests.api.bodies import DESIGN_BODY, body
from tests.conftest import statements_sent
from tests.upload_files import MINIMAL_PDF


def test_token_for_good_credentials_only(api):
    assert (
        api("POST", "/tokens", json={"username": "worker1", "password": "demo-2026"}).status_code
        == 201
    )
    response = api("POST", "/tokens", json={"username": "worker1", "password": "nope"})
    assert response.status_code == 401 and response.json["error"] == "unauthorized"
    response = api("POST", "/tokens", json={})
    assert response.status_code == 422 and set(response.json["errors"]) == {"username", "password"}


def test_the_whole_journey_through_the_api(api):
    filed = api("POST", "/cases", "worker1", json=body())
    assert filed.status_code == 201
    case_id = filed.json["id"]
    assert filed.json["state"] == "applied" and filed.json["tier"] == "hr_bureau"
    assert filed.json["organization"]["name"] == "凤城街道劳动人事争议调解中心"
    assert filed.json["deadlines"]["acceptance"]
    steps = [
        ("med_hr", "claim", {}),
        ("med_hr", "accept", {"respondent_consent": True, "consent_via": "phone"}),
        ("med_hr", "mediate", {}),
    ]
    for user, step, data in steps:
        response = api("POST", f"/cases/{case_id}/{step}", user, json=data)
        assert response.status_code in (200, 201), (step, response.json)
    tomorrow = (utcnow() + timedelta(days=1)).isoformat()
    plan = {"starts_at": tomorrow, "mode": "in_person", "location": "凤城街道调解室"}
    scheduled = api("POST", f"/cases/{case_id}/sessions", "med_hr", json=plan)
    assert scheduled.status_code == 201, scheduled.json
    session_id = scheduled.json["sessions"][0]["id"]
    # The day of the session comes.
    db.session.get(MediationSession, session_id).starts_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    session = f"sessions/{session_id}"
    steps = [
        ("med_hr", f"{session}/minutes", {"minutes": "双方到场", "attendees": "李明、公司代表"}),
        ("worker1", f"{session}/minutes/answer", {"confirm": True}),
        ("employer1", f"{session}/minutes/answer", {"confirm": True}),
        (
            "med_hr",
            "agreement",
            {"terms": "公司支付13000元", "amount": "13000.00", "due_date": "2026-11-30"},
        ),
        ("worker1", "agreement/sign", {"version": 1, "password": "demo-2026"}),
        ("employer1", "agreement/sign", {"version": 1, "password": "demo-2026"}),
        ("med_hr", "settle", {}),
    ]
    for user, step, data in steps:
        response = api("POST", f"/cases/{case_id}/{step}", user, json=data)
        assert response.status_code in (200, 201), (step, response.json)
    # Each party opens the agreement in the app: it is served on them, and the file can go.
    documents = api("GET", f"/cases/{case_id}/documents", "worker1").json["items"]
    (agreement,) = [d for d in documents if d["kind"] == "agreement"]
    assert [s["served_at"] for s in agreement["services"]] == [None, None]
    for party in ("worker1", "employer1"):
        pdf = api("GET", agreement["pdf"].removeprefix("/api/v1"), party)
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    archived = api("POST", f"/cases/{case_id}/archive", "med_hr", json={})
    assert archived.status_code == 200, archived.json
    case = api("GET", f"/cases/{case_id}", "worker1").json
    assert [a["minutes_answer"] for a in case["sessions"][0]["answers"]] == ["agreed", "agreed"]
    assert (case["state"], case["outcome"]) == ("archived", "resolved")
    assert case["agreement"]["applicant_signed_at"] and case["agreement"]["respondent_signed_at"]
    events = api("GET", f"/cases/{case_id}/events", "worker1").json["items"]
    assert [e["action"] for e in events] == [
        "apply",
        "claim",
        "accept",
        "mediate",
        "session_scheduled",
        "minutes_written",
        "minutes_confirmed",
        "minutes_confirmed",
        "agreement_drafted",
        "agreement_signed",
        "agreement_signed",
        "settle",
        "document_served",
        "document_served",
        "archive",
    ]
    assert events[2]["from_state"] == "applied" and events[2]["to_state"] == "accepted"


def test_the_design_example_files_for_a_visitor_at_the_counter(api):
    response = api("POST", "/cases", "med_hr", json={**DESIGN_BODY, "channel": "window"})
    assert response.status_code == 201
    assert response.json["applicant"]["id_number"] == "110105********002X"
    assert db.session.get(Case, response.json["id"]).applicant_id is None


@pytest.mark.both_databases  # what it asks of PostgreSQL is what the bench measures
def test_a_filing_reads_each_thing_once_and_writes_each_rollup_table_in_one_call(api):
    """What a filing asks the database, as its answer shows the case: the employer once by
    its code, the employer's regions in one statement, the organisation it goes to once;
    none of the parts a new case cannot have yet (sessions, agreement, confirmation,
    extensions, suspensions of the limitation); each figure table written in one call."""
    with statements_sent() as sent:
        filed = api("POST", "/cases", "worker1", json=body())
    assert filed.status_code == 201 and filed.json["sessions"] == []
    statements = [statement for statement, _parameters in sent]

    def reading(table: str) -> list[str]:
        return [s for s in statements if s.startswith(("SELECT", "WITH")) and f"FROM {table}" in s]

    assert len(reading("employers")) == 1
    assert len(reading("regions")) == 1
    assert len([s for s in reading("organizations") if "organizations.name" in s]) == 1
    for table in (
        "mediation_sessions",
        "agreements ",
        "judicial_confirmations",
        "extension_proposals",
        "limitation_suspensions",
    ):
        assert not reading(table), table
    for table in ("figure_rollups ", "figure_rollups_detailed", "figure_dates"):
        written = [s for s in statements if s.startswith(f"INSERT INTO {table}")]
        assert len(written) == 1, (table, len(written))


def test_illegal_trigger_is_409_and_changes_nothing(api):
    case_id = api("POST", "/cases", "worker1", json=body()).json["id"]
    response = api("POST", f"/cases/{case_id}/settle", "med_hr", json={})
    assert response.status_code == 409
    assert "not possible" in response.json["message"]
    assert api("GET", f"/cases/{case_id}", "worker1").json["state"] == "applied"


def test_wrong_people_get_403_or_404(api):
    case_id = api("POST", "/cases", "worker1", json=body()).json["id"]
    assert api("GET", f"/cases/{case_id}", "worker2").status_code == 404
    assert (
        api(
            "POST",
            f"/cases/{case_id}/accept",
            "med_union",
            json={"respondent_consent": True, "consent_via": "phone"},
        ).status_code
        == 404
    )
    assert (
        api(
            "POST",
            f"/cases/{case_id}/accept",
            "worker1",
            json={"respondent_consent": True, "consent_via": "phone"},
        ).status_code
        == 403
    )
    assert api("POST", f"/cases/{case_id}/explode", "med_hr").status_code == 404
    assert api("GET", f"/cases/{case_id}").status_code == 401


def test_session_cookie_does_not_authenticate_the_api(app, api, browser):
    browser.login("worker1")
    assert browser.client.get("/api/v1/cases").status_code == 401


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"claims": [{"category": "wage_arrears", "amount": "-1"}]}, "claims.0.amount", "negative"),
        (
            {"claims": [{"category": "wage_arrears", "amount": "lots"}]},
            "claims.0.amount",
            "Enter an amount in yuan",
        ),
        (
            {"claims": [{"category": "wage_arrears", "amount": 13000.5}]},
            "claims.0.amount",
            "strings of yuan",
        ),
        (
            {"employment": {"start_date": "2023-03-01", "end_date": "2022-01-01", "job": "x"}},
            "employment_end",
            "cannot be before the start date",
        ),
        (
            {"employer": {"name": "x", "uscc": "91350100M000100Y44"}},
            "employer.uscc",
            "last character",
        ),
        ({"categories": ["gambling_debt"]}, "categories.0", "Not one of"),
        ({"workers_involved": 12}, "representatives", "name the representatives"),
        ({"channel": "window"}, "channel", "Workers file online"),
    ],
)
def test_invalid_filing_is_422_with_field_messages(api, changes, field, message):
    response = api("POST", "/cases", "worker1", json=body(**changes))
    assert response.status_code == 422
    assert any(message in text for text in response.json["errors"].get(field, [])), response.json
    assert db.session.scalar(select(Case.id)) is None


def test_messages_follow_accept_language(api):
    response = api(
        "POST",
        "/cases",
        "worker1",
        lang="zh-CN",
        json=body(claims=[{"category": "wage_arrears", "amount": "-1"}]),
    )
    assert response.json["errors"]["claims.0.amount"] == ["金额不能为负数。"]


def test_non_json_body_is_422_not_500(api):
    response = api("POST", "/cases", "worker1", data="not json", content_type="text/plain")
    assert response.status_code == 422


def test_evidence_upload_through_the_api(api):
    case_id = api("POST", "/cases", "worker1", json=body()).json["id"]
    pdf = MINIMAL_PDF
    response = api(
        "POST",
        f"/cases/{case_id}/evidence",
        "worker1",
        data={"file": (io.BytesIO(pdf), "工资条.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201
    assert response.json["evidence"][0]["name"] == "工资条.pdf"
    response = api(
        "POST",
        f"/cases/{case_id}/evidence",
        "worker1",
        data={"file": (io.BytesIO(b"MZ\x90\x00"), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "file" in response.json["errors"]


def test_transfers_court_review_and_confirmation_through_the_api(api):
    case_id = api("POST", "/cases", "worker1", json=body()).json["id"]
    court = db.session.scalar(select(Organization.id).where(Organization.kind == "court"))
    moved = api(
        "POST",
        f"/cases/{case_id}/escalate",
        "med_hr",
        json={"reason": "金额较大", "organization_id": court},
    )
    assert moved.status_code == 200 and moved.json["tier"] == "court"
    assert moved.json["transfer_path"][0]["organization"] == "清城区人民法院诉前调解中心"
    lower = api("POST", f"/cases/{case_id}/escalate", "court1", json={"reason": "x"})
    assert lower.status_code == 409  # the court is the top tier
    back = api("POST", f"/cases/{case_id}/return", "court1", json={"reason": "材料不全"})
    assert back.status_code == 200 and back.json["tier"] == "hr_bureau"
    for user_name, step, data in [
        ("med_hr", "accept", {"respondent_consent": True, "consent_via": "phone"}),
        ("med_hr", "mediate", {}),
        ("med_hr", "agreement", {"terms": "支付13000元", "amount": "13000.00"}),
        ("worker1", "agreement/sign", {"version": 1, "password": "demo-2026"}),
        ("employer1", "agreement/sign", {"version": 1, "password": "demo-2026"}),
        ("med_hr", "settle", {}),
        ("worker1", "confirmation", None),
        ("employer1", "confirmation", None),
    ]:
        assert api("POST", f"/cases/{case_id}/{step}", user_name, json=data).status_code == 200
    refused = api(
        "POST", f"/cases/{case_id}/confirmation/decision", "court1", json={"confirm": False}
    )
    assert refused.status_code == 422 and "reason" in refused.json["errors"]
    decided = api(
        "POST", f"/cases/{case_id}/confirmation/decision", "court1", json={"confirm": True}
    )
    assert decided.json["judicial_confirmation"]["status"] == "confirmed"
    assert (
        api(
            "POST", f"/cases/{case_id}/confirmation/decision", "med_hr", json={"confirm": True}
        ).status_code
        == 403
    )


def test_queue_lists_the_waiting_view_nearest_deadline_first(api):
    from datetime import timedelta

    first = api("POST", "/cases", user="worker1", json=body()).json["id"]
    second = api("POST", "/cases", user="worker1", json=body()).json["id"]
    case = db.session.get(Case, second)
    case.acceptance_deadline -= timedelta(days=2)
    db.session.commit()
    waiting = api("GET", "/queue", user="med_hr").json
    assert [item["id"] for item in waiting["items"]] == [second, first]
    assert waiting["total"] == 2
    assert api("GET", "/queue?view=mine", user="med_hr").json["total"] == 0
