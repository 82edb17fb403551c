"""Issued documents as records: what a document states is frozen when it is issued, and the PDF
given out is kept byte for byte.

``keep`` is what issuing does: ``freeze`` builds the document in every language the platform
speaks, from the case as it is at issue, and stores the printed text with its SHA-256, in the
issuing transaction; the Chinese PDF, the document of record, is rendered from that text and
stored (``DocumentFile``) by a worker right after the commit (``store_pending``), or by its
first reader if sooner: the same bytes either way. From then on pages and PDFs are
made from that text, never from the case: a transfer, a new mediator or a cleared date changes
no issued document. The English PDF, a rendering for readers, is made from the same frozen text
the first time it is asked for and stored then; from then on every file is served from storage.

Documents issued before records were kept have no frozen text: they are frozen the first time
they are read, from the case as it is then (their issuer from the case's path).
"""

import dataclasses
import hashlib
import json
import logging
from functools import cache

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from mediation.documents import builders, case_file
from mediation.documents.issuers import issuers, issuing_name, reader_locale
from mediation.documents.pdf import render_pdf
from mediation.documents.printable import Document
from mediation.extensions import database_kind, db, upsert_insert
from mediation.models import Case, CaseDocument, DocumentFile, DocumentKind

log = logging.getLogger(__name__)

# Every PDF this platform issues is far smaller; the check page refuses bigger files unread.
LARGEST_CHECKED_PDF = 10 * 1024 * 1024


def _canonical(content: dict) -> bytes:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


# The language of the document of record. Documents of state bodies are in the national common
# language (国家通用语言文字法 第九条): the Chinese PDF is the one the parties are served and
# the one a court is shown; the English one translates it for the reader.
RECORD_LOCALE = "zh_CN"
# Set in a session that issued documents: after its commit a worker stores their PDFs.
PDFS_WAITING = "pdfs_waiting"


def keep(case: Case, document: CaseDocument) -> None:
    """Freeze what the newly issued ``document`` states, in the issuing transaction, and mark
    its Chinese PDF for a worker to store right after the commit (:func:`store_pending`).

    The frozen content and its hash are the record: the PDF is rendered from them alone, to the
    same bytes whenever it is rendered (``pdf.render_pdf`` is invariant), so storing it after
    the commit stores what issuing it would have. Rendering takes about 50 ms, which a filing
    or an acceptance would otherwise wait for, holding its locks; a reader who comes first
    stores it the same way. The mark survives a worker that dies: the next run does it."""
    freeze(case, document)
    document.pdf_pending = True
    db.session.info[PDFS_WAITING] = True  # a worker is nudged after the commit


def store_pending(batch: int = 50) -> int:
    """Store the Chinese PDF of every document issued and not yet stored, oldest first,
    committing after each ``batch``; returns how many. Safe at any moment from any worker: a
    file stored twice is one row, and on PostgreSQL a document another worker is on is
    skipped. A document that cannot be rendered is logged and left marked for the next run,
    without holding up the others."""
    stored, failed = 0, set()
    while documents := db.session.scalars(
        select(CaseDocument)
        .where(CaseDocument.pdf_pending, CaseDocument.id.not_in(sorted(failed)))
        .order_by(CaseDocument.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    ).all():
        for document in documents:
            try:
                with db.session.begin_nested():
                    if erased(document.case, document):  # anonymised meanwhile
                        document.pdf_pending = False
                    else:
                        stored_pdf(document.case, document, RECORD_LOCALE)
                stored += 1
            except Exception:  # one document's fault must not stop the rest
                log.exception("could not store the PDF of document %s", document.id)
                failed.add(document.id)
        db.session.commit()
    return stored


def freeze(case: Case, document: CaseDocument) -> None:
    """Write down what the document states, in every language, as the case is now."""
    if document.issuer is None:
        document.issuer = issuers(case, [document])[document.id]
    build = case_file.build if document.kind is DocumentKind.case_file else builders.build
    content = {}
    for locale in current_app.config["LANGUAGES"]:
        with force_locale(locale):
            content[locale] = dataclasses.asdict(build(case, document, document.issuer))
    document.content = content
    document.content_sha256 = hashlib.sha256(_canonical(content)).hexdigest()


def erased(case: Case, document: CaseDocument) -> bool:
    """The case's personal data was erased at the end of its retention: the document's text and
    files went with it; its code, kind, dates and hash remain."""
    return document.content is None and case.anonymised_at is not None


def printed(case: Case, document: CaseDocument) -> Document | None:
    """What the document says, in the reader's language; None once erased."""
    if erased(case, document):
        return None
    if document.content is None:
        freeze(case, document)
    return Document.from_dict(document.content[reader_locale()])


def stored_pdf(case: Case, document: CaseDocument, locale: str | None = None) -> DocumentFile:
    """The document's PDF in ``locale`` (the reader's by default): the one stored at issue, or
    rendered and kept the first time it is needed (the English one; documents issued before
    files were stored at issue). Two first readers at once store one file: the second insert is
    ignored and both read the stored row."""
    locale = locale or reader_locale()
    if locale == RECORD_LOCALE and document.pdf_pending:
        document.pdf_pending = False
    kept = _file(document, locale)
    if kept is not None:
        return kept
    with force_locale(locale):
        body = render_pdf(printed(case, document))
    db.session.execute(
        _file_insert(database_kind()),
        {
            "document_id": document.id,
            "locale": locale,
            "pdf": body,
            "sha256": hashlib.sha256(body).hexdigest(),
        },
    )
    return _file(document, locale)


@cache
def _file_insert(kind: str):
    files = DocumentFile.__table__
    return upsert_insert(files, kind).on_conflict_do_nothing(
        index_elements=[files.c.document_id, files.c.locale]
    )


def _file(document: CaseDocument, locale: str) -> DocumentFile | None:
    return db.session.scalar(
        select(DocumentFile).where(
            DocumentFile.document_id == document.id, DocumentFile.locale == locale
        )
    )


def matching_file(document: CaseDocument, body: bytes) -> DocumentFile | None:
    """The issued PDF (in any language) that ``body`` is byte for byte, or None."""
    if erased(document.case, document):
        return None
    for locale in current_app.config["LANGUAGES"]:
        stored_pdf(document.case, document, locale)
    digest = hashlib.sha256(body).hexdigest()
    return db.session.scalar(
        select(DocumentFile).where(
            DocumentFile.document_id == document.id, DocumentFile.sha256 == digest
        )
    )


@dataclasses.dataclass(frozen=True)
class Facts:
    """What the public check page states about a code: the document's own record."""

    document: CaseDocument
    kind: str
    number: str
    issuer: str
    version: int
    superseded_by: CaseDocument | None
    erased: bool


def facts(document: CaseDocument) -> Facts:
    case = document.case
    text = document.content[reader_locale()] if document.content else None
    issuer = (
        text["issuer"]
        if text
        else issuing_name(document.kind, issuers(case, [document])[document.id])
    )
    return Facts(
        document=document,
        kind=document.kind.title,
        number=case.number,
        issuer=issuer,
        version=document.version,
        superseded_by=db.session.scalar(
            select(CaseDocument).where(CaseDocument.supersedes_id == document.id)
        ),
        erased=erased(case, document),
    )
