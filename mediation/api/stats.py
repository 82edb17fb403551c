"""API v1 for supervisors: the figures of their jurisdiction, as the dashboard shows them."""

from flask import request
from flask_login import current_user

from mediation.api import serialise
from mediation.api.openapi import operation
from mediation.api.schemas import Figures, StatsQuery
from mediation.core.answers import error_response
from mediation.stats.compute import as_json, compute_if_counted
from mediation.stats.filters import parse_filters
from mediation.translation import gettext as _


@operation(
    "Supervisor figures for the caller's jurisdiction (cases received in the period); amounts "
    "as decimal strings, rates in percent",
    query=StatsQuery,
    answers={200: Figures},
    errors=(422, 503),
)
def stats():
    filters = parse_filters(request.args, current_user)
    figures = compute_if_counted(filters, current_user)
    if figures is None:
        return error_response(503, _("The figures have not been counted yet."))
    period = {"from": filters.start.isoformat(), "to": filters.end.isoformat()}
    counted = as_json(figures)
    return serialise.answer(Figures(filters={**filters.as_args(), **period}, **counted))
