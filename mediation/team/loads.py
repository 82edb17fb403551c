"""The team page's figures: each mediator's open cases, nearest deadline and overdue cases, in
one grouped query over the organisation's open cases (``ix_cases_worklist_mine`` holds them in
that order), and the cases waiting for a mediator (the worklist's queue view)."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, or_, select

from mediation.extensions import db
from mediation.models import Case, Role, User
from mediation.queue.worklist import OPEN, current_deadline


@dataclass(frozen=True)
class Load:
    """One mediator's open cases."""

    mediator: User
    open_cases: int
    nearest_deadline: date | None
    overdue: int
    cases: list  # (id, number, deadline) of each open case, nearest deadline first


def team_loads(organization_id: int, today: date) -> list[Load]:
    """Every mediator of the organisation who can sign in, and anyone still holding one of its
    open cases, with their load; the most loaded first."""
    open_here = (Case.organization_id == organization_id, Case.state.in_(OPEN))
    counts = {
        row.mediator_id: row
        for row in db.session.execute(
            select(
                Case.mediator_id,
                func.count().label("open_cases"),
                func.min(current_deadline).label("nearest_deadline"),
                func.count(case((current_deadline < today, 1))).label("overdue"),
            )
            .where(*open_here, Case.mediator_id.is_not(None))
            .group_by(Case.mediator_id)
        )
    }
    held: dict[int, list] = {}
    for row in db.session.execute(
        select(Case.mediator_id, Case.id, Case.number, current_deadline)
        .where(*open_here, Case.mediator_id.is_not(None))
        .order_by(current_deadline.asc().nulls_last(), Case.id)
    ):
        held.setdefault(row.mediator_id, []).append(row)
    mediators = db.session.scalars(
        select(User)
        .where(
            or_(
                (User.organization_id == organization_id)
                & (User.role == Role.mediator)
                & User.active.is_(True),
                User.id.in_(list(counts)),
            )
        )
        .order_by(User.name, User.id)
    ).all()
    none = _NoLoad()
    loads = [
        Load(
            mediator=mediator,
            open_cases=counts.get(mediator.id, none).open_cases,
            nearest_deadline=counts.get(mediator.id, none).nearest_deadline,
            overdue=counts.get(mediator.id, none).overdue,
            cases=held.get(mediator.id, []),
        )
        for mediator in mediators
    ]
    return sorted(loads, key=lambda load: (-load.open_cases, -load.overdue))


@dataclass(frozen=True)
class _NoLoad:
    open_cases: int = 0
    nearest_deadline: date | None = None
    overdue: int = 0
