"""The case workflow of DESIGN.md §3: apply → accept → mediate → close → archive.

Use one :class:`CaseWorkflow` per operation and drop it::

    result = CaseWorkflow(case).fire("escalate", reason="…", to_tier=Tier.court)
    # result.from_state, result.to_state, result.outcome, result.from_tier, result.to_tier

**The record** is any object with these attributes (the ORM row in the application). They are
read when wrapping and written only by a successful trigger, as enum members:

=========================  ===================================================================
``state``                  a :class:`CaseState` value, or None before ``apply``
``outcome``                an :class:`Outcome` value once closed, else None
``tier``                   the :class:`Tier` value of the organisation handling the case
``extension_days``         days of the one extension of the current mediation, else None
``transferred_from_tier``  the tier the case was escalated from to reach its current tier
                           (the same tier for a street centre's case sent to its district
                           centre); None when filed there or sent back there by ``return``
``respondent_consent``     (optional) the respondent's answer to the request to mediate:
``respondent_consent_via`` True/False, and ``"online"`` when the respondent gave it itself
=========================  ===================================================================

**Triggers and the facts they take** (keyword arguments; ``Problem.field`` is the fact's name).
The public name of ``return`` is ``"return"``; because that is a Python keyword the machine's
trigger (and the bound methods) are called ``return_``/``may_return_``. ``CaseTrigger`` is the
mapping: ``CaseTrigger("return") is CaseTrigger.return_``. ``fire``, ``check`` and ``can_fire``
take the public name (or the member); ``available_triggers`` returns members, whose values are the
public names used in URLs.

==========  =================================  ===============================================
trigger     from → to                          guard (precondition on the record; facts)
==========  =================================  ===============================================
apply       (new) → applied                    ``tier``: the routed tier
accept      applied → accepted                 not refused online by the respondent;
                                               ``respondent_consent`` is True
decline     applied → closed(declined)         ``reason``
mediate     accepted → mediating               —
extend      mediating → mediating              not yet extended; ``days`` 1–15;
                                               ``applicant_consent``, ``respondent_consent``
settle      mediating → closed(resolved)       ``has_agreement``, ``applicant_signed``,
                                               ``respondent_signed`` all True
fail        mediating → closed(unresolved)     ``reason``
escalate    applied, accepted, mediating,      a higher tier exists (or the case was
            closed(unresolved or declined)     declined); ``reason``; optional ``to_tier``
            → applied at the receiving         (default: the next tier) and the HR-bureau
            organisation's tier                levels ``from_level``/``to_level``; see
                                               :func:`transfer_problem`
return      applied → applied at the tier it   it arrived by escalation (``transferred_from_tier``
            was escalated from                 set); ``reason``
withdraw    applied, accepted, mediating       ``reason``
            → closed(withdrawn)
archive     closed → archived                  every fact of ``ARCHIVE_CHECKLIST`` True
==========  =================================  ===============================================

**Transfers** (``escalate``; :func:`transfer_problem` is the rule, for the guard and for the
application's list of targets). An open or failed case goes to a higher tier, or, within the
HR-bureau tier, from a street or town centre up to its district centre (``from_level`` street,
``to_level`` district: the level rises, DESIGN.md §4). A declined case may go to any tier: the
organisation that declined it has decided, and the applicant may ask another one that could hear
it (mediation is voluntary and the parties choose the organisation, 劳动争议调解仲裁法 第十条)
without filing again. Which organisation (not the one holding the case, serving the employer's
district) is the application's to decide: the workflow knows tiers and levels only. Any
transfer not yet accepted may be returned to where it came from (the district centre to the
street centre; a case sent on after a decline to the organisation that declined it, which then
decides again).

Effects besides the state: closing triggers set ``outcome``; ``extend`` sets ``extension_days``;
``escalate`` sets ``tier`` and ``transferred_from_tier`` and clears ``extension_days`` (the
receiving organisation mediates afresh, with its own extension), and clears ``outcome`` (a failed
or declined case reopens); ``return`` puts ``tier`` back to ``transferred_from_tier`` and clears it,
so a returned case cannot be returned again. The statutory dates are the application's and are
not the workflow's to restart: the receipt of the application, from which the 15 days of
劳动争议调解仲裁法 第十四条 run, stays the first organisation's.

**Errors** (see :mod:`workflows._machine`): ``IllegalTransition`` (HTTP 409) when the state has no
such transition or a precondition fails, with ``code`` ``not_allowed_in_state``,
``respondent_refused``, ``already_extended``, ``no_higher_tier`` or ``not_transferred``;
``GuardFailed`` (HTTP 422) with ``errors`` = ``{fact: [code, ...]}``; ``UnknownTrigger`` for a
name that is no trigger; TypeError for a fact the trigger does not take (the application maps
``organization_id`` to ``to_tier`` rather than passing it through). ``CODES`` gives every code
an English explanation; the application owns the translated messages.

Who may fire a trigger (roles, organisations) is decided by the application's policy, not here.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from workflows._machine import (
    COMMON_CODES,
    NEW,
    Effect,
    Facts,
    GuardFailed,
    IllegalTransition,
    Problem,
    Rule,
    Transition,
    UnknownTrigger,
    Workflow,
    WorkflowError,
    require_reason,
    require_true,
)

__all__ = [
    "ARCHIVE_CHECKLIST",
    "CODES",
    "MAX_EXTENSION_DAYS",
    "OPEN_STATES",
    "CaseState",
    "CaseTransition",
    "CaseTrigger",
    "CaseWorkflow",
    "CentreLevel",
    "GuardFailed",
    "IllegalTransition",
    "Outcome",
    "Problem",
    "Tier",
    "Transition",
    "UnknownTrigger",
    "WorkflowError",
    "transfer_problem",
]

MAX_EXTENSION_DAYS = 15


class CaseState(StrEnum):
    applied = "applied"
    accepted = "accepted"
    mediating = "mediating"
    closed = "closed"
    archived = "archived"


OPEN_STATES = (CaseState.applied, CaseState.accepted, CaseState.mediating)


class Outcome(StrEnum):
    resolved = "resolved"
    unresolved = "unresolved"
    withdrawn = "withdrawn"
    declined = "declined"


class Tier(StrEnum):
    """Mediation tiers, compared by rank: enterprise < union < hr_bureau < court.

    Comparisons with plain strings compare ranks too (``Tier.union < "court"``); a string that is
    not a tier raises TypeError rather than falling back to alphabetical order.
    """

    enterprise = "enterprise"
    union = "union"
    hr_bureau = "hr_bureau"
    court = "court"

    @property
    def rank(self) -> int:
        return list(Tier).index(self)

    def next_tier(self) -> Tier | None:
        """The tier above this one; None for the court."""
        ladder = list(Tier)
        return ladder[self.rank + 1] if self.rank + 1 < len(ladder) else None

    def _other_rank(self, other: object) -> int:
        if isinstance(other, Tier):
            return other.rank
        if isinstance(other, str):
            try:
                return Tier(other).rank
            except ValueError:
                raise TypeError(f"cannot compare a tier with {other!r}") from None
        raise TypeError(f"cannot compare a tier with {other!r}")

    def __lt__(self, other: object) -> bool:
        return self.rank < self._other_rank(other)

    def __le__(self, other: object) -> bool:
        return self.rank <= self._other_rank(other)

    def __gt__(self, other: object) -> bool:
        return self.rank > self._other_rank(other)

    def __ge__(self, other: object) -> bool:
        return self.rank >= self._other_rank(other)


class CentreLevel(StrEnum):
    """The level of an HR-bureau centre within its tier, lowest first: the street or town
    centre, then the district centre that takes what its street centres hand on."""

    street = "street"
    district = "district"

    @property
    def rank(self) -> int:
        return list(CentreLevel).index(self)


class CaseTrigger(StrEnum):
    """Member name = machine trigger; value = public (API) name."""

    apply = "apply"
    accept = "accept"
    decline = "decline"
    mediate = "mediate"
    extend = "extend"
    settle = "settle"
    fail = "fail"
    escalate = "escalate"
    return_ = "return"
    withdraw = "withdraw"
    archive = "archive"


CODES: Mapping[str, str] = types.MappingProxyType(
    {
        **COMMON_CODES,
        "tier_required": "The tier of the organisation the case is routed to is required.",
        "invalid_tier": "This is not a mediation tier.",
        "respondent_consent_required": "The respondent's consent to mediation must be recorded.",
        "respondent_refused": "The respondent refused mediation online; only it can change that.",
        "applicant_consent_required": "The applicant's consent must be recorded.",
        "already_extended": "The mediation period has already been extended once.",
        "days_required": "Enter the number of days.",
        "days_invalid": "The number of days must be a whole number.",
        "days_out_of_range": f"The extension must be 1 to {MAX_EXTENSION_DAYS} days.",
        "agreement_missing": "There is no mediation agreement yet.",
        "applicant_signature_missing": "The applicant has not signed the agreement.",
        "respondent_signature_missing": "The respondent has not signed the agreement.",
        "no_higher_tier": "The case is already at the highest tier.",
        "tier_not_higher": (
            "A case can only be transferred to a higher tier, or from a street or town centre "
            "to its district centre."
        ),
        "to_tier_required": "There is no higher tier: choose the receiving organisation.",
        "not_transferred": "Only a transferred case that has not been accepted can be returned.",
        "application_missing": "The application is not in the case file.",
        "acceptance_notice_missing": "The case was accepted; its acceptance notice is missing.",
        "minutes_missing": "No minutes of a mediation session are on file.",
        "closing_document_unserved": (
            "The agreement or closing notice has not been issued and served on every party."
        ),
        "evidence_missing": "A listed evidence file is missing from storage.",
    }
)


def _tier(record: Any) -> Tier:
    return Tier(record.tier)


def _parse_tier(value: object) -> Tier | None:
    try:
        return Tier(value)
    except ValueError:
        return None


# Preconditions: record → None, or the code of why the trigger is impossible now.


def _not_refused_online(record: Any) -> str | None:
    """A refusal the respondent gave online stands until the respondent changes it: staff
    cannot record a consent over it."""
    refused = getattr(record, "respondent_consent", None) is False
    online = str(getattr(record, "respondent_consent_via", None) or "") == "online"
    return "respondent_refused" if refused and online else None


def _not_yet_extended(record: Any) -> str | None:
    return "already_extended" if record.extension_days else None


def _has_higher_tier(record: Any) -> str | None:
    return None if _tier(record).next_tier() else "no_higher_tier"


def _declined(record: Any) -> bool:
    return record.state == CaseState.closed and record.outcome == Outcome.declined


def _may_transfer(record: Any) -> str | None:
    """Open cases go up a tier; so does a case whose mediation failed (the applicant asks for
    the next tier rather than starting over) and a declined one (to another organisation), but
    no other closed case."""
    if _declined(record):
        return None
    if record.state == CaseState.closed and record.outcome != Outcome.unresolved:
        return "not_allowed_in_state"
    return _has_higher_tier(record)


def _parse_level(value: object) -> CentreLevel | None:
    try:
        return CentreLevel(value)
    except ValueError:
        return None


def transfer_problem(
    record: Any, to_tier: Tier, from_level: object = None, to_level: object = None
) -> str | None:
    """Whether the case may go to an organisation of ``to_tier`` (and, for an HR-bureau
    centre, of ``to_level``) from where it is (``from_level``: the level of the centre holding
    it): None, or the code of why not. See the module docstring, "Transfers"."""
    if _declined(record):
        return None
    current = _tier(record)
    if to_tier > current:
        return None
    within_hr_bureau = to_tier == current == Tier.hr_bureau
    below, above = _parse_level(from_level), _parse_level(to_level)
    if within_hr_bureau and below is not None and above is not None and above.rank > below.rank:
        return None
    return "tier_not_higher"


def _arrived_by_transfer(record: Any) -> str | None:
    return None if record.transferred_from_tier else "not_transferred"


# Fact checks: (record, facts) → problems.


def _apply_problems(record: Any, facts: Facts) -> list[Problem]:
    if facts.get("tier") is None:
        return [Problem("tier", "tier_required")]
    if _parse_tier(facts["tier"]) is None:
        return [Problem("tier", "invalid_tier")]
    return []


def _accept_problems(record: Any, facts: Facts) -> list[Problem]:
    return require_true(facts, "respondent_consent", "respondent_consent_required")


def _reason_problems(record: Any, facts: Facts) -> list[Problem]:
    return require_reason(facts)


def _extend_problems(record: Any, facts: Facts) -> list[Problem]:
    days = facts.get("days")
    problems = []
    if days is None:
        problems.append(Problem("days", "days_required"))
    elif isinstance(days, bool) or not isinstance(days, int):
        problems.append(Problem("days", "days_invalid"))
    elif not 1 <= days <= MAX_EXTENSION_DAYS:
        problems.append(Problem("days", "days_out_of_range"))
    problems += require_true(facts, "applicant_consent", "applicant_consent_required")
    problems += require_true(facts, "respondent_consent", "respondent_consent_required")
    return problems


def _settle_problems(record: Any, facts: Facts) -> list[Problem]:
    if facts.get("has_agreement") is not True:
        return [Problem("has_agreement", "agreement_missing")]
    return require_true(facts, "applicant_signed", "applicant_signature_missing") + require_true(
        facts, "respondent_signed", "respondent_signature_missing"
    )


def _escalate_problems(record: Any, facts: Facts) -> list[Problem]:
    problems = require_reason(facts)
    if facts.get("to_tier") is None:
        if _tier(record).next_tier() is None:  # a declined case at the court names its target
            problems.append(Problem("to_tier", "to_tier_required"))
        return problems
    target = _parse_tier(facts["to_tier"])
    if target is None:
        problems.append(Problem("to_tier", "invalid_tier"))
    elif code := transfer_problem(record, target, facts.get("from_level"), facts.get("to_level")):
        problems.append(Problem("to_tier", code))
    return problems


# What the case file must hold before it is archived (DESIGN.md §3): fact → problem code.
# The application establishes each fact from what the case holds, never from the caller.
ARCHIVE_CHECKLIST: Mapping[str, str] = types.MappingProxyType(
    {
        "application_on_file": "application_missing",
        "acceptance_notice_on_file": "acceptance_notice_missing",
        "minutes_on_file": "minutes_missing",
        "closing_document_served": "closing_document_unserved",
        "evidence_on_file": "evidence_missing",
    }
)


def _archive_problems(record: Any, facts: Facts) -> list[Problem]:
    return [
        Problem(fact, code)
        for fact, code in ARCHIVE_CHECKLIST.items()
        if facts.get(fact) is not True
    ]


# Effects: (record, facts) → attributes to write besides the state. Facts are checked by now.


def _apply_effect(record: Any, facts: Facts) -> dict[str, Any]:
    return {
        "tier": Tier(facts["tier"]),
        "outcome": None,
        "extension_days": None,
        "transferred_from_tier": None,
    }


def _closing_with(outcome: Outcome) -> Effect:
    def effect(record: Any, facts: Facts) -> dict[str, Any]:
        return {"outcome": outcome}

    return effect


def _extend_effect(record: Any, facts: Facts) -> dict[str, Any]:
    return {"extension_days": facts["days"]}


def _escalate_effect(record: Any, facts: Facts) -> dict[str, Any]:
    current = _tier(record)
    target = Tier(facts["to_tier"]) if facts.get("to_tier") is not None else current.next_tier()
    # The receiving organisation mediates afresh, with its own period and its own extension;
    # a failed or declined case transferred is open again.
    return {
        "tier": target,
        "transferred_from_tier": current,
        "extension_days": None,
        "outcome": None,
    }


def _return_effect(record: Any, facts: Facts) -> dict[str, Any]:
    # Cleared so a returned case cannot bounce further down: its organisation had already
    # chosen to escalate it and now accepts, declines or escalates it again.
    return {"tier": Tier(record.transferred_from_tier), "transferred_from_tier": None}


_OPEN = tuple(state.value for state in OPEN_STATES)
_S = CaseState
_T = CaseTrigger

RULES: tuple[Rule, ...] = (
    Rule(
        _T.apply,
        sources=(NEW,),
        dest=_S.applied,
        facts=("tier",),
        check=_apply_problems,
        effect=_apply_effect,
    ),
    Rule(
        _T.accept,
        sources=(_S.applied,),
        dest=_S.accepted,
        facts=("respondent_consent",),
        precondition=_not_refused_online,
        check=_accept_problems,
    ),
    Rule(
        _T.decline,
        sources=(_S.applied,),
        dest=_S.closed,
        facts=("reason",),
        check=_reason_problems,
        effect=_closing_with(Outcome.declined),
    ),
    Rule(_T.mediate, sources=(_S.accepted,), dest=_S.mediating),
    Rule(
        _T.extend,
        sources=(_S.mediating,),
        dest=_S.mediating,
        facts=("days", "applicant_consent", "respondent_consent"),
        precondition=_not_yet_extended,
        check=_extend_problems,
        effect=_extend_effect,
    ),
    Rule(
        _T.settle,
        sources=(_S.mediating,),
        dest=_S.closed,
        facts=("has_agreement", "applicant_signed", "respondent_signed"),
        check=_settle_problems,
        effect=_closing_with(Outcome.resolved),
    ),
    Rule(
        _T.fail,
        sources=(_S.mediating,),
        dest=_S.closed,
        facts=("reason",),
        check=_reason_problems,
        effect=_closing_with(Outcome.unresolved),
    ),
    Rule(
        _T.escalate,
        sources=(*_OPEN, _S.closed.value),
        dest=_S.applied,
        facts=("reason", "to_tier", "from_level", "to_level"),
        precondition=_may_transfer,
        check=_escalate_problems,
        effect=_escalate_effect,
    ),
    Rule(
        _T.return_,
        sources=(_S.applied,),
        dest=_S.applied,
        facts=("reason",),
        precondition=_arrived_by_transfer,
        check=_reason_problems,
        effect=_return_effect,
    ),
    Rule(
        _T.withdraw,
        sources=_OPEN,
        dest=_S.closed,
        facts=("reason",),
        check=_reason_problems,
        effect=_closing_with(Outcome.withdrawn),
    ),
    Rule(
        _T.archive,
        sources=(_S.closed,),
        dest=_S.archived,
        facts=tuple(ARCHIVE_CHECKLIST),
        check=_archive_problems,
    ),
)


@dataclass(frozen=True)
class CaseTransition(Transition):
    """A case transition with what the audit event records: outcome and tiers.

    ``outcome`` is the case's outcome after the trigger (None unless closed or archived);
    ``from_tier`` is None only for ``apply``.
    """

    outcome: Outcome | None
    from_tier: Tier | None
    to_tier: Tier


class CaseWorkflow(Workflow):
    """Wraps one case record for one operation. See the module docstring."""

    state_enum = CaseState
    trigger_enum = CaseTrigger
    rules = RULES
    tracked_attributes = ("outcome", "tier", "extension_days", "transferred_from_tier")

    def fire(self, trigger: str, **facts: Any) -> CaseTransition:
        done = super().fire(trigger, **facts)
        tier = Tier(self.record.tier)
        from_tier = None
        if done.from_state is not None:
            from_tier = Tier(done.changes["tier"][0]) if "tier" in done.changes else tier
        outcome = self.record.outcome
        return CaseTransition(
            **vars(done),
            outcome=None if outcome is None else Outcome(outcome),
            from_tier=from_tier,
            to_tier=tier,
        )
