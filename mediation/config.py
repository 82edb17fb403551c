"""Configuration read from the environment.

``Config`` is the development default: an embedded SQLite file under ``instance/`` and a
secret key generated once and kept there. ``ProductionConfig`` (``MEDIATION_ENV=production``)
refuses to start without ``SECRET_KEY`` and sends cookies only over HTTPS.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

INSTANCE_DIR = Path(
    os.environ.get("MEDIATION_INSTANCE_DIR", Path(__file__).parent.parent / "instance")
)


# 32 URL-safe characters carry about 190 bits: more than enough against guessing the key.
MIN_SECRET_KEY_LENGTH = 32


class ConfigurationError(RuntimeError):
    """The environment does not describe a runnable deployment."""


def _development_secret_key() -> str:
    """Generate the key once and keep it, so sessions survive a restart of `make run`."""
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def database_url(url: str) -> str:
    # Plain postgresql:// URLs would pick psycopg2; this project ships psycopg 3.
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


class Config:
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'mediation.sqlite'}"
    )
    # hide_parameters: a database error in the log names the statement, not the values (ID
    # and phone numbers) it carried.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}

    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    BABEL_TRANSLATION_DIRECTORIES = "../translations"
    # Babel resolves zh_CN to zh_Hans_CN, so that is the catalog folder under translations/.
    LANGUAGES = ("zh_CN", "en")

    # A signed-in session lives at most this long, whatever the browser does.
    SESSION_LIFETIME = timedelta(hours=int(os.environ.get("SESSION_LIFETIME_HOURS", "12")))
    PERMANENT_SESSION_LIFETIME = SESSION_LIFETIME
    # The cookie is written when the session changes, not again at every request: it expires
    # when the session's life ends, counted from the sign-in, and the session's row in the
    # database keeps the idle limit below (signing the cookie again took 0.15 ms a page).
    SESSION_REFRESH_EACH_REQUEST = False
    # And ends after this long without a request: sooner for staff, who hold many people's
    # files (OWASP ASVS 5.0, V7.3: idle timeout).
    SESSION_IDLE_STAFF = timedelta(minutes=int(os.environ.get("SESSION_IDLE_MINUTES_STAFF", "30")))
    SESSION_IDLE_PARTIES = timedelta(minutes=int(os.environ.get("SESSION_IDLE_MINUTES", "120")))
    # A phone app signs in again each week; its owner lists and revokes tokens (GET/DELETE
    # /api/v1/tokens), and logout, a password change or reset ends them all.
    API_TOKEN_LIFETIME = timedelta(days=int(os.environ.get("API_TOKEN_LIFETIME_DAYS", "7")))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session; forms left open stay valid

    # The roles that sign in with a second factor after the password (auth.two_factor): all
    # staff. Workers and employer representatives prove their phone by SMS instead.
    TWO_FACTOR_ROLES = ("mediator", "court_liaison", "reemployment_officer", "supervisor", "admin")

    # argon2id with OWASP's first recommended setting (Password Storage Cheat Sheet: 19 MiB,
    # two passes, one lane). argon2-cffi's defaults (64 MiB, three passes, four lanes) cost
    # 130-180 ms a check on a 2-core machine, and 64 MiB for each sign-in at once; these cost
    # about 20 ms (`make bench` reports password_check). Hashes made with other settings are
    # redone at the next sign-in (auth.accounts).
    PASSWORD_HASHER: dict = {"time_cost": 2, "memory_cost": 19456, "parallelism": 1}

    # The key of the audit log's seals (mediation.core.audit_chain); without it, one derived
    # from SECRET_KEY. Set it before rotating SECRET_KEY, or older seals stop verifying.
    AUDIT_CHAIN_KEY = os.environ.get("AUDIT_CHAIN_KEY")

    # Where the parties open the platform: links in SMS and e-mails start with it.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")

    # SMS through an HTTP gateway (mediation.delivery.channels.SmsGateway, or a provider's
    # subclass named by SMS_GATEWAY_CLASS). Without a URL, SMS and e-mail go to the development
    # outbox that an admin reads at /admin/outbox; production refuses to start that way.
    SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL")
    SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN")
    SMS_GATEWAY_TIMEOUT = float(os.environ.get("SMS_GATEWAY_TIMEOUT", "10"))
    SMS_GATEWAY_CLASS = os.environ.get(
        "SMS_GATEWAY_CLASS", "mediation.delivery.channels.SmsGateway"
    )

    # The background worker's queue (Celery). Production uses Redis (REDIS_URL); the embedded
    # default is a SQLite file next to the database, so `make run` needs nothing else.
    REDIS_URL = os.environ.get("REDIS_URL")
    CELERY_BROKER_URL = f"sqla+sqlite:///{INSTANCE_DIR / 'queue.sqlite'}"
    # How long a deliverer holds the messages it claimed (mediation.delivery.outbox): long
    # enough for a slow gateway (10 s timeout) times a batch, short enough that the messages
    # of a deliverer that died go again soon. bench/cluster.py, which kills deliverers on
    # purpose, shortens it so the survivors take over within its run.
    OUTBOX_LEASE_SECONDS = int(os.environ.get("OUTBOX_LEASE_SECONDS", "300"))

    # How long a party's case page is kept rendered at most (mediation.cases.page_store): a
    # change to the case shows at once; a name or the holiday calendar edited elsewhere, within
    # this time. 0 keeps none.
    CASE_PAGE_SECONDS = int(os.environ.get("CASE_PAGE_SECONDS", "600"))

    # E-mail through SMTP, for users who verified an address.
    SMTP_HOST = os.environ.get("SMTP_HOST")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "25"))
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD")
    SMTP_STARTTLS = os.environ.get("SMTP_STARTTLS", "") == "1"
    MAIL_FROM = os.environ.get("MAIL_FROM", "mediation@localhost")

    # Early warning: an alert when an employer's Nth case arrives within 30 days.
    ALERT_REPEAT_THRESHOLD = int(os.environ.get("ALERT_REPEAT_THRESHOLD", "3"))

    # How many years a closed case keeps its personal data, per outcome, counted from archiving
    # (or closing, if never archived); then the retention job anonymises it (mediation.retention
    # explains the defaults; 个人信息保护法 第十九条, 第四十七条). RETENTION_YEARS_RESOLVED etc.
    RETENTION_YEARS = {
        outcome: int(os.environ.get(f"RETENTION_YEARS_{outcome.upper()}", default))
        for outcome, default in (
            ("resolved", "3"),
            ("unresolved", "3"),
            ("withdrawn", "1"),
            ("declined", "1"),
        )
    }

    # Evidence files live here, outside any static folder.
    EVIDENCE_DIR = os.environ.get("EVIDENCE_DIR", str(INSTANCE_DIR / "evidence"))

    # Whole requests are capped at what the fullest form sends: ten files of 10 MB and the
    # text (uploads.FILES_PER_SUBMISSION x uploads.MAX_BYTES + 2 MB; a test keeps the two in
    # step), so every file reaches its own check and is answered beside its field; only a
    # request beyond that is cut off (413).
    MAX_CONTENT_LENGTH = (10 * 10 + 2) * 1024 * 1024
    # The room of each user's files (evidence, case files, files waiting for a filing), in
    # MB; 0 is no limit. Parties register themselves, so anyone could otherwise fill the
    # disk; staff accounts are made by an admin and file for many people.
    UPLOAD_QUOTA_BYTES_PARTY = int(os.environ.get("UPLOAD_QUOTA_MB", "200")) * 1024 * 1024
    UPLOAD_QUOTA_BYTES_STAFF = int(os.environ.get("UPLOAD_QUOTA_MB_STAFF", "0")) * 1024 * 1024
    # Files a user may have waiting for a filing (the form keeps at most 10 per filing).
    UPLOAD_STAGED_FILES_MAX = int(os.environ.get("UPLOAD_STAGED_FILES_MAX", "20"))
    # A PDF that qpdf cannot walk within this time and number of objects is refused.
    PDF_CHECK_SECONDS = float(os.environ.get("PDF_CHECK_SECONDS", "2"))
    PDF_CHECK_MAX_OBJECTS = int(os.environ.get("PDF_CHECK_MAX_OBJECTS", "100000"))

    @classmethod
    def finalise(cls, settings: dict) -> None:
        settings["SQLALCHEMY_DATABASE_URI"] = database_url(settings["SQLALCHEMY_DATABASE_URI"])
        if settings["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
            # PostgreSQL's JIT compiles "expensive" plans for ~0.6 s before running them; the
            # figures' aggregates trip it and then take ten times longer (measured in bench/).
            # psycopg prepares a statement run five times, and PostgreSQL may then plan it
            # once for any parameters: "deadline before today" was planned as if most cases
            # were overdue, 2 ms became 140 ms at a million cases. Plan with the values.
            options = dict(settings.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
            server = "-c jit=off -c plan_cache_mode=force_custom_plan"
            options["connect_args"] = {"options": server, **options.get("connect_args", {})}
            settings["SQLALCHEMY_ENGINE_OPTIONS"] = options
        elif settings["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            # SQLite lets one writer in at a time; the others wait for the lock, 5 s by default.
            # Several requests and the worker writing at once on a busy machine waited longer
            # (seen as "database is locked" in the concurrent-filing test): wait up to 30 s.
            options = dict(settings.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
            options["connect_args"] = {"timeout": 30, **options.get("connect_args", {})}
            settings["SQLALCHEMY_ENGINE_OPTIONS"] = options
        if settings.get("REDIS_URL"):
            settings["CELERY_BROKER_URL"] = settings["REDIS_URL"]
        if not settings.get("SECRET_KEY"):
            settings["SECRET_KEY"] = _development_secret_key()


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-session"
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def finalise(cls, settings: dict) -> None:
        if len(settings.get("SECRET_KEY") or "") < MIN_SECRET_KEY_LENGTH:
            raise ConfigurationError(
                f"SECRET_KEY must be set in production (MEDIATION_ENV=production), at least "
                f"{MIN_SECRET_KEY_LENGTH} characters: it signs every session and CSRF token."
            )
        missing = [
            name for name in ("SMS_GATEWAY_URL", "SMTP_HOST", "REDIS_URL") if not settings.get(name)
        ]
        if missing:
            # Without them notices would sit in the development outbox and nobody would be told.
            raise ConfigurationError(
                f"{', '.join(missing)} must be set in production: the parties are reached by SMS "
                "and e-mail, and the worker takes its jobs from Redis."
            )
        super().finalise(settings)


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key"
    # Hashing that takes microseconds: tests create hundreds of accounts.
    PASSWORD_HASHER = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
    SQLALCHEMY_DATABASE_URI = "sqlite://"  # the test suite always names its own database
    SMS_GATEWAY_URL = None  # tests that deliver name their own gateway
    SMTP_HOST = None
    # Requests do not nudge a worker after each commit; tests deliver when they choose.
    CELERY_BROKER_URL = None
    # Tests sign in hundreds of times a minute from one address; the throttle's own tests
    # switch it on (tests/auth/test_throttle.py).
    RATELIMIT_ENABLED = False
    # Staff sign in hundreds of times too; the second factor's own tests and journeys switch it
    # on (tests/auth/test_two_factor.py), and one checks the other configurations require it.
    TWO_FACTOR_ROLES = ()


def config_for_environment(default: str = "development") -> type[Config]:
    name = os.environ.get("MEDIATION_ENV", default)
    configs = {"development": Config, "production": ProductionConfig}
    if name not in configs:
        raise ConfigurationError(f"MEDIATION_ENV must be one of {sorted(configs)}, not {name!r}.")
    return configs[name]
