from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from mediation.auth import accounts, codes, representatives, two_factor
from mediation.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    PreferencesForm,
    RegisterForm,
    RepresentativeRegisterForm,
    ResetPasswordForm,
    VerifyPhoneForm,
)
from mediation.core.answers import mark_failed
from mediation.models import User
from mediation.privacy import mask_phone
from mediation.security import is_safe_redirect
from mediation.translation import gettext as _
from mediation.translation import ngettext
from mediation.uploads import StoredFile, UploadRejected, delete_stored

# The mobile number of the registration made, or of the account signed in to, in this browser
# that still owes its phone code. A number, not an account: a registration with another
# account's number makes none, and must look (and leave a cookie) like any other.
PENDING_PHONE = "pending_phone"
# The number typed on "Forgot password?", offered again on the page that takes the code.
RESET_PHONE = "reset_phone"


def sign_in(user: User) -> None:
    session_id = accounts.start_session(user, user_agent=request.user_agent.string)
    # A fresh cookie session at every sign-in: nothing from before the login carries over.
    session.clear()
    session["sid"] = session_id
    session.permanent = True
    login_user(user)


def _after_password(user: User):
    """Sign in, or for staff ask for the second factor first (auth.two_factor)."""
    if two_factor.required(user):
        two_factor.hold(user)
        return redirect(url_for("auth.second_factor", next=request.args.get("next")))
    sign_in(user)
    return next_page()


def next_page():
    target = request.args.get("next")
    return redirect(target if is_safe_redirect(target) else url_for("home.index"))


def _await_phone_code(user: User, *, send: bool) -> None:
    """Remember the account in this browser and, when asked, send it a fresh code."""
    session[PENDING_PHONE] = user.phone
    if not send:
        return
    try:
        accounts.send_phone_code(user)
    except codes.TooManySends:
        flash(codes.TOO_MANY_SENDS, "error")
    else:
        flash(
            _(
                "Your mobile number is not confirmed yet. We sent a new code to %(phone)s.",
                phone=mask_phone(user.phone),
            ),
            "info",
        )


def _pending_phone() -> str | None:
    phone = session.get(PENDING_PHONE)
    return phone if isinstance(phone, str) and accounts.awaits_code_at(phone) else None


def login():
    if current_user.is_authenticated:
        return next_page()
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.identifier.data, form.password.data)
        except accounts.AwaitingApproval as waiting:
            return _registration_not_approved(waiting, form)
        if user is not None and accounts.awaits_phone_code(user):
            _await_phone_code(user, send=True)
            return redirect(url_for("auth.verify_phone"))
        if user is not None:
            return _after_password(user)
        form.password.errors.append(_("Wrong username, mobile number or password."))
    return render_template("auth/login.html", form=form)


def _registration_not_approved(waiting: accounts.AwaitingApproval, form: LoginForm):
    """A representative's own registration: the code page while the phone is not proven,
    else where the registration stands (waiting for staff, or rejected)."""
    if accounts.awaits_phone_code(waiting.user):
        _await_phone_code(waiting.user, send=True)
        return redirect(url_for("auth.verify_phone"))
    flash(representatives.standing(waiting.registration), "info")
    return render_template("auth/login.html", form=form)


def register_employer():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = RepresentativeRegisterForm()
    if form.is_submitted():
        letter = _checked_registration(form)
        if letter is not None:
            try:
                representatives.register(
                    name=form.name.data,
                    phone=form.phone.data,
                    uscc=form.uscc.data,
                    password=form.password.data,
                    letter=letter,
                )
            except accounts.AccountError as error:
                getattr(form, error.field).errors.append(error.message)
            except codes.TooManySends:
                form.phone.errors.append(codes.TOO_MANY_SENDS)
            else:  # also when the number is another account's (accounts.refuse_quietly)
                session[PENDING_PHONE] = form.phone.data
                return redirect(url_for("auth.verify_phone"))
            delete_stored(representatives.letters_dir(), letter.stored_name)
        mark_failed()
    return render_template("auth/register_employer.html", form=form)


def _checked_registration(form: RepresentativeRegisterForm) -> StoredFile | None:
    """The stored letter when every field is right, else None with each problem beside its
    field (the letter is checked even when other fields are wrong, to tell everything at once)."""
    valid = form.validate()
    empty_or_wrong = not form.uscc.data or form.uscc.errors
    if not empty_or_wrong and representatives.known_employer(form.uscc.data) is None:
        form.uscc.errors.append(representatives.UNKNOWN_EMPLOYER)
        valid = False
    if form.letter.errors:
        return None
    try:
        letter = representatives.store_letter(form.letter.data)
    except UploadRejected as error:
        form.letter.errors.append(error.message)
        return None
    if not valid:
        delete_stored(representatives.letters_dir(), letter.stored_name)
        return None
    return letter


def register():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            accounts.register_with_code(
                name=form.name.data,
                phone=form.phone.data,
                id_number=form.id_number.data,
                password=form.password.data,
            )
        except accounts.AccountError as error:
            mark_failed()
            getattr(form, error.field).errors.append(error.message)
        except codes.TooManySends:
            mark_failed()  # no account without its code
            form.phone.errors.append(codes.TOO_MANY_SENDS)
        else:  # also when a number is another account's (accounts.refuse_quietly)
            session[PENDING_PHONE] = form.phone.data
            return redirect(url_for("auth.verify_phone"))
    return render_template("auth/register.html", form=form)


def verify_phone():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    phone = _pending_phone()
    if phone is None:
        return render_template("auth/no_pending_code.html")
    form = VerifyPhoneForm()
    if form.validate_on_submit():
        try:
            user, linked = accounts.confirm_phone(phone, form.code.data)
        except accounts.AccountError as error:
            mark_failed()  # the wrong try is kept all the same (codes.keep_wrong_tries)
            form.code.errors.append(error.message)
        else:
            if not user.active:  # a representative's registration: now it goes to staff
                session.pop(PENDING_PHONE, None)
                registration = accounts.unapproved_registration(user)
                return render_template("auth/registration_waiting.html", registration=registration)
            sign_in(user)
            flash(_("Welcome, %(name)s. Your account is ready.", name=user.name), "success")
            if linked:
                flash(
                    ngettext(
                        "The case %(numbers)s, filed for you at a mediation office, is now in "
                        "your account.",
                        "The cases %(numbers)s, filed for you at a mediation office, are now in "
                        "your account.",
                        len(linked),
                        numbers=", ".join(case.number for case in linked),
                    ),
                    "success",
                )
                return redirect(url_for("cases.mine"))
            return redirect(url_for("home.index"))
    return render_template("auth/verify_phone.html", form=form, phone=mask_phone(phone))


def resend_code():
    phone = _pending_phone()
    if phone is None:
        return redirect(url_for("auth.verify_phone"))
    try:
        accounts.send_code_again(phone)
    except codes.TooManySends:
        flash(codes.TOO_MANY_SENDS, "error")
    else:
        flash(_("We sent a new code to %(phone)s.", phone=mask_phone(phone)), "success")
    return redirect(url_for("auth.verify_phone"))


def forgot_password():
    if current_user.is_authenticated:
        return redirect(url_for("auth.change_password"))
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.phone.data)
        session[RESET_PHONE] = form.phone.data
        # The same words whether or not the number has an account.
        flash(
            _(
                "If an account uses %(phone)s, we sent a code to it by SMS. At most "
                "%(count)d codes are sent to a number per hour.",
                phone=form.phone.data,
                count=codes.MAX_SENDS,
            ),
            "info",
        )
        return redirect(url_for("auth.reset_password"))
    return render_template("auth/forgot_password.html", form=form)


def reset_password():
    if current_user.is_authenticated:
        return redirect(url_for("auth.change_password"))
    form = ResetPasswordForm()
    if request.method == "GET" and not form.phone.data:
        form.phone.data = session.get(RESET_PHONE)
    if form.validate_on_submit():
        try:
            user = accounts.reset_password(
                phone=form.phone.data, code=form.code.data, password=form.password.data
            )
        except accounts.AccountError as error:
            mark_failed()  # the wrong try is kept all the same (codes.keep_wrong_tries)
            getattr(form, error.field).errors.append(error.message)
        else:
            # After the sign-in step, which starts a fresh cookie session.
            answer = _after_password(user)
            flash(_("Your new password is set; other devices were signed out."), "success")
            return answer
    return render_template("auth/reset_password.html", form=form)


def preferences():
    if request.method == "POST" and "resend_link" in request.form:
        return _resend_email_link()
    form = PreferencesForm(obj=current_user)
    if form.validate_on_submit():
        try:
            link_sent = accounts.update_preferences(
                current_user, email=form.email.data, sms_information=form.sms_information.data
            )
        except codes.TooManySends:
            mark_failed()
            form.email.errors.append(codes.TOO_MANY_SENDS)
        else:
            flash(_("Your preferences were saved."), "success")
            if link_sent:
                flash(
                    _(
                        "We sent a link to %(email)s. Open it to confirm the address.",
                        email=current_user.email,
                    ),
                    "info",
                )
            return redirect(url_for("auth.preferences"))
    return render_template("auth/preferences.html", form=form)


def _resend_email_link():
    # A form of its own on the page; CSRFProtect has checked its token like any POST.
    try:
        sent = accounts.resend_email_link(current_user)
    except codes.TooManySends:
        flash(codes.TOO_MANY_SENDS, "error")
    else:
        if sent:
            flash(
                _(
                    "We sent a new link to %(email)s. Open it to confirm the address.",
                    email=current_user.email,
                ),
                "info",
            )
    return redirect(url_for("auth.preferences"))


# How a link that cannot be used is answered: the status and what the page says.
LINK_PROBLEMS = {
    codes.LINK_UNKNOWN: 404,
    codes.LINK_USED: 410,
    codes.LINK_EXPIRED: 410,
    codes.LINK_REPLACED: 410,
}


def confirm_email(token: str):
    # Opening the link only shows a button: mail programs open links to preview them, which
    # must not spend it.
    if request.method == "POST":
        user, problem = accounts.confirm_email(token)
    else:
        row, problem = codes.email_link(token)
        user = row.user if row else None
    status = LINK_PROBLEMS.get(problem, 200)
    return (
        render_template(
            "auth/confirm_email.html",
            problem=problem,
            confirmed=request.method == "POST" and problem is None,
            address=user.email if user and problem is None else None,
        ),
        status,
    )


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
