"""Every change to the applications: saving the edited fields, and staff recording that the
arbitration application was handed to the commission (once; the worker is told)."""

from sqlalchemy.exc import IntegrityError

from mediation import policy
from mediation.core import audit
from mediation.core.errors import Refused, flush_or_refuse
from mediation.core.notifications import notify
from mediation.core.recipients import applicant_of
from mediation.extensions import db
from mediation.handoff.applications import commission_of, prefilled, require_open, saved
from mediation.handoff.content import Content
from mediation.models import Case, HandoffApplication, HandoffKind, User
from mediation.models.types import utcnow
from mediation.policy import Act


def _new_record(case: Case, kind: HandoffKind, actor: User, content: Content):
    """The case's first row of this kind; two first saves at once: the second is refused."""
    record = HandoffApplication(
        case_id=case.id, kind=kind, data=content.stored(), updated_by_id=actor.id
    )
    try:
        with db.session.begin_nested():
            db.session.add(record)
    except IntegrityError:
        raise Refused("changed_meanwhile") from None
    return record


def save_application(
    case: Case, kind: HandoffKind, *, actor: User, content: Content
) -> HandoffApplication:
    """Keep the edited application of ``kind``. ``NotPermitted`` for anyone but the applicant
    and the case's staff; ``Refused`` while the route is closed or once it was handed over."""
    policy.require_act(actor, case, Act.prepare_handoff)
    require_open(case, kind)
    record = saved(case, kind)
    if record is not None and record.handed_at is not None:
        raise Refused("already_handed_to_arbitration")
    if record is None:
        record = _new_record(case, kind, actor, content)
    else:
        record.data = content.stored()
        record.updated_by_id = actor.id
        record.updated_at = utcnow()
        flush_or_refuse()
    # In the audit log, not on the timeline the employer reads too.
    audit.record("handoff.saved", actor=actor, subject=record, case_id=case.id, kind=kind.value)
    return record


def hand_to_arbitration(case: Case, *, actor: User) -> HandoffApplication:
    """Staff record that the worker's application went to the commission: the application is
    frozen as it was (the case's own fields if nobody edited it), the timeline says so, and the
    worker is told. Once per case: ``Refused`` after."""
    policy.require_act(actor, case, Act.hand_to_arbitration)
    kind = HandoffKind.arbitration
    record = saved(case, kind)
    if record is not None and record.handed_at is not None:
        raise Refused("already_handed_to_arbitration")
    require_open(case, kind)
    commission = commission_of(case)
    if record is None:
        record = _new_record(case, kind, actor, prefilled(case, kind))
    record.handed_at = utcnow()
    record.handed_by_id = actor.id
    record.commission = commission.name
    flush_or_refuse()
    audit.record_case_event(
        case,
        "handed_to_arbitration",
        actor=actor,
        commission=commission.name,
        commission_address=commission.address,
        application_id=record.id,
    )
    notify([applicant_of(case)], "handed_to_arbitration", case, commission=commission.name)
    return record
