"""Building realistic cases through the service layer, as the product does."""

import re
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from mediation.cases.filing import (
    Application,
    ClaimInput,
    EmployerInput,
    Party,
    account_party,
    file_case,
)
from mediation.extensions import db
from mediation.models import Case, Category, Channel, DeliveryChannel, OutboxMessage, Role, User

DEMO_EMPLOYER = EmployerInput(name="清远某某新材料有限公司", uscc="91350100M000100Y43")


def user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def application(**changes) -> Application:
    values = {
        "applicant": Party(name="李明", id_number="441802199003150013", phone="13800138001"),
        "employer": DEMO_EMPLOYER,
        "employment_start": date(2023, 3, 1),
        "employment_end": None,
        "job": "操作工",
        "monthly_wage": Decimal("6500.00"),
        "categories": (Category.wage_arrears,),
        "claims": (ClaimInput(Category.wage_arrears, Decimal("13000.00"), "两个月工资"),),
        "facts": "公司拖欠2026年9月、10月工资。",
        "channel": Channel.web,
    }
    return Application(**{**values, **changes})


def filed_case(by: str = "worker1", **changes) -> Case:
    """A case filed by ``by`` and committed; returns it re-read in the test's session. A worker
    files for themself (the applicant is the account's holder) unless ``applicant`` is given."""
    actor = user(by)
    if actor.role is Role.worker:
        changes.setdefault("applicant", account_party(actor))
    case = file_case(application(**changes), actor=actor)
    db.session.commit()
    return case


def sms_code(phone: str) -> str:
    """The code in the newest SMS to ``phone``, read from the outbox as from the phone."""
    body = db.session.scalar(
        select(OutboxMessage.body)
        .where(OutboxMessage.channel == DeliveryChannel.sms, OutboxMessage.recipient == phone)
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    assert body, f"no SMS to {phone}"
    return re.search(r"(?<!\d)(\d{6})(?!\d)", body).group(1)
