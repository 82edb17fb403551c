"""The dispute case and what belongs to it: claims, categories, sessions, agreement, evidence.

The case's ``state``, ``outcome``, ``tier``, ``extension_days`` and ``transferred_from_tier``
are written only by :class:`workflows.case.CaseWorkflow`, through ``cases.operations.fire``.
"""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from secrets import randbits
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Computed,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    literal_column,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mediation.extensions import db
from mediation.models.limitation import LimitationSuspension
from mediation.models.mediation import (
    ExtensionProposal,
    PaymentReport,
    ProposalStatus,
    SessionStatus,
)
from mediation.models.organizations import ORG_KIND_TITLES, Employer, Organization, OrgKind
from mediation.models.types import TitledEnum, UTCDateTime, enum_column, utcnow
from mediation.models.users import User
from mediation.translation import lazy_gettext as _l
from workflows.case import OPEN_STATES, CaseState, Outcome, Tier

Money = Numeric(14, 2)


class Category(TitledEnum):
    wage_arrears = "wage_arrears"
    overtime = "overtime"
    dismissal_compensation = "dismissal_compensation"
    social_insurance = "social_insurance"
    work_injury = "work_injury"
    labor_contract = "labor_contract"
    other = "other"


CATEGORY_TITLES = {
    Category.wage_arrears: _l("Unpaid wages"),
    Category.overtime: _l("Overtime pay"),
    Category.dismissal_compensation: _l("Dismissal compensation"),
    Category.social_insurance: _l("Social insurance"),
    Category.work_injury: _l("Work injury"),
    Category.labor_contract: _l("Labour contract"),
    Category.other: _l("Other"),
}
Category.TITLES = CATEGORY_TITLES


class PriorityGroup(TitledEnum):
    migrant_worker = "migrant_worker"
    injured_worker = "injured_worker"
    pregnancy_maternity_nursing = "pregnancy_maternity_nursing"


PRIORITY_GROUP_TITLES = {
    PriorityGroup.migrant_worker: _l("Migrant worker"),
    PriorityGroup.injured_worker: _l("Injured worker"),
    PriorityGroup.pregnancy_maternity_nursing: _l("Woman in pregnancy, maternity or nursing"),
}
PriorityGroup.TITLES = PRIORITY_GROUP_TITLES


class Channel(TitledEnum):
    web = "web"
    window = "window"
    phone = "phone"
    app = "app"


CHANNEL_TITLES = {
    Channel.web: _l("Online"),
    Channel.window: _l("At the counter"),
    Channel.phone: _l("By phone"),
    Channel.app: _l("Mobile app"),
}
Channel.TITLES = CHANNEL_TITLES

STATE_TITLES = {
    CaseState.applied: _l("Applied"),
    CaseState.accepted: _l("Accepted"),
    CaseState.mediating: _l("In mediation"),
    CaseState.closed: _l("Closed"),
    CaseState.archived: _l("Archived"),
}

OUTCOME_TITLES = {
    Outcome.resolved: _l("Resolved by agreement"),
    Outcome.unresolved: _l("Mediation failed"),
    Outcome.withdrawn: _l("Withdrawn"),
    Outcome.declined: _l("Not accepted"),
}

TIER_TITLES = {tier: ORG_KIND_TITLES[OrgKind(tier.value)] for tier in Tier}

COLLECTIVE_DISPUTE_WORKERS = 10


def new_page_version() -> int:
    """A case's ``page_version`` after a change: random, so never one it or another case had."""
    return randbits(62)


# The date the case must move by: the acceptance decision while applied, the end of the
# mediation period once accepted (none until mediation starts), none once closed.
CURRENT_DEADLINE_SQL = (
    "CASE WHEN state = 'applied' THEN acceptance_deadline"
    " WHEN state IN ('accepted', 'mediating') THEN mediation_deadline END"
)
OPEN_SQL = f"state IN ({', '.join(repr(state.value) for state in OPEN_STATES)})"
WAITING_SQL = f"{OPEN_SQL} AND mediator_id IS NULL"
DONE_SQL = f"state IN ({CaseState.closed.value!r}, {CaseState.archived.value!r})"
# Closed cases still holding personal data: the retention sweep (mediation.retention) reads
# them by outcome and day of closing.
RETAINED_SQL = f"{DONE_SQL} AND anonymised_at IS NULL"
ANONYMISED_SQL = "anonymised_at IS NOT NULL"


class ConsentChannel(TitledEnum):
    online = "online"
    window = "window"
    phone = "phone"
    paper = "paper"


ConsentChannel.TITLES = {
    ConsentChannel.online: _l("Online, by the employer's representative"),
    ConsentChannel.window: _l("At the counter"),
    ConsentChannel.phone: _l("By phone"),
    ConsentChannel.paper: _l("On paper"),
}


class Case(db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint(
            "(state IN ('closed', 'archived')) = (outcome IS NOT NULL)", name="outcome_when_closed"
        ),
        CheckConstraint("workers_involved >= 1", name="workers_involved_positive"),
        CheckConstraint(
            "employment_end IS NULL OR employment_end >= employment_start",
            name="employment_ends_after_start",
        ),
        CheckConstraint("monthly_wage IS NULL OR monthly_wage >= 0", name="wage_not_negative"),
        # The mediator's worklist (mediation.queue.worklist) reads each page of its three
        # views in order from one of these: an organisation's open cases nobody claimed, and
        # one mediator's, nearest deadline first; its closed ones, latest first. Partial, so
        # years of archive do not slow the open views. (The waiting view needs its own: a
        # btree orders by the columns after one compared with "=", not with "IS NULL".)
        Index(
            "ix_cases_worklist_waiting",
            "organization_id",
            "current_deadline",
            "id",
            postgresql_where=text(WAITING_SQL),
            sqlite_where=text(WAITING_SQL),
        ),
        Index(
            "ix_cases_worklist_mine",
            "organization_id",
            "mediator_id",
            "current_deadline",
            "id",
            postgresql_where=text(OPEN_SQL),
            sqlite_where=text(OPEN_SQL),
        ),
        Index(
            "ix_cases_worklist_done",
            "organization_id",
            "closed_at",
            "id",
            postgresql_where=text(DONE_SQL),
            sqlite_where=text(DONE_SQL),
        ),
        Index(
            "ix_cases_retention_due",
            "outcome",
            "closed_at",
            "id",
            postgresql_where=text(RETAINED_SQL),
            sqlite_where=text(RETAINED_SQL),
        ),
        Index(
            "ix_cases_anonymised_at",
            "anonymised_at",
            postgresql_where=text(ANONYMISED_SQL),
            sqlite_where=text(ANONYMISED_SQL),
        ),
        # The worklist's search (migration 0030), on PostgreSQL only: trigrams of the number
        # and the applicant's name, and each character and pair of them for one or two typed
        # (mediation.queue.worklist._indexed); then the cases of the employers found.
        Index(
            "ix_cases_search",
            "organization_id",
            "number",
            "applicant_name",
            text("search_grams(number, applicant_name)"),
            postgresql_using="gin",
            postgresql_ops={"number": "gin_trgm_ops", "applicant_name": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
        # The search for text ending in a number's hyphen and counter (migration 0045): the
        # numbers that end with it, a range of this index (mediation.queue.worklist).
        Index(
            "ix_cases_number_reversed",
            func.reverse(literal_column("number")).label("number_reversed"),
            postgresql_ops={"number_reversed": "text_pattern_ops"},
        ).ddl_if(dialect="postgresql"),
        # An employer's cases, and those received since a day: the early warning at each
        # filing reads the employer's last 30 days (mediation.stats.alerts), which by the
        # employer alone meant its whole history (61,000 rows for a large one at a million).
        Index("ix_cases_employer_received", "employer_id", "received_at"),
        Index("ix_cases_organization_employer", "organization_id", "employer_id").ddl_if(
            dialect="postgresql"
        ),
        # The done view searched by an employer's USCC: one employer's closed cases of the
        # organisation, latest first, a page read in order (an employer may have thousands).
        Index(
            "ix_cases_done_by_employer",
            "organization_id",
            "employer_id",
            "closed_at",
            "id",
            postgresql_where=text(DONE_SQL),
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)

    state: Mapped[CaseState] = mapped_column(enum_column(CaseState, "case_state"), index=True)
    outcome: Mapped[Outcome | None] = mapped_column(enum_column(Outcome, "case_outcome"))
    tier: Mapped[Tier] = mapped_column(enum_column(Tier, "case_tier"))
    transferred_from_tier: Mapped[Tier | None] = mapped_column(enum_column(Tier, "case_from_tier"))
    # The organisation that transferred the case here, where ``return`` sends it back.
    transferred_from_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id")
    )
    extension_days: Mapped[int | None] = mapped_column(Integer)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    mediator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Why the case was routed here: a built-in rule's key (the page words it), or the name of
    # the rule an administrator added, and its English name, as they were at routing.
    routing_reason: Mapped[str] = mapped_column(Text)
    routing_reason_en: Mapped[str | None] = mapped_column(Text)

    # The applicant as filed; a walk-in applicant may have no account.
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    applicant_name: Mapped[str] = mapped_column(String(50))
    applicant_id_number: Mapped[str] = mapped_column(String(18))
    applicant_phone: Mapped[str] = mapped_column(String(11))
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"))

    employment_start: Mapped[date] = mapped_column(Date)
    # Indexed for the sweep, which looks for claims about to reach their limitation date.
    employment_end: Mapped[date | None] = mapped_column(Date, index=True)
    # The day the worker knew or should have known of the infringement, as they gave it: the
    # one-year limitation runs from it (劳动争议调解仲裁法 第二十七条第一款).
    rights_known_on: Mapped[date | None] = mapped_column(Date)
    job: Mapped[str] = mapped_column(String(50))
    monthly_wage: Mapped[Decimal | None] = mapped_column(Money)

    facts: Mapped[str] = mapped_column(Text)
    desired_outcome: Mapped[str] = mapped_column(Text, default="")
    workers_involved: Mapped[int] = mapped_column(Integer, default=1)
    representatives: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    lost_job: Mapped[bool] = mapped_column(Boolean, default=False)
    # The worker agreed to be referred to employment services if the job was lost.
    reemployment_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    migrant_worker: Mapped[bool] = mapped_column(Boolean, default=False)
    injured_worker: Mapped[bool] = mapped_column(Boolean, default=False)
    pregnancy_maternity_nursing: Mapped[bool] = mapped_column(Boolean, default=False)
    preferred_tier: Mapped[Tier | None] = mapped_column(enum_column(Tier, "case_preferred_tier"))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "case_channel"))
    filed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Each clock's start day is kept so the deadline can be recomputed when an admin edits
    # the holiday schedule; the deadlines themselves are stored so figures stay stable.
    acceptance_clock_start: Mapped[date] = mapped_column(Date)
    acceptance_deadline: Mapped[date] = mapped_column(Date, index=True)
    mediation_clock_start: Mapped[date | None] = mapped_column(Date)
    mediation_deadline: Mapped[date | None] = mapped_column(Date, index=True)
    # Computed by the database from the state and the two deadlines, so it can be indexed
    # and can never disagree with them; read-only here.
    current_deadline: Mapped[date | None] = mapped_column(
        Date, Computed(CURRENT_DEADLINE_SQL, persisted=True)
    )
    # Set by the deadline sweep on the day it found the current deadline passed.
    overdue_since: Mapped[date | None] = mapped_column(Date)
    # None: not yet asked; True/False: the respondent's answer to the request to mediate.
    respondent_consent: Mapped[bool | None] = mapped_column(Boolean)
    # How that answer was given: online by a representative, or at the window / by phone /
    # on paper as recorded by staff (shown on the timeline).
    respondent_consent_via: Mapped[ConsentChannel | None] = mapped_column(
        enum_column(ConsentChannel, "consent_channel")
    )
    # The employer's written answer (答辩意见) and opening proposal, given online.
    respondent_statement: Mapped[str | None] = mapped_column(Text)
    respondent_proposal: Mapped[str | None] = mapped_column(Text)
    respondent_answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mediation_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    close_reason: Mapped[str | None] = mapped_column(Text)
    # The keyed hash of the progress code that lets the applicant follow the case without an
    # account (mediation.tracking.codes); null until one is issued.
    track_code_hash: Mapped[str | None] = mapped_column(String(64))
    # Not a column: the plain progress code issued in this request, for the one page or answer
    # that shows it (filing).
    issued_track_code = None
    # When the retention rule erased the case's personal data (mediation.retention).
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Optimistic locking: two people changing one case at once cannot both win; the second
    # gets "the case changed" instead of overwriting the first (see cases.operations.fire).
    version: Mapped[int] = mapped_column(Integer, default=1)
    # A new random value at every commit that writes a row of the case, its own or a part's
    # (claims, messages, sessions, audit events…): the key under which the parties' page is
    # kept rendered (mediation.cases.page_store). Random, not counted: a database emptied or
    # restored from a backup never gives a case a version that named another content. Not
    # ``version``: a message posted while someone edits the case must not fail their edit.
    page_version: Mapped[int] = mapped_column(
        BigInteger, default=new_page_version, server_default="0"
    )

    organization: Mapped[Organization] = relationship(foreign_keys=[organization_id])
    transferred_from_organization: Mapped[Organization | None] = relationship(
        foreign_keys=[transferred_from_organization_id]
    )
    employer: Mapped[Employer] = relationship()
    mediator: Mapped[User | None] = relationship(foreign_keys=[mediator_id])
    applicant: Mapped[User | None] = relationship(foreign_keys=[applicant_id])
    filed_by: Mapped[User] = relationship(foreign_keys=[filed_by_id])
    claims: Mapped[list["Claim"]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Claim.id"
    )
    category_rows: Mapped[list["CaseCategory"]] = relationship(cascade="all, delete-orphan")
    sessions: Mapped[list["MediationSession"]] = relationship(
        back_populates="case", order_by="MediationSession.starts_at"
    )
    agreement: Mapped["Agreement | None"] = relationship(back_populates="case")
    # What was said about paying the agreement, newest first: read by several parts of one
    # page, loaded once. Written only by cases.payment.report_payment, which expires it.
    payment_reports: Mapped[list[PaymentReport]] = relationship(
        order_by="PaymentReport.id.desc()", viewonly=True
    )
    evidence: Mapped[list["Evidence"]] = relationship(back_populates="case", order_by="Evidence.id")
    confirmation = relationship("JudicialConfirmation", back_populates="case", uselist=False)
    referral = relationship("Referral", back_populates="case", uselist=False)
    # Both parties' ratings (at most two): the page asks for each party's more than once.
    # Written only by cases.ratings.rate, which expires it.
    ratings: Mapped[list["Rating"]] = relationship(viewonly=True)
    # The proposals to extend the mediation period, oldest first (a refused one may be followed
    # by another): a case page asks whether one is open for several actions and shows the
    # latest. Written only by cases.extension, which expires it after taking the case's lock
    # and after proposing.
    extension_proposals: Mapped[list[ExtensionProposal]] = relationship(
        order_by="ExtensionProposal.id", viewonly=True
    )
    # The limitation's suspensions, oldest first: a case page reads them for the limitation,
    # the arbitration advice (twice) and the staff panel, loaded once. Written only by
    # cases.suspension, which expires it after taking the case's lock and after writing.
    limitation_suspensions: Mapped[list[LimitationSuspension]] = relationship(
        order_by="[LimitationSuspension.starts_on, LimitationSuspension.id]", viewonly=True
    )

    __mapper_args__ = {"version_id_col": version}

    def __str__(self) -> str:
        return self.number

    @property
    def latest_extension_proposal(self) -> ExtensionProposal | None:
        return self.extension_proposals[-1] if self.extension_proposals else None

    @property
    def open_extension_proposal(self) -> ExtensionProposal | None:
        """The proposal waiting for the parties' answers: at most one, and only the latest."""
        latest = self.latest_extension_proposal
        return latest if latest is not None and latest.status == ProposalStatus.open else None

    @property
    def categories(self) -> list[Category]:
        return [row.category for row in self.category_rows]

    @property
    def priority_groups(self) -> list[PriorityGroup]:
        return [group for group in PriorityGroup if getattr(self, group.value)]

    @property
    def amount_claimed(self) -> Decimal:
        return sum((claim.amount for claim in self.claims), Decimal("0.00"))

    @property
    def is_collective(self) -> bool:
        return self.workers_involved >= COLLECTIVE_DISPUTE_WORKERS

    @property
    def current_clock(self) -> str | None:
        """Which legal clock ``current_deadline`` runs on: "acceptance" or "mediation"."""
        if self.state == CaseState.applied:
            return "acceptance"
        return "mediation" if self.state in (CaseState.accepted, CaseState.mediating) else None

    @property
    def is_open(self) -> bool:
        return self.state in (CaseState.applied, CaseState.accepted, CaseState.mediating)


class CaseCategory(db.Model):
    __tablename__ = "case_categories"

    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[Category] = mapped_column(
        enum_column(Category, "case_category"), primary_key=True, index=True
    )


class Claim(db.Model):
    __tablename__ = "claims"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    category: Mapped[Category] = mapped_column(enum_column(Category, "claim_category"))
    amount: Mapped[Decimal] = mapped_column(Money)
    description: Mapped[str] = mapped_column(String(500), default="")

    case: Mapped[Case] = relationship(back_populates="claims")


class CaseCounter(db.Model):
    """The last case number given by an organisation in a year (numbers without gaps)."""

    __tablename__ = "case_counters"

    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class SessionMode(TitledEnum):
    in_person = "in_person"
    phone = "phone"
    video = "video"


SESSION_MODE_TITLES = {
    SessionMode.in_person: _l("In person"),
    SessionMode.phone: _l("By phone"),
    SessionMode.video: _l("Video call"),
}
SessionMode.TITLES = SESSION_MODE_TITLES


class MediationSession(db.Model):
    __tablename__ = "mediation_sessions"
    # The sweep reminds the parties of the sessions still to be held: a few days' worth.
    __table_args__ = (
        Index(
            "ix_mediation_sessions_scheduled",
            "starts_at",
            postgresql_where=text("status = 'scheduled'"),
            sqlite_where=text("status = 'scheduled'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    mode: Mapped[SessionMode] = mapped_column(enum_column(SessionMode, "session_mode"))
    location: Mapped[str] = mapped_column(String(200), default="")
    attendees: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[SessionStatus] = mapped_column(
        enum_column(SessionStatus, "session_status"),
        default=SessionStatus.scheduled,
        server_default="held",  # sessions recorded before scheduling existed were held
    )
    # A video session's meeting link (http or https), typed or the organisation's own.
    video_link: Mapped[str | None] = mapped_column(String(500))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    reminded_day_before_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_hour_before_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship(back_populates="sessions")
    recorded_by: Mapped[User] = relationship()


class Agreement(db.Model):
    """The draft and then signed mediation agreement (调解协议书) of a case."""

    __tablename__ = "agreements"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    terms: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal] = mapped_column(Money)
    # Indexed for the sweep, which asks about payment once the date has passed.
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    drafted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    drafted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    applicant_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    respondent_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Signatures a mediator recorded from paper, instead of the parties confirming online.
    signed_on_paper: Mapped[bool] = mapped_column(Boolean, default=False)
    # The version now current (agreement_versions keeps every one) and the version each
    # party signed: a signature counts only for the version it named.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    applicant_signed_version: Mapped[int | None] = mapped_column(Integer)
    respondent_signed_version: Mapped[int | None] = mapped_column(Integer)
    # The signed paper agreement, scanned: needed before a paper-signed case settles.
    paper_scan_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id"))

    case: Mapped[Case] = relationship(back_populates="agreement")

    @property
    def fully_signed(self) -> bool:
        return self.applicant_signed_current and self.respondent_signed_current

    # A signature counts for the version it named: a redraft voids the earlier ones.
    @property
    def applicant_signed_current(self) -> bool:
        return self.applicant_signed_version == self.version

    @property
    def respondent_signed_current(self) -> bool:
        return self.respondent_signed_version == self.version

    @property
    def paper_scan_missing(self) -> bool:
        """Signed on paper, but the signed agreement has not been scanned in."""
        return self.signed_on_paper and self.paper_scan_id is None


class EvidenceParty(StrEnum):
    applicant = "applicant"
    respondent = "respondent"


class Evidence(db.Model):
    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    party: Mapped[EvidenceParty] = mapped_column(enum_column(EvidenceParty, "evidence_party"))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="evidence")


class CaseDraft(db.Model):
    """An intake form saved half-way, to be resumed by the same person."""

    __tablename__ = "case_drafts"
    __table_args__ = (UniqueConstraint("user_id", name="one_draft_per_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Rating(db.Model):
    """A party's rating of the service, once per party, after the case closed."""

    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("case_id", "party", name="once_per_party"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score_1_to_5"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    party: Mapped[EvidenceParty] = mapped_column(enum_column(EvidenceParty, "rating_party"))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    rated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
