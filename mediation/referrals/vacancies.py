"""Vacancies of a re-employment centre: entered one by one, or imported from a CSV file.

An import with bad rows imports nothing; the officer sees every row's problem and may then
choose to import only the valid rows (the file comes back signed, not uploaded again)."""

import base64
import zlib

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from wtforms import SelectChoice

from mediation.extensions import db
from mediation.industries import INDUSTRIES
from mediation.models import Region, RegionLevel, Vacancy
from mediation.referrals import operations as referrals
from mediation.referrals.forms import MAX_FILE_BYTES, ImportForm, VacancyForm
from mediation.translation import gettext as _
from mediation.vacancy_import import ImportResult, VacancyRow, read_vacancies


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="vacancy-import")


def _districts() -> dict[str, int]:
    regions = db.session.scalars(select(Region).where(Region.level == RegionLevel.district))
    return {region.name: region.id for region in regions}


def _vacancy_form(bound: bool) -> VacancyForm:
    form = VacancyForm(prefix="vacancy") if bound else VacancyForm(formdata=None, prefix="vacancy")
    form.industry.choices = [SelectChoice(code, title) for code, title in INDUSTRIES.items()]
    form.district_id.choices = [SelectChoice(i, name) for name, i in sorted(_districts().items())]
    return form


def _page(form=None, import_form=None, result: ImportResult | None = None, status=200):
    vacancies = db.session.scalars(
        select(Vacancy)
        .where(Vacancy.centre_id == current_user.organization_id)
        .order_by(Vacancy.created_at.desc(), Vacancy.id.desc())
        .limit(200)
    ).all()
    return render_template(
        "referrals/vacancies.html",
        vacancies=vacancies,
        form=form or _vacancy_form(False),
        import_form=import_form or ImportForm(formdata=None, prefix="import"),
        result=result,
    ), status


def index():
    return _page()


def create():
    form = _vacancy_form(True)
    if not form.validate_on_submit():
        return _page(form=form, status=422)
    row = VacancyRow(
        line=0,
        employer=form.employer.data,
        title=form.title.data,
        industry=form.industry.data,
        district_id=form.district_id.data,
        wage_min=form.wage_min.amount,
        wage_max=form.wage_max.amount,
        skills=tuple(
            s.strip() for s in form.skills.data.replace("，", ",").split(",") if s.strip()
        ),
        openings=form.openings.data,
    )
    referrals.add_vacancies([row], centre=current_user.organization, actor=current_user)
    flash(_("The vacancy is saved."), "success")
    return redirect(url_for("referrals.vacancies"))


def import_file():
    form = ImportForm(prefix="import")
    if not form.validate_on_submit():
        return _page(import_form=form, status=422)
    if form.payload.data:  # the officer chose to import the valid rows of the previewed file
        try:
            data = zlib.decompress(base64.b64decode(_signer().loads(form.payload.data)))
        except (BadSignature, ValueError, zlib.error):
            form.file.errors = [_("Please choose the file again.")]
            return _page(import_form=form, status=422)
        result = read_vacancies(data, districts=_districts())
        count = referrals.add_vacancies(
            result.rows, centre=current_user.organization, actor=current_user
        )
        flash(
            _("%(count)d vacancies imported; the rows with problems were left out.", count=count),
            "success",
        )
        return redirect(url_for("referrals.vacancies"))
    upload = form.file.data
    data = upload.read(MAX_FILE_BYTES + 1) if upload and upload.filename else b""
    if not data:
        form.file.errors = [_("Choose a CSV file.")]
        return _page(import_form=form, status=422)
    if len(data) > MAX_FILE_BYTES:
        form.file.errors = [_("The file is larger than 2 MB; split it into smaller files.")]
        return _page(import_form=form, status=422)
    result = read_vacancies(data, districts=_districts())
    if result.ok and result.rows:
        count = referrals.add_vacancies(
            result.rows, centre=current_user.organization, actor=current_user
        )
        flash(_("%(count)d vacancies imported.", count=count), "success")
        return redirect(url_for("referrals.vacancies"))
    confirm = ImportForm(formdata=None, prefix="import")
    confirm.payload.data = _signer().dumps(base64.b64encode(zlib.compress(data)).decode())
    return _page(import_form=confirm, result=result, status=422)
