"""The account page of the administration: correct or move an account, deactivate or
reactivate it, force a new password (``admin.staff``)."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from mediation.admin import staff
from mediation.admin.forms import NONE_CHOSEN, AccountForm, DeactivateForm
from mediation.admin.views import fill_place_choices
from mediation.auth.accounts import AccountError
from mediation.cases.assignment import open_cases_of
from mediation.extensions import db
from mediation.models import Employer, Organization, Region, Role, User
from mediation.translation import gettext as _
from mediation.translation import ngettext


def _account_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _page(user: User, form: AccountForm, deactivate_form: DeactivateForm, status: int = 200):
    return (
        render_template(
            "admin/account.html",
            user=user,
            form=form,
            deactivate_form=deactivate_form,
            action_form=FlaskForm(),
            open_cases=len(open_cases_of(user)) if user.role is Role.mediator else 0,
        ),
        status,
    )


def _cases_returned(count: int) -> str:
    return ngettext(
        "%(num)d open case went back to the organisation's queue.",
        "%(num)d open cases went back to the organisation's queue.",
        count,
    )


def account(user_id: int):
    user = _account_or_404(user_id)
    form = _account_form(user, sent=True)
    valid = form.validate_on_submit()
    if form.is_submitted():
        # The account rules too, on whatever could be read: every problem at once.
        valid = _show(form, _problems(user, form)) and valid
    if not valid:
        return _page(user, form, DeactivateForm(formdata=None), 422 if form.errors else 200)
    try:
        changed, returned = staff.update_account(
            user,
            actor=current_user,
            name=form.name.data,
            phone=form.phone.data,
            email=form.email.data,
            role=Role(form.role.data),
            organization=db.session.get(Organization, form.organization.data),
            employer=db.session.get(Employer, form.employer.data),
            region=db.session.get(Region, form.region.data),
            lead=form.lead.data,
        )
    except AccountError as error:
        getattr(form, error.field).errors.append(error.message)
        return _page(user, form, DeactivateForm(formdata=None), 422)
    flash(_("The account is saved.") if changed else _("Nothing was changed."), "success")
    if returned:
        flash(_cases_returned(returned), "success")
    return redirect(url_for("admin.account", user_id=user.id))


def _problems(user: User, form: AccountForm) -> dict[str, list]:
    def read(field):  # a field with its own problem says nothing more
        return None if field.errors else field.data

    role = read(form.role)
    return staff.account_problems(
        user,
        actor=current_user,
        phone=read(form.phone),
        role=Role(role) if role in Role._value2member_map_ else None,
        organization=db.session.get(Organization, read(form.organization) or 0),
        employer=db.session.get(Employer, read(form.employer) or 0),
        region=db.session.get(Region, read(form.region) or 0),
        lead=form.lead.data,
    )


def _show(form: FlaskForm, problems: dict[str, list]) -> bool:
    """Put ``problems`` beside their fields, except where a field has its own; False if any."""
    for name, messages in problems.items():
        field = getattr(form, name)
        if not field.errors:
            field.errors = list(messages)
    return not problems


def _account_form(user: User, *, sent: bool = False) -> AccountForm:
    """The account's values, or (``sent``) what the administrator sent over them."""
    form = AccountForm(
        **({} if sent else {"formdata": None}),
        data={
            "name": user.name,
            "phone": user.phone,
            "email": user.email,
            "role": user.role.value,
            "organization": user.organization_id or NONE_CHOSEN,
            "employer": user.employer_id or NONE_CHOSEN,
            "region": user.region_id or NONE_CHOSEN,
            "lead": user.is_lead,
        },
    )
    fill_place_choices(form)
    return form


def deactivate(user_id: int):
    user = _account_or_404(user_id)
    form = DeactivateForm()
    if form.validate_on_submit():
        try:
            returned = staff.deactivate(user, actor=current_user, reason=form.reason.data)
        except AccountError as error:
            form.reason.errors.append(error.message)
        else:
            flash(_("%(name)s can no longer sign in.", name=user.name), "success")
            if returned:
                flash(_cases_returned(returned), "success")
            return redirect(url_for("admin.account", user_id=user.id))
    return _page(user, _account_form(user), form, 422)


def reactivate(user_id: int):
    user = _account_or_404(user_id)
    if FlaskForm().validate_on_submit() and not user.active:
        staff.reactivate(user, actor=current_user)
        flash(_("%(name)s can sign in again.", name=user.name), "success")
    return redirect(url_for("admin.account", user_id=user.id))


def force_password_reset(user_id: int):
    user = _account_or_404(user_id)
    if FlaskForm().validate_on_submit():
        try:
            sent = staff.force_password_reset(user, actor=current_user)
        except AccountError as error:
            flash(error.message, "error")
        else:
            flash(
                _(
                    "The password no longer works; a code to set a new one went to %(name)s.",
                    name=user.name,
                )
                if sent
                else _(
                    "The password no longer works. This hour's codes were all sent: %(name)s "
                    "asks for one on the sign-in page later (Forgotten password).",
                    name=user.name,
                ),
                "success",
            )
    return redirect(url_for("admin.account", user_id=user.id))
