"""The OpenAPI document at /api/v1/openapi.json: valid OpenAPI 3.1, generated from the routes and
the models, so it describes every route, every trigger's body and every answer."""

from dataclasses import fields

import pytest
from flask_babel import force_locale
from openapi_spec_validator import validate
from werkzeug.exceptions import MethodNotAllowed, NotFound

from mediation.cases.triggers import direct_actions
from mediation.referrals.triggers import REFERRAL_ACTIONS
from mediation.stats.compute import Figures
from tests.api.conftest import PREFIX, Document, DocumentedClient, UndocumentedAnswer

METHODS = ("get", "put", "post", "delete", "patch")
SAMPLES = {
    "case_id": "7",
    "document_id": "7",
    "referral_id": "7",
    "session_id": "7",
    "suspension_id": "7",
    "token_id": "7",
    "region_id": "7",
    "organization_id": "7",
    "user_id": "7",
    "employer_id": "7",
    "kind": "regions",
}
# The triggers people fire themselves (extend fires only from an agreed extension proposal).
CASE_ACTIONS = {action.name: action for action in direct_actions()}
# The values of a route's <trigger>: one documented path each.
TRIGGERS = {
    "api.fire_trigger": set(CASE_ACTIONS),
    "api.fire_referral_trigger": {"claim", *REFERRAL_ACTIONS},
}


@pytest.fixture
def served(client):
    return client.get(f"{PREFIX}/openapi.json").json


def operations(document: dict):
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def schema(document: dict, reference: dict) -> dict:
    return document["components"]["schemas"][reference["$ref"].rsplit("/", 1)[1]]


def test_the_document_is_valid_openapi_3_1(served):
    assert served["openapi"] == "3.1.0"
    validate(served)


def test_every_api_route_is_in_the_document_once_per_trigger(app, served):
    described = {(path, method.upper()) for path, method, _ in operations(served)}
    expected = set()
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        path = rule.rule.removeprefix(PREFIX)
        for name in SAMPLES:
            path = path.replace(f"<int:{name}>", "{" + name + "}").replace(
                f"<{name}>", "{" + name + "}"
            )
        triggers = TRIGGERS.get(rule.endpoint)
        paths = [path.replace("<trigger>", t) for t in triggers] if triggers else [path]
        assert all("<" not in p for p in paths), rule.rule
        expected |= {(p, method) for p in paths for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert expected == described


def test_every_documented_path_reaches_its_route(app, served):
    urls = app.url_map.bind("localhost")
    for path, method, operation in operations(served):
        url = PREFIX + path.format(**SAMPLES)
        try:
            endpoint, _arguments = urls.match(url, method=method.upper())
        except (NotFound, MethodNotAllowed):
            pytest.fail(f"{method.upper()} {path} is documented but has no route")
        assert operation["operationId"].startswith(endpoint.removeprefix("api."))


@pytest.mark.parametrize("name", list(CASE_ACTIONS))
def test_each_case_trigger_is_documented_with_its_own_body(served, name):
    action = CASE_ACTIONS[name]
    operation = served["paths"][f"/cases/{{case_id}}/{name}"]["post"]
    body = schema(served, operation["requestBody"]["content"]["application/json"]["schema"])
    assert set(body.get("properties", {})) == set(action.body.model_fields)
    assert {"200", "401", "403", "404", "409", "422"} <= set(operation["responses"])


def test_trigger_summaries_are_the_titles_in_english(app, served):
    with app.test_request_context(), force_locale("en"):
        titles = {name: str(action.title) for name, action in CASE_ACTIONS.items()}
    for name, title in titles.items():
        assert served["paths"][f"/cases/{{case_id}}/{name}"]["post"]["summary"] == title


@pytest.mark.parametrize("name", list(REFERRAL_ACTIONS))
def test_each_referral_trigger_is_documented_with_its_own_body(served, name):
    model = REFERRAL_ACTIONS[name].body
    operation = served["paths"][f"/referrals/{{referral_id}}/{name}"]["post"]
    body = schema(served, operation["requestBody"]["content"]["application/json"]["schema"])
    assert set(body.get("properties", {})) == set(model.model_fields)


def test_every_operation_documents_its_error_answers(served):
    for path, method, operation in operations(served):
        responses = operation["responses"]
        success = [status for status in responses if status.startswith("2")]
        # One success answer; a case's trigger also has 204, when the case leaves the caller's
        # sight (tests/cases/test_who_reads_a_case.py).
        assert len(success) == 1 or sorted(success) == ["200", "204"], (path, method)
        if operation.get("security") != []:
            assert {"401", "403"} <= set(responses), (path, method)
        if "{" in path:
            assert "404" in responses, (path, method)
        if (
            "requestBody" in operation
            and "multipart/form-data" not in operation["requestBody"]["content"]
        ):
            assert responses["422"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Invalid"
            }, (path, method)


def test_the_filing_body_is_the_designs(served):
    filing = schema(
        served,
        served["paths"]["/cases"]["post"]["requestBody"]["content"]["application/json"]["schema"],
    )
    assert set(filing["required"]) == {"employer", "employment", "categories", "facts"}
    assert {
        "applicant",
        "employer",
        "employment",
        "categories",
        "claims",
        "facts",
        "workers_involved",
        "representatives",
        "lost_job",
        "priority_groups",
        "preferred_tier",
        "channel",
    } <= set(filing["properties"])


def test_the_stats_answer_and_the_token_role_are_described(served):
    figures = schema(
        served,
        served["paths"]["/stats"]["get"]["responses"]["200"]["content"]["application/json"][
            "schema"
        ],
    )
    assert set(figures["properties"]) == {f.name for f in fields(Figures)} | {"filters"}
    assert (
        "Resolved ÷ cases closed after mediation started"
        in (figures["properties"]["success_rate"]["description"])
    )
    query = {p["name"] for p in served["paths"]["/stats"]["get"]["parameters"]}
    assert {"period", "on", "from", "to", "region", "tier", "organization"} <= query
    token = schema(
        served,
        served["paths"]["/tokens"]["post"]["responses"]["201"]["content"]["application/json"][
            "schema"
        ],
    )
    assert token["required"] == ["token", "role"]
    assert schema(served, token["properties"]["role"])["enum"][0] == "worker"


def test_the_checker_refuses_an_answer_the_document_does_not_promise(served):
    """The guard of every API test works: a wrong status or a wrong shape fails."""

    class Answer:
        is_json = True
        content_type = "application/json"

        def __init__(self, status_code, body):
            self.status_code, self.body = status_code, body

        def get_json(self):
            return self.body

        def get_data(self, as_text=False):
            return str(self.body)

    document = Document(served)
    document.check("GET", f"{PREFIX}/cases/3/events", Answer(200, {"items": []}))
    with pytest.raises(UndocumentedAnswer, match="answered 409"):
        document.check("GET", f"{PREFIX}/cases/3/events", Answer(409, {}))
    with pytest.raises(UndocumentedAnswer, match="does not match"):
        document.check("GET", f"{PREFIX}/cases/3/events", Answer(200, {"items": [{"id": "x"}]}))
    with pytest.raises(UndocumentedAnswer, match="does not match"):
        document.check(
            "POST", f"{PREFIX}/tokens", Answer(201, {"token": "t", "role": "worker", "extra": 1})
        )
    assert document.path_of("/cases/3/claim") == "/cases/{case_id}/claim"
    # A 204 is documented without a body, and must come without one.
    document.check("DELETE", f"{PREFIX}/tokens/3", Answer(204, ""))
    with pytest.raises(UndocumentedAnswer, match="has a body"):
        document.check("DELETE", f"{PREFIX}/tokens/3", Answer(204, {"id": 3}))


def test_the_api_tests_clients_check_every_answer(app, client):
    assert isinstance(client, DocumentedClient) and isinstance(app.test_client(), DocumentedClient)
    with pytest.raises(UndocumentedAnswer, match="DELETE /cases is not in the document"):
        client.delete(f"{PREFIX}/cases")
