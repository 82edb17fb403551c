from flask import Blueprint

from mediation.supervision import network, views

bp = Blueprint("supervision", __name__, url_prefix="/supervision")
bp.add_url_rule("/overdue", view_func=views.overdue)
bp.add_url_rule("/deliveries", view_func=views.deliveries)
bp.add_url_rule("/network", view_func=network.network)
