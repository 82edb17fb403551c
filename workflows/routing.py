"""Which organisation receives a new case: an ordered table of rules, first match wins.

Rules are data (DESIGN.md §4). Each names conditions on the filing and a destination; the
destination is resolved against the organisations that exist (a ``Directory``), and a rule whose
destination does not exist for this employer (no enterprise committee, say) is skipped. When no
rule places the case, the fallback is the HR-bureau centre of the employer's district, then
any HR-bureau centre: a case never falls between organisations.

Pure Python: the application supplies the filing's facts and a directory backed by its database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from workflows.case import Tier


class Destination(StrEnum):
    enterprise_committee = "enterprise_committee"  # the employer's own committee
    street_hr_centre = "street_hr_centre"  # HR centre of the employer's street/town
    district_hr_centre = "district_hr_centre"
    district_union = "district_union"
    district_court = "district_court"
    organization = "organization"  # one named organisation


@dataclass(frozen=True)
class Filing:
    """What routing may look at."""

    employer_id: int
    employer_region_id: int
    employer_industry: str
    categories: frozenset[str]
    amount_claimed: Decimal
    workers_involved: int
    preferred_tier: Tier | None = None
    channel: str = "web"


@dataclass(frozen=True)
class RoutingRule:
    """Conditions (all must hold; an empty one always holds) and where the case goes."""

    key: str
    destination: Destination
    organization_id: int | None = None
    preferred_tier: Tier | None = None
    min_workers: int | None = None
    min_amount: Decimal | None = None
    categories: frozenset[str] = field(default_factory=frozenset)  # any of these
    region_ids: frozenset[int] = field(default_factory=frozenset)  # employer's street or district
    industries: frozenset[str] = field(default_factory=frozenset)
    channels: frozenset[str] = field(default_factory=frozenset)

    def matches(self, filing: Filing, employer_regions: frozenset[int]) -> bool:
        return (
            (self.preferred_tier is None or filing.preferred_tier == self.preferred_tier)
            and (self.min_workers is None or filing.workers_involved >= self.min_workers)
            and (self.min_amount is None or filing.amount_claimed >= self.min_amount)
            and (not self.categories or bool(self.categories & filing.categories))
            and (not self.region_ids or bool(self.region_ids & employer_regions))
            and (not self.industries or filing.employer_industry in self.industries)
            and (not self.channels or filing.channel in self.channels)
        )


class Directory(Protocol):
    """Finds organisations; each method returns an organisation id or None."""

    def regions_of(self, region_id: int) -> frozenset[int]: ...  # the region and its ancestors

    def committee_of(self, employer_id: int) -> int | None: ...

    def hr_centre_of(self, region_id: int) -> int | None: ...  # exactly this region

    def district_of(self, region_id: int) -> int: ...

    def union_of(self, district_id: int) -> int | None: ...

    def court_of(self, district_id: int) -> int | None: ...

    def is_active(self, organization_id: int) -> bool: ...

    def any_hr_centre(self) -> int | None: ...


@dataclass(frozen=True)
class RoutingDecision:
    organization_id: int
    rule_key: str  # the rule that placed the case, or "fallback"


class NoOrganisation(LookupError):
    """There is no HR-bureau centre at all: the deployment is not set up."""


# Collective disputes and claims of this size go to the district centre (DESIGN.md §4).
HIGH_AMOUNT = Decimal("200000")
COLLECTIVE_WORKERS = 10

DEFAULT_RULES: tuple[RoutingRule, ...] = (
    RoutingRule(
        "chosen_enterprise", Destination.enterprise_committee, preferred_tier=Tier.enterprise
    ),
    RoutingRule("chosen_union", Destination.district_union, preferred_tier=Tier.union),
    RoutingRule("chosen_court", Destination.district_court, preferred_tier=Tier.court),
    RoutingRule("collective", Destination.district_hr_centre, min_workers=COLLECTIVE_WORKERS),
    RoutingRule("high_amount", Destination.district_hr_centre, min_amount=HIGH_AMOUNT),
    RoutingRule("employer_street", Destination.street_hr_centre),
)


def _resolve(rule: RoutingRule, filing: Filing, directory: Directory) -> int | None:
    district = directory.district_of(filing.employer_region_id)
    match rule.destination:
        case Destination.enterprise_committee:
            return directory.committee_of(filing.employer_id)
        case Destination.street_hr_centre:
            return directory.hr_centre_of(filing.employer_region_id)
        case Destination.district_hr_centre:
            return directory.hr_centre_of(district)
        case Destination.district_union:
            return directory.union_of(district)
        case Destination.district_court:
            return directory.court_of(district)
        case Destination.organization:
            return rule.organization_id


def route(
    filing: Filing, directory: Directory, rules: Sequence[RoutingRule] = DEFAULT_RULES
) -> RoutingDecision:
    employer_regions = directory.regions_of(filing.employer_region_id)
    for rule in rules:
        if rule.matches(filing, employer_regions):
            organization_id = _resolve(rule, filing, directory)
            if organization_id is not None and directory.is_active(organization_id):
                return RoutingDecision(organization_id, rule.key)
    fallback = directory.hr_centre_of(directory.district_of(filing.employer_region_id))
    fallback = fallback or directory.any_hr_centre()
    if fallback is None:
        raise NoOrganisation("no HR-bureau mediation centre exists")
    return RoutingDecision(fallback, "fallback")
