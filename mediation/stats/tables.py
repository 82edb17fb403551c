"""The statistics pages' tables as rows, for the downloads (exports.py writes them), and the
dashboard's table of figures as the page writes it.

Each table is what a page shows, in the reader's language; numbers stay numbers.
"""

from dataclasses import dataclass

from babel.numbers import parse_pattern
from flask_babel import get_locale

from mediation.extensions import db
from mediation.models import Category, Channel, Organization, PriorityGroup, Region, User
from mediation.models.cases import OUTCOME_TITLES, STATE_TITLES, TIER_TITLES
from mediation.privacy import mask_name, mask_phone
from mediation.stats.alerts import EmployerRisk
from mediation.stats.compute import DEFINITIONS, DRILL_DOWN, OUTCOMES, Figures, cases_behind
from mediation.stats.exports import Table
from mediation.stats.filters import PERIODS, Filters
from mediation.translation import gettext as _
from mediation.translation import lazy_gettext as _l

# The filter form's fields as it labels them (templates/stats/_filters.html) and as the top of
# a download names them. Lazy: a template module imported once serves every reader's language.
FILTER_NAMES = {
    "period": _l("Period"),
    "on": _l("Any day in it"),
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


def described(filters: Filters, **more: str) -> list[tuple[str, str]]:
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


AMOUNT = parse_pattern("#,##0.00")  # yuan to the fen


@dataclass(frozen=True)
class FigureRow:
    key: str
    label: str
    shown: str  # the value as the page writes it
    formula: str
    counted: bool  # whether it links to the list of its cases


def figure_rows(figures: Figures) -> list[FigureRow]:
    """The dashboard's figures as the reader's language writes numbers: digits grouped,
    amounts to the fen, "—" where there is nothing to divide. The locale and its number
    pattern are looked up once for the table (Babel's format functions parse them again for
    every number); the output is what ``format_decimal`` gives."""
    locale = get_locale()
    whole = locale.decimal_formats[None]

    def shown(key: str, value) -> str:
        if value is None:
            return "—"
        if key.startswith("amount_"):
            return AMOUNT.apply(value, locale)
        if isinstance(value, int):
            return whole.apply(value, locale)
        return str(value)

    rows = []
    for key, label, formula in DEFINITIONS:
        value = getattr(figures, key)
        rows.append(
            FigureRow(
                key, str(label), shown(key, value), str(formula), bool(key in DRILL_DOWN and value)
            )
        )
    return rows


RISK_LEVELS = {"high": _l("High risk"), "watch": _l("Watch"), "normal": _l("Normal")}


def figure_tables(filters: Filters, figures: Figures, chart: dict) -> list[Table]:
    """Every table of the dashboard: the figures and each chart's data."""
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


def case_rows(figure: str, filters: Filters, user: User, *, page: int, per_page: int) -> list:
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
        for row in cases_behind(figure, filters, user, page=page, per_page=per_page)
    ]


def case_table(label: str, rows: list[dict]) -> Table:
    return Table(
        label,
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


def employer_table(risks: list[EmployerRisk]) -> Table:
    return Table(
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
            for risk in risks
        ],
    )
