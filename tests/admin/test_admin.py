"""Administrators create staff accounts; supervisors see their jurisdiction's organisations."""

import pytest
from sqlalchemy import select

from mediation.extensions import db
from mediation.models import AuditEvent, Organization, Region, Role, User


def org_id(name: str) -> int:
    return db.session.scalar(select(Organization.id).where(Organization.name == name))


def staff_form(**changes) -> dict:
    return {
        "username": "med_new",
        "name": "新调解员",
        "phone": "",
        "role": "mediator",
        "organization": str(org_id("东城街道劳动人事争议调解中心")),
        "employer": "0",
        "region": "0",
        "password": "pass-word-1",
        "confirm": "pass-word-1",
        **changes,
    }


def test_admin_creates_a_mediator_who_can_sign_in(app, demo, browser, make_browser):
    browser.login("admin")
    response = browser.submit("/admin/accounts/new", staff_form())
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "med_new"))
    assert user.role is Role.mediator
    assert user.organization.name == "东城街道劳动人事争议调解中心"
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "account.created", AuditEvent.subject_id == user.id
        )
    )
    assert event.actor_role == "admin"
    make_browser().login("med_new", "pass-word-1")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"username": "med_hr"}, "username", "This username is taken."),
        ({"username": "a b"}, "username", "3 to 50 letters"),
        ({"organization": "0"}, "organization", "Choose an organisation of a kind this role"),
        ({"role": "court_liaison"}, "organization", "Choose an organisation of a kind this role"),
        ({"role": "employer_rep", "organization": "0"}, "employer", "Choose the employer"),
        ({"role": "supervisor", "organization": "0"}, "region", "Choose the region"),
        ({"phone": "12345"}, "phone", "11-digit mainland mobile number"),
        ({"organization": "99999"}, "organization", "Not a valid choice"),
    ],
)
def test_bad_staff_input_gets_a_field_message(app, demo, browser, changes, field, message):
    browser.login("admin")
    response = browser.submit(
        "/admin/accounts/new", staff_form(**changes), headers={"Accept-Language": "en"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error"' in html and message in html
    assert 'value="新调解员"' in html
    assert db.session.scalar(select(User).where(User.name == "新调解员")) is None


def test_accounts_list_masks_identity_numbers(app, demo, browser):
    browser.login("admin")
    html = browser.get("/admin/accounts?role=worker").get_data(as_text=True)
    assert "441802********0013" in html and "138****8001" in html
    assert "441802199003150013" not in html and "13800138001" not in html
    assert "med_hr" not in html  # the role filter


def test_supervisor_sees_only_the_organisations_of_the_jurisdiction(app, demo, browser):
    other = Region(name="英德市", level="district", code="441881")
    db.session.add(other)
    db.session.flush()
    db.session.add(Organization(name="英德市劳动人事争议调解中心", kind="hr_bureau", region=other))
    db.session.commit()
    browser.login("supervisor1")
    html = browser.get("/admin/organizations").get_data(as_text=True)
    assert "凤城街道劳动人事争议调解中心" in html  # a street below the district
    assert "清城区人民法院诉前调解中心" in html
    assert "英德市劳动人事争议调解中心" not in html


def test_long_account_lists_are_paged(app, demo, browser):
    from mediation.auth import accounts

    for i in range(55):
        accounts.create_staff(
            actor=None,
            username=f"sup_{i:02d}",
            name=f"督导{i}",
            role=Role.supervisor,
            password="pass-word-1",
            region=db.session.scalar(select(Region).where(Region.code == "441802")),
        )
    db.session.commit()
    browser.login("admin")
    first = browser.get("/admin/accounts", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Page 1 of 2" in first and 'href="/admin/accounts?page=2"' in first
    second = browser.get("/admin/accounts?page=2").get_data(as_text=True)
    assert "sup_54" in second and "sup_00" not in second
    filtered = browser.get("/admin/accounts?role=supervisor", headers={"Accept-Language": "en"})
    assert 'href="/admin/accounts?page=2&amp;role=supervisor"' in filtered.get_data(as_text=True)
