"""An administrator records the district's arbitration commission and legal-aid station, and an
organisation's address and hours; the worker is told where to apply."""

from sqlalchemy import select

from mediation.cases.operations import fire
from mediation.extensions import db
from mediation.models import AuditEvent, Organization, Region
from tests.factories import filed_case, mediating_case, user

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


def test_an_organisation_moves_to_another_region_only_once_its_cases_are_closed(app, demo, browser):
    case = filed_case()
    centre = case.organization
    served = centre.region_id
    browser.login("admin")
    added = browser.submit(
        "/admin/regions/new",
        {"name": "新街道", "code": "441802009", "level": "street", "parent": str(district().id)},
        headers=EN,
    )
    assert added.status_code == 302
    street = db.session.scalar(select(Region).where(Region.code == "441802009"))
    cycle = browser.submit(
        f"/admin/regions/{district().id}/edit",
        {"name": "清城区", "code": "441802", "level": "district", "parent": str(street.id)},
        headers=EN,
    )
    assert cycle.status_code == 422
    assert "新街道 is below 清城区: a region cannot sit below itself" in cycle.get_data(
        as_text=True
    )

    form = {"name": "改名中心", "case_prefix": centre.case_prefix, "region": str(street.id)}
    refused = browser.submit(f"/admin/organizations/{centre.id}", form, headers=EN)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="region-error"' in text
    assert "holds 1 open case: the region it serves changes once it is transferred" in text
    db.session.expire_all()
    assert (centre.name, centre.region_id) == ("凤城街道劳动人事争议调解中心", served)

    with app.test_request_context():
        fire(case, "decline", actor=user("med_hr"), reason="不属于调解范围")
    db.session.commit()
    assert browser.submit(f"/admin/organizations/{centre.id}", form).status_code == 302
    db.session.expire_all()
    assert centre.region_id == street.id
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "organization.updated", AuditEvent.subject_id == centre.id
        )
    )
    assert event.details["after"] == {"name": "改名中心", "region_id": street.id}


def _summary(html: str) -> str:
    return html.split('class="error-summary"')[1].split("</div>")[0]


def test_field_and_register_problems_come_in_one_answer(app, demo, browser):
    """A field's own problem and the register's rules are reported on the first submit, for
    an organisation's correction, a new organisation and a new region."""
    browser.login("admin")
    street = db.session.scalar(select(Organization).where(Organization.name.contains("凤城街道")))
    other = db.session.scalar(
        select(Organization).where(Organization.id != street.id, Organization.kind == street.kind)
    )
    other.case_prefix = "TAKEN"
    db.session.commit()
    answer = browser.submit(
        f"/admin/organizations/{street.id}",
        {"name": street.name, "case_prefix": "TAKEN", "phone": "call me", "contact": "王主任"},
        headers=EN,
    )
    text = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert 'id="phone-error"' in text and 'id="case_prefix-error"' in text
    assert 'href="#phone"' in _summary(text) and 'href="#case_prefix"' in _summary(text)
    assert 'value="王主任"' in text

    answer = browser.submit(
        "/admin/organizations/new",
        {"name": "", "kind": street.kind.value, "region": str(street.region_id), "employer": ""},
        headers=EN,
    )
    text = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert 'id="name-error"' in text  # a field rule
    assert "already" in text.split('id="region-error"')[1].split("</p>")[0]  # a register rule

    answer = browser.submit(
        "/admin/regions/new",
        {"name": "", "code": "", "level": "district", "parent": str(district().id)},
        headers=EN,
    )
    text = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert 'id="name-error"' in text
    assert "no parent region" in text.split('id="parent-error"')[1].split("</p>")[0]
