"""An administrator corrects, moves, deactivates and reactivates accounts and forces a new
password; a mediator who leaves does not take their cases with them."""

import re

from sqlalchemy import select

from mediation.auth import accounts
from mediation.cases.operations import claim
from mediation.extensions import db
from mediation.models import (
    AuditEvent,
    Case,
    Notification,
    Organization,
    OutboxMessage,
    Role,
    User,
)
from tests.factories import filed_case, user

EN = {"Accept-Language": "en"}


def org_id(name: str) -> int:
    return db.session.scalar(select(Organization.id).where(Organization.name == name))


def account_form(account: User, **changes) -> dict:
    return {
        "name": account.name,
        "phone": account.phone or "",
        "email": account.email or "",
        "role": account.role.value,
        "organization": str(account.organization_id or 0),
        "employer": str(account.employer_id or 0),
        "region": str(account.region_id or 0),
        **changes,
    }


def colleague_of_med_hr() -> User:
    """A second mediator at med_hr's street centre (the demo has one)."""
    colleague = accounts.create_staff(
        actor=None,
        username="med_hr_b",
        name="钱芳",
        role=Role.mediator,
        password="demo-2026",
        organization=user("med_hr").organization,
    )
    db.session.commit()
    return colleague


def claimed_case(mediator: str = "med_hr") -> Case:
    case = filed_case()
    claim(case, actor=user(mediator))
    db.session.commit()
    return case


def test_a_deactivated_mediator_is_signed_out_and_their_cases_go_back_to_the_queue(
    app, demo, browser, make_browser
):
    colleague = colleague_of_med_hr()
    case = claimed_case()
    mediator = make_browser()
    mediator.login("med_hr")
    assert mediator.get(f"/cases/{case.id}").status_code == 200
    token = (
        app.test_client()
        .post("/api/v1/tokens", json={"username": "med_hr", "password": "demo-2026"})
        .json["token"]
    )
    browser.login("admin")
    account = user("med_hr")
    page = browser.get(f"/admin/accounts/{account.id}", headers=EN).get_data(as_text=True)
    assert "1 open case in their worklist" in page

    answer = browser.submit(
        f"/admin/accounts/{account.id}/deactivate",
        {"reason": "调往他处"},
        page=f"/admin/accounts/{account.id}",
        follow_redirects=True,
        headers=EN,
    )
    text = answer.get_data(as_text=True)
    assert "can no longer sign in" in text and "1 open case went back" in text

    # Signed out at once, in the browser and in the app; and cannot sign in again.
    assert mediator.get(f"/cases/{case.id}").status_code == 302
    assert (
        app.test_client()
        .get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"})
        .status_code
        == 401
    )
    refused = make_browser().submit("/login", {"identifier": "med_hr", "password": "demo-2026"})
    assert refused.status_code != 302

    # The case waits in the centre's queue, its staff are told, the timeline says why.
    db.session.expire_all()
    assert db.session.get(Case, case.id).mediator_id is None
    told = db.session.scalars(
        select(Notification.user_id).where(
            Notification.case_id == case.id, Notification.kind == "returned_to_queue"
        )
    ).all()
    assert told == [colleague.id]
    other = make_browser()
    other.login("med_hr_b")
    assert case.number in other.get("/queue").get_data(as_text=True)
    assert "调往他处" in other.get(f"/cases/{case.id}").get_data(as_text=True)
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "account.deactivated", AuditEvent.subject_id == account.id
        )
    )
    assert event.note == "调往他处"
    assert event.details["before"] == {"active": True}
    assert event.details["after"] == {"active": False}

    # Back again: signs in with the same password.
    browser.submit(
        f"/admin/accounts/{account.id}/reactivate", {}, page=f"/admin/accounts/{account.id}"
    )
    make_browser().login("med_hr")


def test_deactivating_needs_a_reason_and_never_ones_own_account(app, demo, browser):
    browser.login("admin")
    account = user("med_hr")
    answer = browser.submit(
        f"/admin/accounts/{account.id}/deactivate",
        {"reason": " "},
        page=f"/admin/accounts/{account.id}",
        headers=EN,
    )
    assert answer.status_code == 422
    assert "Please fill this in." in answer.get_data(as_text=True)
    me = user("admin")
    page = browser.get(f"/admin/accounts/{me.id}", headers=EN).get_data(as_text=True)
    assert "Deactivate the account" not in page
    answer = browser.submit(
        f"/admin/accounts/{me.id}/deactivate",
        {"reason": "test"},
        page=f"/admin/accounts/{me.id}",
        headers=EN,
    )
    assert answer.status_code == 422
    assert "You cannot do this to your own account." in answer.get_data(as_text=True)
    db.session.expire_all()
    assert user("admin").active and user("med_hr").active


def test_moving_a_mediator_to_another_centre_returns_their_cases_and_is_audited(app, demo, browser):
    case = claimed_case()
    account = user("med_hr")
    district = org_id("清城区劳动人事争议调解中心")
    browser.login("admin")
    answer = browser.submit(
        f"/admin/accounts/{account.id}",
        account_form(account, organization=str(district), name="王调解"),
        follow_redirects=True,
        headers=EN,
    )
    text = answer.get_data(as_text=True)
    assert "The account is saved." in text and "1 open case went back" in text
    db.session.expire_all()
    moved = user("med_hr")
    assert (moved.name, moved.organization_id) == ("王调解", district)
    assert db.session.get(Case, case.id).mediator_id is None
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "account.updated", AuditEvent.subject_id == account.id
        )
    )
    assert event.details["after"] == {"name": "王调解", "organization_id": district}
    assert set(event.details["before"]) == {"name", "organization_id"}


def test_bad_account_changes_are_told_beside_the_field_and_keep_what_was_typed(app, demo, browser):
    browser.login("admin")
    account = user("med_hr")
    worker = user("worker1")
    cases = [
        (account, {"role": "worker"}, "A worker's account stays a worker's account."),
        (worker, {"role": "mediator"}, "A worker's account stays a worker's account."),
        (account, {"organization": "0"}, "Choose an organisation of a kind this role"),
        (account, {"phone": worker.phone}, "already"),
        (account, {"phone": "12345"}, "11-digit mainland mobile number"),
        (account, {"email": "not-an-address"}, "e-mail"),
    ]
    for target, changes, message in cases:
        answer = browser.submit(
            f"/admin/accounts/{target.id}",
            account_form(target, name="新名字", **changes),
            headers=EN,
        )
        text = answer.get_data(as_text=True)
        assert answer.status_code == 422, changes
        assert message.lower() in text.lower(), (changes, message)
        assert 'value="新名字"' in text  # nothing typed is lost
    db.session.expire_all()
    assert user("med_hr").name != "新名字"


def test_a_forced_password_reset_voids_the_password_and_sends_a_code(
    app, demo, browser, make_browser
):
    user("med_hr").phone = "13900139001"  # the demo mediator has none: the code goes to it
    db.session.commit()
    mediator = make_browser()
    mediator.login("med_hr")
    browser.login("admin")
    account = user("med_hr")
    answer = browser.submit(
        f"/admin/accounts/{account.id}/force-password-reset",
        {},
        page=f"/admin/accounts/{account.id}",
        follow_redirects=True,
        headers=EN,
    )
    assert "The password no longer works" in answer.get_data(as_text=True)
    assert mediator.get("/").status_code in (200, 302)
    assert mediator.get(f"/admin/accounts/{account.id}").status_code == 302  # signed out
    refused = make_browser().submit("/login", {"identifier": "med_hr", "password": "demo-2026"})
    assert refused.status_code != 302
    sms = db.session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.recipient == account.phone)
        .order_by(OutboxMessage.id.desc())
    )
    assert sms is not None and sms.kind == "password_reset_code"


def test_a_mediator_hands_a_case_back_to_the_queue_with_a_reason(app, demo, browser, make_browser):
    colleague = colleague_of_med_hr()
    case = claimed_case()
    browser.login("med_hr")
    page = f"/cases/{case.id}"
    refused = browser.submit(f"{page}/hand-back", {"hand-back-reason": " "}, page=page, headers=EN)
    assert refused.status_code == 422
    assert 'id="hand-back-reason-error"' in refused.get_data(as_text=True)
    assert browser.get(page, headers=EN).status_code == 200

    answer = browser.submit(
        f"{page}/hand-back", {"hand-back-reason": "与申请人系亲属，需回避"}, page=page
    )
    assert answer.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).mediator_id is None
    told = db.session.scalars(
        select(Notification.user_id).where(
            Notification.case_id == case.id, Notification.kind == "returned_to_queue"
        )
    ).all()
    assert told == [colleague.id]  # not the mediator who gave it back
    other = make_browser()
    other.login("med_hr_b")
    assert "与申请人系亲属，需回避" in other.get(page).get_data(as_text=True)

    # Now unclaimed: only the mediator holding a case gives it back (the API too).
    client = app.test_client()
    token = client.post("/api/v1/tokens", json={"username": "med_hr", "password": "demo-2026"})
    again = client.post(
        f"/api/v1/cases/{case.id}/hand-back",
        json={"reason": "再次退回"},
        headers={"Authorization": f"Bearer {token.json['token']}"},
    )
    assert again.status_code == 403


def test_the_lead_checkbox_makes_a_mediator_the_lead_and_unticked_ends_it(app, demo, browser):
    account = user("med_district")
    browser.login("admin")
    page = f"/admin/accounts/{account.id}"
    assert "Lead mediator of the organisation" in browser.get(page, headers=EN).get_data(
        as_text=True
    )
    assert browser.submit(page, account_form(account, lead="y")).status_code == 302
    db.session.expire_all()
    assert user("med_district").is_lead
    assert re.search(
        r'<input[^>]*checked[^>]*name="lead"|<input[^>]*name="lead"[^>]*checked',
        browser.get(page).get_data(as_text=True),
    )
    assert browser.submit(page, account_form(account)).status_code == 302  # unticked
    db.session.expire_all()
    assert not user("med_district").is_lead
    changes = [
        (event.details["before"], event.details["after"])
        for event in db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "account.lead_changed", AuditEvent.subject_id == account.id)
            .order_by(AuditEvent.id)
        )
    ]
    assert changes == [
        ({"is_lead": False}, {"is_lead": True}),
        ({"is_lead": True}, {"is_lead": False}),
    ]


def test_a_mediator_moved_to_another_district_gives_the_open_cases_back_or_nothing_moves(
    app, demo, browser
):
    """What an administrator expects when someone is posted to another district: the cases stay
    in the district that holds them (in its queue, the staff told), never half-moved."""
    from mediation.models import Region

    far_district = Region(name="清新区", code="441803", level="district")
    far = Organization(name="清新区劳动人事争议调解中心", kind="hr_bureau", region=far_district)
    db.session.add(far)
    db.session.commit()
    case = claimed_case()
    account = user("med_hr")
    browser.login("admin")
    bad = browser.submit(
        f"/admin/accounts/{account.id}",
        account_form(account, organization=str(far.id), phone="12345"),
        headers=EN,
    )
    assert bad.status_code == 422
    db.session.expire_all()
    assert db.session.get(Case, case.id).mediator_id == account.id  # nothing half-written
    assert user("med_hr").organization_id != far.id

    moved = browser.submit(
        f"/admin/accounts/{account.id}",
        account_form(account, organization=str(far.id)),
        follow_redirects=True,
        headers=EN,
    )
    assert "1 open case went back" in moved.get_data(as_text=True)
    db.session.expire_all()
    back = db.session.get(Case, case.id)
    assert back.mediator_id is None and back.organization_id != far.id


def test_field_and_account_rules_come_in_one_answer(app, demo, browser):
    """A malformed e-mail (a field rule), a number another account has and a mediator without
    an organisation (the account rules) are all told on the first submit."""
    browser.login("admin")
    account = user("med_hr")
    answer = browser.submit(
        f"/admin/accounts/{account.id}",
        account_form(
            account, email="not-an-address", phone=user("worker1").phone, organization="0"
        ),
        headers=EN,
    )
    text = answer.get_data(as_text=True)
    assert answer.status_code == 422
    for field in ("email", "phone", "organization"):
        assert f'id="{field}-error"' in text, field
        assert f'href="#{field}"' in text.split('class="error-summary"')[1], field
