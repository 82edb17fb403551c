"""An administrator keeps the register of employers right: finds one by name or unified social
credit code (USCC), corrects it, merges a duplicate into the record that stays, and records that
it has its own enterprise labour-dispute mediation committee.

Duplicates arise when workers file against a company by name without its USCC, or with a
spelling of their own. Merging moves everything that names the duplicate — cases, alerts,
representatives and their registrations, the committee — to the record that stays, audited with
both records as they were, and removes the duplicate. The cases' figures follow (the rollups are
recounted for every case that changed, ``stats.figures``).
"""

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from mediation.core import audit
from mediation.core.errors import Invalid
from mediation.extensions import db
from mediation.industries import INDUSTRIES
from mediation.models import (
    Alert,
    Case,
    Employer,
    Organization,
    OrgKind,
    Region,
    RegionLevel,
    RepresentativeRequest,
    User,
)
from mediation.translation import lazy_gettext as _l
from mediation.validators import InvalidValue, normalise_uscc

USCC_TAKEN = _l("Another employer already has this code: merge the two records instead.")
SAME_RECORD = _l("Choose another employer: a record cannot be merged into itself.")
NO_SUCH_EMPLOYER = _l("No employer has this code.")
CHOOSE_AN_INDUSTRY = _l("Choose an industry.")
REGISTERED_IN = _l("An employer is registered in a district or a street/town.")
TWO_COMMITTEES = _l(
    "Both employers have a mediation committee: a record with its own committee cannot be "
    "merged into another that has one."
)


def search(text: str | None):
    """The employers whose name contains ``text`` or whose USCC starts with it, by name."""
    query = select(Employer).order_by(Employer.name, Employer.id)
    # No name holds U+0000, and PostgreSQL cannot compare text with it (the API's query string).
    text = (text or "").replace("\x00", "").strip()
    if text:
        query = query.where(
            or_(
                Employer.name.contains(text, autoescape=True),
                Employer.uscc.startswith(text.upper(), autoescape=True),
            )
        )
    return query


def _as_recorded(employer: Employer) -> dict:
    return {
        "name": employer.name,
        "uscc": employer.uscc,
        "region_id": employer.region_id,
        "industry": employer.industry,
        "address": employer.address,
    }


class TwoCommittees(Invalid):
    """Both records have a committee: a conflict between the records, not a mistyped code."""

    def __init__(self) -> None:
        super().__init__({"into": [TWO_COMMITTEES]})


def problems(
    employer: Employer, *, uscc: str | None, industry: str | None, region: Region | None = None
) -> dict[str, list]:
    """What is wrong with these values for ``employer``, by field."""
    found: dict[str, list] = {}
    if region is not None and region.level is RegionLevel.community:
        found["region"] = [REGISTERED_IN]
    if uscc:
        try:
            code = normalise_uscc(uscc)
        except InvalidValue as error:
            found["uscc"] = [error.message]
        else:
            taken = select(Employer.id).where(Employer.uscc == code, Employer.id != employer.id)
            if db.session.scalar(taken):
                found["uscc"] = [USCC_TAKEN]
    if industry not in INDUSTRIES:
        found["industry"] = [CHOOSE_AN_INDUSTRY]
    return found


def update_employer(
    employer: Employer,
    *,
    actor: User,
    name: str,
    uscc: str | None,
    region: Region,
    industry: str,
    address: str | None,
) -> dict:
    """Correct the record; returns what changed (field → (before, after)). ``Invalid`` with
    every problem at once (:func:`problems`)."""
    if found := problems(employer, uscc=uscc, industry=industry, region=region):
        raise Invalid(found)
    code = normalise_uscc(uscc) if uscc else None
    before = _as_recorded(employer)
    try:
        with db.session.begin_nested():
            employer.name, employer.uscc, employer.region_id = name, code, region.id
            employer.industry, employer.address = industry, address or None
            db.session.flush()
    except IntegrityError:  # another administrator gave the code to another record meanwhile
        raise Invalid({"uscc": [USCC_TAKEN]}) from None
    after = _as_recorded(employer)
    changed = {key: (before[key], after[key]) for key in before if before[key] != after[key]}
    if changed:
        audit.record(
            "employer.updated",
            actor=actor,
            subject=employer,
            before={key: old for key, (old, _new) in changed.items()},
            after={key: new for key, (_old, new) in changed.items()},
        )
    return changed


def find_by_uscc(uscc: str, *, field: str = "into") -> Employer:
    try:
        code = normalise_uscc(uscc or "")
    except InvalidValue as error:
        raise Invalid({field: [error.message]}) from None
    employer = db.session.scalar(select(Employer).where(Employer.uscc == code))
    if employer is None:
        raise Invalid({field: [NO_SUCH_EMPLOYER]})
    return employer


def merge(duplicate: Employer, into: Employer, *, actor: User) -> int:
    """Move everything that names ``duplicate`` to ``into`` and remove ``duplicate``; returns
    how many cases moved."""
    if duplicate.id == into.id:
        raise Invalid({"into": [SAME_RECORD]})
    committee = duplicate.mediation_committee
    if committee is not None and into.mediation_committee is not None:
        raise TwoCommittees()
    cases = db.session.scalars(select(Case).where(Case.employer_id == duplicate.id)).all()
    for case in cases:  # through the ORM: each case's figures are recounted at the commit
        case.employer_id = into.id
    moved = {"cases": [case.id for case in cases]}
    for model in (Alert, RepresentativeRequest, User):
        rows = db.session.scalars(select(model).where(model.employer_id == duplicate.id)).all()
        for row in rows:
            row.employer_id = into.id
        moved[model.__tablename__] = [row.id for row in rows]
    if committee is not None:
        # Through the relationship, so the duplicate no longer holds it when it is deleted.
        committee.employer = into
        moved["committee"] = committee.id
    audit.record(
        "employer.merged",
        actor=actor,
        subject=into,
        merged=_as_recorded(duplicate) | {"id": duplicate.id},
        into=_as_recorded(into) | {"id": into.id},
        moved=moved,
    )
    db.session.flush()
    db.session.delete(duplicate)
    db.session.flush()
    return len(cases)


def add_committee(employer: Employer, *, actor: User) -> Organization:
    """Record that the employer has its own enterprise mediation committee (企业劳动争议调解委员会,
    劳动争议调解仲裁法 第十条); the routing rules can then send its workers' cases there."""
    if employer.mediation_committee is not None:
        return employer.mediation_committee
    # An organisation's name is its registered Chinese name, whoever reads it; two employers
    # of one name (one not yet merged, say) are told apart by the code or the record.
    name = f"{employer.name}劳动争议调解委员会"[:180]
    if db.session.scalar(select(Organization.id).where(Organization.name == name)):
        name = f"{name}（{employer.uscc or employer.id}）"
    committee = Organization(
        name=name,
        kind=OrgKind.enterprise,
        region_id=employer.region_id,
        employer_id=employer.id,
    )
    db.session.add(committee)
    db.session.flush()
    audit.record("employer.committee_added", actor=actor, subject=employer, committee=committee.id)
    return committee
