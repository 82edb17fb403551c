"""The ORM models, one module per aggregate; imported here so Alembic sees every table."""

from mediation.models.events import AuditEvent
from mediation.models.organizations import Employer, Organization, OrgKind
from mediation.models.places import Region, RegionLevel
from mediation.models.users import Role, User, UserSession

__all__ = [
    "AuditEvent",
    "Employer",
    "OrgKind",
    "Organization",
    "Region",
    "RegionLevel",
    "Role",
    "User",
    "UserSession",
]
