"""An administrator records the district's arbitration commission and legal-aid station, and an
organisation's address and hours; the worker is told where to apply."""

from sqlalchemy import select

from mediation.cases.operations import fire
from mediation.extensions import db
from mediation.models import AuditEvent, Organization, Region
from tests.factories import mediating_case, user

EN = {"Accept-Language": "en"}


def district() -> Region:
    return db.session.scalar(select(Region).where(Region.code == "441802"))


def test_the_recorded_commission_is_the_one_the_worker_is_sent_to(app, demo, browser, make_browser):
    browser.login("admin")
    fields = {
        "arbitration_commission": "清远市清城区劳动人事争议仲裁委员会（新址）",
        "arbitration_address": "清城区新城路8号",
        "arbitration_phone": "0763-1234567",
        "legal_aid_station": "清城区法律援助中心",
        "legal_aid_address": "清城区新城路10号",
        "legal_aid_phone": "12348",
        "basic_court": "清远市清城区人民法院（新址）",
        "basic_court_address": "清城区新城路12号",
        "basic_court_phone": "0763-7654320",
    }
    answer = browser.submit(f"/admin/regions/{district().id}", fields, headers=EN)
    assert answer.status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "region.updated"))
    assert event.details["after"]["arbitration_phone"] == "0763-1234567"
    assert event.details["before"]["arbitration_phone"] == "0763-0000001"  # the demo's
    assert event.details["after"]["basic_court"] == "清远市清城区人民法院（新址）"

    case = mediating_case()
    with app.test_request_context():
        fire(case, "fail", actor=user("med_hr"), reason="双方分歧过大")
    db.session.commit()
    worker = make_browser()
    worker.login("worker1")
    page = worker.get(f"/cases/{case.id}", headers=EN).get_data(as_text=True)
    assert "apply for labour arbitration to 清远市清城区劳动人事争议仲裁委员会（新址）" in page
    assert "清城区新城路8号" in page and "0763-1234567" in page
    assert "Free legal aid for the application: 清城区法律援助中心" in page


def test_bad_contacts_are_told_beside_the_field_and_nothing_is_saved(app, demo, browser):
    browser.login("admin")
    org = db.session.scalar(select(Organization).where(Organization.name.contains("凤城街道")))
    answer = browser.submit(
        f"/admin/organizations/{org.id}",
        {
            "address": "凤城街道某路1号",
            "phone": "call me",
            "office_hours": "x" * 201,
            "contact": "王主任",
            "video_link": "meeting.example",
        },
        headers=EN,
    )
    text = answer.get_data(as_text=True)
    assert answer.status_code == 422
    for field in ("phone", "office_hours", "video_link"):
        assert f'id="{field}-error"' in text, field
    assert 'value="凤城街道某路1号"' in text and 'value="王主任"' in text
    db.session.expire_all()
    assert db.session.get(Organization, org.id).address is None

    answer = browser.submit(
        f"/admin/organizations/{org.id}",
        {"address": "凤城街道某路1号", "phone": "0763-7654321", "office_hours": "周一至周五"},
    )
    assert answer.status_code == 302
    db.session.expire_all()
    assert db.session.get(Organization, org.id).phone == "0763-7654321"


def test_only_a_district_has_a_commission_page(app, demo, browser):
    browser.login("admin")
    street = db.session.scalar(select(Region).where(Region.code == "441802001"))
    assert browser.get(f"/admin/regions/{street.id}").status_code == 404
    listed = browser.get("/admin/organizations", headers=EN).get_data(as_text=True)
    assert f'href="/admin/regions/{district().id}"' in listed
