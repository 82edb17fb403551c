"""The organisations that routing and escalation can reach, read from the database."""

from functools import cached_property

from sqlalchemy import select

from mediation.extensions import db
from mediation.models import Organization, OrgKind, Region, RegionLevel
from workflows.case import Tier
from workflows.routing import Filing, RoutingDecision, route


class DatabaseDirectory:
    """Answers ``workflows.routing.Directory`` from two small tables, read once per operation."""

    @cached_property
    def _regions(self) -> dict[int, Region]:
        return {region.id: region for region in db.session.scalars(select(Region))}

    @cached_property
    def _organizations(self) -> list[Organization]:
        return list(db.session.scalars(select(Organization).order_by(Organization.id)))

    def _active(self, kind: OrgKind, region_id: int) -> int | None:
        for org in self._organizations:
            if org.kind is kind and org.region_id == region_id and org.active:
                return org.id
        return None

    def regions_of(self, region_id: int) -> frozenset[int]:
        chain = []
        region = self._regions.get(region_id)
        while region is not None:
            chain.append(region.id)
            region = self._regions.get(region.parent_id) if region.parent_id else None
        return frozenset(chain)

    def district_of(self, region_id: int) -> int:
        region = self._regions[region_id]
        while region.level is not RegionLevel.district and region.parent_id:
            region = self._regions[region.parent_id]
        return region.id

    def committee_of(self, employer_id: int) -> int | None:
        for org in self._organizations:
            if org.kind is OrgKind.enterprise and org.employer_id == employer_id and org.active:
                return org.id
        return None

    def hr_centre_of(self, region_id: int) -> int | None:
        return self._active(OrgKind.hr_bureau, region_id)

    def union_of(self, district_id: int) -> int | None:
        return self._active(OrgKind.union, district_id)

    def court_of(self, district_id: int) -> int | None:
        return self._active(OrgKind.court, district_id)

    def is_active(self, organization_id: int) -> bool:
        return any(org.id == organization_id and org.active for org in self._organizations)

    def any_hr_centre(self) -> int | None:
        return next(
            (org.id for org in self._organizations if org.kind is OrgKind.hr_bureau and org.active),
            None,
        )

    def default_transfer_target(self, tier: Tier, employer_region_id: int) -> int | None:
        """Where an escalation goes when staff name no organisation: the next tier up.

        From the union the case goes to the district HR centre, which handles what street
        centres could not; from any HR centre it goes to the district court.
        """
        district = self.district_of(employer_region_id)
        next_tier = tier.next_tier()
        if next_tier is Tier.union:
            return self.union_of(district)
        if next_tier is Tier.hr_bureau:
            return self.hr_centre_of(district) or self.hr_centre_of(employer_region_id)
        if next_tier is Tier.court:
            return self.court_of(district)
        return None


def route_filing(filing: Filing) -> RoutingDecision:
    return route(filing, DatabaseDirectory())
