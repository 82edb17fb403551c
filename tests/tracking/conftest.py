"""The API answers of these tests are checked against the OpenAPI document, as in tests/api."""

from tests.api.conftest import (  # noqa: F401  (fixtures)
    answers_checked_against_the_document,
    api,
    documented,
    openapi_document,
)
