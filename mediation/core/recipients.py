"""Who receives a case's notices: the staff of an organisation, the employer's representatives."""

from sqlalchemy import select

from mediation.extensions import db
from mediation.models import Employer, Organization, Role, User


def staff_of(organization: Organization) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(
                User.organization_id == organization.id,
                User.role.in_([Role.mediator, Role.court_liaison]),
                User.active.is_(True),
            )
        )
    )


def representatives_of(employer: Employer) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.employer_id == employer.id, User.active.is_(True))
        )
    )
