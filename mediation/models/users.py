"""People who use the platform, their roles, and their signed-in sessions."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, String, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.extensions import db
from mediation.models.organizations import Employer, Organization
from mediation.models.places import Region
from mediation.models.types import TitledEnum, UTCDateTime, enum_column, utcnow
from mediation.translation import lazy_gettext as _l


class Role(TitledEnum):
    worker = "worker"
    employer_rep = "employer_rep"
    mediator = "mediator"
    court_liaison = "court_liaison"
    reemployment_officer = "reemployment_officer"
    supervisor = "supervisor"
    admin = "admin"


ROLE_TITLES = {
    Role.worker: _l("Worker"),
    Role.employer_rep: _l("Employer representative"),
    Role.mediator: _l("Mediator"),
    Role.court_liaison: _l("Court liaison"),
    Role.reemployment_officer: _l("Re-employment officer"),
    Role.supervisor: _l("Supervisor"),
    Role.admin: _l("Administrator"),
}
Role.TITLES = ROLE_TITLES

# Staff work inside one organisation; these are the kinds each role may belong to.
STAFF_ORG_KINDS = {
    Role.mediator: ("enterprise", "union", "hr_bureau", "court"),
    Role.court_liaison: ("court",),
    Role.reemployment_officer: ("reemployment",),
}


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role NOT IN ('mediator', 'court_liaison', 'reemployment_officer')"
            " OR organization_id IS NOT NULL",
            name="staff_have_organization",
        ),
        CheckConstraint(
            "role != 'employer_rep' OR employer_id IS NOT NULL", name="rep_has_employer"
        ),
        CheckConstraint(
            "role != 'supervisor' OR region_id IS NOT NULL", name="supervisor_has_region"
        ),
        CheckConstraint("role != 'worker' OR id_number IS NOT NULL", name="worker_has_id_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(11), unique=True)
    id_number: Mapped[str | None] = mapped_column(String(18), unique=True)
    # Optional: notices are also e-mailed once the address is verified by a link.
    email: Mapped[str | None] = mapped_column(String(254))
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A worker's account is usable once the SMS code sent to the phone was entered.
    phone_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Information-only notices by SMS; notices with legal effect are always sent.
    sms_information: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employers.id"), index=True)
    # A supervisor's jurisdiction.
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    locale: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A lead mediator assigns and reassigns the cases of their organisation (cases.assignment)
    # and sees its team's load (/team). Only a mediator is a lead (admin.staff keeps it so).
    is_lead: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The second factor of staff (auth.two_factor): a TOTP secret, in use once a first code
    # confirmed it; the time step of the last code accepted, so no code is accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)

    organization: Mapped[Organization | None] = relationship()
    employer: Mapped[Employer | None] = relationship()
    region: Mapped[Region | None] = relationship()

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:  # Flask-Login asks this
        return self.active

    @property
    def has_second_factor(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ORG_KINDS


class UserSession(db.Model):
    """One signed-in browser. The cookie carries only the random id.

    Keeping sessions in the database lets logout and a password change end the user's other
    sessions in every app process, which a signed cookie alone cannot do.
    """

    __tablename__ = "user_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The last request, at most a minute stale: the idle timeout counts from it.
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user_agent: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship()


class ApiToken(db.Model):
    """A Bearer token of the JSON API. Only its SHA-256 is stored: a leaked table reveals none."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class RecoveryCode(db.Model):
    """A one-time code that stands in for the authenticator app when the phone is lost. Only
    its SHA-256 is stored; the codes are shown once, when they are made."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
