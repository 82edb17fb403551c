"""Supervisor figures, each defined once here with the formula the page prints beside it.

The cohort is the cases *received* in the period (and matching the filters) inside the
user's jurisdiction; every figure counts among them, so figures add up and a period's
numbers do not change when later periods are looked at.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from statistics import mean, median

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, exists, func, select

from mediation import policy
from mediation.extensions import db
from mediation.localtime import SHANGHAI, local_today
from mediation.models import (
    Agreement,
    AuditEvent,
    Case,
    CaseCategory,
    Category,
    Channel,
    Claim,
    Organization,
    PriorityGroup,
    Rating,
    Referral,
    Region,
    User,
)
from mediation.models.places import region_subtree
from mediation.queue.worklist import OPEN, current_deadline
from workflows.case import CaseState, Outcome, Tier
from workflows.referral import ReferralState

LONGEST_PERIOD_DAYS = 366 * 5


class FiltersInvalid(Exception):
    def __init__(self, errors: dict[str, list]) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class Filters:
    start: date
    end: date  # inclusive
    region_id: int | None = None
    tier: Tier | None = None
    organization_id: int | None = None
    category: Category | None = None
    channel: Channel | None = None
    priority: PriorityGroup | None = None

    def as_args(self) -> dict[str, str]:
        args = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        for key, value in (
            ("region", self.region_id),
            ("tier", self.tier),
            ("organization", self.organization_id),
            ("category", self.category),
            ("channel", self.channel),
            ("priority", self.priority),
        ):
            if value is not None:
                args[key] = str(getattr(value, "value", value))
        return args


def _enum(args, key, enum, errors):
    raw = (args.get(key) or "").strip()
    if not raw:
        return None
    try:
        return enum(raw)
    except ValueError:
        errors[key] = [_l("Not one of: %(choices)s.", choices=", ".join(e.value for e in enum))]
        return None


def _identifier(args, key, model, errors, message):
    raw = (args.get(key) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or db.session.get(model, int(raw)) is None:
        errors[key] = [message]
        return None
    return int(raw)


def parse_filters(args) -> Filters:
    """Filters from a query string; a clear message per bad parameter, never a 500."""
    errors: dict[str, list] = {}
    today = local_today()
    dates = {}
    for key, default in (("from", today.replace(day=1)), ("to", today)):
        raw = (args.get(key) or "").strip()
        try:
            dates[key] = date.fromisoformat(raw) if raw else default
        except ValueError:
            errors[key] = [_l("Use a date like 2026-03-01.")]
            dates[key] = default
    if "from" not in errors and "to" not in errors:
        if dates["to"] < dates["from"]:
            errors["to"] = [_l("The end of the period is before its start.")]
        elif (dates["to"] - dates["from"]).days > LONGEST_PERIOD_DAYS:
            errors["to"] = [_l("Choose a period of at most five years.")]
    filters = Filters(
        start=dates["from"],
        end=dates["to"],
        region_id=_identifier(args, "region", Region, errors, _l("Not a known region.")),
        tier=_enum(args, "tier", Tier, errors),
        organization_id=_identifier(
            args, "organization", Organization, errors, _l("Not a known organisation.")
        ),
        category=_enum(args, "category", Category, errors),
        channel=_enum(args, "channel", Channel, errors),
        priority=_enum(args, "priority", PriorityGroup, errors),
    )
    if errors:
        raise FiltersInvalid(errors)
    return filters


def _utc_bounds(filters: Filters) -> tuple[datetime, datetime]:
    start = datetime.combine(filters.start, time.min, tzinfo=SHANGHAI)
    end = datetime.combine(filters.end + timedelta(days=1), time.min, tzinfo=SHANGHAI)
    return start, end


def cohort(filters: Filters, user: User) -> Select:
    """SELECT of the ids of the cases the figures count."""
    start, end = _utc_bounds(filters)
    query = select(Case.id).where(
        policy.visible_cases(user), Case.received_at >= start, Case.received_at < end
    )
    if filters.region_id is not None:
        query = query.where(
            Case.organization_id.in_(
                select(Organization.id).where(
                    Organization.region_id.in_(region_subtree(filters.region_id))
                )
            )
        )
    if filters.tier is not None:
        query = query.where(Case.tier == filters.tier)
    if filters.organization_id is not None:
        query = query.where(Case.organization_id == filters.organization_id)
    if filters.category is not None:
        query = query.where(
            exists().where(
                CaseCategory.case_id == Case.id, CaseCategory.category == filters.category
            )
        )
    if filters.channel is not None:
        query = query.where(Case.channel == filters.channel)
    if filters.priority is not None:
        query = query.where(getattr(Case, filters.priority.value).is_(True))
    return query


def _happened(action: str):
    return exists().where(AuditEvent.case_id == Case.id, AuditEvent.action == action)


@dataclass
class Figures:
    received: int = 0
    accepted: int = 0
    declined: int = 0
    closed: int = 0
    resolved: int = 0
    unresolved: int = 0
    withdrawn: int = 0
    mediated_and_closed: int = 0
    resolved_first_tier: int = 0
    success_rate: Decimal | None = None
    first_tier_success_rate: Decimal | None = None
    median_days_to_close: Decimal | None = None
    mean_days_to_close: Decimal | None = None
    overdue: int = 0
    workers_involved: int = 0
    collective: int = 0
    priority_cases: int = 0
    amount_claimed: Decimal = Decimal("0.00")
    amount_agreed: Decimal = Decimal("0.00")
    referrals: int = 0
    first_contact_on_time: int = 0
    placements: int = 0
    placement_rate: Decimal | None = None
    ratings: int = 0
    satisfaction_mean: Decimal | None = None
    satisfaction_rate: Decimal | None = None
    transfers: dict[str, int] = field(default_factory=dict)


def _rate(part: int, whole: int) -> Decimal | None:
    return None if whole == 0 else (Decimal(part) * 100 / whole).quantize(Decimal("0.1"))


def _days(values: list[float]) -> tuple[Decimal | None, Decimal | None]:
    if not values:
        return None, None
    return (
        Decimal(str(median(values))).quantize(Decimal("0.1")),
        Decimal(str(mean(values))).quantize(Decimal("0.1")),
    )


def compute(filters: Filters, user: User) -> Figures:
    ids = cohort(filters, user).subquery()
    in_cohort = Case.id.in_(select(ids.c.id))
    closed_states = [CaseState.closed, CaseState.archived]
    count = func.count(Case.id)
    row = db.session.execute(
        select(
            count,
            func.count(Case.id).filter(_happened("case.accept")),
            func.count(Case.id).filter(Case.outcome == Outcome.declined),
            func.count(Case.id).filter(Case.state.in_(closed_states)),
            func.count(Case.id).filter(Case.outcome == Outcome.resolved),
            func.count(Case.id).filter(Case.outcome == Outcome.unresolved),
            func.count(Case.id).filter(Case.outcome == Outcome.withdrawn),
            func.count(Case.id).filter(
                and_(Case.state.in_(closed_states), _happened("case.mediate"))
            ),
            func.count(Case.id).filter(
                and_(Case.outcome == Outcome.resolved, ~_happened("case.escalate"))
            ),
            func.coalesce(func.sum(Case.workers_involved), 0),
            func.count(Case.id).filter(Case.workers_involved >= 10),
            func.count(Case.id).filter(
                Case.migrant_worker | Case.injured_worker | Case.pregnancy_maternity_nursing
            ),
            func.count(Case.id).filter(
                and_(Case.state.in_(OPEN), current_deadline < local_today())
            ),
        ).where(in_cohort)
    ).one()
    figures = Figures(*row[:7])
    figures.mediated_and_closed, figures.resolved_first_tier = row[7], row[8]
    figures.workers_involved, figures.collective, figures.priority_cases = row[9], row[10], row[11]
    figures.overdue = row[12]
    figures.success_rate = _rate(figures.resolved, figures.mediated_and_closed)
    figures.first_tier_success_rate = _rate(figures.resolved_first_tier, figures.resolved)
    durations = [
        (closed_at - received_at).total_seconds() / 86400
        for received_at, closed_at in db.session.execute(
            select(Case.received_at, Case.closed_at).where(in_cohort, Case.closed_at.is_not(None))
        )
    ]
    figures.median_days_to_close, figures.mean_days_to_close = _days(durations)
    figures.amount_claimed = db.session.scalar(
        select(func.coalesce(func.sum(Claim.amount), 0)).where(Claim.case_id.in_(select(ids.c.id)))
    ) or Decimal("0")
    figures.amount_agreed = db.session.scalar(
        select(func.coalesce(func.sum(Agreement.amount), 0))
        .join(Case, Case.id == Agreement.case_id)
        .where(in_cohort, Case.outcome == Outcome.resolved)
    ) or Decimal("0")
    figures.amount_claimed = Decimal(figures.amount_claimed).quantize(Decimal("0.01"))
    figures.amount_agreed = Decimal(figures.amount_agreed).quantize(Decimal("0.01"))
    referral_row = db.session.execute(
        select(
            func.count(Referral.id),
            func.count(Referral.id).filter(Referral.first_contacted_on <= Referral.contact_due),
            func.count(Referral.id).filter(Referral.state == ReferralState.placed),
        ).where(Referral.case_id.in_(select(ids.c.id)))
    ).one()
    figures.referrals, figures.first_contact_on_time, figures.placements = referral_row
    figures.placement_rate = _rate(figures.placements, figures.referrals)
    rating_row = db.session.execute(
        select(
            func.count(Rating.id),
            func.avg(Rating.score),
            func.count(Rating.id).filter(Rating.score >= 4),
        ).where(Rating.case_id.in_(select(ids.c.id)))
    ).one()
    figures.ratings = rating_row[0]
    if rating_row[0]:
        figures.satisfaction_mean = Decimal(str(rating_row[1])).quantize(Decimal("0.01"))
    figures.satisfaction_rate = _rate(rating_row[2], rating_row[0])
    sender = db.aliased(Organization)
    figures.transfers = {
        f"{from_kind.value}>{to_tier}": number
        for from_kind, to_tier, number in db.session.execute(
            select(sender.kind, AuditEvent.tier, func.count(AuditEvent.id))
            .join(sender, sender.id == AuditEvent.organization_id)
            .where(AuditEvent.action == "case.escalate", AuditEvent.case_id.in_(select(ids.c.id)))
            .group_by(sender.kind, AuditEvent.tier)
        )
    }
    return figures


def as_json(figures: Figures) -> dict:
    def plain(value):
        if isinstance(value, Decimal):
            return str(value)
        return value

    return {name: plain(value) for name, value in vars(figures).items()}


# What each figure means, as the dashboard and the exports print it.
DEFINITIONS = (
    ("received", _l("Cases received"), _l("Applications received in the period")),
    ("accepted", _l("Accepted"), _l("Received cases that an organisation accepted")),
    ("declined", _l("Not accepted"), _l("Received cases closed as not accepted")),
    ("closed", _l("Closed"), _l("Received cases now closed or archived")),
    ("resolved", _l("Resolved by agreement"), _l("Closed with a signed agreement")),
    ("unresolved", _l("Mediation failed"), _l("Closed without agreement")),
    ("withdrawn", _l("Withdrawn"), _l("Withdrawn by the applicant")),
    (
        "success_rate",
        _l("Mediation success rate (%)"),
        _l("Resolved ÷ cases closed after mediation started"),
    ),
    (
        "first_tier_success_rate",
        _l("Resolved without transfer (%)"),
        _l("Resolved cases never transferred ÷ resolved cases"),
    ),
    (
        "median_days_to_close",
        _l("Median days to close"),
        _l("Median of (closure − application), closed cases"),
    ),
    ("mean_days_to_close", _l("Mean days to close"), _l("Mean of (closure − application)")),
    ("overdue", _l("Overdue now"), _l("Open cases past their current legal deadline")),
    ("workers_involved", _l("Workers involved"), _l("Sum of workers sharing each claim")),
    ("collective", _l("Collective disputes"), _l("Cases with ten or more workers")),
    (
        "priority_cases",
        _l("Priority-group cases"),
        _l("Migrant, injured, pregnant or nursing workers"),
    ),
    ("amount_claimed", _l("Amount claimed (yuan)"), _l("Sum of all claims")),
    ("amount_agreed", _l("Amount agreed (yuan)"), _l("Sum of agreements of resolved cases")),
    ("referrals", _l("Re-employment referrals"), _l("Workers referred after losing the job")),
    (
        "first_contact_on_time",
        _l("First contact on time"),
        _l("Referrals first contacted within 3 working days"),
    ),
    ("placements", _l("Placements"), _l("Referrals ending in a new job")),
    ("placement_rate", _l("Placement rate (%)"), _l("Placements ÷ referrals")),
    ("ratings", _l("Ratings given"), _l("Parties who rated the service (1–5)")),
    ("satisfaction_mean", _l("Mean rating"), _l("Mean of the ratings")),
    ("satisfaction_rate", _l("Satisfaction rate (%)"), _l("Ratings of 4 or 5 ÷ ratings")),
)
