"""The agreement and its payment on the case page: draft a version, sign it with the password,
record signatures on paper with the scan, report whether it was paid, and download the scan
and the proofs. Each view: load (404 unless visible), check the policy (403), validate, call
one operation, redirect; refusals are answered by the blueprint's handlers."""

from flask import abort, flash, redirect, url_for
from flask_login import current_user

from mediation import policy
from mediation.cases import agreements, forms, payment
from mediation.cases.loading import load_case
from mediation.cases.page import render_page
from mediation.core import audit
from mediation.models import Case, Payment
from mediation.policy import Act
from mediation.translation import gettext as _
from mediation.uploads import UploadRejected, attachment_response, evidence_root, store_upload


def _page(case: Case, bound: dict, status: int = 422):
    return render_page(case, bound), status


def _back(case: Case, anchor: str):
    return redirect(url_for("cases.show", case_id=case.id, _anchor=anchor))


def _stored(form_field):
    """The field's upload stored and checked like evidence, None when no file was chosen, or
    the problem beside the field (then False)."""
    upload = form_field.data
    if not getattr(upload, "filename", None):
        return None
    try:
        return store_upload(upload, evidence_root())
    except UploadRejected as error:
        form_field.errors = [*form_field.errors, error.message]
        return False


def draft_agreement(case_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.draft_agreement)
    form = forms.AgreementForm()
    if not form.validate_on_submit():
        return _page(case, {"agreement": form})
    agreement = agreements.draft_agreement(
        case,
        actor=current_user,
        terms=form.terms.data,
        amount=form.amount.amount,
        due_date=form.due_date.data,
    )
    flash(
        _(
            "Version %(version)d of the agreement is ready for both parties to sign.",
            version=agreement.version,
        ),
        "success",
    )
    return _back(case, "agreement")


def _with_problems(form, problems: dict) -> bool:
    """Put an operation's problems beside the form's fields; True when there were any."""
    for name, messages in problems.items():
        getattr(form, name).errors = [*getattr(form, name).errors, *messages]
    return bool(problems)


def sign_agreement(case_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.sign)
    form = forms.SignForm()
    signature = {
        "actor": current_user,
        "version": form.version_number(),
        "password": form.password.data or "",
    }
    if not form.validate_on_submit() or _with_problems(
        form, agreements.sign_problems(case, **signature)
    ):
        return _page(case, {"agreement_sign": form})
    agreements.sign(case, **signature)
    flash(
        _("You signed version %(version)d of the agreement.", version=case.agreement.version),
        "success",
    )
    return _back(case, "agreement")


def paper_signatures(case_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.record_paper_signatures)
    form = forms.PaperSignaturesForm()
    scan = _stored(form.scan) if form.validate_on_submit() else False
    if not scan:
        return _page(case, {"agreement_paper": form})
    agreements.record_paper_signatures(case, actor=current_user, scan=scan)
    flash(_("The signatures on paper and the scan were recorded."), "success")
    return _back(case, "agreement")


def report_payment(case_id: int):
    case = load_case(case_id)
    policy.require_act(current_user, case, Act.report_payment)
    form = forms.PaymentForm()
    answer = Payment(form.payment.data) if form.payment.data in set(Payment) else None
    if not form.validate_on_submit() or _with_problems(
        form, payment.payment_problems(case, answer, form.amount_paid.amount)
    ):
        return _page(case, {"agreement_payment": form})
    proof = _stored(form.proof)
    if proof is False:
        return _page(case, {"agreement_payment": form})
    payment.report_payment(
        case,
        actor=current_user,
        payment=answer,
        amount_paid=form.amount_paid.amount,
        note=form.note.data,
        proof=proof,
    )
    flash(_("Thank you: what you said about the payment was recorded."), "success")
    return _back(case, "payment-standing")


def agreement_scan(case_id: int):
    case = load_case(case_id)
    agreement = case.agreement
    if agreement is None or agreement.paper_scan_id is None:
        abort(404)
    scan = agreements.paper_scan(agreement)
    audit.sensitive_read("agreement_scan", actor=current_user, subject=scan, case_id=case.id)
    return attachment_response(evidence_root(), scan)


def payment_proof(case_id: int, report_id: int):
    case = load_case(case_id)
    report = payment.load_report(case, report_id)
    if report is None or report.proof is None:
        abort(404)
    audit.sensitive_read("payment_proof", actor=current_user, subject=report.proof, case_id=case.id)
    return attachment_response(evidence_root(), report.proof)
