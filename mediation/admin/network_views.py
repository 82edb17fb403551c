"""The network's contact data in the administration (``admin.network``): a district's
arbitration commission and legal-aid station, an organisation's address and hours."""

import csv
import io

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

from mediation import uploads
from mediation.admin import imports, network
from mediation.admin import regions as network_regions
from mediation.admin.forms import NONE_CHOSEN, DistrictForm, OrganizationForm
from mediation.core.answers import mark_failed
from mediation.core.errors import Invalid
from mediation.extensions import db
from mediation.forms import REQUIRED, strip
from mediation.models import Employer, Organization, OrgKind, Region, RegionLevel
from mediation.translation import gettext as _
from mediation.translation import lazy_gettext as _l
from mediation.uploads import MEBIBYTE


def _edit(record, form_class, fields, save, template: str, back: str, **context):
    form = form_class(data={field: getattr(record, field) for field in fields})
    if form.validate_on_submit():
        changed = save(record, actor=current_user, **{field: form[field].data for field in fields})
        flash(_("Saved.") if changed else _("Nothing was changed."), "success")
        return redirect(back)
    status = 422 if form.errors else 200
    return render_template(template, form=form, **context), status


def district(region_id: int):
    region = db.session.get(Region, region_id)
    if region is None or region.level != RegionLevel.district:
        abort(404)  # commissions and legal-aid stations are a district's
    return _edit(
        region,
        DistrictForm,
        network.DISTRICT_FIELDS,
        network.update_district,
        "admin/district.html",
        url_for("admin.district", region_id=region.id),
        region=region,
    )


def organization(organization_id: int):
    record = db.session.get(Organization, organization_id)
    if record is None:
        abort(404)
    fields = ("name", "name_en", "case_prefix", *network.ORGANIZATION_FIELDS)
    form = OrganizationEditForm(
        data={field: getattr(record, field) for field in fields} | {"region": record.region_id}
    )
    _region_choices(form, "region", communities=False)
    valid = form.validate_on_submit()
    if form.is_submitted():
        # The register's rules too, on whatever could be read: every problem at once.
        found = network_regions.organization_problems(
            record,
            region=None if form.region.errors else db.session.get(Region, form.region.data),
            **{field: form[field].data for field in fields if not form[field].errors},
        )
        valid = _show(form, found) and valid
    if valid:
        try:
            changed = network_regions.update_organization(
                record,
                actor=current_user,
                region=db.session.get(Region, form.region.data),
                **{field: form[field].data for field in fields},
            )
        except Invalid as invalid:
            _put_errors(form, invalid)
        except network_regions.OrganizationInUse as error:
            form.region.errors = [*form.region.errors, error.message]
        else:
            flash(_("Saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("admin.organization", organization_id=record.id))
    return render_template(
        "admin/organization.html",
        form=form,
        organization=record,
        action_form=FlaskForm(),
        open_cases=network_regions.open_cases_at(record),
        staff=network_regions.staff_count(record),
    ), (422 if form.errors else 200)


# -- The regions tree, new organisations, deactivating and deleting (``admin.regions``) --------


class RegionForm(FlaskForm):
    name = StringField(_l("Name"), filters=[strip], validators=[REQUIRED, Length(max=100)])
    code = StringField(
        _l("Administrative division code (GB/T 2260)"),
        filters=[strip],
        validators=[Optional(), Length(max=12)],
        render_kw={"inputmode": "numeric", "spellcheck": "false"},
    )
    level = SelectField(
        _l("Level"), choices=[SelectChoice(level.value, level.title) for level in RegionLevel]
    )
    parent = SelectField(
        _l("Parent region (one level up; none for a district)"),
        coerce=int,
        default=NONE_CHOSEN,
    )


class OrganizationIdentityFields:
    name = StringField(_l("Name"), filters=[strip], validators=[REQUIRED, Length(max=200)])
    name_en = StringField(
        _l("Name in English (optional; shown when the interface is English)"),
        filters=[strip],
        validators=[Optional(), Length(max=200)],
    )
    case_prefix = StringField(
        _l("Case number prefix (e.g. QCDC: QCDC-2027-000001)"),
        filters=[strip],
        validators=[Optional(), Length(max=12)],
        render_kw={"spellcheck": "false", "autocapitalize": "characters"},
    )


class OrganizationEditForm(OrganizationIdentityFields, OrganizationForm):
    """The organisation's names, case prefix, the region it serves and where its parties
    find it."""

    region = SelectField(
        _l("Region served"),
        coerce=int,
        description=_l(
            "Which cases routing sends it, and in the HR-bureau tier whether it is a street/town "
            "or the district centre. It changes only while the organisation holds no open case."
        ),
    )


class NewOrganizationForm(OrganizationIdentityFields, OrganizationForm):
    kind = SelectField(
        _l("Kind"), choices=[SelectChoice(kind.value, kind.title) for kind in OrgKind]
    )
    region = SelectField(_l("Region served"), coerce=int, default=NONE_CHOSEN)
    employer = StringField(
        _l("Employer's unified social credit code (enterprise committees only)"),
        filters=[strip],
        validators=[Optional(), Length(max=30)],
        render_kw={"spellcheck": "false", "autocapitalize": "characters"},
    )


MAX_FILE_BYTES = 5 * 1024 * 1024
TOO_LARGE = _l("The file is larger than 5 MB.")
_TABLE = {
    "description": _l("At most %(limit)d MB.", limit=MAX_FILE_BYTES // MEBIBYTE),
    "render_kw": uploads.table_input(MAX_FILE_BYTES, files=len(imports.KINDS) + 1),
}


class ImportForm(FlaskForm):
    regions = FileField(_l("Regions (CSV or XLSX)"), **_TABLE)
    employers = FileField(_l("Employers (CSV or XLSX)"), **_TABLE)
    organizations = FileField(_l("Organisations (CSV or XLSX)"), **_TABLE)
    staff = FileField(_l("Staff (CSV or XLSX)"), **_TABLE)
    workbook = FileField(
        _l("Or one workbook (XLSX) with a sheet for each"),
        description=_TABLE["description"],
        render_kw=uploads.table_input(
            MAX_FILE_BYTES,
            accept=uploads.XLSX_ACCEPT,
        ),
    )


def _region_choices(form: RegionForm | NewOrganizationForm, field: str, *, communities: bool):
    query = select(Region).order_by(Region.code, Region.id)
    if not communities:
        query = query.where(Region.level != RegionLevel.community)
    getattr(form, field).choices = [SelectChoice(NONE_CHOSEN, "—")] + [
        SelectChoice(region.id, f"{region.name} ({region.level.title})")
        for region in db.session.scalars(query)
    ]


def _show(form: FlaskForm, problems: dict[str, list]) -> bool:
    """Put ``problems`` beside their fields, except where a field has its own problem (one
    message for one problem); False when there are any."""
    for name, messages in problems.items():
        target = getattr(form, name, None) or form.name
        if not target.errors:
            target.errors = list(messages)
    return not problems


def _put_errors(form: FlaskForm, invalid: Invalid) -> None:
    for name, messages in invalid.errors.items():
        target = getattr(form, name, None) or form.name
        target.errors = [*target.errors, *messages]


def regions():
    return render_template("admin/regions.html", tree=network_regions.regions_tree())


def _region_page(region: Region | None):
    if region is None:
        form = RegionForm()
    else:
        form = RegionForm(
            data={
                "name": region.name,
                "code": region.code,
                "level": region.level.value,
                "parent": region.parent_id or NONE_CHOSEN,
            }
        )
    _region_choices(form, "parent", communities=False)
    valid = form.validate_on_submit()
    if form.is_submitted():
        level = None if form.level.errors else RegionLevel(form.level.data)
        parent = None if form.parent.errors else db.session.get(Region, form.parent.data or 0)
        found = network_regions.region_problems(
            region,
            name=form.name.data,
            code=None if form.code.errors else form.code.data,
            level=level,
            parent=parent,
        )
        if form.parent.errors:
            found.pop("parent", None)  # its value is not known
        valid = _show(form, found) and valid
    if valid:
        values = {
            "name": form.name.data,
            "code": form.code.data,
            "level": RegionLevel(form.level.data),
            "parent": db.session.get(Region, form.parent.data),
        }
        try:
            if region is None:
                region = network_regions.create_region(actor=current_user, **values)
                flash(_("Region %(name)s added.", name=region.name), "success")
            else:
                changed = network_regions.update_region(region, actor=current_user, **values)
                flash(_("Saved.") if changed else _("Nothing was changed."), "success")
        except Invalid as invalid:
            _put_errors(form, invalid)
        else:
            return redirect(url_for("admin.regions"))
    status = 422 if form.errors else 200
    return render_template("admin/region.html", form=form, region=region), status


def new_region():
    return _region_page(None)


def edit_region(region_id: int):
    region = db.session.get(Region, region_id)
    if region is None:
        abort(404)
    return _region_page(region)


def new_organization():
    form = NewOrganizationForm()
    _region_choices(form, "region", communities=False)
    valid = form.validate_on_submit()
    employer = None
    if form.is_submitted():
        # The register's rules too, on whatever could be read: every problem at once.
        if form.employer.data and not form.employer.errors:
            employer = db.session.scalar(
                select(Employer).where(Employer.uscc == form.employer.data.upper())
            )
            if employer is None:
                form.employer.errors = [_("No employer has this code.")]
        kind = None if form.kind.errors else OrgKind(form.kind.data)
        region = None if form.region.errors else db.session.get(Region, form.region.data or 0)
        found = network_regions.organization_problems(
            None,
            **{name: form[name].data for name in NEW_ORGANIZATION_FIELDS if not form[name].errors},
        ) | network_regions.placement_problems(kind, region, employer)
        valid = _show(form, found) and valid and not form.employer.errors
    if valid:
        try:
            record = network_regions.create_organization(
                actor=current_user,
                kind=OrgKind(form.kind.data),
                region=db.session.get(Region, form.region.data),
                employer=employer,
                **{name: form[name].data for name in NEW_ORGANIZATION_FIELDS},
            )
        except Invalid as invalid:
            _put_errors(form, invalid)
        else:
            flash(_("Organisation %(name)s added.", name=record.name), "success")
            return redirect(url_for("admin.organization", organization_id=record.id))
    status = 422 if form.errors else 200
    return render_template("admin/new_organization.html", form=form), status


NEW_ORGANIZATION_FIELDS = ("name", "name_en", "case_prefix", *network.ORGANIZATION_FIELDS)


def _organization_or_404(organization_id: int) -> Organization:
    record = db.session.get(Organization, organization_id)
    if record is None:
        abort(404)
    return record


def _in_use(error: network_regions.OrganizationInUse, organization: Organization):
    mark_failed()
    flash(error.message, "error")
    return redirect(url_for("admin.organization", organization_id=organization.id))


def deactivate_organization(organization_id: int):
    record = _organization_or_404(organization_id)
    if FlaskForm().validate_on_submit():
        try:
            network_regions.set_organization_active(record, False, actor=current_user)
        except network_regions.OrganizationInUse as error:
            return _in_use(error, record)
        flash(_("%(name)s receives no new cases.", name=record.name), "success")
    return redirect(url_for("admin.organization", organization_id=record.id))


def reactivate_organization(organization_id: int):
    record = _organization_or_404(organization_id)
    if FlaskForm().validate_on_submit():
        try:
            network_regions.set_organization_active(record, True, actor=current_user)
        except Invalid as invalid:
            mark_failed()
            for messages in invalid.errors.values():
                for message in messages:
                    flash(message, "error")
        else:
            flash(_("%(name)s receives cases again.", name=record.name), "success")
    return redirect(url_for("admin.organization", organization_id=record.id))


def delete_organization(organization_id: int):
    record = _organization_or_404(organization_id)
    if not FlaskForm().validate_on_submit():
        return redirect(url_for("admin.organization", organization_id=record.id))
    try:
        network_regions.delete_organization(record, actor=current_user)
    except network_regions.OrganizationInUse as error:
        return _in_use(error, record)
    flash(_("%(name)s is deleted.", name=record.name), "success")
    return redirect(url_for("admin.organizations"))


# -- Import from files (``admin.imports``) -----------------------------------------------------


def uploaded_files(files) -> dict[str, bytes]:
    """The uploaded files by kind (or ``workbook``), at most MAX_FILE_BYTES each."""
    chosen = {}
    for key in (*imports.KINDS, imports.WORKBOOK):
        upload = files.get(key)
        if upload is not None and upload.filename:
            data = upload.read(MAX_FILE_BYTES + 1)
            chosen[key] = data
    return chosen


def import_files():
    form = ImportForm()
    report = None
    status = 200
    if form.validate_on_submit():
        files = uploaded_files(request.files)
        too_large = [key for key, data in files.items() if len(data) > MAX_FILE_BYTES]
        if too_large:
            report = imports.Report(
                problems=[
                    imports.Problem(key, None, None, TOO_LARGE, "too_large") for key in too_large
                ]
            )
        else:
            dry_run = request.form.get("action") != "import"
            report = imports.run_import(files, actor=current_user, dry_run=dry_run)
        if report.written:
            flash(
                _(
                    "Imported: %(counts)s.",
                    counts=", ".join(f"{KIND_TITLES[k]} {n}" for k, n in report.counts.items()),
                ),
                "success",
            )
            return redirect(url_for("admin.import_files"))
        status = 200 if report.ok else 422
        if not report.ok:
            mark_failed()
    return (
        render_template(
            "admin/imports.html",
            form=form,
            report=report,
            columns=imports.COLUMNS,
            kind_titles=KIND_TITLES,
        ),
        status,
    )


KIND_TITLES = {
    "regions": _l("Regions"),
    "employers": _l("Employers"),
    "organizations": _l("Organisations"),
    "staff": _l("Staff"),
}


def import_template(kind: str):
    """The kind's columns (English and Chinese headers) with an example row, as CSV UTF-8."""
    if kind not in imports.COLUMNS:
        abort(404)
    text = io.StringIO()
    writer = csv.writer(text)
    columns = imports.COLUMNS[kind]
    writer.writerow([column.name for column in columns])
    writer.writerow([column.example for column in columns])
    return Response(
        "\ufeff" + text.getvalue(),  # a byte-order mark: Excel then reads it as UTF-8
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={kind}.csv"},
    )


def import_workbook_template():
    """One workbook with a sheet for each kind, the same columns as the CSV templates."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for kind, columns in imports.COLUMNS.items():
        sheet = workbook.create_sheet(kind)
        sheet.append([column.name for column in columns])
        sheet.append([column.example for column in columns])
    data = io.BytesIO()
    workbook.save(data)
    return Response(
        data.getvalue(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": "attachment; filename=network.xlsx"},
    )
