from flask import Blueprint

from mediation.documents import views

bp = Blueprint("documents", __name__)
bp.add_url_rule("/cases/<int:case_id>/documents/<int:document_id>", view_func=views.printable)
bp.add_url_rule("/cases/<int:case_id>/documents/<int:document_id>.pdf", view_func=views.pdf)
bp.add_url_rule("/verify", view_func=views.verify)
