from flask import Blueprint

from mediation.admin import views

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.add_url_rule("/accounts", "accounts", views.list_accounts)
bp.add_url_rule("/accounts/new", view_func=views.new_staff, methods=["GET", "POST"])
bp.add_url_rule("/organizations", view_func=views.organizations)
bp.add_url_rule("/calendar", view_func=views.calendar_years)
bp.add_url_rule("/calendar/<int:year>", view_func=views.edit_calendar, methods=["GET", "POST"])
