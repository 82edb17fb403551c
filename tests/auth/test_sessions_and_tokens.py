"""Sessions end when left idle, sooner for staff; API tokens are listed, revoked, and end with
logout everywhere."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from mediation.extensions import db
from mediation.models import UserSession
from tests.factories import user

pytestmark = pytest.mark.both_databases


def step_away(username: str, minutes: int) -> None:
    for signed_in in db.session.scalars(
        select(UserSession).where(UserSession.user_id == user(username).id)
    ):
        signed_in.last_seen_at = (signed_in.last_seen_at or signed_in.created_at) - timedelta(
            minutes=minutes
        )
    db.session.commit()


def test_staff_are_signed_out_after_half_an_hour_away(app, demo, browser):
    browser.login("med_hr")
    assert browser.get("/queue").status_code == 200
    step_away("med_hr", 29)
    answer = browser.get("/queue")
    assert answer.status_code == 200  # and that request counts as activity,
    assert "Set-Cookie" not in answer.headers  # kept in the database: the cookie stays as it is
    step_away("med_hr", 31)
    answer = browser.get("/queue")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_a_worker_may_step_away_longer(app, demo, browser):
    browser.login("worker1")
    step_away("worker1", 60)
    assert browser.get("/cases/mine").status_code == 200
    step_away("worker1", 121)
    assert browser.get("/cases/mine").status_code == 302


def token_for(client, username="worker1"):
    answer = client.post("/api/v1/tokens", json={"username": username, "password": "demo-2026"})
    return {"Authorization": f"Bearer {answer.json['token']}"}


def test_tokens_are_listed_and_revoked_by_their_owner_only(app, demo, client):
    first, second = token_for(client), token_for(client)
    listed = client.get("/api/v1/tokens", headers=first).json["items"]
    assert len(listed) == 2
    assert listed[0]["expires_at"] > listed[0]["created_at"]
    other = token_for(client, "worker2")
    assert client.delete(f"/api/v1/tokens/{listed[0]['id']}", headers=other).status_code == 404
    assert client.delete(f"/api/v1/tokens/{listed[0]['id']}", headers=first).status_code == 204
    assert client.get("/api/v1/tokens", headers=second).status_code == 401  # it was the newest
    assert len(client.get("/api/v1/tokens", headers=first).json["items"]) == 1


def test_a_token_used_after_logout_everywhere_is_refused(app, demo, browser):
    headers = token_for(browser.client)
    assert browser.client.get("/api/v1/cases", headers=headers).status_code == 200
    browser.login("worker1")
    browser.logout()
    assert browser.client.get("/api/v1/cases", headers=headers).status_code == 401
