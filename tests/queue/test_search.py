"""The worklist's search box takes what was typed as text: % and _ match only themselves."""

import pytest

from mediation.cases.filing import Party
from mediation.models import Channel
from tests.conftest import built_once
from tests.factories import filed_case

pytestmark = pytest.mark.both_databases


@built_once("module")
def cases(app):
    """Three cases waiting at the street centre; one applicant's name has a % and a _. Their
    numbers; built once for the tests of this module."""
    with app.test_request_context():
        odd = filed_case(
            by="med_hr",
            applicant=Party("百分%号_甲", "11010519491231002X", "13700137000"),
            channel=Channel.window,
        )
        plain = [filed_case(), filed_case(by="worker2")]
    return odd.number, [case.number for case in plain]


@pytest.mark.parametrize("typed", ["%", "_", "%号_", "\\"], ids=["percent", "underscore", "both",
                                                                   "backslash"])  # fmt: skip
def test_wildcards_typed_in_the_search_match_only_themselves(cases, make_browser, typed):
    odd, plain = cases
    mediator = make_browser()
    mediator.login("med_hr")
    everything = mediator.get("/queue").get_data(as_text=True)
    assert all(number in everything for number in (odd, *plain))
    html = mediator.get("/queue", query_string={"q": typed}).get_data(as_text=True)
    listed = [number for number in (odd, *plain) if number in html]
    assert listed == ([] if typed == "\\" else [odd])


def test_the_api_worklist_search_takes_a_percent_as_text(app, cases):
    odd, _ = cases
    client = app.test_client()
    token = client.post(
        "/api/v1/tokens", json={"username": "med_hr", "password": "demo-2026"}
    ).json["token"]
    answer = client.get(
        "/api/v1/queue", query_string={"q": "%"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert [item["number"] for item in answer.json["items"]] == [odd]
