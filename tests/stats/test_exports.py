"""Downloads never carry a formula: a name someone typed stays text in CSV and XLSX."""

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from mediation.cases.filing import EmployerInput
from mediation.extensions import db
from mediation.models import Region
from mediation.stats.exports import Table, _xlsx, looks_like_formula
from tests.factories import filed_case

pytestmark = pytest.mark.both_databases

FORMULA_NAME = '=HYPERLINK("http://x","点我")'


@pytest.fixture
def formula_employer(app, demo):
    """An employer first filed against under a name that is a spreadsheet formula."""
    street = db.session.scalar(select(Region).where(Region.code == "441802001"))
    with app.test_request_context():
        return filed_case(
            employer=EmployerInput(
                name=FORMULA_NAME, uscc="91441802MA0000001P", region_id=street.id, industry="C"
            )
        )


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def xlsx_cells(response) -> list:
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    return [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize(
    "url",
    ["/stats/employers.csv", "/stats/cases.csv?figure=received"],
    ids=["employers", "drill-down"],
)
def test_a_formula_name_is_text_in_the_csv_download(formula_employer, browser, url):
    browser.login("supervisor1")
    cells = [cell for row in csv_rows(browser.get(url)) for cell in row]
    assert "'" + FORMULA_NAME in cells
    assert not any(cell.startswith("=") for cell in cells)


@pytest.mark.parametrize(
    "url",
    ["/stats/employers.xlsx", "/stats/cases.xlsx?figure=received"],
    ids=["employers", "drill-down"],
)
def test_a_formula_name_is_a_string_cell_in_the_xlsx_download(formula_employer, browser, url):
    browser.login("supervisor1")
    cells = xlsx_cells(browser.get(url))
    named = [cell for cell in cells if cell.value == FORMULA_NAME]
    assert named, "the employer's name is in the file, as typed"
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in named)
    assert not [cell for cell in cells if cell.data_type == "f"]


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", "＝1", "＋1", "－1", "＠SUM(A1)"],
    ids=["equals", "plus", "minus", "at", "tab", "return", "fw-equals", "fw-plus", "fw-minus",
         "fw-at"],
)  # fmt: skip
def test_every_formula_start_is_written_as_text_and_numbers_stay_numbers(text):
    workbook = load_workbook(io.BytesIO(_xlsx([Table("t", ["h"], [[text, -5, "ok"]])], [])))
    text_cell, number_cell, plain_cell = next(workbook.active.iter_rows(min_row=3))
    assert looks_like_formula(text)
    # The text as written; a carriage return may come back as a line feed, depending on
    # whether openpyxl writes with lxml (which escapes it) or the standard library (which does not).
    assert text_cell.value in (text, text.replace("\r", "\n")) and text_cell.data_type == "s"
    assert (number_cell.value, number_cell.data_type) == (-5, "n")
    assert not plain_cell.quotePrefix
