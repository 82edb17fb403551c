"""Loading a case for a request: one loader that 404s what the user may not see."""

from flask import abort
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from mediation import policy
from mediation.core import audit
from mediation.extensions import db
from mediation.models import Case, Evidence, User

# Read by nearly every page and action of a case: loaded with it.
CASE_PARTS = (
    selectinload(Case.claims),
    selectinload(Case.category_rows),
    # In the case's own query.
    joinedload(Case.employer),
    joinedload(Case.agreement),
    joinedload(Case.confirmation),
    joinedload(Case.referral),
)


def load_case(case_id: int, *also: LoaderOption, parts: bool = True) -> Case:
    """The case, if this user may see it; otherwise 404, whether or not it exists. ``also``:
    what a page reads besides, loaded with the case (``cases.page.PAGE_LOADS``). Without
    ``parts``, the case's own row only: for a page that may be kept rendered and need none of
    it (``cases.page.view_page``)."""
    case = db.session.scalar(
        select(Case)
        .options(*(CASE_PARTS if parts else ()), *also)
        .where(Case.id == case_id, policy.visible_cases(current_user))
    )
    if case is None:
        # Someone opening a case number not theirs may be probing: kept although it is a 404.
        audit.security_event(
            "case_not_visible",
            actor=current_user if current_user.is_authenticated else None,
            case_id=case_id,
        )
        abort(404)
    return case


def case_evidence(case: Case, user: User | None = None) -> list[Evidence]:
    """The evidence of a case already loaded that the user may open, oldest first."""
    user = user or current_user
    return list(
        db.session.scalars(
            select(Evidence)
            .where(Evidence.case_id == case.id, policy.visible_evidence(user, case))
            .order_by(Evidence.id)
        )
    )


def load_evidence(case: Case, evidence_id: int) -> Evidence:
    """One evidence item of a case already loaded; 404 for an item of another case or one the
    user may not open (sent in after the case left their organisation)."""
    evidence = db.session.scalar(
        select(Evidence).where(
            Evidence.id == evidence_id,
            Evidence.case_id == case.id,
            policy.visible_evidence(current_user, case),
        )
    )
    if evidence is None:
        abort(404)
    return evidence
