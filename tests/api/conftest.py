"""Every answer the API tests receive is checked against the OpenAPI document.

While a test of this folder runs, the app's test clients are :class:`DocumentedClient`s: each
answer under ``/api/v1`` must have a status the document lists for its path and method, and its
JSON must validate against that status's schema (``jsonschema``, draft 2020-12, formats
checked). So a test fails when the API answers something its document does not promise.
"""

import re

import pytest
from jsonschema import Draft202012Validator

from mediation.api.openapi import build_document
from tests.conftest import IsolatedClient

PREFIX = "/api/v1"
ERROR = {"$ref": "#/components/schemas/Error"}


class UndocumentedAnswer(AssertionError):
    """The API answered something its document does not describe."""


class Document:
    """The OpenAPI document as a checker of answers."""

    def __init__(self, document: dict) -> None:
        self.document = document
        # A concrete path (/cases/{case_id}/claim) wins over a templated one.
        self.patterns = [
            (re.compile(re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(path)) + "$"), path)
            for path in sorted(document["paths"], key=lambda path: path.count("{"))
        ]
        self.validators: dict[str, Draft202012Validator] = {}

    def path_of(self, url_path: str) -> str | None:
        return next((path for pattern, path in self.patterns if pattern.match(url_path)), None)

    def check(self, method: str, url: str, response) -> None:
        """Raise :class:`UndocumentedAnswer` unless the document describes ``response``."""
        path = self.path_of(url.split("?", 1)[0].removeprefix(PREFIX))
        if path is None:
            # A URL that no path describes (an unknown trigger) answers like any missing page.
            if response.status_code != 404:
                raise UndocumentedAnswer(f"{method} {url}: {response.status_code}, no such path")
            self.validate(response, ERROR, f"{method} {url}")
            return
        operation = self.document["paths"][path].get(method.lower())
        if operation is None:
            raise UndocumentedAnswer(f"{method} {path} is not in the document")
        documented = operation["responses"].get(str(response.status_code))
        if documented is None:
            raise UndocumentedAnswer(
                f"{method} {path} answered {response.status_code}, documented are "
                f"{sorted(operation['responses'])}: {response.get_data(as_text=True)[:300]}"
            )
        if "content" not in documented:  # 204: documented without a body, and sent without one
            if response.get_data():
                raise UndocumentedAnswer(f"{method} {path} → {response.status_code} has a body")
            return
        if "application/json" not in documented["content"]:  # a file: its media type
            if response.mimetype not in documented["content"]:
                raise UndocumentedAnswer(f"{method} {path} → {response.content_type}")
            return
        schema = documented["content"]["application/json"]["schema"]
        self.validate(response, schema, f"{method} {path} → {response.status_code}")

    def validate(self, response, schema: dict, where: str) -> None:
        if not response.is_json:
            raise UndocumentedAnswer(f"{where}: not JSON but {response.content_type}")
        problems = sorted(
            self.validator(schema).iter_errors(response.get_json()),
            key=lambda error: list(map(str, error.absolute_path)),
        )
        if problems:
            details = "; ".join(
                f"{'/'.join(map(str, error.absolute_path)) or '(answer)'}: {error.message}"
                for error in problems[:5]
            )
            raise UndocumentedAnswer(f"{where}: the answer does not match its schema: {details}")

    def validator(self, schema: dict) -> Draft202012Validator:
        """A validator for ``schema``, its ``$ref``s resolved within the document."""
        key = schema["$ref"] if "$ref" in schema else repr(schema)
        if key not in self.validators:
            self.validators[key] = Draft202012Validator(
                {**schema, "components": self.document["components"]},
                format_checker=Draft202012Validator.FORMAT_CHECKER,
            )
        return self.validators[key]


@pytest.fixture(scope="session")
def openapi_document(database_app) -> dict:
    """The document as the app generates it (the same for every database)."""
    with database_app.test_request_context():
        return build_document(database_app)


@pytest.fixture(scope="session")
def documented(openapi_document) -> Document:
    return Document(openapi_document)


class DocumentedClient(IsolatedClient):
    """A test client that checks every API answer against the document."""

    document: Document

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        request = response.request
        if request.path.startswith(PREFIX + "/"):
            self.document.check(request.method, request.full_path, response)
        return response


@pytest.fixture(autouse=True)
def answers_checked_against_the_document(app, documented):
    """Every client made during the test (``client``, ``browser``, ``app.test_client()``)
    checks the API's answers."""
    client_class = type("Checked", (DocumentedClient,), {"document": documented})
    previous, app.test_client_class = app.test_client_class, client_class
    yield
    app.test_client_class = previous


@pytest.fixture
def api(app, demo):
    """``api(method, path, user=None, lang="en", **kwargs)``: a call as a mobile client makes
    it, signed in as the demo account ``user`` (tokens are asked for once per test)."""
    client = app.test_client()
    tokens: dict[str, str] = {}

    def call(method, path, user=None, lang="en", **kwargs):
        headers = {"Accept-Language": lang, **kwargs.pop("headers", {})}
        if user:
            if user not in tokens:
                answer = client.post(
                    f"{PREFIX}/tokens", json={"username": user, "password": "demo-2026"}
                )
                tokens[user] = answer.json["token"]
            headers["Authorization"] = f"Bearer {tokens[user]}"
        return client.open(f"{PREFIX}{path}", method=method, headers=headers, **kwargs)

    return call
