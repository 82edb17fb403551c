from flask import Blueprint

from mediation.core.answers import answer_page_errors
from mediation.referrals import vacancies, views

bp = Blueprint("referrals", __name__, url_prefix="/referrals")
answer_page_errors(bp, back=views.back_to_referral, invalid_page=views.invalid_action)
bp.add_url_rule("/", view_func=views.index)
bp.add_url_rule("/<int:referral_id>", view_func=views.show)
bp.add_url_rule("/<int:referral_id>/profile", view_func=views.save_profile, methods=["POST"])
bp.add_url_rule(
    "/<int:referral_id>/propose/<int:vacancy_id>", view_func=views.propose, methods=["POST"]
)
bp.add_url_rule(
    "/<int:referral_id>/proposals/<int:proposal_id>/<any(interested, not_interested):reply>",
    view_func=views.answer,
    methods=["POST"],
)
bp.add_url_rule("/<int:referral_id>/claim", view_func=views.claim, methods=["POST"])
# Last: the trigger is a path segment, so the fixed names above win.
bp.add_url_rule("/<int:referral_id>/<trigger>", view_func=views.act, methods=["POST"])
bp.add_url_rule("/vacancies", "vacancies", vacancies.index)
bp.add_url_rule("/vacancies/new", "create_vacancy", vacancies.create, methods=["POST"])
bp.add_url_rule("/vacancies/import", "import_vacancies", vacancies.import_file, methods=["POST"])
