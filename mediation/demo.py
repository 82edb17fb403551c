"""The demo jurisdiction that `make run` seeds: one district of Qingyuan with its network.

Idempotent: every row is looked up by its natural key first, so a second run changes nothing.
Never run in production (the CLI refuses).
"""

from sqlalchemy import select

from mediation.extensions import db
from mediation.models import Employer, Organization, OrgKind, Region, RegionLevel, Role, User
from mediation.services import accounts

DEMO_PASSWORD = "demo-2026"

REGIONS = [
    # code, name, level, parent code
    ("441802", "清城区", RegionLevel.district, None),
    ("441802001", "凤城街道", RegionLevel.street, "441802"),
    ("441802002", "东城街道", RegionLevel.street, "441802"),
    ("441802001001", "凤翔社区", RegionLevel.community, "441802001"),
    ("441802002001", "百嘉社区", RegionLevel.community, "441802002"),
]

EMPLOYERS = [
    # USCC, name, street code, industry section
    ("91350100M000100Y43", "清远某某新材料有限公司", "441802001", "C"),
    ("91441802MA52K3L7X4", "清远市某某建筑工程有限公司", "441802002", "E"),
    ("91441802MA53P8QW2J", "清远某某餐饮管理有限公司", "441802001", "H"),
    ("91441802MA5C6RT41G", "清远某某物流有限公司", "441802002", "G"),
]

ORGANIZATIONS = [
    # name, kind, region code, employer USCC (enterprise committees only), case-number prefix
    ("清远某某新材料有限公司劳动争议调解委员会", OrgKind.enterprise, "441802001", "91350100M000100Y43", "XCQY"),  # noqa: E501
    ("清城区总工会劳动争议调解委员会", OrgKind.union, "441802", None, "QCGH"),
    ("凤城街道劳动人事争议调解中心", OrgKind.hr_bureau, "441802001", None, "FCJD"),
    ("东城街道劳动人事争议调解中心", OrgKind.hr_bureau, "441802002", None, "DCJD"),
    ("清城区劳动人事争议调解中心", OrgKind.hr_bureau, "441802", None, "QCTJ"),
    ("清城区人民法院诉前调解中心", OrgKind.court, "441802", None, "QCFY"),
    ("清城区再就业服务中心", OrgKind.reemployment, "441802", None, None),
]  # fmt: skip

WORKERS = [
    # username, name, phone, resident ID
    ("worker1", "李明", "13800138001", "441802199003150013"),
    ("worker2", "王芳", "13800138002", "441802198807200026"),
]

STAFF = [
    # username, name, role, organisation name, employer USCC, region code
    ("employer1", "陈静", Role.employer_rep, None, "91350100M000100Y43", None),
    (
        "med_enterprise",
        "刘洋",
        Role.mediator,
        "清远某某新材料有限公司劳动争议调解委员会",
        None,
        None,
    ),
    ("med_union", "赵磊", Role.mediator, "清城区总工会劳动争议调解委员会", None, None),
    ("med_hr", "孙丽", Role.mediator, "凤城街道劳动人事争议调解中心", None, None),
    ("med_district", "周强", Role.mediator, "清城区劳动人事争议调解中心", None, None),
    ("court1", "吴敏", Role.court_liaison, "清城区人民法院诉前调解中心", None, None),
    ("reemploy1", "郑华", Role.reemployment_officer, "清城区再就业服务中心", None, None),
    ("supervisor1", "黄伟", Role.supervisor, None, None, "441802"),
    ("admin", "系统管理员", Role.admin, None, None, None),
]


def _one(model, **key):
    return db.session.scalar(select(model).filter_by(**key))


def seed_demo() -> int:
    """Create whatever of the demo jurisdiction is missing; returns the number of rows added."""
    added = 0
    for code, name, level, parent_code in REGIONS:
        if not _one(Region, code=code):
            db.session.add(
                Region(code=code, name=name, level=level, parent=_one(Region, code=parent_code))
            )
            db.session.flush()
            added += 1
    for uscc, name, street, industry in EMPLOYERS:
        if not _one(Employer, uscc=uscc):
            db.session.add(
                Employer(uscc=uscc, name=name, region=_one(Region, code=street), industry=industry)
            )
            added += 1
    db.session.flush()
    for name, kind, region_code, uscc, prefix in ORGANIZATIONS:
        if not _one(Organization, name=name):
            employer = _one(Employer, uscc=uscc) if uscc else None
            db.session.add(
                Organization(
                    name=name,
                    kind=kind,
                    region=_one(Region, code=region_code),
                    employer=employer,
                    case_prefix=prefix,
                )
            )
            added += 1
    db.session.flush()
    for username, name, phone, id_number in WORKERS:
        if not _one(User, username=username):
            accounts.register_worker(
                username=username,
                name=name,
                phone=phone,
                id_number=id_number,
                password=DEMO_PASSWORD,
            )
            added += 1
    for username, name, role, org_name, uscc, region_code in STAFF:
        if not _one(User, username=username):
            accounts.create_staff(
                actor=None,
                username=username,
                name=name,
                role=role,
                password=DEMO_PASSWORD,
                organization=_one(Organization, name=org_name) if org_name else None,
                employer=_one(Employer, uscc=uscc) if uscc else None,
                region=_one(Region, code=region_code) if region_code else None,
            )
            added += 1
    return added
