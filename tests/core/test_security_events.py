"""Refused attempts leave a security event although their requests are rolled back."""

import pytest
from sqlalchemy import select

from mediation.extensions import db
from mediation.models import AuditEvent
from tests.factories import filed_case, user

pytestmark = pytest.mark.both_databases


def security_events(action):
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == f"security.{action}")
    ).all()


def test_opening_someone_elses_case_is_recorded(app, demo, make_browser):
    with app.test_request_context():
        case = filed_case()
        db.session.commit()
    prober = make_browser()
    prober.login("worker2")
    assert prober.get(f"/cases/{case.id}").status_code == 404
    (event,) = security_events("case_not_visible")
    assert event.actor_id == user("worker2").id and event.details["case_id"] == case.id


def test_an_action_refused_by_the_policy_is_recorded(app, demo, make_browser):
    with app.test_request_context():
        case = filed_case()
        db.session.commit()
    worker = make_browser()
    token = worker.client.post(
        "/api/v1/tokens", json={"username": "worker1", "password": "demo-2026"}
    ).json["token"]
    refused = worker.client.post(
        f"/api/v1/cases/{case.id}/accept",
        json={"respondent_consent": True, "consent_via": "phone"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert refused.status_code == 403
    (event,) = security_events("denied")
    assert event.actor_id == user("worker1").id
    assert event.details["case_id"] == case.id and event.details["trigger"] == "accept"
    assert db.session.get(type(case), case.id).state == "applied"
