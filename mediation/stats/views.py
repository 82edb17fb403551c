"""The supervisor's dashboard and its CSV and XLSX exports."""

import csv
import io

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import TextAreaField
from wtforms.validators import Length

from mediation import policy
from mediation.extensions import db
from mediation.forms import REQUIRED, strip
from mediation.models import (
    Alert,
    Case,
    Category,
    Channel,
    Organization,
    PriorityGroup,
    Region,
    RegionLevel,
)
from mediation.models.cases import TIER_TITLES
from mediation.models.types import utcnow
from mediation.services import alerts as alert_service
from mediation.services.stats import DEFINITIONS, FiltersInvalid, compute, parse_filters
from mediation.stats import charts


class AcknowledgeForm(FlaskForm):
    note = TextAreaField(
        _l("What was done"), filters=[strip], validators=[REQUIRED, Length(max=2000)]
    )


def _options() -> dict[str, list[tuple[str, str]]]:
    """The filter form's choices: value → text, for each select."""
    in_view = policy.organizations_in_view(current_user)
    organizations = select(Organization).order_by(Organization.name)
    if in_view is not None:
        organizations = organizations.where(in_view)
    regions = select(Region).where(Region.level != RegionLevel.community).order_by(Region.code)
    return {
        "region": [(str(r.id), r.name) for r in db.session.scalars(regions)],
        "tier": [(tier.value, title) for tier, title in TIER_TITLES.items()],
        "organization": [(str(o.id), o.name) for o in db.session.scalars(organizations)],
        "category": [(c.value, c.title) for c in Category],
        "channel": [(c.value, c.title) for c in Channel],
        "priority": [(p.value, p.title) for p in PriorityGroup],
    }


def dashboard():
    try:
        filters = parse_filters(request.args)
    except FiltersInvalid as error:
        return render_template(
            "stats/dashboard.html",
            errors=error.errors,
            figures=None,
            options=_options(),
            values=request.args,
        ), 422
    return render_template(
        "stats/dashboard.html",
        errors={},
        figures=compute(filters, current_user),
        charts=charts.build(filters, current_user),
        filters=filters,
        definitions=DEFINITIONS,
        options=_options(),
        values={**request.args, "from": filters.start.isoformat(), "to": filters.end.isoformat()},
    )


def _table(filters) -> list[list[str]]:
    """The export: what was asked, when, and every figure with its formula (numbers stay
    numbers, so a spreadsheet can add them up)."""
    figures = compute(filters, current_user)
    rows = [
        [_("Generated"), format_datetime(utcnow(), "medium")],
        *[[_("Filter: %(name)s", name=key), value] for key, value in filters.as_args().items()],
        [],
        [_("Figure"), _("Value"), _("Definition")],
    ]
    for key, label, formula in DEFINITIONS:
        value = getattr(figures, key)
        rows.append([str(label), value, str(formula)])
    for path, number in sorted(figures.transfers.items()):
        rows.append([_("Transfers %(path)s", path=path), number, ""])
    return rows


def _bad_filters(error: FiltersInvalid):
    lines = [
        f"{key}: {', '.join(str(m) for m in messages)}" for key, messages in error.errors.items()
    ]
    return Response("\n".join(lines), status=422, mimetype="text/plain")


def export_csv():
    try:
        filters = parse_filters(request.args)
    except FiltersInvalid as error:
        return _bad_filters(error)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # a BOM, so Excel opens the Chinese text as UTF-8
    csv.writer(buffer).writerows(
        ["" if cell is None else str(cell) for cell in row] for row in _table(filters)
    )
    return Response(
        buffer.getvalue().encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="mediation-figures.csv"'},
    )


def export_xlsx():
    try:
        filters = parse_filters(request.args)
    except FiltersInvalid as error:
        return _bad_filters(error)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "figures"
    for row in _table(filters):
        sheet.append(row)
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["C"].width = 50
    buffer = io.BytesIO()
    workbook.save(buffer)
    return Response(
        buffer.getvalue(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="mediation-figures.xlsx"'},
    )


def alerts():
    items = db.session.scalars(
        select(Alert)
        .options(joinedload(Alert.employer))
        .where(alert_service.visible_alerts(current_user))
        .order_by(Alert.acknowledged_at.is_not(None), Alert.raised_at.desc())
        .limit(200)
    ).all()
    cases = {
        case.id: case
        for case in db.session.scalars(
            select(Case).where(Case.id.in_({i for alert in items for i in alert.case_ids}))
        )
    }
    return render_template(
        "stats/alerts.html",
        alerts=items,
        cases=cases,
        threshold=current_app.config["ALERT_REPEAT_THRESHOLD"],
        form=AcknowledgeForm(formdata=None),
    )


def acknowledge(alert_id: int):
    alert = db.session.scalar(
        select(Alert).where(Alert.id == alert_id, alert_service.visible_alerts(current_user))
    )
    if alert is None:
        abort(404)
    form = AcknowledgeForm()
    if form.validate_on_submit():
        alert_service.acknowledge(alert, actor=current_user, note=form.note.data)
        flash(_("The alert is acknowledged."), "success")
    else:
        flash(_("Write a note on what was done."), "error")
    return redirect(url_for("stats.alerts"))


def employers():
    return render_template("stats/employers.html", risks=alert_service.employer_risks(current_user))
