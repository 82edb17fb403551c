"""What a worker is told about labour arbitration: from when, where, and until when (the
time limit in words, for pages, notices and the application to the commission)."""

from dataclasses import dataclass
from datetime import date

from mediation.core import clocks
from mediation.i18n import human_date
from mediation.localtime import SHANGHAI, local_today
from mediation.models import Case, Region
from mediation.translation import gettext as _
from mediation.translation import ngettext
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


def basic_court(district: Region) -> str:
    """The district's basic people's court, as the administration recorded it at
    /admin/regions; until it has, the name such courts take, made from the district's. A
    payment order is applied for there (民事诉讼法 第二百二十五条) and it rules on judicial
    confirmation (第二百零五条、第二百零六条), not its pre-litigation mediation centre."""
    return district.basic_court or f"{district.name}人民法院"


@dataclass(frozen=True)
class Sentence:
    """One sentence about the time limit: ``strong`` is the one that says the date; ``advice``
    tells the reader what to do about it (left out of papers for the commission)."""

    text: str
    strong: bool = False
    advice: bool = False


def limitation_sentences(limitation: clocks.Limitation, *, to_worker: bool) -> list[Sentence]:
    """The time limit for arbitration (劳动争议调解仲裁法 第二十七条) in words: to the worker as
    "you" (the case page, the notices served on them), to everyone else as "the worker" (staff,
    the employer, the application to the commission). The provisional-date note is the
    caller's: pages and documents print it differently."""
    sentences: list[Sentence] = []
    match limitation.rule:
        case "not_limited_while_employed":
            sentences.append(
                Sentence(
                    _(
                        "Wages and overtime pay owed while you are still employed are not "
                        "limited in time; once the job ends you have one year to apply "
                        "(劳动争议调解仲裁法 第二十七条第四款)."
                    )
                    if to_worker
                    else _(
                        "Wages and overtime pay owed while the worker is still employed are not "
                        "limited in time; once the job ends the worker has one year to apply "
                        "(劳动争议调解仲裁法 第二十七条第四款)."
                    )
                )
            )
        case "ran_out_before_application":
            ended = human_date(limitation.ends_on)
            if to_worker:
                sentences += [
                    Sentence(
                        _(
                            "The one-year time limit for arbitration (劳动争议调解仲裁法 "
                            "第二十七条), counted from the day you learnt of the problem, ended "
                            "on %(date)s, before this application.",
                            date=ended,
                        ),
                        strong=True,
                    ),
                    Sentence(
                        _(
                            "Mediation can still settle the dispute. If you had a legitimate "
                            "reason for not applying sooner (第二十七条第三款), tell the mediator."
                        ),
                        advice=True,
                    ),
                ]
            else:
                sentences += [
                    Sentence(
                        _(
                            "The one-year time limit for arbitration (劳动争议调解仲裁法 "
                            "第二十七条), counted from the day the worker learnt of the problem, "
                            "ended on %(date)s, before this application.",
                            date=ended,
                        ),
                        strong=True,
                    ),
                    Sentence(
                        _(
                            "Mediation can still settle the dispute. If the worker had a "
                            "legitimate reason for not applying sooner (第二十七条第三款), staff "
                            "record it as a suspension of the time limit."
                        ),
                        advice=True,
                    ),
                ]
        case "interrupted":
            until = human_date(limitation.interrupted_until)
            sentences.append(
                Sentence(
                    _(
                        "Your application interrupted the one-year time limit for arbitration "
                        "(劳动争议调解仲裁法 第二十七条). It starts again in full when the "
                        "mediation ends, on %(date)s at the latest, when the 15 days from "
                        "receipt run out.",
                        date=until,
                    )
                    if to_worker
                    else _(
                        "The worker's application interrupted the one-year time limit for "
                        "arbitration (劳动争议调解仲裁法 第二十七条). It starts again in full when "
                        "the mediation ends, on %(date)s at the latest, when the 15 days from "
                        "receipt run out.",
                        date=until,
                    )
                )
            )
        case "suspended":
            lasting = limitation.lasting_suspension
            sentences += [
                Sentence(
                    _(
                        "The time limit for arbitration is suspended since %(date)s: %(cause)s "
                        "(劳动争议调解仲裁法 第二十七条第三款).",
                        date=human_date(limitation.suspended_since),
                        cause=lasting.cause.title if lasting else "",
                    ),
                    strong=True,
                ),
                Sentence(
                    _(
                        "It does not run while the cause lasts and goes on from the day the "
                        "cause ends; the last day to apply is shown here once that day is "
                        "recorded. It was counted again from %(date)s, when %(because)s.",
                        date=human_date(limitation.recount_from),
                        because=clocks.LIMITATION_BECAUSE[limitation.because],
                    )
                ),
            ]
        case _:
            ends = human_date(limitation.ends_on)
            sentences += [
                Sentence(
                    _("Apply by %(date)s at the latest.", date=ends)
                    if to_worker
                    else _(
                        "The worker must apply for arbitration by %(date)s at the latest.",
                        date=ends,
                    ),
                    strong=True,
                ),
                Sentence(
                    _(
                        "The one-year time limit (劳动争议调解仲裁法 第二十七条) was interrupted "
                        "by the application and counted again from %(date)s, when %(because)s.",
                        date=human_date(limitation.recount_from),
                        because=clocks.LIMITATION_BECAUSE[limitation.because],
                    )
                ),
            ]
    if limitation.suspended_days:
        sentences.append(
            Sentence(
                ngettext(
                    "This includes %(num)d day on which the time limit was suspended "
                    "(第二十七条第三款): it did not run then.",
                    "This includes %(num)d days on which the time limit was suspended "
                    "(第二十七条第三款): it did not run then.",
                    limitation.suspended_days,
                )
            )
        )
    if limitation.remuneration_not_limited and limitation.rule != "not_limited_while_employed":
        sentences.append(
            Sentence(
                _(
                    "This is for your other claims: wages and overtime pay owed while you are "
                    "still employed are not limited in time."
                )
                if to_worker
                else _(
                    "This is for the worker's other claims: wages and overtime pay owed while "
                    "the worker is still employed are not limited in time."
                )
            )
        )
    return sentences
