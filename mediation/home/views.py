from flask import redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from mediation import policy
from mediation.auth import accounts
from mediation.extensions import db
from mediation.home.next_steps import next_steps_for
from mediation.home.worklists import PARTY_CASES_SHOWN, SHOWN, worklist_for
from mediation.i18n import LANGUAGE_COOKIE, supported_locale
from mediation.models import Referral, Role
from mediation.security import is_safe_redirect

ONE_YEAR = 365 * 24 * 3600


# Who reads how mediation works: the people it happens to, and those who may become them.
PARTY_ROLES = (Role.worker, Role.employer_rep)


def index():
    signed_in = current_user.is_authenticated
    steps = next_steps_for(current_user.role) if signed_in else []
    referrals = []
    if signed_in and current_user.role is Role.worker:
        referrals = db.session.scalars(
            select(Referral).where(policy.visible_referrals(current_user)).order_by(Referral.id)
        ).all()
    return render_template(
        "home/index.html",
        steps=steps,
        referrals=referrals,
        worklist=worklist_for(current_user) if signed_in else None,
        explains_mediation=not signed_in or current_user.role in PARTY_ROLES,
        shown=SHOWN,
        party_cases_shown=PARTY_CASES_SHOWN,
    )


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
