"""The migrations build exactly the schema the models describe, and undo it, on each database."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from mediation.extensions import db
from tests.conftest import TEST_DATABASE_URL, make_app, skip_or_fail


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    """The URL of a brand-new, empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    if not TEST_DATABASE_URL:
        skip_or_fail("postgresql", "TEST_DATABASE_URL is not set")
    server = make_url(TEST_DATABASE_URL).set(drivername="postgresql+psycopg")
    name = f"mediation_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_to_head_matches_the_models_and_downgrade_undoes_it(empty_database):
    app = make_app(empty_database)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            drift = compare_metadata(
                MigrationContext.configure(connection, opts={"compare_type": True}), db.metadata
            )
        assert drift == [], f"models and migrations disagree: {drift}"

        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}

        upgrade()  # and the way back up works again after a downgrade
        assert "users" in inspect(db.engine).get_table_names()
        db.engine.dispose()
