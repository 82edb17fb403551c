"""The mediator's worklist: three views of one organisation's cases (as in viewflow).

*queue*: open and not yet claimed; *mine*: open and claimed by me; *done*: closed or archived.
Filters narrow any view; the open views sort by the nearest deadline.

Each view reads its page already in order from its own partial index (``ix_cases_worklist_*``
in ``Case.__table_args__``), so a page costs the same with a million cases as with a hundred,
and the page selects only the columns it shows. The open views count exactly: they hold an
organisation's open cases, a few thousand at most. The done view grows with every year of
history, so it counts up to :data:`DONE_COUNT_LIMIT` and then says "more than": a mediator
looking for a closed case searches or filters, and never needs the exact size of the archive.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    bindparam,
    case,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import joinedload

from mediation.extensions import db
from mediation.models import Case, CaseCategory, Category, Employer, PriorityGroup, User
from mediation.paging import Page
from workflows.case import CaseState

VIEWS = ("queue", "mine", "done")
OPEN = (CaseState.applied, CaseState.accepted, CaseState.mediating)
DONE = (CaseState.closed, CaseState.archived)
PAGE_SIZE = 50
DONE_COUNT_LIMIT = 1000

# The date the case must move by: acceptance while applied, the mediation period after that
# (none while accepted and not yet mediating, none once closed). The database computes it.
current_deadline = Case.current_deadline


def _in_states(states) -> ColumnElement[bool]:
    """``state IN (…)`` with the states written into the SQL rather than bound, so that the
    planner matches the worklist's partial indexes in every plan, cached ones included."""
    return Case.state.in_(bindparam("states", list(states), unique=True, literal_execute=True))


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
            # Without U+0000, which no one types and PostgreSQL refuses in a query.
            search=(args.get("q") or "").replace("\x00", "").strip()[:50],
        )


def _narrowed(query: Select, user: User, filters: Filters, today: date) -> Select:
    query = query.where(Case.organization_id == user.organization_id)
    if filters.view == "queue":
        query = query.where(_in_states(OPEN), Case.mediator_id.is_(None))
    elif filters.view == "mine":
        query = query.where(_in_states(OPEN), Case.mediator_id == user.id)
    else:
        query = query.where(_in_states(DONE))
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
        # What was typed is text: a % or _ matches itself, not any characters.
        text = filters.search
        employers = select(Employer.id).where(
            or_(Employer.name.icontains(text, autoescape=True), Employer.uscc == text.upper())
        )
        query = query.where(
            or_(
                Case.number.icontains(text, autoescape=True),
                Case.applicant_name.icontains(text, autoescape=True),
                Case.employer_id.in_(employers),
            )
        )
    return query


def _ordered(query: Select, filters: Filters) -> Select:
    if filters.view == "done":
        return query.order_by(Case.closed_at.desc(), Case.id.desc())
    # Nearest deadline first; cases without one (accepted, not yet mediating) after them.
    return query.order_by(current_deadline.asc().nulls_last(), Case.id)


def worklist_query(user: User, filters: Filters, today: date) -> Select:
    """The view's cases as ORM objects, in worklist order (the API serialises these)."""
    query = select(Case).options(joinedload(Case.employer), joinedload(Case.mediator))
    return _ordered(_narrowed(query, user, filters, today), filters)


@dataclass(frozen=True, slots=True)
class WorklistRow:
    """What one line of the worklist page shows."""

    id: int
    number: str
    state: CaseState
    transferred: bool
    priority_groups: tuple[PriorityGroup, ...]
    applicant_name: str
    applicant_phone: str
    employer_name: str
    deadline: date | None
    overdue: bool
    due_today: bool
    mediator_name: str | None


def worklist_page(
    user: User, filters: Filters, today: date, page: int, per_page: int | None = None
) -> Page:
    """One page of the view for the worklist page, with its count (``per_page`` rows, a
    page of the worklist unless told: the home page shows the first few)."""
    per_page = per_page or PAGE_SIZE
    narrowed = _narrowed(select(Case.id), user, filters, today)
    if filters.view == "done":
        counted = db.session.scalar(
            select(func.count()).select_from(narrowed.limit(DONE_COUNT_LIMIT + 1).subquery())
        )
        total, exact = min(counted, DONE_COUNT_LIMIT), counted <= DONE_COUNT_LIMIT
    else:
        total = db.session.scalar(select(func.count()).select_from(narrowed.subquery()))
        exact = True
    # The open views' mediator is nobody (queue) or the user (mine): only done joins it.
    mediator_name = User.name if filters.view == "done" else literal(None, String)
    columns = select(
        Case.id,
        Case.number,
        Case.state,
        Case.transferred_from_tier,
        *(getattr(Case, group.value) for group in PriorityGroup),
        Case.applicant_name,
        Case.applicant_phone,
        Employer.name.label("employer_name"),
        current_deadline,
        mediator_name.label("mediator_name"),
    ).join(Employer, Employer.id == Case.employer_id)
    if filters.view == "done":
        columns = columns.outerjoin(User, User.id == Case.mediator_id)
    columns = _narrowed(columns, user, filters, today)
    # One row more than a page tells whether a next page exists, counted or not.
    rows = db.session.execute(
        _ordered(columns, filters).limit(per_page + 1).offset((page - 1) * per_page)
    ).all()
    items = [
        WorklistRow(
            id=row.id,
            number=row.number,
            state=CaseState(row.state),
            transferred=row.transferred_from_tier is not None,
            priority_groups=tuple(group for group in PriorityGroup if getattr(row, group.value)),
            applicant_name=row.applicant_name,
            applicant_phone=row.applicant_phone,
            employer_name=row.employer_name,
            deadline=row.current_deadline,
            overdue=row.current_deadline is not None and row.current_deadline < today,
            due_today=row.current_deadline == today,
            mediator_name=user.name if filters.view == "mine" else row.mediator_name,
        )
        for row in rows[:per_page]
    ]
    return Page(items, page, per_page, total, exact, has_next=len(rows) > per_page)


@dataclass(frozen=True)
class DeadlineCounts:
    """How many cases an open view lists, and how many of them are due when."""

    total: int
    overdue: int
    due_today: int
    due_tomorrow: int


def deadline_counts(user: User, filters: Filters, today: date) -> DeadlineCounts:
    """The counts of an open view (queue or mine) as its page would list it with these
    filters, in one query: what the home page shows and links to."""
    deadline = _narrowed(select(current_deadline), user, filters, today).subquery().c[0]

    def when(condition) -> ColumnElement[int]:
        return func.count(case((condition, 1)))

    row = db.session.execute(
        select(
            func.count(),
            when(deadline < today),
            when(deadline == today),
            when(deadline == today + timedelta(days=1)),
        )
    ).one()
    return DeadlineCounts(*row)
