"""Re-employment referrals of workers who lost their job through a dispute, and vacancies.

A referral's ``state`` is written only by :class:`workflows.referral.ReferralWorkflow`,
through ``referrals.operations``.
"""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from flask_babel import LazyString
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.extensions import db
from mediation.models.organizations import Organization
from mediation.models.places import Region
from mediation.models.types import TitledEnum, UTCDateTime, enum_column, utcnow
from mediation.models.users import User
from mediation.translation import lazy_gettext as _l
from workflows.referral import ReferralState

Money = Numeric(12, 2)

REFERRAL_STATE_TITLES = {
    ReferralState.referred: _l("Referred, waiting for contact"),
    ReferralState.contacted: _l("In contact"),
    ReferralState.in_training: _l("In training"),
    ReferralState.placed: _l("Placed in a new job"),
    ReferralState.declined: _l("Declined by the worker"),
    ReferralState.closed: _l("Closed"),
}


class ContactChannel(TitledEnum):
    phone = "phone"
    in_person = "in_person"
    message = "message"


CONTACT_CHANNEL_TITLES = {
    ContactChannel.phone: _l("Phone"),
    ContactChannel.in_person: _l("In person"),
    ContactChannel.message: _l("Text message or WeChat"),
}
ContactChannel.TITLES = CONTACT_CHANNEL_TITLES


class Referral(db.Model):
    __tablename__ = "referrals"
    __table_args__ = (
        CheckConstraint("wage_expectation IS NULL OR wage_expectation >= 0", name="wage_ok"),
        CheckConstraint("placed_wage IS NULL OR placed_wage >= 0", name="placed_wage_ok"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # One referral per case, ever: the unique key is what stops a second one.
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[ReferralState] = mapped_column(
        enum_column(ReferralState, "referral_state"), index=True
    )
    referred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    referred_on: Mapped[date] = mapped_column(Date)
    # First contact is due within 3 working days of the referral.
    contact_due: Mapped[date] = mapped_column(Date, index=True)
    first_contacted_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(Text)

    # What the officer needs from the case, and nothing more (no evidence, ID masked).
    worker_name: Mapped[str] = mapped_column(String(50))
    worker_phone: Mapped[str] = mapped_column(String(11))
    worker_id_masked: Mapped[str] = mapped_column(String(18))
    last_job: Mapped[str] = mapped_column(String(50))
    last_industry: Mapped[str] = mapped_column(String(1))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))

    # The worker's profile, as the officer records it.
    skills: Mapped[str] = mapped_column(Text, default="")
    education: Mapped[str] = mapped_column(String(50), default="")
    certificates: Mapped[str] = mapped_column(Text, default="")
    desired_job: Mapped[str] = mapped_column(String(100), default="")
    desired_industries: Mapped[list[str]] = mapped_column(JSON, default=list)
    desired_district_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    wage_expectation: Mapped[Decimal | None] = mapped_column(Money)
    training_interest: Mapped[bool] = mapped_column(Boolean, default=False)

    training_course: Mapped[str | None] = mapped_column(String(200))
    training_start: Mapped[date | None] = mapped_column(Date)
    training_end: Mapped[date | None] = mapped_column(Date)

    placed_employer: Mapped[str | None] = mapped_column(String(200))
    placed_job: Mapped[str | None] = mapped_column(String(100))
    placed_start: Mapped[date | None] = mapped_column(Date)
    placed_wage: Mapped[Decimal | None] = mapped_column(Money)

    version: Mapped[int] = mapped_column(Integer, default=1)

    case = relationship("Case", back_populates="referral")
    centre: Mapped[Organization] = relationship()
    officer: Mapped[User | None] = relationship(foreign_keys=[officer_id])
    worker: Mapped[User | None] = relationship(foreign_keys=[worker_id])
    district: Mapped[Region | None] = relationship(foreign_keys=[district_id])
    desired_district: Mapped[Region | None] = relationship(foreign_keys=[desired_district_id])
    contacts: Mapped[list["ReferralContact"]] = relationship(
        back_populates="referral", order_by="ReferralContact.id"
    )
    proposals: Mapped[list["VacancyProposal"]] = relationship(
        back_populates="referral", order_by="VacancyProposal.id"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def state_title(self) -> LazyString:
        return REFERRAL_STATE_TITLES[ReferralState(self.state)]


class ReferralContact(db.Model):
    __tablename__ = "referral_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("referrals.id", ondelete="CASCADE"), index=True
    )
    contacted_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[ContactChannel] = mapped_column(enum_column(ContactChannel, "contact_channel"))
    result: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    referral: Mapped[Referral] = relationship(back_populates="contacts")


class Vacancy(db.Model):
    __tablename__ = "vacancies"
    __table_args__ = (
        CheckConstraint("wage_min IS NULL OR wage_min >= 0", name="wage_min_ok"),
        CheckConstraint(
            "wage_max IS NULL OR wage_min IS NULL OR wage_max >= wage_min", name="wage_range_ok"
        ),
        CheckConstraint("openings >= 0", name="openings_ok"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    employer: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(100))
    industry: Mapped[str] = mapped_column(String(1))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    wage_min: Mapped[Decimal | None] = mapped_column(Money)
    wage_max: Mapped[Decimal | None] = mapped_column(Money)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    openings: Mapped[int] = mapped_column(Integer, default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    district: Mapped[Region | None] = relationship()
    centre: Mapped[Organization] = relationship()


class ProposalAnswer(StrEnum):
    interested = "interested"
    not_interested = "not_interested"


class VacancyProposal(db.Model):
    """A vacancy an officer put to a worker, and the worker's answer."""

    __tablename__ = "vacancy_proposals"
    __table_args__ = (UniqueConstraint("referral_id", "vacancy_id", name="once_per_vacancy"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"))
    vacancy_id: Mapped[int] = mapped_column(ForeignKey("vacancies.id"))
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answer: Mapped[ProposalAnswer | None] = mapped_column(enum_column(ProposalAnswer, "answer"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    referral: Mapped[Referral] = relationship(back_populates="proposals")
    vacancy: Mapped[Vacancy] = relationship()
