"""Every case trigger, declared once: who may fire it, the body it takes, what it writes and
says, and what the pages, the API and the OpenAPI document show for it.

The transition and its guards are the workflow's (``workflows.case``); everything the
application adds is one :class:`CaseAction` here. ``cases.operations.fire`` runs any of them;
the case page's buttons and forms, the API's ``available_triggers`` and trigger routes, and the
OpenAPI document are derived from ``CASE_ACTIONS``, so a new trigger is its workflow rule, one
declaration below and its tests.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any

from pydantic import Field
from sqlalchemy import exists, select

from mediation import policy
from mediation.cases import employer_identity
from mediation.cases.advice import arbitration_commission
from mediation.core import clocks
from mediation.core.fields import one_of
from mediation.core.notifications import notify
from mediation.core.recipients import Recipient, applicant_of, representatives_of, staff_of
from mediation.core.routing import Basis, DatabaseDirectory
from mediation.core.schemas import Body, Label
from mediation.extensions import db
from mediation.i18n import display_name
from mediation.localtime import SHANGHAI, local_today
from mediation.messages import EVENT_TITLES
from mediation.models import (
    AuditEvent,
    Case,
    CaseDocument,
    ConsentChannel,
    DocumentKind,
    DocumentService,
    Organization,
    User,
)
from mediation.models.types import utcnow
from mediation.referrals.triggers import REFERRAL_ACTIONS
from mediation.translation import lazy_gettext as _l
from mediation.uploads import evidence_root
from workflows.case import (
    ARCHIVE_CHECKLIST,
    MAX_EXTENSION_DAYS,
    CaseTrigger,
    CaseWorkflow,
    Outcome,
    Tier,
    transfer_problem,
)


class StaffConsentChannel(StrEnum):
    """How staff heard the employer's consent (``ConsentChannel`` but ``online``, which only
    the employer's own answer gives)."""

    window = ConsentChannel.window.value
    phone = ConsentChannel.phone.value
    paper = ConsentChannel.paper.value


# Bodies: the shape of what each trigger takes. The rules on the values (a reason is needed,
# 1 to 15 days) are the workflow's guards, reported by field in the same answer.

REASON = Annotated[
    str | None,
    Field(max_length=2000, description="Why; required."),
    Label(_l("Reason"), widget="textarea"),
]


class NoBody(Body):
    """The trigger takes no data: ``{}``."""


class ReasonBody(Body):
    reason: REASON = None


class AcceptBody(Body):
    respondent_consent: Annotated[
        bool,
        Field(description="The employer agreed to mediation (online or as staff recorded it)."),
        Label(_l("The employer has agreed to mediation")),
    ] = False
    consent_via: Annotated[
        StaffConsentChannel | None,
        one_of(StaffConsentChannel),
        Field(
            description="How the employer gave its consent to staff: window, phone or paper. "
            "Required unless the employer agreed online."
        ),
        Label(_l("How the employer gave its consent"), widget="select"),
    ] = None


class ExtendBody(Body):
    """Fired by ``cases.extension`` once both parties agreed to a proposal (never directly)."""

    days: Annotated[
        int | None,
        Field(description=f"1 to {MAX_EXTENSION_DAYS}; the period is extended once."),
        Label(_l("Extend by how many days")),
    ] = None
    applicant_consent: Annotated[bool, Label(_l("The applicant agreed to the extension"))] = False
    respondent_consent: Annotated[bool, Label(_l("The employer agreed to the extension"))] = False


class EscalateBody(Body):
    reason: REASON = None
    organization_id: Annotated[
        int | None,
        Field(
            description="The receiving organisation, one of GET /cases/{case_id}/transfer-targets; "
            "default: the next tier's."
        ),
        Label(_l("Transfer to"), widget="select"),
    ] = None


@dataclass(frozen=True)
class Change:
    """What a trigger's effects and notices work from."""

    actor: User
    body: Body
    sender: Organization  # the organisation that held the case before the trigger
    target: Organization | None  # where a transfer goes


def _nothing(case: Case, change: Change) -> None:
    return None


def _no_facts(case: Case, change: Change) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class CaseAction:
    """One case trigger as the application knows it."""

    trigger: CaseTrigger
    title: Any  # the button and the form's heading
    event_title: Any  # the case timeline's line
    may: Callable[[User, Case], bool]  # who may fire it (the workflow decides when)
    body: type[Body] = NoBody
    facts: Callable[[Case, Change], dict[str, Any]] = _no_facts
    effect: Callable[[Case, Change], None] = _nothing  # what it writes besides the workflow's
    notify: Callable[[Case, Change], None] = _nothing
    document: DocumentKind | None = None  # issued when it fires
    warning: bool = False  # the button warns: the step ends or gives up the mediation
    # Input problems only the application can see: body → field → messages.
    check: Callable[[Case, Body], dict[str, list]] = lambda case, body: {}
    target: Callable[[Case, Body], Organization | None] = lambda case, body: None
    # The form's choices for a field, by the case: field → [(value, label)].
    choices: Mapping[str, Callable[[Case], list[tuple[str, str]]]] = field(default_factory=dict)
    # A workflow fact reported on another field of the body (to_tier → organization_id).
    field_of: Mapping[str, str] = field(default_factory=dict)
    # What the form shows above the button: case → [(text, done)].
    checklist: Callable[[Case], list[tuple[Any, bool]]] | None = None
    # What the audit event records besides the transition (shown on the timeline).
    details: Callable[[Case, Change], dict[str, Any]] = _no_facts
    # False: fired only by its own operation (an extension both parties agreed to), never
    # offered on the page or the API's trigger route.
    direct: bool = True

    @property
    def name(self) -> str:
        """The public name, as in URLs and the API (``return``)."""
        return self.trigger.value


# Who receives what.


def _parties(case: Case) -> list[Recipient | None]:
    return [applicant_of(case), *representatives_of(case.employer)]


def _tell_parties(kind: str, **params: Callable[[Case, Change], Any]):
    def tell(case: Case, change: Change) -> None:
        notify(
            _parties(case), kind, case, **{k: value(case, change) for k, value in params.items()}
        )

    return tell


def _reason(case: Case, change: Change) -> str:
    return getattr(change.body, "reason", None) or ""


# Effects.


def _agreed_online(case: Case) -> bool:
    return case.respondent_consent is True and case.respondent_consent_via == ConsentChannel.online


def _accept_facts(case: Case, change: Change) -> dict[str, Any]:
    return {"respondent_consent": _agreed_online(case) or change.body.respondent_consent}


def _consent_problems(case: Case, body: AcceptBody) -> dict[str, list]:
    """Staff recording the employer's consent say how it was given."""
    if not _agreed_online(case) and body.respondent_consent and body.consent_via is None:
        return {"consent_via": [_l("Say how the employer gave its consent.")]}
    return {}


def _accept_problems(case: Case, body: AcceptBody) -> dict[str, list]:
    """Staff complete the employer's USCC before accepting (a worker may file without it)."""
    problems = _consent_problems(case, body)
    if case.employer.uscc is None:
        problems["uscc"] = [employer_identity.USCC_MISSING]
    return problems


def _consent_choices(case: Case) -> list[tuple[str, str]]:
    return [("", "—")] + [
        (member.value, str(ConsentChannel(member.value).title)) for member in StaffConsentChannel
    ]


def _consent_details(case: Case, change: Change) -> dict[str, Any]:
    return {"consent_via": case.respondent_consent_via.value}


def _accepted(case: Case, change: Change) -> None:
    case.accepted_at = utcnow()
    if not _agreed_online(case):
        case.respondent_consent_via = ConsentChannel(change.body.consent_via)
    case.respondent_consent = True
    # The mediation period runs from acceptance on, whether or not mediation has started.
    clocks.start_mediation_clock(case, case.accepted_at.astimezone(SHANGHAI).date())


def _mediation_started(case: Case, change: Change) -> None:
    now = utcnow()
    case.mediator = case.mediator or change.actor
    case.mediation_started_at = now
    clocks.start_mediation_clock(case, (case.accepted_at or now).astimezone(SHANGHAI).date())


def _extended(case: Case, change: Change) -> None:
    clocks.extend_mediation_clock(case)


def _closed(case: Case, change: Change) -> None:
    case.closed_at = utcnow()
    case.close_reason = getattr(change.body, "reason", None)


def _moved(case: Case, receiving: Organization | None, *, back: bool) -> None:
    case.transferred_from_organization = None if back else case.organization
    case.organization = receiving
    case.mediator = None
    case.accepted_at = case.mediation_started_at = None
    case.closed_at = case.close_reason = None  # a failed case transferred up reopens
    clocks.stop_mediation_clock(case)
    # The receiving organisation reviews it like a new application.
    clocks.start_acceptance_clock(case, local_today())


def _transferred(case: Case, change: Change) -> None:
    _moved(case, change.target, back=False)


def _returned(case: Case, change: Change) -> None:
    _moved(case, case.transferred_from_organization, back=True)


def _archived(case: Case, change: Change) -> None:
    case.archived_at = utcnow()


# Transfers.

# Why each organisation is offered (routing.Basis): the page's choices and the API's targets.
TARGET_REASONS = {
    Basis.employer_committee: _l("The employer's own enterprise mediation committee"),
    Basis.district_union: _l(
        "The trade union's mediation of %(district)s, the employer's district"
    ),
    Basis.street_centre: _l(
        "The HR mediation centre of %(street)s, where the employer is registered"
    ),
    Basis.district_centre: _l(
        "The district centre of %(district)s, which takes the cases its street and town "
        "centres hand on"
    ),
    Basis.district_court: _l("The pre-litigation mediation of the court of %(district)s"),
}


@dataclass(frozen=True)
class TransferTarget:
    organization: Organization
    basis: Basis
    reason: str  # why it is offered, in the reader's language


def transfer_targets(case: Case) -> list[TransferTarget]:
    """Where the case may be transferred now: the organisations serving the employer's district
    (``DatabaseDirectory.serving``) but the one holding it, that the workflow's transfer rule
    lets it reach (``workflows.case.transfer_problem``: a higher tier, the district centre from
    a street centre, any of them after a decline). Lowest tier first."""
    directory = DatabaseDirectory()
    from_level = directory.level_of(case.organization)
    district = case.employer.region.district.name
    targets = []
    for serving in directory.serving(case.employer):
        org = serving.organization
        to_tier, to_level = Tier(org.kind.value), directory.level_of(org)
        if org.id == case.organization_id or transfer_problem(case, to_tier, from_level, to_level):
            continue
        words = str(TARGET_REASONS[serving.basis])
        reason = words % {"district": district, "street": org.region.name}
        targets.append(TransferTarget(org, serving.basis, reason))
    return targets


def _transfer_choices(case: Case) -> list[tuple[str, str]]:
    return [("", str(_l("The next tier (default)")))] + [
        (str(target.organization.id), f"{display_name(target.organization)} — {target.reason}")
        for target in transfer_targets(case)
    ]


def _chosen_target(case: Case, body: EscalateBody) -> Organization | None:
    if body.organization_id is None:
        return None
    return next(
        (
            target.organization
            for target in transfer_targets(case)
            if target.organization.id == body.organization_id
        ),
        None,
    )


def _default_target(case: Case) -> Organization | None:
    target_id = DatabaseDirectory().default_transfer_target(
        Tier(case.tier), case.employer.region_id
    )
    return db.session.get(Organization, target_id) if target_id else None


def _transfer_target(case: Case, body: EscalateBody) -> Organization | None:
    """Where an escalation goes: the organisation staff chose, or the next tier's."""
    if body.organization_id is not None:
        return _chosen_target(case, body)
    return _default_target(case)


def _transfer_problems(case: Case, body: EscalateBody) -> dict[str, list]:
    if body.organization_id is not None and _chosen_target(case, body) is None:
        return {"organization_id": [_l("Choose one of the organisations listed.")]}
    if body.organization_id is None and Tier(case.tier).next_tier() and not _default_target(case):
        return {"organization_id": [_l("No organisation of the next tier serves this district.")]}
    return {}


def _transfer_facts(case: Case, change: Change) -> dict[str, Any]:
    target = change.target
    directory = DatabaseDirectory()
    return {
        "reason": change.body.reason,
        "to_tier": target.kind.value if target else None,
        "from_level": directory.level_of(change.sender),
        "to_level": directory.level_of(target) if target else None,
    }


def _tell_transfer(case: Case, change: Change) -> None:
    notify(_parties(case), "escalated", case, organization=case.organization.name)
    notify(staff_of(case.organization), "new_case", case)


def _tell_return(case: Case, change: Change) -> None:
    notify(
        [applicant_of(case), *staff_of(case.organization)],
        "returned",
        case,
        organization=case.organization.name,
        reason=_reason(case, change),
    )


def _tell_withdrawal(case: Case, change: Change) -> None:
    notify([*staff_of(change.sender), *representatives_of(case.employer)], "withdrawn", case)


# The file at archive: what the case must hold, established from its records.

_CLOSING_DOCUMENT = {
    Outcome.resolved: DocumentKind.agreement,
    Outcome.unresolved: DocumentKind.termination_notice,
    Outcome.declined: DocumentKind.decline_notice,
}

ARCHIVE_ITEMS = {
    "application_on_file": _l("The application"),
    "acceptance_notice_on_file": _l("The acceptance notice, if the case was accepted"),
    "minutes_on_file": _l("Minutes of the mediation sessions"),
    "closing_document_served": _l("Agreement or closing notice issued and served on the parties"),
    "evidence_on_file": _l("Every evidence file of the list in storage"),
}


def _happened(case: Case, trigger: str) -> bool:
    """Whether ``trigger`` was ever fired on the case (a transfer may have undone its state)."""
    action = f"case.{trigger}"
    return bool(
        db.session.scalar(
            select(exists().where(AuditEvent.case_id == case.id, AuditEvent.action == action))
        )
    )


def _issued(case: Case, kind: DocumentKind) -> bool:
    return bool(
        db.session.scalar(
            select(exists().where(CaseDocument.case_id == case.id, CaseDocument.kind == kind))
        )
    )


def _served(case: Case, kind: DocumentKind) -> bool:
    """Issued, and its current version served on every party it binds (the proof of service
    goes into the case file)."""
    current = db.session.scalar(
        select(CaseDocument.id).where(
            CaseDocument.case_id == case.id,
            CaseDocument.kind == kind,
            CaseDocument.superseded_at.is_(None),
        )
    )
    if current is None:
        return False
    return not db.session.scalar(
        select(
            exists().where(
                DocumentService.document_id == current, DocumentService.served_at.is_(None)
            )
        )
    )


def archive_facts(case: Case) -> dict[str, bool]:
    """The archive checklist, from what the case holds (DESIGN.md §3)."""
    minutes = not _happened(case, "mediate") or any(s.minutes.strip() for s in case.sessions)
    needed = _CLOSING_DOCUMENT.get(Outcome(case.outcome)) if case.outcome else None
    closing = needed is None or _served(case, needed)
    folder = evidence_root()
    evidence = all(Path(folder, item.stored_name).is_file() for item in case.evidence)
    return {
        # The case file opens with these (documents.case_file): what was asked, and the notice
        # that the organisation took it on (a case declined from the start has none).
        "application_on_file": _issued(case, DocumentKind.application),
        "acceptance_notice_on_file": not _happened(case, "accept")
        or _issued(case, DocumentKind.acceptance_notice),
        "minutes_on_file": minutes,
        "closing_document_served": closing,
        "evidence_on_file": evidence,
    }


def _archive_checklist(case: Case) -> list[tuple[Any, bool]]:
    return [(ARCHIVE_ITEMS[item], done) for item, done in archive_facts(case).items()]


def _staff(user: User, case: Case) -> bool:
    return policy.is_case_staff(user, case)


def _mediator(user: User, case: Case) -> bool:
    return policy.is_case_mediator(user, case)


def _settle_facts(case: Case, change: Change) -> dict[str, Any]:
    agreement = case.agreement
    return {
        "has_agreement": agreement is not None,
        "applicant_signed": bool(agreement and agreement.applicant_signed_current),
        "respondent_signed": bool(agreement and agreement.respondent_signed_current),
    }


def _settle_problems(case: Case, body: Body) -> dict[str, list]:
    agreement = case.agreement
    if agreement and agreement.paper_scan_missing:
        return {"paper_scan": [_l("Upload the scan of the agreement signed on paper first.")]}
    return {}


def _reason_fact(case: Case, change: Change) -> dict[str, Any]:
    return {"reason": change.body.reason}


_T = CaseTrigger

_DECLARED = (
    CaseAction(
        _T.accept,
        title=_l("Accept the case"),
        event_title=_l("Accepted"),
        may=_staff,
        body=AcceptBody,
        facts=_accept_facts,
        check=_accept_problems,
        effect=_accepted,
        details=_consent_details,
        choices={"consent_via": _consent_choices},
        notify=_tell_parties("accepted"),
        document=DocumentKind.acceptance_notice,
    ),
    CaseAction(
        _T.decline,
        title=_l("Do not accept"),
        event_title=_l("Not accepted"),
        may=_staff,
        body=ReasonBody,
        facts=_reason_fact,
        effect=_closed,
        notify=lambda case, change: notify(
            [applicant_of(case)], "declined", case, reason=_reason(case, change)
        ),
        document=DocumentKind.decline_notice,
        warning=True,
    ),
    CaseAction(
        _T.mediate,
        title=_l("Start mediation"),
        event_title=_l("Mediation started"),
        may=_mediator,
        effect=_mediation_started,
        notify=_tell_parties("mediating"),
    ),
    CaseAction(
        _T.extend,
        title=_l("Extend the mediation period"),
        event_title=_l("Mediation period extended"),
        # The party whose consent completed the proposal, or the mediator recording consent
        # on paper (cases.extension); the route is the proposal, never this trigger directly.
        may=lambda user, case: _mediator(user, case) or policy.is_party(user, case),
        direct=False,
        body=ExtendBody,
        facts=lambda case, change: {
            "days": change.body.days,
            "applicant_consent": change.body.applicant_consent,
            "respondent_consent": change.body.respondent_consent,
        },
        effect=_extended,
        notify=_tell_parties("extended", days=lambda case, change: case.extension_days),
    ),
    CaseAction(
        _T.settle,
        title=_l("Close as settled"),
        event_title=_l("Settled by agreement"),
        may=_mediator,
        facts=_settle_facts,
        check=_settle_problems,
        effect=_closed,
        notify=_tell_parties("settled"),
        document=DocumentKind.agreement,
    ),
    CaseAction(
        _T.fail,
        title=_l("Close as failed"),
        event_title=_l("Mediation failed"),
        may=_mediator,
        body=ReasonBody,
        facts=_reason_fact,
        effect=_closed,
        notify=_tell_parties(
            "failed",
            arbitration_from=lambda case, change: local_today().isoformat(),
            commission=lambda case, change: arbitration_commission(case),
        ),
        document=DocumentKind.termination_notice,
        warning=True,
    ),
    CaseAction(
        _T.escalate,
        # Up a tier, to the district centre, or after a decline to any that serves the employer.
        title=_l("Transfer to another organisation"),
        event_title=_l("Transferred to another organisation"),
        may=lambda user, case: _staff(user, case) or policy.applicant_may_transfer(user, case),
        body=EscalateBody,
        check=_transfer_problems,
        target=_transfer_target,
        facts=_transfer_facts,
        effect=_transferred,
        notify=_tell_transfer,
        choices={"organization_id": _transfer_choices},
        field_of={"to_tier": "organization_id"},
    ),
    CaseAction(
        _T.return_,
        title=_l("Return to the sending organisation"),
        event_title=_l("Returned to the sending organisation"),
        may=_staff,
        body=ReasonBody,
        facts=_reason_fact,
        effect=_returned,
        notify=_tell_return,
    ),
    CaseAction(
        _T.withdraw,
        title=_l("Withdraw the application"),
        event_title=_l("Withdrawn by the applicant"),
        may=policy.withdraws_for_applicant,
        body=ReasonBody,
        facts=_reason_fact,
        effect=_closed,
        notify=_tell_withdrawal,
        warning=True,
    ),
    CaseAction(
        _T.archive,
        title=_l("Archive the file"),
        event_title=_l("Archived"),
        may=_staff,
        facts=lambda case, change: archive_facts(case),
        effect=_archived,
        notify=lambda case, change: notify([applicant_of(case)], "archived", case),
        checklist=_archive_checklist,
        document=DocumentKind.case_file,
    ),
)

# Public name → declaration, in the workflow's order. ``apply`` is filing, not a trigger fired
# on an existing case: it has its own form and endpoint (cases.filing).
CASE_ACTIONS: Mapping[str, CaseAction] = MappingProxyType(
    {action.name: action for action in _DECLARED}
)
TRANSFER_TRIGGERS = (_T.escalate, _T.return_)
if set(CASE_ACTIONS) != {t.value for t in CaseTrigger} - {_T.apply.value}:
    raise TypeError("every case trigger but apply needs exactly one CaseAction")
if set(ARCHIVE_ITEMS) != set(ARCHIVE_CHECKLIST):
    raise TypeError("every item of the workflow's archive checklist needs its words")


def action_for(trigger: str) -> CaseAction | None:
    return CASE_ACTIONS.get(trigger)


def direct_actions() -> list[CaseAction]:
    """The triggers people fire themselves: the page's forms, the API's trigger route."""
    return [action for action in CASE_ACTIONS.values() if action.direct]


def available(user: User, case: Case) -> list[CaseAction]:
    """The triggers ``user`` may fire on ``case`` now: the page's buttons, the API's list."""
    possible = {t.value for t in CaseWorkflow(case).available_triggers()}
    return [
        a for a in CASE_ACTIONS.values() if a.direct and a.name in possible and a.may(user, case)
    ]


def hop_details(case: Case, trigger: CaseTrigger) -> dict[str, Any]:
    """For a transfer or a return: where the case went, for the path shown across tiers."""
    if trigger not in TRANSFER_TRIGGERS:
        return {}
    return {"to_organization": case.organization.name, "to_organization_id": case.organization_id}


def event_title(action: str) -> Any:
    """The timeline's words for an audit action: a trigger's from its declaration."""
    if action.startswith("case.referral_"):
        declared = REFERRAL_ACTIONS.get(action.removeprefix("case.referral_"))
    else:
        declared = CASE_ACTIONS.get(action.removeprefix("case."))
    return declared.event_title if declared else EVENT_TITLES.get(action, action)
