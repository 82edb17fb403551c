"""The small machinery the case and referral workflows share.

A workflow wraps one record (an ORM row or any object with the named attributes) for one
operation and is then thrown away. The ``transitions`` Machine is attached to the wrapper, never
to the record or its class: SQLAlchemy skips ``__init__`` on load, a Machine per row is heavy, and
attaching a model resets its state unless ``initial=`` is the stored state. The wrapper starts
the machine in the record's stored state, so wrapping changes nothing.

Each trigger is described by a :class:`Rule` (data, built into the machine configuration once at
import). Guards come in two kinds, and they fail differently:

* a *precondition* looks only at the stored record (for example "already extended once").
  It is a ``transitions`` condition, so ``may_<trigger>()`` and ``available_triggers()`` answer
  which buttons a page shows without any form data. When it fails, :meth:`Workflow.fire` raises
  :class:`IllegalTransition` with a ``code`` (HTTP 409: no input can fix it).
* a *fact check* looks at the data the user submitted (reason, consent, days, ...), passed as
  keyword arguments ("facts"). It runs after the preconditions and before the state changes;
  failures raise :class:`GuardFailed` listing every :class:`Problem` (HTTP 422, one message per
  field). ``Problem.field`` is the name of the fact at fault; ``Problem.code`` is a stable code
  from the module's ``CODES`` mapping, which gives an English explanation. The application
  translates codes into messages; no user-facing text is produced here.

A trigger fired in a state it does not leave raises :class:`IllegalTransition` (a subclass of
``transitions.MachineError``); invalid triggers are never ignored. An unknown trigger name raises
:class:`UnknownTrigger`; facts a trigger does not take raise ``TypeError`` (a programming error).

The record is written only after every guard has passed: the new state (as the enum member)
and the trigger's effects on other attributes, all at once. Nothing else happens here: no
database, no notifications. :meth:`Workflow.fire` returns a frozen :class:`Transition` that the
application turns into the audit event.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar

from transitions import EventData, Machine, MachineError

# The machine state of a record not yet created (its stored state is None). Only the creating
# trigger leaves it and no trigger enters it, so it is never written to a record.
NEW = "new"

COMMON_CODES: Mapping[str, str] = types.MappingProxyType(
    {
        "not_allowed_in_state": "This action is not possible in the current state.",
        "reason_required": "A written reason is required.",
    }
)


@dataclass(frozen=True)
class Problem:
    """Why a fact check failed: ``field`` names the fact, ``code`` is a key of ``CODES``."""

    field: str
    code: str


class WorkflowError(Exception):
    """Base class of every error a workflow raises on purpose."""


class UnknownTrigger(WorkflowError, ValueError):
    """The trigger name is not one of the workflow's triggers (a 404, not a 409)."""

    def __init__(self, trigger: object) -> None:
        super().__init__(f"unknown trigger {trigger!r}")
        self.trigger = trigger


class IllegalTransition(WorkflowError, MachineError):
    """The trigger is not possible from the record's current state.

    ``code`` is ``"not_allowed_in_state"`` when the state has no such transition, or the code of
    the failed precondition (for example ``"already_extended"``).
    """

    def __init__(
        self, trigger: StrEnum, state: StrEnum | None, code: str = "not_allowed_in_state"
    ) -> None:
        self.trigger = trigger
        self.state = state
        self.code = code
        shown = NEW if state is None else state.value
        MachineError.__init__(self, f"cannot {trigger.value} from state {shown} ({code})")

    def __str__(self) -> str:
        return str(self.value)


class GuardFailed(WorkflowError):
    """The submitted facts do not satisfy the trigger's guard; ``problems`` says why."""

    def __init__(self, trigger: StrEnum, problems: tuple[Problem, ...]) -> None:
        if not problems:
            raise ValueError("GuardFailed needs at least one problem")
        self.trigger = trigger
        self.problems = problems
        listed = ", ".join(f"{p.field}: {p.code}" for p in problems)
        super().__init__(f"cannot {trigger.value}: {listed}")

    @property
    def field(self) -> str:
        """The field of the first problem (for callers that show one message)."""
        return self.problems[0].field

    @property
    def code(self) -> str:
        """The code of the first problem."""
        return self.problems[0].code

    @property
    def errors(self) -> dict[str, list[str]]:
        """Codes grouped by field, the shape of the API's 422 ``errors`` body before translation."""
        grouped: dict[str, list[str]] = {}
        for problem in self.problems:
            grouped.setdefault(problem.field, []).append(problem.code)
        return grouped


@dataclass(frozen=True)
class Transition:
    """What one successful trigger changed, for the audit event.

    ``from_state`` is None for the trigger that creates the record. ``changes`` maps every other
    record attribute the trigger changed to its ``(old, new)`` values.
    """

    trigger: StrEnum
    from_state: StrEnum | None
    to_state: StrEnum
    changes: Mapping[str, tuple[Any, Any]]


Facts = Mapping[str, Any]
Precondition = Callable[[Any], str | None]
FactCheck = Callable[[Any, Facts], list[Problem]]
Effect = Callable[[Any, Facts], dict[str, Any]]


@dataclass(frozen=True)
class Rule:
    """One trigger: where it may start, where it lands, what it needs and what it writes.

    ``precondition(record)`` returns None or a failure code; ``check(record, facts)`` returns the
    problems with the facts; ``effect(record, facts)`` returns the attributes to write besides the
    state (only attributes listed in the workflow's ``tracked_attributes``).
    """

    trigger: StrEnum
    sources: tuple[str, ...]
    dest: str
    facts: tuple[str, ...] = ()
    precondition: Precondition | None = None
    check: FactCheck | None = None
    effect: Effect | None = None


def require_reason(facts: Facts) -> list[Problem]:
    """A reason is required and must not be blank."""
    reason = facts.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        return [Problem("reason", "reason_required")]
    return []


def require_true(facts: Facts, name: str, code: str) -> list[Problem]:
    """A yes/no fact that must be exactly True (consent, signature, ...)."""
    return [] if facts.get(name) is True else [Problem(name, code)]


class Workflow:
    """Base of a short-lived wrapper that runs one state machine over one record.

    Subclasses set ``state_enum``, ``trigger_enum`` (member name = machine trigger, value = the
    public/API name), ``rules`` and, when triggers write more than the state,
    ``tracked_attributes``. The machine configuration is built once, when the subclass is created.

    ``transitions`` binds to the wrapper, as it does to any model: ``<trigger>(**facts)``,
    ``may_<trigger>()``, ``is_<state>()``, ``trigger(name)`` and ``may_trigger(name)``, using
    machine trigger names. ``fire`` is the entry point; the bound trigger methods apply the same
    guards and write the record the same way, but return True instead of a Transition and report
    a failed precondition by returning False, as ``transitions`` does.
    """

    state_enum: ClassVar[type[StrEnum]]
    trigger_enum: ClassVar[type[StrEnum]]
    rules: ClassVar[tuple[Rule, ...]]
    tracked_attributes: ClassVar[tuple[str, ...]] = ()

    _rules_by_name: ClassVar[Mapping[str, Rule]]
    _machine_states: ClassVar[tuple[str, ...]]
    _machine_transitions: ClassVar[tuple[Mapping[str, Any], ...]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "rules" not in cls.__dict__:
            return
        by_name = {rule.trigger.name: rule for rule in cls.rules}
        if set(by_name) != {member.name for member in cls.trigger_enum} or len(by_name) != len(
            cls.rules
        ):
            raise TypeError(f"{cls.__name__}: exactly one rule per trigger")
        states = (NEW, *(state.value for state in cls.state_enum))
        for rule in cls.rules:
            if not set(rule.sources) <= set(states) or rule.dest not in states[1:]:
                raise TypeError(f"{cls.__name__}: {rule.trigger.name} uses an unknown state")
        # With model_override=False, transitions silently skips (with a log line) any name the
        # model already has, so a wrapper method called like a trigger would shadow the machine.
        bound = {"trigger", "may_trigger", *(f"is_{state}" for state in states)}
        bound |= {name for trigger in by_name for name in (trigger, f"may_{trigger}")}
        if shadowed := sorted(name for name in bound if hasattr(cls, name)):
            raise TypeError(f"{cls.__name__} defines {shadowed}, which the machine must bind")
        cls._rules_by_name = types.MappingProxyType(by_name)
        cls._machine_states = states
        cls._machine_transitions = tuple(
            types.MappingProxyType(
                {
                    "trigger": rule.trigger.name,
                    # Plain strings: transitions turns Enum members into their *names*.
                    "source": [str(source) for source in rule.sources],
                    "dest": str(rule.dest),
                    "conditions": "_precondition_holds",
                }
            )
            for rule in cls.rules
        )

    def __init__(self, record: Any) -> None:
        self.record = record
        self.last_transition: Transition | None = None
        self._effects: dict[str, Any] = {}
        self._before: dict[str, Any] = {}
        # The machine keeps a reference to this wrapper only, so dropping the wrapper drops both.
        self.machine = Machine(
            model=self,
            states=list(self._machine_states),
            initial=self._stored_state(record),
            transitions=self._machine_transitions,
            auto_transitions=False,
            ignore_invalid_triggers=False,
            send_event=True,
            model_override=False,
            before_state_change="_check_facts",
            after_state_change="_write_record",
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.state} {self.record!r}>"

    @classmethod
    def _stored_state(cls, record: Any) -> str:
        stored = record.state
        if stored is None:
            return NEW
        try:
            return cls.state_enum(stored).value
        except ValueError:
            raise ValueError(f"{cls.__name__}: unknown stored state {stored!r}") from None

    @property
    def current_state(self) -> StrEnum | None:
        """The state the machine is in, as an enum member (None before the record exists)."""
        state = self.state  # set on this wrapper by the machine
        return None if state == NEW else self.state_enum(state)

    def fire(self, trigger: str, **facts: Any) -> Transition:
        """Run ``trigger`` (public name or enum member) with ``facts``; write the record.

        Raises UnknownTrigger, IllegalTransition, GuardFailed, or TypeError for facts the trigger
        does not take. On any error the record is unchanged.
        """
        rule = self._rule(trigger)
        self._ensure_allowed(rule)
        self.last_transition = None
        self.trigger(rule.trigger.name, **facts)
        if self.last_transition is None:  # the record changed under us since _ensure_allowed
            raise IllegalTransition(rule.trigger, self.current_state)
        return self.last_transition

    def ensure_allowed(self, trigger: str) -> None:
        """Raise ``IllegalTransition`` when the record rules the trigger out, before any facts
        are gathered (so an impossible action answers 409 whatever data came with it)."""
        self._ensure_allowed(self._rule(trigger))

    def check(self, trigger: str, **facts: Any) -> None:
        """Raise what ``fire`` would raise, without changing anything."""
        rule = self._rule(trigger)
        self._ensure_allowed(rule)
        if problems := self._fact_problems(rule, facts):
            raise GuardFailed(rule.trigger, problems)

    def can_fire(self, trigger: str, **facts: Any) -> bool:
        """Whether ``fire(trigger, **facts)`` would succeed."""
        try:
            self.check(trigger, **facts)
        except (IllegalTransition, GuardFailed):
            return False
        return True

    def available_triggers(self) -> tuple[StrEnum, ...]:
        """Triggers possible now, judged on the record alone (which buttons a page shows).

        Fact checks are not applied: the form collects those facts.
        """
        return tuple(
            self.trigger_enum[name]
            for name in self.machine.get_triggers(self.state)
            if self.may_trigger(name)
        )

    def _rule(self, trigger: str) -> Rule:
        try:
            member = self.trigger_enum(trigger)
        except ValueError:
            raise UnknownTrigger(trigger) from None
        return self._rules_by_name[member.name]

    def _ensure_allowed(self, rule: Rule) -> None:
        if rule.trigger.name not in self.machine.get_triggers(self.state):
            raise IllegalTransition(rule.trigger, self.current_state)
        if rule.precondition and (code := rule.precondition(self.record)):
            raise IllegalTransition(rule.trigger, self.current_state, code)

    def _fact_problems(self, rule: Rule, facts: Facts) -> tuple[Problem, ...]:
        if unexpected := sorted(set(facts) - set(rule.facts)):
            raise TypeError(f"{rule.trigger.value} does not take {', '.join(unexpected)}")
        return tuple(rule.check(self.record, facts)) if rule.check else ()

    # Machine callbacks (send_event=True: each receives the EventData).

    def _precondition_holds(self, event: EventData) -> bool:
        rule = self._rules_by_name[event.event.name]
        return rule.precondition is None or rule.precondition(self.record) is None

    def _check_facts(self, event: EventData) -> None:
        # Runs after the preconditions, before the state changes: raising here changes nothing.
        if event.args:
            raise TypeError("facts are keyword arguments")
        rule = self._rules_by_name[event.event.name]
        if problems := self._fact_problems(rule, event.kwargs):
            raise GuardFailed(rule.trigger, problems)
        effects = rule.effect(self.record, event.kwargs) if rule.effect else {}
        if stray := set(effects) - set(self.tracked_attributes):
            raise TypeError(f"{rule.trigger.name} writes untracked attributes {sorted(stray)}")
        self._before = {name: getattr(self.record, name) for name in self.tracked_attributes}
        self._effects = effects

    def _write_record(self, event: EventData) -> None:
        rule = self._rules_by_name[event.event.name]
        source = event.transition.source
        self.record.state = self.state_enum(self.state)
        for name, value in self._effects.items():
            setattr(self.record, name, value)
        after = {name: getattr(self.record, name) for name in self.tracked_attributes}
        changes = {
            name: (self._before[name], after[name])
            for name in self.tracked_attributes
            if self._before[name] != after[name]
        }
        self.last_transition = Transition(
            trigger=rule.trigger,
            from_state=None if source == NEW else self.state_enum(source),
            to_state=self.state_enum(self.state),
            changes=types.MappingProxyType(changes),
        )
        self._effects, self._before = {}, {}
