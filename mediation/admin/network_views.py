"""The network's contact data in the administration (``admin.network``): a district's
arbitration commission and legal-aid station, an organisation's address and hours."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mediation.admin import network
from mediation.admin.forms import DistrictForm, OrganizationForm
from mediation.extensions import db
from mediation.models import Organization, Region, RegionLevel


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
    return _edit(
        record,
        OrganizationForm,
        network.ORGANIZATION_FIELDS,
        network.update_organization,
        "admin/organization.html",
        url_for("admin.organization", organization_id=record.id),
        organization=record,
    )
