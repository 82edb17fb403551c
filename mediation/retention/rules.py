"""The retention periods, and which closed cases are due: the SQL the sweep and the admin
report share (see the package's docstring for the law and the defaults)."""

from datetime import datetime

from flask import current_app
from sqlalchemy import ColumnElement, and_, exists, false, func, or_, text

from mediation.models import Case, Referral
from mediation.models.cases import RETAINED_SQL
from workflows.case import Outcome
from workflows.referral import OPEN_STATES as OPEN_REFERRAL_STATES


def periods() -> dict[Outcome, int]:
    """Years of retention per outcome, as configured; an outcome left out is kept."""
    configured = current_app.config["RETENTION_YEARS"]
    return {Outcome(name): int(years) for name, years in configured.items()}


def shift_years(moment: datetime, years: int) -> datetime:
    """The same moment ``years`` later (or earlier, when negative); 29 February becomes the
    28th in a year without it."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


def retained_from(case: Case) -> datetime | None:
    """The moment the retention period counts from: archiving, or closing if never archived."""
    return case.archived_at or case.closed_at


def erasure_due(case: Case) -> datetime | None:
    """The moment the case's personal data is due to be erased, if a period applies."""
    years = periods().get(case.outcome) if case.outcome else None
    start = retained_from(case)
    return shift_years(start, years) if years is not None and start else None


def due(now: datetime) -> ColumnElement[bool]:
    """Closed cases still holding personal data whose period has ended by ``now``."""
    conditions = [due_with(outcome, years, now) for outcome, years in periods().items()]
    return and_(retained(), or_(*conditions) if conditions else false())


def due_with(outcome: Outcome, years: int, now: datetime) -> ColumnElement[bool]:
    """Cases of ``outcome`` retained from ``years`` before ``now`` or earlier (without the
    ``retained`` condition)."""
    cutoff = shift_years(now, -years)
    # A case is archived after it closed: closed_at bounds the search (the index's column).
    return and_(
        Case.outcome == outcome,
        Case.closed_at <= cutoff,
        func.coalesce(Case.archived_at, Case.closed_at) <= cutoff,
    )


def retained() -> ColumnElement[bool]:
    """Closed, not yet anonymised, and no re-employment referral still at work."""
    open_referral = exists().where(
        Referral.case_id == Case.id, Referral.state.in_(OPEN_REFERRAL_STATES)
    )
    # As text: PostgreSQL uses the partial index only for a condition it can see implies it.
    return and_(text(RETAINED_SQL), ~open_referral)
