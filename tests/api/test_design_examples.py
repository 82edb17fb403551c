"""DESIGN.md §6's examples, sent as printed there, get the answers clients rely on."""

from sqlalchemy import select

from mediation.extensions import db
from mediation.models import AuditEvent, Organization
from tests.api.bodies import DESIGN_BODY, WORKER1_APPLICANT, body

SUMMARY_KEYS = {
    "id",
    "number",
    "state",
    "outcome",
    "tier",
    "organization",
    "employer",
    "applicant",
    "received_at",
    "deadlines",
}
CASE_KEYS = SUMMARY_KEYS | {
    "routing_rule",
    "transferred_from_tier",
    "mediator",
    "channel",
    "categories",
    "claims",
    "amount_claimed",
    "facts",
    "workers_involved",
    "lost_job",
    "priority_groups",
    "respondent_consent",
    "respondent_consent_via",
    "respondent_statement",
    "respondent_proposal",
    "extension",
    "sessions",
    "extension_days",
    "agreement",
    "evidence",
    "available_triggers",
    "transfer_path",
    "judicial_confirmation",
    "closed_at",
    "archived_at",
    "legal_aid",
}
EVENT_KEYS = {
    "id",
    "action",
    "occurred_at",
    "actor_role",
    "from_state",
    "to_state",
    "tier",
    "organization",
    "note",
    "consent_via",
}
REASON = {"reason": "…"}


def test_the_design_filing_body_as_printed_files_a_case(api):
    """As printed, with the applicant a worker may name: themself (张三 is someone else)."""
    filed = api("POST", "/cases", "worker1", json={**DESIGN_BODY, "applicant": WORKER1_APPLICANT})
    assert filed.status_code == 201
    case = filed.json
    assert set(case) == CASE_KEYS | {"track_code"}  # shown once, at filing
    assert set(case["deadlines"]) == {
        "acceptance",
        "mediation",
        "mediation_before_extension",
        "arbitration_available_from",
        "provisional",
        "limitation",
    }
    assert (case["state"], case["outcome"], case["channel"]) == ("applied", None, "app")
    assert case["applicant"] == {
        "name": "李明",
        "id_number": "441802********0013",
        "phone": "138****8001",
    }
    assert case["claims"] == [
        {"category": "wage_arrears", "amount": "13000.00", "description": "两个月工资"}
    ]
    assert case["amount_claimed"] == "13000.00" and case["categories"] == ["wage_arrears"]
    assert case["available_triggers"] == ["withdraw"]
    listed = api("GET", "/cases", "worker1").json
    assert set(listed) == {"items", "page", "pages", "total"}
    assert [set(item) for item in listed["items"]] == [SUMMARY_KEYS]


def test_the_design_bodies_take_a_case_from_answer_to_settlement(api):
    case_id = api("POST", "/cases", "worker1", json=body()).json["id"]
    answered = api(
        "POST",
        f"/cases/{case_id}/respond",
        "employer1",
        json={"consent": True, "statement": "同意调解"},
    )
    assert answered.status_code == 200 and answered.json["respondent_consent"] is True
    steps = [
        ("med_hr", "claim", {}),
        ("med_hr", "accept", {"respondent_consent": True}),
        ("med_hr", "mediate", {}),
        ("med_hr", "agreement", {"terms": "…", "amount": "13000.00", "due_date": "2026-11-30"}),
        # Signing as DESIGN.md prints it: the version read, and the password again.
        ("worker1", "agreement/sign", {"version": 1, "password": "demo-2026"}),
        ("employer1", "agreement/sign", {"version": 1, "password": "demo-2026"}),
        ("med_hr", "settle", {}),
    ]
    for user, step, data in steps:
        response = api("POST", f"/cases/{case_id}/{step}", user, json=data)
        assert response.status_code == 200, (step, response.json)
        assert set(response.json) == CASE_KEYS
    case = response.json
    assert (case["state"], case["outcome"]) == ("closed", "resolved")
    assert case["agreement"]["amount"] == "13000.00"
    assert case["agreement"]["due_date"] == "2026-11-30"
    events = api("GET", f"/cases/{case_id}/events", "worker1").json["items"]
    assert all(set(event) == EVENT_KEYS for event in events)
    agreed = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.case_id == case_id, AuditEvent.action == "case.respondent_agreed"
        )
    )
    assert agreed.note == "同意调解"


def test_the_employers_answer_is_also_read_as_note(api):
    """Clients written before `statement` was printed in DESIGN.md send `note`."""
    case_id = api("POST", "/cases", "worker1", json=body()).json["id"]
    response = api(
        "POST", f"/cases/{case_id}/respond", "employer1", json={"consent": False, "note": "不同意"}
    )
    assert response.status_code == 200 and response.json["respondent_consent"] is False


def test_each_reason_trigger_takes_the_design_body(api):
    def filed():
        return api("POST", "/cases", "worker1", json=body()).json["id"]

    declined = api("POST", f"/cases/{filed()}/decline", "med_hr", json=REASON).json
    assert (declined["state"], declined["outcome"]) == ("closed", "declined")

    withdrawn = api("POST", f"/cases/{filed()}/withdraw", "worker1", json=REASON).json
    assert (withdrawn["state"], withdrawn["outcome"]) == ("closed", "withdrawn")

    failing = filed()
    for trigger, data in [
        ("accept", {"respondent_consent": True, "consent_via": "phone"}),
        ("mediate", {}),
    ]:
        assert api("POST", f"/cases/{failing}/{trigger}", "med_hr", json=data).status_code == 200
    failed = api("POST", f"/cases/{failing}/fail", "med_hr", json=REASON).json
    assert (failed["state"], failed["outcome"]) == ("closed", "unresolved")

    court = db.session.scalar(select(Organization.id).where(Organization.kind == "court"))
    moving = filed()
    escalated = api(
        "POST",
        f"/cases/{moving}/escalate",
        "med_hr",
        json={**REASON, "organization_id": court},
    ).json
    assert escalated["tier"] == "court" and escalated["transfer_path"][0]["action"] == "escalate"
    returned = api("POST", f"/cases/{moving}/return", "court1", json=REASON).json
    assert returned["tier"] == "hr_bureau" and returned["transfer_path"][1]["action"] == "return"


def test_a_trigger_without_its_reason_is_422_by_field(api):
    case_id = api("POST", "/cases", "worker1", json=body()).json["id"]
    response = api("POST", f"/cases/{case_id}/decline", "med_hr", json={})
    assert response.status_code == 422
    assert response.json["error"] == "invalid" and list(response.json["errors"]) == ["reason"]
