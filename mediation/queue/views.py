from functools import cache

from flask import current_app, render_template, request
from flask_login import current_user

from mediation.localtime import local_today
from mediation.models import Category, PriorityGroup
from mediation.models.cases import STATE_TITLES
from mediation.paging import page_number
from mediation.queue.worklist import PAGE_SIZE, VIEWS, Filters, worklist_page
from workflows.case import CaseState


def _row_labels() -> dict:
    """What the rows repeat, translated and formatted once for the page rather than once a
    row: gettext and date formatting were most of the time a 50-row page took to render."""
    priority_titles = {group: str(group.title) for group in PriorityGroup}
    return {
        "states": {state: str(STATE_TITLES[state]) for state in CaseState},
        "date": cache(current_app.jinja_env.filters["date"]),
        "days_left": cache(current_app.jinja_env.filters["days_left"]),
        "priority_groups": cache(lambda groups: "、".join(priority_titles[g] for g in groups)),
    }


def index():
    filters = Filters.from_args(request.args)
    today = local_today()
    page = worklist_page(current_user, filters, today, page_number(PAGE_SIZE))
    return render_template(
        "queue/index.html",
        page=page,
        filters=filters,
        views=VIEWS,
        states=list(CaseState),
        categories=list(Category),
        priorities=list(PriorityGroup),
        labels=_row_labels(),
        page_args={key: value for key, value in request.args.items() if key != "page"},
    )
