"""A mediation document (agreement, notice, certificate, application) as the text it prints:
what the app builds, from already translated strings and formatted dates and amounts, and
hands to :func:`mediation.documents.pdf.render_pdf`. Kept apart from the renderer, so that
building and storing a document needs no reportlab, and the layout
(:mod:`mediation.documents.pdf_layout`) reads these without importing the module that loads
it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


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
