"""The Flask application: ``create_app`` builds it from a configuration."""

from flask import Flask, Response, render_template, request, session
from flask_babel import format_currency
from flask_babel.speaklater import LazyString
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from mediation import policy, privacy
from mediation.api.auth import authenticate, is_api_request
from mediation.auth import accounts, throttle
from mediation.cases import page_store
from mediation.cases.triggers import event_title
from mediation.config import Config, config_for_environment
from mediation.core import audit
from mediation.core.answers import error_response, request_failed
from mediation.core.notifications import unread_count
from mediation.delivery.channels import install_channels
from mediation.delivery.tasks import install_nudge
from mediation.extensions import babel, csrf, db, login_manager, migrate
from mediation.i18n import (
    LANGUAGE_NAMES,
    days_left,
    display_name,
    human_date,
    human_datetime,
    select_babel_locale,
    select_locale,
)
from mediation.industries import INDUSTRIES
from mediation.models.cases import OUTCOME_TITLES, STATE_TITLES, TIER_TITLES
from mediation.security import init_security
from mediation.stats import figures
from mediation.tracking.throttle import install as tracking_throttle
from mediation.translation import catalogue
from mediation.translation import gettext as _
from mediation.uploads import FILES_PER_SUBMISSION, MAX_BYTES
from workflows.case import CaseState, Outcome, Tier


def create_app(config: type[Config] | dict | None = None) -> Flask:
    app = Flask(__name__, template_folder="../templates", instance_relative_config=False)
    privacy.keep_personal_data_out_of_logs()
    config_class = config_for_environment()
    overrides: dict = {}
    if isinstance(config, type):
        config_class = config
    elif config:
        overrides = config
    app.config.from_object(config_class)
    app.config.update(overrides)
    config_class.finalise(app.config)

    db.init_app(app)
    figures.keep_rollups(db.session)
    page_store.count_changes(db.session)

    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    babel.init_app(app, locale_selector=select_babel_locale)
    # Templates look their messages up as the Python code does (mediation.translation).
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: catalogue().ugettext(string),
        ngettext=lambda singular, plural, n: catalogue().ungettext(singular, plural, n),
        newstyle=True,
    )
    _init_login(app)
    # The API knows its caller from the Bearer token only; then access is decided, before the
    # CSRF check, so a forbidden POST is a 403 whatever it carries.

    app.before_request(authenticate)
    app.before_request(policy.enforce)
    csrf.init_app(app)

    init_security(app)
    install_channels(app)
    install_nudge(app)
    _register_blueprints(app)
    throttle.install(app)
    tracking_throttle(app)
    app.teardown_request(audit.write_security_events)
    _register_error_pages(app)
    _register_template_helpers(app)
    _commit_once_per_request(app)

    from mediation.cli import register_commands

    register_commands(app)
    return app


def _init_login(app: Flask) -> None:

    accounts.init_password_hashing(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page explains itself
    login_manager.blueprint_login_views = {"api": None}  # the API answers 401, never redirects
    # The database session row, not Flask-Login's fingerprint, decides whether a login holds.
    login_manager.session_protection = None

    @login_manager.user_loader
    def load_user(user_id: str):
        if not user_id.isdigit():
            return None
        return accounts.session_user(int(user_id), session.get("sid"), app.config)


def _register_blueprints(app: Flask) -> None:
    from mediation.admin.blueprint import bp as admin_bp
    from mediation.api.blueprint import bp as api_bp
    from mediation.auth.blueprint import bp as auth_bp
    from mediation.cases.blueprint import bp as cases_bp
    from mediation.court.blueprint import bp as court_bp
    from mediation.documents.blueprint import bp as documents_bp
    from mediation.handoff.blueprint import bp as handoff_bp
    from mediation.home.blueprint import bp as home_bp
    from mediation.legal_aid.blueprint import bp as legal_aid_bp
    from mediation.notifications.blueprint import bp as notifications_bp
    from mediation.queue.blueprint import bp as queue_bp
    from mediation.referrals.blueprint import bp as referrals_bp
    from mediation.representatives.blueprint import bp as representatives_bp
    from mediation.stats.blueprint import bp as stats_bp
    from mediation.supervision.blueprint import bp as supervision_bp
    from mediation.team.blueprint import bp as team_bp
    from mediation.tracking.blueprint import bp as tracking_bp

    csrf.exempt(api_bp)  # safe: the API ignores cookies (see mediation.api.auth)
    blueprints = (
        home_bp,
        auth_bp,
        admin_bp,
        cases_bp,
        legal_aid_bp,
        court_bp,
        documents_bp,
        handoff_bp,
        queue_bp,
        notifications_bp,
        supervision_bp,
        referrals_bp,
        representatives_bp,
        stats_bp,
        tracking_bp,
        team_bp,
        api_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)


def _register_error_pages(app: Flask) -> None:

    def error_page(code: int, message: str):
        if is_api_request():
            return error_response(code, message)
        # A form that could not be taken: the way back to it, when it was one of ours.
        referrer = request.referrer or ""
        back = referrer if referrer.startswith(request.host_url) else None
        return render_template("errors/error.html", code=code, message=message, back=back), code

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return error_page(
            400,
            _(
                "This form has expired or was sent from elsewhere. Please go back, reload "
                "the page and send it again."
            ),
        )

    messages = {
        400: lambda: _("The request could not be understood."),
        401: lambda: _("Sign in first: send a valid Bearer token."),
        403: lambda: _("You do not have permission to do this."),
        404: lambda: _("This page does not exist, or you cannot see it."),
        405: lambda: _("This page cannot be used that way."),
        # The body of such a request is not read, so what was typed cannot come back from
        # here: the browser's Back button keeps it (file_limits.js says why this is rare).
        413: lambda: _(
            "What you sent is larger than one form takes: at most %(files)d files of %(limit)d "
            "MB each, %(total)d MB in all. Use your browser's Back button to return to the form "
            "with what you typed, and choose fewer or smaller files.",
            files=FILES_PER_SUBMISSION,
            limit=MAX_BYTES // (1024 * 1024),
            total=FILES_PER_SUBMISSION * MAX_BYTES // (1024 * 1024),
        ),
        429: lambda: _("Too many attempts. Please wait a little and try again."),
        500: lambda: _(
            "Something went wrong on our side. Nothing you sent was saved; please try again."
        ),
    }
    for code, message in messages.items():
        app.register_error_handler(code, lambda error, c=code, m=message: error_page(c, m()))


def _register_template_helpers(app: Flask) -> None:
    # A field's error is a message (text, or a lazily translated one) or, for a list of rows,
    # the rows' own errors.
    app.jinja_env.tests["message"] = lambda value: isinstance(value, str | LazyString)

    app.jinja_env.filters.update(
        mask_id=privacy.mask_id_number,
        mask_phone=privacy.mask_phone,
        mask_email=privacy.mask_email,
        # Pages write days and moments as notices and documents do (i18n.HUMAN_FORMATS).
        date=lambda value: human_date(value) if value else "",
        datetime=lambda value: human_datetime(value) if value else "",
        yuan=lambda value: format_currency(value, "CNY") if value is not None else "",
        days_left=days_left,
        display_name=display_name,
    )
    app.jinja_env.globals.update(
        state_title=lambda state: STATE_TITLES[CaseState(state)],
        outcome_title=lambda outcome: OUTCOME_TITLES[Outcome(outcome)],
        tier_title=lambda tier: TIER_TITLES[Tier(tier)],
        event_title=event_title,
        industry_title=lambda code: INDUSTRIES.get(code, code),
    )

    @app.context_processor
    def helpers() -> dict:
        user = current_user._get_current_object()  # once a page, not at every can()
        return {
            "can": lambda permission: policy.can(user, permission),
            "unread_notifications": _unread_notifications,
            "language_names": LANGUAGE_NAMES,
            "current_locale": select_locale(),
        }


def _unread_notifications() -> int:

    return unread_count(current_user) if current_user.is_authenticated else 0


def _commit_once_per_request(app: Flask) -> None:
    """The one place a request's changes are committed; anything else rolls them back."""

    @app.after_request
    def commit(response: Response) -> Response:
        if response.status_code < 400 and not request_failed():
            db.session.commit()
        else:
            db.session.rollback()
        return response
