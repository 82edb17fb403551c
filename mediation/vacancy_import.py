"""Reading the vacancy list an officer uploads as a CSV file.

Officers export these lists from spreadsheets, so :func:`read_vacancies` accepts what Excel
writes: UTF-8 with or without a byte-order mark ("CSV UTF-8"), GBK/GB18030 (plain "CSV" on
Chinese Windows) and UTF-16 with a byte-order mark ("Unicode text"); columns separated by commas
or tabs (whichever the header row has more of).

The first non-blank row names the columns, in English or Chinese (:data:`HEADER_ALIASES`), in any
order; all of :data:`COLUMNS` are required and other columns are ignored. ``line`` is the row
number a spreadsheet shows: the header is row 1 when it is the first row, and blank rows, which
are skipped, still count.

Each row is checked completely and every problem is reported as a :class:`RowError` with its line,
column, a stable ``code`` and a message for the officer:

- ``required``, ``too_long``: employer (at most 200 characters), title (at most 100), industry,
  district;
- ``unknown_industry``: neither a section letter A–T nor a section's Chinese or English name;
- ``unknown_district``: not a key of ``districts`` (compared after stripping spaces);
- ``amount`` (wage_min, wage_max; the message is that of
  :func:`mediation.validators.normalise_amount`), ``wage_range`` (on wage_min: above wage_max).
  Wages may be blank; "6,500", "¥6500", "￥6500" and "6500元" are read as 6500.00;
- ``not_a_number``, ``too_few``, ``too_many``: openings, a whole number from 1 to
  ``MAX_OPENINGS``; blank means 1.

Skills are split on ``, ， 、 ; ；``; blanks and repeats (ignoring case) are dropped.

Problems with the file as a whole have ``line`` and ``column`` None and come with no rows at all:
``encoding``, ``not_csv``, ``empty``, ``missing_columns``, ``duplicate_column`` (e.g. both 区域 and
地区), ``too_many_rows`` (more than ``max_rows`` data rows) and ``no_rows``: a file with a header
and no vacancies is an error, so that an empty export is noticed rather than "imported".

Nothing is written anywhere: the caller shows the errors and lets the officer import the valid
``rows``, or nothing.
"""

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from flask_babel.speaklater import LazyString

from mediation.industries import INDUSTRIES
from mediation.tabular import UnreadableFile, decode_text, delimiter_of, header_name
from mediation.translation import lazy_gettext as _l
from mediation.validators import InvalidValue, normalise_amount

COLUMNS = (
    "employer",
    "title",
    "industry",
    "district",
    "wage_min",
    "wage_max",
    "skills",
    "openings",
)
HEADER_ALIASES = {
    **{column: column for column in COLUMNS},
    "用人单位": "employer",
    "岗位": "title",
    "行业": "industry",
    "区域": "district",
    "地区": "district",
    "所在区": "district",
    "最低月薪": "wage_min",
    "最高月薪": "wage_max",
    "技能要求": "skills",
    "技能": "skills",
    "招聘人数": "openings",
}
# The first Chinese alias of each column, shown next to the English name in messages.
_CHINESE_HEADER = {
    column: next(
        alias for alias, name in HEADER_ALIASES.items() if name == column and alias != name
    )
    for column in COLUMNS
}

# Section names of GB/T 4754-2017 as the standard writes them (and as the zh_CN catalogue
# translates mediation.industries).
INDUSTRY_CHINESE_NAMES = {
    "A": "农、林、牧、渔业",
    "B": "采矿业",
    "C": "制造业",
    "D": "电力、热力、燃气及水生产和供应业",
    "E": "建筑业",
    "F": "批发和零售业",
    "G": "交通运输、仓储和邮政业",
    "H": "住宿和餐饮业",
    "I": "信息传输、软件和信息技术服务业",
    "J": "金融业",
    "K": "房地产业",
    "L": "租赁和商务服务业",
    "M": "科学研究和技术服务业",
    "N": "水利、环境和公共设施管理业",
    "O": "居民服务、修理和其他服务业",
    "P": "教育",
    "Q": "卫生和社会工作",
    "R": "文化、体育和娱乐业",
    "S": "公共管理、社会保障和社会组织",
    "T": "国际组织",
}
# A letter, the Chinese name or the English name (the untranslated msgid), ignoring case.
_INDUSTRY_BY_NAME = {
    **{letter.casefold(): letter for letter in INDUSTRIES},
    **{name: letter for letter, name in INDUSTRY_CHINESE_NAMES.items()},
    **{title._args[0].casefold(): letter for letter, title in INDUSTRIES.items()},
}


def industry_letter(value: str) -> str | None:
    """The GB/T 4754 section letter a cell names (letter, Chinese or English name), if any."""
    return _INDUSTRY_BY_NAME.get(value.strip().casefold())


MAX_EMPLOYER_LENGTH = 200
MAX_TITLE_LENGTH = 100
MAX_OPENINGS = 10000
SKILL_SEPARATORS = re.compile(r"[,，、;；]")
_WHOLE_NUMBER = re.compile(r"[+-]?\d+")


@dataclass(frozen=True)
class VacancyRow:
    line: int  # row number in the file (header = 1)
    employer: str
    title: str
    industry: str  # section letter
    district_id: int
    wage_min: Decimal | None
    wage_max: Decimal | None
    skills: tuple[str, ...]
    openings: int


@dataclass(frozen=True)
class RowError:
    line: int | None  # None for problems with the whole file
    column: str | None  # one of COLUMNS, or None
    message: LazyString  # for the officer, translated when shown
    code: str = ""  # stable, for the API and tests: "unknown_district", "amount", ...


@dataclass(frozen=True)
class ImportResult:
    rows: tuple[VacancyRow, ...]  # the valid rows
    errors: tuple[RowError, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


class _FileProblem(Exception):
    def __init__(self, code: str, message: LazyString) -> None:
        super().__init__(code)
        self.error = RowError(None, None, message, code)


def _decode(data: bytes) -> str:
    try:
        return decode_text(data)
    except UnreadableFile as problem:
        raise _FileProblem(problem.code, problem.message) from None


_delimiter = delimiter_of
_header_name = header_name


def _column_positions(header: list[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for position, cell in enumerate(header):
        column = HEADER_ALIASES.get(_header_name(cell))
        if column is None:
            continue
        if column in positions:
            raise _FileProblem(
                "duplicate_column",
                _l(
                    "The file has two columns for %(column)s; keep only one of them.",
                    column=f"{column} ({_CHINESE_HEADER[column]})",
                ),
            )
        positions[column] = position
    missing = [column for column in COLUMNS if column not in positions]
    if missing:
        raise _FileProblem(
            "missing_columns",
            _l(
                "The file has no column for: %(columns)s. The first row must name every column.",
                columns=", ".join(f"{column} ({_CHINESE_HEADER[column]})" for column in missing),
            ),
        )
    return positions


class _Row:
    """One data row being checked: its cells by column, and the problems found so far."""

    def __init__(self, line: int, cells: dict[str, str]) -> None:
        self.line = line
        self.cells = cells
        self.errors: list[RowError] = []

    def problem(self, column: str, code: str, message: LazyString) -> None:
        self.errors.append(RowError(self.line, column, message, code))

    def text(self, column: str, maximum: int, missing: LazyString, too_long: LazyString) -> str:
        value = self.cells[column]
        if not value:
            self.problem(column, "required", missing)
        elif len(value) > maximum:
            self.problem(column, "too_long", too_long)
        return value

    def industry(self) -> str:
        value = self.cells["industry"]
        letter = _INDUSTRY_BY_NAME.get(value.casefold())
        if not value:
            self.problem("industry", "required", _l("The industry is missing."))
        elif letter is None:
            self.problem(
                "industry",
                "unknown_industry",
                _l(
                    "“%(value)s” is not an industry: use a section letter from A to T "
                    "or the section's name, e.g. C or 制造业.",
                    value=value,
                ),
            )
        return letter or ""

    def district(self, districts: Mapping[str, int]) -> int:
        value = self.cells["district"]
        district_id = districts.get(value)
        if not value:
            self.problem("district", "required", _l("The district is missing."))
        elif district_id is None:
            self.problem(
                "district",
                "unknown_district",
                _l(
                    "“%(value)s” is not a district of this jurisdiction; "
                    "write its name as the system lists it.",
                    value=value,
                ),
            )
        return district_id or 0

    def wage(self, column: str) -> Decimal | None:
        value = self.cells[column].replace("￥", "¥").removesuffix("元").strip()
        if not value:
            return None
        try:
            return normalise_amount(value)
        except InvalidValue as error:
            self.problem(column, "amount", error.message)
            return None

    def openings(self) -> int:
        value = self.cells["openings"]
        if not value:
            return 1
        if not _WHOLE_NUMBER.fullmatch(value):
            self.problem(
                "openings",
                "not_a_number",
                _l("The number of openings must be a whole number, e.g. 3."),
            )
            return 0
        # Very long numbers are typing mistakes (and int() refuses thousands of digits).
        number = int(value) if len(value) <= 9 else MAX_OPENINGS + 1
        if number < 1 or value.startswith("-"):
            self.problem("openings", "too_few", _l("The number of openings must be at least 1."))
        elif number > MAX_OPENINGS:
            self.problem(
                "openings",
                "too_many",
                _l("The number of openings is at most %(max)s; please check it.", max=MAX_OPENINGS),
            )
        return number


def _check_row(row: _Row, districts: Mapping[str, int]) -> VacancyRow | None:
    employer = row.text(
        "employer",
        MAX_EMPLOYER_LENGTH,
        _l("The employer is missing."),
        _l("The employer's name is longer than %(max)s characters.", max=MAX_EMPLOYER_LENGTH),
    )
    title = row.text(
        "title",
        MAX_TITLE_LENGTH,
        _l("The job title is missing."),
        _l("The job title is longer than %(max)s characters.", max=MAX_TITLE_LENGTH),
    )
    industry = row.industry()
    district_id = row.district(districts)
    wage_min = row.wage("wage_min")
    wage_max = row.wage("wage_max")
    if wage_min is not None and wage_max is not None and wage_min > wage_max:
        row.problem(
            "wage_min",
            "wage_range",
            _l("The lowest wage is higher than the highest wage."),
        )
    skills: list[str] = []
    for skill in SKILL_SEPARATORS.split(row.cells["skills"]):
        skill = skill.strip()
        if skill and skill.casefold() not in {known.casefold() for known in skills}:
            skills.append(skill)
    openings = row.openings()
    if row.errors:
        return None
    return VacancyRow(
        line=row.line,
        employer=employer,
        title=title,
        industry=industry,
        district_id=district_id,
        wage_min=wage_min,
        wage_max=wage_max,
        skills=tuple(skills),
        openings=openings,
    )


def _records(text: str, max_rows: int) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    """Where each column is, and the non-blank data rows with their line numbers."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    positions: dict[str, int] | None = None
    records: list[tuple[int, list[str]]] = []
    try:
        for line, cells in enumerate(reader, start=1):
            if not any(cell.strip() for cell in cells):
                continue
            if positions is None:
                positions = _column_positions(cells)
                continue
            records.append((line, cells))
            if len(records) > max_rows:
                raise _FileProblem(
                    "too_many_rows",
                    _l(
                        "The file has more than %(max)s vacancies; split it into smaller files.",
                        max=max_rows,
                    ),
                )
    except csv.Error:
        raise _FileProblem(
            "not_csv",
            _l("The file could not be read as a table; save it as CSV UTF-8 from Excel."),
        ) from None
    if positions is None:
        raise _FileProblem("empty", _l("The file is empty."))
    if not records:
        raise _FileProblem("no_rows", _l("The file has a header row but no vacancies."))
    return positions, records


def read_vacancies(
    data: bytes, *, districts: Mapping[str, int], max_rows: int = 5000
) -> ImportResult:
    """Check every row of an uploaded vacancy list; ``districts`` maps region names to ids."""
    try:
        positions, records = _records(_decode(data), max_rows)
    except _FileProblem as problem:
        return ImportResult(rows=(), errors=(problem.error,))
    districts = {name.strip(): district_id for name, district_id in districts.items()}
    rows: list[VacancyRow] = []
    errors: list[RowError] = []
    for line, cells in records:
        row = _Row(
            line,
            {
                column: cells[position].strip() if position < len(cells) else ""
                for column, position in positions.items()
            },
        )
        vacancy = _check_row(row, districts)
        if vacancy is not None:
            rows.append(vacancy)
        errors.extend(row.errors)
    return ImportResult(rows=tuple(rows), errors=tuple(errors))
