"""The supervisor's dashboard, the cases behind each figure, alerts, employers, downloads."""

from math import ceil

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from wtforms import TextAreaField
from wtforms.validators import Length

from mediation.core import audit
from mediation.extensions import db
from mediation.forms import REQUIRED, strip
from mediation.localtime import local_today
from mediation.models import Alert, Case
from mediation.paging import Page
from mediation.stats import alerts as alert_service
from mediation.stats import charts
from mediation.stats import figures as figure_service
from mediation.stats.compute import (
    DRILL_DOWN,
    DRILL_DOWN_PAGE,
    LABELS,
    compute,
    compute_if_counted,
)
from mediation.stats.exports import FORMATS, about, download
from mediation.stats.filters import Filters, FiltersInvalid, filter_options, parse_filters
from mediation.stats.tables import (
    RISK_LEVELS,
    case_rows,
    case_table,
    described,
    employer_table,
    figure_rows,
    figure_tables,
)
from mediation.translation import gettext as _
from mediation.translation import lazy_gettext as _l

EXPORT_ROWS = 10_000  # cases in one download of a drill-down list


class AcknowledgeForm(FlaskForm):
    note = TextAreaField(
        _l("What was done"), filters=[strip], validators=[REQUIRED, Length(max=2000)]
    )


def _not_counted():
    return render_template("stats/not_counted.html"), 503


def _invalid(template: str, errors: dict, **context):
    values = request.args.to_dict()
    return render_template(
        template, errors=errors, options=filter_options(current_user), values=values, **context
    ), 422


def _form_values(filters: Filters) -> dict:
    """What the filter form shows: the period asked for, with its actual first and last day."""
    return {
        **filters.dimensions(),
        "period": filters.period,
        "on": request.args.get("on") or filters.start.isoformat(),
        "from": filters.start.isoformat(),
        "to": filters.end.isoformat(),
    }


def dashboard():
    try:
        filters = parse_filters(request.args, current_user)
    except FiltersInvalid as error:
        return _invalid("stats/dashboard.html", error.errors, figures=None)
    figures = compute_if_counted(filters, current_user)
    if figures is None:
        return _not_counted()
    return render_template(
        "stats/dashboard.html",
        errors={},
        figures=figures,
        figure_rows=figure_rows(figures),
        charts=charts.build(filters, current_user, figures),
        filters=filters,
        previous=filters.adjacent(later=False),
        following=filters.adjacent(later=True),
        options=filter_options(current_user),
        values=_form_values(filters),
    )


def _download_format(fmt: str) -> str:
    if fmt not in FORMATS:
        abort(404)
    return fmt


def export_figures(fmt: str):
    fmt = _download_format(fmt)
    try:
        filters = parse_filters(request.args, current_user)
    except FiltersInvalid as error:
        return _bad_filters(error)
    figures = compute_if_counted(filters, current_user)
    if figures is None:
        return _not_counted()
    chart = charts.build(filters, current_user, figures)
    tables = figure_tables(filters, figures, chart)
    audit.sensitive_read(
        "export", actor=current_user, table="figures", filters=request.args.to_dict(flat=False)
    )
    return download(fmt, tables, about(described(filters)), "mediation-figures")


def _bad_filters(error: FiltersInvalid):
    lines = [
        f"{key}: {' '.join(str(m) for m in messages)}" for key, messages in error.errors.items()
    ]
    return Response("\n".join(lines), status=422, mimetype="text/plain")


def _drill_down_request() -> tuple[str, Filters]:
    errors = {}
    figure = request.args.get("figure", "")
    if figure not in DRILL_DOWN:
        errors["figure"] = [_l("Not one of: %(choices)s.", choices=", ".join(DRILL_DOWN))]
    try:
        filters = parse_filters(request.args, current_user)
    except FiltersInvalid as error:
        errors.update(error.errors)
    if errors:
        raise FiltersInvalid(errors)
    return figure, filters


def cases():
    if not figure_service.is_built():
        return _not_counted()
    try:
        figure, filters = _drill_down_request()
    except FiltersInvalid as error:
        return _invalid("stats/cases.html", error.errors, rows=None)
    total = getattr(compute(filters, current_user), figure)
    number = request.args.get("page", 1, type=int)
    if not 1 <= number <= max(1, ceil(total / DRILL_DOWN_PAGE)):
        number = 1
    rows = case_rows(figure, filters, current_user, page=number, per_page=DRILL_DOWN_PAGE)
    audit.sensitive_read(
        "drill_down", actor=current_user, figure=figure, filters=request.args.to_dict(flat=False)
    )
    page = Page(rows, number, DRILL_DOWN_PAGE, total)
    return render_template(
        "stats/cases.html",
        errors={},
        figure=figure,
        label=LABELS[figure],
        filters=filters,
        page=page,
        rows=page.items,
        page_args={**filters.as_args(), "figure": figure},
        options=filter_options(current_user),
        values=_form_values(filters),
    )


def export_cases(fmt: str):
    fmt = _download_format(fmt)
    if not figure_service.is_built():
        return _not_counted()
    try:
        figure, filters = _drill_down_request()
    except FiltersInvalid as error:
        return _bad_filters(error)
    rows = case_rows(figure, filters, current_user, page=1, per_page=EXPORT_ROWS)
    label = LABELS[figure]
    table = case_table(str(label), rows)
    preamble = about(described(filters, figure=str(label)))
    if len(rows) == EXPORT_ROWS:
        preamble.append([_("Only the newest %(count)d cases are in this file.", count=EXPORT_ROWS)])
    audit.sensitive_read(
        "export", actor=current_user, table="cases", filters=request.args.to_dict(flat=False)
    )
    return download(fmt, [table], preamble, f"mediation-cases-{figure}")


ALERTS_SHOWN = 200


def alerts():
    return _alerts_page()


def _alerts_page(failed: Alert | None = None, form: AcknowledgeForm | None = None):
    """The jurisdiction's alerts, those waiting for acknowledgement first (``waiting``: only
    those, as the supervisor's home counts them), with how many there are. ``failed``: the
    alert whose acknowledgement had a problem, shown again in ``form``."""
    waiting_only = request.args.get("waiting") == "1"
    where = (alert_service.waiting_alerts if waiting_only else alert_service.visible_alerts)(
        current_user
    )
    total = db.session.scalar(select(func.count()).where(where))
    items = db.session.scalars(
        select(Alert)
        .options(joinedload(Alert.employer))
        .where(where)
        .order_by(Alert.acknowledged_at.is_not(None), Alert.raised_at.desc())
        .limit(ALERTS_SHOWN)
    ).all()
    cases = {
        case.id: case
        for case in db.session.scalars(
            select(Case).where(Case.id.in_({i for alert in items for i in alert.case_ids}))
        )
    }
    if failed is not None and failed not in items:
        items = [failed, *items]  # the one being answered stays in view
    return render_template(
        "stats/alerts.html",
        alerts=items,
        total=total,
        shown=ALERTS_SHOWN,
        waiting_only=waiting_only,
        cases=cases,
        threshold=current_app.config["ALERT_REPEAT_THRESHOLD"],
        failed=failed,
        form=form or AcknowledgeForm(formdata=None),
    ), (422 if failed is not None else 200)


def acknowledge(alert_id: int):
    alert = db.session.scalar(
        select(Alert).where(Alert.id == alert_id, alert_service.visible_alerts(current_user))
    )
    if alert is None:
        abort(404)
    form = AcknowledgeForm()
    if not form.validate_on_submit():
        # The page again, the note's problem beside it and in the summary, the text kept.
        form.note.id = form.note.label.field_id = f"note-{alert.id}"
        return _alerts_page(failed=alert, form=form)
    alert_service.acknowledge(alert, actor=current_user, note=form.note.data)
    flash(_("The alert is acknowledged."), "success")
    return redirect(url_for("stats.alerts"))


def employers():
    return render_template(
        "stats/employers.html",
        risks=alert_service.employer_risks(current_user),
        levels=RISK_LEVELS,
        since=alert_service.risk_window_start(local_today()),
    )


def export_employers(fmt: str):
    fmt = _download_format(fmt)
    table = employer_table(alert_service.employer_risks(current_user))
    audit.sensitive_read("export", actor=current_user, table="employers")
    return download(fmt, [table], about([]), "mediation-employers")
