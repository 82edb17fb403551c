"""API v1 for administrators: the register of employers. Search by name or the start of the
unified social credit code (USCC), read, correct, merge a duplicate into the record that stays,
record the employer's enterprise mediation committee.

The handlers are thin: the operations are the employer page's (``admin.employers``), audited
there. A correction's problems come all at once (422); merging two records that each have a
committee is a conflict between the records (409).
"""

from typing import Annotated

from flask import abort, request
from flask_login import current_user
from pydantic import Field, field_validator
from sqlalchemy import func, select

from mediation.admin import employers
from mediation.admin.employers import CHOOSE_AN_INDUSTRY
from mediation.api import serialise
from mediation.api.network import NO_SUCH_REGION, organization_record
from mediation.api.openapi import operation
from mediation.api.request import json_body
from mediation.api.schemas import Answer, OrganizationRecord
from mediation.core.answers import error_response, mark_failed
from mediation.core.errors import Invalid
from mediation.core.fields import FILLED, FILLED_SCHEMA, clearable, problem
from mediation.core.schemas import Body, RecordId, parse
from mediation.extensions import db
from mediation.industries import INDUSTRIES
from mediation.models import Case, Employer, Region
from mediation.paging import page_number
from mediation.validators import normalise_uscc

PAGE_SIZE = 50


class EmployersQuery(Body):
    q: str | None = Field(None, max_length=100, description="Part of the name, or the USCC's start")
    page: int = Field(1, ge=1, description="50 employers a page")


class EmployerPatch(Body):
    """The fields to change (those left out stay); `uscc: ""` and `address: ""` remove them."""

    name: Annotated[str, Field(max_length=200), FILLED, FILLED_SCHEMA] | None = None
    uscc: Annotated[str, Field(max_length=30), clearable(normalise_uscc)] | None = Field(
        None, description="统一社会信用代码, GB 32100-2015"
    )
    region_id: RecordId | None = Field(None, description="A district or a street/town")
    industry: str | None = Field(None, max_length=1, description="GB/T 4754 section letter")
    address: str | None = Field(None, max_length=200)

    @field_validator("industry")
    @classmethod
    def _known_industry(cls, value: str | None) -> str | None:
        if value is not None and value not in INDUSTRIES:
            raise problem("industry", CHOOSE_AN_INDUSTRY)
        return value

    @field_validator("region_id")
    @classmethod
    def _known(cls, value: int | None) -> int | None:
        if value is not None and db.session.get(Region, value) is None:
            raise problem("unknown", NO_SUCH_REGION)
        return value


class MergeBody(Body):
    into_uscc: Annotated[
        str,
        Field(max_length=30, description="The USCC of the record that stays"),
        FILLED,
        FILLED_SCHEMA,
    ]


class EmployerRecord(Answer):
    id: int
    name: str
    uscc: str | None
    region_id: int
    industry: str | None
    address: str | None
    committee_id: int | None = Field(description="Its enterprise mediation committee")
    cases: int = Field(description="Cases filed against it")


class EmployerList(Answer):
    items: list[EmployerRecord]
    page: int
    pages: int
    total: int


class Merged(Answer):
    employer: EmployerRecord = Field(description="The record that stays")
    cases_moved: int


def _record(employer: Employer) -> EmployerRecord:
    committee = employer.mediation_committee
    return EmployerRecord(
        id=employer.id,
        name=employer.name,
        uscc=employer.uscc,
        region_id=employer.region_id,
        industry=employer.industry,
        address=employer.address,
        committee_id=committee.id if committee is not None else None,
        cases=db.session.scalar(select(func.count(Case.id)).where(Case.employer_id == employer.id)),
    )


def _employer_or_404(employer_id: int) -> Employer:
    employer = db.session.get(Employer, employer_id)
    if employer is None:
        abort(404)
    return employer


@operation(
    "Employers whose name contains `q` or whose USCC starts with it, by name",
    query=EmployersQuery,
    answers={200: EmployerList},
)
def list_employers():
    text = request.args.get("q", "")[:100]
    page = db.paginate(
        employers.search(text), page=page_number(PAGE_SIZE), per_page=PAGE_SIZE, error_out=False
    )
    items = [_record(employer) for employer in page.items]
    return serialise.answer(
        EmployerList(items=items, page=page.page, pages=page.pages, total=page.total)
    )


@operation("An employer", answers={200: EmployerRecord}, errors=(404,))
def show_employer(employer_id: int):
    return serialise.answer(_record(_employer_or_404(employer_id)))


@operation(
    "Correct an employer's record (a USCC another record has: merge the two instead)",
    body=EmployerPatch,
    answers={200: EmployerRecord},
    errors=(404, 422),
)
def update_employer(employer_id: int):
    employer = _employer_or_404(employer_id)
    body = parse(EmployerPatch, json_body())
    sent = body.model_fields_set
    values = {
        field: getattr(body, field) if field in sent else getattr(employer, field)
        for field in ("name", "uscc", "industry", "address")
    }
    region_id = body.region_id if "region_id" in sent else employer.region_id
    employers.update_employer(
        employer, actor=current_user, region=db.session.get(Region, region_id), **values
    )
    return serialise.answer(_record(employer))


@operation(
    "Merge a duplicate into the record that stays: its cases, alerts, representatives and "
    "committee move there, and the duplicate is removed (409 when both have a committee)",
    body=MergeBody,
    answers={200: Merged},
    errors=(404, 409, 422),
)
def merge_employer(employer_id: int):
    duplicate = _employer_or_404(employer_id)
    body = parse(MergeBody, json_body())
    into = employers.find_by_uscc(body.into_uscc, field="into_uscc")
    try:
        moved = employers.merge(duplicate, into, actor=current_user)
    except employers.TwoCommittees:
        mark_failed()
        return error_response(409, employers.TWO_COMMITTEES)
    except Invalid as invalid:
        raise Invalid({"into_uscc": invalid.errors["into"]}) from None
    return serialise.answer(Merged(employer=_record(into), cases_moved=moved))


@operation(
    "Record that the employer has its own enterprise mediation committee (劳动争议调解仲裁法 "
    "第十条): the committee, recorded now or before",
    answers={200: OrganizationRecord},
    errors=(404,),
)
def add_committee(employer_id: int):
    committee = employers.add_committee(_employer_or_404(employer_id), actor=current_user)
    db.session.flush()
    return serialise.answer(organization_record(committee))
