"""Fixtures shared by the whole suite.

A test that touches the database runs on the database its subject needs:

- marked ``both_databases`` — it is about how data is stored, queried, counted or locked
  (clocks, figures, worklists, who sees a case, the outbox, migrations): once on SQLite and,
  when ``TEST_DATABASE_URL`` is set, once more on PostgreSQL, where the two dialects differ;
- marked ``postgresql_only`` or ``sqlite_only``: on that one (concurrency and locking need
  PostgreSQL; the embedded set-up of `make run` is SQLite's);
- unmarked — a page, a form, an API body, the wording: once, on SQLite. The SQL it sends is
  built by the same queries the ``both_databases`` tests run on both; the browser journeys,
  the API fuzz and the route × role × object tables run the pages themselves on PostgreSQL.
  Running every page test twice would double the suite's time and find nothing new.

The schemas are built by the real migrations, once per run and kind, in two databases:

- the *empty* one holds only the rows the migrations install, which every deployment starts
  with;
- the *demo* one holds the demo jurisdiction of `make run` (``mediation.demo``) as well,
  seeded once. A test that asks for the ``demo`` fixture runs on it.

Each test runs inside one transaction that is rolled back at its end. The test's session and
the session of every request it makes (each in its own app context, see ``IsolatedClient``)
share that transaction's connection, and the app's commits and rollbacks only release or roll
back savepoints inside it. So the app commits once per request, flushes, refuses and rolls
back as in production; only the end of the test undoes it all.

Rows that several tests of a module only start from (a known dataset, a case that moved on)
can be built once for them with ``built_once``: in the demo world, inside a transaction rolled
back after the last of those tests; each test asking for them runs in a savepoint of it, so
what it writes is still undone after it. The tests that ask for such rows must follow each
other (a class, or a module of their own): meanwhile that transaction holds what it wrote, and
a test in a transaction of its own would wait for it.

A test marked ``commits`` needs real commits that other connections see: threads with their
own sessions, the live server of the browser tests (``browser`` implies ``commits``), tools
that connect on their own. It runs on the empty database, seeds the demo world itself if it
asks for it, and the tables are emptied and the reference rows put back afterwards.

``TEST_REQUIRE`` (e.g. ``"postgresql chromium"``, set by CI) turns a missing database or
browser into a failure instead of a skip.

Under pytest-xdist each worker has databases of its own: SQLite files in its temporary
folder, and PostgreSQL databases named after ``TEST_DATABASE_URL``'s and the worker. Each is a
copy of the run's template of its kind and world, which the first worker to need it builds
while the others wait: the migrations (about 6 s on SQLite, whose ALTERs rebuild tables) and
the demo seed run once per run, not once per worker.
"""

import atexit
import contextvars
import fcntl
import gc
import logging
import os
import re
import shutil
import tempfile
import weakref
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from jinja2 import BytecodeCache
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from mediation import create_app
from mediation.config import TestConfig
from mediation.extensions import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
REQUIRED = set(os.environ.get("TEST_REQUIRE", "").split())
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
# A young-generation pass every 50,000 new objects instead of every 700: a request of the app
# makes thousands (ORM states, compiled statements, template frames), and each pass scanned
# them while they were still in use. Tests of cases and the API took 8% less time (54–55 s →
# 49–51 s in one process); memory is no concern in a test run.
gc.set_threshold(50_000, *gc.get_threshold()[1:])


def skip_or_fail(resource: str, reason: str) -> None:
    if resource in REQUIRED:
        pytest.fail(f"{reason} (TEST_REQUIRE asks for {resource})", pytrace=False)
    pytest.skip(reason)


@contextmanager
def statements_sent():
    """The SQL statements sent while the block runs, each with its parameters: what a test
    of a page's reads looks at."""
    sent: list[tuple[str, object]] = []

    def capture(connection, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)


class _LogRecorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


# The demo people's ID and phone numbers, and a search a test makes.
PERSONAL_DATA = (
    "441802199003150013",
    "441802198807200026",
    "13800138001",
    "13800138002",
    "?q=",
)


@pytest.fixture(scope="session", autouse=True)
def personal_data_stays_out_of_the_logs():
    """Everything the app, Werkzeug's live server and the worker log during the whole run is
    read at its end: no ID number, phone number or query string may be in it."""
    recorder = _LogRecorder()
    logging.getLogger().addHandler(recorder)
    yield
    logging.getLogger().removeHandler(recorder)
    leaked = [line for line in recorder.lines if any(value in line for value in PERSONAL_DATA)]
    assert not leaked, f"personal data in the log: {leaked[:5]}"


def pytest_collection_modifyitems(config, items) -> None:
    # A live server answers from its own threads and connections: it needs real commits.
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.commits)
    # A test is not run on a database it is not for (see the module's docstring), rather than
    # reported as skipped: CI counts skips as missing coverage.
    elsewhere = [item for item in items if _for_another_database(item)]
    if elsewhere:
        config.hook.pytest_deselected(items=elsewhere)
        items[:] = [item for item in items if item not in elsewhere]


ONLY_ON = {"postgresql_only": "postgresql", "sqlite_only": "sqlite"}
# What a database test that says nothing about databases runs on.
PAGE_TESTS_ON = "sqlite"


def _for_another_database(item) -> bool:
    callspec = getattr(item, "callspec", None)
    kind = callspec.params.get("database_app") if callspec else None
    if kind is None:
        return False
    for marker, only in ONLY_ON.items():
        if item.get_closest_marker(marker) is not None:
            return kind != only
    if item.get_closest_marker("both_databases") is not None:
        return False
    return kind != PAGE_TESTS_ON


def commits(request) -> bool:
    return request.node.get_closest_marker("commits") is not None


class IsolatedClient(FlaskClient):
    """Each request runs in a fresh context, as it would in a server process.

    The tests keep an app context open to query the database; without this, every request
    would reuse it and share the test's database session and ``g``, hiding bugs.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


class _CompiledTemplates(BytecodeCache):
    """The compiled templates, shared by the apps of this process. Each process has an app per
    world and database, and some tests make their own: each compiled again every template it
    rendered (the case page's alone takes about half a second). Jinja keys each entry by the
    template's name and source, so a changed template is compiled afresh."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if (code := self.compiled.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = _CompiledTemplates()


# Each test process keeps its stored files apart: a test that counts what an upload left
# saw another process's uploads (a flaky failure under xdist), and the developer's instance
# filled with test files.
TEST_FILES = Path(tempfile.mkdtemp(prefix="mediation-test-files-"))
atexit.register(shutil.rmtree, TEST_FILES, ignore_errors=True)


def make_app(uri: str, **overrides):
    app = create_app(
        {
            **vars_of(TestConfig),
            "SQLALCHEMY_DATABASE_URI": uri,
            "EVIDENCE_DIR": str(TEST_FILES),
            **overrides,
        }
    )
    app.test_client_class = IsolatedClient
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    return app


def vars_of(config_class) -> dict:
    return {key: getattr(config_class, key) for key in dir(config_class) if key.isupper()}


def postgresql_database(name: str, *, template: str | None = None) -> str:
    """The URL of a new PostgreSQL database ``name`` next to ``TEST_DATABASE_URL``'s, a copy of
    ``template`` if given; one of that name left by an earlier run is dropped first."""
    url = make_url(TEST_DATABASE_URL)
    admin = create_engine(url.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        copy = f' TEMPLATE "{template}"' if template else ""
        connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
        # A test database is thrown away, never recovered after a crash: a commit need not
        # wait for its WAL to reach the disk. What other connections see is the same.
        connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    admin.dispose()
    return postgresql_url(name)


def postgresql_name(*parts: str | None) -> str:
    if not TEST_DATABASE_URL:
        skip_or_fail("postgresql", "TEST_DATABASE_URL is not set")
    return "_".join(part for part in (make_url(TEST_DATABASE_URL).database, *parts) if part)


def postgresql_url(name: str) -> str:
    return make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)


def drop_postgresql_database(uri: str) -> None:
    url = make_url(uri)
    admin = create_engine(
        make_url(TEST_DATABASE_URL).set(drivername="postgresql+psycopg"),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def run_lock(name: str, tmp_path_factory):
    """Held by one process of the run at a time: under xdist the workers share the folder
    above their own temporary ones."""
    shared = tmp_path_factory.getbasetemp()
    if XDIST_WORKER:
        shared = shared.parent
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield shared


def template(kind: str, world: str, tmp_path_factory) -> str:
    """The run's template of ``kind`` for ``world`` (a SQLite file, or a PostgreSQL database's
    name), built when first asked for: the migrations build the empty one's schema, and the
    demo one is a copy of it with the demo seeded."""
    with run_lock(f"{kind}-{world}", tmp_path_factory) as shared:
        built = shared / f"{kind}-{world}.built"
        if built.exists():
            return built.read_text()
        source = template(kind, "empty", tmp_path_factory) if world == "demo" else None
        if kind == "sqlite":
            name = str(shared / f"template-{world}.sqlite")
            if source:
                shutil.copyfile(source, name)
            uri = f"sqlite:///{name}"
        else:
            name = postgresql_name("template", world)
            uri = postgresql_database(name, template=source)
        app = make_app(uri)
        with app.app_context():
            if world == "demo":
                from mediation.demo import seed_demo

                seed_demo()
                db.session.commit()
            else:
                upgrade()
            db.engine.dispose()  # PostgreSQL copies a template only while nobody is connected
        built.write_text(name)
        return name


def migrated_app(kind: str, world: str, tmp_path_factory):
    """An app on a new database of ``kind``: a copy of the run's template for ``world``."""
    source = template(kind, world, tmp_path_factory)
    if kind == "sqlite":
        path = tmp_path_factory.mktemp(world) / "test.sqlite"
        shutil.copyfile(source, path)
        uri = f"sqlite:///{path}"
    else:
        uri = postgresql_database(postgresql_name(XDIST_WORKER, world), template=source)
    app = make_app(uri)
    app.config["DATABASE_KIND"] = kind
    return app


def pytest_sessionfinish(session) -> None:
    """The run's PostgreSQL templates go with it (under xdist, when the last worker is done)."""
    if XDIST_WORKER or not TEST_DATABASE_URL:
        return
    for world in ("empty", "demo"):
        drop_postgresql_database(postgresql_url(postgresql_name("template", world)))


class Worlds:
    """The apps on the test databases, each made when first asked for and kept for the run
    (also when tests of both kinds alternate, as they do under pytest-xdist)."""

    def __init__(self, tmp_path_factory) -> None:
        self.tmp_path_factory = tmp_path_factory
        self.apps: dict[tuple[str, str], object] = {}

    def get(self, kind: str, world: str):
        if (kind, world) not in self.apps:
            self.apps[kind, world] = migrated_app(kind, world, self.tmp_path_factory)
            # The apps, their worlds and everything imported stay for the whole run: out of the
            # collector's sight, its passes scan only what the tests make.
            gc.collect()
            gc.freeze()
        return self.apps[kind, world]

    def close(self) -> None:
        for app in self.apps.values():
            with app.app_context():
                db.engine.dispose()
            if app.config["DATABASE_KIND"] == "postgresql":
                drop_postgresql_database(app.config["SQLALCHEMY_DATABASE_URI"])


@pytest.fixture(scope="session")
def worlds(tmp_path_factory):
    registry = Worlds(tmp_path_factory)
    yield registry
    registry.close()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_app(request, worlds):
    """The empty world: one app per database kind for the whole run."""
    return worlds.get(request.param, "empty")


@pytest.fixture(scope="session")
def demo_app(database_app, worlds):
    """The demo world of the same kind, seeded once and committed."""
    return worlds.get(database_app.config["DATABASE_KIND"], "demo")


class _Session(db.session.session_factory.class_):
    """Flask-SQLAlchemy's session, except that a session given a ``bind`` (the connection of
    the test's transaction) uses it: Flask-SQLAlchemy would pick the app's engine instead."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and self.bind is not None:
            return self.bind
        return super().get_bind(mapper, clause, bind, **kwargs)


db.session.session_factory.class_ = _Session

# Sessions joined to the test's transaction nest their savepoints: a request's commit only
# releases its savepoint inside the one the test's own session may hold. If that session then
# rolled back, it would undo the request's commit too, which a real commit would have kept.
# Fail loudly instead: such a test needs ``commits``.
_joined_sessions = weakref.WeakSet()
_HOLDS_COMMITS = "holds another session's commits"


@event.listens_for(_Session, "after_begin")
def _note_joined_session(session, transaction, connection) -> None:
    if session.bind is not None:
        _joined_sessions.add(session)


@event.listens_for(_Session, "after_commit")
def _note_commit_inside_others(session) -> None:
    for other in _joined_sessions:
        if other is not session and other.in_transaction():
            other.info[_HOLDS_COMMITS] = True


@event.listens_for(_Session, "after_transaction_end")
def _forget_ended_session(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_HOLDS_COMMITS, None)
        _joined_sessions.discard(session)


@event.listens_for(_Session, "after_rollback")
def _refuse_rolling_back_commits(session) -> None:
    if session.info.pop(_HOLDS_COMMITS, False):
        raise AssertionError(
            "this rollback would undo what another session (a request) committed meanwhile, "
            "which a real commit keeps: mark the test with @pytest.mark.commits"
        )


@contextmanager
def rolled_back_transaction():
    """Bind every session created meanwhile to one connection inside a transaction that is
    rolled back at the end; their commits and rollbacks act on savepoints within it. Yields
    the connection."""
    connection = db.engine.connect()
    if connection.dialect.name == "sqlite":
        # pysqlite begins transactions on its own and not before a SAVEPOINT; hand that job
        # to SQLAlchemy, as its SQLite documentation describes, for this connection only.
        connection.execution_options(isolation_level="AUTOCOMMIT")
        event.listen(connection, "begin", lambda c: c.exec_driver_sql("BEGIN"))
    transaction = connection.begin()
    factory = db.session.session_factory
    unbound = dict(factory.kw)
    factory.configure(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield connection
    finally:
        db.session.remove()
        factory.kw = unbound
        transaction.rollback()
        connection.close()


@contextmanager
def rolled_back_savepoint(connection):
    """What the sessions write meanwhile (on ``connection``, to which they are bound) is undone
    at the end: a test in a world built once for several."""
    savepoint = connection.begin_nested()
    try:
        yield
    finally:
        db.session.remove()
        savepoint.rollback()


# The worlds of ``built_once`` fixtures while they are built: fixture name → (app, connection).
_BUILT_WORLDS: dict[str, tuple] = {}


def built_once(scope: str = "class"):
    """Turns ``build(app)`` into a fixture of its name whose rows are built once per database
    kind for the tests of its ``scope`` that ask for it (see the module's docstring); the
    fixture's value is what ``build`` returns. ``build`` runs in an app context; what it
    writes is committed (into the transaction) when it returns."""

    def decorate(build):
        name = build.__name__

        @pytest.fixture(scope=scope, name=name)
        def fixture(demo_app):
            with demo_app.app_context(), rolled_back_transaction() as connection:
                value = build(demo_app)
                db.session.commit()
                db.session.remove()
                _BUILT_WORLDS[name] = (demo_app, connection)
                try:
                    yield value
                finally:
                    del _BUILT_WORLDS[name]

        fixture.__doc__ = build.__doc__
        return fixture

    return decorate


# The audit log refuses DELETE on PostgreSQL (migration 0013): it is truncated.
APPEND_ONLY_TABLES = ("audit_events", "audit_seals")


def empty_all_tables() -> None:
    """Every table emptied and every sequence started again, as after the migrations."""
    tables = [table.name for table in db.metadata.sorted_tables]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            _empty_postgresql(connection, tables)
        else:
            for table in reversed(tables):
                connection.execute(text(f"DELETE FROM {table}"))


def _empty_postgresql(connection, tables: list[str]) -> None:
    """TRUNCATE gives each table new files, about 0.3 s for the fifty even when they are
    empty; deleting the rows a test left in the tables it wrote to takes milliseconds."""
    written = set(
        connection.execute(
            text(
                " UNION ALL ".join(
                    f"SELECT '{table}' WHERE EXISTS (SELECT FROM {table})" for table in tables
                )
            )
        ).scalars()
    )
    truncated = [table for table in APPEND_ONLY_TABLES if table in written]
    if truncated:
        connection.execute(text(f"TRUNCATE {', '.join(truncated)} CASCADE"))
    for table in reversed(tables):  # those that refer to others first
        if table in written and table not in truncated:
            connection.execute(text(f"DELETE FROM {table}"))
    used = connection.execute(
        text(
            "SELECT sequencename FROM pg_sequences"
            " WHERE schemaname = current_schema() AND last_value IS NOT NULL"
        )
    ).scalars()
    for sequence in list(used):
        connection.execute(text(f"ALTER SEQUENCE {sequence} RESTART"))


def restore_reference_data() -> None:
    """Put back the rows the migrations install, which every deployment starts with."""
    from mediation.core.routing import reset_rules_to_defaults

    reset_rules_to_defaults()
    db.session.commit()


@pytest.fixture
def app(request, database_app):
    """The app, in an app context, on the empty database or (with ``demo``) the demo one, or
    on the world of a ``built_once`` fixture the test asks for; everything the test writes is
    rolled back, or for ``commits`` tests emptied afterwards."""
    # Built already: fixtures of wider scopes are made first.
    built = [_BUILT_WORLDS[name] for name in request.fixturenames if name in _BUILT_WORLDS]
    if commits(request):
        assert not built, "a commits test cannot run in a world built once for several"
        with database_app.app_context():
            yield database_app
            db.session.remove()
            empty_all_tables()
            restore_reference_data()
        return
    if built:
        [(world, connection)] = built
        with world.app_context(), rolled_back_savepoint(connection):
            yield world
        return
    world = request.getfixturevalue("demo_app") if "demo" in request.fixturenames else database_app
    with world.app_context(), rolled_back_transaction():
        yield world


@pytest.fixture
def in_request(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def demo(request, app):
    """The demo jurisdiction of `make run`, as the tests' realistic world."""
    if commits(request):
        from mediation.demo import seed_demo

        seed_demo()
        db.session.commit()


CSRF_FIELD = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


def csrf_token_from(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1) or match.group(2)


class Browser:
    """A test client that fills forms the way a person does: open the page, then post it."""

    def __init__(self, client) -> None:
        self.client = client

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)

    def submit(self, url: str, data: dict, *, page: str | None = None, **kwargs):
        """POST ``data`` to ``url`` with the CSRF token from ``page`` (default: ``url``)."""
        html = self.client.get(page or url).get_data(as_text=True)
        return self.client.post(url, data={**data, "csrf_token": csrf_token_from(html)}, **kwargs)

    def act(self, case_id: int, trigger: str, fields: dict, *, page: str | None = None, **kwargs):
        """Fire ``trigger`` from the case page's form (its fields carry the trigger as prefix)."""
        data = {f"{trigger}-{name}": value for name, value in fields.items()}
        return self.submit(
            f"/cases/{case_id}/act/{trigger}", data, page=page or f"/cases/{case_id}", **kwargs
        )

    def login(self, identifier: str, password: str = "demo-2026"):
        response = self.submit("/login", {"identifier": identifier, "password": password})
        assert response.status_code == 302, "login failed"
        return response

    def logout(self):
        return self.submit("/logout", {}, page="/")


@pytest.fixture
def browser(client):
    return Browser(client)


@pytest.fixture
def make_browser(app):
    """A fresh browser (its own cookies) each call: for several devices or people at once."""
    return lambda: Browser(app.test_client())
