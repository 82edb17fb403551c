from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from mediation.auth import accounts
from mediation.auth.forms import ChangePasswordForm, LoginForm, RegisterForm
from mediation.models import User
from mediation.security import is_safe_redirect


def _sign_in(user: User) -> None:
    session_id = accounts.start_session(user, user_agent=request.user_agent.string)
    # A fresh cookie session at every sign-in: nothing from before the login carries over.
    session.clear()
    session["sid"] = session_id
    session.permanent = True
    login_user(user)


def _next_page():
    target = request.args.get("next")
    return redirect(target if is_safe_redirect(target) else url_for("home.index"))


def login():
    if current_user.is_authenticated:
        return _next_page()
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.identifier.data, form.password.data)
        if user is not None:
            _sign_in(user)
            return _next_page()
        form.password.errors.append(_("Wrong username, mobile number or password."))
    return render_template("auth/login.html", form=form)


def register():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.register_worker(
                name=form.name.data,
                phone=form.phone.data,
                id_number=form.id_number.data,
                password=form.password.data,
            )
        except accounts.AccountError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            _sign_in(user)
            flash(_("Welcome, %(name)s. Your account is ready.", name=user.name), "success")
            return redirect(url_for("home.index"))
    return render_template("auth/register.html", form=form)


def logout():
    accounts.end_all_sessions(current_user)
    logout_user()
    session.clear()
    flash(_("You have signed out on all your devices."), "info")
    return redirect(url_for("auth.login"))


def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            session_id = accounts.change_password(
                current_user,
                current=form.current_password.data,
                new=form.password.data,
                user_agent=request.user_agent.string,
            )
        except accounts.AccountError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            session["sid"] = session_id
            flash(_("Your password was changed. Other devices have been signed out."), "success")
            return redirect(url_for("home.index"))
    return render_template("auth/change_password.html", form=form)
