"""Routing rules, table-driven, on a small made-up network (no database)."""

from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from workflows.case import Tier
from workflows.routing import (
    DEFAULT_RULES,
    Destination,
    Filing,
    NoOrganisation,
    RoutingRule,
    route,
)

# Regions: district 1 with streets 11 and 12 (12 has no HR centre); district 2 with street 21.
PARENT = {11: 1, 12: 1, 21: 2, 1: None, 2: None}
DISTRICTS = {1, 2}


@dataclass
class Network:
    committees: dict[int, int] = field(default_factory=lambda: {500: 50})  # employer → committee
    hr_centres: dict[int, int] = field(default_factory=lambda: {11: 111, 1: 100, 2: 200})
    unions: dict[int, int] = field(default_factory=lambda: {1: 101})
    courts: dict[int, int] = field(default_factory=lambda: {1: 102})
    inactive: set[int] = field(default_factory=set)

    def regions_of(self, region_id):
        chain = []
        while region_id is not None:
            chain.append(region_id)
            region_id = PARENT[region_id]
        return frozenset(chain)

    def district_of(self, region_id):
        return region_id if region_id in DISTRICTS else PARENT[region_id]

    def committee_of(self, employer_id):
        return self.committees.get(employer_id)

    def hr_centre_of(self, region_id):
        return self.hr_centres.get(region_id)

    def union_of(self, district_id):
        return self.unions.get(district_id)

    def court_of(self, district_id):
        return self.courts.get(district_id)

    def is_active(self, organization_id):
        return organization_id not in self.inactive

    def any_hr_centre(self):
        return min(self.hr_centres.values(), default=None)


def filing(**changes) -> Filing:
    values = {
        "employer_id": 500,  # has a committee
        "employer_region_id": 11,
        "employer_industry": "C",
        "categories": frozenset({"wage_arrears"}),
        "amount_claimed": Decimal("13000"),
        "workers_involved": 1,
    }
    return Filing(**{**values, **changes})


CASES = [
    # (what, filing changes, network changes, organisation, rule)
    ("ordinary case: the street centre", {}, {}, 111, "employer_street"),
    (
        "chose the committee, employer has one",
        {"preferred_tier": Tier.enterprise},
        {},
        50,
        "chosen_enterprise",
    ),
    (
        "chose the committee, employer has none",
        {"preferred_tier": Tier.enterprise, "employer_id": 501},
        {},
        111,
        "employer_street",
    ),
    (
        "chose the committee, it is inactive",
        {"preferred_tier": Tier.enterprise},
        {"inactive": {50}},
        111,
        "employer_street",
    ),
    ("chose the union", {"preferred_tier": Tier.union}, {}, 101, "chosen_union"),
    ("chose the court", {"preferred_tier": Tier.court}, {}, 102, "chosen_court"),
    (
        "chose the HR bureau: the street centre",
        {"preferred_tier": Tier.hr_bureau},
        {},
        111,
        "employer_street",
    ),
    ("collective: ten workers", {"workers_involved": 10}, {}, 100, "collective"),
    ("nine workers are not collective", {"workers_involved": 9}, {}, 111, "employer_street"),
    ("high amount", {"amount_claimed": Decimal("200000")}, {}, 100, "high_amount"),
    (
        "just under the high amount",
        {"amount_claimed": Decimal("199999.99")},
        {},
        111,
        "employer_street",
    ),
    (
        "a chosen tier beats collective",
        {"preferred_tier": Tier.union, "workers_involved": 30},
        {},
        101,
        "chosen_union",
    ),
    (
        "street without a centre: fallback to the district",
        {"employer_region_id": 12},
        {},
        100,
        "fallback",
    ),
    ("other district: its own centre by fallback", {"employer_region_id": 21}, {}, 200, "fallback"),
    (
        "chose the union where there is none: street",
        {"preferred_tier": Tier.union, "employer_region_id": 21},
        {},
        200,
        "fallback",
    ),
    (
        "no district centre either: any HR centre",
        {"employer_region_id": 12},
        {"hr_centres": {11: 111}},
        111,
        "fallback",
    ),
]


@pytest.mark.parametrize(
    ("changes", "network", "organization", "rule"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_default_rules(changes, network, organization, rule):
    decision = route(filing(**changes), Network(**network))
    assert (decision.organization_id, decision.rule_key) == (organization, rule)


ADMIN_RULES = [
    RoutingRule(
        "construction", Destination.organization, organization_id=777, industries=frozenset({"E"})
    ),
    RoutingRule(
        "injury_to_district", Destination.district_hr_centre, categories=frozenset({"work_injury"})
    ),
    RoutingRule(
        "phone_in_district_2",
        Destination.district_hr_centre,
        channels=frozenset({"phone"}),
        region_ids=frozenset({2}),
    ),
    *DEFAULT_RULES,
]


@pytest.mark.parametrize(
    ("changes", "organization", "rule"),
    [
        ({"employer_industry": "E"}, 777, "construction"),
        ({"categories": frozenset({"overtime", "work_injury"})}, 100, "injury_to_district"),
        ({"channel": "phone", "employer_region_id": 21}, 200, "phone_in_district_2"),
        ({"channel": "phone"}, 111, "employer_street"),  # district 1: the region does not match
    ],
)
def test_conditions_on_industry_category_channel_and_region(changes, organization, rule):
    decision = route(filing(**changes), Network(), ADMIN_RULES)
    assert (decision.organization_id, decision.rule_key) == (organization, rule)


def test_first_matching_rule_wins_and_order_matters():
    assert (
        route(filing(workers_involved=12, amount_claimed=Decimal("500000")), Network()).rule_key
        == "collective"
    )
    reordered = [DEFAULT_RULES[4], DEFAULT_RULES[3], *DEFAULT_RULES[5:]]
    decision = route(
        filing(workers_involved=12, amount_claimed=Decimal("500000")), Network(), reordered
    )
    assert decision.rule_key == "high_amount"


def test_no_rules_at_all_still_places_the_case():
    assert route(filing(), Network(), []).organization_id == 100


def test_no_hr_centre_anywhere_is_a_setup_error():
    with pytest.raises(NoOrganisation):
        route(filing(), Network(hr_centres={}), [])
