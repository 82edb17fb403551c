from flask import Blueprint

from mediation.notifications import views

bp = Blueprint("notifications", __name__)
bp.add_url_rule("/notifications", view_func=views.index)
bp.add_url_rule("/notifications/read", view_func=views.mark_read, methods=["POST"])
