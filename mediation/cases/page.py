"""What the case page shows a given person: tracker, deadline, next step, actions, timeline."""

from dataclasses import dataclass
from datetime import date

from flask import render_template
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from mediation import policy
from mediation.cases import agreements, conversation, forms, page_store, payment, ratings
from mediation.cases.advice import arbitration_advice, limitation_sentences
from mediation.cases.loading import case_evidence, load_case
from mediation.cases.session_page import (
    extension_section,
    sessions_section,
    suspension_section,
)
from mediation.cases.triggers import CaseAction, available
from mediation.cases.waiting import waiting_for
from mediation.core import clocks
from mediation.core.calendar import work_calendar
from mediation.core.schema_forms import SchemaForm
from mediation.court.dates import agreement_effective_on, confirmation_deadline
from mediation.documents.section import deliveries, documents_section
from mediation.extensions import db
from mediation.handoff.section import handoff_section
from mediation.i18n import human_date, in_reader_language
from mediation.legal_aid.operations import legal_aid_section
from mediation.localtime import local_today
from mediation.models import AuditEvent, Case, ConsentChannel, Employer, Region, User
from mediation.policy import Act
from mediation.referrals import triggers as referral_triggers
from mediation.team.section import assign_section
from mediation.translation import lazy_gettext as _l
from workflows import deadlines
from workflows.case import OPEN_STATES, CaseState, Outcome, Tier

# Loaded with the case for its page: the employer's district, which the page names for the
# arbitration commission, the legal-aid station and the court of a payment order (each asks
# ``case.employer.region.district``), in the case's own query instead of two more.
PAGE_LOADS = (joinedload(Case.employer).joinedload(Employer.region).joinedload(Region.parent),)

STEPS = (
    (CaseState.applied, _l("Apply")),
    (CaseState.accepted, _l("Accept")),
    (CaseState.mediating, _l("Mediate")),
    (CaseState.closed, _l("Close")),
    (CaseState.archived, _l("Archive")),
)

# Why the case came here; the applicant's own choice is said to the applicant as "you"
# (ROUTING_CHOSEN_BY_WORKER).
ROUTING_REASONS = {
    "chosen_enterprise": _l("the applicant chose the enterprise's own mediation committee"),
    "chosen_union": _l("the applicant chose trade-union mediation"),
    "chosen_court": _l("the applicant chose the court's pre-litigation mediation"),
    "collective": _l("ten or more workers share the claim, so the district centre handles it"),
    "high_amount": _l("the amount claimed is high, so the district centre handles it"),
    "employer_street": _l(
        "it is the centre of the street or town where the employer is registered"
    ),
    "fallback": _l("no other organisation could take it, so the district centre handles it"),
}

ROUTING_CHOSEN_BY_WORKER = {
    "chosen_enterprise": _l("you chose the enterprise's own mediation committee"),
    "chosen_union": _l("you chose trade-union mediation"),
    "chosen_court": _l("you chose the court's pre-litigation mediation"),
}

NEXT_STEP = {
    CaseState.applied: _l(
        "The organisation decides whether to accept the case by %(date)s. It will contact the "
        "employer to ask whether it agrees to mediation."
    ),
    CaseState.accepted: _l("A mediator will contact both sides to arrange mediation."),
    CaseState.mediating: _l("The mediator works with you and the employer towards an agreement."),
    CaseState.closed: _l("The case is closed. The organisation completes and archives the file."),
    CaseState.archived: _l("The file is archived and can no longer be changed."),
}


@dataclass(frozen=True)
class Step:
    title: str
    status: str  # done, current, todo


def tracker(case: Case) -> list[Step]:
    """The steps at the organisation that holds the case now."""
    order = [state for state, _ in STEPS]
    current = order.index(CaseState(case.state))
    return [
        Step(title, "done" if i < current else "current" if i == current else "todo")
        for i, (_, title) in enumerate(STEPS)
    ]


DEADLINE_LABELS = {
    "acceptance": _l("Decision on acceptance due"),
    "mediation": _l("Mediation period ends"),
}

# Where each deadline comes from (checked against the texts; DESIGN.md §5 is a summary).
DEADLINE_BASIS = {
    "acceptance": _l("3 working days from receipt (企业劳动争议协商调解规定 第二十二条)"),
    Tier.enterprise: _l("15 days from acceptance (人社部令第17号 第二十九条)"),
    Tier.union: _l("15 days from receipt (劳动争议调解仲裁法 第十四条)"),
    Tier.hr_bureau: _l("15 days from receipt (劳动争议调解仲裁法 第十四条)"),
    Tier.court: _l("30 days from receipt, by the court's rules on pre-litigation mediation"),
}


@dataclass(frozen=True)
class Deadline:
    label: str
    due: date
    working_days_left: int
    overdue: bool
    provisional: bool  # a year in the span has no holiday schedule: statutory holidays only
    basis: str
    original_due: date | None = None  # the mediation period's end before the extension
    extension_days: int | None = None


def current_deadline(case: Case) -> Deadline | None:
    due = case.current_deadline
    if due is None:
        return None
    clock = case.current_clock
    today = local_today()
    extended = clock == "mediation" and bool(case.extension_days)
    return Deadline(
        label=DEADLINE_LABELS[clock],
        due=due,
        working_days_left=deadlines.working_days_between(today, due, calendar=work_calendar()),
        overdue=today > due,
        provisional=clocks.deadline_is_provisional(case, due),
        basis=DEADLINE_BASIS["acceptance" if clock == "acceptance" else Tier(case.tier)],
        original_due=clocks.mediation_due(case, with_extension=False) if extended else None,
        extension_days=case.extension_days if extended else None,
    )


@dataclass(frozen=True)
class ArbitrationDate:
    """From when the worker may apply for arbitration without an agreement (第十四条)."""

    received: date
    available_from: date
    open_now: bool
    provisional: bool
    transferred: bool  # the case moved to another organisation; the date did not


def arbitration_date(case: Case) -> ArbitrationDate | None:
    """Shown on every open case, before and after the day."""
    if case.state not in OPEN_STATES:
        return None
    available_from = clocks.arbitration_available_from(case)
    return ArbitrationDate(
        received=clocks.received_on(case),
        available_from=available_from,
        open_now=local_today() >= available_from,
        provisional=clocks.arbitration_date_is_provisional(case),
        transferred=case.transferred_from_organization_id is not None
        or case.transferred_from_tier is not None,
    )


def confirmation_provisional(case: Case, due: date | None) -> bool:
    return due is not None and clocks.is_provisional(agreement_effective_on(case), due)


def next_step(case: Case) -> str:
    due = case.current_deadline
    return str(NEXT_STEP[CaseState(case.state)]) % {"date": human_date(due) if due else ""}


def action_forms(
    case: Case, user: User, sent: tuple[str, dict, dict] | None = None
) -> list[tuple[CaseAction, SchemaForm]]:
    """A form for every trigger this user may fire on this case now; ``sent`` is the trigger,
    the form data and the problems of a submission to show again."""
    forms_shown = []
    for action in available(user, case):
        data, errors = (sent[1], sent[2]) if sent and sent[0] == action.name else ({}, {})
        choices = {name: options(case) for name, options in action.choices.items()}
        form = SchemaForm(
            action.body, prefix=action.name, sent=data, errors=errors, choices=choices
        )
        forms_shown.append((action, form))
    return forms_shown


def timeline(case: Case, user: User) -> list[AuditEvent]:
    query = (
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor), joinedload(AuditEvent.organization))
        .where(AuditEvent.case_id == case.id)
        .order_by(AuditEvent.occurred_at, AuditEvent.id)
    )
    if not user.is_staff:
        # Parties see what happened to the case, not which staff looked at their ID number.
        query = query.where(AuditEvent.action != "case.identity_viewed")
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class Hop:
    """One step of the case's path across organisations."""

    on: object  # datetime
    organization: str
    tier: str
    kind: str  # filed, transferred, returned
    reason: str | None


def tier_path(events: list[AuditEvent]) -> list[Hop]:
    """Where the case has been: filed at one organisation, then each transfer and return."""
    hops = []
    for event in events:
        if event.action == "case.apply":
            hops.append(Hop(event.occurred_at, event.organization.name, event.tier, "filed", None))
        elif event.action in ("case.escalate", "case.return") and event.details:
            kind = "transferred" if event.action == "case.escalate" else "returned"
            hops.append(
                Hop(
                    event.occurred_at,
                    event.details["to_organization"],
                    event.tier,
                    kind,
                    event.note,
                )
            )
    return hops


@dataclass(frozen=True)
class Stage:
    """The case's time at one organisation, for the tracker across tiers: for an earlier one,
    how and when it left (the next hop's kind: transferred or returned)."""

    organization: str
    tier: str
    left: str | None  # None: the case is here now
    left_on: object | None  # datetime


def tier_stages(path: list[Hop]) -> list[Stage]:
    """One stage per organisation the case went through, in order; the last is where it is."""
    return [
        Stage(
            organization=hop.organization,
            tier=hop.tier,
            left=path[i + 1].kind if i + 1 < len(path) else None,
            left_on=path[i + 1].on if i + 1 < len(path) else None,
        )
        for i, hop in enumerate(path)
    ]


def agreement_section(case: Case, user: User, bound: dict) -> dict:
    """The agreement's versions, what the current one changed, its forms; and after settling,
    whether it was paid and what the worker can do if not."""
    kept = agreements.versions(case) if case.agreement else []
    sign_form = bound.get("agreement_sign") or forms.SignForm(formdata=None)
    return {
        "agreement_versions": kept,
        "agreement_changes": agreements.latest_changes(kept),
        "sign_form": sign_form,
        "paper_signatures_form": bound.get("agreement_paper")
        or forms.PaperSignaturesForm(formdata=None),
        "payment_standing": payment.standing(case, local_today()),
        "payment_reports": payment.reports(case) if case.agreement else [],
        "payment_form": bound.get("agreement_payment") or forms.PaymentForm(formdata=None),
        "scan_missing": bool(case.agreement and case.agreement.paper_scan_missing),
    }


def conversation_panels(
    case: Case, user: User, bound: dict | None = None
) -> list[tuple[conversation.ChannelView, forms.MessageForm]]:
    """Each channel ``user`` may use, with its form (as sent, after a problem); showing them
    marks them read (the view keeps which messages were new before)."""
    views = conversation.conversation(case, user)
    conversation.mark_read(user, case, views)
    return [
        (
            view,
            (bound or {}).get(f"message-{view.channel}")
            or forms.MessageForm(formdata=None, prefix=view.channel.value),
        )
        for view in views
    ]


def routing_reason(case: Case, to_worker: bool) -> str:
    """Why the case came here: a built-in rule's words, or an administrator's rule by name."""
    if to_worker and case.routing_reason in ROUTING_CHOSEN_BY_WORKER:
        return ROUTING_CHOSEN_BY_WORKER[case.routing_reason]
    if case.routing_reason in ROUTING_REASONS:
        return ROUTING_REASONS[case.routing_reason]
    return in_reader_language(case.routing_reason, case.routing_reason_en)


def render_page(case: Case, bound: dict | None = None, sent: tuple | None = None) -> str:
    """The case page with the forms of a submission as sent (``bound``: forms by name;
    ``sent``: a trigger's name, data and problems), each problem beside its field."""
    return _in_layout(case, _body(case, bound, sent))


def view_page(case: Case) -> str:
    """The case page as opened, for ``case`` loaded without its parts (``load_case(…,
    parts=False)``): a party's page is kept rendered while the case does not change; when it
    is rendered, the parts are loaded then."""
    user = current_user._get_current_object()
    render = lambda: _body(load_case(case.id, *PAGE_LOADS))  # noqa: E731
    return _in_layout(case, page_store.kept_body(case, user, render))


def _body(case: Case, bound: dict | None = None, sent: tuple | None = None) -> str:
    return render_template("cases/_page.html", **page_context(case, bound, sent))


def _in_layout(case: Case, body: str) -> str:
    return render_template("cases/show.html", case=case, body=Markup(body))


def page_context(case: Case, bound: dict | None = None, sent: tuple | None = None) -> dict:
    # The signed-in user, once: each use of the proxy looks it up again (about 120 a page).
    user = current_user._get_current_object()
    events = timeline(case, user)
    path = tier_path(events)
    confirmation_due = confirmation_deadline(case)
    # Texts about the worker's rights say "you" to the worker and "the worker" to anyone else.
    to_worker = policy.is_applicant(user, case)
    return {
        "case": case,
        # What the person may do besides the triggers; a misspelt act fails loudly.
        "may": lambda act: policy.may_act(user, case, act),
        "to_worker": to_worker,
        "waiting": waiting_for(user, case),
        "steps": tracker(case),
        "stages": tier_stages(path),
        "deadline": current_deadline(case),
        "next_step": next_step(case),
        "routing_reason": routing_reason(case, to_worker),
        "actions": action_forms(case, user, sent),
        "events": events,
        "path": path,
        "arbitration": arbitration_advice(case),
        "arbitration_date": arbitration_date(case),
        # While the case is open the worker sees the time limit too (第二十七条).
        "limitation": limitation_shown(case),
        "limitation_sentences": limitation_sentences,
        "confirmation_due": confirmation_due,
        "confirmation_provisional": confirmation_provisional(case, confirmation_due),
        "referral_may": lambda act: (
            bool(case.referral) and policy.may_referral_act(user, case.referral, act)
        ),
        "referral_actions": referral_triggers.forms_for(user, case.referral)
        if case.referral
        else [],
        # Each document with its service per party (and a form to record it otherwise).
        "documents": documents_section(case, user, bound),
        "deliveries": deliveries(case, user),
        "evidence": case_evidence(case),
        "conversation": conversation_panels(case, user, bound),
        **sessions_section(case, user, bound),
        **extension_section(case, user, bound),
        **suspension_section(case, user, bound),
        **legal_aid_section(case, user, bound),
        "consent_titles": {channel.value: channel.title for channel in ConsentChannel},
        "agreement_form": (bound or {}).get("agreement") or _agreement_form(case),
        "respond_form": (bound or {}).get("respond") or forms.RespondForm(formdata=None),
        "hand_back_form": (bound or {}).get("hand_back")
        or forms.HandBackForm(formdata=None, prefix="hand-back"),
        **assign_section(case, user, bound),  # a lead mediator's (mediation.team)
        "uscc_form": (bound or {}).get("uscc") or forms.UsccForm(formdata=None),
        "evidence_form": (bound or {}).get("evidence") or forms.EvidenceForm(formdata=None),
        "button_form": forms.ButtonForm(formdata=None),
        "rating_form": (bound or {}).get("rating") or forms.RatingForm(formdata=None),
        "my_party": ratings.party_of(user, case),
        "my_rating": _my_rating(case, user),
        "rating_offered_from": ratings.offered_from(case),
        "rating_offered": ratings.offered(case),
        **agreement_section(case, user, bound or {}),
        # The applications for arbitration and a payment order (mediation.handoff).
        **handoff_section(case, user, bound),
        "decision_form": (bound or {}).get("decision")
        or forms.ConfirmationDecisionForm(formdata=None),
    }


def limitation_shown(case: Case) -> clocks.Limitation | None:
    """The time limit for arbitration shown with where the case is: while it is open (once
    mediation failed or the 15 days ran out, the arbitration panel shows it instead; after a
    settlement, the payment panel). A withdrawn case shows it once staff recorded a suspension,
    which the worker was told of and looks for here."""
    if case.state in OPEN_STATES:
        return clocks.limitation(case)
    if case.outcome == Outcome.withdrawn and clocks.suspensions_of(case):
        return clocks.limitation(case)
    return None


def _my_rating(case: Case, user: User):
    """The party's rating, read only where the page shows the rating panel: on an open
    case there is none to read."""
    if not policy.may_act(user, case, Act.rate):
        return None
    return ratings.rating_of(case, ratings.party_of(user, case))


def _agreement_form(case: Case) -> forms.AgreementForm:
    form = forms.AgreementForm(formdata=None, obj=case.agreement)
    if case.agreement:
        form.amount.data = str(case.agreement.amount)
    return form
