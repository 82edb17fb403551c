"""Routing and transfer targets, from the organisations and the rules in the database."""

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.util import identity_key

from mediation.core import audit
from mediation.extensions import db
from mediation.models import (
    Employer,
    Organization,
    OrgKind,
    Region,
    RegionLevel,
    RoutingRuleRow,
    User,
)
from mediation.models.places import region_line, region_subtree
from workflows.case import CentreLevel, Tier
from workflows.routing import DEFAULT_RULES, Filing, RoutingDecision, RoutingRule, route

# Names of the built-in rules as an admin first sees them (pages explain them by key).
DEFAULT_RULE_NAMES = {
    "chosen_enterprise": "申请人选择企业劳动争议调解委员会",
    "chosen_union": "申请人选择工会调解",
    "chosen_court": "申请人选择法院诉前调解",
    "collective": "集体争议（十人以上）由区调解中心受理",
    "high_amount": "请求金额二十万元以上由区调解中心受理",
    "employer_street": "用人单位注册地街道调解中心",
}


class Basis(StrEnum):
    """Why an organisation serves an employer, and so may receive its cases by transfer."""

    employer_committee = "employer_committee"  # the employer's own mediation committee
    district_union = "district_union"  # the trade union's mediation of the employer's district
    street_centre = "street_centre"  # the HR centre of the street or town of the employer
    district_centre = "district_centre"  # the district's HR centre
    district_court = "district_court"  # the pre-litigation mediation of the district's court


@dataclass(frozen=True)
class Serving:
    organization: Organization
    basis: Basis


class DatabaseDirectory:
    """Answers ``workflows.routing.Directory`` and the transfer questions from the regions and
    organisations concerned, each read when asked: a province's network (tens of thousands of
    enterprise committees, streets and communities) is too large to read whole for one filing
    or one case page. A region not yet in the session comes with those above it, in one
    statement: asked about a street, routing walks up to its district next."""

    def __init__(self) -> None:
        # The session holds what it loaded only as long as something refers to it.
        self._regions: dict[int, Region] = {}
        self._organizations: dict[int, Organization | None] = {}

    def _region(self, region_id: int) -> Region | None:
        region = self._regions.get(region_id) or db.session.identity_map.get(
            identity_key(Region, region_id)
        )
        if region is None:
            line = db.session.scalars(select(Region).where(Region.id.in_(region_line(region_id))))
            self._regions.update((found.id, found) for found in line)
            region = self._regions.get(region_id)
        return region

    @staticmethod
    def _first_active(*where) -> int | None:
        """The first active organisation (by id) that meets ``where``."""
        return db.session.scalar(
            select(Organization.id)
            .where(Organization.active.is_(True), *where)
            .order_by(Organization.id)
            .limit(1)
        )

    def _active(self, kind: OrgKind, region_id: int) -> int | None:
        return self._first_active(Organization.kind == kind, Organization.region_id == region_id)

    def region_chain(self, region_id: int) -> list[int]:
        """The region and its ancestors, the region itself first."""
        chain = []
        region = self._region(region_id)
        while region is not None:
            chain.append(region.id)
            region = self._region(region.parent_id) if region.parent_id else None
        return chain

    def regions_of(self, region_id: int) -> frozenset[int]:
        return frozenset(self.region_chain(region_id))

    def district_of(self, region_id: int) -> int:
        region = self._region(region_id)
        while region.level is not RegionLevel.district and region.parent_id:
            region = self._region(region.parent_id)
        return region.id

    def committee_of(self, employer_id: int) -> int | None:
        return self._first_active(
            Organization.kind == OrgKind.enterprise, Organization.employer_id == employer_id
        )

    def hr_centre_of(self, region_id: int) -> int | None:
        return self._active(OrgKind.hr_bureau, region_id)

    def union_of(self, district_id: int) -> int | None:
        return self._active(OrgKind.union, district_id)

    def court_of(self, district_id: int) -> int | None:
        return self._active(OrgKind.court, district_id)

    def organization(self, organization_id: int) -> Organization | None:
        if organization_id not in self._organizations:
            self._organizations[organization_id] = db.session.get(Organization, organization_id)
        return self._organizations[organization_id]

    def is_active(self, organization_id: int) -> bool:
        organization = self.organization(organization_id)
        return organization is not None and organization.active

    def any_hr_centre(self) -> int | None:
        return self._first_active(Organization.kind == OrgKind.hr_bureau)

    def level_of(self, organization: Organization) -> CentreLevel | None:
        """The level of an HR-bureau centre within its tier: a centre placed in a district is
        the district centre, one placed in a street or town (or below) a street centre."""
        if organization.kind is not OrgKind.hr_bureau:
            return None
        region = self._region(organization.region_id)
        if region is not None and region.level is RegionLevel.district:
            return CentreLevel.district
        return CentreLevel.street

    def serving(self, employer: Employer) -> list[Serving]:
        """The active mediation organisations that serve ``employer``: its own committee, the
        union and the court of its district (placed in the district or anywhere in it), and the
        HR centres of its street or town and of its district. Lowest tier first."""
        chain = self.region_chain(employer.region_id)
        district = self.district_of(employer.region_id)
        # Only these can serve the employer: its committee, the centres of its regions, and
        # whatever is placed in its district (with their regions, which level_of reads).
        candidates = db.session.scalars(
            select(Organization)
            .options(joinedload(Organization.region))
            .where(
                Organization.active.is_(True),
                or_(
                    Organization.employer_id == employer.id,
                    Organization.region_id.in_(chain),
                    Organization.region_id.in_(region_subtree(district)),
                ),
            )
            .order_by(Organization.id)
        )
        found = []
        for org in candidates:
            in_district = self.district_of(org.region_id) == district
            if org.kind is OrgKind.enterprise and org.employer_id == employer.id:
                found.append(Serving(org, Basis.employer_committee))
            elif org.kind is OrgKind.union and in_district:
                found.append(Serving(org, Basis.district_union))
            elif org.kind is OrgKind.hr_bureau and org.region_id in chain:
                district_level = self.level_of(org) is CentreLevel.district
                found.append(
                    Serving(org, Basis.district_centre if district_level else Basis.street_centre)
                )
            elif org.kind is OrgKind.court and in_district:
                found.append(Serving(org, Basis.district_court))
        return sorted(
            found,
            key=lambda s: (
                Tier(s.organization.kind.value).rank,
                s.basis is Basis.district_centre,
                s.organization.name,
            ),
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


def as_rule(row: RoutingRuleRow) -> RoutingRule:
    return RoutingRule(
        key=row.key or f"rule:{row.id}",
        destination=row.destination,
        organization_id=row.organization_id,
        preferred_tier=Tier(row.preferred_tier) if row.preferred_tier else None,
        min_workers=row.min_workers,
        min_amount=row.min_amount,
        categories=frozenset(row.categories or ()),
        region_ids=frozenset(row.region_ids or ()),
        industries=frozenset(row.industries or ()),
        channels=frozenset(row.channels or ()),
    )


def rule_rows(*, active_only: bool = False) -> list[RoutingRuleRow]:
    query = select(RoutingRuleRow).order_by(RoutingRuleRow.position, RoutingRuleRow.id)
    if active_only:
        query = query.where(RoutingRuleRow.active.is_(True))
    return list(db.session.scalars(query))


def route_filing(filing: Filing) -> tuple[RoutingDecision, Organization]:
    """Where the filing goes, and that organisation (read once, as routing checked it)."""
    directory = DatabaseDirectory()
    rules = [as_rule(row) for row in rule_rows(active_only=True)]
    decision = route(filing, directory, rules)
    return decision, directory.organization(decision.organization_id)


def reason_of(decision: RoutingDecision) -> tuple[str, str | None]:
    """What the case stores as the reason (``Case.routing_reason`` and ``routing_reason_en``):
    a built-in rule's key, or an admin rule's name and English name. The names are kept as
    they are now, as the case's record of why it came, whatever later becomes of the rule."""
    if not decision.rule_key.startswith("rule:"):
        return decision.rule_key, None
    row = db.session.get(RoutingRuleRow, int(decision.rule_key.removeprefix("rule:")))
    return (row.name, row.name_en) if row else (decision.rule_key, None)


def reset_rules_to_defaults(actor: User | None = None) -> None:
    """Replace the table with the rules of DESIGN.md §4 (as the first migration installs)."""
    db.session.execute(delete(RoutingRuleRow))
    for position, rule in enumerate(DEFAULT_RULES, start=1):
        db.session.add(
            RoutingRuleRow(
                position=position,
                key=rule.key,
                name=DEFAULT_RULE_NAMES[rule.key],
                destination=rule.destination,
                preferred_tier=rule.preferred_tier,
                min_workers=rule.min_workers,
                min_amount=rule.min_amount,
                categories=sorted(rule.categories),
                region_ids=sorted(rule.region_ids),
                industries=sorted(rule.industries),
                channels=sorted(rule.channels),
            )
        )
    if actor is not None:
        audit.record("routing.reset", actor=actor)


# What an administrator sets on a rule, as its audit writes it down.
RULE_FIELDS = (
    "name",
    "name_en",
    "active",
    "destination",
    "organization_id",
    "preferred_tier",
    "min_workers",
    "min_amount",
    "categories",
    "region_ids",
    "industries",
    "channels",
)


def _rule_values(row: RoutingRuleRow) -> dict:
    values = {field: getattr(row, field) for field in RULE_FIELDS}
    for field in ("destination", "preferred_tier"):
        values[field] = values[field].value if values[field] is not None else None
    if values["min_amount"] is not None:
        values["min_amount"] = str(values["min_amount"])
    return values | {field: list(values[field] or ()) for field in RULE_FIELDS[-4:]}


def _audit_change(action: str, row: RoutingRuleRow, before: dict, *, actor: User, **details):
    """The rule's event with the values that changed, before and after."""
    after = _rule_values(row)
    changed = [key for key in after if before.get(key) != after[key]]
    audit.record(
        action,
        actor=actor,
        subject=row,
        before={key: before.get(key) for key in changed},
        after={key: after[key] for key in changed},
        **details,
    )


def save_rule(row: RoutingRuleRow, *, actor: User, **values) -> RoutingRuleRow:
    """Add the rule (at the end of the table) or change it to ``values`` (``RULE_FIELDS``)."""
    before = _rule_values(row) if row.id is not None else {}
    for field, value in values.items():
        setattr(row, field, value)
    if row.position is None:
        row.position = (db.session.scalar(select(func.max(RoutingRuleRow.position))) or 0) + 1
    db.session.add(row)
    db.session.flush()
    _audit_change("routing.rule_saved", row, before, actor=actor, name=row.name)
    return row


def move_rule(row: RoutingRuleRow, offset: int, *, actor: User) -> None:
    """Swap the rule with its neighbour above (-1) or below (+1)."""
    rows = rule_rows()
    index = rows.index(row)
    other = index + offset
    if not 0 <= other < len(rows):
        return
    before = row.position
    rows[index], rows[other] = rows[other], rows[index]
    for position, each in enumerate(rows, start=1):
        each.position = position
    audit.record(
        "routing.rule_moved",
        actor=actor,
        subject=row,
        before={"position": before},
        after={"position": row.position},
    )


def set_rule_active(row: RoutingRuleRow, active: bool, *, actor: User) -> None:
    before = row.active
    row.active = active
    audit.record(
        "routing.rule_enabled" if active else "routing.rule_disabled",
        actor=actor,
        subject=row,
        before={"active": before},
        after={"active": active},
    )
