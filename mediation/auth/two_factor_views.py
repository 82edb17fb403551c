"""The sign-in step after the password, for staff: the code, or setting up the app first."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from mediation.auth import two_factor
from mediation.auth.two_factor_forms import EnrolForm, SecondFactorForm
from mediation.auth.views import next_page, sign_in
from mediation.core.answers import mark_failed
from mediation.translation import gettext as _

# The secret being set up, kept in the signed cookie until a code proves the app holds it: a
# page that is only looked at writes nothing.
NEW_SECRET = "two_factor_new_secret"


def _start_again():
    flash(_("Please sign in again."), "info")
    return redirect(url_for("auth.login", next=request.args.get("next")))


def second_factor():
    if current_user.is_authenticated:
        return next_page()
    user = two_factor.pending_user()
    if user is None:
        return _start_again()
    if not two_factor.enrolled(user):
        return redirect(url_for("auth.set_up_second_factor", next=request.args.get("next")))
    form = SecondFactorForm()
    if form.validate_on_submit():
        try:
            two_factor.verify(user, form.code.data)
        except two_factor.CodeRefused as refused:
            form.code.errors.append(refused.message)
        else:
            sign_in(user)
            return next_page()
    if form.errors:
        mark_failed()
    return render_template("auth/second_factor.html", form=form)


def set_up_second_factor():
    if current_user.is_authenticated:
        return next_page()
    user = two_factor.pending_user()
    if user is None:
        return _start_again()
    if two_factor.enrolled(user):
        return redirect(url_for("auth.second_factor", next=request.args.get("next")))
    secret = session.setdefault(NEW_SECRET, two_factor.new_secret())
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.enrol(user, secret, form.code.data)
        except two_factor.CodeRefused as refused:
            form.code.errors.append(refused.message)
        else:
            sign_in(user)
            # Shown in this answer only: they are not stored anywhere they could be shown again.
            return render_template(
                "auth/recovery_codes.html", codes=codes, continue_to=next_page().location
            )
    if form.errors:
        mark_failed()
    uri = two_factor.provisioning_uri(user, secret)
    return render_template(
        "auth/set_up_second_factor.html",
        form=form,
        qr_code=two_factor.qr_code(uri),
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    )


def sign_in_app():
    """The signed-in person's second factor: how many recovery codes are left, new ones."""
    form = SecondFactorForm()
    if two_factor.enrolled(current_user) and form.validate_on_submit():
        try:
            codes = two_factor.renew_recovery_codes(current_user, form.code.data)
        except two_factor.CodeRefused as refused:
            form.code.errors.append(refused.message)
        else:
            return render_template(
                "auth/recovery_codes.html", codes=codes, continue_to=url_for("auth.sign_in_app")
            )
    if form.errors:
        mark_failed()
    return render_template(
        "auth/sign_in_app.html",
        form=form,
        left=two_factor.recovery_codes_left(current_user),
    )
