"""An administrator records where the network's people are found: each organisation's address,
phone, office hours and contact person, and each district's labour-dispute arbitration
commission, legal-aid station and basic people's court, which the arbitration advice, the
payment-order application and the court's decisions name (``cases.advice``). Each change is
audited with the values before and after."""

from mediation.core import audit
from mediation.core.errors import Invalid
from mediation.extensions import db
from mediation.models import Organization, Region, RegionLevel, User
from mediation.translation import lazy_gettext as _l

DISTRICT_FIELDS = (
    "arbitration_commission",
    "arbitration_address",
    "arbitration_phone",
    "legal_aid_station",
    "legal_aid_address",
    "legal_aid_phone",
    "basic_court",
    "basic_court_address",
    "basic_court_phone",
)
ONLY_A_DISTRICT = _l(
    "Only a district has an arbitration commission, a legal-aid station and a basic court."
)
ORGANIZATION_FIELDS = ("address", "phone", "office_hours", "contact", "video_link")


def _record(record: db.Model, fields: tuple[str, ...], values: dict, *, action: str, actor: User):
    """Set ``fields`` of ``record`` from ``values`` (blank: none) and audit what changed."""
    changed = {}
    for field in fields:
        new = (values.get(field) or "").strip() or None
        old = getattr(record, field)
        if new != old:
            changed[field] = (old, new)
            setattr(record, field, new)
    if changed:
        audit.record(
            action,
            actor=actor,
            subject=record,
            before={field: old for field, (old, _new) in changed.items()},
            after={field: new for field, (_old, new) in changed.items()},
        )
    return changed


def update_district(region: Region, *, actor: User, **values: str | None) -> dict:
    """The district's commission, legal-aid station and basic court; returns what changed.
    Only a district has them (劳动争议调解仲裁法 第十七条: commissions are set up for a county
    or district; the basic people's court sits for the same district)."""
    if region.level is not RegionLevel.district:
        if given := [field for field in DISTRICT_FIELDS if (values.get(field) or "").strip()]:
            raise Invalid({field: [ONLY_A_DISTRICT] for field in given})
        return {}
    return _record(region, DISTRICT_FIELDS, values, action="region.updated", actor=actor)


def update_organization(organization: Organization, *, actor: User, **values: str | None) -> dict:
    """Where and when the organisation's parties find it; returns what changed."""
    return _record(
        organization, ORGANIZATION_FIELDS, values, action="organization.updated", actor=actor
    )
