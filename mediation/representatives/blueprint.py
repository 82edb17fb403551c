"""The staff's queue of employer representatives' registrations (operations in
``mediation.auth.representatives``)."""

from flask import Blueprint

from mediation.core.answers import answer_page_errors
from mediation.representatives import views

bp = Blueprint("representatives", __name__, url_prefix="/representatives")
answer_page_errors(bp, back=views.back_to_registration, invalid_page=views.invalid_decision)
bp.add_url_rule("/", view_func=views.queue)
bp.add_url_rule("/<int:registration_id>", view_func=views.show)
bp.add_url_rule("/<int:registration_id>/approve", view_func=views.approve, methods=["POST"])
bp.add_url_rule("/<int:registration_id>/reject", view_func=views.reject, methods=["POST"])
bp.add_url_rule("/<int:registration_id>/letter", view_func=views.letter)
