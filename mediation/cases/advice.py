"""What a worker is told about labour arbitration: from when, where, and until when."""

from dataclasses import dataclass
from datetime import date

from mediation.core import clocks
from mediation.localtime import SHANGHAI, local_today
from mediation.models import Case, Region
from workflows.case import OPEN_STATES, CaseState, Outcome


@dataclass(frozen=True)
class ArbitrationAdvice:
    """What a worker needs once mediation did not (or not yet) end in an agreement.

    ``available_from``: the day after the 15 days from the first receipt of the application
    (劳动争议调解仲裁法 第十四条), the same at every tier and in every state; ``ended_on``: the
    day mediation ended without an agreement, if it did before that (调解不成: the worker may
    apply at once, 第五条); ``limitation``: until when (第二十七条).
    """

    commission: str
    commission_contact: Region  # the district, with the commission's address and phone if known
    available_from: date
    available_provisional: bool
    ended_on: date | None
    limitation: clocks.Limitation

    @property
    def apply_by(self) -> date | None:
        return self.limitation.ends_on


def arbitration_advice(case: Case, today: date | None = None) -> ArbitrationAdvice | None:
    """For a case closed without an agreement (failed, declined) or open past the 15 days."""
    today = today or local_today()
    available_from = clocks.arbitration_available_from(case)
    closed = case.state in (CaseState.closed, CaseState.archived)
    failed = closed and case.outcome in (Outcome.unresolved, Outcome.declined)
    timed_out = case.state in OPEN_STATES and today >= available_from
    if not (failed or timed_out):
        return None
    ended_on = case.closed_at.astimezone(SHANGHAI).date() if failed and case.closed_at else None
    return ArbitrationAdvice(
        commission=arbitration_commission(case),
        commission_contact=case.employer.region.district,
        available_from=available_from,
        available_provisional=clocks.arbitration_date_is_provisional(case),
        ended_on=ended_on if ended_on and ended_on < available_from else None,
        limitation=clocks.limitation(case, today),
    )


def arbitration_commission(case: Case) -> str:
    """The commission of the employer's district (劳动争议调解仲裁法 第二十一条: the commission
    where the contract is performed or the employer is), as the administration recorded it at
    /admin/regions; until it has, the name such commissions take, made from the district's."""
    district = case.employer.region.district
    return district.arbitration_commission or f"{district.name}劳动人事争议仲裁委员会"
