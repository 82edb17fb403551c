"""Entering a vacancy answers with that vacancy, never another centre's."""

from sqlalchemy import select

from mediation.auth import accounts
from mediation.extensions import db
from mediation.models import Organization, OrgKind, Region, RegionLevel, Role, User, Vacancy


def entry(title: str, district: int) -> dict:
    return {"employer": "某某公司", "title": title, "industry": "C", "district_id": district}


def test_each_centres_officer_gets_back_the_vacancy_they_entered(api):
    district = db.session.scalar(select(Region).where(Region.level == RegionLevel.district))
    other_centre = Organization(
        name="清城区第二再就业服务中心", kind=OrgKind.reemployment, region=district
    )
    db.session.add(other_centre)
    db.session.flush()
    accounts.create_staff(
        actor=None,
        username="reemploy2",
        name="冯敏",
        role=Role.reemployment_officer,
        password="demo-2026",
        organization=other_centre,
    )
    # A vacancy of the other centre that sorts after the next one (as one committed by a
    # concurrent request does): it must never come back to the first centre's officer.
    db.session.add(
        Vacancy(
            id=100_000,
            centre=other_centre,
            employer="别家公司",
            title="保密岗位",
            industry="C",
            created_by_id=db.session.scalar(select(User.id).where(User.username == "admin")),
        )
    )
    db.session.commit()

    first = api("POST", "/vacancies", "reemploy1", json=entry("仓库管理员", district.id))
    second = api("POST", "/vacancies", "reemploy2", json=entry("叉车司机", district.id))
    assert first.status_code == second.status_code == 201
    assert first.json["title"] == "仓库管理员" and second.json["title"] == "叉车司机"
    assert first.json["id"] != second.json["id"]
    for answer, centre in ((first, "清城区再就业服务中心"), (second, other_centre.name)):
        created = db.session.get(Vacancy, answer.json["id"])
        assert created.centre.name == centre
    listed = api("GET", "/vacancies", "reemploy1").json["items"]
    assert [item["title"] for item in listed] == ["仓库管理员"]
