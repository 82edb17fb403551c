"""The public page that follows a case by its number and code, and the staff action that gives
the applicant a new code."""

from flask import render_template, request, url_for
from flask_login import current_user

from mediation.cases.loading import load_case
from mediation.tracking import codes
from mediation.tracking.forms import TrackForm
from mediation.tracking.progress import progress_of
from mediation.translation import lazy_gettext as _l

# The one answer to a wrong code and to an unknown number alike: it must not tell which.
NO_MATCH = _l(
    "No case matches this number and code. Check both for typing mistakes. If the code is "
    "lost, the mediation organisation that holds the case can send a new one."
)
TOO_MANY_TRIES = _l(
    "You have tried too many times in a short while. Please wait a minute, then try again."
)
# What the reader sees is about a case: not to be kept by a browser or a proxy.
NOT_STORED = {"Cache-Control": "private, no-store"}


def back() -> str:
    """Where a refused action returns (see ``answer_page_errors``)."""
    case_id = (request.view_args or {}).get("case_id")
    return url_for("cases.show", case_id=case_id) if case_id else url_for("track.index")


def index():
    form = TrackForm()
    progress = None
    looked_up = form.validate_on_submit()
    if looked_up:
        case = codes.case_for(form.number.data, form.code.data)
        progress = progress_of(case) if case is not None else None
    return (
        render_template(
            "track/index.html",
            form=form,
            looked_up=looked_up,
            progress=progress,
            no_match=NO_MATCH,
        ),
        (422 if form.errors else 200),
        NOT_STORED,
    )


def too_many_tries(error):
    """The throttle's 429 (``tracking.blueprint.throttle``), on the page itself."""
    return render_template(
        "track/index.html",
        form=TrackForm(formdata=None),
        looked_up=False,
        progress=None,
        throttled=TOO_MANY_TRIES,
    ), 429


def reissue(case_id: int):
    case = load_case(case_id)
    code = codes.reissue(case, actor=current_user)
    return render_template("track/issued.html", case=case, code=code), 200, NOT_STORED
