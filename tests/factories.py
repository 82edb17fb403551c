"""Building realistic cases through the service layer, as the product does."""

import re
import secrets
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import delete, select

from mediation.cases.filing import (
    Application,
    ClaimInput,
    EmployerInput,
    Party,
    account_party,
    file_case,
)
from mediation.cases.operations import fire
from mediation.core import clocks
from mediation.extensions import db
from mediation.localtime import SHANGHAI
from mediation.models import (
    Case,
    CaseFigures,
    Category,
    Channel,
    DeliveryChannel,
    OutboxMessage,
    Role,
    User,
)
from mediation.uploads import StoredFile as Upload

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


def paper_scan(name: str = "调解协议书（签字）.pdf") -> Upload:
    """A signed paper agreement as ``uploads.store_upload`` describes it once stored (the
    services keep its record; no file is needed on disk for them)."""
    return Upload(
        stored_name=secrets.token_hex(16) + ".pdf",
        original_name=name,
        content_type="application/pdf",
        size=1024,
        sha256="0" * 64,
    )


def held_session(case: Case, minutes: str, *, by: str = "med_hr", hours_ago: int = 2):
    """A session of ``case`` scheduled through the service, then (as if time had passed) held
    ``hours_ago`` hours ago, with its minutes written by the mediator."""
    from datetime import timedelta

    from mediation.cases import sessions
    from mediation.models import SessionMode
    from mediation.models.types import utcnow

    mediator = user(by)
    session = sessions.schedule_session(
        case,
        actor=mediator,
        starts_at=utcnow() + timedelta(days=1),
        mode=SessionMode.in_person,
        location="调解室一",
    )
    session.starts_at = utcnow() - timedelta(hours=hours_ago)
    sessions.write_minutes(case, session, actor=mediator, minutes=minutes)
    return session


def mediating_case(mediator: str = "med_hr") -> Case:
    """A case filed by worker1, accepted (consent given at the window) and in mediation."""
    case = filed_case()
    staff = user(mediator)
    fire(case, "accept", actor=staff, respondent_consent=True, consent_via="window")
    fire(case, "mediate", actor=staff)
    db.session.commit()
    return case


def dismissal_case(app, clock, *, received: date, known_on: date | None = None) -> Case:
    """A dismissal (limited from the day the worker learnt of it; the job ended), received on
    ``received`` (10:00 in Shanghai) by the street centre of med_hr; ``clock`` is the case
    tests' (tests/cases/conftest.py)."""
    clock.today = received
    with app.test_request_context():
        case = filed_case(
            categories=(Category.dismissal_compensation,),
            claims=(
                ClaimInput(Category.dismissal_compensation, Decimal("20000.00"), "违法解除赔偿金"),
            ),
            employment_end=date(2024, 1, 10),
            rights_known_on=known_on,
        )
        case.received_at = datetime.combine(received, time(10), SHANGHAI)
        clocks.start_acceptance_clock(case, received)
        db.session.commit()
    return case


def served_on_the_parties(case: Case, kind: str) -> None:
    """The case's current document of ``kind`` opened on the platform by the applicant and by
    the employer's representative: served on both (what archiving needs of a closing one)."""
    from mediation.documents import service
    from mediation.documents.issuing import latest_document
    from mediation.models import DocumentKind

    document = latest_document(case, DocumentKind(kind))
    for party in ("worker1", "employer1"):
        service.record_opening(case, document, user(party))


def forget_figures() -> None:
    """Empty every figure table, as in a database upgraded from before the rollups and not
    yet rebuilt (its cases counted nowhere)."""
    from mediation.models.figures import LEVELS

    for level in LEVELS:
        for model in (level.distribution, level.dates, level.rollup):
            if model is not None:
                db.session.execute(delete(model))
    db.session.execute(delete(CaseFigures))
    db.session.commit()
