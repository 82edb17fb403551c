"""What the admins' retention page shows: the rule per outcome, what falls due soon, what was
anonymised month by month, and the sweep's last run."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, func, select

from mediation.extensions import db
from mediation.localtime import SHANGHAI, local_date, local_today, month_start
from mediation.models import AuditEvent, Case
from mediation.models.cases import OUTCOME_TITLES
from mediation.models.types import utcnow
from mediation.retention.rules import due_with, periods, retained
from mediation.retention.sweep import RUN_ACTION
from workflows.case import Outcome

SOON = timedelta(days=30)
MONTHS_SHOWN = 12


@dataclass(frozen=True)
class Rule:
    outcome: Outcome
    title: Any
    years: int | None  # None: kept (no period configured)
    due_now: int
    due_soon: int  # not due yet, due within SOON


@dataclass(frozen=True)
class LastRun:
    at: datetime
    due: int
    anonymised: int


def _count(*conditions) -> int:
    return db.session.scalar(select(func.count(Case.id)).where(*conditions)) or 0


def rules(now: datetime) -> list[Rule]:
    configured = periods()
    shown = []
    for outcome in Outcome:
        years = configured.get(outcome)
        due_now = due_soon = 0
        if years is not None:
            due_now = _count(retained(), due_with(outcome, years, now))
            due_soon = _count(retained(), due_with(outcome, years, now + SOON)) - due_now
        shown.append(Rule(outcome, OUTCOME_TITLES[outcome], years, due_now, due_soon))
    return shown


def _months_back(today: date, months: int) -> date:
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def anonymised_by_month(today: date) -> list[tuple[str, int]]:
    """Cases anonymised per month (Shanghai; "2026-12", read alike in every language), the
    last ``MONTHS_SHOWN`` months, newest first; months without any are left out."""
    since = _months_back(today, MONTHS_SHOWN - 1)
    month = month_start(local_date(Case.anonymised_at))
    rows = db.session.execute(
        select(month.label("month"), func.count(Case.id))
        .where(
            and_(
                Case.anonymised_at.is_not(None),
                Case.anonymised_at >= datetime.combine(since, time(), SHANGHAI),
            )
        )
        .group_by(month)
        .order_by(month.desc())
    ).all()
    return [(_as_date(found).strftime("%Y-%m"), count) for found, count in rows]


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def last_run() -> LastRun | None:
    event = db.session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action == RUN_ACTION)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    if event is None:
        return None
    details = event.details or {}
    return LastRun(event.occurred_at, details.get("due", 0), details.get("anonymised", 0))


def retention_report() -> dict[str, Any]:
    now = utcnow()
    by_month = anonymised_by_month(local_today())
    return {
        "rules": rules(now),
        "soon_days": SOON.days,
        "by_month": by_month,
        "anonymised_total": _count(Case.anonymised_at.is_not(None)),
        "last_run": last_run(),
    }
