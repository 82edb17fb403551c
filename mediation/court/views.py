"""The court liaison's desk: transfers into pre-litigation mediation, with their packet, and
agreements both parties asked the court to confirm."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import Select, case, select
from sqlalchemy.orm import joinedload

from mediation import policy
from mediation.cases import forms
from mediation.cases.loading import load_case
from mediation.cases.page import page_context
from mediation.court import confirmations, dates
from mediation.extensions import db
from mediation.models import Case, ConfirmationStatus, JudicialConfirmation, User
from mediation.policy import Act
from mediation.translation import gettext as _
from workflows.case import CaseState


def transfers_to_review(user: User) -> Select:
    """The court's desk: cases transferred in and not yet accepted or returned, the nearest
    decision first (this page and the liaison's home page)."""
    return (
        select(Case)
        .where(
            Case.organization_id == user.organization_id,
            Case.state == CaseState.applied,
            Case.transferred_from_tier.is_not(None),
        )
        .order_by(Case.acceptance_deadline, Case.id)
    )


def confirmation_requests(user: User) -> Select:
    """Agreements both parties asked this court to confirm, not yet decided, the nearest
    decision first: it is due a fixed time after the second party asked (``dates``)."""
    applicant = JudicialConfirmation.applicant_requested_at
    respondent = JudicialConfirmation.respondent_requested_at
    second_asked = case((applicant >= respondent, applicant), else_=respondent)
    return (
        select(JudicialConfirmation)
        .where(
            JudicialConfirmation.court_id == user.organization_id,
            JudicialConfirmation.status == ConfirmationStatus.requested,
        )
        .order_by(second_asked, JudicialConfirmation.id)
    )


def queue():
    transfers = db.session.scalars(
        transfers_to_review(current_user).options(
            joinedload(Case.employer), joinedload(Case.transferred_from_organization)
        )
    ).all()
    requests = db.session.scalars(
        confirmation_requests(current_user).options(
            joinedload(JudicialConfirmation.case).joinedload(Case.organization)
        )
    ).all()
    return render_template(
        "court/queue.html",
        transfers=transfers,
        requests=requests,
        decide_by=dates.decision_due,
    )


def _court_page(case: Case, bound: dict | None = None):
    """The confirmation screen when this court was asked to confirm the case's agreement (the
    case was settled: no transfer for the court to take, whoever mediated it); otherwise the
    transfer packet."""
    if policy.is_confirmation_court(current_user, case):
        context = page_context(case, bound)
        context["decision_due"] = dates.decision_due(case.confirmation)
        return render_template("court/confirmation.html", **context)
    return render_template("court/packet.html", **page_context(case, bound))


def packet(case_id: int):
    """Everything the court needs to decide on a transfer or a confirmation, on one page."""
    return _court_page(load_case(case_id))


def decide(case_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.decide_confirmation)
    form = forms.ConfirmationDecisionForm()
    if not form.validate_on_submit():
        return _court_page(case, {"decision": form}), 422
    confirmations.decide_confirmation(
        case,
        actor=current_user,
        confirm=form.decision.data == "confirm",
        reason=form.reason.data or "",
    )
    flash(_("The decision was recorded and both parties are told."), "success")
    return redirect(url_for("court.queue"))


def invalid_decision(errors: dict[str, list]):
    """The packet again with the decision as sent, each problem beside its field."""
    case = load_case(request.view_args["case_id"])
    form = forms.ConfirmationDecisionForm()
    for name, messages in errors.items():
        if name in form._fields:
            form._fields[name].errors = list(messages)
    return _court_page(case, {"decision": form}), 422
