"""The demo jurisdiction that `make run` seeds: one district of Qingyuan with its network.

Idempotent: every row is looked up by its natural key first, so a second run changes nothing.
Never run in production (the CLI refuses).
"""

from datetime import date
from decimal import Decimal

from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError

from mediation.auth import accounts
from mediation.cases import filing
from mediation.cases import operations as cases
from mediation.cases.filing import Application, ClaimInput, EmployerInput, Party
from mediation.config import ConfigurationError
from mediation.extensions import db
from mediation.models import (
    Case,
    Category,
    Channel,
    Employer,
    Organization,
    OrgKind,
    PriorityGroup,
    Region,
    RegionLevel,
    Role,
    User,
)
from mediation.models.types import utcnow
from workflows.case import Tier

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

DISTRICT_CONTACTS = {
    "arbitration_commission": "清远市清城区劳动人事争议仲裁委员会",
    "arbitration_address": "清远市清城区示例路1号（演示地址）",
    "arbitration_phone": "0763-0000001",
    "legal_aid_station": "清城区法律援助处（演示）",
    "legal_aid_address": "清远市清城区示例路3号（演示地址）",
    "legal_aid_phone": "12348",
}
COURT_CONTACTS = {
    "basic_court": "清远市清城区人民法院",
    "basic_court_address": "清远市清城区示例路2号（演示地址）",
    "basic_court_phone": "0763-0000002",
}

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


LEAD_MEDIATOR = "med_hr"  # of 凤城街道劳动人事争议调解中心


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
    district = _one(Region, code="441802")
    if district.arbitration_commission is None:
        # Placeholders of the demo, in the form the real entries take (/admin/regions/<id>).
        for field, value in DISTRICT_CONTACTS.items():
            setattr(district, field, value)
    if district.basic_court is None:
        for field, value in COURT_CONTACTS.items():
            setattr(district, field, value)
    for username, name, phone, id_number in WORKERS:
        if not _one(User, username=username):
            worker = accounts.register_worker(
                username=username,
                name=name,
                phone=phone,
                id_number=id_number,
                password=DEMO_PASSWORD,
            )
            # Demo accounts are ready to use: their phones count as verified.
            worker.phone_verified_at = utcnow()
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
    # The street centre's lead mediator shares out its cases (/team, cases.assignment).
    _one(User, username=LEAD_MEDIATOR).is_lead = True
    return added


def seed_demo_cases() -> int:
    """A few cases in different states, so the demo's queues and pages are not empty.

    Filed and moved through the real services; skipped when worker2, whose only case this
    makes, has one (the demo history, ``demo_history``, may have filed others before).
    """
    worker1, worker2 = _one(User, username="worker1"), _one(User, username="worker2")
    if db.session.scalar(select(Case.id).where(Case.applicant_id == worker2.id).limit(1)):
        return 0

    def apply(worker: User, uscc: str, **details) -> Case:
        employer = _one(Employer, uscc=uscc)
        return filing.file_case(
            Application(
                applicant=Party(worker.name, worker.id_number, worker.phone),
                employer=EmployerInput(name=employer.name, uscc=uscc),
                employment_start=date(2024, 5, 6),
                employment_end=None,
                job=details.pop("job"),
                monthly_wage=Decimal("5200.00"),
                channel=Channel.web,
                **details,
            ),
            actor=worker,
        )

    apply(
        worker2,
        "91441802MA53P8QW2J",
        job="厨师",
        categories=(Category.wage_arrears, Category.overtime),
        claims=(
            ClaimInput(Category.wage_arrears, Decimal("10400.00"), "2026年9月至10月工资"),
            ClaimInput(Category.overtime, Decimal("1800.00"), "国庆假期加班"),
        ),
        facts="餐厅自2026年9月起未发工资，国庆期间安排加班未支付加班费。",
        priority_groups=frozenset({PriorityGroup.migrant_worker}),
    )
    in_mediation = apply(
        worker1,
        "91350100M000100Y43",
        job="操作工",
        categories=(Category.social_insurance,),
        claims=(ClaimInput(Category.social_insurance, Decimal("6200.00"), "补缴2025年社保"),),
        facts="公司2025年未足额缴纳社会保险。",
        preferred_tier=Tier.enterprise,
    )
    committee = _one(User, username="med_enterprise")
    cases.fire(
        in_mediation, "accept", actor=committee, respondent_consent=True, consent_via="window"
    )
    cases.fire(in_mediation, "mediate", actor=committee)
    return 2


def refuse_in_production(app: Flask) -> None:
    """A production server never runs with the demo's accounts, whose password is public."""
    if app.config["ENV_NAME"] != "production":
        return
    usernames = [row[0] for row in WORKERS] + [row[0] for row in STAFF]
    with app.app_context():
        try:
            found = db.session.scalar(
                select(User.username).where(User.username.in_(usernames)).limit(1)
            )
        except (OperationalError, ProgrammingError):
            found = None  # not migrated yet: nothing to find
        finally:
            db.session.remove()
    if found:
        raise ConfigurationError(
            f"The demo account {found!r} exists: production refuses to run with demo data. "
            "Start from an empty database."
        )
