"""Reading the tables people export from spreadsheets, for the imports (``vacancy_import``,
``admin.imports``).

Text files as Excel writes them: UTF-8 with or without a byte-order mark ("CSV UTF-8"),
GBK/GB18030 (plain "CSV" on Chinese Windows) and UTF-16 with a byte-order mark ("Unicode
text"), columns separated by commas or tabs (whichever the header row has more of). A file
pasted together from two exports can be UTF-8 in some rows and GBK in others: read as one or
the other, half of it would be garbled, so :func:`mixed_encoding_lines` names the odd rows.
XLSX workbooks are read with openpyxl, one table per sheet.
"""

import csv
import io
import re
from datetime import date, datetime

from mediation.translation import lazy_gettext as _l

_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
XLSX_SIGNATURE = b"PK\x03\x04"  # a zip archive: an XLSX workbook (or another Office file)


class UnreadableFile(Exception):
    """The file as a whole cannot be read: ``code`` is stable, ``message`` for the reader."""

    def __init__(self, code: str, message) -> None:
        super().__init__(code)
        self.code = code
        self.message = message


def decode_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8-sig", "gb18030"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Control characters mean a binary file (an image, a .xlsx) that happened to decode.
        if not _NOT_TEXT.search(text):
            return text
    raise UnreadableFile(
        "encoding",
        _l("The file is neither UTF-8 nor GBK text; save it as CSV UTF-8 from Excel."),
    )


def mixed_encoding_lines(data: bytes) -> list[int]:
    """The line numbers (from 1) that are not UTF-8 in a file whose other non-ASCII lines are:
    empty when the file is one encoding throughout (or UTF-16, which is never mixed)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return []
    utf8, other = [], []
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            other.append(number)
        else:
            utf8.append(number)
    return other if utf8 and other else []


def delimiter_of(text: str) -> str:
    header = next((line for line in io.StringIO(text) if line.strip()), "")
    return "\t" if header.count("\t") > header.count(",") else ","


def header_name(cell: str) -> str:
    """A header cell as looked up among a table's column names."""
    return cell.strip().lstrip("\ufeff").strip().casefold()


def csv_rows(text: str) -> list[list[str]]:
    """The rows of a CSV text, as lists of cells; :class:`UnreadableFile` if it is no table."""
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(text)))
    except csv.Error:
        raise UnreadableFile(
            "not_csv",
            _l("The file could not be read as a table; save it as CSV UTF-8 from Excel."),
        ) from None


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code typed as a number: 441802, not 441802.0
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def xlsx_sheets(data: bytes) -> dict[str, list[list[str]]]:
    """Each sheet's name and rows (cells as text) of an XLSX workbook."""
    from openpyxl import load_workbook  # only imports need it

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise UnreadableFile(
            "not_xlsx",
            _l("The file could not be read as an Excel workbook (.xlsx)."),
        ) from None
    try:
        return {
            sheet.title: [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            for sheet in workbook.worksheets
        }
    finally:
        workbook.close()
