"""Every route that names an object × every role × objects out of the role's reach.

``tests/test_access.py`` checks who gets through each route's door (a role turned away there
gets its 403 before any id is read); this test attacks what is behind it. For each role, signed
in as its demo account (the pages with the session cookie and a CSRF token, the API with a
Bearer token), it sends every method of every route whose URL names an object and whose door
is open to the role, taken from ``app.url_map`` (a new route is attacked without anyone
listing it; a URL variable this test cannot fill fails it). The world (``build_world``, once
per database) holds cases, referrals and the rest of the demo district's own, and the same
of another worker, another company, another organisation and another district; each route is
sent:

- objects the account may not see: the nearest one and, route after route, each of the others
  in turn (another worker's case, another company's, another organisation's, another
  district's…);
- a sub-object (a session, a document, a message…) under its own case out of reach; one the
  account may not see under its case in reach (the other party's caucus, evidence sent in
  after the case left the organisation); one of another case under a case in reach.

An object out of reach is a 404, as if it did not exist; a sub-object under a case in reach
gets what a sub-object that exists nowhere gets there (404, or the refusal the case earns
first). Never the object (its text or file), never a 500. A number larger than any id is a 404
too. An object a role may read but not act on (the court's case to confirm, a case handed on,
a referral supervised) refuses every act with a 403 (a page may send the person back with the
reason instead) and changes nothing. Who sees what is written down next to each object,
independently of ``mediation/policy.py``.
"""

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mediation.auth import accounts, representatives
from mediation.cases import agreements, casework, conversation, payment, suspension
from mediation.cases import triggers as case_triggers
from mediation.cases.filing import ClaimInput, EmployerInput, account_party, file_case
from mediation.cases.operations import fire
from mediation.core.recipients import staff_of
from mediation.court import confirmations
from mediation.extensions import db
from mediation.models import (
    Alert,
    ApiToken,
    AuditEvent,
    Case,
    CaseDocument,
    Category,
    Employer,
    MessageChannel,
    Organization,
    OrgKind,
    OutboxMessage,
    Payment,
    Region,
    RegionLevel,
    Role,
    RoutingRuleRow,
    SuspensionCause,
    User,
    Vacancy,
)
from mediation.models.types import utcnow
from mediation.referrals import operations as referral_operations
from mediation.referrals.triggers import REFERRAL_ACTIONS
from mediation.uploads import evidence_root, stored_path
from mediation.vacancy_import import VacancyRow
from mediation.validators import uscc_check_character
from tests.conftest import csrf_token_from, rolled_back_transaction
from tests.factories import application, held_session, paper_scan, user
from tests.test_access import DEMO_ACCOUNT, EXPECTED

pytestmark = pytest.mark.both_databases

ROLES = list(DEMO_ACCOUNT)  # worker1, employer1, med_hr, court1, reemploy1, supervisor1, admin
PARTIES_AND_MEDIATOR = frozenset({"worker", "employer_rep", "mediator"})
NOBODY: frozenset[str] = frozenset()
MISSING = 999_999_999  # an id that names nothing
BEYOND_ANY_ID = 2**63  # more than either database's integers hold

# A route variable that names an object → the kind of object. ``message_id`` is a case's
# message under /cases/<case_id>/…, a message of the outbox elsewhere.
OBJECT_VARIABLES: dict[str, str | Callable[[set[str]], str]] = {
    "case_id": "case",
    "session_id": "session",
    "suspension_id": "suspension",
    "document_id": "document",
    "evidence_id": "evidence",
    "message_id": lambda names: "case_message" if "case_id" in names else "outbox_message",
    "report_id": "payment_report",
    "referral_id": "referral",
    "proposal_id": "proposal",
    "vacancy_id": "vacancy",
    "registration_id": "registration",
    "alert_id": "alert",
    "token_id": "api_token",
    "rule_id": "routing_rule",
    "user_id": "user",
    "employer_id": "employer",
    "organization_id": "organization",
    "region_id": "region",
}
# Kinds whose every object the one role that may use their routes sees: admin's.
SEEN_BY_THEIR_ROLE = {
    "registration",
    "outbox_message",
    "routing_rule",
    "user",
    "employer",
    "organization",
    "region",
}
# The kinds a sub-object's route names first, in which the sub-object is looked for.
PARENTS = ("case", "referral")


def _triggers(rule) -> list[str]:
    if "referral_id" in rule.arguments:
        # The API takes claim on the trigger's path; on the pages it is a route of its own.
        claim = ["claim"] if rule.endpoint.startswith("api.") else []
        return [*claim, *REFERRAL_ACTIONS]
    return [action.name for action in case_triggers.direct_actions()]


# A route variable that names no object → every value it takes (or one harmless value).
PLAIN_VARIABLES: dict[str, Callable[..., list]] = {
    "trigger": _triggers,
    "channel": lambda rule: [channel.value for channel in MessageChannel],
    "reply": lambda rule: ["interested", "not_interested"],
    "direction": lambda rule: ["up", "down"],
    "fmt": lambda rule: ["csv"],
    "year": lambda rule: [2027],
    "filename": lambda rule: ["css/app.css"],
    "token": lambda rule: ["not-a-real-link"],
    "kind": lambda rule: ["regions"],
}


def object_kinds(rule) -> dict[str, str]:
    """The route's object variables and their kinds; a variable of neither table fails."""
    names = set(rule.arguments)
    unknown = names - set(OBJECT_VARIABLES) - set(PLAIN_VARIABLES)
    if unknown:
        pytest.fail(
            f"{rule.endpoint} ({rule.rule}) has URL variables this test cannot fill: "
            f"{sorted(unknown)}. Add them to OBJECT_VARIABLES (an id, with objects of that "
            "kind in build_world) or to PLAIN_VARIABLES (anything else).",
            pytrace=False,
        )
    kinds = {}
    for name in sorted(names & set(OBJECT_VARIABLES)):
        kind = OBJECT_VARIABLES[name]
        kinds[name] = kind(names) if callable(kind) else kind
    return kinds


# -- The world ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thing:
    """One object of the world: its kind and id, the roles whose demo account sees it, the text
    only its part of the world holds (never in a refusal), and where it belongs: a sub-object
    is ``within`` a key its case (referral) ``provides``."""

    kind: str
    id: int
    label: str
    visible_to: frozenset[str]
    marker: str
    provides: frozenset[str] = frozenset()
    within: str | None = None


@dataclass
class World:
    things: list[Thing] = field(default_factory=list)

    def add(self, kind: str, id: int, label: str, visible_to, marker: str, **where) -> None:
        self.things.append(Thing(kind, id, label, frozenset(visible_to), marker, **where))

    def of_kind(self, kind: str) -> list[Thing]:
        return [thing for thing in self.things if thing.kind == kind]

    def add_case(self, case: Case, label: str, seen, marker: str, messages=()) -> None:
        """The case and one of each of its sub-objects, seen by the same roles (a message by
        those its channel names)."""
        key = f"case:{case.id}"
        self.add("case", case.id, label, seen, marker, provides=frozenset({key}))
        document = db.session.scalar(
            select(CaseDocument.id).where(CaseDocument.case_id == case.id).order_by("id")
        )
        children = [
            ("session", case.sessions[0].id, seen),
            ("document", document, seen),
            ("evidence", case.evidence[0].id, seen),
            *(("case_message", message.id, readers) for message, readers in messages),
            *(("payment_report", report.id, seen) for report in payment.reports(case)[:1]),
            ("suspension", _suspension_of(case, marker), seen),
        ]
        for kind, row_id, readers in children:
            self.add(kind, row_id, f"{kind} of {label}", readers, marker, within=key)

    def add_referral(self, case: Case, label: str, seen, marker: str) -> None:
        """The referral of the case and the job proposed in it."""
        referral = case.referral
        provides = frozenset({f"referral:{referral.id}", f"centre:{referral.centre_id}"})
        self.add("referral", referral.id, label, seen, marker, provides=provides)
        [proposal] = referral.proposals
        key = f"referral:{referral.id}"
        self.add("proposal", proposal.id, f"job proposal of {label}", seen, marker, within=key)


def _suspension_of(case: Case, marker: str) -> int:
    """A suspension of the case's limitation, recorded by its organisation's staff."""
    return suspension.record_suspension(
        case,
        actor=staff_of(case.organization)[0],
        cause=SuspensionCause.force_majeure,
        starts_on=date(2024, 1, 1),
        reason=f"台风{marker}",
    ).id


def _scan(marker: str, folder: Path | None = None):
    """A PDF as ``uploads.store_upload`` leaves it, on disk and holding ``marker``, so that a
    download which should have been refused shows."""
    stored = paper_scan(f"{marker}.pdf")
    folder = folder or evidence_root()
    folder.mkdir(parents=True, exist_ok=True)
    stored_path(folder, stored.stored_name).write_bytes(f"%PDF-1.4 {marker} %%EOF".encode())
    return stored


def _file(worker: User, employer: Employer, marker: str, **changes) -> Case:
    return file_case(
        application(
            applicant=account_party(worker),
            employer=EmployerInput(name=employer.name, uscc=employer.uscc),
            facts=f"公司拖欠工资。{marker}",
            claims=(ClaimInput(Category.wage_arrears, Decimal("13000.00"), marker),),
            **changes,
        ),
        actor=worker,
    )


def _mediate(case: Case, mediator: User, marker: str) -> None:
    """Accepted and in mediation, a session held and minuted, evidence handed in."""
    fire(case, "accept", actor=mediator, respondent_consent=True, consent_via="window")
    fire(case, "mediate", actor=mediator)
    held_session(case, f"双方陈述。{marker}", by=mediator.username)
    casework.add_evidence(case, actor=mediator, stored=_scan(marker))


def _message(case: Case, author: User, channel: MessageChannel, marker: str):
    return conversation.post_message(
        case, actor=author, channel=channel, text=f"请补充材料。{marker}", attachment=_scan(marker)
    )


def _settle(case: Case, mediator: User, marker: str) -> None:
    """An agreement signed on paper (the scan kept), settled, reported paid with a proof."""
    terms = f"支付工资。{marker}"
    agreements.draft_agreement(case, actor=mediator, terms=terms, amount=1000, due_date=None)
    agreements.record_paper_signatures(case, actor=mediator, scan=_scan(marker))
    fire(case, "settle", actor=mediator)
    payment.report_payment(case, actor=mediator, payment=Payment.paid, proof=_scan(marker))


def _vacancy(officer: User, marker: str) -> Vacancy:
    district = officer.organization.region.district
    row = VacancyRow(0, marker, "操作工", "C", district.id, None, None, (), 1)
    [vacancy] = referral_operations.enter_vacancies(
        [row], centre=officer.organization, actor=officer
    )
    return vacancy


def _work_referral(case: Case, officer: User, vacancy: Vacancy) -> None:
    """The officer of the referral's centre takes it, reaches the worker, proposes a job."""
    referral = case.referral
    assert referral.centre_id == officer.organization_id, referral.centre.name
    referral_operations.claim(referral, actor=officer)
    referral_operations.fire(
        referral, "contact", actor=officer, channel="phone", result="已联系", strict=False
    )
    referral_operations.propose(referral, vacancy, actor=officer)


def _registration(employer: Employer, phone: str, marker: str) -> int:
    """A representative's registration with its letter, the phone proven: staff may decide."""
    registration = representatives.register(
        name="陈经理",
        phone=phone,
        uscc=employer.uscc,
        password="rep-pass-2026",
        letter=_scan(marker, representatives.letters_dir()),
    )
    registration.user.phone_verified_at = utcnow()
    return registration.id


def _staff(username: str, role: Role, organization: Organization) -> User:
    return accounts.create_staff(
        actor=None,
        username=username,
        name=username,
        role=role,
        password="demo-2026",
        organization=organization,
    )


def _token(owner: User) -> int:
    accounts.issue_api_token(owner)
    db.session.flush()
    return db.session.scalar(
        select(ApiToken.id).where(ApiToken.user_id == owner.id).order_by(ApiToken.id.desc())
    )


def _employer(uscc: str) -> Employer:
    return db.session.scalar(select(Employer).where(Employer.uscc == uscc))


def build_world() -> World:
    """The demo district 清城区 with its accounts (``DEMO_ACCOUNT``: worker1; employer1 of
    清远某某新材料 in 凤城街道; med_hr of 凤城街道's centre; court1; reemploy1 of the district's
    re-employment centre; supervisor1 of 清城区; admin), a re-employment station of 东城街道,
    and another district, 清新区, with a network of its own."""
    world = World()
    worker1, worker2 = user("worker1"), user("worker2")
    med_hr, med_union, court1 = user("med_hr"), user("med_union"), user("court1")
    reemploy1 = user("reemploy1")
    company = _employer("91350100M000100Y43")  # employer1's, in 凤城街道
    restaurant = _employer("91441802MA53P8QW2J")  # 凤城街道 too
    builder = _employer("91441802MA52K3L7X4")  # 东城街道
    station = Organization(
        name="东城街道再就业服务站", kind=OrgKind.reemployment, region=builder.region
    )
    qingxin = Region(name="清新区", level=RegionLevel.district, code="441803")
    taihe = Region(name="太和镇", level=RegionLevel.street, code="441803001", parent=qingxin)
    code = "91441803MA5QX0001"
    far_company = Employer(
        uscc=code + uscc_check_character(code),
        name="清新某某陶瓷有限公司",
        region=taihe,
        industry="C",
    )
    far_centre = Organization(
        name="清新区劳动人事争议调解中心",
        kind=OrgKind.hr_bureau,
        region=qingxin,
        case_prefix="QXTJ",
    )
    far_jobs = Organization(name="清新区再就业服务中心", kind=OrgKind.reemployment, region=qingxin)
    db.session.add_all([station, qingxin, taihe, far_company, far_centre, far_jobs])
    db.session.flush()
    station_officer = _staff("reemploy_dc", Role.reemployment_officer, station)
    far_mediator = _staff("med_far", Role.mediator, far_centre)
    far_officer = _staff("reemploy_far", Role.reemployment_officer, far_jobs)
    jobs = _vacancy(reemploy1, "zq-own")
    world.add(
        "vacancy",
        jobs.id,
        "a job of reemploy1's centre",
        {"reemployment_officer"},
        "zq-own",
        within=f"centre:{jobs.centre_id}",
    )

    # Own: worker1 against employer1's company at med_hr's centre. In mediation, with a message
    # in each channel (a party never reads the other's caucus); settled, the agreement sent to
    # court1's court, the referral worked by reemploy1; transferred by med_hr to the court.
    marker = "zq-own"
    mediating = _file(worker1, company, marker)
    _mediate(mediating, med_hr, marker)
    world.add_case(
        mediating,
        "worker1's case in mediation",
        PARTIES_AND_MEDIATOR,
        marker,
        [
            (_message(mediating, med_hr, MessageChannel.joint, marker), PARTIES_AND_MEDIATOR),
            (_message(mediating, med_hr, MessageChannel.applicant, marker), {"worker", "mediator"}),
            (
                _message(mediating, med_hr, MessageChannel.respondent, marker),
                {"employer_rep", "mediator"},
            ),
        ],
    )
    settled = _file(worker1, company, marker, lost_job=True, reemployment_consent=True)
    _mediate(settled, med_hr, marker)
    joint = _message(settled, med_hr, MessageChannel.joint, marker)
    _settle(settled, med_hr, marker)
    confirmations.request_confirmation(settled, actor=worker1)
    _work_referral(settled, reemploy1, jobs)
    seen = PARTIES_AND_MEDIATOR | {"court_liaison"}
    world.add_case(settled, "worker1's settled case", seen, marker, [(joint, seen)])
    world.add_referral(
        settled, "worker1's referral", {"worker", "reemployment_officer", "supervisor"}, marker
    )
    # med_hr's centre keeps reading the case it handed on, not what came in after it left, nor
    # the conversation.
    handed_on = _file(worker1, company, marker)
    _mediate(handed_on, med_hr, marker)
    fire(
        handed_on,
        "escalate",
        actor=med_hr,
        reason="需法院调解",
        organization_id=court1.organization_id,
    )
    casework.add_evidence(handed_on, actor=court1, stored=_scan(marker))
    holders = {"worker", "employer_rep", "court_liaison"}
    key = f"case:{handed_on.id}"
    world.add(
        "case",
        handed_on.id,
        "the case med_hr handed on",
        holders | {"mediator"},
        marker,
        provides=frozenset({key}),
    )
    before, after = handed_on.evidence
    world.add(
        "evidence",
        before.id,
        "evidence from before the case was handed on",
        holders | {"mediator"},
        marker,
        within=key,
    )
    world.add(
        "evidence", after.id, "evidence from after it was handed on", holders, marker, within=key
    )
    joint = _message(handed_on, court1, MessageChannel.joint, marker)
    world.add(
        "case_message", joint.id, "a message of the case handed on", holders, marker, within=key
    )
    world.add(
        "registration",
        _registration(company, "13912340001", marker),
        "a registration for employer1's company",
        {"mediator", "admin"},
        marker,
    )

    def others(
        label, marker, *, worker, employer, mediator, officer, case_seen, referral_seen, **filing
    ) -> Case:
        """A settled case of the kind ``label`` says, its referral, an SMS it sent."""
        case = _file(worker, employer, marker, lost_job=True, reemployment_consent=True, **filing)
        assert case.organization_id == mediator.organization_id, case.organization.name
        _mediate(case, mediator, marker)
        joint = _message(case, mediator, MessageChannel.joint, marker)
        _settle(case, mediator, marker)
        vacancy = jobs if officer is reemploy1 else _vacancy(officer, marker)
        _work_referral(case, officer, vacancy)
        if vacancy is not jobs:
            world.add(
                "vacancy",
                vacancy.id,
                f"a job of the centre of {label}",
                NOBODY,
                marker,
                within=f"centre:{vacancy.centre_id}",
            )
        world.add_case(case, f"the case of {label}", case_seen, marker, [(joint, case_seen)])
        world.add_referral(case, f"the referral of {label}", referral_seen, marker)
        outbox = db.session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc()))
        world.add("outbox_message", outbox, f"an SMS of {label}", {"admin"}, marker)
        return case

    # Another worker: worker2 against employer1's company, at med_hr's centre.
    others(
        "another worker",
        "zq-another-worker",
        worker=worker2,
        employer=company,
        mediator=med_hr,
        officer=reemploy1,
        case_seen={"employer_rep", "mediator"},
        referral_seen={"reemployment_officer", "supervisor"},
    )
    # Another company: worker1 against a restaurant of the same street, at med_hr's centre.
    others(
        "another company",
        "zq-another-company",
        worker=worker1,
        employer=restaurant,
        mediator=med_hr,
        officer=reemploy1,
        case_seen={"worker", "mediator"},
        referral_seen={"worker", "reemployment_officer", "supervisor"},
    )
    # Another organisation: worker1 at the district's union, against a builder of another
    # street, whose re-employment station (not reemploy1's centre) takes the referral.
    others(
        "another organisation",
        "zq-another-organisation",
        worker=worker1,
        employer=builder,
        mediator=med_union,
        officer=station_officer,
        case_seen={"worker"},
        referral_seen={"worker", "supervisor"},
        preferred_tier="union",
    )
    # Another district: a collective dispute of worker2 against a company of 清新区 at its own
    # centre (an alert for 清新区's supervisors), referred to its own centre.
    marker = "zq-another-district"
    far = others(
        "another district",
        marker,
        worker=worker2,
        employer=far_company,
        mediator=far_mediator,
        officer=far_officer,
        case_seen=NOBODY,
        referral_seen=NOBODY,
        workers_involved=12,
        representatives=({"name": "王五", "phone": "13900139000"},),
    )
    alert = db.session.scalar(select(Alert.id).where(Alert.employer_id == far.employer_id))
    world.add("alert", alert, "an alert of another district", NOBODY, marker)
    world.add(
        "registration",
        _registration(far_company, "13912340002", marker),
        "a registration for a company of another district",
        {"admin"},
        marker,
    )

    for person in (worker2, med_union, far_mediator):
        world.add(
            "api_token", _token(person), f"an API token of {person.username}", NOBODY, "zq-token"
        )
        world.add("user", person.id, f"the account of {person.username}", {"admin"}, "zq-user")
    rule = db.session.scalar(select(RoutingRuleRow.id).order_by(RoutingRuleRow.id))
    world.add("routing_rule", rule, "a routing rule", {"admin"}, "zq-rule")
    world.add(
        "employer", far.employer_id, "an employer of another district", {"admin"}, "zq-employer"
    )
    world.add(
        "organization",
        far.organization_id,
        "an organisation of another district",
        {"admin"},
        "zq-org",
    )
    world.add("region", far.employer.region.district.id, "another district", {"admin"}, "zq-region")
    return world


# -- The attack --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(demo_app, tmp_path_factory):
    """The world, built once per database in a transaction rolled back after this module (its
    files in a folder of their own); each test runs in a savepoint of it (``app``)."""
    evidence = demo_app.config["EVIDENCE_DIR"]
    demo_app.config["EVIDENCE_DIR"] = str(tmp_path_factory.mktemp("evidence"))
    try:
        with demo_app.app_context(), rolled_back_transaction():
            with demo_app.test_request_context(headers={"Accept-Language": "en"}):
                built = build_world()
                db.session.commit()
            connection = db.session.session_factory.kw["bind"]
            db.session.remove()
            yield built, connection
    finally:
        demo_app.config["EVIDENCE_DIR"] = evidence


@pytest.fixture
def app(demo_app, world):
    """The demo app on the world; what a test's requests write is undone after it."""
    _, connection = world
    savepoint = connection.begin_nested()
    try:
        yield demo_app
    finally:
        db.session.remove()
        savepoint.rollback()


@dataclass(frozen=True)
class Attack:
    """The objects one request names, and the ids to compare it with: MISSING for those out of
    the role's reach, the same for the case (referral) it sees."""

    objects: dict[str, Thing]
    compared: dict[str, int]

    def values(self) -> dict[str, int]:
        return {name: thing.id for name, thing in self.objects.items()}

    def out_of_reach(self) -> list[Thing]:
        return [thing for name, thing in self.objects.items() if self.compared[name] == MISSING]

    def alone(self) -> bool:
        """Nothing the request names is in the role's reach."""
        return all(value == MISSING for value in self.compared.values())


def attacks(kinds: dict[str, str], role: str, world: World) -> Iterator[Attack]:
    """Every object of the route's kind out of the role's reach. For a sub-object: one under its
    own case (referral) out of reach, those out of reach under their own case in reach (the
    other party's caucus), and under the first case in reach one of another case, in reach if
    there is one (the sub-object must be looked for in the case the URL names)."""
    if len(kinds) == 1:
        [(name, kind)] = kinds.items()
        for thing in world.of_kind(kind):
            if role not in thing.visible_to:
                yield Attack({name: thing}, {name: MISSING})
        return
    parents = [name for name, kind in kinds.items() if kind in PARENTS]
    if len(kinds) != 2 or len(parents) != 1:
        pytest.fail(f"cannot pair the objects {kinds}: teach attacks() how", pytrace=False)
    [parent] = parents
    [child] = set(kinds) - {parent}
    candidates = world.of_kind(kinds[parent])
    seen = next((p for p in candidates if role in p.visible_to), None)
    unseen_owner = elsewhere = None
    for thing in world.of_kind(kinds[child]):
        owner = next(p for p in candidates if thing.within in p.provides)
        if role not in owner.visible_to:
            unseen_owner = unseen_owner or Attack(
                {parent: owner, child: thing}, {parent: MISSING, child: MISSING}
            )
        elif role not in thing.visible_to:
            yield Attack({parent: owner, child: thing}, {parent: owner.id, child: MISSING})
        # Under ``seen``, one of another case: preferably one the role sees too.
        better = elsewhere is None or (
            role in owner.visible_to and role not in elsewhere[1].visible_to
        )
        if seen is not None and owner is not seen and better:
            elsewhere = (thing, owner)
    if unseen_owner is not None:
        yield unseen_owner
    if elsewhere is not None:
        yield Attack({parent: seen, child: elsewhere[0]}, {parent: seen.id, child: MISSING})


def plain_values(rule) -> list[dict]:
    names = set(rule.arguments)
    combinations: list[dict] = [{}]
    for name in sorted(names & set(PLAIN_VARIABLES)):
        values = PLAIN_VARIABLES[name](rule)
        combinations = [{**given, name: value} for given in combinations for value in values]
    return combinations


def requests_for(rule, role: str, world: World, turn: int) -> list[tuple[dict, Attack]]:
    """The route's attacks, with values for its other variables (a trigger, a channel…, taken in
    turn: the objects are loaded alike for all). A route that names one object is sent the
    nearest out of the role's reach and, in turn (``turn`` counts the routes of its kind), one
    of the others: each route meets two, each object many routes."""
    if role not in EXPECTED.get(rule.endpoint, ()):
        return []  # the door answers 403 before any id is read: tests/test_access.py
    kinds = object_kinds(rule)
    found = list(attacks(kinds, role, world)) if kinds else []
    if not found:
        return []
    if len(kinds) == 1 and len(found) > 2:
        found = [found[0], found[1 + turn % (len(found) - 1)]]
    plains = plain_values(rule)
    start = ROLES.index(role) * len(found)  # the roles take the values in turn too
    return [(plains[(start + i) % len(plains)], attack) for i, attack in enumerate(found)]


def first_admitted(endpoint: str) -> str | None:
    return next((role for role in ROLES if role in EXPECTED.get(endpoint, ())), None)


def sign_in(client, role: str) -> tuple[str, dict]:
    """The demo account of ``role`` signed in: the CSRF token of its page session, and the
    headers of its API calls."""
    username = DEMO_ACCOUNT[role]
    page = client.get("/login").get_data(as_text=True)
    credentials = {"identifier": username, "password": "demo-2026"}
    answer = client.post("/login", data={**credentials, "csrf_token": csrf_token_from(page)})
    assert answer.status_code == 302, f"{username} could not sign in"
    csrf = csrf_token_from(client.get("/").get_data(as_text=True))
    token = client.post("/api/v1/tokens", json={"username": username, "password": "demo-2026"})
    return csrf, {"Authorization": f"Bearer {token.json['token']}"}


def test_every_route_variable_can_be_filled(app):
    for rule in app.url_map.iter_rules():
        object_kinds(rule)  # fails naming the variable otherwise


def test_each_kind_of_object_has_some_out_of_each_roles_reach(world):
    built, _ = world
    kinds = {kind(set()) if callable(kind) else kind for kind in OBJECT_VARIABLES.values()}
    for kind in kinds | {"case_message"}:
        things = built.of_kind(kind)
        assert things, f"the world has no {kind}"
        for role in ROLES:
            hidden = [thing for thing in things if role not in thing.visible_to]
            assert hidden or kind in SEEN_BY_THEIR_ROLE, f"no {kind} is out of {role}'s reach"


@pytest.mark.parametrize("role", ROLES)
def test_objects_out_of_reach_are_answered_as_if_they_did_not_exist(app, world, role):
    built, _ = world
    client = app.test_client()
    csrf, api_headers = sign_in(client, role)
    answers: dict[tuple, tuple[int, str]] = {}

    def send(rule, method: str, values: dict) -> tuple[int, str]:
        key = (rule.endpoint, method, tuple(sorted(values.items())))
        if key not in answers:
            if rule.endpoint.startswith("api."):
                kwargs = {"headers": api_headers, "json": {}}
            else:
                kwargs = {"data": {"csrf_token": csrf}} if method != "GET" else {}
            try:
                response = client.open(rule.build(values)[1], method=method, **kwargs)
            except Exception as error:  # the test client lets the app's errors through
                answers[key] = (500, repr(error))
            else:
                answers[key] = (response.status_code, response.get_data(as_text=True))
        return answers[key]

    wrong, sent = [], 0
    turns: Counter = Counter()  # routes of each kind so far
    probed = set()  # kinds of route (page or API) sent an id larger than any
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        kinds = tuple(object_kinds(rule).values())
        planned = requests_for(rule, role, built, turns[kinds])
        turns[kinds] += 1
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for plain, attack in planned:
                values = {**plain, **attack.values()}
                status, body = send(rule, method, values)
                sent += 1
                if attack.alone():
                    expected = 404
                else:  # what the case (referral) in reach earns with a sub-object of nothing
                    expected, _ = send(rule, method, {**plain, **attack.compared})
                leaked = [thing.label for thing in attack.out_of_reach() if thing.marker in body]
                if status != expected or not 400 <= expected < 500 or leaked:
                    what = ", ".join(thing.label for thing in attack.out_of_reach())
                    wrong.append(
                        f"{method} {rule.build(values)[1]} ({what}): {status}, expected "
                        f"{expected}" + (f", and it shows {leaked}" if leaked else "")
                    )
            kind_of_route = (rule.endpoint.startswith("api."), kinds)
            if planned and first_admitted(rule.endpoint) == role and kind_of_route not in probed:
                probed.add(kind_of_route)
                plain, attack = planned[0]
                beyond = {**plain, **dict.fromkeys(attack.objects, BEYOND_ANY_ID)}
                status, _ = send(rule, method, beyond)
                sent += 1
                if status != 404:
                    wrong.append(f"{method} {rule.build(beyond)[1]}: {status}, expected 404")
    assert sent, f"nothing was sent as {role}"
    assert not wrong, f"{DEMO_ACCOUNT[role]}, {len(wrong)} of {sent}:\n" + "\n".join(wrong)


# A role that reads an object without acting on it, and the acts it keeps: court1 reads the
# case whose agreement it was asked to confirm (and decides that), med_hr the case its centre
# handed on, supervisor1 the referrals of its district.
READ_ONLY = {
    "court_liaison": ("worker1's settled case", {"court.decide", "api.decide_confirmation"}),
    "mediator": ("the case med_hr handed on", set()),
    "supervisor": ("worker1's referral", set()),
}


def _acts_recorded() -> int:
    """Every change is audited; refused attempts only as security events."""
    return db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action.not_like("security.%"))
    )


@pytest.mark.parametrize("role", list(READ_ONLY))
def test_an_object_a_role_only_reads_refuses_its_every_act(app, world, role):
    built, _ = world
    label, kept = READ_ONLY[role]
    [thing] = [thing for thing in built.things if thing.label == label]
    client = app.test_client()
    csrf, api_headers = sign_in(client, role)
    wrong, sent = [], 0
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        kinds = object_kinds(rule)
        if list(kinds.values()) != [thing.kind] or rule.endpoint in kept:
            continue
        [name] = kinds
        for method in sorted(rule.methods - {"GET", "HEAD", "OPTIONS"}):
            for plain in plain_values(rule):
                url = rule.build({**plain, name: thing.id})[1]
                before = _acts_recorded()
                if rule.endpoint.startswith("api."):
                    response = client.open(url, method=method, headers=api_headers, json={})
                else:
                    response = client.open(url, method=method, data={"csrf_token": csrf})
                sent += 1
                # Refused: 403; a page may instead send the person back with the reason.
                refused = response.status_code == 403 or (
                    not rule.endpoint.startswith("api.") and response.status_code == 302
                )
                if not refused or _acts_recorded() != before:
                    wrong.append(f"{method} {url}: {response.status_code}")
    assert sent, f"no route acts on {label}"
    assert not wrong, f"{DEMO_ACCOUNT[role]} on {label}:\n" + "\n".join(wrong)
