"""API v1 for a case's issued documents: the list with their service, and each one's PDF.

A party opening a PDF here is served with it, as on the pages (documents.service): the mobile
app's reader is the party. The PDF is the stored file, byte for byte the one /verify checks.
"""

from flask import abort, url_for
from flask_login import current_user
from sqlalchemy import select

from mediation.api import serialise
from mediation.api.openapi import operation
from mediation.api.schemas import DocumentList, DocumentRecord, DocumentServiceRecord
from mediation.cases.loading import load_case
from mediation.documents import records, service
from mediation.documents.issuers import document_title, issuers
from mediation.documents.views import load_document
from mediation.extensions import db
from mediation.models import CaseDocument
from mediation.uploads import pdf_response


@operation(
    "The case's issued documents and their service on the parties",
    answers={200: DocumentList},
    errors=(404,),
)
def list_documents(case_id: int):
    case = load_case(case_id)
    documents = db.session.scalars(
        select(CaseDocument).where(CaseDocument.case_id == case.id).order_by(CaseDocument.id)
    ).all()
    services = service.case_services(case)
    issued_by = issuers(case, documents)
    items = [
        DocumentRecord(
            id=document.id,
            kind=document.kind.value,
            title=document_title(document, issued_by[document.id]),
            version=document.version,
            issued_at=document.issued_at,
            verification_code=document.verification_code,
            content_sha256=document.content_sha256,
            superseded_at=document.superseded_at,
            pdf=url_for("api.document_pdf", case_id=case.id, document_id=document.id),
            services=[
                DocumentServiceRecord(
                    party=row.party.value,
                    notified_at=row.notified_at,
                    served_at=row.served_at,
                    method=row.method.value if row.method else None,
                )
                for row in services.get(document.id, [])
            ],
        )
        for document in documents
    ]
    return serialise.answer(DocumentList(items=items))


@operation(
    "The document's PDF in the caller's language (Accept-Language), as issued; a party "
    "opening it is served with it; 410 once the case's personal data was erased",
    answers={200: None},
    file="application/pdf",
    errors=(404, 410),
)
def document_pdf(case_id: int, document_id: int):
    case, document = load_document(case_id, document_id)
    if records.erased(case, document):
        abort(410)
    service.record_opening(case, document, current_user)
    stored = records.stored_pdf(case, document)
    return pdf_response(stored.pdf, f"{case.number}-{document.kind.value}.pdf")
