"""An employer representative registers online, proves the phone, and is approved (or
rejected) by mediation staff of the company's district, as people do it in the browser."""

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mediation.auth import accounts, representatives
from mediation.extensions import db
from mediation.models import (
    AuditEvent,
    DeliveryChannel,
    Notification,
    Organization,
    OrgKind,
    OutboxMessage,
    Region,
    RegionLevel,
    RepresentativeRequest,
    RequestStatus,
    Role,
    User,
)
from mediation.validators import uscc_check_character
from tests.factories import filed_case, sms_code, user
from tests.upload_files import MINIMAL_PDF

EN = {"Accept-Language": "en"}
PDF = MINIMAL_PDF
HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
# 清远某某新材料有限公司, registered in 凤城街道 of 清城区 (the demo district).
COMPANY = "91350100M000100Y43"
COMPANY_NAME = "清远某某新材料有限公司"
# 清远市某某建筑工程有限公司, in 东城街道 of the same district.
OTHER_STREET_COMPANY = "91441802MA52K3L7X4"
# A code whose check character is right, of a company the platform does not know.
UNKNOWN = "91441802MA5K7PQ01" + uscc_check_character("91441802MA5K7PQ01")
PHONE = "13912340001"
GOOD = {
    "name": "陈经理",
    "phone": PHONE,
    "uscc": COMPANY,
    "password": "rep-pass-2026",
    "confirm": "rep-pass-2026",
    "declaration": "y",
}


def text(response) -> str:
    return response.get_data(as_text=True)


def register(browser, letter=(PDF, "授权委托书.pdf"), **changes):
    data = {**GOOD, **changes}
    if letter is not None:
        data["letter"] = (io.BytesIO(letter[0]), letter[1])
    return browser.submit("/register/employer", data, headers=EN)


def register_and_confirm(browser, **changes):
    """Register and type the code that came by SMS: the registration goes to staff."""
    response = register(browser, **changes)
    assert response.headers["Location"] == "/register/code", text(response)
    phone = changes.get("phone", PHONE)
    return browser.submit("/register/code", {"code": sms_code(phone)}, headers=EN)


def registration_of(phone: str = PHONE) -> RepresentativeRequest:
    db.session.expire_all()  # the requests wrote in sessions of their own
    return db.session.scalar(
        select(RepresentativeRequest)
        .join(User, User.id == RepresentativeRequest.user_id)
        .where(User.phone == phone)
        .order_by(RepresentativeRequest.id.desc())
    )


def sms_to(phone: str) -> list[str]:
    return list(
        db.session.scalars(
            select(OutboxMessage.body)
            .where(OutboxMessage.channel == DeliveryChannel.sms, OutboxMessage.recipient == phone)
            .order_by(OutboxMessage.id)
        )
    )


def signed_in_as(make_browser, identifier: str, password: str):
    browser = make_browser()
    response = browser.submit(
        "/login", {"identifier": identifier, "password": password}, headers=EN
    )
    return browser, response


@pytest.fixture
def far_mediator(app, demo):
    """A mediator of an HR-bureau centre in another district (清新区)."""
    district = Region(name="清新区", level=RegionLevel.district, code="441803")
    centre = Organization(
        name="清新区劳动人事争议调解中心",
        kind=OrgKind.hr_bureau,
        region=district,
        case_prefix="QXTJ",
    )
    db.session.add_all([district, centre])
    accounts.create_staff(
        actor=None,
        username="med_far",
        name="远方调解员",
        role=Role.mediator,
        password="demo-2026",
        organization=centre,
    )
    db.session.commit()
    return "med_far"


def test_representative_registers_waits_and_is_approved_by_a_mediator_of_the_district(
    app, demo, browser, make_browser
):
    case = filed_case()  # a dispute against the company, filed before the person registers
    response = register_and_confirm(browser)
    assert response.status_code == 200
    assert "Your registration waits for approval" in text(response)
    assert COMPANY_NAME in text(response)
    registration = registration_of()
    assert registration.status is RequestStatus.pending
    assert registration.user.role is Role.employer_rep
    assert registration.user.employer.uscc == COMPANY
    assert registration.user.active is False and registration.user.phone_verified_at

    waiting, response = signed_in_as(make_browser, PHONE, GOOD["password"])
    assert response.status_code == 200
    page = waiting.get("/login", headers=EN)
    assert "is waiting for approval" in text(response) + text(page)
    assert waiting.get("/company/cases").status_code == 302  # not signed in

    staff, _ = signed_in_as(make_browser, "med_district", "demo-2026")
    queue = text(staff.get("/representatives/", headers=EN))
    assert "陈经理" in queue and COMPANY_NAME in queue and PHONE not in queue  # masked
    letter = staff.get(f"/representatives/{registration.id}/letter")
    assert letter.status_code == 200 and letter.data == PDF
    assert letter.headers["Content-Disposition"].startswith("attachment")
    assert db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "read.representative_letter")
    )
    approved = staff.submit(
        f"/representatives/{registration.id}/approve",
        {},
        page=f"/representatives/{registration.id}",
        headers=EN,
    )
    assert approved.status_code == 302

    registration = registration_of()
    assert registration.status is RequestStatus.approved and registration.user.active
    assert registration.decided_by.username == "med_district"
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "representative.approved")
    )
    assert event.subject_id == registration.user_id
    assert any(COMPANY_NAME in body for body in sms_to(PHONE)[1:])  # after the code
    representative, response = signed_in_as(make_browser, PHONE, GOOD["password"])
    assert response.status_code == 302
    assert case.number in text(representative.get("/company/cases"))


def test_a_mediator_of_a_street_centre_approves_a_company_of_another_street(
    app, demo, browser, make_browser
):
    register_and_confirm(browser, uscc=OTHER_STREET_COMPANY)
    registration = registration_of()
    staff, _ = signed_in_as(make_browser, "med_hr", "demo-2026")  # 凤城街道; company in 东城街道
    assert staff.get(f"/representatives/{registration.id}").status_code == 200


@pytest.mark.parametrize(
    "username", ["med_far", "med_enterprise"], ids=["other district", "enterprise committee"]
)
def test_staff_outside_the_district_do_not_see_the_registration(
    app, demo, browser, make_browser, far_mediator, username
):
    register_and_confirm(browser)
    registration = registration_of()
    staff, _ = signed_in_as(make_browser, username, "demo-2026")
    assert "陈经理" not in text(staff.get("/representatives/"))
    assert staff.get(f"/representatives/{registration.id}").status_code == 404
    assert staff.get(f"/representatives/{registration.id}/letter").status_code == 404
    answer = staff.submit(
        f"/representatives/{registration.id}/approve", {}, page="/representatives/"
    )
    assert answer.status_code == 404
    assert registration_of().status is RequestStatus.pending


def test_a_registration_whose_code_was_not_entered_is_not_in_the_queue(app, demo, browser):
    register(browser)
    admin_browser = browser.__class__(app.test_client())
    admin_browser.login("admin")
    assert "陈经理" not in text(admin_browser.get("/representatives/"))
    assert admin_browser.get(f"/representatives/{registration_of().id}").status_code == 404


def test_signing_in_before_the_code_leads_to_the_code_page(app, demo, browser, make_browser):
    register(browser)
    other, response = signed_in_as(make_browser, PHONE, GOOD["password"])
    assert response.headers["Location"] == "/register/code"
    response = other.submit("/register/code", {"code": sms_code(PHONE)}, headers=EN)
    assert "Your registration waits for approval" in text(response)


def test_rejection_with_a_reason_tells_the_applicant_who_may_register_again(
    app, demo, browser, make_browser
):
    register_and_confirm(browser)
    registration = registration_of()
    staff, _ = signed_in_as(make_browser, "med_district", "demo-2026")
    page = f"/representatives/{registration.id}"
    empty = staff.submit(f"{page}/reject", {"reason": "  "}, page=page, headers=EN)
    assert empty.status_code == 422
    assert 'id="reason-error"' in text(empty) and "error-summary" in text(empty)
    assert "Please write why" in text(empty)
    assert registration_of().status is RequestStatus.pending

    reason = "委托书未加盖公章"
    rejected = staff.submit(f"{page}/reject", {"reason": reason}, page=page, headers=EN)
    assert rejected.status_code == 302
    registration = registration_of()
    assert registration.status is RequestStatus.rejected and registration.reason == reason
    assert not registration.user.active
    assert any(reason in body for body in sms_to(PHONE))
    assert db.session.scalar(
        select(Notification).where(Notification.kind == "representative_rejected")
    )
    assert (
        db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "representative.rejected")
        ).note
        == reason
    )

    again = staff.submit(f"{page}/approve", {}, page=page, headers=EN)  # a second decision
    assert again.status_code == 302
    assert "already been decided" in text(staff.get(page, headers=EN))
    assert registration_of().status is RequestStatus.rejected

    _, response = signed_in_as(make_browser, PHONE, GOOD["password"])
    assert "was not approved" in text(response) and reason in text(response)

    # With a stamped letter the person registers again: a new registration, the old kept.
    response = register_and_confirm(make_browser())
    assert "Your registration waits for approval" in text(response)
    assert registration_of().status is RequestStatus.pending
    assert db.session.scalar(select(func.count(RepresentativeRequest.id))) == 2


@pytest.mark.parametrize(
    ("changes", "letter", "field", "message"),
    [
        (
            {"uscc": UNKNOWN},
            (PDF, "letter.pdf"),
            "uscc",
            "contact the human resources and social security bureau",
        ),
        ({"uscc": "91441802MA52K3L7X5"}, (PDF, "letter.pdf"), "uscc", "does not match"),
        ({}, (HTML, "授权委托书.pdf"), "letter", "Only PDF, JPEG and PNG files"),
        ({}, None, "letter", "Please choose the letter of authorisation"),
        ({}, (b"", "empty.pdf"), "letter", "This file is empty"),
        (
            {"password": "1234567890", "confirm": "1234567890"},
            (PDF, "l.pdf"),
            "password",
            "one of the passwords people use most",
        ),
        ({"declaration": ""}, (PDF, "letter.pdf"), "declaration", "confirm the declaration"),
    ],
    ids=[
        "unknown company",
        "mistyped code",
        "html named pdf",
        "no letter",
        "empty letter",
        "digits-only password",
        "no declaration",
    ],
)
def test_bad_registration_is_told_beside_the_field_and_keeps_what_was_typed(
    app, demo, browser, changes, letter, field, message
):
    letters = Path(app.config["EVIDENCE_DIR"]) / "letters"
    before = set(letters.iterdir()) if letters.exists() else set()
    users = db.session.scalar(select(func.count(User.id)))
    response = register(browser, letter=letter, **changes)
    html = text(response)
    assert response.status_code == 200
    assert message in html
    assert f'id="{field}-error"' in html and f'href="#{field}"' in html  # beside it, in summary
    for kept in ("name", "phone", "uscc"):
        assert f'value="{changes.get(kept, GOOD[kept])}"' in html
    assert db.session.scalar(select(func.count(User.id))) == users
    assert (set(letters.iterdir()) if letters.exists() else set()) == before  # nothing kept


def test_every_problem_is_told_at_once(app, demo, browser):
    response = register(browser, letter=(HTML, "a.pdf"), uscc=UNKNOWN, name="")
    html = text(response)
    for field in ("name", "uscc", "letter"):
        assert f'id="{field}-error"' in html


def test_two_representatives_of_one_company_are_both_active(app, demo, make_browser):
    second = "13912340002"
    register_and_confirm(make_browser())
    register_and_confirm(make_browser(), phone=second, name="林主管")
    admin, _ = signed_in_as(make_browser, "admin", "demo-2026")
    for phone in (PHONE, second):
        registration = registration_of(phone)
        page = f"/representatives/{registration.id}"
        assert admin.submit(f"{page}/approve", {}, page=page).status_code == 302
    for phone in (PHONE, second):
        _, response = signed_in_as(make_browser, phone, GOOD["password"])
        assert response.status_code == 302
    active = db.session.scalars(
        select(User).where(User.role == Role.employer_rep, User.active.is_(True))
    ).all()
    assert {person.phone for person in active} >= {PHONE, second}
    assert {person.employer.uscc for person in active} == {COMPANY}


def test_registration_pages_are_linked(app, browser):
    for page in ("/login", "/register"):
        assert 'href="/register/employer"' in text(browser.get(page))


def test_a_representative_switched_off_after_approval_is_not_told_it_waits(
    app, demo, browser, make_browser
):
    register_and_confirm(browser)
    registration = registration_of()
    representatives.approve(registration, actor=user("admin"))
    registration.user.active = False  # an administrator switched the account off
    db.session.commit()
    _, response = signed_in_as(make_browser, PHONE, GOOD["password"])
    assert "Wrong username, mobile number or password" in text(response)
    assert "waiting" not in text(response)
