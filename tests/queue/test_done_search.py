"""The done view's search finds a closed case by its number, a piece of the applicant's name
however short, the employer's name or its USCC: on PostgreSQL from indexes (trigrams from
three characters, single characters and pairs below that), on SQLite by a scan."""

from itertools import product

import pytest
from sqlalchemy import select

from mediation.cases.filing import EmployerInput, Party
from mediation.cases.operations import fire
from mediation.extensions import db
from mediation.models import Case, Channel
from mediation.validators import USCC_CHARSET, InvalidValue, normalise_uscc
from tests.factories import filed_case, user

pytestmark = pytest.mark.both_databases
RESTAURANT = EmployerInput("清远某某餐饮管理有限公司", "91441802MA53P8QW2J")


@pytest.fixture
def closed(app, demo):
    """Two cases the street centre declined: 欧阳明华's against the demo employer, 王芳's
    against the restaurant company."""
    with app.test_request_context():
        cases = [
            filed_case(
                by="med_hr",
                applicant=Party(name, "11010519491231002X", "13700137000"),
                channel=Channel.window,
                **changes,
            )
            for name, changes in (
                ("欧阳明华", {}),
                ("王芳", {"employer": RESTAURANT}),
            )
        ]
        for case in cases:
            fire(case, "decline", actor=user("med_hr"), reason="不属于受理范围")
        db.session.commit()
        return [case.number for case in cases]


def test_the_done_view_finds_a_case_by_number_name_employer_and_uscc(closed, make_browser):
    ouyang, wang = closed
    mediator = make_browser()
    mediator.login("med_hr")
    searches = {
        ouyang: [ouyang],
        ouyang[-3:]: [ouyang],  # a piece of the number
        "欧阳明华": [ouyang],
        "阳明": [ouyang],  # two characters inside a name: no trigram
        "华": [ouyang],
        "王芳": [wang],
        "餐饮": [wang],  # the employer's name
        "91441802ma53p8qw2j": [wang],  # its USCC, typed in lower case
        "9144 1802 MA53 P8QW 2J": [wang],  # in groups, as printed on a licence
        "91441802MA53P8QW2K": [],  # a wrong last character names no employer
        "明王": [],
    }
    for typed, expected in searches.items():
        html = mediator.get("/queue", query_string={"view": "done", "q": typed}).get_data(
            as_text=True
        )
        assert [number for number in closed if number in html] == expected, typed


def test_a_search_pages_through_what_it_found_latest_closed_first(
    closed, make_browser, monkeypatch
):
    monkeypatch.setattr("mediation.queue.worklist.PAGE_SIZE", 1)
    ouyang, wang = closed
    mediator = make_browser()
    mediator.login("med_hr")
    pages = [
        mediator.get("/queue", query_string={"view": "done", "q": "某某", "page": page})
        for page in (1, 2, 3)
    ]
    listed = [[n for n in closed if n in page.get_data(as_text=True)] for page in pages]
    assert listed == [[wang], [ouyang], []]


def test_a_number_or_its_end_finds_every_number_that_holds_it(closed, make_browser):
    """Text ending in a hyphen and six digits is held by a number only at its end, and is
    looked for there (on PostgreSQL in an index of the numbers reversed): typed whole, in
    lower case, or as its year and counter, it finds the number and one whose prefix ends
    with the prefix typed; text ending otherwise is looked for anywhere, as before."""
    ouyang, wang = closed
    longer = "Q" + ouyang
    db.session.scalar(select(Case).where(Case.number == wang)).number = longer
    db.session.commit()
    mediator = make_browser()
    mediator.login("med_hr")
    year_and_counter = ouyang[ouyang.index("-") + 1 :]
    searches = {
        ouyang: [ouyang, longer],
        ouyang.lower(): [ouyang, longer],
        year_and_counter: [ouyang, longer],
        "-" + year_and_counter[-6:]: [ouyang, longer],
        longer: [longer],
        ouyang[:-1]: [ouyang, longer],  # ends in five digits: anywhere
        ouyang[:-6] + "999999": [],  # another counter
    }
    for typed, expected in searches.items():
        html = mediator.get("/queue", query_string={"view": "done", "q": typed}).get_data(
            as_text=True
        )
        assert [n for n in (ouyang, longer) if f">{n}</a>" in html] == expected, typed


def test_a_case_number_that_passes_the_uscc_check_without_its_hyphens_is_found(
    closed, make_browser
):
    """A prefix of eight letters, the year and the counter make 18 characters once the
    hyphens are gone, and one such number in 31 passes the USCC's check: typed with its
    hyphens, it is still looked for as a number, not taken for an employer's code."""
    ouyang, _wang = closed
    number = _number_passing_the_uscc_check(year=ouyang.split("-")[1])
    db.session.scalar(select(Case).where(Case.number == ouyang)).number = number
    db.session.commit()
    mediator = make_browser()
    mediator.login("med_hr")
    html = mediator.get("/queue", query_string={"view": "done", "q": number}).get_data(as_text=True)
    assert f"{number}</a>" in html  # listed, not only echoed in the search box


def _number_passing_the_uscc_check(year: str) -> str:
    letters = [character for character in USCC_CHARSET if character.isalpha()]
    for first, second in product(letters, repeat=2):
        number = f"ABCDEF{first}{second}-{year}-000001"
        try:
            normalise_uscc(number)
        except InvalidValue:
            continue
        return number
    raise AssertionError("no eight-letter prefix makes a number that passes")
