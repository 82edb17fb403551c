"""The numbers behind the dashboard's charts; templates/stats/_charts.html draws them as SVG.

Each chart is also printed as a table beside it, so nothing depends on seeing the picture.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from mediation.extensions import db
from mediation.localtime import SHANGHAI
from mediation.models import AuditEvent, Case, User
from mediation.services.stats import Filters, cohort
from workflows.case import Outcome, Tier

DURATION_BUCKETS = ((0, 7), (8, 15), (16, 30), (31, 60), (61, None))


@dataclass(frozen=True)
class Series:
    labels: list[str]
    values: list[int]

    @property
    def top(self) -> int:
        return max(self.values, default=0) or 1


def _months(filters: Filters) -> list[str]:
    months, year, month = [], filters.start.year, filters.start.month
    while date(year, month, 1) <= filters.end:
        months.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def build(filters: Filters, user: User) -> dict:
    ids = cohort(filters, user).subquery()
    rows = db.session.execute(
        select(Case.id, Case.received_at, Case.closed_at, Case.outcome, Case.tier).where(
            Case.id.in_(select(ids.c.id))
        )
    ).all()
    mediated = set(
        db.session.scalars(
            select(AuditEvent.case_id).where(
                AuditEvent.action == "case.mediate", AuditEvent.case_id.in_(select(ids.c.id))
            )
        )
    )
    months = _months(filters)
    received, resolved, closed_mediated = Counter(), Counter(), Counter()
    durations = Counter()
    outcomes: dict[str, Counter] = {tier.value: Counter() for tier in Tier}
    for case_id, received_at, closed_at, outcome, tier in rows:
        month = received_at.astimezone(SHANGHAI).strftime("%Y-%m")
        received[month] += 1
        if outcome is not None:
            outcomes[getattr(tier, "value", tier)][getattr(outcome, "value", outcome)] += 1
        if closed_at is not None and case_id in mediated:
            closed_mediated[month] += 1
            resolved[month] += outcome == Outcome.resolved
        if closed_at is not None:
            days = (closed_at - received_at).days
            for low, high in DURATION_BUCKETS:
                if days >= low and (high is None or days <= high):
                    durations[_bucket_label(low, high)] += 1
                    break
    return {
        "received": Series(months, [received[m] for m in months]),
        "success": Series(
            months,
            [
                round(100 * resolved[m] / closed_mediated[m]) if closed_mediated[m] else 0
                for m in months
            ],
        ),
        "outcomes": outcomes,
        "durations": Series(
            [_bucket_label(low, high) for low, high in DURATION_BUCKETS],
            [durations[_bucket_label(low, high)] for low, high in DURATION_BUCKETS],
        ),
    }


def _bucket_label(low: int, high: int | None) -> str:
    return str(
        _l("%(low)d–%(high)d days", low=low, high=high)
        if high is not None
        else _l("over %(low)d days", low=low - 1)
    )
