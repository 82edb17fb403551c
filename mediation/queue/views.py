from flask import render_template, request
from flask_login import current_user

from mediation.extensions import db
from mediation.localtime import local_today
from mediation.models import Category, PriorityGroup
from mediation.queue.worklist import VIEWS, Filters, worklist_query
from workflows.case import CaseState


def index():
    filters = Filters.from_args(request.args)
    today = local_today()
    page = db.paginate(
        worklist_query(current_user, filters, today), per_page=50, error_out=False, count=True
    )
    return render_template(
        "queue/index.html",
        page=page,
        filters=filters,
        today=today,
        views=VIEWS,
        states=list(CaseState),
        categories=list(Category),
        priorities=list(PriorityGroup),
        page_args={key: value for key, value in request.args.items() if key != "page"},
    )
