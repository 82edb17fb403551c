"""What the worker (or staff on their behalf) may edit in an application, one schema for the
page and the API: the claims with their amounts, the facts and reasons, the evidence lines and
the addresses. Everything else is printed from the case as it stands."""

from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, field_validator

from mediation.core.fields import FILLED, FILLED_SCHEMA, Amount, problem
from mediation.core.schemas import Body
from mediation.translation import lazy_gettext as _l

MAX_CLAIMS = 20
MAX_EVIDENCE_LINES = 50
EVIDENCE_LINE_LENGTH = 255

NO_CLAIM = _l("Enter at least one claim with its amount.")


class ClaimLine(Body):
    """One claim (仲裁请求 / 请求事项): what is asked for, and how much."""

    description: Annotated[str, Field(max_length=500), FILLED, FILLED_SCHEMA]
    amount: Amount


class Content(Body):
    """The edited fields of an application: every claim with its amount, the facts and reasons,
    one evidence item a line, and the addresses the commission or court writes to."""

    claims: list[ClaimLine] = Field(
        max_length=MAX_CLAIMS, json_schema_extra={"minItems": 1}, description="One per claim"
    )
    facts: Annotated[str, Field(max_length=10000), FILLED, FILLED_SCHEMA]
    evidence: list[Annotated[str, Field(max_length=EVIDENCE_LINE_LENGTH)]] = Field(
        [], max_length=MAX_EVIDENCE_LINES, description="One evidence item a line"
    )
    applicant_address: str = Field("", max_length=200, description="Where letters reach the worker")
    respondent_address: str = Field("", max_length=200)
    respondent_representative: str = Field(
        "", max_length=50, description="The employer's legal representative, if known"
    )

    @field_validator("claims")
    @classmethod
    def _some_claim(cls, claims: list[ClaimLine]) -> list[ClaimLine]:
        if not claims:
            raise problem("required", NO_CLAIM)
        return claims

    @field_validator("evidence")
    @classmethod
    def _no_blank_lines(cls, lines: list[str]) -> list[str]:
        return [line for line in lines if line]

    def stored(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    @property
    def total(self) -> Decimal:
        return sum((claim.amount for claim in self.claims), Decimal("0.00"))
