"""What someone following a case with its code is shown: where the case is, what happens next
and its statutory dates, as the case page counts them (``cases.page``, ``cases.advice``). Never
a name, an amount, a claim or evidence: the code may have been passed on, or read off a phone."""

from dataclasses import dataclass

from mediation.cases import page
from mediation.cases.advice import ArbitrationAdvice, arbitration_advice
from mediation.models import Case
from workflows.case import CaseState, Outcome, Tier


@dataclass(frozen=True)
class Progress:
    number: str
    state: CaseState
    outcome: Outcome | None
    tier: Tier
    organization: str  # the organisation holding the case now
    steps: list[page.Step]
    next_step: str
    # Acceptance (3 working days, 企业劳动争议协商调解规定 第二十二条) or the mediation
    # period's end, whichever runs now.
    deadline: page.Deadline | None
    # From when arbitration is open without an agreement (劳动争议调解仲裁法 第十四条), while
    # the case is open; once mediation failed or was declined, ``arbitration`` says it.
    arbitration_date: page.ArbitrationDate | None
    arbitration: ArbitrationAdvice | None


def progress_of(case: Case) -> Progress:
    return Progress(
        number=case.number,
        state=CaseState(case.state),
        outcome=Outcome(case.outcome) if case.outcome else None,
        tier=Tier(case.tier),
        organization=case.organization.name,
        steps=page.tracker(case),
        next_step=page.next_step(case),
        deadline=page.current_deadline(case),
        arbitration_date=page.arbitration_date(case),
        arbitration=arbitration_advice(case),
    )
