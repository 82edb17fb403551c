"""Tables as downloads: CSV (UTF-8 with a BOM, so Excel shows Chinese) and XLSX.

Every download starts with what was asked and when it was made, so a file forwarded by
e-mail still says which figures it holds. Numbers stay numbers in XLSX, so a spreadsheet can
add them up. Text is only ever text: a name a user typed such as ``=HYPERLINK(...)`` is never
run by the spreadsheet that opens the file (CSV/formula injection, OWASP).
"""

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal

from flask import Response

from mediation.i18n import human_datetime
from mediation.models.types import utcnow
from mediation.translation import gettext as _

FORMATS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Table:
    title: str
    header: list[str]
    rows: list[list]


# What a spreadsheet takes for the start of a formula, the full-width forms included (some
# spreadsheet programs read them as their ASCII twins).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def looks_like_formula(value: object) -> bool:
    """Whether a cell's text would start a formula; numbers are written as numbers."""
    if value is None or isinstance(value, (bool, int, float, Decimal)):
        return False
    return str(value).startswith(FORMULA_STARTS)


def about(filters: list[tuple[str, str]]) -> list[list]:
    """The rows every download starts with: when it was made, and each filter.

    These lines are for the person who opens the file, so the moment is in words
    (``i18n.human_datetime``). The dates inside the tables stay ISO 8601 (2026-12-04): they are
    data a spreadsheet sorts, filters and hands on, the same in either language."""
    return [
        [_("Generated"), human_datetime(utcnow())],
        *[[_("Filter: %(name)s", name=name), value] for name, value in filters],
    ]


def _csv(tables: list[Table], preamble: list[list]) -> bytes:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # the BOM: Excel then reads the file as UTF-8
    writer = csv.writer(buffer)
    rows = [*preamble]
    for table in tables:
        rows += [[], [table.title], table.header, *table.rows]
    writer.writerows([_csv_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def _csv_cell(value: object) -> str:
    """A cell's text; one that would start a formula gets a leading apostrophe, which
    spreadsheets read as "this is text"."""
    if value is None:
        return ""
    return f"'{value}" if looks_like_formula(value) else str(value)


def _append(sheet, row: list) -> None:
    """Append ``row``; text that would start a formula is written as a string cell with the
    quote prefix (openpyxl would otherwise store it as a formula)."""
    sheet.append(row)
    for cell in sheet[sheet.max_row]:
        if looks_like_formula(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True


def _sheet_title(title: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = re.sub(r"[\[\]:*?/\\]", " ", title)[:28].strip() or "sheet"
    name, number = base, 2
    while name in taken:
        name, number = f"{base} {number}", number + 1
    taken.add(name)
    return name


def _xlsx(tables: list[Table], preamble: list[list]) -> bytes:
    # Here, not at the top: openpyxl takes 12 MB that a web worker keeps only once someone
    # exports a workbook.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.title, taken))
        for row in preamble:
            _append(sheet, row)
        sheet.append([])
        _append(sheet, table.header)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in table.rows:
            _append(sheet, row)
        for column, width in zip("ABCDEFGH", (30, 16, 24, 16, 16, 16, 30, 30), strict=True):
            sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download(fmt: str, tables: list[Table], preamble: list[list], filename: str) -> Response:
    body, mimetype = (_csv, "text/csv") if fmt == "csv" else (_xlsx, XLSX)
    return Response(
        body(tables, preamble),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}.{fmt}"'},
    )
