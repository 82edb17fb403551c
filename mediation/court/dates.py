"""The dates of judicial confirmation: when the agreement took effect, the parties' 30 days to
ask (人民调解法 第三十三条), and the court's days to decide. Read by the case page, the documents
and the court's queue; the operations are in court.confirmations."""

from datetime import date, timedelta

from mediation.core.calendar import work_calendar
from mediation.localtime import SHANGHAI
from mediation.models import Case, JudicialConfirmation
from workflows import deadlines
from workflows.case import Outcome


def agreement_effective_on(case: Case) -> date:
    """An agreement takes effect when the last party signs it."""
    agreement = case.agreement
    return (
        max(agreement.applicant_signed_at, agreement.respondent_signed_at)
        .astimezone(SHANGHAI)
        .date()
    )


def confirmation_deadline(case: Case) -> date | None:
    if (
        case.outcome != Outcome.resolved
        or case.agreement is None
        or not case.agreement.fully_signed
    ):
        return None
    return deadlines.judicial_confirmation_deadline(
        agreement_effective_on(case), calendar=work_calendar()
    )


# 最高人民法院关于人民调解协议司法确认程序的若干规定 (法释〔2011〕5号) 第五条: the court decides
# within 15 days of accepting the request (10 more with its president's approval). The platform
# does not record the court's acceptance: the days are counted from when both parties had asked.
COURT_DECISION_DAYS = 15


def requested_on(confirmation: JudicialConfirmation) -> date | None:
    """The day the request was complete: when the second party asked."""
    asked = [confirmation.applicant_requested_at, confirmation.respondent_requested_at]
    if None in asked:
        return None
    return max(asked).astimezone(SHANGHAI).date()


def decision_due(confirmation: JudicialConfirmation) -> date | None:
    """The last day for the court's decision; the period ending on a rest day ends on the next
    working day (民事诉讼法 第八十五条)."""
    start = requested_on(confirmation)
    if start is None:
        return None
    return deadlines.next_working_day(
        start + timedelta(days=COURT_DECISION_DAYS), calendar=work_calendar()
    )
