"""The mediator's worklist: three views of one organisation's cases (as in viewflow).

*queue*: open and not yet claimed; *mine*: open and claimed by me; *done*: closed or archived.
Filters narrow any view; the open views sort by the nearest deadline.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, case, exists, func, or_, select
from sqlalchemy.orm import joinedload

from mediation.models import Case, CaseCategory, Category, Employer, PriorityGroup, User
from workflows.case import CaseState

VIEWS = ("queue", "mine", "done")
OPEN = (CaseState.applied, CaseState.accepted, CaseState.mediating)
PAGE_SIZE = 50

# The date the case must move by: acceptance while applied, the mediation period after that.
current_deadline = case(
    (Case.state == CaseState.applied, Case.acceptance_deadline),
    (Case.state.in_([CaseState.accepted, CaseState.mediating]), Case.mediation_deadline),
    else_=None,
)


@dataclass(frozen=True)
class Filters:
    view: str = "queue"
    state: CaseState | None = None
    category: Category | None = None
    priority: PriorityGroup | None = None
    overdue: bool = False
    search: str = ""

    @classmethod
    def from_args(cls, args) -> "Filters":
        """Unknown values are ignored rather than refused: a worklist link never breaks."""

        def member(enum, key):
            value = args.get(key) or ""
            return enum(value) if value in enum.__members__ else None

        view = args.get("view", "queue")
        return cls(
            view=view if view in VIEWS else "queue",
            state=member(CaseState, "state"),
            category=member(Category, "category"),
            priority=member(PriorityGroup, "priority"),
            overdue=args.get("overdue") == "1",
            search=(args.get("q") or "").strip()[:50],
        )


def worklist_query(user: User, filters: Filters, today: date) -> Select:
    query = (
        select(Case)
        .options(joinedload(Case.employer), joinedload(Case.mediator))
        .where(Case.organization_id == user.organization_id)
    )
    if filters.view == "queue":
        query = query.where(Case.state.in_(OPEN), Case.mediator_id.is_(None))
    elif filters.view == "mine":
        query = query.where(Case.state.in_(OPEN), Case.mediator_id == user.id)
    else:
        query = query.where(Case.state.in_([CaseState.closed, CaseState.archived]))
    if filters.state:
        query = query.where(Case.state == filters.state)
    if filters.category:
        query = query.where(
            exists().where(
                CaseCategory.case_id == Case.id, CaseCategory.category == filters.category
            )
        )
    if filters.priority:
        query = query.where(getattr(Case, filters.priority.value).is_(True))
    if filters.overdue:
        query = query.where(current_deadline < today)
    if filters.search:
        pattern = f"%{filters.search}%"
        query = query.join(Case.employer).where(
            or_(
                Case.number.ilike(pattern),
                Case.applicant_name.ilike(pattern),
                Employer.name.ilike(pattern),
                Employer.uscc == filters.search.upper(),
            )
        )
    if filters.view == "done":
        return query.order_by(Case.closed_at.desc(), Case.id.desc())
    # Nearest deadline first; cases without one (accepted, not yet mediating) after them.
    return query.order_by(func.coalesce(current_deadline, date.max).asc(), Case.id)
