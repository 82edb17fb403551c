"""API v1 for administrators: the regions tree, the organisations, and onboarding a district
from files (``admin.regions``, ``admin.imports``), with the pages' rules and audit."""

from contextlib import contextmanager

from flask import abort, request
from flask_login import current_user
from sqlalchemy import select

from mediation.admin import imports
from mediation.admin import network as contacts
from mediation.admin import regions as network
from mediation.admin.network_views import MAX_FILE_BYTES, TOO_LARGE, uploaded_files
from mediation.api import serialise
from mediation.api.openapi import operation
from mediation.api.request import json_body
from mediation.api.schemas import (
    ImportQuery,
    ImportReport,
    OrganizationBody,
    OrganizationList,
    OrganizationPatch,
    OrganizationRecord,
    RegionBody,
    RegionList,
    RegionPatch,
    RegionRecord,
)
from mediation.core.answers import error_response, mark_failed
from mediation.core.errors import Invalid
from mediation.core.schemas import parse
from mediation.extensions import db
from mediation.models import Employer, Organization, Region
from mediation.translation import lazy_gettext as _l
from mediation.validators import InvalidValue, normalise_uscc

NO_SUCH_REGION = _l("No region has this id.")


def _region(region: Region) -> RegionRecord:
    return RegionRecord(
        id=region.id,
        name=region.name,
        code=region.code,
        level=region.level,
        parent_id=region.parent_id,
        **{field: getattr(region, field) for field in contacts.DISTRICT_FIELDS},
    )


def _district_contacts(region: Region, body: RegionBody | RegionPatch) -> None:
    """The contacts the body sends, over those the region has (a PATCH leaves the rest)."""
    sent = body.model_fields_set & set(contacts.DISTRICT_FIELDS)
    if sent:
        contacts.update_district(
            region,
            actor=current_user,
            **{
                field: getattr(body, field) if field in sent else getattr(region, field)
                for field in contacts.DISTRICT_FIELDS
            },
        )


def organization_record(record: Organization) -> OrganizationRecord:
    return OrganizationRecord(
        **{
            name: getattr(record, name)
            for name in OrganizationRecord.model_fields
            if name not in ("kind",)
        },
        kind=record.kind,
    )


def _parent(parent_id: int | None) -> Region | None:
    if parent_id is None:
        return None
    parent = db.session.get(Region, parent_id)
    if parent is None:
        raise Invalid({"parent_id": [NO_SUCH_REGION]})
    return parent


@operation("The regions, each below its parent", answers={200: RegionList})
def list_regions():
    items = [_region(region) for region, _depth in network.regions_tree()]
    return serialise.answer(RegionList(items=items))


@operation("Add a region", body=RegionBody, answers={201: RegionRecord}, errors=(422,))
def create_region():
    body = parse(RegionBody, json_body())
    with body_fields():
        region = network.create_region(
            actor=current_user,
            name=body.name,
            code=body.code,
            level=body.level,
            parent=_parent(body.parent_id),
        )
        db.session.flush()
        _district_contacts(region, body)
    return serialise.answer(_region(region), 201)


@operation(
    "Rename, recode or move a region",
    body=RegionPatch,
    answers={200: RegionRecord},
    errors=(404, 422),
)
def update_region(region_id: int):
    region = db.session.get(Region, region_id)
    if region is None:
        abort(404)
    body = parse(RegionPatch, json_body())
    with body_fields():
        network.update_region(
            region,
            actor=current_user,
            name=body.name if body.name is not None else region.name,
            code=body.code if body.code is not None else region.code,
            level=body.level or region.level,
            parent=_parent(body.parent_id) if body.parent_id is not None else region.parent,
        )
        _district_contacts(region, body)
    return serialise.answer(_region(region))


@operation("The organisations", answers={200: OrganizationList})
def list_organizations():
    records = db.session.scalars(select(Organization).order_by(Organization.id))
    return serialise.answer(OrganizationList(items=[organization_record(r) for r in records]))


@operation(
    "Add an organisation", body=OrganizationBody, answers={201: OrganizationRecord}, errors=(422,)
)
def create_organization():
    body = parse(OrganizationBody, json_body())
    employer = None
    if body.employer_uscc:
        try:
            uscc = normalise_uscc(body.employer_uscc)
        except InvalidValue as error:
            raise Invalid({"employer_uscc": [error.message]}) from None
        employer = db.session.scalar(select(Employer).where(Employer.uscc == uscc))
        if employer is None:
            raise Invalid({"employer_uscc": [_l("No employer has this code.")]})
    region = db.session.get(Region, body.region_id)
    if region is None:
        raise Invalid({"region_id": [NO_SUCH_REGION]})
    values = body.model_dump(exclude={"kind", "region_id", "employer_uscc"})
    with body_fields():
        record = network.create_organization(
            actor=current_user, kind=body.kind, region=region, employer=employer, **values
        )
    db.session.flush()
    return serialise.answer(organization_record(record), 201)


# The operations name the pages' fields; the bodies name records by id or code.
BODY_FIELDS = {"region": "region_id", "parent": "parent_id", "employer": "employer_uscc"}


@contextmanager
def body_fields():
    """An operation's :class:`Invalid` with its problems under the body's field names."""
    try:
        yield
    except Invalid as invalid:
        errors = {BODY_FIELDS.get(key, key): value for key, value in invalid.errors.items()}
        raise Invalid(errors) from None


def _in_use(error: network.OrganizationInUse):
    mark_failed()
    return error_response(409, error.message)


@operation(
    "Correct an organisation, move it to another region (409 while it holds open cases), or "
    "deactivate (`active: false`, 409 while it holds open cases) or reactivate it",
    body=OrganizationPatch,
    answers={200: OrganizationRecord},
    errors=(404, 409, 422),
)
def update_organization(organization_id: int):
    record = db.session.get(Organization, organization_id)
    if record is None:
        abort(404)
    body = parse(OrganizationPatch, json_body())
    values = body.model_dump(exclude={"active", "region_id"}, exclude_unset=True)
    region = None
    if body.region_id is not None and (region := db.session.get(Region, body.region_id)) is None:
        raise Invalid({"region_id": [NO_SUCH_REGION]})
    try:
        with body_fields():
            network.update_organization(record, actor=current_user, region=region, **values)
            if body.active is not None:
                network.set_organization_active(record, body.active, actor=current_user)
    except network.OrganizationInUse as error:
        return _in_use(error)
    return serialise.answer(organization_record(record))


@operation(
    "Delete an organisation entered by mistake (refused while cases or accounts refer to it)",
    answers={204: None},
    errors=(404, 409),
)
def delete_organization(organization_id: int):
    record = db.session.get(Organization, organization_id)
    if record is None:
        abort(404)
    try:
        network.delete_organization(record, actor=current_user)
    except network.OrganizationInUse as error:
        return _in_use(error)
    return "", 204


@operation(
    "Import regions, employers, organisations or staff (`workbook`: one XLSX with a sheet "
    "each) from a CSV (UTF-8 or GBK) or XLSX file: every row's problem at once (422, `errors` "
    "keyed `kind.row.column`), and all rows or none written",
    query=ImportQuery,
    upload=True,
    answers={200: ImportReport},
    errors=(404, 413, 422),
)
def import_network(kind: str):
    if kind not in (*imports.KINDS, imports.WORKBOOK):
        abort(404)
    dry_run = request.args.get("dry_run", "true") != "false"
    upload = request.files.get("file")
    files = uploaded_files({kind: upload}) if upload is not None else {}
    if any(len(data) > MAX_FILE_BYTES for data in files.values()):
        raise Invalid({"file": [TOO_LARGE]})
    report = imports.run_import(files, actor=current_user, dry_run=dry_run)
    if not report.ok:
        errors: dict[str, list] = {}
        for problem in report.problems:
            path = ".".join(
                str(part)
                for part in (problem.kind or "file", problem.line, problem.column)
                if part is not None
            )
            errors.setdefault(path, []).append(problem.message)
        raise Invalid(errors)
    return serialise.answer(ImportReport(dry_run=dry_run, counts=report.counts))
