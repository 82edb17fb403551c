from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache

from flask import render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from mediation.i18n import days_left, human_date
from mediation.localtime import local_today
from mediation.models import Category, PriorityGroup
from mediation.models.cases import STATE_TITLES
from mediation.paging import page_number
from mediation.privacy import mask_phone
from mediation.queue.worklist import PAGE_SIZE, VIEWS, Filters, WorklistRow, worklist_page
from mediation.translation import gettext
from workflows.case import CaseState


def index():
    filters = Filters.from_args(request.args)
    today = local_today()
    page = worklist_page(current_user, filters, today, page_number(PAGE_SIZE))
    titles = _titles(str(get_locale()))
    return render_template(
        "queue/index.html",
        page=page,
        lines=_lines(page.items, titles, today),
        filters=filters,
        views=VIEWS,
        titles=titles,
        page_args={key: value for key, value in request.args.items() if key != "page"},
    )


@dataclass(frozen=True)
class Titles:
    """The words of the filters and the rows in one language: an enum's members with their
    titles, in the enum's order."""

    states: dict[CaseState, str]
    categories: dict[Category, str]
    priorities: dict[PriorityGroup, str]


@cache
def _titles(locale: str) -> Titles:
    """Translated once a process for each language (``locale`` is the one in force): the
    catalogues do not change while it runs."""
    return Titles(
        states={state: str(STATE_TITLES[state]) for state in CaseState},
        categories={category: str(category.title) for category in Category},
        priorities={group: str(group.title) for group in PriorityGroup},
    )


@dataclass(frozen=True, slots=True)
class Line:
    """One row of the worklist as the page writes it."""

    href: str
    number: str
    notes: tuple[str, ...]  # under the number: a transfer, the priority groups
    applicant_name: str
    applicant_phone: str  # masked
    employer_name: str
    state: str
    deadline: Markup  # the day and how far it is, or nothing
    mediator_name: str


def _lines(rows: list[WorklistRow], titles: Titles, today: date) -> list[Line]:
    """The rows written out here rather than by the template: a template's call to a
    function or filter costs several times a call from Python, and a page of 50 rows made
    about 300 of them (2.0 of a worklist's 5.0 ms of CPU were its template)."""
    case_page = _links("cases.show", "case_id")
    transfer = gettext("transfer")
    # A page's cases fall due on a few days and share a few sets of groups.
    deadline = cache(lambda due: Markup("{} {}").format(human_date(due), days_left(due, today)))
    groups = cache(lambda chosen: "、".join(titles.priorities[group] for group in chosen))
    return [
        Line(
            href=case_page(row.id),
            number=row.number,
            notes=((transfer,) if row.transferred else ())
            + ((groups(row.priority_groups),) if row.priority_groups else ()),
            applicant_name=row.applicant_name,
            applicant_phone=mask_phone(row.applicant_phone),
            employer_name=row.employer_name,
            state=titles.states[row.state],
            deadline=deadline(row.deadline) if row.deadline else Markup(""),
            mediator_name=row.mediator_name or "",
        )
        for row in rows
    ]


# Stands for the value in a URL built once: digits, so that a converter of integers takes it,
# and too long to be anything else in the URL.
MARKER = 987_654_321_987_654_321


def _links(endpoint: str, key: str) -> Callable[[int], str]:
    """``url_for(endpoint, key=value)`` for many integer values, the URL built once (with a
    marker for the value): the route is still url_for's to spell."""
    before, _, after = url_for(endpoint, **{key: MARKER}).partition(str(MARKER))
    return lambda value: f"{before}{value}{after}"
