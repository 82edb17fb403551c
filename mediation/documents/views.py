"""Printable pages and PDFs of a case's documents, and the public check of a code."""

from flask import Response, abort, render_template, request
from sqlalchemy import select

from mediation.cases.loading import load_case
from mediation.documents.builders import build
from mediation.documents.issuing import find_by_code
from mediation.documents.pdf import render_pdf
from mediation.extensions import db
from mediation.models import CaseDocument


def _document(case_id: int, document_id: int):
    case = load_case(case_id)
    document = db.session.scalar(
        select(CaseDocument).where(CaseDocument.id == document_id, CaseDocument.case_id == case.id)
    )
    if document is None:
        abort(404)
    return case, document


def printable(case_id: int, document_id: int):
    case, document = _document(case_id, document_id)
    return render_template("documents/printable.html", case=case, document=build(case, document))


def pdf(case_id: int, document_id: int):
    case, document = _document(case_id, document_id)
    body = render_pdf(build(case, document))
    filename = f"{case.number}-{document.kind.value}.pdf"
    return Response(
        body,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


def verify():
    code = (request.args.get("code") or "").strip()[:30]
    document = find_by_code(code) if code else None
    return render_template("documents/verify.html", code=code, document=document)
