"""Raising early warnings when a case is filed, and the employer risk classes.

Rules (printed on the pages): an alert when an employer's Nth case arrives within 30 days
(N = ALERT_REPEAT_THRESHOLD, default 3), and when a collective dispute is filed. Each trigger
raises one alert at most (its key is unique).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from flask import current_app
from sqlalchemy import ColumnElement, and_, func, select

from mediation import policy
from mediation.core import audit
from mediation.core.notifications import notify
from mediation.extensions import database_kind, db, upsert_insert
from mediation.localtime import local_today
from mediation.models import (
    Alert,
    AlertKind,
    Case,
    Employer,
    EmployerFigureRollup,
    Grain,
    Role,
    User,
)
from mediation.models.cases import COLLECTIVE_DISPUTE_WORKERS
from mediation.models.places import region_subtree
from mediation.models.types import utcnow

WINDOW = timedelta(days=30)


def _raise(kind: AlertKind, key: str, case: Case, case_ids: list[int]) -> Alert | None:
    inserted = db.session.execute(
        _alert_insert(database_kind()),
        {
            "kind": kind.value,
            "trigger_key": key,
            "employer_id": case.employer_id,
            "region_id": case.employer.region_id,
            "case_ids": case_ids,
            "raised_at": utcnow(),
        },
    ).scalar()
    if inserted is None:
        return None
    supervisors = db.session.scalars(
        select(User).where(User.role == Role.supervisor, User.active.is_(True))
    ).all()
    watching = [
        s
        for s in supervisors
        if case.employer.region_id in set(db.session.scalars(region_subtree(s.region_id)))
    ]
    notify(watching, f"alert_{kind.value}", case, employer=case.employer.name, count=len(case_ids))
    return db.session.get(Alert, inserted)


@cache
def _alert_insert(kind: str):
    alerts = Alert.__table__
    return upsert_insert(alerts, kind).on_conflict_do_nothing().returning(alerts.c.id)


def check_new_case(case: Case) -> None:
    """Called in the filing transaction, once the case exists."""
    if case.workers_involved >= COLLECTIVE_DISPUTE_WORKERS:
        _raise(AlertKind.collective, f"collective:{case.id}", case, [case.id])
    threshold = current_app.config["ALERT_REPEAT_THRESHOLD"]
    # Only whether this case is the threshold-th matters: one more row says "past it" (a
    # large employer has thousands of cases in the window, read on every filing otherwise).
    # Sorted here, not by the query: ordered by id, PostgreSQL walked the whole table's ids
    # for a large employer's few rows of the window (0.3 s at a million cases).
    recent = sorted(
        db.session.scalars(
            select(Case.id)
            .where(Case.employer_id == case.employer_id, Case.received_at >= utcnow() - WINDOW)
            .limit(threshold + 1)
        )
    )
    if len(recent) == threshold:
        _raise(AlertKind.repeat_disputes, f"repeat:{case.employer_id}:{case.id}", case, recent)


def acknowledge(alert: Alert, *, actor: User, note: str) -> None:
    alert.acknowledged_at = utcnow()
    alert.acknowledged_by_id = actor.id
    alert.note = note
    audit.record("alert.acknowledged", actor=actor, subject=alert, note=note)


def visible_alerts(user: User) -> ColumnElement[bool]:
    return Alert.region_id.in_(region_subtree(user.region_id))


def waiting_alerts(user: User) -> ColumnElement[bool]:
    """The alerts ``user`` sees that nobody has acknowledged yet: the supervisor's home counts
    them and the alerts page lists them."""
    return and_(visible_alerts(user), Alert.acknowledged_at.is_(None))


@dataclass(frozen=True)
class EmployerRisk:
    employer: Employer
    cases: int
    collective: int
    unresolved_wages: int
    level: str  # normal, watch, high


def risk_level(cases: int, collective: int, unresolved_wages: int) -> str:
    """High: five or more disputes in a year, a collective dispute, or two failed
    wage-arrears mediations; watch: two or more disputes; otherwise normal."""
    if cases >= 5 or collective or unresolved_wages >= 2:
        return "high"
    if cases >= 2:
        return "watch"
    return "normal"


def risk_window_start(today: date) -> date:
    """The first day the employer risk counts: the first of the month eleven months back,
    so the window is the last twelve calendar months, this one included."""
    months = today.year * 12 + today.month - 1 - 11
    return date(months // 12, months % 12 + 1, 1)


def employer_risks(user: User) -> list[EmployerRisk]:
    """Employers with disputes in the window, by risk, from the monthly employer rollups."""
    rows = db.session.execute(
        select(
            EmployerFigureRollup.employer_id,
            func.sum(EmployerFigureRollup.received),
            func.sum(EmployerFigureRollup.collective),
            func.sum(EmployerFigureRollup.unresolved_wage_arrears),
        )
        .where(
            EmployerFigureRollup.grain == Grain.month,
            EmployerFigureRollup.period_start >= risk_window_start(local_today()),
            EmployerFigureRollup.organization_id.in_(policy.overseen_organizations(user)),
        )
        .group_by(EmployerFigureRollup.employer_id)
    ).all()
    employers = {
        e.id: e
        for e in db.session.scalars(
            select(Employer).where(Employer.id.in_([row[0] for row in rows]))
        )
    }
    order = {"high": 0, "watch": 1, "normal": 2}
    risks = [
        EmployerRisk(
            employers[employer_id],
            cases,
            collective,
            unresolved,
            risk_level(cases, collective, unresolved),
        )
        for employer_id, cases, collective, unresolved in rows
    ]
    return sorted(risks, key=lambda r: (order[r.level], -r.cases, r.employer.name))
