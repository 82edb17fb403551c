"""The API's request bodies and answers, one pydantic model each; the OpenAPI document is
generated from them (``mediation.api.openapi``).

Bodies are read with ``mediation.core.schemas.parse`` (every field's problem at once, in the
caller's language). The filing body lives with filing (``mediation.cases.schemas``), each case
trigger's body with its declaration (``mediation.cases.triggers``).

Answers forbid keys they do not declare, so an answer and its documentation cannot drift apart:
the serialisers build these models and send ``model_dump(mode="json")``.
"""

from dataclasses import fields
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    WithJsonSchema,
    create_model,
    field_validator,
)

from mediation.admin.regions import BAD_PHONE as BAD_TELEPHONE
from mediation.admin.regions import PHONE as TELEPHONE
from mediation.cases.triggers import CASE_ACTIONS
from mediation.core.fields import (
    FILLED,
    FILLED_SCHEMA,
    MONEY_SCHEMA,
    Amount,
    Day,
    one_of,
    problem,
    within,
)
from mediation.core.schemas import Body, RecordId
from mediation.extensions import db
from mediation.industries import INDUSTRIES
from mediation.models import Answer as MediationAnswer
from mediation.models import (
    Attendance,
    Category,
    Channel,
    ConfirmationStatus,
    ConsentChannel,
    EvidenceParty,
    LegalAidChannel,
    OrgKind,
    Payment,
    PriorityGroup,
    ProposalAnswer,
    ProposalStatus,
    Region,
    RegionLevel,
    Role,
    SessionMode,
    SessionStatus,
    SuspensionCause,
)
from mediation.stats import compute
from mediation.translation import lazy_gettext as _l
from workflows.case import CaseState, Outcome, Tier
from workflows.referral import ReferralState

# -- Bodies ------------------------------------------------------------------------------------


class Credentials(Body):
    username: Annotated[
        str,
        Field(max_length=50, description="Username or mobile number"),
        FILLED,
        FILLED_SCHEMA,
    ]
    password: Annotated[str, Field(max_length=128), FILLED, FILLED_SCHEMA]
    otp: str | None = Field(
        None,
        max_length=20,
        description="Staff only: the code of their authenticator app, or a recovery code",
    )


class Respond(Body):
    """The employer's answer to the request to mediate, given online by its representative. A
    refusal stands (staff cannot accept the case over it) until the representative answers
    again."""

    consent: bool = Field(description="true: the employer agrees to mediate")
    statement: str = Field(
        "",
        max_length=10000,
        validation_alias=AliasChoices("statement", "note"),
        description="The statement of defence (答辩意见): the employer's side of the facts and "
        "its view of each claim (also accepted as `note`); evidence goes to …/evidence",
    )
    proposal: str = Field(
        "", max_length=5000, description="An opening proposal to settle (optional)"
    )


class AgreementDraft(Body):
    """A new draft of the agreement; the parties' signatures on an earlier draft are void."""

    terms: Annotated[str, Field(max_length=10000), FILLED, FILLED_SCHEMA]
    amount: Amount
    due_date: Day | None = Field(None, description="When the amount is to be paid")


class SignAgreement(Body):
    """A party signs one version of the agreement, giving their password again."""

    version: int = Field(
        ge=1, description="The version read and signed (`agreement.version` of the case)"
    )
    password: Annotated[
        str,
        Field(max_length=128, description="The signer's password, asked again"),
        FILLED,
        FILLED_SCHEMA,
    ]


class PaymentReportBody(Body):
    """Whether the agreed amount was paid: the worker, the employer's representative or the
    mediator (a proof of payment is uploaded on the case page)."""

    payment: Annotated[Payment, one_of(Payment)]
    amount_paid: Amount | None = Field(None, description="Required when `partly_paid`")
    note: str = Field("", max_length=2000)


class ConfirmationDecision(Body):
    confirm: bool = Field(description="true: the court confirms the agreement")
    reason: str = Field("", max_length=2000, description="Required when refusing")


class VacancyEntry(Body):
    """A vacancy of the officer's centre."""

    employer: Annotated[str, Field(max_length=200), FILLED, FILLED_SCHEMA]
    title: Annotated[str, Field(max_length=100), FILLED, FILLED_SCHEMA]
    industry: Annotated[
        str,
        Field(max_length=1, description="GB/T 4754 section letter, A to T"),
        FILLED,
        FILLED_SCHEMA,
    ]
    district_id: RecordId = Field(description="The district (region id) of the workplace")
    wage_min: Amount | None = None
    wage_max: Amount | None = None
    skills: list[Annotated[str, Field(max_length=100)]] = Field([], max_length=50)
    openings: Annotated[int, Field(ge=1, le=10000), within(1, 10000)] = 1

    @field_validator("industry")
    @classmethod
    def _known_industry(cls, value: str) -> str:
        if value not in INDUSTRIES:
            raise problem("industry", _l("Use a GB/T 4754 section letter, A to T."))
        return value

    @field_validator("district_id")
    @classmethod
    def _known_district(cls, value: int) -> int:
        if db.session.get(Region, value) is None:
            raise problem("district", _l("Not a known district."))
        return value

    @field_validator("wage_max")
    @classmethod
    def _not_below_lowest(cls, value: Decimal | None, info: ValidationInfo) -> Decimal | None:
        low = info.data.get("wage_min")
        if value is not None and low is not None and value < low:
            raise problem("wage_order", _l("The highest wage cannot be below the lowest."))
        return value


# Query strings, described for the document (the views read them with the features' own
# parsers: mediation.queue.worklist.Filters, mediation.stats.filters.parse_filters).


class CasesQuery(BaseModel):
    page: int = Field(1, ge=1, description="50 cases a page")


class QueueQuery(BaseModel):
    view: Literal["queue", "mine", "done"] = Field(
        "queue", description="Waiting and unclaimed, claimed by me, or closed"
    )
    state: CaseState | None = None
    category: Category | None = None
    priority: PriorityGroup | None = None
    overdue: Literal["1"] | None = Field(None, description="1: only overdue cases")
    q: str | None = Field(None, max_length=50, description="Case number, name or employer")
    page: int = Field(1, ge=1)


class StatsQuery(BaseModel):
    period: Literal["day", "week", "month", "quarter", "year", "custom"] | None = Field(
        None,
        description="A preset containing the day `on`, or custom `from`–`to` (the default "
        "when `from` or `to` is given); without either, this month",
    )
    on: date | None = Field(None, description="Default: today")
    from_: date | None = Field(None, alias="from")
    to: date | None = None
    region: RecordId | None = None
    tier: Tier | None = None
    organization: RecordId | None = None
    category: Category | None = None
    channel: Channel | None = None
    priority: PriorityGroup | None = None


# -- Answers -----------------------------------------------------------------------------------


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


# A moment as ISO 8601 with its UTC offset, as Python writes it.
Timestamp = Annotated[
    datetime,
    PlainSerializer(lambda value: value.isoformat(), return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
Money = Annotated[
    Decimal,
    PlainSerializer(lambda value: str(value), return_type=str),
    WithJsonSchema(MONEY_SCHEMA),
]
TriggerName = Literal[tuple(CASE_ACTIONS)]  # type: ignore[valid-type]


class Error(Answer):
    """An error, in the caller's language."""

    error: str = Field(description="forbidden, not_found, conflict, unauthorized, …")
    message: str
    current_version: int | None = Field(
        None,
        description="A signature of a superseded agreement (409): the version to read and sign",
    )


class Invalid(Answer):
    """Invalid data: every field's problems at once."""

    error: Literal["invalid"]
    message: str
    errors: dict[str, list[str]] = Field(
        description="Field path (e.g. `applicant.id_number`, `claims.0.amount`; `body` for the "
        "body as a whole) → messages in the caller's language (Accept-Language: zh-CN or en)"
    )
    reason: str | None = Field(
        None,
        description="For a refused file: why, as a stable word (`empty`, `type`, `too_large`, "
        "`quota`, `staged_limit`, `active_content`, `external_link`, `embedded_file`, "
        "`encrypted`, `unreadable`)",
    )


class Token(Answer):
    """A Bearer token for `Authorization: Bearer <token>`, shown once."""

    token: str
    role: Role = Field(description="The account's role: what the app offers to this user")


class TokenInfo(Answer):
    """One of the caller's live tokens; its secret is never shown again."""

    id: int
    created_at: Timestamp
    expires_at: Timestamp


class TokenList(Answer):
    items: list[TokenInfo]


class OrganizationRef(Answer):
    id: int
    name: str


class EmployerRef(Answer):
    name: str
    uscc: str | None = Field(
        description="null until staff complete it (the worker filed without it)"
    )


class MaskedPerson(Answer):
    """Identity numbers masked (`110105********002X`, `138****8000`)."""

    name: str
    id_number: str
    phone: str


class Deadlines(Answer):
    acceptance: date = Field(
        description="To accept or decline the application (企业劳动争议协商调解规定 第二十二条)"
    )
    mediation: date | None = Field(
        description="End of the mediation period, from acceptance on (with an agreed extension, "
        "counted from the original period's legal end)"
    )
    mediation_before_extension: date | None = Field(
        description="End of the original mediation period when it was extended, else null"
    )
    arbitration_available_from: date = Field(
        description="From this day either party may apply for labour arbitration without an "
        "agreement: the day after the 15 days from the first receipt of the application "
        "(劳动争议调解仲裁法 第十四条); the same at every tier and in every state, whatever the "
        "acceptance, an extension or a transfer"
    )
    provisional: bool = Field(
        description="true when one of these dates was counted on a year whose holiday schedule "
        "has not been entered (the statutory holidays only); recomputed once it is"
    )


class LimitationSuspensionRecord(Answer):
    """A suspension of the limitation staff recorded (中止, 第二十七条第三款)."""

    id: int
    cause: SuspensionCause = Field(
        description="force_majeure (不可抗力) or other_legitimate_reason (其他正当理由)"
    )
    reason: str | None = Field(
        description="What happened, as staff wrote it; null for the employer (it may tell of "
        "the worker's health)"
    )
    starts_on: date = Field(description="The day the cause arose")
    ends_on: date | None = Field(description="The day the cause ended; null while it lasts")
    recorded_at: Timestamp


class Limitation(Answer):
    """The time limit for labour arbitration (劳动争议调解仲裁法 第二十七条)."""

    rule: Literal[
        "interrupted",
        "recounted",
        "not_limited_while_employed",
        "ran_out_before_application",
        "suspended",
    ] = Field(
        description="interrupted: mediation under way, the year starts again when it ends; "
        "recounted: it ended on recount_from and the year ends on ends_on; "
        "not_limited_while_employed: wages and overtime pay while still employed (第四款); "
        "ran_out_before_application: the year from rights_known_on ended on ends_on, before "
        "the application; suspended: recounted from recount_from, but suspended since "
        "suspended_since by a cause that still lasts (第三款), no last day until it ends"
    )
    ends_on: date | None = Field(
        description="The last day to apply (or, ran_out_before_application, the day it was); "
        "null while interrupted, suspended or not limited"
    )
    recount_from: date | None = Field(description="The day the interruption ended")
    because: Literal["failed", "expired", "declined", "withdrawn", "payment_due"] | None = Field(
        description="Why it ended: mediation failed, the 15 days ran out, the case was declined "
        "or withdrawn, or the agreed payment date passed unpaid"
    )
    interrupted_until: date | None = Field(
        description="While interrupted: the day the 15 days run out, when it ends at the latest"
    )
    remuneration_not_limited: bool = Field(
        description="The case also claims wages or overtime pay while still employed, which are "
        "not limited: ends_on is for the other claims"
    )
    provisional: bool = Field(description="ends_on rests on a year without a holiday schedule")
    suspended_since: date | None = Field(
        description="suspended: the day the suspension still lasting began"
    )
    suspended_days: int = Field(
        description="The days the suspensions added to the year that ends on ends_on (the "
        "limitation did not run on them, 第二十七条第三款)"
    )
    suspensions: list[LimitationSuspensionRecord] = Field(
        description="Every suspension recorded on the case, oldest first"
    )


class CaseDeadlines(Deadlines):
    limitation: Limitation


class CaseSummary(Answer):
    id: int
    number: str = Field(examples=["FCJD-2026-000123"])
    state: CaseState
    outcome: Outcome | None
    tier: Tier
    organization: OrganizationRef
    employer: EmployerRef
    applicant: MaskedPerson
    received_at: Timestamp
    deadlines: Deadlines


class ClaimRecord(Answer):
    category: Category
    amount: Money
    description: str


class PaymentRoutes(Answer):
    """Where the worker can go when the agreement was not paid in full, and from when."""

    payment_order_from: date | None = Field(
        description="From this day the worker may apply to the basic people's court for a "
        "payment order (支付令, 劳动争议调解仲裁法 第十六条); null when the claims are not of "
        "the kinds that route covers"
    )
    arbitration_from: date = Field(
        description="From this day the worker may apply for arbitration (第十五条)"
    )
    arbitration_by: date | None = Field(
        description="The last day to apply; null: unpaid wages while still employed are not "
        "limited in time, or the limitation is suspended (deadlines.limitation)"
    )
    commission: str = Field(description="The arbitration commission to apply to")


class AgreementRecord(Answer):
    version: int = Field(description="The current version; every redraft adds one")
    terms: str
    amount: Money
    due_date: date | None
    applicant_signed_at: Timestamp | None
    respondent_signed_at: Timestamp | None
    applicant_signed_version: int | None = Field(description="The version the applicant signed")
    respondent_signed_version: int | None = Field(description="The version the employer signed")
    signed_on_paper: bool
    payment: Payment | None = Field(description="The newest report on the payment, if any")
    amount_paid: Money | None = Field(description="As the newest report says")
    routes: PaymentRoutes | None = Field(
        description="Open once the newest report says not paid or partly paid"
    )


class EvidenceRecord(Answer):
    id: int
    name: str = Field(description="The file's original name")
    party: EvidenceParty
    size: int = Field(description="Bytes")


class DocumentServiceRecord(Answer):
    party: Literal["applicant", "respondent"]
    notified_at: Timestamp
    served_at: Timestamp | None = Field(description="When the party opened it, or staff served it")
    method: Literal["platform", "in_person", "post"] | None


class DocumentRecord(Answer):
    """An issued document: its text is frozen at issue; a correction is a new version."""

    id: int
    kind: str = Field(description="application, acceptance_notice, agreement, case_file…")
    title: str = Field(description="As the document says, with its issuer")
    version: int
    issued_at: Timestamp
    verification_code: str = Field(description="Checked by anyone at /verify")
    content_sha256: str | None = Field(description="SHA-256 of the frozen text")
    superseded_at: Timestamp | None = Field(description="When a corrected version replaced it")
    pdf: str = Field(description="Where its PDF is; opening it serves it on the reader's party")
    services: list[DocumentServiceRecord]


class DocumentList(Answer):
    """The case's documents, oldest first."""

    items: list[DocumentRecord]


class TransferHop(Answer):
    organization: str = Field(description="Where the case went")
    action: Literal["escalate", "return"]
    reason: str | None
    at: Timestamp


class ExtensionRecord(Answer):
    """The latest proposal to extend the mediation period."""

    days: int
    reason: str
    status: ProposalStatus = Field(description="open (waiting for the parties), agreed, refused")
    applicant_answer: MediationAnswer | None
    respondent_answer: MediationAnswer | None
    proposed_at: Timestamp
    paper_consent: bool = Field(description="Consent given on a signed paper form")


class SessionPartyAnswer(Answer):
    party: Literal["applicant", "respondent"]
    attendance: Attendance | None = Field(description="confirmed or other_time; null: no answer")
    attendance_note: str | None
    minutes_answer: MediationAnswer | None = Field(description="agreed (confirmed) or refused")
    minutes_note: str | None


class SessionRecord(Answer):
    """A mediation session and the parties' answers to it and to its minutes."""

    id: int
    starts_at: Timestamp
    mode: SessionMode
    status: SessionStatus
    location: str = Field(description="The place of an in-person session")
    video_link: str | None = Field(description="The meeting link of a video session")
    cancel_reason: str | None
    attendees: str
    minutes: str
    answers: list[SessionPartyAnswer]


class ConfirmationRecord(Answer):
    status: ConfirmationStatus
    court: str
    decided_at: Timestamp | None
    reason: str | None


class LegalAidRecord(Answer):
    """The worker's request for legal aid, and the legal-aid station it was passed on to, as
    the station was recorded then (all null when the district had none: staff pass it on)."""

    requested_at: Timestamp
    channel: LegalAidChannel = Field(description="filing (with the application) or later")
    station: str | None
    station_address: str | None
    station_phone: str | None


class Case(CaseSummary):
    """One case as the caller may see it."""

    deadlines: CaseDeadlines

    routing_rule: str = Field(
        description="Why the case went to its first organisation: a built-in rule's key "
        "(employer_street, collective…), or an administrator's rule by its name, in English "
        "when the caller reads English and the rule has an English name"
    )
    transferred_from_tier: Tier | None
    mediator: str | None
    channel: Channel
    categories: list[Category]
    claims: list[ClaimRecord]
    amount_claimed: Money
    facts: str
    workers_involved: int
    lost_job: bool
    priority_groups: list[PriorityGroup]
    respondent_consent: bool | None = Field(description="null until the employer answers")
    respondent_consent_via: ConsentChannel | None = Field(
        description="online (the employer's own answer; a refusal then stands), window, phone "
        "or paper (recorded by staff)"
    )
    respondent_statement: str | None = Field(description="The statement of defence (答辩意见)")
    respondent_proposal: str | None
    extension: ExtensionRecord | None
    sessions: list[SessionRecord]
    extension_days: int | None
    agreement: AgreementRecord | None
    evidence: list[EvidenceRecord]
    available_triggers: list[TriggerName] = Field(
        description="The triggers the caller may fire now (POST /cases/{case_id}/{trigger})"
    )
    transfer_path: list[TransferHop]
    judicial_confirmation: ConfirmationRecord | None
    closed_at: Timestamp | None
    archived_at: Timestamp | None
    legal_aid: LegalAidRecord | None = Field(
        None,
        description="The worker's request for legal aid (法律援助法 第三十一条), shown to the "
        "worker and to staff; null without one, and always for the employer",
    )


class FiledCase(Case):
    """The case just filed, with its progress code: shown this once, then only its hash is kept."""

    track_code: str = Field(
        description="With the case number, lets the applicant follow the case without an "
        "account (POST /track); also sent to the applicant by SMS. Staff can issue a new one.",
        examples=["ABCD-EFGH"],
    )


class CaseList(Answer):
    """A page of cases."""

    items: list[CaseSummary]
    page: int
    pages: int
    total: int


class Event(Answer):
    """One line of the case's audit timeline."""

    id: int
    action: str = Field(description="A trigger (accept, escalate…) or another action")
    occurred_at: Timestamp
    actor_role: str | None
    from_state: str | None
    to_state: str | None
    tier: str | None
    organization: str | None
    note: str | None
    consent_via: ConsentChannel | None = Field(
        None, description="How the employer's consent or refusal was given (accept, answers)"
    )


class EventList(Answer):
    """The case's timeline, oldest first."""

    items: list[Event]


class TransferTarget(Answer):
    """An organisation the case may be transferred to, and why it is offered."""

    organization: OrganizationRef
    tier: Tier
    basis: Literal[
        "employer_committee", "district_union", "street_centre", "district_centre", "district_court"
    ] = Field(
        description="Why it serves the employer: its own committee, the union, the HR centre of "
        "its street or town, the district's HR centre, the district court's pre-litigation "
        "mediation"
    )
    reason: str = Field(description="The same in words, in the reader's language")


class TransferTargetList(Answer):
    """Where the caller may transfer the case now (``POST /cases/{case_id}/escalate`` with the
    ``organization_id``): the organisations serving the employer's district that the transfer
    rules let it reach, lowest tier first. Empty when the caller may not transfer it now."""

    items: list[TransferTarget]


class ReferredWorker(Answer):
    name: str
    id_number: str = Field(description="Masked")


class PlacementRecord(Answer):
    employer: str
    job: str
    start_date: date
    monthly_wage: Money


class ProposalRecord(Answer):
    id: int
    vacancy_id: int
    title: str
    answer: ProposalAnswer | None


class Referral(Answer):
    """A worker who lost their job, handed on to a re-employment centre."""

    id: int
    case_id: int
    state: ReferralState
    centre: str
    officer: str | None
    referred_on: date
    contact_due: date
    first_contacted_on: date | None
    worker: ReferredWorker
    last_job: str | None
    placement: PlacementRecord | None
    proposals: list[ProposalRecord]


class ReferralList(Answer):
    """The referrals the caller may see."""

    items: list[Referral]


class Vacancy(Answer):
    """A vacancy of a re-employment centre."""

    id: int
    employer: str
    title: str
    industry: str
    district_id: int | None
    wage_min: Money | None
    wage_max: Money | None
    skills: list[str]
    openings: int


class VacancyList(Answer):
    """The vacancies of the officer's centre."""

    items: list[Vacancy]


# The figures: one field per field of the dataclass the dashboard shows, so neither can gain a
# figure the other lacks. Amounts and rates are decimal strings (rates in percent).
_RATE = {"type": ["string", "null"], "pattern": r"^\d+(\.\d+)?$", "examples": ["86.5"]}
_COUNTS = {"type": "object", "additionalProperties": {"type": "integer"}}
_FIGURE_TYPES: dict[Any, Any] = {
    int: int,
    Decimal: Annotated[str, WithJsonSchema(MONEY_SCHEMA)],
    Decimal | None: Annotated[str | None, WithJsonSchema(_RATE)],
    dict[str, int]: Annotated[
        dict[str, int],
        WithJsonSchema({**_COUNTS, "description": "sending tier>receiving tier → transfers"}),
    ],
    dict[int, int]: Annotated[
        dict[str, int], WithJsonSchema({**_COUNTS, "description": "days → closed cases"})
    ],
    dict[str, dict[str, int]]: Annotated[
        dict[str, dict[str, int]],
        WithJsonSchema(
            {
                "type": "object",
                "description": "tier → outcome → cases",
                "additionalProperties": _COUNTS,
            }
        ),
    ],
}

Figures = create_model(
    "Figures",
    __base__=Answer,
    __doc__="Figures of the cases received in the period, in the caller's jurisdiction.",
    filters=(
        dict[str, str],
        Field(description="The filters applied, with the period's first and last day"),
    ),
    **{item.name: (_FIGURE_TYPES[item.type], ...) for item in fields(compute.Figures)},
)


# -- The network, for administrators (mediation.api.network) -----------------------------------


def _telephone(value: str | None) -> str | None:
    if value and not TELEPHONE.match(value):
        raise problem("phone", BAD_TELEPHONE)
    return value


Telephone = Annotated[str, Field(max_length=30), AfterValidator(_telephone)]


class DistrictContacts(Body):
    """A district's labour-dispute arbitration commission, legal-aid station and basic people's
    court, which the arbitration advice, the payment-order application and the confirmation
    decision name (only a district has them; `""` removes one)."""

    arbitration_commission: str | None = Field(None, max_length=200)
    arbitration_address: str | None = Field(None, max_length=200)
    arbitration_phone: Telephone | None = None
    legal_aid_station: str | None = Field(None, max_length=200)
    legal_aid_address: str | None = Field(None, max_length=200)
    legal_aid_phone: Telephone | None = None
    basic_court: str | None = Field(None, max_length=200)
    basic_court_address: str | None = Field(None, max_length=200)
    basic_court_phone: Telephone | None = None


class RegionBody(DistrictContacts):
    """A new region: a district, or a street/town or community below the region one level up."""

    name: Annotated[str, Field(max_length=100), FILLED, FILLED_SCHEMA]
    code: str | None = Field(None, max_length=12, description="GB/T 2260 code, 6 to 12 digits")
    level: Annotated[RegionLevel, one_of(RegionLevel)]
    parent_id: RecordId | None = Field(None, description="None for a district")


class RegionPatch(DistrictContacts):
    """The fields to change (those left out stay)."""

    name: str | None = Field(None, max_length=100)
    code: str | None = Field(None, max_length=12)
    level: Annotated[RegionLevel, one_of(RegionLevel)] | None = None
    parent_id: RecordId | None = None


class RegionRecord(Answer):
    id: int
    name: str
    code: str | None
    level: RegionLevel
    parent_id: int | None
    arbitration_commission: str | None
    arbitration_address: str | None
    arbitration_phone: str | None
    legal_aid_station: str | None
    legal_aid_address: str | None
    legal_aid_phone: str | None
    basic_court: str | None
    basic_court_address: str | None
    basic_court_phone: str | None


class RegionList(Answer):
    items: list[RegionRecord]


class OrganizationBody(Body):
    """A new organisation serving a region (a district or a street/town)."""

    name: Annotated[str, Field(max_length=200), FILLED, FILLED_SCHEMA]
    name_en: str | None = Field(None, max_length=200, description="Shown in the English UI")
    kind: Annotated[OrgKind, one_of(OrgKind)]
    region_id: RecordId
    case_prefix: str | None = Field(
        None, max_length=12, description="Case numbers read PREFIX-YEAR-NNNNNN"
    )
    employer_uscc: str | None = Field(
        None, max_length=30, description="Enterprise committees: the employer's USCC"
    )
    address: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, max_length=30)
    office_hours: str | None = Field(None, max_length=200)
    contact: str | None = Field(None, max_length=50)
    video_link: str | None = Field(None, max_length=500)


class OrganizationPatch(Body):
    """The fields to change (those left out stay); `active: false` deactivates it, refused
    while it holds open cases."""

    name: str | None = Field(None, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    case_prefix: str | None = Field(None, max_length=12)
    address: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, max_length=30)
    office_hours: str | None = Field(None, max_length=200)
    contact: str | None = Field(None, max_length=50)
    video_link: str | None = Field(None, max_length=500)
    region_id: RecordId | None = Field(
        None,
        description="The region served: which cases routing sends it, and in the HR-bureau tier "
        "whether it is a street/town or the district centre",
    )
    active: bool | None = None


class OrganizationRecord(Answer):
    id: int
    name: str
    name_en: str | None
    kind: OrgKind
    region_id: int
    employer_id: int | None
    case_prefix: str | None
    active: bool
    address: str | None
    phone: str | None
    office_hours: str | None
    contact: str | None
    video_link: str | None


class OrganizationList(Answer):
    items: list[OrganizationRecord]


class ImportQuery(BaseModel):
    dry_run: Literal["true", "false"] = Field(
        "true", description="true: only check the rows; false: check and write them all"
    )


class ImportReport(Answer):
    """Every row is right: how many rows of each kind were checked (and, unless a dry run,
    written). With a problem the answer is 422, `errors` keyed `kind.row.column`."""

    dry_run: bool
    counts: dict[str, int]
