"""The register of employers in the administration: search, correct, merge a duplicate, record
an enterprise mediation committee (``admin.employers``)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import SelectChoice

from mediation.admin import employers
from mediation.admin.forms import EmployerForm, MergeForm
from mediation.core.errors import Invalid
from mediation.extensions import db
from mediation.models import Case, Employer, Region, RegionLevel
from mediation.paging import page_number
from mediation.translation import gettext as _
from mediation.translation import ngettext

PAGE_SIZE = 50


def _employer_or_404(employer_id: int) -> Employer:
    employer = db.session.get(Employer, employer_id)
    if employer is None:
        abort(404)
    return employer


def list_employers():
    text = request.args.get("q", "")[:100]
    page = db.paginate(
        employers.search(text), page=page_number(PAGE_SIZE), per_page=PAGE_SIZE, error_out=False
    )
    return render_template("admin/employers.html", page=page, q=text)


def _employer_form(employer: Employer, *, sent: bool = False) -> EmployerForm:
    form = EmployerForm(
        **({} if sent else {"formdata": None}),
        data={
            "name": employer.name,
            "uscc": employer.uscc,
            "region": employer.region_id,
            "industry": employer.industry,
            "address": employer.address,
        },
    )
    form.region.choices = [
        SelectChoice(region.id, region.name)
        for region in db.session.scalars(
            select(Region).where(Region.level != RegionLevel.community).order_by(Region.code)
        )
    ]
    return form


def _page(employer: Employer, form: EmployerForm, merge_form: MergeForm, status: int = 200):
    cases = db.session.scalar(select(func.count(Case.id)).where(Case.employer_id == employer.id))
    return (
        render_template(
            "admin/employer.html",
            employer=employer,
            form=form,
            merge_form=merge_form,
            action_form=FlaskForm(),
            cases=cases,
        ),
        status,
    )


def _show(form, problems: dict) -> None:
    for name, messages in problems.items():
        getattr(form, name).errors.extend(messages)


def employer(employer_id: int):
    record = _employer_or_404(employer_id)
    form = _employer_form(record, sent=True)
    valid = form.validate_on_submit()
    if request.method == "POST":
        # The register's rules too, on what could be read: every problem at once.
        found = employers.problems(record, uscc=form.uscc.data, industry=form.industry.data)
        for name, messages in found.items():
            if not getattr(form, name).errors:  # one message for one problem
                getattr(form, name).errors = list(messages)
        valid = valid and not found
    if not valid:
        return _page(record, form, MergeForm(formdata=None), 422 if form.errors else 200)
    try:
        changed = employers.update_employer(
            record,
            actor=current_user,
            name=form.name.data,
            uscc=form.uscc.data,
            region=db.session.get(Region, form.region.data),
            industry=form.industry.data,
            address=form.address.data,
        )
    except Invalid as invalid:
        _show(form, invalid.errors)
        return _page(record, form, MergeForm(formdata=None), 422)
    flash(_("The employer is saved.") if changed else _("Nothing was changed."), "success")
    return redirect(url_for("admin.employer", employer_id=record.id))


def merge(employer_id: int):
    duplicate = _employer_or_404(employer_id)
    form = MergeForm()
    if form.validate_on_submit():
        try:
            into = employers.find_by_uscc(form.into.data)
            moved = employers.merge(duplicate, into, actor=current_user)
        except Invalid as invalid:
            _show(form, invalid.errors)
        else:
            flash(
                ngettext(
                    "Merged into %(name)s; %(num)d case moved with it.",
                    "Merged into %(name)s; %(num)d cases moved with it.",
                    moved,
                    name=into.name,
                ),
                "success",
            )
            return redirect(url_for("admin.employer", employer_id=into.id))
    return _page(duplicate, _employer_form(duplicate), form, 422)


def add_committee(employer_id: int):
    record = _employer_or_404(employer_id)
    if FlaskForm().validate_on_submit():
        committee = employers.add_committee(record, actor=current_user)
        flash(_("%(name)s is recorded.", name=committee.name), "success")
    return redirect(url_for("admin.employer", employer_id=record.id))
