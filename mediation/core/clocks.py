"""The legal clocks of a case (DESIGN.md §5), on the calendar in force.

The acceptance and mediation clocks keep their start day; their deadline is stored with the
case (figures stay stable) and recomputed from the start day when the holiday schedule of a
year it touches changes. The worker's two dates are computed when asked, from what the case
records, so they always follow the calendar in force:

- :func:`arbitration_available_from`: from when the worker may apply for arbitration without
  an agreement (劳动争议调解仲裁法 第十四条);
- :func:`limitation`: until when they may (第二十七条).

A date counted on a year whose holiday schedule nobody entered rests on the statutory holidays
alone and is *provisional* (``workflows.deadlines``); :func:`is_provisional` says so.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import or_, select

from mediation.core.calendar import work_calendar
from mediation.extensions import db
from mediation.localtime import SHANGHAI, local_today
from mediation.models import Case, Category, LimitationSuspension
from mediation.translation import lazy_gettext as _l
from workflows import deadlines
from workflows.case import CaseState, Outcome, Tier

# 劳动报酬 (labour remuneration): wages, overtime pay included. Not time-limited while the
# worker is employed (第二十七条第四款); an unpaid agreement about it can go to a payment order
# (第十六条).
LABOUR_REMUNERATION = frozenset({Category.wage_arrears, Category.overtime})

_ONE_DAY = timedelta(days=1)


def is_provisional(first: date, last: date) -> bool:
    """Whether a date counted from ``first`` to ``last`` rests on a year without a schedule."""
    return work_calendar().is_provisional(first, last)


def received_on(case: Case) -> date:
    """The day the first organisation received the application (transfers keep it)."""
    return case.received_at.astimezone(SHANGHAI).date()


def start_acceptance_clock(case: Case, start: date) -> None:
    case.acceptance_clock_start = start
    case.acceptance_deadline = deadlines.acceptance_deadline(start, calendar=work_calendar())
    case.overdue_since = None


def mediation_due(case: Case, *, with_extension: bool = True) -> date:
    """15 days (enterprise committees: from acceptance; other tiers: from the application),
    30 at the court; then the one extension the parties agreed to, counted from the original
    period's legal end."""
    extension = (case.extension_days or 0) if with_extension else 0
    calendar = work_calendar()
    if case.tier == Tier.court:
        return deadlines.court_mediation_deadline(
            case.mediation_clock_start, extension, calendar=calendar
        )
    return deadlines.mediation_deadline(case.mediation_clock_start, extension, calendar=calendar)


def start_mediation_clock(case: Case, accepted_on: date) -> None:
    """Start the mediation period when the case is accepted; a running one goes on.

    It runs from the organisation's receipt of the application (the union's and the HR
    bureau's centres, 劳动争议调解仲裁法 第十四条; the court's pre-litigation mediation) or, at
    an enterprise committee, from the acceptance (人社部令第17号 第二十九条).
    """
    if case.mediation_clock_start is not None:
        return
    case.mediation_clock_start = (
        accepted_on if case.tier == Tier.enterprise else case.acceptance_clock_start
    )
    case.mediation_deadline = mediation_due(case)
    case.overdue_since = None


def extend_mediation_clock(case: Case) -> None:
    case.mediation_deadline = mediation_due(case)
    case.overdue_since = None


def stop_mediation_clock(case: Case) -> None:
    case.mediation_clock_start = case.mediation_deadline = None


def deadline_is_provisional(case: Case, due: date) -> bool:
    """Whether the case's current deadline rests on a year without a schedule."""
    start = case.mediation_clock_start if case.state != CaseState.applied else None
    return is_provisional(start or case.acceptance_clock_start, due)


def recompute_open_deadlines(year: int) -> int:
    """After the schedule of ``year`` changed: recompute open cases whose clocks reach it."""
    open_states = [CaseState.applied, CaseState.accepted, CaseState.mediating]
    touched = db.session.scalars(
        select(Case).where(
            Case.state.in_(open_states),
            or_(
                Case.acceptance_deadline >= date(year, 1, 1),
                Case.mediation_deadline >= date(year, 1, 1),
            ),
            or_(
                Case.acceptance_clock_start <= date(year, 12, 31),
                Case.mediation_clock_start <= date(year, 12, 31),
            ),
        )
    ).all()
    changed = 0
    for case in touched:
        before = (case.acceptance_deadline, case.mediation_deadline)
        case.acceptance_deadline = deadlines.acceptance_deadline(
            case.acceptance_clock_start, calendar=work_calendar()
        )
        if case.mediation_clock_start:
            case.mediation_deadline = mediation_due(case)
        changed += before != (case.acceptance_deadline, case.mediation_deadline)
    return changed


def arbitration_available_from(case: Case) -> date:
    """From this day either party may apply for arbitration without an agreement: the day
    after the 15 days from the first receipt of the application (第十四条). The same at every
    tier and in every state, whatever the acceptance date or an extension; a transfer does not
    restart it, only a new application (a new case) does."""
    return deadlines.arbitration_available_from(received_on(case), calendar=work_calendar())


def arbitration_date_is_provisional(case: Case) -> bool:
    return is_provisional(received_on(case), arbitration_available_from(case))


def statutory_period_end(case: Case) -> date:
    """The last day of the 15 days of 第十四条: the day the mediation period ran out."""
    return arbitration_available_from(case) - _ONE_DAY


@dataclass(frozen=True)
class Limitation:
    """The time to apply for labour arbitration (劳动争议调解仲裁法 第二十七条) of one case.

    ``rule``: ``"interrupted"`` (mediation under way: the year starts again when it ends, by
    ``interrupted_until`` at the latest); ``"recounted"`` (it ended on ``recount_from``,
    ``because`` the mediation failed, the period ran out (expired), the case was declined or
    withdrawn, or the agreed payment date passed (payment_due); the year ends on ``ends_on``);
    ``"not_limited_while_employed"`` (wages and overtime pay while still employed, 第四款);
    ``"ran_out_before_application"`` (the year from the day the worker gave ended on
    ``ends_on``, before the application, which therefore interrupted nothing);
    ``"suspended"`` (recounted from ``recount_from``, but suspended since ``suspended_since``
    by a cause that still lasts: no last day until staff record its end, 第三款).
    ``remuneration_not_limited``: the case also claims those, and ``ends_on`` is for its other
    claims. ``suspended_days``: how many days the recorded suspensions added to the year that
    ends on ``ends_on``; ``suspensions``: every one recorded on the case, oldest first.
    """

    rule: str
    ends_on: date | None = None
    recount_from: date | None = None
    because: str | None = None
    interrupted_until: date | None = None
    provisional: bool = False
    remuneration_not_limited: bool = False
    suspended_since: date | None = None
    suspended_days: int = 0
    suspensions: tuple[LimitationSuspension, ...] = ()

    @property
    def lasting_suspension(self) -> LimitationSuspension | None:
        """The suspension whose cause still lasts, if one does."""
        return next((s for s in self.suspensions if s.ends_on is None), None)


# Why the interruption ended, as the page and the documents say it.
LIMITATION_BECAUSE = {
    "failed": _l("mediation failed"),
    "expired": _l("the 15 days from receipt of the application ran out"),
    "declined": _l("the application was not accepted"),
    "withdrawn": _l("the application was withdrawn"),
    "payment_due": _l("the agreed payment date passed"),
}

_ENDED_BY = {
    Outcome.unresolved: "failed",
    Outcome.declined: "declined",
    Outcome.withdrawn: "withdrawn",
}


def _interruption_end(case: Case, today: date) -> tuple[date | None, str | None]:
    """When the interruption by the application ended, and why; (None, None) while it lasts.

    The earliest the law allows: the day the case was closed without an agreement, or the day
    the 15 days of 第十四条 ran out, whichever came first (an agreed extension or a transfer
    lets the parties go on mediating, but the right to arbitrate had opened); for an agreement,
    its payment date (the day it was signed when it names none).
    """
    period_end = statutory_period_end(case)
    if case.outcome == Outcome.resolved:
        due = case.agreement.due_date if case.agreement else None
        closed = (case.closed_at.astimezone(SHANGHAI).date()) if case.closed_at else today
        return due or closed, "payment_due"
    if case.outcome in _ENDED_BY and case.closed_at is not None:
        closed = case.closed_at.astimezone(SHANGHAI).date()
        if closed <= period_end:
            return closed, _ENDED_BY[case.outcome]
    if today > period_end or case.outcome in _ENDED_BY:
        return period_end, "expired"
    return None, None


def suspensions_of(case: Case) -> tuple[LimitationSuspension, ...]:
    """The suspensions recorded on ``case`` (第二十七条第三款), oldest first."""
    return tuple(case.limitation_suspensions)


def limitation(case: Case, today: date | None = None) -> Limitation:
    """The one-year limitation of the case's claims, recounted after the mediation.

    The year runs from the day the worker knew or should have known of the infringement
    (第一款), as given at filing, else from the application; the application interrupts it
    (第二款) and it is counted again from when the interruption ended
    (:func:`_interruption_end`). A year that had already run out before the application is
    not interrupted by it: the page says so. Wages and overtime pay owed while the worker is
    still employed are not limited; once the job ended, their year runs from its end (第四款).
    The suspensions staff recorded (第三款) hold the year while their cause lasted, before the
    application (a year that seemed to have run out may not have) as after the recount.
    """
    today = today or local_today()
    calendar = work_calendar()
    received = received_on(case)
    recorded = suspensions_of(case)
    suspended = [deadlines.Suspension(s.starts_on, s.ends_on) for s in recorded]
    categories = set(case.categories)
    employed = case.employment_end is None
    remuneration = bool(categories & LABOUR_REMUNERATION)
    others = bool(categories - LABOUR_REMUNERATION) or not categories
    if employed and remuneration and not others:
        return Limitation(rule="not_limited_while_employed", suspensions=recorded)
    known_on = case.rights_known_on or received
    if others:
        uninterrupted = deadlines.arbitration_limitation(
            known_on, suspensions=suspended, calendar=calendar
        )
        if uninterrupted.last_day is not None and uninterrupted.last_day < received:
            return Limitation(
                rule="ran_out_before_application",
                ends_on=uninterrupted.last_day,
                provisional=is_provisional(known_on, uninterrupted.last_day),
                remuneration_not_limited=employed and remuneration,
                suspended_days=uninterrupted.suspended_days,
                suspensions=recorded,
            )
    ended_on, because = _interruption_end(case, today)
    if ended_on is None:
        return Limitation(
            rule="interrupted",
            interrupted_until=statutory_period_end(case),
            provisional=arbitration_date_is_provisional(case),
            remuneration_not_limited=employed and remuneration,
            suspensions=recorded,
        )
    counts = [
        deadlines.arbitration_limitation(
            known_on,
            interrupted_on=received,
            interruption_ended_on=ended_on,
            remuneration_while_employed=is_remuneration,
            employment_ended_on=case.employment_end,
            suspensions=suspended,
            calendar=calendar,
        )
        for is_remuneration in (
            ([True] if remuneration and not employed else []) + ([False] if others else [])
        )
    ]
    known = [count for count in counts if count.last_day is not None]
    if not known:  # a cause still lasting holds every claim's year
        return Limitation(
            rule="suspended",
            recount_from=ended_on,
            because=because,
            remuneration_not_limited=employed and remuneration,
            suspended_since=min(count.suspended_since for count in counts),
            suspensions=recorded,
        )
    first = min(known, key=lambda count: count.last_day)
    return Limitation(
        rule="recounted",
        ends_on=first.last_day,
        recount_from=ended_on,
        because=because,
        provisional=is_provisional(min(received, ended_on), first.last_day),
        remuneration_not_limited=employed and remuneration,
        suspended_days=first.suspended_days,
        suspensions=recorded,
    )


def arbitration_apply_by(case: Case, today: date | None = None) -> date | None:
    """The last day to apply for labour arbitration, or None (no limit, or not yet counted)."""
    return limitation(case, today).ends_on
