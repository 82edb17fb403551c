"""Flask extensions, created once here and bound to the app in ``create_app``."""

from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.visitors import InternalTraversal

# Named constraints let Alembic drop and recreate them on every database, SQLite included.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
migrate = Migrate(render_as_batch=True)
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()


# SQLAlchemy 2.0 gives an INSERT with an ON CONFLICT clause no cache key, so it compiled such a
# statement again at every execution (1 to 2 ms: several for each filing and transition, which
# keep the figure rollups with them). Ours are built once per database kind and kept, so a token
# made with each ON CONFLICT clause can stand for it in the key: each statement is compiled once
# a process, and two statements with different clauses never share a compiled form.
_CONFLICT_TOKEN = ("_conflict_token", InternalTraversal.dp_plain_obj)
_UPSERT_CACHE_KEY = [
    _CONFLICT_TOKEN if name == "_post_values_clause" else (name, how)
    for name, how in Insert._traverse_internals
]


class _TokenedConflict:
    _conflict_token: object = None

    def on_conflict_do_update(self, *args, **kwargs):
        statement = super().on_conflict_do_update(*args, **kwargs)
        statement._conflict_token = object()
        return statement

    def on_conflict_do_nothing(self, *args, **kwargs):
        statement = super().on_conflict_do_nothing(*args, **kwargs)
        statement._conflict_token = object()
        return statement


class _PostgresqlUpsert(_TokenedConflict, postgresql.Insert):
    inherit_cache = False
    _cache_key_traversal = _UPSERT_CACHE_KEY


class _SqliteUpsert(_TokenedConflict, sqlite.Insert):
    inherit_cache = False
    _cache_key_traversal = _UPSERT_CACHE_KEY


def database_kind() -> str:
    """``"postgresql"`` or ``"sqlite"``: the database the session works on."""
    return db.session.get_bind().dialect.name


def upsert_insert(table, kind: str) -> Insert:
    """INSERT with ON CONFLICT for PostgreSQL or SQLite (``kind``): the counters, reminders,
    read marks and rollups rely on it to be written once under concurrency.

    Build each such statement once per kind and keep it (``functools.cache`` on a function of
    ``kind``), passing the values at execution: a statement built anew each time would be
    compiled each time, and would crowd the other statements out of the compiled cache.
    """
    return (_PostgresqlUpsert if kind == "postgresql" else _SqliteUpsert)(table)


def columns_of(keys: Iterable[str], *names: str) -> Callable[[Sequence], tuple]:
    """A function giving a result row's columns ``names`` as a tuple, read by position (found
    here once, by name, among ``keys``: a result's ``keys()`` or a row's ``_fields``). A
    SQLAlchemy row's attribute costs about half a microsecond; a worklist page reads 750 and a
    year's dashboard about 1,000."""
    keys = list(keys)
    positions = [keys.index(name) for name in names]
    if len(positions) == 1:
        (at,) = positions
        return lambda row: (row[at],)
    return itemgetter(*positions)
