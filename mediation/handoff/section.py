"""The applications section of the case page, for the applicant and the case's staff: each
application whose route is open (or that was handed over), where it goes, and its links."""

from dataclasses import dataclass

from flask import url_for

from mediation import policy
from mediation.handoff import applications
from mediation.handoff.views import EDIT_ENDPOINTS, PDF_ENDPOINTS
from mediation.localtime import local_today
from mediation.models import Case, HandoffApplication, HandoffKind, User
from mediation.policy import Act


@dataclass(frozen=True)
class Entry:
    kind: HandoffKind
    addressee: applications.Addressee
    record: HandoffApplication | None
    edit_url: str
    pdf_url: str

    @property
    def handed(self) -> bool:
        return self.record is not None and self.record.handed_at is not None


def handoff_section(case: Case, user: User, bound: dict | None = None) -> dict:
    """``handoff``: the entries (empty for anyone else, or while no route is open);
    ``handoff_may_hand``: staff may record the arbitration application handed over."""
    if not policy.may_act(user, case, Act.prepare_handoff):
        return {"handoff": [], "handoff_may_hand": False}
    today = local_today()
    records = applications.saved_by_kind(case)
    entries = []
    for kind, addressee_of in (
        (HandoffKind.arbitration, applications.commission_of),
        (HandoffKind.payment_order, applications.court_of),
    ):
        record = records.get(kind)
        handed = record is not None and record.handed_at is not None
        if not handed and not applications.OPEN[kind](case, today):
            continue
        entries.append(
            Entry(
                kind=kind,
                addressee=addressee_of(case),
                record=record,
                edit_url=url_for(EDIT_ENDPOINTS[kind], case_id=case.id),
                pdf_url=url_for(PDF_ENDPOINTS[kind], case_id=case.id),
            )
        )
    return {
        "handoff": entries,
        "handoff_may_hand": policy.may_act(user, case, Act.hand_to_arbitration),
    }
