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

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    String,
    Text,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.orm import joinedload

from mediation.extensions import columns_of, database_kind, db
from mediation.models import Case, CaseCategory, Category, Employer, PriorityGroup, User
from mediation.paging import Page
from mediation.validators import InvalidValue, normalise_uscc
from workflows.case import CaseState

VIEWS = ("queue", "mine", "done")
OPEN = (CaseState.applied, CaseState.accepted, CaseState.mediating)
DONE = (CaseState.closed, CaseState.archived)
PAGE_SIZE = 50
DONE_COUNT_LIMIT = 1000
# The most employers a search names by id (see _searched); past it, a subquery.
EMPLOYERS_BY_ID = 1000
# What may end a case number: the hyphen and counter, after any part of its prefix and year
# (characters that are not LIKE's wildcards); see _indexed.
NUMBER_END = re.compile(r"[A-Za-z0-9-]*-[0-9]{6}")

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


def _narrowed(query: Select, organization_id, user_id, filters: Filters, today) -> Select:
    """The view's cases at the user's organisation (the ids and the day as values, or as the
    parameters of a statement built once: ``_view_statements``)."""
    query = query.where(Case.organization_id == organization_id)
    if filters.view == "queue":
        query = query.where(_in_states(OPEN), Case.mediator_id.is_(None))
    elif filters.view == "mine":
        query = query.where(_in_states(OPEN), Case.mediator_id == user_id)
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
        query = query.where(_searched(filters.search))
    return query


def _searched(text: str) -> ColumnElement[bool]:
    """Cases whose number or applicant's name contains what was typed, or whose employer's
    name contains it or whose USCC it is. It is text: a % or _ matches only itself.

    The employers are looked up first and named by id, so that the planner knows how many
    cases they have. On PostgreSQL an index finds the cases whose number or name may
    contain the text (:func:`_indexed`), and a check the planner cannot take for a second
    index condition keeps those that do: from the two, it reads a rare name's or a number's
    few cases from the indexes, and walks the view in order for what many cases share, where
    a page fills at once. (Given the employers as a subquery, or the ILIKE twice, it guessed
    and walked for everything: a second-long scan of the whole history at a million cases.)
    SQLite, the small installs' database, scans.

    A USCC typed whole (its check character right, in groups or not) names an employer and
    nothing else a case holds: a name has no such code, and a case number has hyphens, so a
    text with a hyphen is never taken for one (a number's prefix, year and counter without
    them may pass the check). Its cases are those against that employer, read from the
    employer's index instead of searching every number and name for it."""
    if (uscc := _uscc_or_none(text)) is not None:
        # One employer at most (USCCs are unique): compared with "=", the planner reads the
        # page in order from ix_cases_done_by_employer.
        return (
            Case.employer_id == select(Employer.id).where(Employer.uscc == uscc).scalar_subquery()
        )
    # A stored USCC passed its check, so only the case above ever matched one.
    employers = select(Employer.id).where(Employer.name.icontains(text, autoescape=True))
    employer_ids = db.session.scalars(employers.limit(EMPLOYERS_BY_ID + 1)).all()
    if database_kind() == "postgresql":
        own = and_(
            _indexed(text), or_(_contains(Case.number, text), _contains(Case.applicant_name, text))
        )
    else:
        own = or_(
            Case.number.icontains(text, autoescape=True),
            Case.applicant_name.icontains(text, autoescape=True),
        )
    if len(employer_ids) > EMPLOYERS_BY_ID:
        # A word most employers share: the view is walked in order whatever the form.
        return or_(own, Case.employer_id.in_(employers))
    return or_(own, Case.employer_id.in_(employer_ids)) if employer_ids else own


def _uscc_or_none(text: str) -> str | None:
    if "-" in text:
        return None
    try:
        return normalise_uscc(text)
    except InvalidValue:
        return None


def _indexed(text: str) -> ColumnElement[bool]:
    """What an index of migration 0030 answers and every case whose number or applicant's
    name contains ``text`` meets.

    One or two characters have no trigram: ``search_grams`` holds each character and pair of
    characters of a case's number and name, lowercased, so containing the text lowercased
    is exactly containing it as ILIKE compares. From three characters, pg_trgm answers an
    ILIKE; it is asked for the longest word typed (the last of equals), which the whole
    implies: a case number's prefix and year are in a year of an organisation's cases, and
    GIN intersects their long lists for every candidate (about 80 ms at a million cases,
    where the serial alone takes 1 ms).

    Text that ends in a hyphen and six digits (a number's counter, perhaps with its year and
    prefix) is in a case number only at its end: a number is a prefix without hyphens, the
    year and a six-digit counter (``next_case_number``; an organisation's year stays under a
    million cases), so a hyphen followed by six digits is its last seven characters. Its
    numbers are read from the numbers reversed (migration 0045) rather than from the
    counter's trigrams, which thousands of numbers share (10.5 → 0.03 ms at a million)."""
    if len(text) < 3:
        grams = func.search_grams(Case.number, Case.applicant_name, type_=ARRAY(Text))
        return grams.contains(array([func.lower(text)]))
    word = max(reversed(re.findall(r"[^\W_]{3,}", text) or [text]), key=len)
    names = Case.applicant_name.icontains(word, autoescape=True)
    if NUMBER_END.fullmatch(text):
        # Numbers are capitals and digits: ILIKE's "contains" is "ends with" the text in capitals.
        return or_(func.reverse(Case.number).like(text.upper()[::-1] + "%"), names)
    return or_(Case.number.icontains(word, autoescape=True), names)


def _contains(column, text: str) -> ColumnElement[bool]:
    """Whether ``column`` contains ``text`` as ILIKE compares (both lowercased), in a form no
    index answers: the planner then guesses its share of cases rather than counting the
    index's condition twice and taking a common word for a rare one."""
    return func.strpos(func.lower(column), func.lower(text)) > 0


def _ordered(query: Select, filters: Filters) -> Select:
    if filters.view == "done":
        return query.order_by(Case.closed_at.desc(), Case.id.desc())
    # Nearest deadline first; cases without one (accepted, not yet mediating) after them.
    return query.order_by(current_deadline.asc().nulls_last(), Case.id)


def worklist_query(user: User, filters: Filters, today: date) -> Select:
    """The view's cases as ORM objects, in worklist order (the API serialises these)."""
    query = select(Case).options(joinedload(Case.employer), joinedload(Case.mediator))
    return _ordered(_narrowed(query, user.organization_id, user.id, filters, today), filters)


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
    offset = (page - 1) * per_page
    if filters.search:
        total, exact, rows = _searched_page(user, filters, today, per_page, offset)
    else:
        counting, paging = _view_statements(filters, per_page)
        values = {
            "organization_id": user.organization_id,
            "user_id": user.id,
            "today": today,
            "offset": offset,
        }
        counted = db.session.scalar(counting, values)
        total, exact = _counted(filters, counted)
        rows = db.session.execute(paging, values).all()
    mediator_name = user.name if filters.view == "mine" else None
    items = _worklist_rows(rows[:per_page], today, mediator_name)
    return Page(items, page, per_page, total, exact, has_next=len(rows) > per_page)


# A case's state by its stored value; the priority groups in the order their columns are read.
STATES = {state.value: state for state in CaseState}
PRIORITY_GROUPS = tuple(PriorityGroup)
# The columns of _page_columns a line reads, in this order.
LINE_COLUMNS = (
    "id",
    "number",
    "state",
    "transferred_from_tier",
    "applicant_name",
    "applicant_phone",
    "employer_name",
    "current_deadline",
    "mediator_name",
)


def _worklist_rows(rows: list, today: date, mediator_name: str | None) -> list[WorklistRow]:
    """The page's result rows (``_page_columns``) as ``WorklistRow``, with ``mediator_name``
    on each when the view knows it (mine); their columns read by position (``columns_of``)."""
    if not rows:
        return []
    read = columns_of(rows[0]._fields, *LINE_COLUMNS)
    flags = columns_of(rows[0]._fields, *(group.value for group in PRIORITY_GROUPS))
    items = []
    for row in rows:
        id_, number, state, tier, name, phone, employer, deadline, mediator = read(row)
        groups = zip(PRIORITY_GROUPS, flags(row), strict=True)
        items.append(
            WorklistRow(
                id=id_,
                number=number,
                state=STATES[state],
                transferred=tier is not None,
                priority_groups=tuple(group for group, flagged in groups if flagged),
                applicant_name=name,
                applicant_phone=phone,
                employer_name=employer,
                deadline=deadline,
                overdue=deadline is not None and deadline < today,
                due_today=deadline == today,
                mediator_name=mediator_name or mediator,
            )
        )
    return items


def _counted(filters: Filters, counted: int) -> tuple[int, bool]:
    """The total a view shows, and whether it is exact (the done view counts up to a limit)."""
    if filters.view == "done":
        return min(counted, DONE_COUNT_LIMIT), counted <= DONE_COUNT_LIMIT
    return counted, True


def _count_of(narrowed: Select, filters: Filters) -> Select:
    if filters.view == "done":
        narrowed = narrowed.limit(DONE_COUNT_LIMIT + 1)
    return select(func.count()).select_from(narrowed.subquery())


def _page_columns(filters: Filters) -> Select:
    """What a line of the page shows, for the view's cases to be narrowed to."""
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
    return columns


# The views asked for without a search, each built once (building two statements and their
# cache keys took 0.4 ms of a worklist's 4.6): the user, the organisation, the day and the
# offset are the statements' parameters. A search looks its employers up first.
VIEWS_KEPT = 64


@lru_cache(maxsize=VIEWS_KEPT)
def _view_statements(filters: Filters, per_page: int) -> tuple[Select, Select]:
    organization_id = bindparam("organization_id", type_=Integer)
    user_id = bindparam("user_id", type_=Integer)
    today = bindparam("today", type_=Date)
    counting = _count_of(
        _narrowed(select(Case.id), organization_id, user_id, filters, today), filters
    )
    paging = _narrowed(_page_columns(filters), organization_id, user_id, filters, today)
    # One row more than a page tells whether a next page exists, counted or not.
    paging = (
        _ordered(paging, filters).limit(per_page + 1).offset(bindparam("offset", type_=Integer))
    )
    return counting, paging


def _searched_page(
    user: User, filters: Filters, today: date, per_page: int, offset: int
) -> tuple[int, bool, list]:
    """A searched view's total, whether it is exact, and its page's rows (one more than a
    page when there is a next)."""
    narrowed = _narrowed(select(Case.id), user.organization_id, user.id, filters, today)
    columns = _page_columns(filters)
    if filters.view == "done":
        # Counted by their ids, in the view's order, and the page read by id when all were
        # counted: walked in order, the view would pass the whole history to fill a page of a
        # search that finds few cases here and many elsewhere (the planner cannot tell). The
        # limit comes first, so the planner still finds them as it sees fit.
        matches = narrowed.add_columns(Case.closed_at).limit(DONE_COUNT_LIMIT + 1).subquery()
        found = db.session.scalars(
            select(matches.c.id).order_by(matches.c.closed_at.desc(), matches.c.id.desc())
        ).all()
        total, exact = _counted(filters, len(found))
        if exact:
            page_ids = found[offset : offset + per_page + 1]
            rows = db.session.execute(_ordered(columns.where(Case.id.in_(page_ids)), filters)).all()
            return total, exact, rows
    else:
        total, exact = db.session.scalar(_count_of(narrowed, filters)), True
    columns = _narrowed(columns, user.organization_id, user.id, filters, today)
    rows = db.session.execute(_ordered(columns, filters).limit(per_page + 1).offset(offset)).all()
    return total, exact, rows


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
    narrowed = _narrowed(select(current_deadline), user.organization_id, user.id, filters, today)
    deadline = narrowed.subquery().c[0]

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
