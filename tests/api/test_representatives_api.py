"""An employer representative registers through the API (multipart with the letter), proves
the phone, and signs in once staff of the company's district approved the registration."""

import io

from sqlalchemy import func, select

from mediation.auth import representatives
from mediation.extensions import db
from mediation.models import RepresentativeRequest, RequestStatus, User
from tests.auth.test_representatives import COMPANY, HTML, PDF, PHONE, UNKNOWN
from tests.factories import filed_case, sms_code
from tests.factories import user as demo_user

NEW = {"name": "陈经理", "phone": PHONE, "uscc": COMPANY, "password": "rep-pass-2026"}


def register(api, letter=(PDF, "授权委托书.pdf"), **changes):
    data = {**NEW, **changes}
    if letter is not None:
        data["file"] = (io.BytesIO(letter[0]), letter[1])
    return api("POST", "/accounts/employer", data=data)


def token_for(api, password="rep-pass-2026"):
    return api("POST", "/tokens", json={"username": PHONE, "password": password})


def test_representative_registers_proves_the_phone_and_signs_in_once_approved(api):
    case = filed_case()
    answer = register(api)
    assert answer.status_code == 202, answer.json

    refused = token_for(api)
    assert refused.status_code == 403 and refused.json["error"] == "phone_not_verified"

    answer = api("POST", "/accounts/verify", json={"phone": PHONE, "code": sms_code(PHONE)})
    assert answer.status_code == 200 and "letter of authorisation" in answer.json["message"]

    waiting = token_for(api)
    assert waiting.status_code == 403 and waiting.json["error"] == "registration_not_approved"
    assert "waiting for approval" in waiting.json["message"]
    assert token_for(api, "wrong-pass-1").status_code == 401  # nothing told without it

    db.session.expire_all()
    registration = db.session.scalar(select(RepresentativeRequest))
    representatives.approve(registration, actor=demo_user("med_hr"))
    db.session.commit()

    answer = token_for(api)
    assert answer.status_code == 201 and answer.json["role"] == "employer_rep"
    cases = api("GET", "/cases", headers={"Authorization": f"Bearer {answer.json['token']}"}).json
    assert case.number in {item["number"] for item in cases["items"]}


def test_bad_registration_lists_every_problem_at_once(api):
    answer = register(
        api, letter=(HTML, "授权委托书.pdf"), name="", phone="123", password="12345678"
    )
    assert answer.status_code == 422
    assert set(answer.json["errors"]) == {"name", "phone", "password", "file"}
    assert "Only PDF, JPEG and PNG" in answer.json["errors"]["file"][0]
    assert db.session.scalar(select(func.count(User.id)).where(User.phone == "123")) == 0


def test_an_unknown_company_is_told_to_contact_the_hr_bureau(api):
    answer = register(api, uscc=UNKNOWN)
    assert answer.status_code == 422
    assert "human resources and social security bureau" in answer.json["errors"]["uscc"][0]
    assert db.session.scalar(select(func.count(RepresentativeRequest.id))) == 0


def test_the_letter_is_required(api):
    answer = register(api, letter=None)
    assert answer.status_code == 422
    assert set(answer.json["errors"]) == {"file"}


def test_a_json_body_is_refused_with_what_to_send(api):
    answer = api("POST", "/accounts/employer", json=NEW)
    assert answer.status_code == 422
    assert "file" in answer.json["errors"]


def test_registration_waits_as_pending_after_the_code(api):
    register(api)
    api("POST", "/accounts/verify", json={"phone": PHONE, "code": sms_code(PHONE)})
    db.session.expire_all()
    registration = db.session.scalar(select(RepresentativeRequest))
    assert registration.status is RequestStatus.pending
    assert registration.user.phone_verified_at is not None and not registration.user.active
