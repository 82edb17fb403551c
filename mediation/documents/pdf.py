"""Render a mediation document (agreement, notice, certificate) to PDF bytes.

The app builds a :class:`mediation.documents.printable.Document` from already translated
strings and formatted dates and amounts, and :func:`render_pdf` lays it out on A4: title
block, sections, signature lines, a QR code pointing at the public verification page, and a
footer with "page x of y" and the verification code on every page. Nothing here touches the
database or the request, so the same function serves a download view, an e-mail attachment
and a CLI command.

The layout itself, with reportlab, is in :mod:`mediation.documents.pdf_layout`, loaded by the
first document rendered: reportlab takes 8 MB in each web worker, and most workers never
render a PDF.
"""

from mediation.documents.printable import Document


def render_pdf(document: Document) -> bytes:
    """Lay the document out on A4 and return the PDF file's bytes.

    The output is invariant (no creation time or random file ID), so the same document
    renders to the same bytes: handy for caching, ETags and tests.
    """
    from mediation.documents import pdf_layout

    return pdf_layout.render(document)
