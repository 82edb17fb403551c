"""The case state machine (DESIGN.md §3), driven through CaseWorkflow as the app drives it."""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import asdict, dataclass

import pytest
from transitions import MachineError

from workflows.case import (
    CODES,
    CaseState,
    CaseTrigger,
    CaseWorkflow,
    GuardFailed,
    IllegalTransition,
    Outcome,
    Tier,
    UnknownTrigger,
)


@dataclass
class CaseRecord:
    """Stands in for the ORM row: plain attributes, no behaviour."""

    state: str | None = None
    outcome: str | None = None
    tier: str | None = None
    extension_days: int | None = None
    transferred_from_tier: str | None = None


# One typical case per state. The applied one arrived by transfer, so `return` is legal there.
CASE_IN = {
    None: {},
    "applied": {"state": "applied", "tier": "union", "transferred_from_tier": "enterprise"},
    "accepted": {"state": "accepted", "tier": "union"},
    "mediating": {"state": "mediating", "tier": "union"},
    "closed": {"state": "closed", "outcome": "unresolved", "tier": "union"},
    "archived": {"state": "archived", "outcome": "resolved", "tier": "union"},
}
STATES = list(CASE_IN)


def case_in(state: str | None, **changes: object) -> CaseRecord:
    return CaseRecord(**{**CASE_IN[state], **changes})


REASON = {"reason": "用人单位拒绝调解"}
VALID_FACTS = {
    "apply": {"tier": "hr_bureau"},
    "accept": {"respondent_consent": True},
    "decline": REASON,
    "mediate": {},
    "extend": {"days": 10, "applicant_consent": True, "respondent_consent": True},
    "settle": {"has_agreement": True, "applicant_signed": True, "respondent_signed": True},
    "fail": REASON,
    "escalate": REASON,
    "return": REASON,
    "withdraw": REASON,
    "archive": {
        "application_on_file": True,
        "acceptance_notice_on_file": True,
        "minutes_on_file": True,
        "closing_document_served": True,
        "evidence_on_file": True,
    },
}

# (state, trigger) → the attributes that differ afterwards. Every pair not listed is illegal.
LEGAL = {
    (None, "apply"): {"state": "applied", "tier": "hr_bureau"},
    ("applied", "accept"): {"state": "accepted"},
    ("applied", "decline"): {"state": "closed", "outcome": "declined"},
    ("applied", "escalate"): {"tier": "hr_bureau", "transferred_from_tier": "union"},
    ("applied", "return"): {"tier": "enterprise", "transferred_from_tier": None},
    ("applied", "withdraw"): {"state": "closed", "outcome": "withdrawn"},
    ("accepted", "mediate"): {"state": "mediating"},
    ("accepted", "escalate"): {
        "state": "applied",
        "tier": "hr_bureau",
        "transferred_from_tier": "union",
    },
    ("accepted", "withdraw"): {"state": "closed", "outcome": "withdrawn"},
    ("mediating", "extend"): {"extension_days": 10},
    ("mediating", "settle"): {"state": "closed", "outcome": "resolved"},
    ("mediating", "fail"): {"state": "closed", "outcome": "unresolved"},
    ("mediating", "escalate"): {
        "state": "applied",
        "tier": "hr_bureau",
        "transferred_from_tier": "union",
    },
    ("mediating", "withdraw"): {"state": "closed", "outcome": "withdrawn"},
    ("closed", "archive"): {"state": "archived"},
    # Mediation failed at this tier: the case may be transferred up (issue 4).
    ("closed", "escalate"): {
        "state": "applied",
        "outcome": None,
        "tier": "hr_bureau",
        "transferred_from_tier": "union",
    },
}
ALL_PAIRS = [(state, trigger.value) for state in STATES for trigger in CaseTrigger]
ILLEGAL = [pair for pair in ALL_PAIRS if pair not in LEGAL]


def pair_id(pair: tuple[str | None, str]) -> str:
    return f"{pair[0] or 'new'}-{pair[1]}"


def fire(case: CaseRecord, trigger: str, **facts: object):
    return CaseWorkflow(case).fire(trigger, **facts)


def test_table_covers_every_state_and_trigger() -> None:
    assert len(ALL_PAIRS) == 6 * 11
    assert set(LEGAL) <= set(ALL_PAIRS)


@pytest.mark.parametrize(("state", "trigger"), list(LEGAL), ids=[pair_id(p) for p in LEGAL])
def test_legal_trigger_lands_in_the_state_outcome_and_tier_of_the_table(
    state: str | None, trigger: str
) -> None:
    case = case_in(state)
    expected = {**asdict(case), **LEGAL[state, trigger]}

    result = fire(case, trigger, **VALID_FACTS[trigger])

    assert asdict(case) == expected
    assert result.trigger == trigger
    assert result.from_state == state
    assert result.to_state == expected["state"]
    assert result.outcome == expected["outcome"]
    assert result.to_tier == expected["tier"]


@pytest.mark.parametrize(("state", "trigger"), ILLEGAL, ids=[pair_id(p) for p in ILLEGAL])
def test_illegal_trigger_raises_and_leaves_the_case_unchanged(
    state: str | None, trigger: str
) -> None:
    case = case_in(state)
    before = asdict(case)

    with pytest.raises(IllegalTransition) as raised:
        fire(case, trigger, **VALID_FACTS[trigger])

    assert raised.value.code == "not_allowed_in_state"
    assert raised.value.trigger == trigger
    assert raised.value.state == state
    assert asdict(case) == before


@pytest.mark.parametrize("state", STATES, ids=lambda s: s or "new")
def test_buttons_offered_in_each_state_are_exactly_its_legal_triggers(state: str | None) -> None:
    workflow = CaseWorkflow(case_in(state))
    legal_here = {trigger for (source, trigger) in LEGAL if source == state}

    assert set(workflow.available_triggers()) == legal_here
    assert {t.value for t in CaseTrigger if getattr(workflow, f"may_{t.name}")()} == legal_here


def test_illegal_transition_is_a_transitions_machine_error() -> None:
    with pytest.raises(MachineError):
        fire(case_in("closed"), "accept", respondent_consent=True)


# Guard failures: (state, trigger, facts, expected errors by field).
GUARD_FAILURES = [
    (None, "apply", {}, {"tier": ["tier_required"]}),
    (None, "apply", {"tier": "village"}, {"tier": ["invalid_tier"]}),
    ("applied", "accept", {}, {"respondent_consent": ["respondent_consent_required"]}),
    (
        "applied",
        "accept",
        {"respondent_consent": False},
        {"respondent_consent": ["respondent_consent_required"]},
    ),
    (
        "applied",
        "accept",
        {"respondent_consent": "yes"},
        {"respondent_consent": ["respondent_consent_required"]},
    ),
    ("applied", "decline", {}, {"reason": ["reason_required"]}),
    ("applied", "decline", {"reason": "   "}, {"reason": ["reason_required"]}),
    ("applied", "return", {"reason": ""}, {"reason": ["reason_required"]}),
    ("applied", "escalate", {"reason": None}, {"reason": ["reason_required"]}),
    ("accepted", "withdraw", {}, {"reason": ["reason_required"]}),
    ("mediating", "fail", {"reason": "\n\t "}, {"reason": ["reason_required"]}),
    ("mediating", "settle", {}, {"has_agreement": ["agreement_missing"]}),
    (
        "mediating",
        "settle",
        {"has_agreement": True, "applicant_signed": True},
        {"respondent_signed": ["respondent_signature_missing"]},
    ),
    (
        "mediating",
        "settle",
        {"has_agreement": True, "respondent_signed": True, "applicant_signed": False},
        {"applicant_signed": ["applicant_signature_missing"]},
    ),
    (
        "mediating",
        "extend",
        {"applicant_consent": True, "respondent_consent": True},
        {"days": ["days_required"]},
    ),
    *(
        (
            "mediating",
            "extend",
            {"days": days, "applicant_consent": True, "respondent_consent": True},
            {"days": [code]},
        )
        for days, code in [
            (0, "days_out_of_range"),
            (-3, "days_out_of_range"),
            (16, "days_out_of_range"),
            ("10", "days_invalid"),
            (10.0, "days_invalid"),
            (True, "days_invalid"),
        ]
    ),
    (
        "mediating",
        "extend",
        {"days": 10, "applicant_consent": True},
        {"respondent_consent": ["respondent_consent_required"]},
    ),
    (
        "mediating",
        "extend",
        {"days": 10, "respondent_consent": True, "applicant_consent": False},
        {"applicant_consent": ["applicant_consent_required"]},
    ),
    ("mediating", "escalate", {"reason": "x", "to_tier": "village"}, {"to_tier": ["invalid_tier"]}),
    (
        "closed",
        "archive",
        {},
        {
            "application_on_file": ["application_missing"],
            "acceptance_notice_on_file": ["acceptance_notice_missing"],
            "minutes_on_file": ["minutes_missing"],
            "closing_document_served": ["closing_document_unserved"],
            "evidence_on_file": ["evidence_missing"],
        },
    ),
    (
        "closed",
        "archive",
        {
            "application_on_file": True,
            "acceptance_notice_on_file": True,
            "minutes_on_file": True,
            "closing_document_served": False,
            "evidence_on_file": True,
        },
        {"closing_document_served": ["closing_document_unserved"]},
    ),
]


@pytest.mark.parametrize(
    ("state", "trigger", "facts", "errors"),
    GUARD_FAILURES,
    ids=[
        f"{t}-" + (",".join(f"{k}={v!r}" for k, v in f.items()) or "no-facts")
        for _, t, f, _ in GUARD_FAILURES
    ],
)
def test_guard_failure_names_the_field_and_leaves_the_case_unchanged(
    state: str | None, trigger: str, facts: dict, errors: dict[str, list[str]]
) -> None:
    case = case_in(state)
    before = asdict(case)

    with pytest.raises(GuardFailed) as raised:
        fire(case, trigger, **facts)

    assert raised.value.errors == errors
    assert all(problem.code in CODES for problem in raised.value.problems)
    assert asdict(case) == before


def test_every_problem_with_the_submitted_data_is_reported_at_once() -> None:
    with pytest.raises(GuardFailed) as raised:
        fire(case_in("mediating"), "extend", days=20)

    assert raised.value.errors == {
        "days": ["days_out_of_range"],
        "applicant_consent": ["applicant_consent_required"],
        "respondent_consent": ["respondent_consent_required"],
    }


def test_a_fact_the_trigger_does_not_take_is_a_programming_error() -> None:
    case = case_in("applied")
    before = asdict(case)

    with pytest.raises(TypeError, match="organization_id"):
        fire(case, "escalate", reason="x", organization_id=7)

    assert asdict(case) == before


def test_check_and_can_fire_judge_the_data_without_changing_the_case() -> None:
    case = case_in("applied")
    before = asdict(case)
    workflow = CaseWorkflow(case)

    assert workflow.can_fire("decline", reason="不属于受理范围")
    assert not workflow.can_fire("decline", reason=" ")
    assert not workflow.can_fire("settle")
    with pytest.raises(GuardFailed):
        workflow.check("decline")
    workflow.check("decline", reason="不属于受理范围")
    assert asdict(case) == before
    assert workflow.current_state == CaseState.applied


def test_buttons_do_not_need_the_form_data() -> None:
    workflow = CaseWorkflow(case_in("applied"))

    assert workflow.may_decline()
    assert CaseTrigger.decline in workflow.available_triggers()


# Tiers and escalation.


def test_tiers_are_ordered_from_enterprise_to_court_not_alphabetically() -> None:
    assert Tier.enterprise < Tier.union < Tier.hr_bureau < Tier.court
    assert Tier.court > Tier.hr_bureau >= Tier.hr_bureau
    assert sorted([Tier.court, Tier.enterprise, Tier.hr_bureau, Tier.union]) == list(Tier)
    assert Tier.hr_bureau < "court"
    assert max(Tier) == Tier.court


def test_a_tier_does_not_compare_with_a_string_that_is_not_a_tier() -> None:
    with pytest.raises(TypeError):
        _ = Tier.union < "village"


@pytest.mark.parametrize(
    ("tier", "next_tier"),
    [
        (Tier.enterprise, Tier.union),
        (Tier.union, Tier.hr_bureau),
        (Tier.hr_bureau, Tier.court),
        (Tier.court, None),
    ],
)
def test_next_tier_is_one_step_up_and_the_court_has_none(tier: Tier, next_tier: Tier) -> None:
    assert tier.next_tier() == next_tier


HIGHER_PAIRS = [(low, high) for low, high in itertools.combinations(Tier, 2)]
NOT_HIGHER_PAIRS = [(t, other) for t in Tier for other in Tier if other <= t and t != Tier.court]
OPEN = ["applied", "accepted", "mediating"]


@pytest.mark.parametrize("state", OPEN)
@pytest.mark.parametrize(("from_tier", "to_tier"), HIGHER_PAIRS)
def test_escalate_sends_the_case_to_any_higher_tier_as_a_new_application(
    state: str, from_tier: Tier, to_tier: Tier
) -> None:
    case = case_in(state, tier=from_tier.value, transferred_from_tier=None)

    result = fire(case, "escalate", reason="需法院诉前调解", to_tier=to_tier)

    assert (case.state, case.tier, case.transferred_from_tier) == (
        "applied",
        to_tier.value,
        from_tier.value,
    )
    assert case.outcome is None
    assert (result.from_tier, result.to_tier) == (from_tier, to_tier)


@pytest.mark.parametrize("tier", [Tier.enterprise, Tier.union, Tier.hr_bureau])
def test_escalate_without_a_target_goes_one_tier_up(tier: Tier) -> None:
    case = case_in("accepted", tier=tier.value)

    fire(case, "escalate", **REASON)

    assert case.tier == tier.next_tier()


@pytest.mark.parametrize(("tier", "target"), NOT_HIGHER_PAIRS)
def test_escalate_to_the_same_or_a_lower_tier_is_refused(tier: Tier, target: Tier) -> None:
    case = case_in("mediating", tier=tier.value)
    before = asdict(case)

    with pytest.raises(GuardFailed) as raised:
        fire(case, "escalate", reason="x", to_tier=target.value)

    assert raised.value.errors == {"to_tier": ["tier_not_higher"]}
    assert asdict(case) == before


@pytest.mark.parametrize("state", OPEN)
def test_a_case_at_the_court_cannot_escalate(state: str) -> None:
    case = case_in(state, tier="court")
    before = asdict(case)
    workflow = CaseWorkflow(case)

    assert CaseTrigger.escalate not in workflow.available_triggers()
    assert not workflow.may_escalate()
    with pytest.raises(IllegalTransition) as raised:
        workflow.fire("escalate", **REASON)
    assert raised.value.code == "no_higher_tier"
    assert asdict(case) == before


def test_escalating_a_mediation_gives_the_receiving_tier_its_own_extension() -> None:
    case = case_in("mediating", extension_days=15)

    fire(case, "escalate", **REASON)
    fire(case, "accept", respondent_consent=True)
    fire(case, "mediate")
    fire(case, "extend", days=5, applicant_consent=True, respondent_consent=True)

    assert (case.tier, case.extension_days) == ("hr_bureau", 5)


# Return.


@pytest.mark.parametrize(("from_tier", "to_tier"), HIGHER_PAIRS)
def test_return_after_escalate_goes_back_to_the_tier_it_came_from(
    from_tier: Tier, to_tier: Tier
) -> None:
    case = case_in("mediating", tier=from_tier.value)
    fire(case, "escalate", reason="x", to_tier=to_tier)

    result = fire(case, "return", reason="不属于本院诉前调解范围")

    assert (case.state, case.tier, case.transferred_from_tier) == ("applied", from_tier, None)
    assert (result.trigger, result.from_tier, result.to_tier) == ("return", to_tier, from_tier)


def test_return_is_refused_for_a_case_filed_at_its_own_tier() -> None:
    case = case_in("applied", transferred_from_tier=None)
    before = asdict(case)
    workflow = CaseWorkflow(case)

    assert CaseTrigger.return_ not in workflow.available_triggers()
    with pytest.raises(IllegalTransition) as raised:
        workflow.fire("return", **REASON)
    assert raised.value.code == "not_transferred"
    assert asdict(case) == before


def test_a_returned_case_cannot_be_returned_again() -> None:
    case = case_in("applied", tier="union", transferred_from_tier=None)
    fire(case, "escalate", **REASON)
    fire(case, "return", **REASON)

    with pytest.raises(IllegalTransition) as raised:
        fire(case, "return", **REASON)

    assert raised.value.code == "not_transferred"
    assert case.tier == "union"


def test_a_transferred_case_cannot_be_returned_once_accepted() -> None:
    case = case_in("applied", tier="union", transferred_from_tier=None)
    fire(case, "escalate", **REASON)
    fire(case, "accept", respondent_consent=True)

    with pytest.raises(IllegalTransition):
        fire(case, "return", **REASON)

    assert (case.state, case.tier) == ("accepted", "hr_bureau")


def test_return_is_fired_by_its_api_name() -> None:
    assert CaseTrigger("return") is CaseTrigger.return_
    case = case_in("applied")

    with pytest.raises(UnknownTrigger):
        fire(case, "return_", **REASON)
    fire(case, CaseTrigger.return_, **REASON)

    assert case.tier == "enterprise"


def test_an_unknown_trigger_is_not_an_illegal_transition() -> None:
    with pytest.raises(UnknownTrigger) as raised:
        fire(case_in("applied"), "approve")

    assert not isinstance(raised.value, MachineError)


# Extension.


def test_extend_records_the_days_and_stays_in_mediation() -> None:
    case = case_in("mediating")

    result = fire(case, "extend", days=15, applicant_consent=True, respondent_consent=True)

    assert (case.state, case.extension_days) == ("mediating", 15)
    assert dict(result.changes) == {"extension_days": (None, 15)}


def test_a_second_extension_is_refused() -> None:
    case = case_in("mediating")
    fire(case, "extend", days=5, applicant_consent=True, respondent_consent=True)
    before = asdict(case)
    workflow = CaseWorkflow(case)

    assert not workflow.may_extend()
    with pytest.raises(IllegalTransition) as raised:
        workflow.fire("extend", days=5, applicant_consent=True, respondent_consent=True)
    assert raised.value.code == "already_extended"
    assert asdict(case) == before


# Terminal state, wrapping, and what the wrapper reports.


@pytest.mark.parametrize("trigger", [t.value for t in CaseTrigger])
def test_an_archived_case_accepts_no_trigger(trigger: str) -> None:
    case = case_in("archived")
    before = asdict(case)
    workflow = CaseWorkflow(case)

    assert workflow.available_triggers() == ()
    with pytest.raises(IllegalTransition):
        workflow.fire(trigger, **VALID_FACTS[trigger])
    assert asdict(case) == before


@pytest.mark.parametrize("state", STATES[1:])
@pytest.mark.parametrize("as_enum", [False, True], ids=["stored-string", "enum"])
def test_wrapping_a_loaded_case_keeps_its_state(state: str, as_enum: bool) -> None:
    case = case_in(state)
    if as_enum:
        case.state = CaseState(state)
    before = asdict(case)

    workflow = CaseWorkflow(case)

    assert workflow.current_state == state
    assert asdict(case) == before
    assert type(case.state) is (CaseState if as_enum else str)


def test_wrapping_a_case_with_an_unknown_stored_state_fails() -> None:
    with pytest.raises(ValueError, match="submitted"):
        CaseWorkflow(CaseRecord(state="submitted", tier="union"))


def test_there_are_no_automatic_to_state_shortcuts() -> None:
    workflow = CaseWorkflow(case_in("applied"))

    assert not [s for s in (*CaseState, "new") if hasattr(workflow, f"to_{s}")]


def test_the_machine_is_not_attached_to_the_case_or_its_class() -> None:
    case = case_in("applied")
    attributes = set(vars(case))

    workflow = CaseWorkflow(case)
    workflow.fire("accept", respondent_consent=True)

    assert set(vars(case)) == attributes
    assert not hasattr(CaseRecord, "accept")
    assert not hasattr(CaseRecord, "may_accept")


def test_the_case_stores_enum_members() -> None:
    case = case_in("mediating")

    fire(case, "escalate", reason="x", to_tier=Tier.court)
    fire(case, "withdraw", **REASON)

    stored = (case.state, case.outcome, case.tier, case.transferred_from_tier)
    assert [type(v) for v in stored] == [CaseState, Outcome, Tier, Tier]
    assert stored == ("closed", "withdrawn", "court", "union")


def test_the_transition_reports_states_outcome_and_tiers_for_the_audit_event() -> None:
    case = case_in("mediating", tier="hr_bureau")

    result = fire(case, "fail", reason="双方差距过大")

    assert (result.trigger, result.from_state, result.to_state) == ("fail", "mediating", "closed")
    assert result.outcome == Outcome.unresolved
    assert (result.from_tier, result.to_tier) == (Tier.hr_bureau, Tier.hr_bureau)
    assert dict(result.changes) == {"outcome": (None, "unresolved")}
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.to_state = CaseState.applied


def test_filing_reports_no_previous_state_or_tier() -> None:
    result = fire(CaseRecord(), "apply", tier=Tier.enterprise)

    assert (result.from_state, result.from_tier) == (None, None)
    assert (result.to_state, result.to_tier) == (CaseState.applied, Tier.enterprise)


def test_the_bound_trigger_methods_follow_the_same_rules_as_fire() -> None:
    case = case_in("applied")
    before = asdict(case)
    workflow = CaseWorkflow(case)

    with pytest.raises(GuardFailed):
        workflow.decline()
    with pytest.raises(TypeError):
        workflow.decline("no positional facts")
    with pytest.raises(MachineError):
        workflow.settle(has_agreement=True, applicant_signed=True, respondent_signed=True)
    assert asdict(case) == before

    assert workflow.return_(reason="退回")
    assert (case.state, case.tier) == ("applied", "enterprise")


def test_ensure_allowed_judges_the_record_alone():
    with pytest.raises(IllegalTransition):
        CaseWorkflow(case_in("closed")).ensure_allowed("settle")
    with pytest.raises(IllegalTransition) as raised:
        CaseWorkflow(case_in("mediating", extension_days=5)).ensure_allowed("extend")
    assert raised.value.code == "already_extended"
    CaseWorkflow(case_in("closed")).ensure_allowed("archive")  # no facts needed to know this


@pytest.mark.parametrize("outcome", ["resolved", "withdrawn"])
def test_only_a_failed_or_declined_case_can_be_transferred_after_closing(outcome: str) -> None:
    case = case_in("closed", outcome=outcome)
    before = asdict(case)
    with pytest.raises(IllegalTransition):
        CaseWorkflow(case).fire("escalate", **REASON)
    assert asdict(case) == before


# Within the HR-bureau tier the level must rise: a street or town centre to its district centre.
LEVELS = [
    ("street", "district", None),
    ("district", "street", "tier_not_higher"),
    ("street", "street", "tier_not_higher"),
    ("district", "district", "tier_not_higher"),
    (None, "district", "tier_not_higher"),
    ("street", "village", "tier_not_higher"),
]


@pytest.mark.parametrize(("from_level", "to_level", "code"), LEVELS)
def test_within_the_hr_bureau_tier_a_case_goes_up_a_level_only(from_level, to_level, code):
    case = case_in("accepted", tier="hr_bureau")
    facts = {"reason": "集体争议", "to_tier": "hr_bureau"}
    facts |= {"from_level": from_level, "to_level": to_level}
    if code:
        with pytest.raises(GuardFailed) as raised:
            fire(case, "escalate", **facts)
        assert raised.value.errors == {"to_tier": [code]}
        return
    result = fire(case, "escalate", **facts)
    assert (case.state, case.tier, case.transferred_from_tier) == (
        "applied",
        "hr_bureau",
        "hr_bureau",
    )
    fire(case, "return", reason="请街道中心先行调解")
    assert (case.tier, case.transferred_from_tier) == ("hr_bureau", None)
    assert (result.from_tier, result.to_tier) == (Tier.hr_bureau, Tier.hr_bureau)


@pytest.mark.parametrize("tier", list(Tier))
@pytest.mark.parametrize("to_tier", list(Tier))
def test_a_declined_case_may_go_to_any_tier_and_reopens_there(tier: Tier, to_tier: Tier) -> None:
    case = case_in("closed", outcome="declined", tier=tier.value)

    fire(case, "escalate", reason="申请人请求工会调解", to_tier=to_tier)

    assert (case.state, case.outcome, case.tier) == ("applied", None, to_tier.value)
    assert case.transferred_from_tier == tier.value  # returnable until accepted


def test_a_case_declined_at_the_court_names_where_it_goes() -> None:
    case = case_in("closed", outcome="declined", tier="court")
    with pytest.raises(GuardFailed) as raised:
        fire(case, "escalate", **REASON)
    assert raised.value.errors == {"to_tier": ["to_tier_required"]}
