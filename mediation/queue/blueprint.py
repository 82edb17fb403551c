from flask import Blueprint

from mediation.queue import views

bp = Blueprint("queue", __name__)
bp.add_url_rule("/queue", view_func=views.index)
