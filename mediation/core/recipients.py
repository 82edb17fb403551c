"""Who receives a case's notices: the applicant (with or without an account), the staff of an
organisation, the employer's representatives."""

from dataclasses import dataclass

from sqlalchemy import select

from mediation.extensions import db
from mediation.models import Case, Employer, Organization, Role, User


@dataclass(frozen=True)
class Contact:
    """Someone without an account who is reached by phone: a walk-in applicant."""

    phone: str
    locale: str | None = None


Recipient = User | Contact


def applicant_of(case: Case) -> Recipient | None:
    """Who a notice for the applicant goes to: their account, or the phone they gave."""
    if case.applicant is not None:
        return case.applicant
    return Contact(phone=case.applicant_phone) if case.applicant_phone else None


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
