"""The supervisor's dashboard, the cases behind each figure, alerts, employers, downloads."""

from math import ceil

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import TextAreaField
from wtforms.validators import Length

from mediation.extensions import db
from mediation.forms import REQUIRED, strip
from mediation.localtime import local_today
from mediation.models import Alert, Case, Category, Channel, Organization, PriorityGroup, Region
from mediation.models.cases import OUTCOME_TITLES, STATE_TITLES, TIER_TITLES
from mediation.paging import Page
from mediation.privacy import mask_name, mask_phone
from mediation.services import alerts as alert_service
from mediation.services import figures as figure_service
from mediation.services.stats import (
    DEFINITIONS,
    DRILL_DOWN,
    DRILL_DOWN_PAGE,
    LABELS,
    OUTCOMES,
    Figures,
    cases_behind,
    compute,
)
from mediation.stats import charts
from mediation.stats.exports import FORMATS, Table, about, download
from mediation.stats.filters import PERIODS, Filters, FiltersInvalid, filter_options, parse_filters

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
    if not figure_service.is_built():
        return _not_counted()
    try:
        filters = parse_filters(request.args, current_user)
    except FiltersInvalid as error:
        return _invalid("stats/dashboard.html", error.errors, figures=None)
    figures = compute(filters, current_user)
    return render_template(
        "stats/dashboard.html",
        errors={},
        figures=figures,
        charts=charts.build(filters, current_user, figures),
        filters=filters,
        previous=filters.adjacent(later=False),
        following=filters.adjacent(later=True),
        definitions=DEFINITIONS,
        drill_down=DRILL_DOWN,
        options=filter_options(current_user),
        values=_form_values(filters),
    )


FILTER_NAMES = {
    "period": _l("Period"),
    "from": _l("From"),
    "to": _l("To"),
    "region": _l("Region"),
    "tier": _l("Tier"),
    "organization": _l("Organisation"),
    "category": _l("Kind"),
    "channel": _l("Channel"),
    "priority": _l("Priority group"),
    "figure": _l("Figure"),
}


def _described(filters: Filters, **more: str) -> list[tuple[str, str]]:
    """The filters in words, as the form names them, for the top of a download."""
    values = {
        "period": str(PERIODS[filters.period]),
        "from": filters.start.isoformat(),
        "to": filters.end.isoformat(),
    }
    lookups = {
        "region": lambda value: db.session.get(Region, int(value)).name,
        "organization": lambda value: db.session.get(Organization, int(value)).name,
        "tier": lambda value: str(TIER_TITLES[value]),
        "category": lambda value: str(Category(value).title),
        "channel": lambda value: str(Channel(value).title),
        "priority": lambda value: str(PriorityGroup(value).title),
    }
    values |= {key: lookups[key](value) for key, value in filters.dimensions().items()}
    values |= more
    return [(str(FILTER_NAMES[key]), value) for key, value in values.items()]


def _figure_tables(filters: Filters, figures: Figures) -> list[Table]:
    chart = charts.build(filters, current_user, figures)
    outcome_titles = [str(OUTCOME_TITLES[name]) for name in OUTCOMES]
    return [
        Table(
            _("Figures"),
            [_("Figure"), _("Value"), _("Definition")],
            [
                [str(label), getattr(figures, key), str(formula)]
                for key, label, formula in DEFINITIONS
            ],
        ),
        Table(
            _("Cases received and success rate"),
            [
                _("Day") if chart["daily"] else _("Month"),
                _("Cases received"),
                _("Success rate (%)"),
            ],
            [
                [label, received, success]
                for label, received, success in zip(
                    chart["received"].labels,
                    chart["received"].values,
                    chart["success"].values,
                    strict=True,
                )
            ],
        ),
        Table(
            _("Outcomes per tier"),
            [_("Tier"), *outcome_titles],
            [
                [str(TIER_TITLES[tier]), *(counts[name] for name in OUTCOMES)]
                for tier, counts in figures.outcomes_by_tier.items()
            ],
        ),
        Table(
            _("Days from application to closure"),
            [_("Days"), _("Closed cases")],
            [
                list(row)
                for row in zip(chart["durations"].labels, chart["durations"].values, strict=True)
            ],
        ),
        Table(
            _("Transfers between tiers"),
            [_("From"), _("To"), _("Transfers")],
            [
                [str(TIER_TITLES[move.low]), str(TIER_TITLES[move.high]), move.cases]
                for move in chart["transfers"]
            ],
        ),
    ]


def _download_format(fmt: str) -> str:
    if fmt not in FORMATS:
        abort(404)
    return fmt


def export_figures(fmt: str):
    fmt = _download_format(fmt)
    if not figure_service.is_built():
        return _not_counted()
    try:
        filters = parse_filters(request.args, current_user)
    except FiltersInvalid as error:
        return _bad_filters(error)
    tables = _figure_tables(filters, compute(filters, current_user))
    return download(fmt, tables, about(_described(filters)), "mediation-figures")


def _bad_filters(error: FiltersInvalid):
    from flask import Response

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


def _case_rows(figure: str, filters: Filters, *, page: int, per_page: int) -> list[dict]:
    """The cases behind a figure as a list shows them: parties masked (DESIGN.md §7)."""
    return [
        {
            "id": row.id,
            "number": row.number,
            "received_on": row.received_on,
            "organization": row.organization,
            "tier": row.tier,
            "status": OUTCOME_TITLES[row.outcome] if row.outcome else STATE_TITLES[row.state],
            "applicant": f"{mask_name(row.applicant_name)} {mask_phone(row.applicant_phone)}",
            "employer": row.employer,
        }
        for row in cases_behind(figure, filters, current_user, page=page, per_page=per_page)
    ]


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
    rows = _case_rows(figure, filters, page=number, per_page=DRILL_DOWN_PAGE)
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
    rows = _case_rows(figure, filters, page=1, per_page=EXPORT_ROWS)
    label = LABELS[figure]
    table = Table(
        str(label),
        [
            _("Case"),
            _("Received"),
            _("Organisation"),
            _("Tier"),
            _("State"),
            _("Applicant"),
            _("Employer"),
        ],
        [
            [
                row["number"],
                row["received_on"].isoformat(),
                row["organization"],
                str(TIER_TITLES[row["tier"]]),
                str(row["status"]),
                row["applicant"],
                row["employer"],
            ]
            for row in rows
        ],
    )
    preamble = about(_described(filters, figure=str(label)))
    if len(rows) == EXPORT_ROWS:
        preamble.append([_("Only the newest %(count)d cases are in this file.", count=EXPORT_ROWS)])
    return download(fmt, [table], preamble, f"mediation-cases-{figure}")


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


RISK_LEVELS = {"high": _l("High risk"), "watch": _l("Watch"), "normal": _l("Normal")}


def employers():
    return render_template(
        "stats/employers.html",
        risks=alert_service.employer_risks(current_user),
        levels=RISK_LEVELS,
        since=alert_service.risk_window_start(local_today()),
    )


def export_employers(fmt: str):
    fmt = _download_format(fmt)
    table = Table(
        _("Employers at risk"),
        [
            _("Employer"),
            _("USCC"),
            _("Risk"),
            _("Disputes"),
            _("Collective disputes"),
            _("Failed wage-arrears mediations"),
        ],
        [
            [
                risk.employer.name,
                risk.employer.uscc,
                str(RISK_LEVELS[risk.level]),
                risk.cases,
                risk.collective,
                risk.unresolved_wages,
            ]
            for risk in alert_service.employer_risks(current_user)
        ],
    )
    return download(fmt, [table], about([]), "mediation-employers")
