"""Extending the mediation period with the parties' own consent.

The mediator proposes (days, reason); each party agrees or refuses online; a refusal ends the
proposal, and when both have agreed — or the mediator uploads the form both signed on paper —
the workflow's ``extend`` trigger fires through ``operations.fire`` with the consents as facts,
so the period, the clocks and the audit take the one path of every trigger.
"""

from typing import Annotated

from pydantic import Field

from mediation import policy
from mediation.cases.casework import lock_case
from mediation.cases.operations import fire
from mediation.core import audit
from mediation.core.errors import Invalid, Refused
from mediation.core.fields import FILLED, FILLED_SCHEMA, within
from mediation.core.notifications import notify
from mediation.core.recipients import Recipient, applicant_of, representatives_of, staff_of
from mediation.core.schemas import Body, Label
from mediation.extensions import db
from mediation.models import (
    Answer,
    Case,
    ExtensionProposal,
    ProposalStatus,
    StoredFile,
    User,
)
from mediation.models.types import utcnow
from mediation.policy import Act
from mediation.translation import lazy_gettext as _l
from mediation.uploads import StoredFile as CheckedFile
from workflows.case import MAX_EXTENSION_DAYS


class ExtensionProposalBody(Body):
    """The mediator's proposal: how many more days, and why."""

    days: Annotated[
        int,
        Field(ge=1, le=MAX_EXTENSION_DAYS, description=f"1 to {MAX_EXTENSION_DAYS}"),
        within(1, MAX_EXTENSION_DAYS),
        Label(_l("Extend by how many days"), widget="number"),
    ]
    reason: Annotated[
        str,
        Field(max_length=2000, description="Why more time is needed; the parties read it."),
        FILLED,
        FILLED_SCHEMA,
        Label(_l("Why more time is needed"), widget="textarea"),
    ]


class ExtensionConsentBody(Body):
    """A party's answer to the proposal."""

    consent: bool = Field(description="true: agrees to the extension; false: refuses it")


def _lock(case: Case) -> None:
    """The case's lock, then its proposals (``Case.extension_proposals``, loaded once a
    request) read again under it, before the policy asks whether one is open: a party
    answering at the same moment as the other must see their answer, and a proposal sent
    twice must find the first."""
    lock_case(case, "extension_proposals")


def _parties(case: Case) -> list[Recipient | None]:
    return [applicant_of(case), *representatives_of(case.employer)]


def _mediators(case: Case) -> list[User]:
    return [case.mediator] if case.mediator else staff_of(case.organization)


def propose_extension(case: Case, *, actor: User, days: int, reason: str) -> ExtensionProposal:
    """The mediator asks both parties to extend the period by ``days``."""
    _lock(case)
    policy.require_act(actor, case, Act.propose_extension)
    problems: dict[str, list] = {}
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_EXTENSION_DAYS:
        problems["days"] = [_l("An extension is 1 to %(max)d days.", max=MAX_EXTENSION_DAYS)]
    if not (reason or "").strip():
        problems["reason"] = [_l("Please write the reason.")]
    if problems:
        raise Invalid(problems)
    proposal = ExtensionProposal(
        case_id=case.id, days=days, reason=reason.strip(), proposed_by_id=actor.id
    )
    db.session.add(proposal)
    db.session.flush()
    db.session.expire(case, ["extension_proposals"])
    audit.record_case_event(
        case, "extension_proposed", actor=actor, note=proposal.reason, days=days
    )
    notify(_parties(case), "extension_proposed", case, days=days, reason=proposal.reason)
    return proposal


def my_side(actor: User, case: Case) -> str:
    return "applicant" if policy.is_applicant(actor, case) else "respondent"


def awaits_answer_from(actor: User, case: Case) -> bool:
    """Whether ``actor`` is a party who has not answered the open proposal yet."""
    proposal = case.open_extension_proposal
    if proposal is None or not policy.is_party(actor, case):
        return False
    return getattr(proposal, f"{my_side(actor, case)}_answer") is None


def answer_extension(case: Case, *, actor: User, consent: bool) -> ExtensionProposal:
    """A party agrees or refuses; the second agreement extends the period, a refusal ends the
    proposal."""
    _lock(case)
    policy.require_act(actor, case, Act.answer_extension)
    proposal = case.open_extension_proposal
    side = my_side(actor, case)
    if getattr(proposal, f"{side}_answer") is not None:
        raise Refused("already_answered")
    now = utcnow()
    setattr(proposal, f"{side}_answer", Answer.agreed if consent else Answer.refused)
    setattr(proposal, f"{side}_answered_at", now)
    audit.record_case_event(
        case,
        "extension_agreed" if consent else "extension_refused",
        actor=actor,
        party=side,
        days=proposal.days,
    )
    if not consent:
        proposal.status, proposal.decided_at = ProposalStatus.refused, now
        notify([*_parties(case), *_mediators(case)], "extension_refused", case, days=proposal.days)
        return proposal
    if proposal.applicant_answer is Answer.agreed and proposal.respondent_answer is Answer.agreed:
        _take_effect(case, proposal, actor=actor)
    else:
        notify(_mediators(case), "extension_agreed", case, days=proposal.days)
    return proposal


def record_paper_consent(case: Case, *, actor: User, form: CheckedFile) -> ExtensionProposal:
    """The mediator uploads the form on which both parties consented: the extension takes
    effect. ``form`` is already stored and checked like evidence (``mediation.uploads``)."""
    _lock(case)
    policy.require_act(actor, case, Act.record_extension_paper)
    proposal = case.open_extension_proposal
    stored = StoredFile(
        case_id=case.id,
        stored_name=form.stored_name,
        original_name=form.original_name,
        content_type=form.content_type,
        size=form.size,
        sha256=form.sha256,
        uploaded_by_id=actor.id,
    )
    db.session.add(stored)
    db.session.flush()
    proposal.paper_form_id = stored.id
    audit.record_case_event(
        case, "extension_paper_consent", actor=actor, days=proposal.days, file=stored.id
    )
    _take_effect(case, proposal, actor=actor)
    return proposal


def _take_effect(case: Case, proposal: ExtensionProposal, *, actor: User) -> None:
    proposal.status, proposal.decided_at = ProposalStatus.agreed, utcnow()
    # The workflow judges the consents like any trigger's facts; "extended" tells the parties.
    fire(
        case,
        "extend",
        actor=actor,
        days=proposal.days,
        applicant_consent=True,
        respondent_consent=True,
    )
