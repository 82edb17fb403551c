"""Employers and the organisations that mediate disputes or serve workers."""

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.extensions import db
from mediation.models.places import Region
from mediation.models.types import TitledEnum, enum_column
from mediation.translation import lazy_gettext as _l


class OrgKind(TitledEnum):
    """The four mediation tiers, lowest first, plus re-employment service centres."""

    enterprise = "enterprise"
    union = "union"
    hr_bureau = "hr_bureau"
    court = "court"
    reemployment = "reemployment"

    @property
    def is_mediation_tier(self) -> bool:
        return self is not OrgKind.reemployment


ORG_KIND_TITLES = {
    OrgKind.enterprise: _l("Enterprise mediation committee"),
    OrgKind.union: _l("Trade union mediation organisation"),
    OrgKind.hr_bureau: _l("HR bureau mediation centre"),
    OrgKind.court: _l("Court pre-litigation mediation"),
    OrgKind.reemployment: _l("Re-employment service centre"),
}
OrgKind.TITLES = ORG_KIND_TITLES


class Employer(db.Model):
    __tablename__ = "employers"
    # The worklist's search finds employers by a part of their name (migration 0030).
    __table_args__ = (
        Index(
            "ix_employers_name_trgm",
            "name",
            postgresql_using="gin",
            postgresql_ops={"name": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Unknown while a worker who did not know it filed with the name and address; staff
    # complete it before accepting the case (mediation.cases.employer_identity).
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    # Industry section letter of GB/T 4754-2017 (see mediation.industries).
    industry: Mapped[str] = mapped_column(String(1))
    address: Mapped[str | None] = mapped_column(String(200))

    region: Mapped[Region] = relationship()
    mediation_committee: Mapped["Organization | None"] = relationship(
        back_populates="employer", primaryjoin="Employer.id == Organization.employer_id"
    )

    def __str__(self) -> str:
        return self.name


class Organization(db.Model):
    __tablename__ = "organizations"
    __table_args__ = (
        # An enterprise committee belongs to exactly one employer; no other kind belongs to one.
        CheckConstraint(
            "(kind = 'enterprise') = (employer_id IS NOT NULL)", name="enterprise_has_employer"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # Shown instead of the name when the interface is English (mediation.i18n.display_name).
    name_en: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[OrgKind] = mapped_column(enum_column(OrgKind, "org_kind"))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employers.id"), unique=True)
    # Case numbers read PREFIX-YEAR-NNNNNN; the prefix makes them unique across organisations.
    case_prefix: Mapped[str | None] = mapped_column(String(12), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The organisation's video-meeting room, offered for its video sessions (http or https).
    video_link: Mapped[str | None] = mapped_column(String(500))
    # Where and when the parties find it.
    address: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(30))
    office_hours: Mapped[str | None] = mapped_column(String(200))
    contact: Mapped[str | None] = mapped_column(String(50))

    region: Mapped[Region] = relationship()
    employer: Mapped[Employer | None] = relationship(back_populates="mediation_committee")

    def __str__(self) -> str:
        return self.name
