"""What waits for each person: the home page as a worklist, one per role.

Whether a party may do something now is the policy's (``policy.may_act``, the same answer the
case page gives); whether they already did it (answered the session, confirmed the minutes,
rated) is read for all their cases at once. Staff counts and lists come from the queries of
the pages they link to (the mediator's worklist, the court's desk, the referrals, the overdue
list), so a count on the home page is the count of the list behind its link. Each section
costs the same few queries for one case or a thousand.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, func, select
from sqlalchemy import case as when
from sqlalchemy.orm import joinedload, selectinload

from mediation import policy
from mediation.cases.page import DEADLINE_LABELS, next_step
from mediation.cases.waiting import Waiting as CaseWaiting
from mediation.cases.waiting import waiting_for
from mediation.court import dates as court_dates
from mediation.court.views import confirmation_requests, transfers_to_review
from mediation.extensions import db
from mediation.localtime import SHANGHAI, local_today
from mediation.models import (
    Case,
    CaseMessage,
    EvidenceParty,
    JudicialConfirmation,
    MediationSession,
    MessageRead,
    Rating,
    Referral,
    Role,
    User,
)
from mediation.models.types import utcnow
from mediation.paging import Page
from mediation.queue.worklist import OPEN, DeadlineCounts, Filters, deadline_counts, worklist_page
from mediation.referrals.views import referral_view
from mediation.stats import alerts as alert_service
from mediation.stats.compute import Figures, compute_if_counted
from mediation.stats.filters import Filters as FigureFilters
from mediation.stats.filters import period_bounds
from mediation.supervision.views import overdue_cases
from mediation.translation import lazy_gettext as _l
from workflows.case import CaseState
from workflows.referral import ReferralState

# Rows of each staff list on the home page; its link leads to all of them.
SHOWN = 5
# A worker's cases on the home page, most urgent first; "My cases" lists them all.
PARTY_CASES_SHOWN = 10

# --- The parties: what waits for the worker or the employer's representative ----------------

# What a party is asked to do (``cases.waiting`` decides it, for the case page's box too).
WAITING_TITLES = {
    "respond": _l("Say whether the company agrees to mediation"),
    "sign": _l("Sign the agreement"),
    "attend": _l("Say whether you will attend the session"),
    "minutes": _l("Confirm the minutes of the session"),
    "extension": _l("Answer the proposal to extend mediation"),
    "payment": _l("Say whether the agreed payment came"),
    "rate": _l("Rate the service"),
}


@dataclass(frozen=True)
class Waiting:
    """One thing a party is asked to do on a case, with the date it matters by."""

    item: CaseWaiting
    due: date | None = None  # by when (the legal deadline, or the session's day)

    @property
    def kind(self) -> str:
        return self.item.kind

    @property
    def title(self):
        return WAITING_TITLES[self.kind]

    @property
    def anchor(self) -> str:
        return self.item.anchor

    @property
    def starts_at(self) -> datetime | None:
        return self.item.at

    @property
    def session_id(self) -> int | None:
        anchor = self.item.anchor
        return int(anchor.removeprefix("session-")) if anchor.startswith("session-") else None


@dataclass
class PartyCase:
    case: Case
    waiting: list[Waiting]
    next_step: str

    @property
    def deadline_label(self):
        """What the case's current deadline is (as the case page names it)."""
        clock = self.case.current_clock
        return DEADLINE_LABELS[clock] if clock else None

    @property
    def urgent_on(self) -> date | None:
        """The earliest date among what waits (None: nothing waits, or nothing has a date)."""
        return min((item.due for item in self.waiting if item.due), default=None)

    def order(self) -> tuple:
        """Something to do first, by its nearest date; then open cases by their deadline;
        then the closed ones, newest first."""
        rank = 0 if self.waiting else 1 if self.case.is_open else 2
        nearest = self.urgent_on or self.case.current_deadline or date.max
        return rank, nearest, -self.case.id


@dataclass
class PartyHome:
    cases: list[PartyCase]  # most urgent first
    # Sessions coming up, soonest first, each with whether the party has yet to answer it.
    sessions: list[tuple[MediationSession, Case, bool]]

    @property
    def waiting_count(self) -> int:
        return sum(len(item.waiting) for item in self.cases)

    def waiting_for(self, *kinds: str) -> list[tuple[Case, Waiting]]:
        """Each thing of these kinds (``cases.waiting``) that waits, with its case, nearest
        date first."""
        found = [
            (item.case, waiting)
            for item in self.cases
            for waiting in item.waiting
            if waiting.kind in kinds
        ]
        return sorted(found, key=lambda pair: (pair[1].due or date.max, pair[0].id))


def _shanghai_day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def _due(item: CaseWaiting, case: Case) -> date | None:
    """The day an act matters by: its own, the session's, or the case's current deadline."""
    if item.due or item.at:
        return item.due or _shanghai_day(item.at)
    return case.current_deadline if item.kind in ("respond", "sign", "extension") else None


def party_home(user: User) -> PartyHome:
    """Every case of the worker (or the company) with what waits on it (``cases.waiting``,
    as the case page's box says it)."""
    query = (
        select(Case)
        .options(
            joinedload(Case.employer), selectinload(Case.agreement), selectinload(Case.sessions)
        )
        .where(policy.visible_cases(user))
    )
    if user.role is Role.employer_rep:
        # A company's archive grows for years; what waits for its representative is on the
        # cases not archived yet.
        query = query.where(Case.state != CaseState.archived)
    cases = db.session.scalars(query).all()
    side = EvidenceParty.applicant if user.role is Role.worker else EvidenceParty.respondent
    now = utcnow()
    closed = [case.id for case in cases if not case.is_open]
    rated = set(
        db.session.scalars(
            select(Rating.case_id).where(Rating.case_id.in_(closed), Rating.party == side)
        )
    )

    def waiting_on(case: Case) -> list[Waiting]:
        if case.state == CaseState.archived or case.id in rated:
            return []  # nothing is asked of a party on these: spare the lookups
        found = [Waiting(item, _due(item, case)) for item in waiting_for(user, case)]
        return sorted(found, key=lambda item: item.due or date.max)

    listed = sorted(
        (PartyCase(case, waiting_on(case), next_step(case)) for case in cases),
        key=PartyCase.order,
    )
    unanswered = {
        item.session_id for each in listed for item in each.waiting if item.kind == "attend"
    }
    coming = sorted(
        (
            (session, case, session.id in unanswered)
            for case in cases
            for session in case.sessions
            if session.status == "scheduled" and session.starts_at > now
        ),
        key=lambda row: row[0].starts_at,
    )
    return PartyHome(cases=listed, sessions=coming)


# --- The mediator: the organisation's queue and their own cases -------------------------------


@dataclass(frozen=True)
class UnreadCase:
    id: int
    number: str
    unread: int


@dataclass
class MediatorHome:
    new_applications: DeadlineCounts  # the waiting view, applications not yet accepted
    waiting: DeadlineCounts  # the whole waiting view
    mine: DeadlineCounts
    nearest: Page  # my cases, nearest deadline first
    unread: list[UnreadCase] = field(default_factory=list)  # my cases with new messages

    @property
    def unread_total(self) -> int:
        return sum(item.unread for item in self.unread)


# The worklist's filters behind each count (its links carry the same).
NEW_APPLICATIONS = Filters(view="queue", state=CaseState.applied)
WAITING = Filters(view="queue")
MINE = Filters(view="mine")


def unread_messages(user: User) -> list[UnreadCase]:
    """The mediator's open cases with messages they have not read, nearest deadline first:
    as the conversation counts them, messages of others after the reader's mark."""
    rows = db.session.execute(
        select(Case.id, Case.number, func.count(CaseMessage.id))
        .join(CaseMessage, CaseMessage.case_id == Case.id)
        .outerjoin(
            MessageRead,
            and_(
                MessageRead.user_id == user.id,
                MessageRead.case_id == Case.id,
                MessageRead.channel == CaseMessage.channel,
            ),
        )
        .where(
            Case.organization_id == user.organization_id,
            Case.mediator_id == user.id,
            Case.state.in_(OPEN),
            CaseMessage.author_id != user.id,
            CaseMessage.id > func.coalesce(MessageRead.last_read_id, 0),
        )
        .group_by(Case.id, Case.number, Case.current_deadline)
        .order_by(Case.current_deadline.asc().nulls_last(), Case.id)
    ).all()
    return [UnreadCase(*row) for row in rows]


def mediator_home(user: User) -> MediatorHome:
    today = local_today()
    return MediatorHome(
        new_applications=deadline_counts(user, NEW_APPLICATIONS, today),
        waiting=deadline_counts(user, WAITING, today),
        mine=deadline_counts(user, MINE, today),
        nearest=worklist_page(user, MINE, today, 1, per_page=SHOWN),
        unread=unread_messages(user),
    )


# --- The court liaison: transfers to review, confirmations asked for ------------------------


@dataclass
class CourtHome:
    transfers: list[Case]
    transfers_total: int
    requests: list[JudicialConfirmation]
    requests_total: int

    @staticmethod
    def decide_by(request: JudicialConfirmation) -> date | None:
        """The court's last day to decide (as the confirmation screen says it)."""
        return court_dates.decision_due(request)


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def court_home(user: User) -> CourtHome:
    transfers = transfers_to_review(user)
    requests = confirmation_requests(user)
    return CourtHome(
        transfers=list(db.session.scalars(transfers.limit(SHOWN))),
        transfers_total=_count(transfers),
        requests=list(
            db.session.scalars(requests.options(joinedload(JudicialConfirmation.case)).limit(SHOWN))
        ),
        requests_total=_count(requests),
    )


# --- The re-employment officer: referrals due for first contact -----------------------------


@dataclass(frozen=True)
class ReferralCounts:
    total: int  # what the view lists
    to_contact: int  # of them, not contacted yet
    overdue: int  # of those, past the first-contact date


@dataclass
class OfficerHome:
    waiting: ReferralCounts
    mine: ReferralCounts
    to_contact: list[Referral]  # not contacted yet, waiting or mine, first due first


def _referral_counts(user: User, view: str, today: date) -> ReferralCounts:
    listed = referral_view(user, view).order_by(None).subquery()
    referred = listed.c.state == ReferralState.referred
    row = db.session.execute(
        select(
            func.count(),
            func.count(when((referred, 1))),
            func.count(when((and_(referred, listed.c.contact_due < today), 1))),
        )
    ).one()
    return ReferralCounts(*row)


def officer_home(user: User) -> OfficerHome:
    today = local_today()
    to_contact = [
        referral
        for view in ("mine", "queue")
        for referral in db.session.scalars(
            referral_view(user, view).where(Referral.state == ReferralState.referred).limit(SHOWN)
        )
    ]
    return OfficerHome(
        waiting=_referral_counts(user, "queue", today),
        mine=_referral_counts(user, "mine", today),
        to_contact=sorted(to_contact, key=lambda r: (r.contact_due, r.id))[:SHOWN],
    )


# --- The supervisor: this month's figures of the jurisdiction -------------------------------


@dataclass
class SupervisorHome:
    month: FigureFilters
    figures: Figures | None  # None until the figures are first counted
    overdue: int
    open_alerts: int


def supervisor_home(user: User) -> SupervisorHome:
    today = local_today()
    start, end = period_bounds("month", today)
    month = FigureFilters(start=start, end=end, period="month")
    return SupervisorHome(
        month=month,
        figures=compute_if_counted(month, user),
        overdue=db.session.scalar(select(func.count()).where(overdue_cases(user, today))),
        open_alerts=db.session.scalar(
            select(func.count()).where(alert_service.waiting_alerts(user))
        ),
    )


WORKLISTS = {
    Role.worker: party_home,
    Role.employer_rep: party_home,
    Role.mediator: mediator_home,
    Role.court_liaison: court_home,
    Role.reemployment_officer: officer_home,
    Role.supervisor: supervisor_home,
}


def worklist_for(user: User):
    """What waits for ``user``, for the home page of their role (None: the admin's links)."""
    build = WORKLISTS.get(user.role)
    return build(user) if build else None
