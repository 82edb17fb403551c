"""Suspending the worker's limitation for arbitration (中止, 劳动争议调解仲裁法 第二十七条第三款).

"因不可抗力或者有其他正当理由，当事人不能在本条第一款规定的仲裁时效期间申请仲裁的，仲裁时效中止。
从中止时效的原因消除之日起，仲裁时效期间继续计算。" Staff of the organisation holding the case
record what kept the worker from applying (a flood, a stay in hospital…) from the day it arose, with
the day it ended or, while it lasts, without one; they record the end later. The last day to
apply is never stored: ``core.clocks.limitation`` computes it from the suspensions
(``workflows.deadlines.arbitration_limitation``). In any state of the case: the worker often
asks after it closed, when the limitation matters. Suspensions of a case do not overlap, so at
most one lasts at a time. The worker is told each time, with the new last day when it is known.
"""

from datetime import date
from typing import Annotated

from pydantic import Field
from werkzeug.exceptions import NotFound

from mediation import policy
from mediation.cases.casework import lock_case
from mediation.core import audit, clocks
from mediation.core.errors import Invalid, Refused
from mediation.core.fields import FILLED_SCHEMA, Day, one_of
from mediation.core.notifications import notify
from mediation.core.recipients import applicant_of
from mediation.core.schemas import REQUIRED, Body, Label
from mediation.extensions import db
from mediation.i18n import human_date
from mediation.localtime import local_today
from mediation.models import Case, LimitationSuspension, SuspensionCause, User
from mediation.models.types import utcnow
from mediation.policy import Act
from mediation.translation import lazy_gettext as _l

REASON_NEEDED = _l("Write what kept the worker from applying.")
IN_THE_FUTURE = _l("This day cannot be in the future.")
ENDS_BEFORE_START = _l("The cause cannot end before the day it arose.")
OVERLAPS = _l("Another suspension of this case covers some of these days (%(days)s).")
LASTING_SINCE = _l("since %(date)s, still lasting")
FROM_TO = _l("%(start)s to %(end)s")


class SuspensionRecord(Body):
    """A suspension staff record: why, since when, and until when if the cause already ended."""

    cause: Annotated[
        SuspensionCause,
        one_of(SuspensionCause),
        Field(description="force_majeure (不可抗力) or other_legitimate_reason (其他正当理由)"),
        Label(_l("Why the worker could not apply")),
    ]
    starts_on: Annotated[
        Day,
        Field(description="The day the cause arose: the limitation does not run from it on"),
        Label(_l("From (the day the cause arose)")),
    ]
    reason: Annotated[
        str,
        Field(max_length=2000, description="What happened; the worker reads it"),
        FILLED_SCHEMA,
        Label(_l("What kept the worker from applying"), widget="textarea"),
    ]
    ends_on: Day | None = Field(
        None,
        description="The day the cause ended (中止时效的原因消除之日); leave it out while it lasts "
        "and record it later with …/end",
    )


class SuspensionEnd(Body):
    """The day the cause of a lasting suspension ended."""

    ends_on: Day = Field(description="The day the cause ended: the limitation runs on from it")


def load_suspension(case: Case, suspension_id: int) -> LimitationSuspension:
    """A suspension of ``case`` (already loaded with its visibility checked), else 404."""
    suspension = db.session.get(LimitationSuspension, suspension_id)
    if suspension is None or suspension.case_id != case.id:
        raise NotFound()
    return suspension


def _days(suspension: LimitationSuspension) -> str:
    start = human_date(suspension.starts_on)
    if suspension.ends_on is None:
        return str(LASTING_SINCE % {"date": start})
    return str(FROM_TO % {"start": start, "end": human_date(suspension.ends_on)})


def problems(
    case: Case,
    *,
    starts_on: date | None,
    ends_on: date | None,
    reason: str | None,
) -> dict[str, list]:
    """What is wrong with a suspension to record, by the API's field names; a day that could
    not be read (None) is left to the form or the body to report."""
    found: dict[str, list] = {}
    today = local_today()
    if not (reason or "").strip():
        found["reason"] = [REASON_NEEDED]
    if starts_on is not None and starts_on > today:
        found["starts_on"] = [IN_THE_FUTURE]
    found |= _end_problems(starts_on, ends_on, today)
    if starts_on is not None and (ends_on is None or ends_on >= starts_on):
        taken = [
            _days(other)
            for other in clocks.suspensions_of(case)
            if starts_on <= (other.ends_on or date.max) and other.starts_on <= (ends_on or date.max)
        ]
        if taken:
            found.setdefault("starts_on", []).append(OVERLAPS % {"days": "; ".join(taken)})
    return found


def end_problems(suspension: LimitationSuspension, ends_on: date | None) -> dict[str, list]:
    """What is wrong with the day given as the end of ``suspension``'s cause."""
    if ends_on is None:
        return {"ends_on": [REQUIRED]}
    return _end_problems(suspension.starts_on, ends_on, local_today())


def _end_problems(starts_on: date | None, ends_on: date | None, today: date) -> dict[str, list]:
    messages = []
    if ends_on is not None:
        if starts_on is not None and ends_on < starts_on:
            messages.append(ENDS_BEFORE_START)
        if ends_on > today:
            messages.append(IN_THE_FUTURE)
    return {"ends_on": messages} if messages else {}


def record_suspension(
    case: Case,
    *,
    actor: User,
    cause: SuspensionCause,
    starts_on: date,
    reason: str,
    ends_on: date | None = None,
) -> LimitationSuspension:
    """Staff record that the limitation was suspended from ``starts_on`` (to ``ends_on``, or
    while the cause lasts); the worker is told, with the new last day when it is known."""
    policy.require_act(actor, case, Act.record_suspension)
    _lock(case)
    found = problems(case, starts_on=starts_on, ends_on=ends_on, reason=reason)
    if found:
        raise Invalid(found)
    now = utcnow()
    suspension = LimitationSuspension(
        case_id=case.id,
        cause=SuspensionCause(cause),
        reason=reason.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        recorded_by_id=actor.id,
        recorded_at=now,
        ended_by_id=actor.id if ends_on else None,
        ended_at=now if ends_on else None,
    )
    db.session.add(suspension)
    db.session.flush()
    db.session.expire(case, ["limitation_suspensions"])  # the worker is told with this one
    audit.record_case_event(
        case,
        "limitation_suspended",
        actor=actor,
        suspension=suspension.id,
        cause=suspension.cause.value,
        starts_on=starts_on.isoformat(),
        ends_on=ends_on.isoformat() if ends_on else None,
        reason=suspension.reason,
    )
    _tell_worker(case, suspension, "limitation_suspended")
    return suspension


def end_suspension(
    case: Case, suspension: LimitationSuspension, *, actor: User, ends_on: date
) -> LimitationSuspension:
    """Staff record the day the cause of a lasting suspension ended: the limitation runs on
    from it, and the worker is told the new last day when it is known."""
    policy.require_act(actor, case, Act.end_suspension)
    _lock(case)
    db.session.refresh(suspension)  # as another request may have just ended it
    if suspension.ends_on is not None:
        raise Refused("suspension_ended")
    found = end_problems(suspension, ends_on)
    if found:
        raise Invalid(found)
    suspension.ends_on = ends_on
    suspension.ended_by_id = actor.id
    suspension.ended_at = utcnow()
    db.session.flush()
    audit.record_case_event(
        case,
        "limitation_resumed",
        actor=actor,
        suspension=suspension.id,
        starts_on=suspension.starts_on.isoformat(),
        ends_on=ends_on.isoformat(),
    )
    _tell_worker(case, suspension, "limitation_resumed")
    return suspension


def _lock(case: Case) -> None:
    """The case's lock, then its suspensions (``Case.limitation_suspensions``, loaded once a
    request) read again under it: another request may have just recorded or ended one."""
    lock_case(case, "limitation_suspensions")


def _tell_worker(case: Case, suspension: LimitationSuspension, kind: str) -> None:
    """The notice to the worker: ``kind`` with the new last day when the limitation has one
    (``…_dated``, ``…_provisional``), else without (a cause still lasting, mediation still
    under way, or no limit)."""
    clock = clocks.limitation(case)
    params = {
        "cause": suspension.cause.value,
        "suspended_from": suspension.starts_on.isoformat(),
        "reason": suspension.reason,
    }
    if suspension.ends_on is not None:
        params["suspended_until"] = suspension.ends_on.isoformat()
    if clock.rule == "recounted" and suspension.ends_on is not None:
        params["limitation_ends"] = clock.ends_on.isoformat()
        kind += "_dated_provisional" if clock.provisional else "_dated"
    elif suspension.ends_on is not None and kind == "limitation_suspended":
        kind += "_ended"  # over already, but no last day to give yet
    notify([applicant_of(case)], kind, case, **params)
