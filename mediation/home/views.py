from flask import redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from mediation import policy
from mediation.auth import accounts
from mediation.extensions import db
from mediation.home.next_steps import next_steps_for
from mediation.i18n import LANGUAGE_COOKIE, supported_locale
from mediation.models import Referral, Role
from mediation.security import is_safe_redirect

ONE_YEAR = 365 * 24 * 3600


def index():
    steps = next_steps_for(current_user.role) if current_user.is_authenticated else []
    referrals = []
    if current_user.is_authenticated and current_user.role is Role.worker:
        referrals = db.session.scalars(
            select(Referral).where(policy.visible_referrals(current_user)).order_by(Referral.id)
        ).all()
    return render_template("home/index.html", steps=steps, referrals=referrals)


def set_language():
    target = request.form.get("next")
    response = redirect(target if is_safe_redirect(target) else url_for("home.index"))
    locale = supported_locale(request.form.get("lang"))
    if locale:
        response.set_cookie(
            LANGUAGE_COOKIE,
            locale,
            max_age=ONE_YEAR,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
        if current_user.is_authenticated:
            accounts.set_preferred_locale(current_user, locale)
    return response
