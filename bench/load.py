"""Load N synthetic cases into a PostgreSQL database quickly (COPY), for the benchmarks.

The cases look like the last year of a busy mediation network in the demo jurisdiction
(what ``flask seed-demo --no-cases`` creates), so that pages and figures are measured on the
data they will meet:

- received over the last 365 days, Shanghai time, busier on working days and office hours;
  case ids and numbers follow the order of receipt, as they would in a live database;
- each case is routed as the default rules would (chosen tier, collective, high amount, the
  employer's street), then lived through: accepted within about three working days, mediated,
  closed (resolved 65 %, unresolved 20 %, withdrawn 8 %, declined 7 %), archived some weeks
  later; about 5 % are transferred up a tier on the way. The year is cut at "now", so the
  state follows the age: nothing older than 60 days is open, recent cases are a mix, and the
  few that ran past a legal clock are overdue (with the sweep's mark and event);
- deadlines come from :mod:`workflows.deadlines` on the official calendar, started as
  ``core.clocks`` starts them; every step leaves the audit event ``cases.operations``
  writes (a transfer's ``case.escalate`` carries the sender and the receiving tier);
- claims and categories, an agreement for every resolved case, re-employment referrals for
  workers who lost the job, ratings after closure, a few hundred employers of very unequal
  risk, several mediators per organisation and an account for each online applicant.

Rows go in with COPY in batches, so a million cases take minutes, not hours.

    python -m bench.load --n 100000 --database postgresql://postgres@127.0.0.1:5432/mediation_bench
"""

import argparse
import itertools
import json
import queue
import random
import threading
import time
from bisect import bisect
from datetime import UTC, date, datetime, timedelta
from functools import cache

import psycopg

from mediation.privacy import mask_id_number
from mediation.validators import USCC_CHARSET, resident_id_check_character, uscc_check_character
from workflows import deadlines

NULL = "\\N"
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
SHANGHAI_OFFSET = timedelta(hours=8)  # China has kept UTC+8, without daylight saving, since 1991
OPEN_STATES = ("applied", "accepted", "mediating")
OPEN_LIMIT_DAYS = 60  # every case older than this is closed or archived
SYNTHETIC_EMPLOYERS = 300
# Mediators (court liaisons at the court) each organisation has, counting the demo accounts.
STAFF_PER_KIND = {"enterprise": 2, "union": 4, "hr_bureau": 8, "court": 4, "reemployment": 3}

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
DECLINE_REASONS = ("不属于劳动争议调解受理范围", "已申请劳动仲裁", "申请材料不全，经告知未补正")
FAIL_REASONS = ("双方对金额分歧较大，调解不成", "被申请人拒绝调解", "调解期限届满未达成协议")
WITHDRAW_REASONS = ("已与公司自行和解", "公司已支付款项", "决定直接申请劳动仲裁")
TRANSFER_REASONS = ("案情复杂，移送上级调解组织", "申请人要求移送", "涉及金额较大，移送处理")
REFERRAL_END_REASONS = ("本人已自行找到工作", "多次联系未果", "暂不需要就业服务")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰文辉建国红梅鹏飞宇浩然俊凯"
JOBS = ("操作工", "普工", "厨师", "服务员", "司机", "仓管员", "电工", "焊工", "销售", "保安")
TRADE_NAMES = "鸿达华盛恒通永利嘉信宏远金源瑞丰兴旺德润泰和佳美百合众诚"
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

CASE_COLUMNS = (
    "id, number, state, outcome, tier, transferred_from_tier, transferred_from_organization_id,"
    " extension_days, organization_id, mediator_id, routing_reason, applicant_id, applicant_name,"
    " applicant_id_number, applicant_phone, employer_id, employment_start, employment_end, job,"
    " monthly_wage, facts, desired_outcome, workers_involved, representatives, lost_job,"
    " reemployment_consent, migrant_worker, injured_worker, pregnancy_maternity_nursing,"
    " preferred_tier, channel, filed_by_id, received_at, acceptance_clock_start,"
    " acceptance_deadline, mediation_clock_start, mediation_deadline, overdue_since,"
    " respondent_consent, accepted_at, mediation_started_at, closed_at, archived_at,"
    " close_reason, version"
)
COPIES = {
    "users": "COPY users (id, username, name, phone, id_number, password_hash, role,"
    " organization_id, active, created_at, password_changed_at) FROM STDIN",
    "cases": f"COPY cases ({CASE_COLUMNS}) FROM STDIN",
    "claims": "COPY claims (case_id, category, amount, description) FROM STDIN",
    "case_categories": "COPY case_categories (case_id, category) FROM STDIN",
    "audit_events": "COPY audit_events (occurred_at, actor_id, actor_role, action, subject_type,"
    " subject_id, note, details, case_id, from_state, to_state, tier, organization_id) FROM STDIN",
    "agreements": "COPY agreements (case_id, terms, amount, due_date, drafted_by_id, drafted_at,"
    " applicant_signed_at, respondent_signed_at, signed_on_paper) FROM STDIN",
    "referrals": "COPY referrals (id, case_id, centre_id, officer_id, worker_id, state,"
    " referred_at, referred_on, contact_due, first_contacted_on, end_reason, worker_name,"
    " worker_phone, worker_id_masked, last_job, last_industry, district_id, skills, education,"
    " certificates, desired_job, desired_industries, training_interest, training_course,"
    " training_start, training_end, placed_employer, placed_job, placed_start, placed_wage,"
    " version) FROM STDIN",
    "referral_contacts": "COPY referral_contacts (referral_id, contacted_on, channel, result,"
    " recorded_by_id, recorded_at) FROM STDIN",
    "ratings": "COPY ratings (case_id, party, score, comment, rated_by_id, rated_at) FROM STDIN",
}


# The legal clocks, on the official calendar (a bench database has no admin overrides), as
# core.clocks computes them. A year has few distinct days, so each answer is cached.
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


def _utc(moment: datetime) -> str:
    """A Shanghai wall-clock time as the naive UTC the database stores."""
    return (moment - SHANGHAI_OFFSET).isoformat(" ")


def _text(value) -> str:
    return NULL if value is None else str(value)


def _bool(value: bool) -> str:
    return "t" if value else "f"


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2))))


def _resident_id(prefix: str, index: int, born_after: date) -> str:
    """A well-formed resident ID that no other index gets: the index picks the birth day
    (scattered over 40 years) and, beyond that, the sequence number, from 500 up so that no
    demo account's number (sequence 001, 002) comes out."""
    birth = born_after + timedelta(days=(index * 7919) % 14600)
    first17 = f"{prefix}{birth:%Y%m%d}{500 + (index // 14600) % 500:03d}"
    return first17 + resident_id_check_character(first17)


def _uscc(index: int) -> str:
    code, digits = index, []
    for _ in range(6):
        code, rest = divmod(code, 31)
        digits.append(USCC_CHARSET[rest])
    first17 = "91441802MA5" + "".join(reversed(digits))
    return first17 + uscc_check_character(first17)


class _Open(Exception):
    """The case's life has reached the present: it stays in the state it is in now."""


class _World:
    """The demo jurisdiction as the database has it, plus the synthetic people and employers."""

    def __init__(self, conn: psycopg.Connection, rng: random.Random, now: datetime) -> None:
        self.rng, self.now = rng, now
        orgs = conn.execute(
            "SELECT o.id, o.kind, o.region_id, o.employer_id, o.case_prefix, o.name, r.parent_id"
            " FROM organizations o JOIN regions r ON r.id = o.region_id WHERE o.active"
        ).fetchall()
        self.org = {row[0]: row for row in orgs}
        self.by_kind = {}
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
        # Synthetic accounts share the demo password, so any of them can sign in to look.
        self.password_hash = conn.execute(
            "SELECT password_hash FROM users WHERE username = 'worker1'"
        ).fetchone()[0]
        self.worker1 = conn.execute(
            "SELECT id, name, phone, id_number FROM users WHERE username = 'worker1'"
        ).fetchone()
        self.employer_rep = dict(
            conn.execute(
                "SELECT employer_id, id FROM users WHERE role = 'employer_rep' AND active"
            ).fetchall()
        )
        self.next_user_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM users").fetchone()[0]
        self.worker_count = 0
        self._add_staff(conn)
        self._add_employers(conn)

    def _add_staff(self, conn: psycopg.Connection) -> None:
        """Several mediators per organisation: a centre is a team, and 'mine' is one person's."""
        staff = {}
        for org_id, role, user_id in conn.execute(
            "SELECT organization_id, role, id FROM users WHERE organization_id IS NOT NULL"
            " AND role IN ('mediator', 'court_liaison', 'reemployment_officer') AND active"
        ):
            staff.setdefault(org_id, []).append((user_id, role))
        rows = []
        for org_id, (_, kind, *_rest) in self.org.items():
            role = {"court": "court_liaison", "reemployment": "reemployment_officer"}.get(
                kind, "mediator"
            )
            team = staff.setdefault(org_id, [])
            for number in range(len(team), STAFF_PER_KIND[kind]):
                user_id = self.next_user_id
                self.next_user_id += 1
                team.append((user_id, role))
                created = _utc(self.now - timedelta(days=400))
                rows.append(
                    f"{user_id}\tbench_staff_{org_id}_{number}\t{_name(self.rng)}\t{NULL}\t{NULL}"
                    f"\t{self.password_hash}\t{role}\t{org_id}\tt\t{created}\t{created}\n"
                )
        self.staff = staff
        _copy(conn, "users", rows)

    def _add_employers(self, conn: psycopg.Connection) -> None:
        """A few hundred employers in the district's streets, with very unequal case counts
        (a few employers cause most disputes), so the employer risk page has a ranking."""
        streets = list(self.street_centre)
        first_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM employers").fetchone()[0]
        rows = []
        for index in range(SYNTHETIC_EMPLOYERS):
            industry = self.rng.choice(list(INDUSTRY_WORDS))
            trade = TRADE_NAMES[index % 15 * 2 : index % 15 * 2 + 2]
            name = f"清远市{trade}{INDUSTRY_WORDS[industry]}{index // 15 + 1}号有限公司"
            rows.append((first_id + index, name, _uscc(index), self.rng.choice(streets), industry))
        with conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO employers (id, name, uscc, region_id, industry)"
                " VALUES (%s, %s, %s, %s, %s)",
                rows,
            )
        conn.execute("SELECT setval('employers_id_seq', (SELECT max(id) FROM employers))")
        employers = conn.execute("SELECT id, region_id, industry FROM employers ORDER BY id")
        self.employers = employers.fetchall()
        # Zipf-like weights; the demo employers (first) are among the busiest.
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


def _copy(conn: psycopg.Connection, table: str, rows: list[str]) -> None:
    if not rows:
        return
    with conn.cursor() as cursor, cursor.copy(COPIES[table]) as copy:
        for start in range(0, len(rows), 20_000):
            copy.write("".join(rows[start : start + 20_000]))


def _received_times(rng: random.Random, n: int, now: datetime) -> list[datetime]:
    """N moments over the last 365 days (Shanghai time), sorted: working days busier than
    weekends and public holidays, office hours busier than the night."""
    today = now.date()
    days = [today - timedelta(days=offset) for offset in range(364, -1, -1)]

    def weight(day: date) -> float:
        if _is_working_day(day):
            return 1.0
        return 0.35 if day.weekday() >= 5 else 0.25  # a weekend, or a public holiday

    day_weights = list(itertools.accumulate(weight(day) for day in days))
    hour_weights = list(itertools.accumulate(FILING_HOURS))
    midnight = datetime.combine(today, datetime.min.time())
    elapsed_today = int((now - midnight).total_seconds())
    times = []
    for day, hour in zip(
        rng.choices(days, cum_weights=day_weights, k=n),
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


class _Loader:
    def __init__(self, world: _World, first_case_id: int, n: int) -> None:
        self.world, self.rng, self.now = world, world.rng, world.now
        self.next_case_id = first_case_id
        self.numbers: dict[tuple[int, int], int] = {}
        self.next_referral_id = 1
        self.workers: list[tuple[int, str, str, str, bool]] = []
        # worker1 files a few cases spread over the year, the last of them a few days old, so
        # the benchmark's worker case page is an ordinary open case.
        self.worker1_cases = {n * k // 5 for k in range(1, 5)} | {max(0, n - 1 - n // 250)}
        self.tables: dict[str, list[str]] = {name: [] for name in COPIES}

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

    def applicant(self, index: int, received: datetime, channel: str):
        """(user id or None, name, ID number, phone, migrant) of the case's applicant.

        Online applicants have an account (a new one, or now and then one who filed before);
        walk-in and phone applicants have none, as in one-window intake."""
        rng = self.rng
        if index in self.worker1_cases:  # filed online
            user_id, name, phone, id_number = self.world.worker1
            return user_id, name, id_number, phone, False
        if channel in ("web", "app"):
            if self.workers and self.chance(0.07):
                return rng.choice(self.workers)
            world = self.world
            user_id, number = world.next_user_id, world.worker_count
            world.next_user_id += 1
            world.worker_count += 1
            prefix, migrant = rng.choice(BIRTHPLACES)
            name = _name(rng)
            id_number = _resident_id(prefix, number, date(1968, 1, 1))
            phone = f"15{number:09d}"
            created = _utc(received - timedelta(seconds=300 + int(rng.random() * 3000)))
            self.tables["users"].append(
                f"{user_id}\tbench_w{number}\t{name}\t{phone}\t{id_number}"
                f"\t{world.password_hash}\tworker\t{NULL}\tt\t{created}\t{created}\n"
            )
            worker = (user_id, name, id_number, phone, migrant)
            self.workers.append(worker)
            return worker
        prefix, migrant = rng.choice(BIRTHPLACES)
        id_number = _resident_id(prefix, index, date(1967, 6, 1))
        return None, _name(rng), id_number, f"139{index % 100_000_000:08d}", migrant

    def case(self, index: int, received: datetime) -> None:
        rng, world = self.rng, self.world
        case_id = self.next_case_id
        self.next_case_id += 1
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
        if self.chance(0.35):
            second = rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
            if second != categories[0]:
                categories.append(second)
        workers = 1
        if self.chance(0.015):
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
        if committee and self.chance(0.45):
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
        if applicant_id is not None:
            filer = (applicant_id, "worker")
        else:
            filer = rng.choice(world.mediators(org_id))

        # Live the case until now; a case older than the open limit that is still open is
        # lived again (its durations drawn anew), so that every old case has closed.
        too_old = received < self.now - timedelta(days=OPEN_LIMIT_DAYS)
        for _attempt in range(20):
            life = _Life(self, case_id, org, received, applicant_id, filer, amount)
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
        representatives = NULL
        if workers >= 10:
            representatives = _json(
                [{"name": _name(rng), "phone": f"137{rng.randrange(10**8):08d}"} for _ in "123"]
            )
        pregnancy = self.chance(0.02)
        consent = lost_job and self.chance(0.6)
        tables["cases"].append(
            "\t".join(
                (
                    str(case_id),
                    f"{org[4] or f'LD{org_id}'}-{year}-{sequence:06d}",
                    life.state,
                    _text(life.outcome),
                    life.tier,
                    _text(life.from_tier),
                    _text(life.from_org),
                    _text(life.extension_days),
                    str(life.org_id),
                    _text(life.mediator),
                    reason,
                    _text(applicant_id),
                    applicant_name,
                    id_number,
                    phone,
                    str(employer_id),
                    employment_start.isoformat(),
                    _text(employment_end),
                    rng.choice(JOBS),
                    f"{wage}.00",
                    "；".join(CLAIM_TEXT[category][1] for category in categories),
                    "",
                    str(workers),
                    representatives,
                    _bool(lost_job),
                    _bool(consent),
                    _bool(migrant),
                    _bool(injured),
                    _bool(pregnancy),
                    _text(preferred),
                    channel,
                    str(filer[0]),
                    _utc(received),
                    life.acceptance_clock_start.isoformat(),
                    life.acceptance_deadline.isoformat(),
                    _text(life.mediation_clock_start),
                    _text(life.mediation_deadline),
                    _text(life.overdue_since),
                    _text(life.respondent_consent and "t"),
                    life.moment(life.accepted_at),
                    life.moment(life.mediation_started_at),
                    life.moment(life.closed_at),
                    life.moment(life.archived_at),
                    _text(life.close_reason),
                    "1",
                )
            )
            + "\n"
        )
        for category, claim in claims:
            tables["claims"].append(
                f"{case_id}\t{category}\t{claim}.00\t{CLAIM_TEXT[category][0]}\n"
            )
            tables["case_categories"].append(f"{case_id}\t{category}\n")
        life.events.sort()  # each line starts with its time
        tables["audit_events"].extend(life.events)
        if life.agreement:
            drafted_by, drafted_at, signed_at, paper, agreed = life.agreement
            due = (signed_at + timedelta(days=rng.randint(3, 30))).date()
            tables["agreements"].append(
                f"{case_id}\t双方自愿达成调解协议，被申请人分期支付款项。\t{agreed}.00\t{due}"
                f"\t{drafted_by}\t{_utc(drafted_at)}\t{_utc(signed_at)}"
                f"\t{_utc(signed_at + timedelta(minutes=rng.randint(5, 600)))}\t{_bool(paper)}\n"
            )
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
        state, officer_id, first_contact, end_reason = "referred", NULL, None, None
        training = placed = None
        events = self.tables["audit_events"]

        def event(moment, action, before, after, note=None):
            # The referral is made by whoever closed the case; the officer does the rest.
            actor_id, actor_role = (officer, role) if before else life.first_closed_by
            details = _json({"from_state": before, "to_state": after})
            if action == "case.referred":
                details = _json({"referral_id": referral_id})
            events.append(
                f"{_utc(moment)}\t{actor_id}\t{actor_role}\t{action}\tcases\t{case_id}"
                f"\t{_text(note)}\t{details}\t{case_id}\t{NULL}\t{NULL}\t{life.tier}"
                f"\t{world.centre}\n"
            )

        event(referred_at, "case.referred", None, None)
        contacted_at = life.office_after(
            _working_days_after(referred_on, rng.choice((0, 1, 1, 2, 2, 3, 3, 4, 5))),
            referred_at,
        )
        if contacted_at <= now:
            state, officer_id, first_contact = "contacted", str(officer), contacted_at.date()
            event(contacted_at, "case.referral_contact", "referred", "contacted", "电话联系本人")
            self.tables["referral_contacts"].append(
                f"{referral_id}\t{first_contact}\tphone\t已联系，了解求职意向\t{officer}"
                f"\t{_utc(contacted_at)}\n"
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
            "\t".join(
                (
                    str(referral_id),
                    str(case_id),
                    str(world.centre),
                    officer_id,
                    _text(worker_id),
                    state,
                    _utc(referred_at),
                    referred_on.isoformat(),
                    contact_due.isoformat(),
                    _text(first_contact),
                    _text(end_reason),
                    name,
                    phone,
                    mask_id_number(id_number),
                    rng.choice(JOBS),
                    industry,
                    str(world.district),
                    "",
                    "",
                    "",
                    "",
                    "[]",
                    _bool(training is not None),
                    "育婴员培训班" if training else NULL,
                    _text(training and training[0]),
                    _text(training and training[1]),
                    "清远市某某服务有限公司" if placed else NULL,
                    rng.choice(JOBS) if placed else NULL,
                    _text(placed),
                    f"{wage}.00" if placed else NULL,
                    "1",
                )
            )
            + "\n"
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
            self.tables["ratings"].append(
                f"{case_id}\t{party}\t{score}\t\t{user_id}\t{_utc(rated_at)}\n"
            )
            self.tables["audit_events"].append(
                f"{_utc(rated_at)}\t{user_id}\t{role}\tcase.rated\tcases\t{case_id}\t{NULL}"
                f"\t{_json({'score': score})}\t{case_id}\t{NULL}\t{NULL}\t{life.tier}"
                f"\t{life.org_id}\n"
            )

    def take_batch(self) -> dict[str, list[str]]:
        """The rows generated since the last call, in the order the tables must be written."""
        batch, self.tables = self.tables, {name: [] for name in COPIES}
        return batch


class _Life:
    """One case lived from its application to now, step by step, as cases.operations.fire
    would change it; each step leaves its audit event. Raises _Open inside when the next
    step lies in the future."""

    def __init__(self, loader: _Loader, case_id, org, received, applicant_id, filer, amount):
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
        self.events: list[str] = []

    @staticmethod
    def moment(value: datetime | None) -> str:
        return NULL if value is None else _utc(value)

    def office_after(self, day: date, not_before: datetime) -> datetime:
        return self.loader.office(day, not_before)

    def event(self, moment, actor, action, before, after, note=None, details=NULL, **where):
        """The audit event of one step, or _Open when the step lies after now. ``where``
        overrides the tier and organisation the event records (a transfer's)."""
        if moment > self.now:
            raise _Open
        user_id, role = actor if actor else (NULL, NULL)
        self.events.append(
            f"{_utc(moment)}\t{user_id}\t{role}\tcase.{action}\tcases\t{self.case_id}"
            f"\t{_text(note)}\t{details}\t{self.case_id}\t{_text(before)}\t{_text(after)}"
            f"\t{where.get('tier', self.tier)}\t{where.get('org_id', self.org_id)}\n"
        )

    def run(self) -> None:
        rng = self.rng
        self.event(self.received, self.filer, "apply", None, "applied")
        transfer = None
        if self.tier != "court" and self.loader.chance(TRANSFER_SHARE):
            transfer = rng.choices(TRANSFER_POINTS, TRANSFER_POINT_WEIGHTS)[0]
        outcome = rng.choices(OUTCOMES, OUTCOME_WEIGHTS)[0]
        try:
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
        court = self.tier == "court"
        start_day = start.date()
        self.acceptance_clock_start = start_day
        self.acceptance_deadline = _acceptance_deadline(start_day)
        self.overdue_since = None

        delay = rng.choices(DECISION_DELAYS, DECISION_DELAY_WEIGHTS)[0]
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
        if loader.chance(0.6):  # claimed before the decision, else by the one who accepts
            claimed = (start + (decided - start) * rng.random()).replace(microsecond=0)
        self.event(claimed, mediator, "claim", None, None)
        self.mediator = mediator[0]
        if transfer == "applied":
            return decided
        self.event(decided, mediator, "accept", "applied", "accepted")
        self.state, self.accepted_at, self.respondent_consent = "accepted", decided, True

        started_day = decision_day
        if loader.chance(0.4):
            started_day = _working_days_after(decision_day, rng.choice((1, 1, 2)))
        started = loader.office(started_day, decided)
        counts_from_application = self.tier in ("union", "hr_bureau")
        self.event(started, mediator, "mediate", "accepted", "mediating")
        self.state, self.mediation_started_at = "mediating", started
        self.mediation_clock_start = (
            self.acceptance_clock_start if counts_from_application else decision_day
        )
        self.mediation_deadline = _mediation_deadline(self.mediation_clock_start, 0, court)

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
                extended,
                mediator,
                "extend",
                "mediating",
                "mediating",
                None,
                _json({"days": extension}),
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
                _json({"amount": f"{agreed}.00"}),
            )
            signed = (drafted + (closing - drafted) * rng.uniform(0.3, 0.9)).replace(microsecond=0)
            self.agreement = (mediator[0], drafted, signed, loader.chance(0.4), agreed)
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
        self.event(
            marked,
            None,
            "overdue",
            None,
            None,
            None,
            _json({"clock": clock, "due": due.isoformat()}),
        )
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
        details = _json({"to_organization": receiving[5], "to_organization_id": receiving[0]})
        # The event records the receiving tier and the sending organisation.
        reason = rng.choice(TRANSFER_REASONS)
        self.event(
            moment, actor, "escalate", self.state, "applied", reason, details, tier=receiving[1]
        )
        self.org_id, self.tier = receiving[0], receiving[1]
        self.from_tier, self.from_org = sender_tier, sender_org
        self.state = "applied"
        self.outcome = self.mediator = self.extension_days = None
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


def _skip_foreign_key_triggers(conn: psycopg.Connection) -> None:
    """The rows are generated consistent, so the per-row foreign-key checks (triggers that
    also lock each referenced row) are skipped, as ``pg_restore --disable-triggers`` does:
    COPY gets about three times faster. CHECK and UNIQUE constraints still apply. Needs a
    superuser (the default bench database URL is one); without, the checks simply run."""
    try:
        conn.execute("SET session_replication_role = replica")
    except psycopg.errors.InsufficientPrivilege:
        conn.rollback()


def _write_batches(conn: psycopg.Connection, batches: queue.Queue, failed: list) -> None:
    """COPY each batch and commit it, in a thread: the next batch is generated meanwhile."""
    try:
        while (batch := batches.get()) is not None:
            for table, rows in batch.items():
                _copy(conn, table, rows)
            conn.commit()
    except BaseException as error:
        failed.append(error)  # the generator stops at its next batch
        while batches.get() is not None:
            pass


def load(database: str, n: int, seed: int = 2026, batch: int = 50_000) -> float:
    """Load ``n`` cases into a database that has the demo world; returns the seconds taken."""
    rng = random.Random(seed)
    started = time.perf_counter()
    now = (datetime.now(UTC) + SHANGHAI_OFFSET).replace(tzinfo=None, microsecond=0)
    with psycopg.connect(database) as conn:
        _skip_foreign_key_triggers(conn)
        world = _World(conn, rng, now)
        conn.commit()
        first_case_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM cases").fetchone()[0]
        loader = _Loader(world, first_case_id, n)
        received = _received_times(rng, n, now)
        batches, failed = queue.Queue(maxsize=1), []
        writer = threading.Thread(target=_write_batches, args=(conn, batches, failed))
        writer.start()
        try:
            for offset in range(0, n, batch):
                if failed:
                    break
                for index in range(offset, min(n, offset + batch)):
                    loader.case(index, received[index])
                batches.put(loader.take_batch())
        finally:
            batches.put(None)
            writer.join()
        if failed:
            raise failed[0]
        for table, column in (("users", "id"), ("cases", "id"), ("referrals", "id")):
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'),"
                f" (SELECT coalesce(max({column}), 1) FROM {table}))"
            )
        # The next case an organisation numbers continues after the loaded ones.
        with conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO case_counters (organization_id, year, last_value) VALUES (%s, %s, %s)"
                " ON CONFLICT (organization_id, year) DO UPDATE"
                " SET last_value = greatest(case_counters.last_value, excluded.last_value)",
                [(org_id, year, value) for (org_id, year), value in loader.numbers.items()],
            )
        conn.commit()
        # As autovacuum would leave a live database: statistics, and the visibility map that
        # lets index-only scans skip the table (otherwise autovacuum does it mid-benchmark).
        conn.autocommit = True
        conn.execute("VACUUM (ANALYZE)")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--database", required=True)
    args = parser.parse_args()
    seconds = load(args.database, args.n)
    print(f"loaded {args.n} cases in {seconds:.1f} s")


if __name__ == "__main__":
    main()
