"""Render a mediation document (agreement, notice, certificate) to PDF bytes.

The app builds a :class:`Document` from already translated strings and formatted dates and
amounts, and :func:`render_pdf` lays it out on A4: title block, sections, signature lines, a QR
code pointing at the public verification page, and a footer with "page x of y" and the
verification code on every page. Nothing here touches the database or the request, so the
same function serves a download view, an e-mail attachment and a CLI command.

The layout itself, with reportlab, is in :mod:`mediation.documents.pdf_layout`, loaded by the
first document rendered: reportlab takes 8 MB in each web worker, and most workers never
render a PDF.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

# --- The value the app hands in -----------------------------------------------------------


@dataclass(frozen=True)
class Labels:
    """The fixed words printed around the content, already translated (Chinese by default).

    ``colon`` is translated too: Chinese uses the full-width "：", English ": ".
    ``page`` is a %-format string with ``page`` and ``pages``, as gettext catalogs carry it.
    ``language`` goes into the PDF catalog so screen readers pick the right voice.
    """

    case_number: str = "案号"
    verification_code: str = "验证码"
    check_at: str = "请扫描二维码或访问以下网址核验本文书"
    signature: str = "签名"
    date: str = "日期"
    page: str = "第 %(page)d 页，共 %(pages)d 页"
    colon: str = "："
    language: str = "zh-CN"


@dataclass(frozen=True)
class Section:
    """A headed part of the document: its paragraphs first, then its label/value rows."""

    heading: str = ""
    paragraphs: Sequence[str] = ()
    rows: Sequence[tuple[str, str]] = ()


@dataclass(frozen=True)
class Signature:
    """One signature line. An empty ``signed`` leaves a blank line to sign on paper."""

    role: str
    name: str = ""
    signed: str = ""


@dataclass(frozen=True)
class Document:
    """Everything printed, as display-ready strings; the renderer translates and formats nothing."""

    title: str
    number: str
    issuer: str
    issued_on: str
    sections: Sequence[Section]
    signatures: Sequence[Signature] = ()
    verification_code: str = ""
    verification_url: str = ""
    labels: Labels = field(default_factory=Labels)

    @classmethod
    def from_dict(cls, value: dict[str, Any]) -> Document:
        """The document again from ``dataclasses.asdict`` of it, as JSON kept it (lists for
        tuples)."""
        return cls(
            **{
                **value,
                "sections": tuple(
                    Section(
                        heading=section["heading"],
                        paragraphs=tuple(section["paragraphs"]),
                        rows=tuple(tuple(row) for row in section["rows"]),
                    )
                    for section in value["sections"]
                ),
                "signatures": tuple(Signature(**signature) for signature in value["signatures"]),
                "labels": Labels(**value["labels"]),
            }
        )


# --- Entry point ----------------------------------------------------------------------------


def render_pdf(document: Document) -> bytes:
    """Lay the document out on A4 and return the PDF file's bytes.

    The output is invariant (no creation time or random file ID), so the same document
    renders to the same bytes: handy for caching, ETags and tests.
    """
    from mediation.documents import pdf_layout

    return pdf_layout.render(document)
