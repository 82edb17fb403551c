"""A case is transferred only to organisations serving the employer's district (DESIGN.md §3)."""

import pytest
from sqlalchemy import func, select

from mediation.extensions import db
from mediation.models import AuditEvent, Case, Organization, OrgKind, Region, RegionLevel
from tests.factories import filed_case

pytestmark = pytest.mark.both_databases

HOME_COURT = "清城区人民法院诉前调解中心"
OTHER_COURT = "清新区人民法院诉前调解中心"


@pytest.fixture
def other_district(app, demo):
    """A neighbouring district with its own court and HR centre."""
    district = Region(code="441803", name="清新区", level=RegionLevel.district)
    street = Region(code="441803001", name="太和镇", level=RegionLevel.street, parent=district)
    db.session.add_all(
        [
            district,
            street,
            Organization(name=OTHER_COURT, kind=OrgKind.court, region=district),
            Organization(name="太和镇劳动人事争议调解中心", kind=OrgKind.hr_bureau, region=street),
        ]
    )
    db.session.commit()


def org_id(name: str) -> int:
    return db.session.scalar(select(Organization.id).where(Organization.name == name))


def api_token(app, username: str) -> dict:
    token = (
        app.test_client()
        .post("/api/v1/tokens", json={"username": username, "password": "demo-2026"})
        .json["token"]
    )
    return {"Authorization": f"Bearer {token}", "Accept-Language": "en"}


def test_a_court_of_another_district_is_refused_and_nothing_changes(app, other_district):
    with app.test_request_context():
        case = filed_case()
    response = app.test_client().post(
        f"/api/v1/cases/{case.id}/escalate",
        json={"reason": "移送法院", "organization_id": org_id(OTHER_COURT)},
        headers=api_token(app, "med_hr"),
    )
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"organization_id"}
    db.session.expire_all()
    unchanged = db.session.get(Case, case.id)
    assert (unchanged.state, unchanged.tier) == ("applied", "hr_bureau")
    assert unchanged.organization.name == "凤城街道劳动人事争议调解中心"
    assert not db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "case.escalate")
    )


def test_the_escalate_form_lists_only_the_employers_district(app, other_district, make_browser):
    with app.test_request_context():
        case = filed_case()
    mediator = make_browser()
    mediator.login("med_hr")
    page = mediator.get(f"/cases/{case.id}").get_data(as_text=True)
    assert HOME_COURT in page and "清城区总工会" not in page  # the union is a lower tier
    assert OTHER_COURT not in page and "太和镇" not in page
    response = mediator.act(
        case.id, "escalate", {"reason": "移送法院", "organization_id": str(org_id(OTHER_COURT))}
    )
    assert response.status_code == 422
    assert db.session.get(Case, case.id).tier == "hr_bureau"


def test_a_court_of_the_employers_district_receives_the_case(app, other_district):
    with app.test_request_context():
        case = filed_case()
    response = app.test_client().post(
        f"/api/v1/cases/{case.id}/escalate",
        json={"reason": "移送法院", "organization_id": org_id(HOME_COURT)},
        headers=api_token(app, "med_hr"),
    )
    assert response.status_code == 200
    assert response.json["organization"]["name"] == HOME_COURT


def test_the_targets_are_found_without_reading_the_rest_of_the_network(app, other_district):
    """A province's network holds thousands of committees and centres: the transfer targets
    (offered on every staff case page) are found among those that could serve the employer,
    without reading the others."""
    from sqlalchemy import event

    from mediation.cases.triggers import transfer_targets

    with app.test_request_context():
        case_id = filed_case().id
    far = Region(code="441881", name="英德市", level=RegionLevel.district)
    streets = [
        Region(code=f"441881{n:03}", name=f"英德第{n}街道", level=RegionLevel.street, parent=far)
        for n in range(1, 31)
    ]
    db.session.add_all(
        [far, *streets]
        + [
            Organization(name=f"{street.name}调解中心", kind=OrgKind.hr_bureau, region=street)
            for street in streets
        ]
    )
    db.session.commit()
    far_regions = {far.id, *(street.id for street in streets)}
    db.session.expunge_all()
    read = []  # (region id, or organisation's region id) of every row loaded

    def loaded(target, context):
        read.append(target.id if isinstance(target, Region) else target.region_id)

    event.listen(Region, "load", loaded)
    event.listen(Organization, "load", loaded)
    try:
        with app.test_request_context():
            targets = transfer_targets(db.session.get(Case, case_id))
    finally:
        event.remove(Region, "load", loaded)
        event.remove(Organization, "load", loaded)
    assert HOME_COURT in [target.organization.name for target in targets]
    assert read and not far_regions.intersection(read)
