"""A year of synthetic history for the demo district, so that a supervisor's figures, a
mediator's worklist and the re-employment desk have something to show.

``seed_history`` (called by ``flask seed-demo``, not by the tests' demo world) adds a few
thousand cases to a database that has the demo jurisdiction; ``bench/load.py`` makes a
province's year from the same generator, written with PostgreSQL's COPY instead.

The cases look like the last year of a mediation network in the demo jurisdiction:

- received over the last 365 days, Shanghai time, busier on working days, in office hours
  and before the Spring Festival (wage arrears); case ids and numbers follow the order of
  receipt, numbers continuing each organisation's counter (``case_counters``);
- each case is routed as the default rules would (chosen tier, collective, high amount, the
  employer's street), then lived through as ``cases.operations.fire`` would change it:
  accepted within about three working days, mediated, closed (resolved 65 %, unresolved 20 %,
  withdrawn 8 %, declined 7 %), archived some weeks later; about 5 % are transferred up a
  tier on the way. The year is cut at "now", so the state follows the age: nothing older
  than 60 days is open, recent cases are a mix, and the few that ran past a legal clock are
  overdue (with the sweep's mark, event and memory of what it said);
- deadlines come from :mod:`workflows.deadlines` on the official calendar, started as
  ``core.clocks`` starts them; every step leaves the audit event the services write (a
  transfer's ``case.escalate`` carries the sender and the receiving tier): the figures
  count from them and the case page's timeline shows them;
- claims and categories, a signed agreement for every resolved case, re-employment
  referrals for workers who lost the job, ratings after closure, the early warnings filing
  raises (an employer's third case within 30 days, collective disputes), a few dozen or
  hundred employers of very unequal risk, several mediators per organisation and an account
  for each online applicant. People and companies are invented: valid but obviously
  sequential ID numbers, phone numbers and USCCs, never a demo account's (except a handful
  of worker1's own cases).

Not written: the notices, SMS and documents of those past steps (their PDFs), the events
of each signature and of the service of documents, sessions, messages and evidence. The
rows are generated as the generator lives each case, as plain values per table
(``COLUMNS``), and written in bulk.
"""

import itertools
import json
import random
from bisect import bisect
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache

from flask import current_app
from sqlalchemy import Connection, exists, func, insert, select, text

from mediation.extensions import db, upsert_insert
from mediation.models import (
    Agreement,
    AgreementVersion,
    Alert,
    AuditEvent,
    Case,
    CaseCategory,
    CaseCounter,
    Claim,
    DeadlineReminder,
    Employer,
    Organization,
    PaymentReport,
    Rating,
    Referral,
    ReferralContact,
    Region,
    Role,
    User,
)
from mediation.privacy import mask_id_number
from mediation.stats import figures
from mediation.validators import USCC_CHARSET, resident_id_check_character, uscc_check_character
from workflows import deadlines

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
SHANGHAI_OFFSET = timedelta(hours=8)  # China has kept UTC+8, without daylight saving, since 1991
OPEN_STATES = ("applied", "accepted", "mediating")
OPEN_LIMIT_DAYS = 60  # every case older than this is closed or archived
ALERT_WINDOW = timedelta(days=30)  # as stats.alerts counts an employer's recent cases

OUTCOMES = ("resolved", "unresolved", "withdrawn", "declined")
OUTCOME_WEIGHTS = (0.65, 0.20, 0.08, 0.07)
TRANSFER_SHARE = 0.05
# When a transfer happens: after a failure, during mediation, or before acceptance.
TRANSFER_POINTS = ("after_failure", "mediating", "applied")
TRANSFER_POINT_WEIGHTS = (0.6, 0.25, 0.15)
# Working days from receipt to the acceptance decision (the deadline is 3).
DECISION_DELAYS = (0, 1, 2, 3, 4, 5, 6)
DECISION_DELAY_WEIGHTS = (0.40, 0.32, 0.15, 0.09, 0.025, 0.01, 0.005)
LATE_MEDIATION_SHARE = 0.08  # mediations that run past the legal period
ARCHIVE_NEVER_SHARE = 0.05

CATEGORIES = (
    "wage_arrears",
    "dismissal_compensation",
    "overtime",
    "social_insurance",
    "labor_contract",
    "work_injury",
    "other",
)
CATEGORY_WEIGHTS = (0.40, 0.15, 0.12, 0.12, 0.08, 0.08, 0.05)
CLAIM_TEXT = {
    "wage_arrears": ("拖欠工资", "公司拖欠工资未发放。"),
    "dismissal_compensation": ("违法解除劳动合同赔偿金", "公司未提前通知即解除劳动合同。"),
    "overtime": ("加班费", "长期安排加班未支付加班费。"),
    "social_insurance": ("补缴社会保险", "公司未足额缴纳社会保险费。"),
    "labor_contract": ("未签劳动合同二倍工资", "入职后公司一直未签订书面劳动合同。"),
    "work_injury": ("工伤待遇", "工作中受伤，公司不支付工伤待遇。"),
    "other": ("其他待遇", "公司未支付约定的补贴和奖金。"),
}
AGREEMENT_TERMS = "双方自愿达成调解协议，被申请人分期支付款项。"
DECLINE_REASONS = ("不属于劳动争议调解受理范围", "已申请劳动仲裁", "申请材料不全，经告知未补正")
FAIL_REASONS = ("双方对金额分歧较大，调解不成", "被申请人拒绝调解", "调解期限届满未达成协议")
WITHDRAW_REASONS = ("已与公司自行和解", "公司已支付款项", "决定直接申请劳动仲裁")
TRANSFER_REASONS = ("案情复杂，移送上级调解组织", "申请人要求移送", "涉及金额较大，移送处理")
REFERRAL_END_REASONS = ("本人已自行找到工作", "多次联系未果", "暂不需要就业服务")
ALERT_NOTES = (
    "已约谈企业负责人，督促按期支付工资",
    "已转劳动保障监察大队核查",
    "已现场走访，企业承诺整改",
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰文辉建国红梅鹏飞宇浩然俊凯"
JOBS = ("操作工", "普工", "厨师", "服务员", "司机", "仓管员", "电工", "焊工", "销售", "保安")
TRADES = "鸿达华盛恒通永利嘉信宏远金源瑞丰兴旺德润泰和佳美百合众诚广源"
TRADE_NAMES = [TRADES[start : start + 2] for start in range(0, len(TRADES), 2)]
INDUSTRY_WORDS = {
    "C": "制造",
    "E": "建筑工程",
    "H": "餐饮管理",
    "G": "物流",
    "F": "商贸",
    "I": "信息科技",
    "K": "物业管理",
    "L": "人力资源服务",
    "O": "家政服务",
}
# Where applicants come from: local, the rest of Guangdong, and provinces migrants come from.
BIRTHPLACES = (
    ("441802", False),
    ("441802", False),
    ("441821", False),
    ("440111", False),
    ("430521", True),
    ("450103", True),
    ("520102", True),
    ("511602", True),
    ("360121", True),
)
FILING_HOURS = (1, 0.5, 0.3, 0.3, 0.3, 0.5, 1, 3, 6, 9, 9, 8, 5, 7, 8, 8, 7, 6, 5, 5, 5, 4, 3, 2)
# Disputes by month, January first: wage arrears pile up before the Spring Festival (and in
# the months after it, when workers do not come back), fewer in the summer.
MONTH_WEIGHTS = (1.35, 1.0, 1.2, 1.0, 0.95, 0.9, 0.85, 0.85, 0.9, 0.9, 1.05, 1.3)

# The columns of each table's rows, in the order the generator gives the values (and the
# order the tables are written in: every row's references are written before it).
COLUMNS = {
    "users": (
        "id", "username", "name", "phone", "id_number", "password_hash", "role",
        "organization_id", "active", "created_at", "password_changed_at", "phone_verified_at",
    ),
    "cases": (
        "id", "number", "state", "outcome", "tier", "transferred_from_tier",
        "transferred_from_organization_id", "extension_days", "organization_id", "mediator_id",
        "routing_reason", "applicant_id", "applicant_name", "applicant_id_number",
        "applicant_phone", "employer_id", "employment_start", "employment_end", "job",
        "monthly_wage", "facts", "desired_outcome", "workers_involved", "representatives",
        "lost_job", "reemployment_consent", "migrant_worker", "injured_worker",
        "pregnancy_maternity_nursing", "preferred_tier", "channel", "filed_by_id",
        "received_at", "acceptance_clock_start", "acceptance_deadline",
        "mediation_clock_start", "mediation_deadline", "overdue_since", "respondent_consent",
        "respondent_consent_via", "accepted_at", "mediation_started_at", "closed_at",
        "archived_at", "close_reason", "version",
    ),
    "claims": ("case_id", "category", "amount", "description"),
    "case_categories": ("case_id", "category"),
    "agreements": (
        "case_id", "terms", "amount", "due_date", "drafted_by_id", "drafted_at",
        "applicant_signed_at", "respondent_signed_at", "signed_on_paper", "version",
        "applicant_signed_version", "respondent_signed_version",
    ),
    "agreement_versions": (
        "case_id", "version", "terms", "amount", "due_date", "drafted_by_id", "drafted_at",
    ),
    "payment_reports": (
        "id", "case_id", "payment", "amount_paid", "reported_by_id", "reporter_role",
        "reported_at",
    ),
    "referrals": (
        "id", "case_id", "centre_id", "officer_id", "worker_id", "state", "referred_at",
        "referred_on", "contact_due", "first_contacted_on", "end_reason", "worker_name",
        "worker_phone", "worker_id_masked", "last_job", "last_industry", "district_id",
        "skills", "education", "certificates", "desired_job", "desired_industries",
        "training_interest", "training_course", "training_start", "training_end",
        "placed_employer", "placed_job", "placed_start", "placed_wage", "version",
    ),
    "referral_contacts": (
        "referral_id", "contacted_on", "channel", "result", "recorded_by_id", "recorded_at",
    ),
    "ratings": ("case_id", "party", "score", "comment", "rated_by_id", "rated_at"),
    "alerts": (
        "id", "kind", "trigger_key", "employer_id", "region_id", "case_ids", "raised_at",
        "acknowledged_at", "acknowledged_by_id", "note",
    ),
    "deadline_reminders": ("case_id", "kind", "due", "sent_at"),
    "audit_events": (
        "occurred_at", "actor_id", "actor_role", "action", "subject_type", "subject_id",
        "note", "details", "case_id", "from_state", "to_state", "tier", "organization_id",
    ),
}  # fmt: skip
TABLES = {
    "users": User.__table__,
    "cases": Case.__table__,
    "claims": Claim.__table__,
    "case_categories": CaseCategory.__table__,
    "agreements": Agreement.__table__,
    "agreement_versions": AgreementVersion.__table__,
    "payment_reports": PaymentReport.__table__,
    "referrals": Referral.__table__,
    "referral_contacts": ReferralContact.__table__,
    "ratings": Rating.__table__,
    "alerts": Alert.__table__,
    "deadline_reminders": DeadlineReminder.__table__,
    "audit_events": AuditEvent.__table__,
}
# Tables whose ids the generator gives (the others' ids the database assigns).
NUMBERED_TABLES = ("users", "cases", "payment_reports", "referrals", "alerts")


@dataclass(frozen=True)
class Scale:
    """How big a network the history is for."""

    # Employers besides the jurisdiction's own, with very unequal numbers of disputes.
    employers: int = 300
    # Mediators (court liaisons at the court, officers at re-employment centres) each kind
    # of organisation has, counting the accounts that exist.
    staff_per_kind: dict[str, int] = field(
        default_factory=lambda: {
            "enterprise": 2,
            "union": 4,
            "hr_bureau": 8,
            "court": 4,
            "reemployment": 3,
        }
    )
    # Usernames of the invented accounts start with it.
    prefix: str = "bench"


# The legal clocks, on the official calendar (admins' schedules for years past the library's
# are not read), as core.clocks computes them. A year has few distinct days: each is cached.
@cache
def _is_working_day(day: date) -> bool:
    return deadlines.is_working_day(day)


@cache
def _working_days_after(day: date, n: int) -> date:
    return deadlines.add_working_days(day, n)


@cache
def _acceptance_deadline(day: date) -> date:
    return deadlines.acceptance_deadline(day)


@cache
def _mediation_deadline(start: date, extension: int, court: bool) -> date:
    if court:
        return deadlines.court_mediation_deadline(start, extension)
    return deadlines.mediation_deadline(start, extension)


@cache
def _arbitration_available_from(received: date) -> date:
    return deadlines.arbitration_available_from(received)


def _at(moment: datetime | None) -> datetime | None:
    """A Shanghai wall-clock time (how the generator thinks) as the naive UTC time the
    database stores (models.types.UTCDateTime): the rows' moments are all such."""
    return None if moment is None else moment - SHANGHAI_OFFSET


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2))))


def _resident_id(prefix: str, index: int, born_after: date) -> str:
    """A well-formed resident ID that no other index below 14,556,200 gets: the index picks
    the birth day (scattered over 40 years, 14,600 days) and, beyond that, the sequence
    number: 500–999, then 003–499, never a demo account's (001, 002). Ten million cases
    give up to about eight million accounts; with 500 numbers only, the 7,300,001st repeated
    the first (seen: the load of ten million stopped on a duplicate ID number)."""
    birth = born_after + timedelta(days=(index * 7919) % 14600)
    block = (index // 14600) % 997
    sequence = 500 + block if block < 500 else 3 + block - 500
    first17 = f"{prefix}{birth:%Y%m%d}{sequence:03d}"
    return first17 + resident_id_check_character(first17)


def synthetic_uscc(index: int) -> str:
    """The USCC of the ``index``-th invented employer (valid check character)."""
    code, digits = index, []
    for _ in range(6):
        code, rest = divmod(code, 31)
        digits.append(USCC_CHARSET[rest])
    first17 = "91441802MA5" + "".join(reversed(digits))
    return first17 + uscc_check_character(first17)


class _Open(Exception):
    """The case's life has reached the present: it stays in the state it is in now."""


class World:
    """The demo jurisdiction as the database has it, plus the invented people and employers
    (added to the database here, so that cases can point at them)."""

    def __init__(self, conn: Connection, rng: random.Random, now: datetime, scale: Scale):
        self.rng, self.now, self.scale = rng, now, scale
        orgs = conn.execute(
            select(
                Organization.id,
                Organization.kind,
                Organization.region_id,
                Organization.employer_id,
                Organization.case_prefix,
                Organization.name,
                Region.parent_id,
            )
            .join(Region, Region.id == Organization.region_id)
            .where(Organization.active.is_(True))
            .order_by(Organization.id)
        ).all()
        # (id, kind, region id, employer id, case prefix, name, parent region id)
        orgs = [(row[0], str(row[1]), *row[2:]) for row in orgs]
        self.org = {row[0]: row for row in orgs}
        self.by_kind: dict[str, list[int]] = {}
        for org_id, kind, *_ in orgs:
            self.by_kind.setdefault(kind, []).append(org_id)
        self.committee = {row[3]: row[0] for row in orgs if row[1] == "enterprise"}
        # HR centres by their region: a street's centre, and the district's (no parent region).
        self.street_centre = {row[2]: row[0] for row in orgs if row[1] == "hr_bureau" and row[6]}
        self.district_centre = next(row[0] for row in orgs if row[1] == "hr_bureau" and not row[6])
        self.union = self.by_kind["union"][0]
        self.court = self.by_kind["court"][0]
        self.centre = self.by_kind.get("reemployment", [None])[0]
        self.district = self.org[self.district_centre][2]
        worker1 = conn.execute(
            select(User.id, User.name, User.phone, User.id_number, User.password_hash).where(
                User.username == "worker1"
            )
        ).one()
        self.worker1 = tuple(worker1[:4])
        # Invented accounts share the demo password, so any of them can sign in to look.
        self.password_hash = worker1[4]
        self.employer_rep = dict(
            conn.execute(
                select(User.employer_id, User.id).where(
                    User.role == Role.employer_rep, User.active.is_(True)
                )
            ).all()
        )
        self.supervisor = conn.scalar(
            select(User.id)
            .where(User.role == Role.supervisor, User.active.is_(True))
            .order_by(User.id)
            .limit(1)
        )
        self.next_user_id = (conn.scalar(select(func.max(User.id))) or 0) + 1
        self._add_staff(conn)
        self._add_employers(conn)

    def _add_staff(self, conn: Connection) -> None:
        """Several mediators per organisation: a centre is a team, and 'mine' is one person's."""
        staff: dict[int, list[tuple[int, str]]] = {}
        for org_id, role, user_id in conn.execute(
            select(User.organization_id, User.role, User.id)
            .where(
                User.organization_id.is_not(None),
                User.role.in_([Role.mediator, Role.court_liaison, Role.reemployment_officer]),
                User.active.is_(True),
            )
            .order_by(User.id)
        ):
            staff.setdefault(org_id, []).append((user_id, str(role)))
        rows = []
        created = _at(self.now - timedelta(days=400))
        for org_id, (_, kind, *_rest) in self.org.items():
            role = {"court": "court_liaison", "reemployment": "reemployment_officer"}.get(
                kind, "mediator"
            )
            team = staff.setdefault(org_id, [])
            for number in range(len(team), self.scale.staff_per_kind.get(kind, 1)):
                user_id = self.next_user_id
                self.next_user_id += 1
                team.append((user_id, role))
                username = f"{self.scale.prefix}_staff_{org_id}_{number}"
                rows.append(
                    (
                        user_id,
                        username,
                        _name(self.rng),
                        None,
                        None,
                        self.password_hash,
                        role,
                        org_id,
                        True,
                        created,
                        created,
                        None,
                    )
                )
        self.staff = staff
        _insert(conn, "users", rows)

    def _add_employers(self, conn: Connection) -> None:
        """Employers in the district's streets, with very unequal case counts (a few
        employers cause most disputes), so the employer risk page has a ranking."""
        streets = list(self.street_centre)
        rows = []
        for index in range(self.scale.employers):
            industry = self.rng.choice(list(INDUSTRY_WORDS))
            trade, series = TRADE_NAMES[index % len(TRADE_NAMES)], index // len(TRADE_NAMES) + 1
            name = f"清远市{trade}{INDUSTRY_WORDS[industry]}{series}号有限公司"
            rows.append(
                {
                    "name": name,
                    "uscc": synthetic_uscc(index),
                    "region_id": self.rng.choice(streets),
                    "industry": industry,
                }
            )
        if rows:
            conn.execute(insert(Employer.__table__), rows)
        employers = conn.execute(
            select(Employer.id, Employer.region_id, Employer.industry).order_by(Employer.id)
        )
        self.employers = [tuple(row) for row in employers]
        # Zipf-like weights; the jurisdiction's own employers (first) are among the busiest.
        self.employer_weights = list(
            itertools.accumulate(1 / (rank + 4) ** 1.1 for rank in range(len(self.employers)))
        )

    def mediators(self, org_id: int) -> list[tuple[int, str]]:
        return self.staff[org_id]

    def transfer_target(self, org_id: int) -> int | None:
        """One tier up, as routing.DatabaseDirectory.default_transfer_target picks it."""
        kind = self.org[org_id][1]
        return {
            "enterprise": self.union,
            "union": self.district_centre,
            "hr_bureau": self.court,
        }.get(kind)


def _insert(conn: Connection, table: str, rows: list[tuple]) -> None:
    """The rows: through the models' column types (which take moments with their zone), or
    on PostgreSQL with COPY (an INSERT per row would wait for the server's answer to each).
    """
    if not rows:
        return
    columns = COLUMNS[table]
    if conn.dialect.name == "postgresql":
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with conn.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(
                    [json.dumps(value) if type(value) in (dict, list) else value for value in row]
                )
        return
    conn.execute(
        insert(TABLES[table]),
        [
            {
                column: value.replace(tzinfo=UTC) if type(value) is datetime else value
                for column, value in zip(columns, row, strict=True)
            }
            for row in rows
        ],
    )


def received_times(rng: random.Random, n: int, now: datetime, days: int = 365) -> list[datetime]:
    """N moments over the last ``days`` days (Shanghai time), sorted: working days busier than
    weekends and public holidays, office hours busier than the night, the months before and
    after the Spring Festival busier than the summer."""
    today = now.date()
    span = [today - timedelta(days=offset) for offset in range(days - 1, -1, -1)]

    def weight(day: date) -> float:
        month = MONTH_WEIGHTS[day.month - 1]
        if _is_working_day(day):
            return month
        return month * (0.35 if day.weekday() >= 5 else 0.25)  # a weekend, or a holiday

    day_weights = list(itertools.accumulate(weight(day) for day in span))
    hour_weights = list(itertools.accumulate(FILING_HOURS))
    midnight = datetime.combine(today, datetime.min.time())
    elapsed_today = int((now - midnight).total_seconds())
    times = []
    for day, hour in zip(
        rng.choices(span, cum_weights=day_weights, k=n),
        rng.choices(range(24), cum_weights=hour_weights, k=n),
        strict=True,
    ):
        moment = datetime.combine(day, datetime.min.time()) + timedelta(
            seconds=hour * 3600 + int(rng.random() * 3600)
        )
        if moment >= now:  # today, later than now: some time earlier today instead
            moment = midnight + timedelta(seconds=int(rng.random() * elapsed_today))
        times.append(moment)
    times.sort()
    return times


@dataclass(frozen=True)
class Desk:
    """One mediator's desk that the history makes sure has work today: cases of the
    mediator's organisation waiting in its queue, and the mediator's own open cases."""

    organization_id: int
    mediator_id: int
    # What each pinned case is: "waiting" (filed in the last day, unclaimed), "mine" (in
    # mediation with this mediator, a few days old), "overdue" (the same, past its period).
    pins: tuple[str, ...] = ("waiting", "waiting", "mine", "mine", "mine", "overdue")


@dataclass(frozen=True)
class Start:
    """The first id a generator gives in each table it numbers, and the case numbers it
    continues (each organisation's counter, by year)."""

    case_id: int
    user_id: int
    referral_id: int
    report_id: int
    alert_id: int
    numbers: dict[tuple[int, int], int] = field(default_factory=dict)
    worker: int = 0  # the number of the first invented worker (their ID numbers, phones)

    @classmethod
    def after(cls, conn: Connection) -> "Start":
        """Just after what the database holds."""

        def after_max(model) -> int:
            return (conn.scalar(select(func.max(model.id))) or 0) + 1

        return cls(
            after_max(Case),
            after_max(User),
            after_max(Referral),
            after_max(PaymentReport),
            after_max(Alert),
            {
                (org_id, year): value
                for org_id, year, value in conn.execute(
                    select(CaseCounter.organization_id, CaseCounter.year, CaseCounter.last_value)
                )
            },
        )

    def at(self, index: int) -> "Start":
        """Where the cases from the ``index``-th on begin, for generators that each live a
        batch of cases at once: ids as if every case before had taken one of each (a case
        adds at most one account, referral and payment report), numbers from zero (the
        batch's are shifted once the batches before it are counted: ``Generator.take_batch``).
        Alerts are raised outside the batches (``Alerts``)."""
        return Start(
            self.case_id + index, self.user_id + index, self.referral_id + index,
            self.report_id + index, self.alert_id, worker=self.worker + index,
        )  # fmt: skip


class Alerts:
    """The early warnings filing raises (stats.alerts.check_new_case): a collective dispute,
    and an employer's Nth case within 30 days. Those older than two weeks a supervisor has
    acknowledged, with a note. Fed every case in the order of receipt."""

    def __init__(self, world: World, rng: random.Random, next_id: int, threshold: int = 3):
        self.world, self.rng, self.next_id, self.threshold = world, rng, next_id, threshold
        self.recent_by_employer: dict[int, deque] = defaultdict(deque)
        self.alerts: list[tuple] = []
        self.events: list[tuple] = []

    def case(self, case_id, employer_id, region_id, received: datetime, workers: int) -> None:
        recent = self.recent_by_employer[employer_id]
        recent.append((received, case_id))
        while recent[0][0] < received - ALERT_WINDOW:
            recent.popleft()
        raised = []
        if workers >= 10:
            raised.append(("collective", f"collective:{case_id}", [case_id]))
        if len(recent) == self.threshold:
            ids = [recent_id for _, recent_id in recent]
            raised.append(("repeat_disputes", f"repeat:{employer_id}:{case_id}", ids))
        now, supervisor = self.world.now, self.world.supervisor
        for kind, key, case_ids in raised:
            alert_id = self.next_id
            self.next_id += 1
            acknowledged = by = note = None
            looked_at = received + timedelta(days=self.rng.uniform(0.5, 10))
            if supervisor and looked_at < now - timedelta(days=14) and self.rng.random() < 0.97:
                acknowledged, by, note = looked_at, supervisor, self.rng.choice(ALERT_NOTES)
                self.events.append(
                    (
                        _at(looked_at),
                        supervisor,
                        "supervisor",
                        "alert.acknowledged",
                        "alerts",
                        alert_id,
                        note,
                        None,
                        None,
                        None,
                        None,
                        None,
                        None,
                    )
                )
            self.alerts.append(
                (
                    alert_id,
                    kind,
                    key,
                    employer_id,
                    region_id,
                    case_ids,
                    _at(received),
                    _at(acknowledged),
                    by,
                    note,
                )
            )

    def take(self) -> tuple[list[tuple], list[tuple]]:
        """The alerts raised since the last call, and their acknowledgements' audit events."""
        taken = self.alerts, self.events
        self.alerts, self.events = [], []
        return taken


class Generator:
    """Lives cases one after the other; ``tables`` collects their rows until taken.

    ``alerts`` is fed each case as it is filed (an ``Alerts``, or whatever collects the
    filings for one that runs elsewhere); ``rng`` is the world's unless given."""

    def __init__(
        self,
        world: World,
        start: Start,
        n: int,
        alerts: Alerts,
        rng: random.Random | None = None,
    ):
        self.world, self.rng, self.now = world, rng or world.rng, world.now
        self.today = self.now.date()
        self.alerts = alerts
        self.next_case_id, self.next_user_id = start.case_id, start.user_id
        self.next_referral_id, self.next_report_id = start.referral_id, start.report_id
        self.next_worker = start.worker
        # Numbers continue each organisation's counter; a case's is written when its rows
        # are taken (the numbering of its batch may start later: ``take_batch``).
        self.numbers = dict(start.numbers)
        self.numbered: list[tuple[int, int, int]] = []  # (organisation, year, sequence)
        self.workers: list[tuple[int, str, str, str, bool]] = []
        # worker1 files a few cases spread over the year, the last of them a few days old, so
        # the worker's own pages show a history and an ordinary open case.
        self.worker1_cases = {n * k // 5 for k in range(1, 5)} | {max(0, n - 1 - n // 250)}
        self.tables: dict[str, list[tuple]] = {name: [] for name in COLUMNS}

    # Small random helpers, all from the one seeded generator.
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def office(self, day: date, not_before: datetime) -> datetime:
        """A time during office hours on ``day``, not before ``not_before``."""
        moment = datetime.combine(day, datetime.min.time()) + timedelta(
            seconds=30600 + int(self.rng.random() * 32400)
        )
        if moment <= not_before:
            moment = not_before + timedelta(seconds=600 + int(self.rng.random() * 5400))
        return moment

    def working_day_on_or_after(self, day: date) -> date:
        return day if _is_working_day(day) else _working_days_after(day, 1)

    def pinned_times(self, desk: Desk) -> list[tuple[datetime, str]]:
        """When each of the desk's pinned cases was received."""
        rng, now, times = self.rng, self.now, []
        for pin in desk.pins:
            if pin == "waiting":
                moment = now - timedelta(seconds=int(rng.uniform(0.3, 20) * 3600))
            else:
                day = self.today - timedelta(
                    days=rng.randint(4, 9) if pin == "mine" else rng.randint(24, 30)
                )
                while not _is_working_day(day):
                    day -= DAY
                moment = self.office(day, datetime.combine(day, datetime.min.time()))
            times.append((moment.replace(microsecond=0), pin))
        return times

    def applicant(self, index: int, received: datetime, channel: str):
        """(user id or None, name, ID number, phone, migrant) of the case's applicant.

        Online applicants have an account (a new one, or now and then one who filed before);
        walk-in and phone applicants have none, as in one-window intake."""
        rng, world = self.rng, self.world
        if index in self.worker1_cases:  # filed online
            user_id, name, phone, id_number = world.worker1
            return user_id, name, id_number, phone, False
        if channel in ("web", "app"):
            if self.workers and self.chance(0.07):
                return rng.choice(self.workers)
            user_id, number = self.next_user_id, self.next_worker
            self.next_user_id += 1
            self.next_worker += 1
            prefix, migrant = rng.choice(BIRTHPLACES)
            name = _name(rng)
            id_number = _resident_id(prefix, number, date(1968, 1, 1))
            phone = f"15{number:09d}"
            created = _at(received - timedelta(seconds=300 + int(rng.random() * 3000)))
            self.tables["users"].append(
                (
                    user_id,
                    f"{world.scale.prefix}_w{number}",
                    name,
                    phone,
                    id_number,
                    world.password_hash,
                    "worker",
                    None,
                    True,
                    created,
                    created,
                    created,
                )
            )
            worker = (user_id, name, id_number, phone, migrant)
            self.workers.append(worker)
            return worker
        prefix, migrant = rng.choice(BIRTHPLACES)
        id_number = _resident_id(prefix, index, date(1967, 6, 1))
        return None, _name(rng), id_number, f"139{index % 100_000_000:08d}", migrant

    def case(
        self, index: int, received: datetime, pin: str | None = None, desk: Desk | None = None
    ) -> None:
        rng, world = self.rng, self.world
        case_id = self.next_case_id
        self.next_case_id += 1
        if pin:  # against an employer of the desk's street, routed there
            street = world.org[desk.organization_id][2]
            employer_id, employer_region, industry = rng.choice(
                [e for e in world.employers if e[1] == street and e[0] not in world.committee]
            )
        else:
            employer_id, employer_region, industry = world.employers[
                bisect(world.employer_weights, rng.random() * world.employer_weights[-1])
            ]
        local_hours = 9 <= received.hour < 17 and _is_working_day(received.date())
        roll = rng.random()
        if local_hours and roll < 0.3 and index not in self.worker1_cases:
            channel = "window" if roll < 0.22 else "phone"
        else:
            channel = "app" if rng.random() < 0.45 else "web"
        applicant_id, applicant_name, id_number, phone, migrant = self.applicant(
            index, received, channel
        )

        categories = [rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]]
        if pin:
            categories = ["wage_arrears"]
        elif self.chance(0.35):
            second = rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
            if second != categories[0]:
                categories.append(second)
        workers = 1
        if pin:
            pass
        elif self.chance(0.015):
            workers = rng.randint(10, 80)
        elif self.chance(0.04):
            workers = rng.randint(2, 9)
        wage = rng.randint(30, 150) * 100
        claims = [
            (category, self.claim_amount(category, wage) * workers) for category in categories
        ]
        amount = sum(claim for _, claim in claims)
        lost_job = self.chance(0.6 if "dismissal_compensation" in categories else 0.18)
        injured = "work_injury" in categories and self.chance(0.8)

        # Routing, in the order of the default rules.
        committee = world.committee.get(employer_id)
        preferred, roll = None, rng.random()
        if pin:
            org_id, reason = desk.organization_id, "employer_street"
        elif committee and self.chance(0.45):
            preferred, org_id, reason = "enterprise", committee, "chosen_enterprise"
        elif roll < 0.08:
            preferred, org_id, reason = "union", world.union, "chosen_union"
        elif roll < 0.11:
            preferred, org_id, reason = "court", world.court, "chosen_court"
        elif workers >= 10:
            org_id, reason = world.district_centre, "collective"
        elif amount >= 200_000:
            org_id, reason = world.district_centre, "high_amount"
        else:
            org_id = world.street_centre.get(employer_region, world.district_centre)
            reason = "employer_street"
        org = world.org[org_id]
        year = received.year
        sequence = self.numbers.get((org_id, year), 0) + 1
        self.numbers[org_id, year] = sequence
        self.numbered.append((org_id, year, sequence))
        if applicant_id is not None:
            filer = (applicant_id, "worker")
        else:
            filer = rng.choice(world.mediators(org_id))
        self.alerts.case(case_id, employer_id, employer_region, received, workers)

        # Live the case until now; a case older than the open limit that is still open is
        # lived again (its durations drawn anew), so that every old case has closed.
        too_old = received < self.now - timedelta(days=OPEN_LIMIT_DAYS)
        for _attempt in range(20):
            life = _Life(self, case_id, org, received, applicant_id, filer, amount)
            if pin:
                life.pin, life.pinned_mediator = pin, desk.mediator_id
            life.run()
            if not (too_old and life.state in OPEN_STATES):
                break
        else:
            raise RuntimeError(f"case {case_id} could not be closed in 60 days")

        tables = self.tables
        employment_start = received.date() - timedelta(days=rng.randint(60, 3650))
        employment_end = None
        if lost_job or "dismissal_compensation" in categories:
            employment_end = max(
                employment_start, received.date() - timedelta(days=rng.randint(0, 120))
            )
        representatives = None
        if workers >= 10:
            representatives = [
                {"name": _name(rng), "phone": f"137{rng.randrange(10**8):08d}"} for _ in "123"
            ]
        pregnancy = self.chance(0.02)
        consent = lost_job and self.chance(0.6)
        consent_via = life.consent_via if life.respondent_consent else None
        tables["cases"].append(
            (
                case_id,
                None,  # the number: take_batch
                life.state,
                life.outcome,
                life.tier,
                life.from_tier,
                life.from_org,
                life.extension_days,
                life.org_id,
                life.mediator,
                reason,
                applicant_id,
                applicant_name,
                id_number,
                phone,
                employer_id,
                employment_start,
                employment_end,
                rng.choice(JOBS),
                Decimal(wage),
                "；".join(CLAIM_TEXT[category][1] for category in categories),
                "",
                workers,
                representatives,
                lost_job,
                consent,
                migrant,
                injured,
                pregnancy,
                preferred,
                channel,
                filer[0],
                _at(received),
                life.acceptance_clock_start,
                life.acceptance_deadline,
                life.mediation_clock_start,
                life.mediation_deadline,
                life.overdue_since,
                life.respondent_consent,
                consent_via,
                _at(life.accepted_at),
                _at(life.mediation_started_at),
                _at(life.closed_at),
                _at(life.archived_at),
                life.close_reason,
                1,
            )
        )
        for category, claim in claims:
            tables["claims"].append((case_id, category, Decimal(claim), CLAIM_TEXT[category][0]))
            tables["case_categories"].append((case_id, category))
        life.events.sort(key=lambda event: event[0])
        tables["audit_events"].extend(life.events)
        due = None
        if life.agreement:
            drafted_by, drafted_at, signed_at, countersigned_at, agreed = life.agreement
            due = (drafted_at + timedelta(days=rng.randint(7, 30))).date()
            tables["agreements"].append(
                (
                    case_id,
                    AGREEMENT_TERMS,
                    Decimal(agreed),
                    due,
                    drafted_by,
                    _at(drafted_at),
                    _at(signed_at),
                    _at(countersigned_at),
                    False,
                    1,
                    1 if signed_at else None,
                    1 if countersigned_at else None,
                )
            )
            tables["agreement_versions"].append(
                (case_id, 1, AGREEMENT_TERMS, Decimal(agreed), due, drafted_by, _at(drafted_at))
            )
            if life.outcome == "resolved":
                self.payment(life, case_id, applicant_id, due, agreed)
        self.reminders(life, case_id, received, applicant_id, due)
        if life.first_closed_at and consent:
            self.referral(life, case_id, applicant_id, applicant_name, phone, id_number, industry)
        if life.state in ("closed", "archived"):
            self.ratings(life, case_id, applicant_id, employer_id)

    def claim_amount(self, category: str, wage: int) -> int:
        rng = self.rng
        match category:
            case "wage_arrears":
                return int(wage * rng.uniform(0.5, 4))
            case "overtime":
                return int(wage * rng.uniform(0.2, 1.5))
            case "dismissal_compensation":
                return wage * rng.randint(1, 10) * rng.choice((1, 2))
            case "social_insurance":
                return int(wage * rng.uniform(0.3, 3))
            case "labor_contract":
                return wage * rng.randint(1, 11)
            case "work_injury":
                return rng.randint(20_000, 300_000)
        return rng.randint(1_000, 20_000)

    def payment(self, life, case_id: int, applicant_id, due: date, agreed: int) -> None:
        """Some days after the agreed payment fell due, the worker (a walk-in applicant: the
        mediator, told by phone) says whether it was paid (cases.payment.report_payment)."""
        rng = self.rng
        reported = self.office(due + timedelta(days=rng.randint(1, 10)), life.closed_at)
        if reported > self.now:
            return
        payment = rng.choices(("paid", "partly_paid", "not_paid"), (0.78, 0.1, 0.12))[0]
        amount = {"paid": agreed, "partly_paid": int(agreed * rng.uniform(0.3, 0.8))}
        paid = Decimal(amount.get(payment, 0)).quantize(Decimal("0.01"))
        reporter, role = (applicant_id, "worker"), "applicant"
        if applicant_id is None:
            reporter, role = (life.mediator, "mediator"), "mediator"
        report_id = self.next_report_id
        self.next_report_id += 1
        self.tables["payment_reports"].append(
            (report_id, case_id, payment, paid, reporter[0], role, _at(reported))
        )
        details = {"payment": payment, "amount_paid": str(paid), "report_id": report_id}
        self.tables["audit_events"].append(
            (
                _at(reported),
                *reporter,
                "case.payment_reported",
                "cases",
                case_id,
                None,
                {**details, "proof": False},
                case_id,
                None,
                None,
                life.tier,
                life.org_id,
            )
        )

    def reminders(self, life, case_id, received: datetime, applicant_id, due) -> None:
        """What the deadline sweep has already said about the case (its memory, which keeps
        it from saying it again): the overdue notice of an open case past its deadline, the
        arbitration notice of a case open past the 15 days, the payment question."""
        reminders, today = self.tables["deadline_reminders"], self.today

        def said(kind: str, day: date) -> None:
            sent = datetime.combine(day + DAY, datetime.min.time()) + timedelta(minutes=5)
            reminders.append((case_id, kind, day, _at(min(sent, self.now))))

        if life.state in OPEN_STATES:
            clock = "acceptance" if life.state == "applied" else "mediation"
            current = life.acceptance_deadline if clock == "acceptance" else life.mediation_deadline
            if current is not None and current < today:
                said(f"{clock}_overdue", current)
            opens = _arbitration_available_from(received.date())
            if opens <= today:
                said("arbitration_open", opens)
        resolved = life.outcome == "resolved"
        if resolved and applicant_id and today - timedelta(days=90) <= due < today:
            said("payment_question", due)

    def referral(self, life, case_id, worker_id, name, phone, id_number, industry) -> None:
        """At the first closure a worker who lost the job (and agreed) is referred to the
        re-employment centre; the officer's work on it follows, cut at now like the case."""
        world, rng, now = self.world, self.rng, self.now
        if world.centre is None:
            return
        referral_id = self.next_referral_id
        self.next_referral_id += 1
        referred_at = life.first_closed_at
        referred_on = referred_at.date()
        contact_due = _working_days_after(referred_on, 3)
        officer, role = rng.choice(world.mediators(world.centre))
        state, officer_id, first_contact, end_reason = "referred", None, None, None
        training = placed = None
        events = self.tables["audit_events"]

        def event(moment, action, before, after, note=None):
            # The referral is made by whoever closed the case; the officer does the rest.
            actor_id, actor_role = (officer, role) if before else life.first_closed_by
            details = {"from_state": before, "to_state": after}
            if action == "case.referred":
                details = {"referral_id": referral_id}
            events.append(
                (
                    _at(moment),
                    actor_id,
                    actor_role,
                    action,
                    "cases",
                    case_id,
                    note,
                    details,
                    case_id,
                    None,
                    None,
                    life.tier,
                    world.centre,
                )
            )

        event(referred_at, "case.referred", None, None)
        contacted_at = life.office_after(
            _working_days_after(referred_on, rng.choice((0, 1, 1, 2, 2, 3, 3, 4, 5))),
            referred_at,
        )
        if contacted_at <= now:
            state, officer_id, first_contact = "contacted", officer, contacted_at.date()
            event(contacted_at, "case.referral_contact", "referred", "contacted", "电话联系本人")
            self.tables["referral_contacts"].append(
                (
                    referral_id,
                    first_contact,
                    "phone",
                    "已联系，了解求职意向",
                    officer,
                    _at(contacted_at),
                )
            )
            roll = rng.random()
            later = contacted_at + timedelta(days=rng.uniform(3, 60))
            if later <= now:
                if roll < 0.12:
                    training = (later.date(), later.date() + timedelta(days=30))
                    state = "in_training"
                    event(later, "case.referral_start_training", "contacted", state)
                    later += timedelta(days=rng.uniform(30, 45))
                    roll = 0.5 if later <= now else 1.0
                if roll < 0.55 and later <= now:
                    placed = later.date() + timedelta(days=rng.randint(1, 14))
                    event(later, "case.referral_place", state, "placed")
                    state = "placed"
                elif roll < 0.7:
                    event(later, "case.referral_decline", state, "declined", "不需要就业服务")
                    state, end_reason = "declined", "不需要就业服务"
                elif roll < 0.85:
                    end_reason = rng.choice(REFERRAL_END_REASONS)
                    event(later, "case.referral_close", state, "closed", end_reason)
                    state = "closed"
        wage = rng.randint(35, 90) * 100
        self.tables["referrals"].append(
            (
                referral_id,
                case_id,
                world.centre,
                officer_id,
                worker_id,
                state,
                _at(referred_at),
                referred_on,
                contact_due,
                first_contact,
                end_reason,
                name,
                phone,
                mask_id_number(id_number),
                rng.choice(JOBS),
                industry,
                world.district,
                "",
                "",
                "",
                "",
                [],
                training is not None,
                "育婴员培训班" if training else None,
                training and training[0],
                training and training[1],
                "清远市某某服务有限公司" if placed else None,
                rng.choice(JOBS) if placed else None,
                placed,
                Decimal(wage) if placed else None,
                1,
            )
        )

    def ratings(self, life, case_id: int, applicant_id, employer_id: int) -> None:
        """Parties rate the service after closure, once each: the worker more often than the
        company, and better when the dispute was resolved."""
        rng = self.rng
        scores = (5, 4, 3, 2, 1)
        weights = (
            (0.5, 0.35, 0.1, 0.03, 0.02)
            if life.outcome == "resolved"
            else (0.15, 0.3, 0.3, 0.15, 0.1)
        )
        raters = []
        if applicant_id is not None and self.chance(0.35):
            raters.append(("applicant", applicant_id, "worker"))
        representative = self.world.employer_rep.get(employer_id)
        if representative and self.chance(0.3):
            raters.append(("respondent", representative, "employer_rep"))
        for party, user_id, role in raters:
            rated_at = life.closed_at + timedelta(seconds=int(rng.uniform(3600, 10 * 86400)))
            if rated_at > self.now:
                continue
            score = rng.choices(scores, weights)[0]
            self.tables["ratings"].append((case_id, party, score, "", user_id, _at(rated_at)))
            self.tables["audit_events"].append(
                (
                    _at(rated_at),
                    user_id,
                    role,
                    "case.rated",
                    "cases",
                    case_id,
                    None,
                    {"score": score},
                    case_id,
                    None,
                    None,
                    life.tier,
                    life.org_id,
                )
            )

    def take_batch(self, numbered_after: dict[tuple[int, int], int] | None = None):
        """The rows generated since the last call, in the order the tables must be written.

        Each case gets its number here, its sequence counted after ``numbered_after``'s
        value for its organisation and year: the numbers the batches lived before this
        generator's gave (none for a generator that lives them all)."""
        batch, self.tables = self.tables, {name: [] for name in COLUMNS}
        shift, org = numbered_after or {}, self.world.org
        cases = batch["cases"]
        for row, (org_id, year, sequence) in enumerate(self.numbered):
            sequence += shift.get((org_id, year), 0)
            number = f"{org[org_id][4] or f'LD{org_id}'}-{year}-{sequence:06d}"
            cases[row] = (cases[row][0], number, *cases[row][2:])
        self.numbered = []
        alerts, events = self.alerts.take()
        batch["alerts"].extend(alerts)
        batch["audit_events"].extend(events)
        return batch


class _Life:
    """One case lived from its application to now, step by step, as cases.operations.fire
    would change it; each step leaves its audit event. Raises _Open inside when the next
    step lies in the future."""

    def __init__(self, loader: Generator, case_id, org, received, applicant_id, filer, amount):
        self.loader, self.rng, self.now = loader, loader.rng, loader.now
        self.case_id, self.received, self.amount = case_id, received, amount
        self.applicant = (applicant_id, "worker") if applicant_id else filer
        self.filer = filer
        self.org_id, self.tier = org[0], org[1]
        self.state, self.outcome = "applied", None
        self.from_tier = self.from_org = self.extension_days = self.mediator = None
        self.acceptance_clock_start = self.acceptance_deadline = None
        self.mediation_clock_start = self.mediation_deadline = self.overdue_since = None
        self.respondent_consent = None
        self.accepted_at = self.mediation_started_at = self.closed_at = None
        self.archived_at = self.close_reason = self.first_closed_at = self.agreement = None
        self.first_closed_by = None
        self.pin = self.pinned_mediator = None
        # How staff recorded the employer's consent to mediate, when it is given.
        self.consent_via = loader.rng.choices(("window", "phone", "paper"), (0.5, 0.4, 0.1))[0]
        self.events: list[tuple] = []

    def office_after(self, day: date, not_before: datetime) -> datetime:
        return self.loader.office(day, not_before)

    def event(self, moment, actor, action, before, after, note=None, details=None, **where):
        """The audit event of one step, or _Open when the step lies after now. ``where``
        overrides the tier and organisation the event records (a transfer's)."""
        if moment > self.now:
            raise _Open
        user_id, role = actor if actor else (None, None)
        self.events.append(
            (
                _at(moment),
                user_id,
                role,
                f"case.{action}",
                "cases",
                self.case_id,
                note,
                details,
                self.case_id,
                before,
                after,
                where.get("tier", self.tier),
                where.get("org_id", self.org_id),
            )
        )

    def run(self) -> None:
        rng = self.rng
        try:
            self.event(self.received, self.filer, "apply", None, "applied")
            self.acceptance_clock_start = self.received.date()
            self.acceptance_deadline = _acceptance_deadline(self.acceptance_clock_start)
            if self.pin == "waiting":
                raise _Open
            transfer = None
            if self.tier != "court" and not self.pin and self.loader.chance(TRANSFER_SHARE):
                transfer = rng.choices(TRANSFER_POINTS, TRANSFER_POINT_WEIGHTS)[0]
            outcome = rng.choices(OUTCOMES, OUTCOME_WEIGHTS)[0]
            start = self.stage(self.received, "unresolved" if transfer else outcome, transfer)
            if transfer:
                start = self.transfer(start)
                self.stage(start, rng.choices(OUTCOMES, OUTCOME_WEIGHTS)[0], None)
            self.archive()
        except _Open:
            pass

    def stage(self, start: datetime, outcome: str, transfer: str | None) -> datetime:
        """The case at one organisation, from receipt to closure (or to the transfer point).
        Returns the moment it closed or is to be transferred."""
        rng, loader = self.rng, self.loader
        staff = loader.world.mediators(self.org_id)
        mediator = rng.choice(staff)
        if self.pin:
            mediator = next(s for s in staff if s[0] == self.pinned_mediator)
            outcome = "resolved"
        court = self.tier == "court"
        start_day = start.date()
        self.acceptance_clock_start = start_day
        self.acceptance_deadline = _acceptance_deadline(start_day)
        self.overdue_since = None

        delay = rng.choices(DECISION_DELAYS, DECISION_DELAY_WEIGHTS)[0]
        if self.pin:
            delay = min(delay, 1)
        if delay == 0 and not (_is_working_day(start_day) and start.hour < 16):
            delay = 1
        decision_day = _working_days_after(start_day, delay) if delay else start_day
        decided = loader.office(decision_day, start + timedelta(minutes=20))
        if outcome == "withdrawn" and loader.chance(0.3):
            withdrawn = (start + (decided - start) * rng.random()).replace(microsecond=0)
            self.overdue(withdrawn, self.acceptance_deadline, "acceptance")
            reason = rng.choice(WITHDRAW_REASONS)
            return self.close(withdrawn, self.applicant, "withdraw", "withdrawn", reason)
        self.overdue(decided, self.acceptance_deadline, "acceptance")
        if outcome == "declined":
            reason = rng.choice(DECLINE_REASONS)
            return self.close(decided, mediator, "decline", "declined", reason)
        claimed = decided
        if self.pin:  # claimed at once
            claimed = start + timedelta(minutes=rng.randint(20, 120))
        elif loader.chance(0.6):  # claimed before the decision, else by the one who accepts
            claimed = (start + (decided - start) * rng.random()).replace(microsecond=0)
        self.event(claimed, mediator, "claim", None, None)
        self.mediator = mediator[0]
        if transfer == "applied":
            return decided
        self.event(
            decided,
            mediator,
            "accept",
            "applied",
            "accepted",
            details={"consent_via": self.consent_via},
        )
        self.state, self.accepted_at, self.respondent_consent = "accepted", decided, True
        # The mediation period runs from acceptance on (core.clocks.start_mediation_clock):
        # from the acceptance at an enterprise committee, else from the receipt.
        self.mediation_clock_start = decision_day if self.tier == "enterprise" else start_day
        self.mediation_deadline = _mediation_deadline(self.mediation_clock_start, 0, court)

        started_day = decision_day
        if not self.pin and loader.chance(0.4):
            started_day = _working_days_after(decision_day, rng.choice((1, 1, 2)))
        started = loader.office(started_day, decided)
        self.event(started, mediator, "mediate", "accepted", "mediating")
        self.state, self.mediation_started_at = "mediating", started
        if self.pin:  # the desk's case stays in mediation, today
            self.overdue(self.now, self.mediation_deadline, "mediation")
            raise _Open

        span = max(1, (self.mediation_deadline - started_day).days)
        if outcome == "resolved":
            late = loader.chance(LATE_MEDIATION_SHARE)
            days = (
                span + rng.uniform(1, 14)
                if late
                else rng.triangular(0.3, span, min(span, 12 if court else 5))
            )
        elif outcome == "withdrawn":
            days = rng.uniform(0.2, min(span, 10))
        elif transfer == "mediating":
            days = rng.uniform(2, span)
        else:  # unresolved, and a failure before a transfer
            days = rng.triangular(2, span + 3, max(2, span - 1))
        if self.tier in ("enterprise", "court") and days > span - 2 and loader.chance(0.6):
            extension = rng.randint(5, 15)
            extended = loader.office(
                loader.working_day_on_or_after(self.mediation_deadline - timedelta(days=3)),
                started,
            )
            self.event(
                extended, mediator, "extend", "mediating", "mediating", None, {"days": extension}
            )
            self.extension_days = extension
            self.mediation_deadline = _mediation_deadline(
                self.mediation_clock_start, extension, court
            )
            days = min(days, span + extension - rng.uniform(0, 3))
        closing_day = loader.working_day_on_or_after(started_day + timedelta(days=int(days)))
        closing = loader.office(closing_day, started + HOUR)
        self.overdue(closing, self.mediation_deadline, "mediation")
        if transfer == "mediating":
            return closing
        if outcome == "resolved":
            drafted = max(
                started + HOUR, closing - timedelta(seconds=int(rng.uniform(3600, 3 * 86400)))
            )
            agreed = max(1, int(self.amount * rng.uniform(0.55, 1.0)))
            self.event(
                drafted,
                mediator,
                "agreement_drafted",
                None,
                None,
                None,
                {"amount": f"{agreed}.00"},
            )
            # Both parties sign before the mediator settles; a signature still ahead is not
            # there yet (the draft of an open case).
            signed = (drafted + (closing - drafted) * rng.uniform(0.3, 0.8)).replace(microsecond=0)
            countersigned = (signed + (closing - signed) * rng.uniform(0.1, 0.9)).replace(
                microsecond=0
            )
            self.agreement = (
                mediator[0],
                drafted,
                signed if signed <= self.now else None,
                countersigned if countersigned <= self.now else None,
                agreed,
            )
            return self.close(closing, mediator, "settle", "resolved", None)
        if outcome == "withdrawn":
            reason = rng.choice(WITHDRAW_REASONS)
            return self.close(closing, self.applicant, "withdraw", "withdrawn", reason)
        return self.close(closing, mediator, "fail", "unresolved", rng.choice(FAIL_REASONS))

    def overdue(self, stopped: datetime, due: date, clock: str) -> None:
        """The sweep marks an open case the day after its deadline passed (the clock
        stopped only later). Not a step of the workflow: a mark still ahead is simply left
        out, and the events are put in time order afterwards."""
        marked = datetime.combine(due + DAY, datetime.min.time()) + timedelta(
            seconds=300 + int(self.rng.random() * 1800)
        )
        if stopped.date() <= due or marked > self.now:
            return
        self.event(marked, None, "overdue", None, None, None, {"clock": clock, "due": str(due)})
        self.overdue_since = due + DAY

    def close(self, moment: datetime, actor, trigger: str, outcome: str, reason) -> datetime:
        self.event(moment, actor, trigger, self.state, "closed", reason)
        self.state, self.outcome = "closed", outcome
        self.closed_at, self.close_reason = moment, reason
        if self.first_closed_at is None:  # where a referral is made, if one is due
            self.first_closed_at, self.first_closed_by = moment, actor
        return moment

    def transfer(self, moment: datetime) -> datetime:
        """Up one tier: the receiving organisation reviews it as a new application."""
        rng, world = self.rng, self.loader.world
        if self.state == "closed":  # the applicant asks for the transfer after the failure
            moment = moment + timedelta(seconds=int(rng.triangular(0.5, 30, 2) * 86400))
            actor = self.applicant
        else:
            actor = (self.mediator, "mediator") if self.mediator else self.filer
        receiving = world.org[world.transfer_target(self.org_id)]
        sender_org, sender_tier = self.org_id, self.tier
        details = {"to_organization": receiving[5], "to_organization_id": receiving[0]}
        # The event records the receiving tier and the sending organisation.
        reason = rng.choice(TRANSFER_REASONS)
        self.event(
            moment, actor, "escalate", self.state, "applied", reason, details, tier=receiving[1]
        )
        self.org_id, self.tier = receiving[0], receiving[1]
        self.from_tier, self.from_org = sender_tier, sender_org
        self.state = "applied"
        self.outcome = self.mediator = self.extension_days = None
        self.respondent_consent = None
        self.accepted_at = self.mediation_started_at = self.closed_at = self.close_reason = None
        self.mediation_clock_start = self.mediation_deadline = None
        return moment

    def archive(self) -> None:
        rng = self.rng
        if self.loader.chance(ARCHIVE_NEVER_SHARE):
            return
        days = rng.uniform(3, 25) if self.loader.chance(0.84) else rng.uniform(25, 90)
        day = self.loader.working_day_on_or_after((self.closed_at + timedelta(days=days)).date())
        archived = self.loader.office(day, self.closed_at)
        staff = self.loader.world.mediators(self.org_id)
        actor = next((s for s in staff if s[0] == self.mediator), None) or rng.choice(staff)
        self.event(archived, actor, "archive", "closed", "archived")
        self.state, self.archived_at = "archived", archived


def shanghai_now() -> datetime:
    """Now, as the naive Shanghai wall-clock time the generator works in."""
    return (datetime.now(UTC) + SHANGHAI_OFFSET).replace(tzinfo=None, microsecond=0)


# The demo's history: `make run` (flask seed-demo).

DEMO_CASES = 3000
DEMO_SCALE = Scale(
    employers=80,
    staff_per_kind={"enterprise": 2, "union": 3, "hr_bureau": 4, "court": 3, "reemployment": 2},
    prefix="demo",
)
DEMO_DESK = "med_hr"  # whose worklist has work waiting and of its own, some overdue


def history_present() -> bool:
    """Whether the history was loaded: its first invented employer exists."""
    return bool(db.session.scalar(select(exists().where(Employer.uscc == synthetic_uscc(0)))))


def seed_history(cases: int = DEMO_CASES, *, seed: int = 2026, days: int = 365) -> int:
    """Add ``cases`` cases received over the last ``days`` days to the demo jurisdiction
    (``demo.seed_demo``), then rebuild the figures; returns how many cases were added, none
    when the history is there already. In the session's transaction; the caller commits."""
    if cases <= 0 or history_present():
        return 0
    rng = random.Random(seed)
    conn = db.session.connection()
    now = shanghai_now()
    world = World(conn, rng, now, DEMO_SCALE)
    desk_user = db.session.scalar(select(User).where(User.username == DEMO_DESK))
    desk = Desk(desk_user.organization_id, desk_user.id) if desk_user else None
    start = Start.after(conn)
    alerts = Alerts(world, rng, start.alert_id, current_app.config["ALERT_REPEAT_THRESHOLD"])
    generator = Generator(world, start, cases, alerts)
    pins = generator.pinned_times(desk)[: max(0, cases // 2)] if desk else []
    received = [(moment, None) for moment in received_times(rng, cases - len(pins), now, days)]
    for index, (moment, pin) in enumerate(sorted(received + pins, key=lambda item: item[0])):
        generator.case(index, moment, pin, desk)
    rows = generator.take_batch()
    # The audit log in time order, as it was written.
    rows["audit_events"].sort(key=lambda event: event[0])
    for table in COLUMNS:
        _insert(conn, table, rows[table])
    if conn.dialect.name == "postgresql":  # the ids given here: sequences continue after them
        for table in NUMBERED_TABLES:
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" (SELECT coalesce(max(id), 1) FROM {table}))"
                )
            )
    counters = upsert_insert(CaseCounter.__table__, conn.dialect.name)  # once: not kept
    counters = counters.on_conflict_do_update(
        index_elements=["organization_id", "year"],
        set_={"last_value": counters.excluded.last_value},
    )
    conn.execute(
        counters,
        [
            {"organization_id": org_id, "year": year, "last_value": value}
            for (org_id, year), value in generator.numbers.items()
        ],
    )
    figures.rebuild()
    return cases
