"""Bad bodies: every problem in one answer, in the caller's language; and who may act is
decided before the body is read, so a stranger's bad body gets 403, not 422."""

import pytest
from sqlalchemy import func, select

from mediation.extensions import db
from mediation.models import Case
from tests.api.bodies import DESIGN_BODY, body

BAD_FILING = {
    **DESIGN_BODY,
    "applicant": {"name": "张三", "id_number": "110105194912310021", "phone": "13800138000"},
    "employer": {"name": "某某制造有限公司", "uscc": "91350100M000100Y44"},
    "employment": {"start_date": "2023-03-01", "end_date": "2022-01-01", "job": "操作工"},
    "facts": "",
}


def test_a_bad_filing_gets_every_field_problem_in_one_answer(api):
    response = api("POST", "/cases", "med_hr", json={**BAD_FILING, "channel": "window"})
    assert response.status_code == 422
    errors = response.json["errors"]
    assert set(errors) == {"applicant.id_number", "employer.uscc", "employment_end", "facts"}
    assert errors["applicant.id_number"] == [
        "The last character of this ID number does not match; please check each digit."
    ]
    assert errors["employer.uscc"] == [
        "The last character of this code does not match; please check each character."
    ]
    assert errors["employment_end"] == ["The end date cannot be before the start date."]
    assert errors["facts"] == ["Please describe what happened."]
    assert db.session.scalar(select(func.count(Case.id))) == 0


def test_shape_and_filing_rules_are_reported_together_in_chinese(api):
    response = api(
        "POST",
        "/cases",
        "worker1",
        lang="zh-CN",
        json=body(
            categories=[],
            workers_involved=12,
            claims=[{"category": "wage_arrears", "amount": 13000.5}],
            preferred_tier="village",
        ),
    )
    assert response.status_code == 422
    errors = response.json["errors"]
    assert set(errors) == {"categories", "representatives", "claims.0.amount", "preferred_tier"}
    assert all(not message.isascii() for messages in errors.values() for message in messages)


def test_a_field_with_a_wrong_shape_is_not_judged_by_the_rules_too(api):
    """Missing facts are one problem, not "fill this in" and "describe what happened"."""
    without_facts = body()
    del without_facts["facts"]
    errors = api("POST", "/cases", "worker1", json=without_facts).json["errors"]
    assert errors == {"facts": ["Please fill this in."]}


def test_staff_filing_for_a_visitor_must_name_the_applicant(api):
    response = api("POST", "/cases", "med_hr", json=body(channel="window", facts=""))
    assert response.status_code == 422
    assert set(response.json["errors"]) == {
        "applicant.name",
        "applicant.id_number",
        "applicant.phone",
        "facts",
    }


@pytest.mark.parametrize(
    ("raw", "content_type"),
    [("not json", "text/plain"), ("{bad json", "application/json"), ("[1, 2]", "application/json")],
    ids=["not-json", "malformed-json", "a-list"],
)
def test_a_body_that_is_no_json_object_is_422_on_the_body(api, raw, content_type):
    response = api("POST", "/cases", "worker1", data=raw, content_type=content_type)
    assert response.status_code == 422 and response.json["errors"] == {
        "body": ["Send a JSON object."]
    }


def test_malformed_json_never_fires_a_trigger_as_if_empty(api):
    case_id = api("POST", "/cases", "worker1", json=body()).json["id"]
    api(
        "POST",
        f"/cases/{case_id}/accept",
        "med_hr",
        json={"respondent_consent": True, "consent_via": "phone"},
    )
    response = api(
        "POST", f"/cases/{case_id}/mediate", "med_hr", data="{", content_type="application/json"
    )
    assert response.status_code == 422 and "body" in response.json["errors"]
    assert api("GET", f"/cases/{case_id}", "med_hr").json["state"] == "accepted"


def test_a_body_cannot_set_the_operations_own_arguments(api):
    case_id = api("POST", "/cases", "worker1", json=body()).json["id"]
    response = api(
        "POST",
        f"/cases/{case_id}/accept",
        "med_hr",
        json={
            "respondent_consent": True,
            "consent_via": "phone",
            "actor": 1,
            "strict": False,
            "case": 2,
            "trigger": "x",
        },
    )
    assert response.status_code == 200 and response.json["state"] == "accepted"


@pytest.fixture
def case_id(api):
    case_id = api("POST", "/cases", "worker1", json=body()).json["id"]
    for trigger, data in [
        ("accept", {"respondent_consent": True, "consent_via": "phone"}),
        ("mediate", {}),
    ]:
        assert api("POST", f"/cases/{case_id}/{trigger}", "med_hr", json=data).status_code == 200
    return case_id


@pytest.mark.parametrize(
    ("user", "step", "data"),
    [
        ("worker1", "accept", {"respondent_consent": "yes"}),
        ("worker1", "fail", {"reason": 42}),
        ("worker1", "extension", {"days": "many"}),
        ("employer1", "escalate", {"organization_id": "court"}),
        ("worker1", "agreement", {"terms": 1, "amount": "lots"}),
        ("worker1", "sessions", {"starts_at": "soon", "mode": "telepathy"}),
        ("med_hr", "respond", {"consent": "maybe"}),
        ("employer1", "confirmation/decision", {"confirm": "no"}),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_a_bad_body_from_someone_who_may_not_act_is_403_not_422(api, case_id, user, step, data):
    response = api("POST", f"/cases/{case_id}/{step}", user, json=data)
    assert response.status_code == 403, response.json


def test_the_same_bad_body_from_someone_who_may_act_is_422(api, case_id):
    response = api("POST", f"/cases/{case_id}/agreement", "med_hr", json={"amount": "lots"})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"terms", "amount"}


def test_an_unknown_or_filing_trigger_is_404(api, case_id):
    for trigger in ("explode", "apply"):
        response = api("POST", f"/cases/{case_id}/{trigger}", "med_hr", json={})
        assert response.status_code == 404 and response.json["error"] == "not_found"
