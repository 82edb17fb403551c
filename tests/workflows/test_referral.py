"""The re-employment referral state machine, driven through ReferralWorkflow."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pytest
from transitions import MachineError

from workflows import case, referral
from workflows.referral import (
    CODES,
    GuardFailed,
    IllegalTransition,
    ReferralState,
    ReferralTrigger,
    ReferralWorkflow,
    UnknownTrigger,
)


@dataclass
class ReferralRecord:
    """Stands in for the ORM row."""

    state: str | None = None


STATES = [None, *(state.value for state in ReferralState)]
REASON = {"reason": "本人已自行找到工作"}
VALID_FACTS = {
    "refer": {},
    "contact": {},
    "start_training": {},
    "place": {},
    "decline": REASON,
    "close": REASON,
}
LEGAL = {
    (None, "refer"): "referred",
    ("referred", "contact"): "contacted",
    ("contacted", "contact"): "contacted",
    ("contacted", "start_training"): "in_training",
    ("contacted", "place"): "placed",
    ("in_training", "place"): "placed",
    ("referred", "decline"): "declined",
    ("contacted", "decline"): "declined",
    ("in_training", "decline"): "declined",
    ("referred", "close"): "closed",
    ("contacted", "close"): "closed",
    ("in_training", "close"): "closed",
}
ALL_PAIRS = [(state, trigger.value) for state in STATES for trigger in ReferralTrigger]
ILLEGAL = [pair for pair in ALL_PAIRS if pair not in LEGAL]


def ids(pairs: list[tuple[str | None, str]]) -> list[str]:
    return [f"{state or 'new'}-{trigger}" for state, trigger in pairs]


def test_table_covers_every_state_and_trigger() -> None:
    assert len(ALL_PAIRS) == 7 * 6
    assert set(LEGAL) <= set(ALL_PAIRS)


@pytest.mark.parametrize(("state", "trigger"), list(LEGAL), ids=ids(list(LEGAL)))
def test_legal_trigger_lands_in_the_table_state(state: str | None, trigger: str) -> None:
    record = ReferralRecord(state)

    result = ReferralWorkflow(record).fire(trigger, **VALID_FACTS[trigger])

    assert record.state == LEGAL[state, trigger]
    assert type(record.state) is ReferralState
    assert (result.trigger, result.from_state, result.to_state) == (
        trigger,
        state,
        LEGAL[state, trigger],
    )


@pytest.mark.parametrize(("state", "trigger"), ILLEGAL, ids=ids(ILLEGAL))
def test_illegal_trigger_raises_and_leaves_the_referral_unchanged(
    state: str | None, trigger: str
) -> None:
    record = ReferralRecord(state)

    with pytest.raises(IllegalTransition) as raised:
        ReferralWorkflow(record).fire(trigger, **VALID_FACTS[trigger])

    assert (raised.value.trigger, raised.value.state) == (trigger, state)
    assert isinstance(raised.value, MachineError)
    assert record.state == state


@pytest.mark.parametrize("state", STATES, ids=lambda s: s or "new")
def test_buttons_offered_in_each_state_are_exactly_its_legal_triggers(state: str | None) -> None:
    workflow = ReferralWorkflow(ReferralRecord(state))
    legal_here = {trigger for (source, trigger) in LEGAL if source == state}

    assert set(workflow.available_triggers()) == legal_here
    assert {t.value for t in ReferralTrigger if getattr(workflow, f"may_{t.name}")()} == legal_here


@pytest.mark.parametrize("state", ["placed", "declined", "closed"])
def test_a_finished_referral_accepts_no_trigger(state: str) -> None:
    workflow = ReferralWorkflow(ReferralRecord(state))

    assert workflow.available_triggers() == ()


@pytest.mark.parametrize("trigger", ["decline", "close"])
@pytest.mark.parametrize("state", ["referred", "contacted", "in_training"])
@pytest.mark.parametrize("reason", [None, "", "  \n"], ids=["missing", "empty", "blank"])
def test_declining_or_closing_needs_a_reason_and_otherwise_changes_nothing(
    trigger: str, state: str, reason: str | None
) -> None:
    record = ReferralRecord(state)
    facts = {} if reason is None else {"reason": reason}

    with pytest.raises(GuardFailed) as raised:
        ReferralWorkflow(record).fire(trigger, **facts)

    assert raised.value.errors == {"reason": ["reason_required"]}
    assert raised.value.code in CODES
    assert record.state == state


def test_each_further_contact_is_its_own_transition() -> None:
    record = ReferralRecord("referred")

    results = [ReferralWorkflow(record).fire("contact") for _ in range(3)]

    assert [(r.from_state, r.to_state) for r in results] == [
        ("referred", "contacted"),
        ("contacted", "contacted"),
        ("contacted", "contacted"),
    ]


@pytest.mark.parametrize("state", [s.value for s in ReferralState])
def test_wrapping_a_loaded_referral_keeps_its_state(state: str) -> None:
    record = ReferralRecord(state)

    workflow = ReferralWorkflow(record)

    assert workflow.current_state == state
    assert asdict(record) == {"state": state}


def test_there_are_no_automatic_to_state_shortcuts() -> None:
    workflow = ReferralWorkflow(ReferralRecord("referred"))

    assert not [s for s in ReferralState if hasattr(workflow, f"to_{s}")]


def test_an_unknown_trigger_is_reported_as_such() -> None:
    with pytest.raises(UnknownTrigger):
        ReferralWorkflow(ReferralRecord("referred")).fire("hire")


def test_referrals_and_cases_raise_the_same_error_types() -> None:
    assert referral.IllegalTransition is case.IllegalTransition
    assert referral.GuardFailed is case.GuardFailed
    assert referral.UnknownTrigger is case.UnknownTrigger


def test_a_workflow_method_named_like_a_trigger_is_refused_when_the_class_is_defined() -> None:
    # transitions would silently keep such a method instead of binding the trigger to it.
    with pytest.raises(TypeError, match="close"):

        class ShadowingWorkflow(ReferralWorkflow):
            rules = referral.RULES

            def close(self) -> None:
                pass
