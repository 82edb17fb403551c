"""Registering with the SMS code and setting a new password with one, as a mobile app does."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from mediation.auth import codes
from mediation.extensions import db
from mediation.models import (
    AuditEvent,
    Case,
    Channel,
    DeliveryChannel,
    OutboxMessage,
    User,
    UserSession,
)
from mediation.models.notifications import CodePurpose, VerificationCode
from mediation.models.types import utcnow
from tests.factories import filed_case, sms_code
from tests.factories import user as demo_user

PHONE = "13912345678"
ID_NUMBER = "11010519491231002X"
NEW = {"name": "张三", "phone": PHONE, "id_number": ID_NUMBER, "password": "secret-pass-1"}
WORKER1_PHONE = "13800138001"


def sms_count(phone: str) -> int:
    return db.session.scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.channel == DeliveryChannel.sms, OutboxMessage.recipient == phone
        )
    )


def token_for(api, username, password):
    return api("POST", "/tokens", json={"username": username, "password": password})


def test_registration_needs_the_sms_code_before_the_account_signs_in(api):
    answer = api("POST", "/accounts", json=NEW)
    assert answer.status_code == 202 and answer.json["expires_in"] == 600
    assert sms_count(PHONE) == 1

    refused = token_for(api, PHONE, "secret-pass-1")
    assert refused.status_code == 403 and refused.json["error"] == "phone_not_verified"
    assert "/accounts/verify" in refused.json["message"]

    wrong = "000000" if sms_code(PHONE) != "000000" else "111111"
    answer = api("POST", "/accounts/verify", json={"phone": PHONE, "code": wrong})
    assert answer.status_code == 422 and "not right" in answer.json["errors"]["code"][0]

    answer = api("POST", "/accounts/verify", json={"phone": PHONE, "code": sms_code(PHONE)})
    assert answer.status_code == 200 and answer.json["linked_cases"] == []
    assert token_for(api, PHONE, "secret-pass-1").status_code == 201
    assert db.session.scalar(select(User).where(User.phone == PHONE)).phone_verified_at


def test_the_code_is_stored_only_as_a_keyed_hash(api):
    api("POST", "/accounts", json=NEW)
    row = db.session.scalar(select(VerificationCode))
    code = sms_code(PHONE)
    assert row.purpose is CodePurpose.phone and row.target == PHONE
    assert code not in row.secret_hash and len(row.secret_hash) == 64
    assert row.expires_at - row.created_at == timedelta(minutes=10)


def test_bad_registration_lists_every_field(api):
    answer = api(
        "POST",
        "/accounts",
        json={"name": "", "phone": "12345", "id_number": "110105194912310021", "password": "1234"},
    )
    assert answer.status_code == 422
    assert set(answer.json["errors"]) == {"name", "phone", "id_number", "password"}
    assert sms_count("12345") == 0


def test_a_verified_number_registering_again_makes_no_account_and_sends_no_code(api):
    """Answered like any registration (tests/auth/test_registration_oracle.py compares)."""
    users = db.session.scalar(select(func.count(User.id)))
    answer = api("POST", "/accounts", json={**NEW, "phone": WORKER1_PHONE})
    assert answer.status_code == 202 and answer.json["expires_in"] == 600
    assert db.session.scalar(select(func.count(User.id))) == users
    kinds = db.session.scalars(
        select(OutboxMessage.kind).where(OutboxMessage.recipient == WORKER1_PHONE)
    ).all()
    assert kinds == ["registration_attempted"]
    wrong = api("POST", "/accounts/verify", json={"phone": WORKER1_PHONE, "code": "123456"})
    assert wrong.status_code == 422 and "not right" in wrong.json["errors"]["code"][0]


def test_an_abandoned_registration_does_not_block_the_number(api):
    api("POST", "/accounts", json={**NEW, "name": "写错的人"})
    answer = api("POST", "/accounts", json={**NEW, "password": "another-pass-2"})
    assert answer.status_code == 202
    assert db.session.scalar(select(func.count(User.id)).where(User.phone == PHONE)) == 1
    api("POST", "/accounts/verify", json={"phone": PHONE, "code": sms_code(PHONE)})
    assert token_for(api, PHONE, "another-pass-2").status_code == 201
    assert db.session.scalar(select(User.name).where(User.phone == PHONE)) == "张三"


def test_a_new_code_can_be_asked_for_and_only_the_newest_counts(api):
    api("POST", "/accounts", json=NEW)
    first = sms_code(PHONE)
    assert api("POST", "/accounts/code", json={"phone": PHONE}).status_code == 202
    assert sms_count(PHONE) == 2
    second = sms_code(PHONE)
    if first != second:
        answer = api("POST", "/accounts/verify", json={"phone": PHONE, "code": first})
        assert answer.status_code == 422
    answer = api("POST", "/accounts/verify", json={"phone": PHONE, "code": second})
    assert answer.status_code == 200


def test_the_sixth_send_to_a_number_within_the_hour_is_refused(api):
    api("POST", "/accounts", json=NEW)
    for _ in range(codes.MAX_SENDS - 1):
        assert api("POST", "/accounts/code", json={"phone": PHONE}).status_code == 202
    assert sms_count(PHONE) == codes.MAX_SENDS
    # The neutral endpoint answers the same and sends nothing.
    assert api("POST", "/accounts/code", json={"phone": PHONE}).status_code == 202
    assert sms_count(PHONE) == codes.MAX_SENDS
    # Registering again would send a sixth: refused, saying why.
    answer = api("POST", "/accounts", json=NEW)
    assert answer.status_code == 429
    assert "too many codes" in answer.json["message"]
    # An hour later the number gets codes again.
    for row in db.session.scalars(select(VerificationCode)):
        row.created_at -= timedelta(hours=1)
    db.session.commit()
    assert api("POST", "/accounts", json=NEW).status_code == 202
    assert sms_count(PHONE) == codes.MAX_SENDS + 1


def test_walk_in_cases_become_the_workers_after_the_code(api):
    from mediation.cases.filing import Party

    case = filed_case(
        by="med_hr", applicant=Party("张三", ID_NUMBER, PHONE), channel=Channel.window
    )
    other = filed_case(
        by="med_hr", applicant=Party("张三", ID_NUMBER, "13700000000"), channel=Channel.window
    )
    api("POST", "/accounts", json=NEW)  # the case alone does not make the number "registered"
    answer = api("POST", "/accounts/verify", json={"phone": PHONE, "code": sms_code(PHONE)})
    assert answer.json["linked_cases"] == [case.number]
    worker = db.session.scalar(select(User).where(User.phone == PHONE))
    assert db.session.get(Case, case.id).applicant_id == worker.id
    assert db.session.get(Case, other.id).applicant_id is None  # the phone differs
    assert db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "account.case_linked", AuditEvent.subject_id == case.id
        )
    )
    token = token_for(api, PHONE, "secret-pass-1").json["token"]
    mine = api("GET", "/cases", headers={"Authorization": f"Bearer {token}"})
    assert [item["number"] for item in mine.json["items"]] == [case.number]


# -- Password reset -----------------------------------------------------------------------------


def test_unknown_number_gets_the_same_answer_as_a_known_one(api):
    known = api("POST", "/password-reset", json={"phone": WORKER1_PHONE})
    unknown = api("POST", "/password-reset", json={"phone": "13700000000"})
    assert known.status_code == unknown.status_code == 202
    assert known.get_data() == unknown.get_data()
    assert sms_count(WORKER1_PHONE) == 1 and sms_count("13700000000") == 0


def test_reset_sets_the_password_and_ends_every_session_and_token(api, browser):
    browser.login("worker1")
    old_token = token_for(api, "worker1", "demo-2026").json["token"]
    api("POST", "/password-reset", json={"phone": WORKER1_PHONE})
    answer = api(
        "POST",
        "/password-reset/confirm",
        json={"phone": WORKER1_PHONE, "code": sms_code(WORKER1_PHONE), "password": "new-pass-99"},
    )
    assert answer.status_code == 200
    worker = demo_user("worker1")
    assert (
        db.session.scalar(
            select(func.count(UserSession.id)).where(UserSession.user_id == worker.id)
        )
        == 0
    )
    gone = api("GET", "/cases", headers={"Authorization": f"Bearer {old_token}"})
    assert gone.status_code == 401
    assert token_for(api, "worker1", "demo-2026").status_code == 401
    assert token_for(api, "worker1", "new-pass-99").status_code == 201
    assert db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "account.password_reset", AuditEvent.subject_id == worker.id
        )
    )


def confirm(api, code, password="new-pass-99", phone=WORKER1_PHONE):
    return api(
        "POST", "/password-reset/confirm", json={"phone": phone, "code": code, "password": password}
    )


def test_a_used_code_does_not_work_twice(api):
    api("POST", "/password-reset", json={"phone": WORKER1_PHONE})
    code = sms_code(WORKER1_PHONE)
    assert confirm(api, code).status_code == 200
    again = confirm(api, code, password="third-pass-3")
    assert again.status_code == 422
    assert again.json["errors"]["code"] == ["This code was already used. Ask for a new code."]


def test_an_expired_code_is_refused(api):
    api("POST", "/password-reset", json={"phone": WORKER1_PHONE})
    row = db.session.scalar(select(VerificationCode))
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    answer = confirm(api, sms_code(WORKER1_PHONE))
    assert answer.status_code == 422
    assert answer.json["errors"]["code"] == ["This code has expired. Ask for a new code."]
    assert token_for(api, "worker1", "demo-2026").status_code == 201


def test_the_sixth_try_is_refused_even_with_the_right_code(api):
    api("POST", "/password-reset", json={"phone": WORKER1_PHONE})
    code = sms_code(WORKER1_PHONE)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(codes.MAX_WRONG_TRIES):
        answer = confirm(api, wrong)
        assert answer.status_code == 422
        assert "not right" in answer.json["errors"]["code"][0]
    assert db.session.scalar(select(VerificationCode.wrong_tries)) == codes.MAX_WRONG_TRIES
    answer = confirm(api, code)
    assert answer.status_code == 422
    assert "too many times" in answer.json["errors"]["code"][0]
    assert token_for(api, "worker1", "demo-2026").status_code == 201


def test_bad_reset_input_lists_every_field_and_spends_no_code(api):
    api("POST", "/password-reset", json={"phone": WORKER1_PHONE})
    answer = api("POST", "/password-reset/confirm", json={"phone": "123", "password": "1234567"})
    assert answer.status_code == 422
    assert set(answer.json["errors"]) == {"phone", "code", "password"}
    answer = confirm(api, "12ab")
    assert answer.json["errors"]["code"] == ["Enter the 6 digits of the code."]
    assert db.session.scalar(select(VerificationCode.wrong_tries)) == 0
    assert confirm(api, sms_code(WORKER1_PHONE)).status_code == 200


def test_a_code_for_an_unknown_number_is_refused_like_a_wrong_one(api):
    answer = confirm(api, "123456", phone="13700000000")
    assert answer.status_code == 422
    assert "not right" in answer.json["errors"]["code"][0]


def test_reset_requests_beyond_the_limit_answer_202_and_send_nothing(api):
    for _ in range(codes.MAX_SENDS + 1):
        answer = api("POST", "/password-reset", json={"phone": WORKER1_PHONE})
        assert answer.status_code == 202
    assert sms_count(WORKER1_PHONE) == codes.MAX_SENDS


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_the_sms_is_in_the_account_holders_language(api, lang):
    worker = demo_user("worker1")
    worker.locale = "en"
    db.session.commit()
    api("POST", "/password-reset", json={"phone": WORKER1_PHONE}, lang=lang)
    body = db.session.scalar(select(OutboxMessage.body))
    assert body.startswith("[Labour dispute mediation] Your code to set a new password is")
