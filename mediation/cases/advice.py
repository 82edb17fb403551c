"""What a worker is told to do next when mediation ends without an agreement."""

from dataclasses import dataclass
from datetime import date

from mediation import policy
from mediation.core import clocks
from mediation.models import Case
from workflows.case import CaseState, Outcome


@dataclass(frozen=True)
class ArbitrationAdvice:
    """What a worker needs when mediation did not end in an agreement."""

    commission: str
    apply_by: date | None


def arbitration_advice(case: Case) -> ArbitrationAdvice | None:
    failed = case.state in (CaseState.closed, CaseState.archived) and case.outcome in (
        Outcome.unresolved,
        Outcome.declined,
    )
    if not (failed or policy.mediation_timed_out(case)):
        return None
    return ArbitrationAdvice(
        commission=arbitration_commission(case), apply_by=clocks.arbitration_apply_by(case)
    )


def arbitration_commission(case: Case) -> str:
    """The commission of the employer's district. Its name is made from the district's until
    the network's administration records each commission (issue 16)."""
    return f"{case.employer.region.district.name}劳动人事争议仲裁委员会"
