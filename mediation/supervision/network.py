"""The network at a glance for supervisors: each organisation of the jurisdiction with its
staff, open and overdue cases and the median days to close, read from the figure rollups
(``stats.figures``) in a few grouped queries, whatever the number of cases.

- open cases: received minus closed, summed over the month rollups (all periods);
- overdue now: open cases past their current legal deadline (``case_figures.open_deadline``,
  as the dashboard's "Overdue now");
- median days to close: over the cases received in the last 12 months, from the
  distributions (exact, as the dashboard's).
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask import render_template
from flask_login import current_user
from sqlalchemy import func, select

from mediation import policy
from mediation.extensions import db
from mediation.localtime import local_today
from mediation.models import (
    CaseFigures,
    Distribution,
    FigureDistribution,
    FigureRollup,
    Grain,
    Organization,
    OrgKind,
    User,
)
from mediation.models.users import STAFF_ORG_KINDS
from mediation.stats import figures as figure_service
from mediation.stats.compute import _median, period_rows

WINDOW_DAYS = 365  # the median counts the cases received in the last 12 months


@dataclass(frozen=True)
class OrganizationFigures:
    organization: Organization
    staff: int
    open_cases: int
    overdue: int
    median_days_to_close: Decimal | None


def network_figures(user: User, today: date) -> tuple[list[OrganizationFigures], date]:
    """The mediation organisations ``user`` oversees (not the re-employment centres), with
    their figures; and the first day of the median's window."""
    overseen = policy.overseen_organizations(user)
    organizations = db.session.scalars(
        select(Organization).where(
            Organization.id.in_(overseen), Organization.kind != OrgKind.reemployment
        )
    ).all()
    ids = [organization.id for organization in organizations]
    staff = dict(
        db.session.execute(
            select(User.organization_id, func.count())
            .where(
                User.organization_id.in_(ids),
                User.role.in_(list(STAFF_ORG_KINDS)),
                User.active.is_(True),
            )
            .group_by(User.organization_id)
        ).all()
    )
    open_cases = dict(
        db.session.execute(
            select(
                FigureRollup.organization_id,
                func.sum(FigureRollup.received) - func.sum(FigureRollup.closed),
            )
            .where(FigureRollup.grain == Grain.month, FigureRollup.organization_id.in_(ids))
            .group_by(FigureRollup.organization_id)
        ).all()
    )
    overdue = dict(
        db.session.execute(
            select(CaseFigures.organization_id, func.count())
            .where(CaseFigures.open_deadline < today, CaseFigures.organization_id.in_(ids))
            .group_by(CaseFigures.organization_id)
        ).all()
    )
    since = today - timedelta(days=WINDOW_DAYS - 1)
    histograms: dict[int, Counter] = {}
    window = period_rows(FigureDistribution, since, today)
    found = db.session.execute(
        select(
            FigureDistribution.organization_id,
            FigureDistribution.days,
            *window.signs,
            func.sum(FigureDistribution.cases).label("cases"),
        )
        .where(
            window.where,
            FigureDistribution.measure == Distribution.days_to_close,
            FigureDistribution.organization_id.in_(ids),
        )
        .group_by(FigureDistribution.organization_id, FigureDistribution.days, *window.signs)
    )
    for sign, organization_id, days, cases in window.signed(
        found, "organization_id", "days", "cases"
    ):
        histograms.setdefault(organization_id, Counter())[days] += sign * cases
    rows = [
        OrganizationFigures(
            organization=organization,
            staff=staff.get(organization.id, 0),
            open_cases=int(open_cases.get(organization.id) or 0),
            overdue=overdue.get(organization.id, 0),
            median_days_to_close=_median(histograms.get(organization.id, {})),
        )
        for organization in organizations
    ]
    rows.sort(key=lambda row: (list(OrgKind).index(row.organization.kind), row.organization.name))
    return rows, since


def network():
    if not figure_service.is_built():
        return render_template("stats/not_counted.html"), 503
    today = local_today()
    rows, since = network_figures(current_user, today)
    return render_template(
        "supervision/network.html",
        rows=rows,
        since=since,
        today=today,
        totals={
            "staff": sum(row.staff for row in rows),
            "open_cases": sum(row.open_cases for row in rows),
            "overdue": sum(row.overdue for row in rows),
        },
    )
