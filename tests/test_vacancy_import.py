"""Reading an uploaded vacancy list: real bytes, as Excel writes them."""

import dataclasses
import struct
import zlib
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from mediation.industries import INDUSTRIES
from mediation.vacancy_import import (
    COLUMNS,
    INDUSTRY_CHINESE_NAMES,
    MAX_OPENINGS,
    VacancyRow,
    read_vacancies,
)

ROOT = Path(__file__).resolve().parents[1]
DISTRICTS = {"海淀区": 1, "朝阳区": 2}
CHINESE_HEADER = [
    "用人单位",
    "岗位",
    "行业",
    "区域",
    "最低月薪",
    "最高月薪",
    "技能要求",
    "招聘人数",
]
WELDER = ["北京某机械厂", "电焊工", "C", "海淀区", "6,500", "￥8000", "焊接、叉车；CAD", "3"]
WAITER = ["某餐饮有限公司", "服务员", "住宿和餐饮业", "朝阳区", "", "", "", ""]
EXPECTED = (
    VacancyRow(
        line=2,
        employer="北京某机械厂",
        title="电焊工",
        industry="C",
        district_id=1,
        wage_min=Decimal("6500.00"),
        wage_max=Decimal("8000.00"),
        skills=("焊接", "叉车", "CAD"),
        openings=3,
    ),
    VacancyRow(
        line=3,
        employer="某餐饮有限公司",
        title="服务员",
        industry="H",
        district_id=2,
        wage_min=None,
        wage_max=None,
        skills=(),
        openings=1,
    ),
)


def quoted(cell: str, delimiter: str) -> str:
    if any(c in cell for c in f'"\n{delimiter}'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def table(*rows: list[str], encoding: str = "utf-8-sig", delimiter: str = ",") -> bytes:
    """A CSV file as Excel saves it: CRLF line ends, cells quoted only when they must be."""
    lines = [delimiter.join(quoted(cell, delimiter) for cell in row) for row in rows]
    return "".join(f"{line}\r\n" for line in lines).encode(encoding)


def read(data: bytes, **kwargs):
    return read_vacancies(data, districts=DISTRICTS, **kwargs)


def problems(result) -> list[tuple]:
    return [(error.line, error.column, error.code) for error in result.errors]


def test_utf8_with_bom_and_chinese_headers():
    data = table(CHINESE_HEADER, WELDER, WAITER)
    assert data.startswith(b"\xef\xbb\xbf")
    result = read(data)
    assert problems(result) == []
    assert result.ok
    assert result.rows == EXPECTED


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-16"])
def test_other_encodings_excel_writes_import_identically(encoding):
    data = table(CHINESE_HEADER, WELDER, WAITER, encoding=encoding)
    assert read(data).rows == EXPECTED


def test_gbk_bytes_are_not_utf8_so_the_fallback_is_what_reads_them():
    data = table(CHINESE_HEADER, WELDER, WAITER, encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert read(data).ok


def test_tab_separated_with_commas_inside_cells():
    welder = [*WELDER[:6], "焊接, 叉车, CAD", "3"]
    data = table(CHINESE_HEADER, welder, WAITER, delimiter="\t")
    result = read(data)
    assert problems(result) == []
    assert result.rows == EXPECTED


def test_english_headers_in_any_order_and_extra_columns_are_ignored():
    header = ["Openings", "notes", *reversed(COLUMNS[:-1])]
    row = ["2", "夜班", "焊接", "9000", "7000", "朝阳区", "Manufacturing", "焊工", "某厂"]
    (vacancy,) = read(table(header, row)).rows
    assert vacancy == VacancyRow(
        line=2,
        employer="某厂",
        title="焊工",
        industry="C",
        district_id=2,
        wage_min=Decimal("7000.00"),
        wage_max=Decimal("9000.00"),
        skills=("焊接",),
        openings=2,
    )


@pytest.mark.parametrize("district_header", ["区域", "地区", "所在区", "district"])
def test_district_column_aliases(district_header):
    header = [*CHINESE_HEADER[:3], district_header, *CHINESE_HEADER[4:]]
    assert read(table(header, WELDER)).rows == EXPECTED[:1]


def test_missing_columns_is_one_file_level_error_and_no_rows():
    header = [name for name in CHINESE_HEADER if name not in ("区域", "招聘人数")]
    row = [cell for position, cell in enumerate(WELDER) if position not in (3, 7)]
    result = read(table(header, row))
    assert result.rows == ()
    assert problems(result) == [(None, None, "missing_columns")]


def test_two_columns_for_the_same_field_is_a_file_level_error():
    result = read(table([*CHINESE_HEADER, "地区"], [*WELDER, "朝阳区"]))
    assert (result.rows, problems(result)) == ((), [(None, None, "duplicate_column")])


def changed(row: list[str], **cells: str) -> list[str]:
    return [cells.get(column, cell) for column, cell in zip(COLUMNS, row, strict=True)]


ROW_PROBLEMS = [
    # (what, cells changed in WELDER, [(column, code)])
    ("negative wage", {"wage_min": "-100"}, [("wage_min", "amount")]),
    ("wage that is not an amount", {"wage_max": "面议"}, [("wage_max", "amount")]),
    ("wage with three decimals", {"wage_max": "8000.125"}, [("wage_max", "amount")]),
    ("lowest wage above the highest", {"wage_min": "9000"}, [("wage_min", "wage_range")]),
    ("unknown district", {"district": "西城区"}, [("district", "unknown_district")]),
    ("blank district", {"district": " "}, [("district", "required")]),
    ("unknown industry letter", {"industry": "Z"}, [("industry", "unknown_industry")]),
    ("industry name cut short", {"industry": "制造"}, [("industry", "unknown_industry")]),
    ("blank industry", {"industry": ""}, [("industry", "required")]),
    ("openings 0", {"openings": "0"}, [("openings", "too_few")]),
    ("openings negative", {"openings": "-2"}, [("openings", "too_few")]),
    ("openings abc", {"openings": "abc"}, [("openings", "not_a_number")]),
    ("openings with decimals", {"openings": "2.5"}, [("openings", "not_a_number")]),
    ("openings far too many", {"openings": str(MAX_OPENINGS + 1)}, [("openings", "too_many")]),
    ("openings with 5000 digits", {"openings": "9" * 5000}, [("openings", "too_many")]),
    ("blank employer", {"employer": ""}, [("employer", "required")]),
    ("employer too long", {"employer": "厂" * 201}, [("employer", "too_long")]),
    ("blank title", {"title": " "}, [("title", "required")]),
    ("title too long", {"title": "工" * 101}, [("title", "too_long")]),
    (
        "every problem of the row, in column order",
        {"employer": "", "district": "西城区", "wage_min": "-1", "openings": "abc"},
        [
            ("employer", "required"),
            ("district", "unknown_district"),
            ("wage_min", "amount"),
            ("openings", "not_a_number"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [case[1:] for case in ROW_PROBLEMS],
    ids=[case[0] for case in ROW_PROBLEMS],
)
def test_row_problems(cells, expected):
    result = read(table(CHINESE_HEADER, WAITER, changed(WELDER, **cells)))
    assert problems(result) == [(3, column, code) for column, code in expected]
    assert result.rows == (dataclasses.replace(EXPECTED[1], line=2),)
    assert not result.ok


ACCEPTED = [
    # (what, cells changed in WELDER, field of VacancyRow, value)
    ("longest employer name", {"employer": "厂" * 200}, "employer", "厂" * 200),
    ("industry in lower case", {"industry": " c "}, "industry", "C"),
    ("industry by its Chinese name", {"industry": "制造业"}, "industry", "C"),
    ("industry by its English name", {"industry": "manufacturing"}, "industry", "C"),
    ("industry with punctuation", {"industry": "农、林、牧、渔业"}, "industry", "A"),
    ("district with spaces around", {"district": " 朝阳区 "}, "district_id", 2),
    ("wage with thousands separator", {"wage_min": "6,500"}, "wage_min", Decimal("6500.00")),
    ("wage with a yuan sign", {"wage_max": "¥8000"}, "wage_max", Decimal("8000")),
    ("wage followed by 元", {"wage_max": "8000元"}, "wage_max", Decimal("8000")),
    ("equal wages", {"wage_min": "8000"}, "wage_min", Decimal("8000")),
    ("blank wages", {"wage_min": "", "wage_max": ""}, "wage_max", None),
    ("blank openings means one", {"openings": ""}, "openings", 1),
    ("openings with a plus sign", {"openings": "+4"}, "openings", 4),
    (
        "skills split on every separator, duplicates dropped",
        {"skills": "焊接, 叉车，电工证、CAD; Excel；cad ;"},
        "skills",
        ("焊接", "叉车", "电工证", "CAD", "Excel"),
    ),
]


@pytest.mark.parametrize(
    ("cells", "field", "value"),
    [case[1:] for case in ACCEPTED],
    ids=[case[0] for case in ACCEPTED],
)
def test_values_accepted(cells, field, value):
    result = read(table(CHINESE_HEADER, changed(WELDER, **cells)))
    assert problems(result) == []
    assert getattr(result.rows[0], field) == value


def test_valid_rows_after_a_bad_row_are_kept_for_the_officer_to_import():
    result = read(table(CHINESE_HEADER, changed(WELDER, district="西城区"), WAITER))
    assert problems(result) == [(2, "district", "unknown_district")]
    assert result.rows == (EXPECTED[1],)
    assert not result.ok


def test_district_names_given_with_spaces_still_match():
    result = read_vacancies(table(CHINESE_HEADER, WELDER), districts={" 海淀区 ": 7})
    assert result.rows[0].district_id == 7


def test_blank_lines_are_skipped_but_still_counted():
    data = table(CHINESE_HEADER, [], WELDER, [""] * 8, [" "], changed(WAITER, openings="0"))
    result = read(data)
    assert [row.line for row in result.rows] == [3]
    assert problems(result) == [(6, "openings", "too_few")]


def test_line_is_the_spreadsheet_row_when_a_cell_spans_lines():
    welder = changed(WELDER, skills="焊接\n叉车")
    result = read(table(CHINESE_HEADER, welder, changed(WAITER, district="西城区")))
    assert result.rows[0].skills == ("焊接\n叉车",)
    assert problems(result) == [(3, "district", "unknown_district")]


def png() -> bytes:
    """A real 1×1 PNG image."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        checksum = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", checksum)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)


@pytest.mark.parametrize(
    "data",
    [
        png(),
        bytes(range(256)),
        b"\x80\x81\xfe\xff" * 10,
        table(list(COLUMNS), encoding="utf-16-le"),  # decodes as UTF-8, full of NULs
    ],
    ids=["png", "every byte", "invalid in both", "utf-16 without byte-order mark"],
)
def test_binary_file_is_an_encoding_error(data):
    result = read(data)
    assert (result.rows, problems(result)) == ((), [(None, None, "encoding")])


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n \r\n,,,\r\n"])
def test_empty_file(data):
    assert problems(read(data)) == [(None, None, "empty")]


def test_header_only_is_an_error_so_an_empty_export_is_noticed():
    result = read(table(CHINESE_HEADER, [""] * 8))
    assert (result.rows, problems(result)) == ((), [(None, None, "no_rows")])


def test_more_rows_than_allowed_is_a_file_level_error_and_no_rows():
    many = [changed(WELDER, title=f"焊工{i}") for i in range(5001)]
    result = read(table(CHINESE_HEADER, *many))
    assert (result.rows, problems(result)) == ((), [(None, None, "too_many_rows")])


def test_exactly_the_maximum_is_accepted():
    many = [changed(WELDER, title=f"焊工{i}") for i in range(5000)]
    result = read(table(CHINESE_HEADER, *many))
    assert result.ok
    assert len(result.rows) == 5000


def test_max_rows_can_be_lowered():
    result = read(table(CHINESE_HEADER, WELDER, WAITER), max_rows=1)
    assert problems(result) == [(None, None, "too_many_rows")]


def test_industry_names_are_the_chinese_titles_of_every_section():
    with (ROOT / "translations/zh_Hans_CN/LC_MESSAGES/messages.po").open("rb") as file:
        catalog = read_po(file)
    chinese = {letter: catalog.get(title._args[0]).string for letter, title in INDUSTRIES.items()}
    assert chinese == INDUSTRY_CHINESE_NAMES


def test_messages_are_plain_words():
    """Outside a request the messages show their English source text."""
    missing = read(table(CHINESE_HEADER[:3], WELDER[:3]))
    garbage = read(png())
    row = read(table(CHINESE_HEADER, changed(WELDER, wage_min="-5", district="西城区")))
    assert str(missing.errors[0].message) == (
        "The file has no column for: district (区域), wage_min (最低月薪), "
        "wage_max (最高月薪), skills (技能要求), openings (招聘人数). "
        "The first row must name every column."
    )
    assert str(garbage.errors[0].message) == (
        "The file is neither UTF-8 nor GBK text; save it as CSV UTF-8 from Excel."
    )
    assert [str(error.message) for error in row.errors] == [
        "“西城区” is not a district of this jurisdiction; write its name as the system lists it.",
        "An amount cannot be negative.",
    ]
