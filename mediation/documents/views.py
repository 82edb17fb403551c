"""Printable pages and PDFs of a case's documents, their service on the parties, and the public
check of a code."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from mediation import policy
from mediation.cases.loading import load_case
from mediation.cases.page import render_page
from mediation.documents import records, service
from mediation.documents.builders import build_proof_of_service
from mediation.documents.forms import CheckFileForm, CorrectionForm, OtherServiceForm
from mediation.documents.issuing import correct_document, find_by_code
from mediation.documents.pdf import render_pdf
from mediation.extensions import db
from mediation.i18n import human_date
from mediation.models import Case, CaseDocument
from mediation.policy import Act
from mediation.translation import gettext as _
from mediation.uploads import MEBIBYTE, pdf_response


def load_document(case_id: int, document_id: int) -> tuple[Case, CaseDocument]:
    """The case (404 unless visible) and its document (404 when it is another case's): the
    pages' and the API's one loader."""
    case = load_case(case_id)
    document = db.session.scalar(
        select(CaseDocument).where(CaseDocument.id == document_id, CaseDocument.case_id == case.id)
    )
    if document is None:
        abort(404)
    return case, document


def back_to_case() -> str:
    """Where a refused action returns: the documents of the case page it was taken on."""
    return url_for("cases.show", case_id=request.view_args["case_id"], _anchor="documents")


def printable(case_id: int, document_id: int):
    case, document = load_document(case_id, document_id)
    service.record_opening(case, document, current_user)
    return render_template(
        "documents/printable.html",
        case=case,
        document=records.printed(case, document),
        facts=records.facts(document),
        pdf_url=url_for("documents.pdf", case_id=case.id, document_id=document.id),
    )


def pdf(case_id: int, document_id: int):
    case, document = load_document(case_id, document_id)
    if records.erased(case, document):
        abort(410)
    service.record_opening(case, document, current_user)
    stored = records.stored_pdf(case, document)
    version = f"-v{document.version}" if document.version > 1 else ""
    return pdf_response(stored.pdf, f"{case.number}-{document.kind.value}{version}.pdf")


def correct(case_id: int, document_id: int):
    case, document = load_document(case_id, document_id)
    policy.require_act(current_user, case, Act.correct_document)
    form = CorrectionForm.for_document(document.id)
    if not form.validate_on_submit():
        return render_page(case, {"correction": (document.id, form)}), 422
    corrected = correct_document(case, document, actor=current_user, reason=form.reason.data)
    flash(
        _("Version %(version)d was issued and served on the parties.", version=corrected.version),
        "success",
    )
    return redirect(back_to_case())


def record_service(case_id: int, document_id: int):
    case, document = load_document(case_id, document_id)
    policy.require_act(current_user, case, Act.record_service)
    waiting = service.unserved_parties(service.services_of(document))
    if not waiting:
        flash(_("This document has already been served on every party."), "error")
        return redirect(back_to_case())
    form = OtherServiceForm.for_document(document.id, waiting)
    if not form.validate_on_submit():
        return render_page(case, {"service": (document.id, form)}), 422
    service.record_other_service(
        case,
        document,
        party=form.chosen_party,
        method=form.chosen_method,
        note=form.note.data,
        actor=current_user,
    )
    flash(_("The service was recorded."), "success")
    return redirect(back_to_case())


def _proof(case_id: int, document_id: int):
    case, document = load_document(case_id, document_id)
    return case, document, build_proof_of_service(case, document, service.services_of(document))


def proof_of_service(case_id: int, document_id: int):
    case, document, proof = _proof(case_id, document_id)
    return render_template(
        "documents/printable.html",
        case=case,
        document=proof,
        facts=records.facts(document),
        pdf_url=url_for("documents.proof_of_service_pdf", case_id=case.id, document_id=document.id),
    )


def proof_of_service_pdf(case_id: int, document_id: int):
    case, document, proof = _proof(case_id, document_id)
    return pdf_response(render_pdf(proof), f"{case.number}-{document.kind.value}-service.pdf")


def verify():
    """The public check of a code, and of a PDF against the one issued with it."""
    code = (request.args.get("code") or "").strip()[:30]
    document = find_by_code(code) if code else None
    form = CheckFileForm() if document else None
    checked = None
    if form is not None and request.method == "POST":
        checked = _check_file(form, document)
    return render_template(
        "documents/verify.html",
        code=code,
        facts=records.facts(document) if document else None,
        form=form,
        checked=checked,
        human_date=human_date,
    ), (422 if form is not None and form.errors else 200)


def _check_file(form: CheckFileForm, document: CaseDocument) -> str | None:
    """ "same" or "different" for the file sent; None (and the field's message) when it cannot
    be checked. An oversized file is refused by its declared length before it is read."""
    if (request.content_length or 0) > records.LARGEST_CHECKED_PDF + MEBIBYTE:
        form.file.errors = [_too_large()]
        return None
    if not form.validate_on_submit():
        return None
    body = form.file.data.read(records.LARGEST_CHECKED_PDF + 1)
    if len(body) > records.LARGEST_CHECKED_PDF:
        form.file.errors = [_too_large()]
        return None
    if not body.startswith(b"%PDF-"):
        form.file.errors = [
            _("This file is not a PDF. Choose the PDF file of the document you were given.")
        ]
        return None
    return "same" if records.matching_file(document, body) else "different"


def _too_large() -> str:
    return _(
        "This file is larger than %(limit)d MB: no document issued here is that large. Choose "
        "the PDF file of the document you were given.",
        limit=records.LARGEST_CHECKED_PDF // MEBIBYTE,
    )
