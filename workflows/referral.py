"""The re-employment referral workflow: referred → contacted → (in_training) → placed.

A worker who lost the job through the dispute is handed to a re-employment officer. The
referral ends placed, declined (the worker does not want the service) or closed (the officer
ends it, for example because the worker found work alone or cannot be reached).

Use one :class:`ReferralWorkflow` per operation and drop it::

    result = ReferralWorkflow(referral).fire("decline", reason="…")

The record needs only ``state`` (a :class:`ReferralState` value, or None before ``refer``).
The reason is checked here; the application keeps it, and any contact notes, in the audit event.
``refer`` is not in the brief's list of triggers: it exists so that, as for cases, the machine
writes the first state and the creation gets a Transition (and so an audit event) like any other.

=============== =============================================  ==========
trigger         from → to                                      facts
=============== =============================================  ==========
refer           (new) → referred                               —
contact         referred → contacted; contacted → contacted    —
start_training  contacted → in_training                        —
place           contacted, in_training → placed                —
decline         referred, contacted, in_training → declined    ``reason``
close           referred, contacted, in_training → closed      ``reason``
=============== =============================================  ==========

``contact`` from ``contacted`` keeps the state so that each further contact is a transition and
so an audit event; once training has started, follow-ups are notes, not contacts, so ``contact``
is not possible from ``in_training`` (it would suggest the referral went back a step).
Errors, ``fire``/``check``/``can_fire``/``available_triggers`` and the bound ``may_<trigger>()``
behave as in :mod:`workflows.case`.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from workflows._machine import (
    COMMON_CODES,
    NEW,
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
)

__all__ = [
    "CODES",
    "OPEN_STATES",
    "GuardFailed",
    "IllegalTransition",
    "Problem",
    "ReferralState",
    "ReferralTrigger",
    "ReferralWorkflow",
    "Transition",
    "UnknownTrigger",
    "WorkflowError",
]


class ReferralState(StrEnum):
    referred = "referred"
    contacted = "contacted"
    in_training = "in_training"
    placed = "placed"
    declined = "declined"
    closed = "closed"


OPEN_STATES = (ReferralState.referred, ReferralState.contacted, ReferralState.in_training)


class ReferralTrigger(StrEnum):
    """Member name = machine trigger; value = public (API) name."""

    refer = "refer"
    contact = "contact"
    start_training = "start_training"
    place = "place"
    decline = "decline"
    close = "close"


CODES: Mapping[str, str] = COMMON_CODES


def _reason_problems(record: Any, facts: Facts) -> list[Problem]:
    return require_reason(facts)


_OPEN = tuple(state.value for state in OPEN_STATES)
_S = ReferralState
_T = ReferralTrigger

RULES: tuple[Rule, ...] = (
    Rule(_T.refer, sources=(NEW,), dest=_S.referred),
    Rule(_T.contact, sources=(_S.referred, _S.contacted), dest=_S.contacted),
    Rule(_T.start_training, sources=(_S.contacted,), dest=_S.in_training),
    Rule(_T.place, sources=(_S.contacted, _S.in_training), dest=_S.placed),
    Rule(_T.decline, sources=_OPEN, dest=_S.declined, facts=("reason",), check=_reason_problems),
    Rule(_T.close, sources=_OPEN, dest=_S.closed, facts=("reason",), check=_reason_problems),
)


class ReferralWorkflow(Workflow):
    """Wraps one referral record for one operation. See the module docstring."""

    state_enum = ReferralState
    trigger_enum = ReferralTrigger
    rules = RULES
