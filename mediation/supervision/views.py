"""What supervisors watch: overdue cases of their jurisdiction, per organisation."""

from itertools import groupby

from flask import render_template
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from mediation import policy
from mediation.extensions import db
from mediation.localtime import local_today
from mediation.models import Case, Organization
from mediation.queue.worklist import OPEN, current_deadline


def overdue():
    today = local_today()
    cases = db.session.scalars(
        select(Case)
        .join(Case.organization)
        .options(
            joinedload(Case.organization), joinedload(Case.employer), joinedload(Case.mediator)
        )
        .where(policy.overseen_cases(current_user), Case.state.in_(OPEN), current_deadline < today)
        .order_by(Organization.name, current_deadline)
    ).all()
    by_organization = [
        (organization, list(group))
        for organization, group in groupby(cases, key=lambda case: case.organization)
    ]
    return render_template(
        "supervision/overdue.html", by_organization=by_organization, today=today, total=len(cases)
    )
