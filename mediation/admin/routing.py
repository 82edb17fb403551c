"""Admin pages for the routing rules: view, add, edit, reorder, switch off, try a case."""

from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_currency
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from mediation.admin.forms import NONE_CHOSEN, RuleForm, TryRoutingForm
from mediation.admin.labels import DESTINATION_LABELS
from mediation.core import routing
from mediation.extensions import db
from mediation.industries import INDUSTRIES
from mediation.models import (
    Category,
    Channel,
    Employer,
    Organization,
    Region,
    RegionLevel,
    RoutingRuleRow,
)
from mediation.models.cases import CHANNEL_TITLES, TIER_TITLES
from mediation.translation import gettext as _
from workflows.case import Tier
from workflows.routing import Destination, Filing, route


def _tier_choices(none_label) -> list[SelectChoice]:
    return [SelectChoice("", none_label)] + [
        SelectChoice(tier.value, title) for tier, title in TIER_TITLES.items()
    ]


def _fill(form: RuleForm) -> None:
    form.destination.choices = [SelectChoice(d.value, DESTINATION_LABELS[d]) for d in Destination]
    form.organization.choices = [SelectChoice(NONE_CHOSEN, "—")] + [
        SelectChoice(org.id, f"{org.name} ({org.kind.title})")
        for org in db.session.scalars(
            select(Organization).order_by(Organization.kind, Organization.name)
        )
        if org.kind.is_mediation_tier
    ]
    form.preferred_tier.choices = _tier_choices(_("(any choice)"))
    form.categories.choices = [SelectChoice(c.value, c.title) for c in Category]
    form.region_ids.choices = [
        SelectChoice(region.id, region.name)
        for region in db.session.scalars(
            select(Region).where(Region.level != RegionLevel.community).order_by(Region.code)
        )
    ]
    form.industries.choices = [SelectChoice(code, title) for code, title in INDUSTRIES.items()]
    form.channels.choices = [SelectChoice(c.value, CHANNEL_TITLES[c]) for c in Channel]


def _conditions(row: RoutingRuleRow) -> list[str]:
    """The rule's conditions in words, for the list."""
    words = []
    if row.preferred_tier:
        words.append(_("chosen: %(tier)s", tier=TIER_TITLES[Tier(row.preferred_tier)]))
    if row.min_workers:
        words.append(_("%(count)d or more workers", count=row.min_workers))
    if row.min_amount is not None:
        words.append(
            _("claims of %(amount)s or more", amount=format_currency(row.min_amount, "CNY"))
        )
    if row.categories:
        words.append("、".join(str(Category(c).title) for c in row.categories))
    if row.region_ids:
        names = db.session.scalars(select(Region.name).where(Region.id.in_(row.region_ids)))
        words.append("、".join(names))
    if row.industries:
        words.append("、".join(str(INDUSTRIES[code]) for code in row.industries))
    if row.channels:
        words.append("、".join(str(CHANNEL_TITLES[Channel(c)]) for c in row.channels))
    return words


def _destination(row: RoutingRuleRow) -> str:
    if row.destination is Destination.organization and row.organization:
        return row.organization.name
    return str(DESTINATION_LABELS[row.destination])


def rules():
    try_form = _try_form()
    return render_template(
        "admin/routing.html",
        rules=routing.rule_rows(),
        try_form=try_form,
        result=_try_result(try_form),
        rule_conditions=_conditions,
        destination_label=_destination,
    )


def _try_form() -> TryRoutingForm:
    form = TryRoutingForm(request.args)
    form.employer.choices = [
        SelectChoice(e.id, f"{e.name} ({e.region.name})")
        for e in db.session.scalars(select(Employer).order_by(Employer.name))
    ]
    form.categories.choices = [SelectChoice(c.value, c.title) for c in Category]
    form.preferred_tier.choices = _tier_choices(_("Let the platform choose"))
    form.channel.choices = [SelectChoice(c.value, CHANNEL_TITLES[c]) for c in Channel]
    return form


def _try_result(form: TryRoutingForm):
    """Which rule a sample case would hit, or None when no sample was given or ``form`` (now
    validated: the page shows its problems) has problems."""
    if "employer" not in request.args or not form.validate():
        return None
    employer = db.session.get(Employer, form.employer.data)
    filing = Filing(
        employer_id=employer.id,
        employer_region_id=employer.region_id,
        employer_industry=employer.industry,
        categories=frozenset(form.categories.data or ()),
        amount_claimed=form.amount.amount or Decimal("0"),
        workers_involved=form.workers.data or 1,
        preferred_tier=Tier(form.preferred_tier.data) if form.preferred_tier.data else None,
        channel=form.channel.data or Channel.web.value,
    )
    decision = route(
        filing,
        routing.DatabaseDirectory(),
        [routing.as_rule(row) for row in routing.rule_rows(active_only=True)],
    )
    rule = None
    if decision.rule_key != "fallback":
        rule = next(r for r in routing.rule_rows() if routing.as_rule(r).key == decision.rule_key)
    return {"organization": db.session.get(Organization, decision.organization_id), "rule": rule}


def edit(rule_id: int | None = None):
    row = db.session.get(RoutingRuleRow, rule_id) if rule_id else RoutingRuleRow(active=True)
    if row is None:
        abort(404)
    form = RuleForm(obj=row if request.method == "GET" and rule_id else None)
    _fill(form)
    if request.method == "GET" and rule_id:
        form.organization.data = row.organization_id or NONE_CHOSEN
        form.preferred_tier.data = row.preferred_tier.value if row.preferred_tier else ""
        form.min_amount.data = str(row.min_amount) if row.min_amount is not None else ""
        form.destination.data = row.destination.value
    valid = form.validate_on_submit()
    if form.is_submitted() and not form.destination.errors and not form.organization.errors:
        # The rule's own check too, whatever else is wrong: every problem at once.
        destination = Destination(form.destination.data)
        if destination is Destination.organization and not form.organization.data:
            form.organization.errors = [_("Choose the organisation the cases go to.")]
            valid = False
    if valid:
        routing.save_rule(
            row,
            actor=current_user,
            name=form.name.data,
            name_en=form.name_en.data or None,
            destination=Destination(form.destination.data),
            organization_id=form.organization.data or None,
            preferred_tier=Tier(form.preferred_tier.data) if form.preferred_tier.data else None,
            min_workers=form.min_workers.data,
            min_amount=form.min_amount.amount,
            categories=list(form.categories.data),
            region_ids=list(form.region_ids.data),
            industries=list(form.industries.data),
            channels=list(form.channels.data),
            active=form.active.data,
        )
        flash(_("The rule is saved. New filings follow it at once."), "success")
        return redirect(url_for("admin.routing_rules"))
    return render_template("admin/routing_rule.html", form=form, row=row), (
        422 if form.errors else 200
    )


def _rule_or_404(rule_id: int) -> RoutingRuleRow:
    row = db.session.get(RoutingRuleRow, rule_id)
    if row is None:
        abort(404)
    return row


def move(rule_id: int, direction: str):
    routing.move_rule(_rule_or_404(rule_id), -1 if direction == "up" else 1, actor=current_user)
    return redirect(url_for("admin.routing_rules"))


def toggle(rule_id: int):
    row = _rule_or_404(rule_id)
    routing.set_rule_active(row, not row.active, actor=current_user)
    return redirect(url_for("admin.routing_rules"))


def reset():
    routing.reset_rules_to_defaults(actor=current_user)
    flash(_("The default rules are back."), "success")
    return redirect(url_for("admin.routing_rules"))
