from flask import Blueprint

from mediation.auth import codes, two_factor_views, views

bp = Blueprint("auth", __name__)
# A wrong code counts even when the page's answer rolls the request back.
bp.teardown_request(codes.keep_wrong_tries)
bp.add_url_rule("/login", view_func=views.login, methods=["GET", "POST"])
bp.add_url_rule("/login/code", view_func=two_factor_views.second_factor, methods=["GET", "POST"])
bp.add_url_rule(
    "/login/code/set-up", view_func=two_factor_views.set_up_second_factor, methods=["GET", "POST"]
)
bp.add_url_rule("/register", view_func=views.register, methods=["GET", "POST"])
bp.add_url_rule("/register/employer", view_func=views.register_employer, methods=["GET", "POST"])
bp.add_url_rule("/register/code", view_func=views.verify_phone, methods=["GET", "POST"])
bp.add_url_rule("/register/code/again", view_func=views.resend_code, methods=["POST"])
bp.add_url_rule("/password/forgot", view_func=views.forgot_password, methods=["GET", "POST"])
bp.add_url_rule("/password/reset", view_func=views.reset_password, methods=["GET", "POST"])
bp.add_url_rule("/logout", view_func=views.logout, methods=["POST"])
bp.add_url_rule("/account/password", view_func=views.change_password, methods=["GET", "POST"])
bp.add_url_rule(
    "/account/sign-in-app", view_func=two_factor_views.sign_in_app, methods=["GET", "POST"]
)
bp.add_url_rule("/account/preferences", view_func=views.preferences, methods=["GET", "POST"])
bp.add_url_rule("/account/email/<token>", view_func=views.confirm_email, methods=["GET", "POST"])
