"""The network's shape, as an administrator keeps it: the regions tree (district → street/town
→ community) and the organisations that serve its regions.

The rules here are those of routing (``mediation.core.routing``): a case goes to the HR-bureau
centre of the employer's street, else of its district; the union, the court and the
re-employment centre are a district's. So a region's parent is exactly one level up, an
organisation serves a district or a street/town, and a region has at most one organisation of
each of those kinds (routing takes the first it finds). The file import (``admin.imports``)
checks its rows with the same functions.

Every change is audited with the values before and after. An organisation that holds open
cases is neither deactivated nor deleted: its cases would wait where nobody looks.
"""

import re

from sqlalchemy import func, select

from mediation.admin.network import ORGANIZATION_FIELDS
from mediation.core import audit
from mediation.core.errors import Invalid
from mediation.extensions import db
from mediation.models import Case, Employer, Organization, OrgKind, Region, RegionLevel, User
from mediation.translation import lazy_gettext as _l
from mediation.translation import lazy_ngettext
from workflows.case import OPEN_STATES

# The level above each level; a district is the top of the tree.
PARENT_LEVEL = {
    RegionLevel.district: None,
    RegionLevel.street: RegionLevel.district,
    RegionLevel.community: RegionLevel.street,
}
# GB/T 2260 codes and their extensions: 6 digits for a district, 9 for a street, 12 for a
# community.
REGION_CODE = re.compile(r"^\d{6,12}$")
# Case numbers read PREFIX-YEAR-NNNNNN (cases.filing.next_case_number).
CASE_PREFIX = re.compile(r"^[A-Z][A-Z0-9]{1,11}$")
VIDEO_LINK = re.compile(r"^https?://\S+$")
PHONE = re.compile(r"^[0-9()+\- ]+$")
# Kinds routing looks up by region: one of each per region, and the levels each may serve.
ONE_PER_REGION = (OrgKind.hr_bureau, OrgKind.union, OrgKind.court, OrgKind.reemployment)
SERVES = {
    OrgKind.enterprise: (RegionLevel.district, RegionLevel.street),
    OrgKind.hr_bureau: (RegionLevel.district, RegionLevel.street),
    OrgKind.union: (RegionLevel.district,),
    OrgKind.court: (RegionLevel.district,),
    OrgKind.reemployment: (RegionLevel.district,),
}
# Why a kind that serves only a district cannot serve a street or a community: a sentence
# per kind, so that each language words the kind as its sentence needs.
SERVES_A_DISTRICT = {
    OrgKind.union: _l(
        "A trade union mediation organisation serves a whole district, not a street, town or "
        "community."
    ),
    OrgKind.court: _l(
        "A court's pre-litigation mediation serves a whole district, not a street, town or "
        "community."
    ),
    OrgKind.reemployment: _l(
        "A re-employment service centre serves a whole district, not a street, town or community."
    ),
}
if set(SERVES_A_DISTRICT) != {
    kind for kind, levels in SERVES.items() if levels == (RegionLevel.district,)
}:
    raise TypeError("every kind serving only a district needs its sentence")

BAD_CODE = _l("A region code is 6 to 12 digits (GB/T 2260), e.g. 441802.")


def code_taken(code: str):
    return _l("Another region has the code %(code)s.", code=code)


def name_taken(name: str):
    return _l("Another organisation is called %(name)s.", name=name)


def prefix_taken(prefix: str):
    return _l("Another organisation numbers its cases with %(prefix)s.", prefix=prefix)


def region_has_one(region: str, holder: str):
    return _l(
        "%(region)s already has one (%(holder)s): cases are routed to one organisation of a "
        "kind per region.",
        region=region,
        holder=holder,
    )


def has_committee(employer: str):
    return _l("%(employer)s already has a mediation committee.", employer=employer)


BAD_PREFIX = _l("2 to 12 capital letters or digits, starting with a letter, e.g. QCDC.")
BAD_LINK = _l("A web address starting with https://.")
BAD_PHONE = _l("Digits, spaces, brackets and dashes only.")
NEEDS_EMPLOYER = _l("An enterprise mediation committee belongs to an employer: name it.")


def parent_problem(level: RegionLevel, parent_level: RegionLevel | None, parent_name: str = ""):
    """Why a region of ``level`` cannot sit below a parent of ``parent_level``; None if it can."""
    wanted = PARENT_LEVEL[level]
    if wanted is None and parent_level is not None:
        return _l("A district is at the top of the tree: it has no parent region.")
    if wanted is not None and parent_level is None:
        return _l(
            "A %(level)s sits below a %(parent)s: choose its parent region.",
            level=level.title,
            parent=wanted.title,
        )
    if wanted is not None and parent_level is not wanted:
        return _l(
            "The parent of a %(level)s must be a %(parent)s; %(name)s is a %(found)s.",
            level=level.title,
            parent=wanted.title,
            name=parent_name,
            found=parent_level.title,
        )
    return None


def served_problem(kind: OrgKind, level: RegionLevel):
    """Why an organisation of ``kind`` cannot serve a region of ``level``; None if it can."""
    if level in SERVES[kind]:
        return None
    if kind in SERVES_A_DISTRICT:
        return SERVES_A_DISTRICT[kind]
    return _l("An organisation serves a district or a street/town, not a community.")


def _text(value: str | None) -> str | None:
    return (value or "").strip() or None


def _check_region(region: Region | None, **values) -> None:
    if errors := region_problems(region, **values):
        raise Invalid(errors)


def region_problems(
    region: Region | None,
    *,
    name: str,
    code: str | None,
    level: RegionLevel | None,
    parent: Region | None,
) -> dict[str, list]:
    """Every reason a region (new: None) cannot have these values. The page asks it on what it
    could read; ``level`` None is not known and not checked."""
    name, code = (name or "").strip(), _text(code)
    errors: dict[str, list] = {}
    if not name:
        errors.setdefault("name", []).append(_l("Please fill this in."))
    if code and not REGION_CODE.match(code):
        errors.setdefault("code", []).append(BAD_CODE)
    elif code:
        holder = db.session.scalar(select(Region).where(Region.code == code))
        if holder is not None and holder is not region:
            errors.setdefault("code", []).append(code_taken(code))
    # A cycle first: a region below itself is wrong whatever the levels say.
    ancestor = parent
    while region is not None and ancestor is not None:
        if ancestor is region:
            errors.setdefault("parent", []).append(
                _l(
                    "%(parent)s is below %(name)s: a region cannot sit below itself "
                    "(that would make a cycle).",
                    parent=parent.name,
                    name=region.name,
                )
            )
            break
        ancestor = ancestor.parent
    else:
        problem = level and parent_problem(
            level, parent.level if parent else None, parent and parent.name
        )
        if problem is not None:
            errors.setdefault("parent", []).append(problem)
    if region is not None and level and level is not region.level and region.children:
        errors.setdefault("level", []).append(
            _l("Regions sit below %(name)s: its level cannot change.", name=region.name)
        )
    return errors


def _region_values(region: Region) -> dict:
    return {
        "name": region.name,
        "code": region.code,
        "level": region.level.value,
        "parent_id": region.parent_id,
    }


def create_region(
    *, actor: User, name: str, code: str | None, level: RegionLevel, parent: Region | None
) -> Region:
    name, code = (name or "").strip(), _text(code)
    _check_region(None, name=name, code=code, level=level, parent=parent)
    region = Region(name=name, code=code, level=level, parent=parent)
    db.session.add(region)
    audit.record("region.created", actor=actor, subject=region, after=_region_values(region))
    return region


def update_region(
    region: Region,
    *,
    actor: User,
    name: str,
    code: str | None,
    level: RegionLevel,
    parent: Region | None,
) -> dict:
    """Rename, recode or move a region; returns what changed (field → (before, after))."""
    name, code = (name or "").strip(), _text(code)
    _check_region(region, name=name, code=code, level=level, parent=parent)
    before = _region_values(region)
    region.name, region.code, region.level, region.parent = name, code, level, parent
    db.session.flush()
    after = _region_values(region)
    changed = {key: (before[key], after[key]) for key in before if before[key] != after[key]}
    if changed:
        audit.record(
            "region.updated",
            actor=actor,
            subject=region,
            before={key: old for key, (old, _new) in changed.items()},
            after={key: new for key, (_old, new) in changed.items()},
        )
    return changed


# -- Organisations -------------------------------------------------------------------------------


class OrganizationInUse(Exception):
    """The organisation cannot be deactivated or deleted: ``message`` says why and what to do."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


IDENTITY_FIELDS = ("name", "name_en", "case_prefix")


def _normalised(values: dict) -> dict:
    values = {key: _text(value) for key, value in values.items() if key in _EDITABLE}
    if values.get("case_prefix"):
        values["case_prefix"] = values["case_prefix"].upper()
    return values


def organization_problems(
    organization: Organization | None, *, region: Region | None = None, **values: str | None
) -> dict:
    """Every reason the organisation (new: None) cannot have these names, prefix and contact
    values (only those given), or move to serve ``region``. The page asks it on what it
    could read."""
    errors: dict[str, list] = {}
    _check_organization(organization, _normalised(values), errors)
    if organization is not None and _moves(organization, region):
        problem = served_problem(organization.kind, region.level)
        holder = holder_of(organization.kind, region, besides=organization)
        if problem is not None:
            errors.setdefault("region", []).append(problem)
        elif holder is not None and organization.active:
            errors.setdefault("region", []).append(region_has_one(region.name, holder.name))
    return errors


def _moves(organization: Organization, region: Region | None) -> bool:
    """Whether ``region`` is another region than the one the organisation serves."""
    return region is not None and region.id != organization.region_id


def placement_problems(
    kind: OrgKind | None, region: Region | None, employer: Employer | None
) -> dict[str, list]:
    """Why a new organisation of ``kind`` (None: not known) cannot serve ``region`` or be
    ``employer``'s committee."""
    errors: dict[str, list] = {}
    if region is None:
        errors["region"] = [_l("Choose the region it serves.")]
    elif kind is not None:
        problem = served_problem(kind, region.level)
        holder = holder_of(kind, region)
        if problem is not None:
            errors["region"] = [problem]
        elif holder is not None:
            errors["region"] = [region_has_one(region.name, holder.name)]
    if kind is OrgKind.enterprise and employer is None:
        errors["employer"] = [NEEDS_EMPLOYER]
    elif kind is OrgKind.enterprise and employer.mediation_committee is not None:
        errors["employer"] = [has_committee(employer.name)]
    return errors


def _check_organization(
    organization: Organization | None, values: dict, errors: dict[str, list]
) -> None:
    """The problems of the organisation's name, prefix and contact values, added to ``errors``."""
    name, prefix = values.get("name"), values.get("case_prefix")
    if "name" in values and not name:
        errors.setdefault("name", []).append(_l("Please fill this in."))
    elif name:
        holder = db.session.scalar(select(Organization).where(Organization.name == name))
        if holder is not None and holder is not organization:
            errors.setdefault("name", []).append(name_taken(name))
    if prefix and not CASE_PREFIX.match(prefix):
        errors.setdefault("case_prefix", []).append(BAD_PREFIX)
    elif prefix:
        holder = db.session.scalar(select(Organization).where(Organization.case_prefix == prefix))
        if holder is not None and holder is not organization:
            errors.setdefault("case_prefix", []).append(prefix_taken(prefix))
    if values.get("video_link") and not VIDEO_LINK.match(values["video_link"]):
        errors.setdefault("video_link", []).append(BAD_LINK)
    if values.get("phone") and not PHONE.match(values["phone"]):
        errors.setdefault("phone", []).append(BAD_PHONE)


def _organization_values(organization: Organization) -> dict:
    return {
        field: getattr(organization, field)
        for field in ("name", "name_en", "case_prefix", *ORGANIZATION_FIELDS)
    } | {
        "kind": organization.kind.value,
        "region_id": organization.region_id,
        "employer_id": organization.employer_id,
        "active": organization.active,
    }


def holder_of(kind: OrgKind, region: Region, *, besides: Organization | None = None):
    """The active organisation of ``kind`` serving exactly ``region``, if routing knows one."""
    if kind not in ONE_PER_REGION:
        return None
    return db.session.scalar(
        select(Organization)
        .where(
            Organization.kind == kind,
            Organization.region_id == region.id,
            Organization.active.is_(True),
            *([Organization.id != besides.id] if besides is not None else []),
        )
        .limit(1)
    )


def create_organization(
    *,
    actor: User,
    kind: OrgKind,
    region: Region | None,
    employer: Employer | None = None,
    **values: str | None,
) -> Organization:
    """A new organisation of ``kind`` serving ``region``; ``values`` are its name, English
    name, case prefix and contact fields (``admin.network.ORGANIZATION_FIELDS``)."""
    values = {"name": None, **_normalised(values)}
    errors = organization_problems(None, **values) | placement_problems(kind, region, employer)
    if errors:
        raise Invalid(errors)
    organization = Organization(
        kind=kind,
        region=region,
        employer=employer if kind is OrgKind.enterprise else None,
        active=True,
        **{key: value for key, value in values.items() if key in _EDITABLE},
    )
    db.session.add(organization)
    audit.record(
        "organization.created",
        actor=actor,
        subject=organization,
        after=_organization_values(organization),
    )
    return organization


_EDITABLE = (*IDENTITY_FIELDS, *ORGANIZATION_FIELDS)


def update_organization(
    organization: Organization,
    *,
    actor: User,
    region: Region | None = None,
    **values: str | None,
) -> dict:
    """Correct the name, English name, case prefix or contact fields, or move the
    organisation to another region (only those given); returns what changed (field →
    (before, after)). Cases keep the numbers they have.

    The region served decides which cases routing sends it and, in the HR-bureau tier,
    whether it is a street/town or the district centre; a re-employment centre serves its
    district's referrals. So it moves only while it holds no open case
    (:class:`OrganizationInUse`): their deadlines, transfers and referrals were decided for
    the region they came from.
    """
    values = _normalised(values)
    if errors := organization_problems(organization, region=region, **values):
        raise Invalid(errors)
    moves = _moves(organization, region)
    if moves and (count := open_cases_at(organization)):
        raise OrganizationInUse(
            lazy_ngettext(
                "%(name)s holds %(num)d open case: the region it serves changes once it is "
                "transferred or closed.",
                "%(name)s holds %(num)d open cases: the region it serves changes once they "
                "are transferred or closed.",
                count,
                name=organization.name,
            )
        )
    before = _organization_values(organization)
    if moves:
        organization.region = region
    for key, value in values.items():
        setattr(organization, key, value)
    db.session.flush()  # the region's id, as the audit writes it
    after = _organization_values(organization)
    changed = {key: (before[key], after[key]) for key in before if before[key] != after[key]}
    if changed:
        audit.record(
            "organization.updated",
            actor=actor,
            subject=organization,
            before={key: old for key, (old, _new) in changed.items()},
            after={key: new for key, (_old, new) in changed.items()},
        )
    return changed


def open_cases_at(organization: Organization) -> int:
    return db.session.scalar(
        select(func.count(Case.id)).where(
            Case.organization_id == organization.id, Case.state.in_(OPEN_STATES)
        )
    )


def _stand_in(organization: Organization) -> Organization | None:
    """Where its open cases could go: the HR-bureau centre of its district (the routing
    fallback), or another active organisation of its kind in the district."""
    district = organization.region.district
    for kind, region_ids in (
        (OrgKind.hr_bureau, [district.id]),
        (organization.kind, [district.id, *(child.id for child in district.children)]),
    ):
        found = db.session.scalar(
            select(Organization)
            .where(
                Organization.kind == kind,
                Organization.region_id.in_(region_ids),
                Organization.active.is_(True),
                Organization.id != organization.id,
            )
            .order_by(Organization.id)
            .limit(1)
        )
        if found is not None:
            return found
    return None


def _refuse_with_open_cases(organization: Organization) -> None:
    count = open_cases_at(organization)
    if not count:
        return
    target = _stand_in(organization)
    if target is not None:
        raise OrganizationInUse(
            lazy_ngettext(
                "%(name)s holds %(num)d open case: transfer it to another organisation "
                "first, e.g. %(target)s.",
                "%(name)s holds %(num)d open cases: transfer them to another organisation "
                "first, e.g. %(target)s.",
                count,
                name=organization.name,
                target=target.name,
            )
        )
    raise OrganizationInUse(
        lazy_ngettext(
            "%(name)s holds %(num)d open case: transfer it to another organisation first.",
            "%(name)s holds %(num)d open cases: transfer them to another organisation first.",
            count,
            name=organization.name,
        )
    )


def set_organization_active(organization: Organization, active: bool, *, actor: User) -> bool:
    """Deactivate (routing passes it over, nothing new reaches it) or reactivate; refused
    while it holds open cases. Returns whether anything changed."""
    if organization.active == active:
        return False
    if not active:
        _refuse_with_open_cases(organization)
    elif (holder := holder_of(organization.kind, organization.region)) is not None:
        raise Invalid({"active": [region_has_one(organization.region.name, holder.name)]})
    organization.active = active
    audit.record(
        "organization.reactivated" if active else "organization.deactivated",
        actor=actor,
        subject=organization,
        before={"active": not active},
        after={"active": active},
    )
    return True


def _references(organization: Organization) -> int:
    """How many rows of any table point at the organisation (cases closed long ago, accounts,
    rules, documents, figures…)."""
    total = 0
    for table in db.metadata.sorted_tables:
        for key in table.foreign_keys:
            if key.column.table.name == Organization.__tablename__ and table.name != "audit_events":
                total += db.session.scalar(
                    select(func.count()).select_from(table).where(key.parent == organization.id)
                )
    return total


def delete_organization(organization: Organization, *, actor: User) -> None:
    """Remove an organisation entered by mistake. One that holds open cases is refused (with
    where to move them); one that any record refers to is deactivated instead, so its history
    stays readable."""
    _refuse_with_open_cases(organization)
    if _references(organization):
        raise OrganizationInUse(
            _l(
                "Records refer to %(name)s (cases, accounts, rules or documents): deactivate "
                "it instead, so that its history stays readable.",
                name=organization.name,
            )
        )
    audit.record(
        "organization.deleted",
        actor=actor,
        subject=organization,
        before=_organization_values(organization),
    )
    db.session.delete(organization)


def staff_count(organization: Organization) -> int:
    return db.session.scalar(
        select(func.count(User.id)).where(
            User.organization_id == organization.id, User.active.is_(True)
        )
    )


def regions_tree() -> list[tuple[Region, int]]:
    """Every region with its depth, each below its parent, in code order."""
    regions = list(db.session.scalars(select(Region).order_by(Region.code, Region.id)))
    children: dict[int | None, list[Region]] = {}
    for region in regions:
        children.setdefault(region.parent_id, []).append(region)
    tree: list[tuple[Region, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for region in children.get(parent_id, ()):
            tree.append((region, depth))
            walk(region.id, depth + 1)

    walk(None, 0)
    return tree


def regions_where(*conditions) -> list[Region]:
    return list(db.session.scalars(select(Region).where(*conditions).order_by(Region.code)))
