from flask import Blueprint, request
from flask_login import current_user

from mediation.core import notifications
from mediation.notifications import views

bp = Blueprint("notifications", __name__)
bp.add_url_rule("/notifications", view_func=views.index)
bp.add_url_rule("/notifications/read", view_func=views.mark_read, methods=["POST"])


@bp.before_app_request
def opening_a_case_reads_its_notices() -> None:
    """Opening a case page reads the user's notices about that case, before the page (and its
    header's count) is drawn. In the request's transaction: a case the user may not see answers
    404, which rolls it back."""
    if request.endpoint == "cases.show" and current_user.is_authenticated:
        notifications.mark_case_read(current_user, request.view_args["case_id"])
