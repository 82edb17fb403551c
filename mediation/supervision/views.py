"""What supervisors watch: overdue cases of their jurisdiction, per organisation, and the
notices that never reached their recipient."""

from datetime import date
from itertools import groupby

from flask import render_template
from flask_login import current_user
from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import joinedload

from mediation import policy
from mediation.extensions import db
from mediation.localtime import local_today
from mediation.models import (
    Case,
    CaseMessage,
    DeliveryStatus,
    Organization,
    OutboxMessage,
    User,
)
from mediation.paging import page_number
from mediation.queue.worklist import OPEN, current_deadline

PAGE_SIZE = 50


def overdue_cases(user: User, today: date) -> ColumnElement[bool]:
    """A filter on cases: the open ones of the jurisdiction past their current deadline (this
    page and the supervisor's home page)."""
    return and_(policy.overseen_cases(user), Case.state.in_(OPEN), current_deadline < today)


def overdue():
    today = local_today()
    cases = db.session.scalars(
        select(Case)
        .join(Case.organization)
        .options(
            joinedload(Case.organization), joinedload(Case.employer), joinedload(Case.mediator)
        )
        .where(overdue_cases(current_user, today))
        .order_by(Organization.name, current_deadline)
    ).all()
    by_organization = [
        (organization, list(group))
        for organization, group in groupby(cases, key=lambda case: case.organization)
    ]
    return render_template(
        "supervision/overdue.html",
        by_organization=by_organization,
        today=today,
        total=len(cases),
        messages=message_counts([case.id for case in cases]),
    )


def message_counts(case_ids: list[int]) -> dict[int, int]:
    """How many messages each case's conversation holds: whether anything is happening in a
    late case, never what was said (supervisors read no case file)."""
    if not case_ids:
        return {}
    return dict(
        db.session.execute(
            select(CaseMessage.case_id, func.count(CaseMessage.id))
            .where(CaseMessage.case_id.in_(case_ids))
            .group_by(CaseMessage.case_id)
        ).all()
    )


def deliveries():
    """Failed SMS and e-mails about the jurisdiction's cases, newest first; recipients masked
    and texts left out (a supervisor reads figures and summaries, not case files)."""
    query = (
        select(OutboxMessage)
        .join(Case, OutboxMessage.case_id == Case.id)
        .options(joinedload(OutboxMessage.case).joinedload(Case.organization))
        .where(policy.overseen_cases(current_user), OutboxMessage.status == DeliveryStatus.failed)
        .order_by(OutboxMessage.id.desc())
    )
    page = db.paginate(query, page=page_number(PAGE_SIZE), per_page=PAGE_SIZE, error_out=False)
    return render_template("supervision/deliveries.html", page=page)
