"""URL rules of progress lookup; the API's POST /track is a rule of ``api.blueprint``, and
``tracking.throttle`` limits both."""

from flask import Blueprint

from mediation.core.answers import answer_page_errors
from mediation.tracking import views

bp = Blueprint("track", __name__)
answer_page_errors(bp, back=views.back)
bp.register_error_handler(429, views.too_many_tries)
bp.add_url_rule("/track", "index", views.index, methods=["GET", "POST"])
bp.add_url_rule("/cases/<int:case_id>/track-code", "reissue", views.reissue, methods=["POST"])
