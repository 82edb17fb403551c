"""The application pages: edit (GET/POST), the PDF, and staff's "handed to the commission".
Each view: load the case (404 unless visible), ask the policy (403), check the route is open
(a refusal goes back to the case page with the reason), validate, call one operation."""

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from mediation import policy, uploads
from mediation.cases import casework
from mediation.cases.loading import load_case
from mediation.core.schemas import parse
from mediation.documents.pdf import render_pdf
from mediation.handoff import applications, documents, operations
from mediation.handoff.content import Content
from mediation.handoff.forms import ApplicationForm
from mediation.models import Case, HandoffKind
from mediation.policy import Act
from mediation.translation import gettext as _

EDIT_ENDPOINTS = {
    HandoffKind.arbitration: "handoff.arbitration_application",
    HandoffKind.payment_order: "handoff.payment_order_application",
}
PDF_ENDPOINTS = {
    HandoffKind.arbitration: "handoff.arbitration_application_pdf",
    HandoffKind.payment_order: "handoff.payment_order_application_pdf",
}
PDF_NAMES = {
    HandoffKind.arbitration: "arbitration-application",
    HandoffKind.payment_order: "payment-order-application",
}


def back_to_case() -> str:
    """Where a refused action returns: the applications on the case page."""
    return url_for("cases.show", case_id=request.view_args["case_id"], _anchor="handoff")


def _load(case_id: int, kind: HandoffKind) -> Case:
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.prepare_handoff)
    applications.require_open(case, kind)
    return case


def _page(case: Case, kind: HandoffKind, form: ApplicationForm | None = None, status: int = 200):
    application = applications.application(case, kind)
    if form is None and not application.handed:
        form = ApplicationForm.of(application.content)
    context = {
        "case": case,
        "application": application,
        "form": form,
        "note": documents.addressee_note(application),
        "limitation_lines": documents.limitation_lines(application),
        "pdf_url": url_for(PDF_ENDPOINTS[kind], case_id=case.id),
        "action_url": url_for(EDIT_ENDPOINTS[kind], case_id=case.id),
        "to_worker": policy.is_applicant(current_user, case),
    }
    return render_template("handoff/edit.html", **context), status


def _edit(case_id: int, kind: HandoffKind):
    case = _load(case_id, kind)
    if request.method == "GET":
        return _page(case, kind)
    form = ApplicationForm()
    if not form.validate_on_submit():
        return _page(case, kind, form, 422)
    content = parse(Content, form.content(), strict=False)
    operations.save_application(case, kind, actor=current_user, content=content)
    flash(_("The application was saved. Download the PDF to print, sign and hand in."), "success")
    return redirect(url_for(EDIT_ENDPOINTS[kind], case_id=case.id))


def pdf_response(case: Case, kind: HandoffKind) -> Response:
    """The application's PDF. It carries the worker's full ID number, as their filing must:
    staff who print it for the worker are recorded as having seen it (DESIGN.md §7)."""
    if not policy.is_applicant(current_user, case):
        casework.reveal_identity(case, actor=current_user)
    body = render_pdf(documents.build(applications.application(case, kind)))
    return uploads.pdf_response(body, f"{case.number}-{PDF_NAMES[kind]}.pdf")


def _pdf(case_id: int, kind: HandoffKind):
    return pdf_response(_load(case_id, kind), kind)


def arbitration_application(case_id: int):
    return _edit(case_id, HandoffKind.arbitration)


def payment_order_application(case_id: int):
    return _edit(case_id, HandoffKind.payment_order)


def arbitration_application_pdf(case_id: int):
    return _pdf(case_id, HandoffKind.arbitration)


def payment_order_application_pdf(case_id: int):
    return _pdf(case_id, HandoffKind.payment_order)


def hand_to_arbitration(case_id: int):
    case = load_case(case_id)
    record = operations.hand_to_arbitration(case, actor=current_user)
    flash(
        _("Recorded: the application was handed to %(commission)s.", commission=record.commission),
        "success",
    )
    return redirect(url_for("cases.show", case_id=case.id, _anchor="handoff"))
