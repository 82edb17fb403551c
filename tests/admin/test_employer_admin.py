"""An administrator finds, corrects and merges employers and records an enterprise committee."""

from sqlalchemy import select

from mediation.cases.filing import EmployerInput
from mediation.extensions import db
from mediation.models import AuditEvent, Case, Employer, Organization, OrgKind, Region
from mediation.stats import figures
from mediation.validators import uscc_check_character
from tests.factories import filed_case

EN = {"Accept-Language": "en"}
COMPANY_USCC = "91350100M000100Y43"  # employer1's company in the demo


def company() -> Employer:
    return db.session.scalar(select(Employer).where(Employer.uscc == COMPANY_USCC))


def filed_without_code() -> Case:
    """A worker who did not know the code files against the company under another spelling:
    the filing makes a second record of the same company."""
    street = db.session.scalar(select(Region.id).where(Region.code == "441802001"))
    return filed_case(
        employer=EmployerInput(
            name="清远某某新材料公司", address="凤城街道某某路8号", region_id=street, industry="C"
        )
    )


def test_search_finds_employers_by_part_of_the_name_or_the_start_of_the_code(app, demo, browser):
    browser.login("admin")
    by_name = browser.get("/admin/employers?q=新材料", headers=EN).get_data(as_text=True)
    by_code = browser.get("/admin/employers?q=91350100m", headers=EN).get_data(as_text=True)
    nothing = browser.get("/admin/employers?q=%25", headers=EN).get_data(as_text=True)
    assert "清远某某新材料有限公司" in by_name and "清远某某新材料有限公司" in by_code
    assert "No employer matches." in nothing  # a % is looked for, not a wildcard


def test_a_duplicate_is_merged_with_its_cases_and_the_figures_follow(app, demo, browser):
    case = filed_without_code()
    duplicate = case.employer
    assert duplicate.id != company().id
    browser.login("admin")
    answer = browser.submit(
        f"/admin/employers/{duplicate.id}/merge",
        {"into": COMPANY_USCC.lower()},
        page=f"/admin/employers/{duplicate.id}",
        follow_redirects=True,
        headers=EN,
    )
    assert "Merged into 清远某某新材料有限公司; 1 case moved with it." in answer.get_data(
        as_text=True
    )
    duplicate_id = duplicate.id
    db.session.expire_all()
    assert db.session.get(Case, case.id).employer_id == company().id
    assert db.session.get(Employer, duplicate_id) is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "employer.merged"))
    assert event.details["merged"]["name"] == "清远某某新材料公司"
    assert event.details["moved"]["cases"] == [case.id]
    assert set(figures.verify().values()) == {0}
    # The company's representative now sees the case that named the duplicate.
    rep = browser.client.application.test_client()
    token = rep.post("/api/v1/tokens", json={"username": "employer1", "password": "demo-2026"})
    listed = rep.get(
        "/api/v1/cases", headers={"Authorization": f"Bearer {token.json['token']}"}
    ).json["items"]
    assert case.id in [item["id"] for item in listed]


def test_a_duplicate_with_a_committee_brings_it_to_the_record_that_stays(app, demo, browser):
    duplicate = filed_without_code().employer
    browser.login("admin")
    browser.submit(
        f"/admin/employers/{duplicate.id}/committee", {}, page=f"/admin/employers/{duplicate.id}"
    )
    committee = duplicate.mediation_committee.id
    code = "91440101MA59ABCD1" + uscc_check_character("91440101MA59ABCD1")
    street = db.session.scalar(select(Region.id).where(Region.code == "441802001"))
    stays = filed_case(
        employer=EmployerInput(
            name="清远某某新材料（清远）有限公司", uscc=code, region_id=street, industry="C"
        )
    )
    answer = browser.submit(
        f"/admin/employers/{duplicate.id}/merge",
        {"into": code},
        page=f"/admin/employers/{duplicate.id}",
    )
    assert answer.status_code == 302
    db.session.expire_all()
    assert db.session.get(Organization, committee).employer_id == stays.employer_id

    # The demo company has its committee already: a second one is refused beside the field.
    other = filed_without_code().employer
    browser.submit(
        f"/admin/employers/{other.id}/committee", {}, page=f"/admin/employers/{other.id}"
    )
    refused = browser.submit(
        f"/admin/employers/{other.id}/merge",
        {"into": COMPANY_USCC},
        page=f"/admin/employers/{other.id}",
        headers=EN,
    )
    assert refused.status_code == 422
    assert "Both employers have a mediation committee" in refused.get_data(as_text=True)


def test_merging_refuses_an_unknown_code_and_itself_beside_the_field(app, demo, browser):
    browser.login("admin")
    own = company()
    for into, message in (
        ("91350100M000100Y44", "does not match"),
        ("91440000000000000X", ""),
        (COMPANY_USCC, "cannot be merged into itself"),
    ):
        answer = browser.submit(
            f"/admin/employers/{own.id}/merge",
            {"into": into},
            page=f"/admin/employers/{own.id}",
            headers=EN,
        )
        assert answer.status_code == 422, into
        assert 'id="into-error"' in answer.get_data(as_text=True), into
        assert message in answer.get_data(as_text=True), into
    assert db.session.get(Employer, own.id) is not None


def test_correcting_an_employer_reports_every_problem_at_once_and_keeps_the_rest(
    app, demo, browser
):
    case = filed_without_code()
    duplicate = case.employer
    browser.login("admin")
    form = {
        "name": "清远某某新材料（清远）有限公司",
        "uscc": COMPANY_USCC,  # the company's: a merge, not an edit
        "region": str(duplicate.region_id),
        "industry": "Z",
        "address": "新地址1号",
    }
    answer = browser.submit(f"/admin/employers/{duplicate.id}", form, headers=EN)
    text = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "merge the two records instead" in text and 'id="industry-error"' in text
    assert 'value="清远某某新材料（清远）有限公司"' in text and 'value="新地址1号"' in text

    answer = browser.submit(
        f"/admin/employers/{duplicate.id}",
        form | {"uscc": "91440101MA59ABCD1X", "industry": "C"},
        headers=EN,
    )
    text = answer.get_data(as_text=True)
    assert answer.status_code == 422 and 'id="uscc-error"' in text  # a wrong check character

    valid = "91440101MA59ABCD1" + uscc_check_character("91440101MA59ABCD1")
    answer = browser.submit(
        f"/admin/employers/{duplicate.id}", form | {"uscc": valid, "industry": "C"}, headers=EN
    )
    assert answer.status_code == 302
    db.session.expire_all()
    assert db.session.get(Employer, duplicate.id).uscc == valid
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "employer.updated"))
    assert event.details["before"]["uscc"] is None and event.details["after"]["uscc"] == valid


def test_an_enterprise_committee_is_recorded_as_an_organisation(app, demo, browser):
    case = filed_without_code()
    browser.login("admin")
    browser.submit(
        f"/admin/employers/{case.employer_id}/committee",
        {},
        page=f"/admin/employers/{case.employer_id}",
    )
    committee = db.session.scalar(
        select(Organization).where(Organization.employer_id == case.employer_id)
    )
    assert committee.kind is OrgKind.enterprise
    assert committee.name == "清远某某新材料公司劳动争议调解委员会"
    page = browser.get("/admin/organizations", headers=EN).get_data(as_text=True)
    assert committee.name in page
