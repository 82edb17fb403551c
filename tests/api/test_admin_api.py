"""An administrator looks after the network's people and employers through the API, with the
pages' rules and audit (``admin.staff``, ``admin.employers``)."""

from sqlalchemy import select

from mediation.cases.filing import EmployerInput
from mediation.cases.operations import claim, fire
from mediation.core.recipients import staff_of
from mediation.extensions import db
from mediation.models import AuditEvent, Case, Employer, Organization, OutboxMessage, Region
from tests.admin.test_employer_admin import COMPANY_USCC, company, filed_without_code
from tests.factories import filed_case, user

NEW_MEDIATOR = {
    "username": "med_hr_c",
    "name": "孙调解",
    "role": "mediator",
    "password": "mediate-well-2027",
    "phone": "13900139011",
}


def events(action: str, subject_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == action, AuditEvent.subject_id == subject_id)
            .order_by(AuditEvent.id)
        )
    )


def test_a_new_mediator_gets_an_account_and_bad_bodies_name_every_problem(api):
    centre = user("med_hr").organization_id
    refused = api(
        "POST",
        "/admin/users",
        "admin",
        json={
            "username": "x",
            "role": "worker",
            "password": "123",
            "phone": "12345",
            "organization_id": 999_999,
        },
    )
    assert refused.status_code == 422
    assert set(refused.json["errors"]) == {
        "username",
        "name",
        "role",
        "password",
        "phone",
        "organization_id",
    }
    assert refused.json["errors"]["organization_id"] == ["No organisation has this id."]

    jobs_centre = user("reemploy1").organization_id
    wrong_kind = api(
        "POST", "/admin/users", "admin", json={**NEW_MEDIATOR, "organization_id": jobs_centre}
    )
    assert wrong_kind.json["errors"] == {
        "organization_id": ["Choose an organisation of a kind this role works in."]
    }

    created = api("POST", "/admin/users", "admin", json={**NEW_MEDIATOR, "organization_id": centre})
    assert created.status_code == 201, created.json
    assert created.json["organization_id"] == centre and created.json["active"]
    assert events("account.created", created.json["id"])
    token = api("POST", "/tokens", json={"username": "med_hr_c", "password": "mediate-well-2027"})
    assert token.status_code == 201
    taken = api("POST", "/admin/users", "admin", json={**NEW_MEDIATOR, "organization_id": centre})
    assert taken.json["errors"] == {"username": ["This username is taken."]}
    listed = api("GET", "/admin/users?role=mediator", "admin").json["items"]
    assert "med_hr_c" in [item["username"] for item in listed]
    assert "13900139011" not in str(listed)  # masked in the list, in full on the account
    assert api("GET", f"/admin/users/{created.json['id']}", "admin").json["phone"] == "13900139011"
    assert api("GET", "/admin/users/999999", "admin").status_code == 404


def test_an_account_is_moved_made_lead_and_corrected_with_before_and_after(api):
    account = user("med_hr")
    street_centre = account.organization_id
    case = filed_case()
    claim(case, actor=account)
    db.session.commit()
    district_centre = db.session.scalar(
        select(Organization.id).where(Organization.name == "清城区劳动人事争议调解中心")
    )
    path = f"/admin/users/{account.id}"

    refused = api(
        "PATCH", path, "admin", json={"phone": "12345", "email": "no", "name": "", "role": "x"}
    )
    assert refused.status_code == 422
    assert set(refused.json["errors"]) == {"phone", "email", "name", "role"}
    clerk = user("court1")
    not_a_mediator = api("PATCH", f"/admin/users/{clerk.id}", "admin", json={"is_lead": True})
    assert not_a_mediator.json["errors"] == {
        "lead": ["Only a mediator can be the lead mediator of an organisation."]
    }

    # The street centre's lead moves to the district centre: the lead of one organisation is
    # not the lead of the next, unless the administrator says so.
    moved = api("PATCH", path, "admin", json={"organization_id": district_centre})
    assert moved.status_code == 200, moved.json
    assert moved.json["cases_returned"] == 1 and not moved.json["is_lead"]
    db.session.expire_all()
    assert db.session.get(Case, case.id).mediator_id is None
    [updated] = events("account.updated", account.id)
    assert (updated.details["before"], updated.details["after"]) == (
        {"organization_id": street_centre},
        {"organization_id": district_centre},
    )
    assert api("PATCH", path, "admin", json={"is_lead": True}).json["is_lead"]
    leads = [
        (event.details["before"], event.details["after"])
        for event in events("account.lead_changed", account.id)
    ]
    assert leads == [
        ({"is_lead": True}, {"is_lead": False}),
        ({"is_lead": False}, {"is_lead": True}),
    ]
    cleared = api("PATCH", path, "admin", json={"is_lead": False, "email": "wang@example.cn"})
    assert not cleared.json["is_lead"] and cleared.json["email"] == "wang@example.cn"
    assert api("PATCH", path, "admin", json={"email": ""}).json["email"] is None


def test_a_deactivated_account_is_signed_out_and_its_cases_wait_in_the_queue(api):
    account = user("med_hr")
    case = filed_case()
    claim(case, actor=account)
    db.session.commit()
    api("GET", "/cases", "med_hr")  # the mediator's token
    path = f"/admin/users/{account.id}"

    assert api("POST", f"{path}/deactivate", "admin", json={}).status_code == 422
    me = user("admin")
    own = api("POST", f"/admin/users/{me.id}/deactivate", "admin", json={"reason": "x"})
    assert (
        own.status_code == 409 and own.json["message"] == "You cannot do this to your own account."
    )

    answer = api("POST", f"{path}/deactivate", "admin", json={"reason": "调往他处"})
    assert answer.status_code == 200
    assert answer.json["cases_returned"] == 1 and not answer.json["active"]
    assert api("GET", "/cases", "med_hr").status_code == 401
    assert (
        api("POST", "/tokens", json={"username": "med_hr", "password": "demo-2026"}).status_code
        == 401
    )
    assert db.session.get(Case, case.id).mediator_id is None
    [event] = events("account.deactivated", account.id)
    assert (event.note, event.details["before"], event.details["after"]) == (
        "调往他处",
        {"active": True},
        {"active": False},
    )
    again = api("POST", f"{path}/deactivate", "admin", json={"reason": "x"})
    assert again.status_code == 409

    assert api("POST", f"{path}/reactivate", "admin").json["active"]
    assert api("POST", f"{path}/reactivate", "admin").status_code == 409
    assert (
        api("POST", "/tokens", json={"username": "med_hr", "password": "demo-2026"}).status_code
        == 201
    )


def test_a_forced_password_reset_voids_the_password_and_sends_a_code(api):
    account = user("med_hr")
    path = f"/admin/users/{account.id}/password-reset"
    no_phone = api("POST", path, "admin")
    assert no_phone.status_code == 409 and "no mobile number" in no_phone.json["message"]
    account.phone = "13900139001"
    db.session.flush()
    api("GET", "/cases", "med_hr")
    assert api("POST", path, "admin").json == {"code_sent": True}
    assert api("GET", "/cases", "med_hr").status_code == 401
    assert (
        api("POST", "/tokens", json={"username": "med_hr", "password": "demo-2026"}).status_code
        == 401
    )
    sms = db.session.scalar(
        select(OutboxMessage.kind).where(OutboxMessage.recipient == "13900139001")
    )
    assert sms == "password_reset_code"
    assert events("account.password_reset_forced", account.id)


def test_employers_are_found_corrected_and_merged_with_their_cases(api):
    case = filed_without_code()
    duplicate = case.employer
    by_name = api("GET", "/admin/employers?q=新材料", "admin").json["items"]
    by_code = api("GET", "/admin/employers?q=91350100m", "admin").json["items"]
    assert {item["id"] for item in by_name} >= {duplicate.id, company().id}
    assert [item["uscc"] for item in by_code] == [COMPANY_USCC]

    path = f"/admin/employers/{duplicate.id}"
    refused = api("PATCH", path, "admin", json={"uscc": "123", "industry": "Z", "name": ""})
    assert refused.status_code == 422
    assert set(refused.json["errors"]) == {"uscc", "industry", "name"}
    taken = api("PATCH", path, "admin", json={"uscc": COMPANY_USCC})
    assert taken.json["errors"]["uscc"] == [
        "Another employer already has this code: merge the two records instead."
    ]
    corrected = api("PATCH", path, "admin", json={"address": "凤城街道某某路9号"})
    assert corrected.status_code == 200 and corrected.json["cases"] == 1
    [event] = events("employer.updated", duplicate.id)
    assert event.details["after"] == {"address": "凤城街道某某路9号"}

    itself = api("POST", f"{path}/merge", "admin", json={"into_uscc": "91350100M000100Y4X"})
    assert itself.status_code == 422 and "into_uscc" in itself.json["errors"]
    duplicate_id = duplicate.id
    merged = api("POST", f"{path}/merge", "admin", json={"into_uscc": COMPANY_USCC.lower()})
    assert merged.status_code == 200, merged.json
    assert merged.json["cases_moved"] == 1 and merged.json["employer"]["uscc"] == COMPANY_USCC
    db.session.expire_all()
    assert db.session.get(Employer, duplicate_id) is None
    assert db.session.get(Case, case.id).employer_id == company().id
    assert api("GET", path, "admin").status_code == 404


def test_a_committee_is_recorded_once_and_two_committees_do_not_merge(api):
    other = filed_without_code().employer
    path = f"/admin/employers/{other.id}/committee"
    first = api("POST", path, "admin")
    assert first.status_code == 200 and first.json["kind"] == "enterprise"
    assert api("POST", path, "admin").json["id"] == first.json["id"]
    assert len(events("employer.committee_added", other.id)) == 1
    refused = api(
        "POST", f"/admin/employers/{other.id}/merge", "admin", json={"into_uscc": COMPANY_USCC}
    )
    assert refused.status_code == 409
    assert refused.json["message"].startswith("Both employers have a mediation committee")
    assert db.session.get(Employer, other.id) is not None


def test_a_new_district_with_its_commission_and_re_employment_centre_gets_its_referrals(api):
    contacts = {
        "arbitration_commission": "清远市清新区劳动人事争议仲裁委员会",
        "arbitration_phone": "0763-5800000",
        "legal_aid_station": "清新区法律援助处",
    }
    created = api(
        "POST",
        "/admin/regions",
        "admin",
        json={"name": "清新区", "code": "441803", "level": "district", **contacts},
    )
    assert created.status_code == 201, created.json
    assert {key: created.json[key] for key in contacts} == contacts
    qingxin = created.json["id"]
    street = api(
        "POST",
        "/admin/regions",
        "admin",
        json={"name": "太和镇", "code": "441803001", "level": "street", "parent_id": qingxin},
    ).json["id"]
    refused = api(
        "PATCH",
        f"/admin/regions/{street}",
        "admin",
        json={"legal_aid_station": "某站", "legal_aid_phone": "call us"},
    )
    assert refused.status_code == 422
    assert refused.json["errors"] == {
        "legal_aid_phone": ["Digits, spaces, brackets and dashes only."]
    }
    refused = api("PATCH", f"/admin/regions/{street}", "admin", json={"legal_aid_station": "某站"})
    assert refused.json["errors"] == {
        "legal_aid_station": [
            "Only a district has an arbitration commission, a legal-aid station and a basic court."
        ]
    }
    cycle = api("PATCH", f"/admin/regions/{qingxin}", "admin", json={"parent_id": street})
    assert cycle.status_code == 422
    assert "cycle" in cycle.json["errors"]["parent_id"][0]
    patched = api("PATCH", f"/admin/regions/{qingxin}", "admin", json={"legal_aid_phone": "12348"})
    assert patched.json["legal_aid_phone"] == "12348"
    assert patched.json["arbitration_phone"] == "0763-5800000"  # left out: kept

    centre = {"name": "清新区再就业服务中心", "kind": "reemployment"}
    on_street = api("POST", "/admin/organizations", "admin", json={**centre, "region_id": street})
    assert on_street.json["errors"] == {
        "region_id": [
            "A re-employment service centre serves a whole district, not a street, town or "
            "community."
        ]
    }
    created = api("POST", "/admin/organizations", "admin", json={**centre, "region_id": qingxin})
    assert created.status_code == 201, created.json
    jobs = created.json["id"]

    # A worker of a company in the new district lost the job: the referral reaches its centre.
    case = filed_case(
        lost_job=True,
        reemployment_consent=True,
        employer=EmployerInput(
            name="清新某某制衣有限公司", address="太和镇某某路1号", region_id=street, industry="C"
        ),
    )
    fire(case, "decline", actor=staff_of(case.organization)[0], reason="不属于调解范围")
    db.session.flush()
    assert case.referral.centre_id == jobs

    # The district's centre cannot move there too: one centre a district, routing takes one.
    old_jobs = user("reemploy1").organization_id
    moved = api("PATCH", f"/admin/organizations/{old_jobs}", "admin", json={"region_id": qingxin})
    assert moved.status_code == 422
    assert moved.json["errors"]["region_id"][0].startswith("清新区 already has one")


def test_organisations_are_added_corrected_moved_and_deleted_with_the_reason_when_refused(api):
    street = db.session.scalar(select(Region.id).where(Region.code == "441802002"))
    added = api(
        "POST",
        "/admin/organizations",
        "admin",
        json={"name": "东城街道工会调解小组", "kind": "union", "region_id": street},
    )
    assert added.json["errors"] == {
        "region_id": [
            "A trade union mediation organisation serves a whole district, not a street, town or "
            "community."
        ]
    }
    in_chinese = api(
        "POST",
        "/admin/organizations",
        "admin",
        lang="zh-CN",
        json={"name": "东城街道工会调解小组", "kind": "union", "region_id": street},
    )
    assert in_chinese.json["errors"] == {
        "region_id": ["工会调解组织服务整个区（县），不服务街道、乡镇或社区。"]
    }
    district = db.session.scalar(select(Region.id).where(Region.code == "441802"))
    added = api(
        "POST",
        "/admin/organizations",
        "admin",
        json={"name": "凤城街道人民调解委员会", "kind": "enterprise", "region_id": district},
    )
    assert added.json["errors"] == {
        "employer_uscc": ["An enterprise mediation committee belongs to an employer: name it."]
    }
    added = api(
        "POST",
        "/admin/organizations",
        "admin",
        json={
            "name": "某某新材料调解委员会",
            "kind": "enterprise",
            "region_id": district,
            "employer_uscc": "91441802MA52K3L7X4",
        },
    )
    assert added.status_code == 201, added.json
    path = f"/admin/organizations/{added.json['id']}"
    renamed = api("PATCH", path, "admin", json={"name_en": "Construction company committee"})
    assert renamed.json["name_en"] == "Construction company committee"

    # An account works there: deleting would lose what refers to it, so it is refused.
    api(
        "POST",
        "/admin/users",
        "admin",
        json={**NEW_MEDIATOR, "organization_id": added.json["id"]},
    )
    refused = api("DELETE", path, "admin")
    assert refused.status_code == 409
    assert refused.json["message"].startswith("Records refer to 某某新材料调解委员会")
    assert db.session.get(Organization, added.json["id"]) is not None

    new_street = api(
        "POST",
        "/admin/regions",
        "admin",
        json={"name": "新街道", "code": "441802009", "level": "street", "parent_id": district},
    ).json["id"]
    # The street centre holds an open case: it neither moves nor goes.
    case = filed_case()
    centre = f"/admin/organizations/{case.organization_id}"
    moved = api("PATCH", centre, "admin", json={"region_id": new_street, "name": "改名"})
    assert moved.status_code == 409
    assert "holds 1 open case: the region it serves changes once it is" in moved.json["message"]
    assert (
        api("DELETE", centre, "admin")
        .json["message"]
        .startswith("凤城街道劳动人事争议调解中心 holds 1 open case: transfer it")
    )
    db.session.expire_all()
    assert db.session.get(Organization, case.organization_id).name == "凤城街道劳动人事争议调解中心"

    spare = api(
        "POST",
        "/admin/organizations",
        "admin",
        json={"name": "临时录错的机构", "kind": "hr_bureau", "region_id": street},
    )
    assert spare.json["errors"]["region_id"][0].startswith("东城街道 already has one")
    community = db.session.scalar(select(Region.id).where(Region.code == "441802002001"))
    spare = api(
        "POST",
        "/admin/organizations",
        "admin",
        json={"name": "临时录错的机构", "kind": "hr_bureau", "region_id": community},
    )
    assert spare.status_code == 422
    spare = api(
        "POST",
        "/admin/organizations",
        "admin",
        json={"name": "临时录错的机构", "kind": "hr_bureau", "region_id": new_street},
    )
    assert spare.status_code == 201
    assert api("DELETE", f"/admin/organizations/{spare.json['id']}", "admin").status_code == 204
    assert events("organization.deleted", spare.json["id"])
