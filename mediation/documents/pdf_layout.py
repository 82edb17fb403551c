"""The layout of :func:`mediation.documents.pdf.render_pdf`: a :class:`Document` on A4 with
reportlab, title block, sections, signature lines, the QR code and the numbered footers.

Fonts (DESIGN.md §9): a TrueType CJK font is embedded when one is installed, because
reportlab's built-in ``STSong-Light`` is not embedded and some viewers then show boxes instead
of Chinese. ``STSong-Light`` is only the fallback for machines without such a font.
"""

from __future__ import annotations

import functools
import io
import logging
import os
import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors, textsplit
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    HRFlowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import paragraph as reportlab_paragraph

from mediation.documents.printable import Document, Labels, Section

logger = logging.getLogger(__name__)

# --- Fonts ----------------------------------------------------------------------------------

FONT_ENV_VAR = "MEDIATION_PDF_FONT"
"""A font file to try first; ``/path/font.ttc#2`` picks another face of a collection."""

FALLBACK_FONT = "STSong-Light"

# TrueType-outline CJK fonts only: reportlab refuses CFF outlines, which rules out Noto CJK.
FONT_CANDIDATES: tuple[str, ...] = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/simsun.ttc",
)

# A font that cannot draw this character would print every Chinese word as boxes.
_CJK_PROBE = ord("调")

_font_lock = threading.Lock()


def body_font() -> str:
    """The registered name of the font every document is set in.

    Loading a CJK TrueType font parses megabytes, so it happens once per process; the lock
    keeps two first requests on different threads from doing it twice.
    """
    with _font_lock:
        return _resolve_body_font()


@functools.cache
def _resolve_body_font() -> str:
    for path, index in _font_sources():
        name = _register_truetype(path, index)
        if name:
            return name
    logger.warning("No TrueType CJK font found; PDFs use the non-embedded %s", FALLBACK_FONT)
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_FONT))
    return FALLBACK_FONT


def _font_sources() -> list[tuple[str, int]]:
    """The override from the environment first, then the known install locations."""
    sources = [(path, 0) for path in FONT_CANDIDATES]
    override = os.environ.get(FONT_ENV_VAR, "").strip()
    if not override:
        return sources
    path, hash_sign, index = override.rpartition("#")
    if not (hash_sign and index.isdigit()):
        path, index = override, "0"
    if not os.path.isfile(path):
        # Candidates may well be missing; a font the operator named should be there.
        logger.warning("%s names %s, which is not a file", FONT_ENV_VAR, path)
    return [(path, int(index)), *sources]


def _register_truetype(path: str, index: int) -> str | None:
    if not os.path.isfile(path):
        return None
    name = f"MediationCJK-{Path(path).stem}-{index}"
    if name in pdfmetrics.getRegisteredFontNames():
        return name
    try:
        font = TTFont(name, path, subfontIndex=index)
    # A broken or unsupported font file must cost a warning, never a document.
    except Exception as error:
        logger.warning("Cannot use %s (face %d) for PDFs: %s", path, index, error)
        return None
    if _CJK_PROBE not in font.face.charToGlyph:
        logger.warning("Cannot use %s (face %d) for PDFs: it has no Chinese glyphs", path, index)
        return None
    pdfmetrics.registerFont(font)
    return name


# --- Styles ---------------------------------------------------------------------------------

PAGE_WIDTH = A4[0]
MARGIN_X = 20 * mm
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 24 * mm
FOOTER_BASELINE = 12 * mm
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
QR_SIZE = 30 * mm
HEADING_ROOM = 30 * mm

_TEXT_COLOUR = colors.HexColor("#1a1a1a")
_MUTED_COLOUR = colors.HexColor("#555555")
_RULE_COLOUR = colors.HexColor("#999999")
_LABEL_BACKGROUND = colors.HexColor("#f0f0f0")

# Han, kana, hangul and full-width forms: text with any of these needs CJK line breaking.
_CJK_CHARACTER = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


class _StylePair(NamedTuple):
    """CJK text has no spaces to break at; Latin text must not break inside words."""

    latin: ParagraphStyle
    cjk: ParagraphStyle

    def for_text(self, text: str) -> ParagraphStyle:
        return self.cjk if _CJK_CHARACTER.search(text) else self.latin


class _Styles(NamedTuple):
    font: str
    title: _StylePair
    subtitle: _StylePair
    heading: _StylePair
    body: _StylePair
    cell: _StylePair


def _pair(name: str, *, cjk_first_line_indent: float = 0, **attributes: Any) -> _StylePair:
    latin = ParagraphStyle(name, textColor=_TEXT_COLOUR, **attributes)
    cjk = ParagraphStyle(
        f"{name}-cjk", parent=latin, wordWrap="CJK", firstLineIndent=cjk_first_line_indent
    )
    return _StylePair(latin, cjk)


@functools.cache
def _styles(font: str) -> _Styles:
    """Styles are read-only once built, so one set per font serves every thread."""
    body_size = 10.5  # 五号, the usual size of Chinese official documents
    return _Styles(
        font=font,
        title=_pair("title", fontName=font, fontSize=20, leading=28, alignment=TA_CENTER),
        subtitle=_pair("subtitle", fontName=font, fontSize=10, leading=15, alignment=TA_CENTER),
        heading=_pair(
            "heading",
            fontName=font,
            fontSize=13,
            leading=19,
            spaceBefore=10,
            spaceAfter=4,
        ),
        body=_pair(
            "body",
            fontName=font,
            fontSize=body_size,
            leading=18,
            spaceAfter=5,
            alignment=TA_JUSTIFY,
            # Chinese paragraphs open with a two-character indent.
            cjk_first_line_indent=2 * body_size,
        ),
        cell=_pair("cell", fontName=font, fontSize=10, leading=15, alignment=TA_LEFT),
    )


# --- Text -----------------------------------------------------------------------------------

# Characters that are invalid in reportlab's XML-like markup; no reader needs them.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _markup(text: str) -> str:
    """Turn user text into Paragraph markup that shows it literally.

    Paragraph interprets ``<b>``, ``&amp;`` and friends, so a fact that mentions ``<script>``
    would otherwise be swallowed or break the layout. Line breaks the user typed are kept.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = _CONTROL_CHARACTERS.sub("", text)
    return escape(text).replace("\n", "<br/>")


# Chinese punctuation that must not open a line. reportlab's list is Japanese-centred and
# lacks the full-width comma and friends, so Chinese paragraphs got lines starting with "，".
# Adding them only lets that one character hang in the margin, for every reportlab user in
# the process; both line breakers (one text run, several runs) keep their own copy.
_CHINESE_CANNOT_START = "，；：？！、。）》〉」』】〕”’…"


def _teach_chinese_line_breaking() -> None:
    for module in (textsplit, reportlab_paragraph):
        missing = "".join(c for c in _CHINESE_CANNOT_START if c not in module.ALL_CANNOT_START)
        module.ALL_CANNOT_START += missing


_teach_chinese_line_breaking()


def _para(text: str, styles: _StylePair) -> Paragraph:
    return Paragraph(_markup(text), styles.for_text(text))


def _table_style(styles: _Styles, *commands: tuple[Any, ...]) -> TableStyle:
    # Tables set their cells' font even for empty cells; the default would drag an unused,
    # non-embedded Helvetica into the file.
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), styles.font), *commands])


# --- Layout ---------------------------------------------------------------------------------


def _title_block(document: Document, styles: _Styles) -> list[Flowable]:
    labels = document.labels
    number = f"{labels.case_number}{labels.colon}{document.number}"
    # Two ideographic spaces: a clear gap in Chinese and in English alike.
    issued = "\u3000\u3000".join(part for part in (document.issuer, document.issued_on) if part)
    return [
        _para(document.title, styles.title),
        Spacer(0, 2 * mm),
        _para(number, styles.subtitle),
        _para(issued, styles.subtitle),
        Spacer(0, 3 * mm),
        HRFlowable(width="100%", thickness=0.8, color=_RULE_COLOUR, spaceAfter=4 * mm),
    ]


def _section(section: Section, styles: _Styles) -> list[Flowable]:
    flowables: list[Flowable] = []
    if section.heading:
        # Not keepWithNext: tied to a long paragraph, that pushes the whole section to a new
        # page. A heading only needs room for a few lines under it.
        flowables += [CondPageBreak(HEADING_ROOM), _para(section.heading, styles.heading)]
    flowables.extend(_para(text, styles.body) for text in section.paragraphs)
    if section.rows:
        flowables.append(_rows_table(section.rows, styles))
    return flowables


def _rows_table(rows: Sequence[tuple[str, str]], styles: _Styles) -> Table:
    label_width = 0.28 * TEXT_WIDTH
    data = [[_para(label, styles.cell), _para(value, styles.cell)] for label, value in rows]
    return Table(
        data,
        colWidths=[label_width, TEXT_WIDTH - label_width],
        hAlign="LEFT",
        # A value as long as a page (pasted facts) may split across pages instead of failing.
        splitInRow=1,
        spaceBefore=2 * mm,
        spaceAfter=3 * mm,
        style=_table_style(
            styles,
            ("GRID", (0, 0), (-1, -1), 0.5, _RULE_COLOUR),
            ("BACKGROUND", (0, 0), (0, -1), _LABEL_BACKGROUND),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ),
    )


def _signature_table(document: Document, styles: _Styles) -> Table:
    widths = [0.22 * TEXT_WIDTH, 0.26 * TEXT_WIDTH, 0.52 * TEXT_WIDTH]
    data = [
        [
            _para(signature.role, styles.cell),
            _para(signature.name, styles.cell),
            _para(signature.signed, styles.cell)
            if signature.signed
            else _blank_signature_line(document.labels, styles, widths[2]),
        ]
        for signature in document.signatures
    ]
    # The blank lines' own table pads 3 points more: keep every row's words on one baseline.
    blank_rows = [
        ("BOTTOMPADDING", (2, row), (2, row), 3)
        for row, signature in enumerate(document.signatures)
        if not signature.signed
    ]
    return Table(
        data,
        colWidths=widths,
        hAlign="LEFT",
        style=_table_style(
            styles,
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("TOPPADDING", (0, 0), (-1, -1), 8),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            *blank_rows,
        ),
    )


def _blank_signature_line(labels: Labels, styles: _Styles, width: float) -> Table:
    """A 'Signature: ______  Date: ______' line, tall enough to sign by hand."""
    cell = styles.cell.latin
    words = [labels.signature + labels.colon, labels.date + labels.colon]
    word_widths = [pdfmetrics.stringWidth(word, styles.font, cell.fontSize) + 6 for word in words]
    space = width - sum(word_widths) - 12
    widths = [word_widths[0], 0.6 * space, word_widths[1], 0.4 * space]
    return Table(
        [[_para(words[0], styles.cell), "", _para(words[1], styles.cell), ""]],
        colWidths=widths,
        rowHeights=[12 * mm],
        style=_table_style(
            styles,
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LINEBELOW", (1, 0), (1, 0), 0.6, _TEXT_COLOUR),
            ("LINEBELOW", (3, 0), (3, 0), 0.6, _TEXT_COLOUR),
            ("LEFTPADDING", (0, 0), (-1, -1), 2),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ),
    )


def _qr_code(value: str, font: str) -> Drawing:
    # Level M survives a smudged or creased printout; the widget draws its own quiet zone.
    widget = QrCodeWidget(value, barLevel="M", barWidth=QR_SIZE, barHeight=QR_SIZE)
    # The drawing sets a font even without text; Helvetica would be listed, unused.
    drawing = Drawing(QR_SIZE, QR_SIZE, initialFontName=font)
    drawing.add(widget)
    return drawing


def _verification_block(document: Document, styles: _Styles) -> list[Flowable]:
    labels = document.labels
    text: list[Flowable] = []
    if document.verification_code:
        code = f"{labels.verification_code}{labels.colon}{document.verification_code}"
        text.append(_para(code, styles.cell))
    if document.verification_url:
        text.append(_para(labels.check_at + labels.colon, styles.cell))
        text.append(_para(document.verification_url, styles.cell))
    if not text:
        return []
    if not document.verification_url:
        return [Spacer(0, 6 * mm), *text]
    table = Table(
        [[_qr_code(document.verification_url, styles.font), text]],
        colWidths=[QR_SIZE + 4 * mm, TEXT_WIDTH - QR_SIZE - 4 * mm],
        hAlign="LEFT",
        style=_table_style(
            styles,
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (0, 0), 0),
        ),
    )
    return [Spacer(0, 6 * mm), table]


def _closing_block(document: Document, styles: _Styles) -> list[Flowable]:
    """Signatures and the QR code stay together on the last page, where a reader looks."""
    closing: list[Flowable] = []
    if document.signatures:
        closing += [Spacer(0, 8 * mm), _signature_table(document, styles)]
    closing += _verification_block(document, styles)
    return [KeepTogether(closing)] if closing else []


def _story(document: Document, font: str) -> list[Flowable]:
    styles = _styles(font)
    story = _title_block(document, styles)
    for section in document.sections:
        story += _section(section, styles)
    story += _closing_block(document, styles)
    return story


# --- Footer ---------------------------------------------------------------------------------

FooterPainter = Callable[[Canvas, int, int], None]


class _NumberedCanvas(Canvas):
    """Holds every page back until the end, so each footer can say "page x of y".

    The page count is only known after layout; keeping the finished pages' drawing state and
    painting the footers at ``save`` avoids laying the whole document out twice.
    """

    def __init__(self, *args: Any, paint_footer: FooterPainter, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._paint_footer = paint_footer
        self._held_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        pages = len(self._held_pages)
        for page, state in enumerate(self._held_pages, start=1):
            self.__dict__.update(state)
            self._paint_footer(self, page, pages)
            super().showPage()
        super().save()


def _footer_painter(document: Document, font: str) -> FooterPainter:
    labels = document.labels

    def paint(canvas: Canvas, page: int, pages: int) -> None:
        canvas.saveState()
        rule_y = FOOTER_BASELINE + 4 * mm
        canvas.setStrokeColor(_RULE_COLOUR)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, rule_y, PAGE_WIDTH - MARGIN_X, rule_y)
        canvas.setFont(font, 8)
        canvas.setFillColor(_MUTED_COLOUR)
        canvas.drawString(MARGIN_X, FOOTER_BASELINE, f"{labels.case_number} {document.number}")
        canvas.drawCentredString(
            PAGE_WIDTH / 2, FOOTER_BASELINE, labels.page % {"page": page, "pages": pages}
        )
        if document.verification_code:
            code = f"{labels.verification_code} {document.verification_code}"
            canvas.drawRightString(PAGE_WIDTH - MARGIN_X, FOOTER_BASELINE, code)
        canvas.restoreState()

    return paint


# --- Entry point ----------------------------------------------------------------------------


def render(document: Document) -> bytes:
    """The PDF file's bytes, invariant (no creation time or random file ID)."""
    font = body_font()
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=document.title,
        author=document.issuer,
        subject=document.number,
        creator="mediation",
        lang=document.labels.language,
        # Otherwise the PDF also lists an unused Helvetica.
        initialFontName=font,
        invariant=True,
    )
    template.build(
        _story(document, font),
        canvasmaker=functools.partial(
            _NumberedCanvas, paint_footer=_footer_painter(document, font)
        ),
    )
    return buffer.getvalue()
