"""Reading JSON bodies into service inputs, with a message for every bad field.

Field paths in ``errors`` follow the body: ``applicant.id_number``, ``claims.0.amount``.
The checks are the ones the forms use (mediation.validators), so both accept the same data.
"""

from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l

from mediation.cases.filing import Application, ClaimInput, EmployerInput, Party
from mediation.models import Category, Channel, PriorityGroup, User
from mediation.validators import (
    InvalidValue,
    normalise_amount,
    normalise_mobile,
    normalise_resident_id,
    normalise_uscc,
)
from workflows.case import Tier

REQUIRED = _l("Please fill this in.")


class BodyInvalid(Exception):
    def __init__(self, errors: dict[str, list]) -> None:
        super().__init__(errors)
        self.errors = errors


class Reader:
    """Collects problems while reading, so one response lists them all."""

    def __init__(self, body: Any) -> None:
        self.body = body if isinstance(body, dict) else {}
        self.errors: dict[str, list] = {}
        if not isinstance(body, dict):
            self.fail("body", _l("Send a JSON object."))

    def fail(self, path: str, message) -> None:
        self.errors.setdefault(path, []).append(message)

    def value(self, source: dict, key: str, path: str) -> Any:
        return source.get(key) if isinstance(source, dict) else None

    def text(self, source, key, path, *, required=True, max_length=200) -> str | None:
        value = self.value(source, key, path)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(path, REQUIRED)
            return None
        if not isinstance(value, str):
            self.fail(path, _l("This must be text."))
            return None
        if len(value) > max_length:
            self.fail(path, _l("At most %(max)d characters.", max=max_length))
            return None
        return value.strip()

    def checked(self, source, key, path, normalise, *, required=True):
        value = self.text(source, key, path, required=required, max_length=40)
        if value is None:
            return None
        try:
            return normalise(value)
        except InvalidValue as error:
            self.fail(path, error.message)
            return None

    def amount(self, source, key, path, *, required=True) -> Decimal | None:
        value = self.value(source, key, path)
        if value is None or value == "":
            if required:
                self.fail(path, REQUIRED)
            return None
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.fail(path, _l('Send amounts as strings of yuan, e.g. "6500.00".'))
            return None
        try:
            return normalise_amount(str(value))
        except InvalidValue as error:
            self.fail(path, error.message)
            return None

    def date(self, source, key, path, *, required=True) -> date | None:
        value = self.value(source, key, path)
        if value is None:
            if required:
                self.fail(path, REQUIRED)
            return None
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            self.fail(path, _l("Use a date like 2026-03-01."))
            return None

    def choice(self, source, key, path, enum, *, required=True):
        value = self.value(source, key, path)
        if value is None:
            if required:
                self.fail(path, REQUIRED)
            return None
        try:
            return enum(value)
        except ValueError:
            self.fail(
                path, _l("Not one of: %(choices)s.", choices=", ".join(e.value for e in enum))
            )
            return None

    def integer(self, source, key, path, *, default: int, minimum: int, maximum: int) -> int:
        value = self.value(source, key, path)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
            self.fail(path, _l("Enter a number from %(min)d to %(max)d.", min=minimum, max=maximum))
            return default
        return value

    def boolean(self, source, key, path) -> bool:
        value = self.value(source, key, path)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.fail(path, _l("Send true or false."))
            return False
        return value

    def done(self) -> None:
        if self.errors:
            raise BodyInvalid(self.errors)


def _section(reader: Reader, key: str) -> dict:
    value = reader.body.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        reader.fail(key, _l("Send an object."))
        return {}
    return value


def read_application(body: Any, actor: User) -> Application:
    """The filing body of DESIGN.md §6. A worker filing for themself may leave out
    ``applicant``; it then comes from the account (and cannot name someone else)."""
    r = Reader(body)
    applicant = _section(r, "applicant")
    if actor.id_number and not applicant:
        party = Party(actor.name, actor.id_number, actor.phone)
    else:
        party = Party(
            r.text(applicant, "name", "applicant.name", max_length=50),
            r.checked(applicant, "id_number", "applicant.id_number", normalise_resident_id),
            r.checked(applicant, "phone", "applicant.phone", normalise_mobile),
        )
    employer = _section(r, "employer")
    employment = _section(r, "employment")
    region = employer.get("region_id")
    employer_input = EmployerInput(
        name=r.text(employer, "name", "employer.name"),
        uscc=r.checked(employer, "uscc", "employer.uscc", normalise_uscc),
        region_id=region if isinstance(region, int) and not isinstance(region, bool) else None,
        industry=employer.get("industry") if isinstance(employer.get("industry"), str) else None,
    )
    categories = []
    raw_categories = r.body.get("categories")
    if not isinstance(raw_categories, list) or not raw_categories:
        r.fail("categories", _l("Choose at least one kind of dispute."))
    else:
        for index, value in enumerate(raw_categories):
            categories.append(r.choice({"v": value}, "v", f"categories.{index}", Category))
    claims = []
    raw_claims = r.body.get("claims", [])
    if not isinstance(raw_claims, list):
        r.fail("claims", _l("Send a list."))
        raw_claims = []
    for index, claim in enumerate(raw_claims[:20]):
        path = f"claims.{index}"
        claims.append(
            ClaimInput(
                r.choice(claim, "category", f"{path}.category", Category),
                r.amount(claim, "amount", f"{path}.amount"),
                r.text(claim, "description", f"{path}.description", required=False, max_length=500)
                or "",
            )
        )
    representatives = []
    raw_representatives = r.body.get("representatives") or []
    if not isinstance(raw_representatives, list):
        r.fail("representatives", _l("Send a list."))
        raw_representatives = []
    for index, person in enumerate(raw_representatives[:50]):
        path = f"representatives.{index}"
        name = r.text(person, "name", f"{path}.name", max_length=50)
        phone = r.checked(person, "phone", f"{path}.phone", normalise_mobile)
        representatives.append({"name": name, "phone": phone})
    groups = r.body.get("priority_groups") or []
    if not isinstance(groups, list):
        r.fail("priority_groups", _l("Send a list."))
        groups = []
    channel = r.choice(r.body, "channel", "channel", Channel, required=False) or Channel.app
    application = Application(
        applicant=party,
        employer=employer_input,
        employment_start=r.date(employment, "start_date", "employment.start_date"),
        employment_end=r.date(employment, "end_date", "employment.end_date", required=False),
        job=r.text(employment, "job", "employment.job", max_length=50),
        monthly_wage=r.amount(
            employment, "monthly_wage", "employment.monthly_wage", required=False
        ),
        categories=tuple(categories),
        claims=tuple(claims),
        facts=r.text(r.body, "facts", "facts", max_length=5000) or "",
        desired_outcome=r.text(
            r.body, "desired_outcome", "desired_outcome", required=False, max_length=2000
        )
        or "",
        workers_involved=r.integer(
            r.body, "workers_involved", "workers_involved", default=1, minimum=1, maximum=100000
        ),
        representatives=tuple(representatives),
        lost_job=r.boolean(r.body, "lost_job", "lost_job"),
        reemployment_consent=r.boolean(r.body, "reemployment_consent", "reemployment_consent"),
        priority_groups=frozenset(
            r.choice({"v": g}, "v", f"priority_groups.{i}", PriorityGroup)
            for i, g in enumerate(groups)
        )
        - {None},
        preferred_tier=r.choice(r.body, "preferred_tier", "preferred_tier", Tier, required=False),
        channel=channel,
    )
    r.done()
    return application


def read_reason(body: Any) -> dict:
    r = Reader(body)
    reason = r.text(r.body, "reason", "reason", required=False, max_length=2000)
    return {"reason": reason}
