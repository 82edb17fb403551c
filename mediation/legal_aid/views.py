"""The case page's legal-aid button: load (404 unless visible), one operation (which asks the
policy: 403 for anyone but the applicant, 409 once archived or already asked), back to the
case."""

from flask import flash, redirect, url_for
from flask_login import current_user

from mediation.cases.loading import load_case
from mediation.legal_aid import operations
from mediation.translation import gettext as _


def request_legal_aid(case_id: int):
    case = load_case(case_id)
    request = operations.request_legal_aid(case, actor=current_user)
    if request.passed_on:
        flash(
            _("Your request for legal aid was passed on to %(station)s.", station=request.station),
            "success",
        )
    else:
        flash(
            _(
                "Your request for legal aid is recorded. The staff handling your case will pass "
                "it on to the legal-aid station."
            ),
            "success",
        )
    return redirect(url_for("cases.show", case_id=case.id, _anchor="legal-aid-request"))
