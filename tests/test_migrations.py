"""The migrations build exactly the schema the models describe, and undo it, on each database.

Each test starts from an empty database that the migrations took from nothing to head or to an
earlier revision, where the test writes rows as that revision had them before moving the
schema on. On SQLite each such database is a copy of a file migrated once for the module (the
one at head is the run's template, ``tests/conftest.py``); on PostgreSQL, one database is
emptied and migrated again for each test (see ``Databases``).
"""

import shutil

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from mediation.extensions import db
from mediation.models.types import built_on
from mediation.stats import figures
from tests.conftest import (
    TEST_DATABASE_URL,
    XDIST_WORKER,
    drop_postgresql_database,
    make_app,
    postgresql_database,
    postgresql_name,
    skip_or_fail,
    template,
)


def _without_fsync(connection, _record) -> None:
    # Durability is not what these tests are about: SQLite keeps its journal in memory and
    # skips the fsyncs, which take as long as the statements themselves on a busy disk.
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute("PRAGMA journal_mode = MEMORY")


def migrations_app(url: str):
    """The app on the database at ``url``, which the test migrates up and down itself."""
    app = make_app(url)
    if make_url(url).get_backend_name() == "sqlite":
        with app.app_context():
            event.listen(db.engine, "connect", _without_fsync)
    return app


class Databases:
    """The empty databases of one kind that the module's tests start from.

    SQLite: a new file for each test, a copy of one that the migrations took to the revision
    once. PostgreSQL: one database, emptied and migrated from nothing again for each test
    (cheap there). A database made and dropped for each test would cost more: DROP DATABASE
    forces a checkpoint of the whole server, which takes seconds while other tests write.
    """

    def __init__(self, kind: str, tmp_path_factory) -> None:
        self.kind = kind
        self.tmp_path_factory = tmp_path_factory
        if kind == "sqlite":
            self.folder = tmp_path_factory.mktemp("migrations")
            self.files = 0
            # Revision -> a file the migrations took from nothing to it, copied for each test.
            self.migrated: dict[str, str] = {}
            # The app on a file the migrations take up, one of those revisions after another.
            self.climber = None
        else:
            self.url = postgresql_database(postgresql_name(XDIST_WORKER, "migrations"))

    def app_at(self, revision: str):
        """The app on an empty database that the migrations took from nothing to ``revision``
        ("head": ``upgrade()``'s default)."""
        if self.kind == "postgresql":
            self._empty_postgresql_database()
            app = migrations_app(self.url)
            with app.app_context():
                upgrade(revision=revision)
            return app
        return migrations_app(f"sqlite:///{self._new_file(self._migrated_to(revision))}")

    def _migrated_to(self, revision: str) -> str:
        if revision == "head":
            # The run's template: upgrade() took a brand-new database to head, as every
            # deployment starts.
            return template("sqlite", "empty", self.tmp_path_factory)
        if revision not in self.migrated:
            if self.climber is None or max(self.migrated) > revision:
                self.climber = migrations_app(f"sqlite:///{self._new_file()}")
            with self.climber.app_context():
                upgrade(revision=revision)
                db.engine.dispose()
                self.migrated[revision] = self._new_file(db.engine.url.database)
        return self.migrated[revision]

    def _new_file(self, copy_of: str | None = None) -> str:
        """A new SQLite file, empty or a copy of another."""
        self.files += 1
        path = str(self.folder / f"{self.files}.sqlite")
        if copy_of:
            shutil.copyfile(copy_of, path)
        return path

    def _empty_postgresql_database(self) -> None:
        """As new: nothing left of the previous test's schema, rows or connections."""
        admin = create_engine(
            make_url(self.url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
            # Tables, types, functions and extensions all live in public.
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        admin.dispose()

    def drop(self) -> None:
        if self.kind == "postgresql":
            drop_postgresql_database(self.url)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def databases(request, tmp_path_factory):
    if request.param == "postgresql" and not TEST_DATABASE_URL:
        skip_or_fail("postgresql", "TEST_DATABASE_URL is not set")
    made = Databases(request.param, tmp_path_factory)
    yield made
    made.drop()


# SQLite cannot reflect an expression index; the one the models declare (the search index)
# is PostgreSQL's only, and built_on leaves it out of SQLite's comparison anyway.
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_upgrade_to_head_matches_the_models_and_downgrade_undoes_it(databases):
    app = databases.app_at("head")
    with app.app_context():
        with db.engine.connect() as connection:
            drift = compare_metadata(
                MigrationContext.configure(
                    connection,
                    opts={
                        "compare_type": True,
                        "include_object": built_on(connection.dialect.name),
                    },
                ),
                db.metadata,
            )
        assert drift == [], f"models and migrations disagree: {drift}"

        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}

        upgrade()  # and the way back up works again after a downgrade
        assert "users" in inspect(db.engine).get_table_names()
        db.engine.dispose()


def add_district_employer_and_centre(connection) -> None:
    """Rows 1 of regions, employers and organizations, as revision 0003 has them."""
    connection.execute(
        text("INSERT INTO regions (id, name, level) VALUES (1, '清城区', 'district')")
    )
    connection.execute(
        text(
            "INSERT INTO employers (id, name, uscc, region_id, industry)"
            " VALUES (1, '某公司', '91350100M000100Y43', 1, 'C')"
        )
    )
    connection.execute(
        text(
            "INSERT INTO organizations (id, name, kind, region_id, active)"
            " VALUES (1, '中心', 'hr_bureau', 1, true)"
        )
    )


def add_mediator_and_cases(connection, *routing_reasons: str) -> None:
    """A mediator of the centre (user 1), and a case applied at it for each routing reason
    (cases 1, 2…, numbered X-1, X-2…), as revision 0003 has them."""
    connection.execute(
        text(
            "INSERT INTO users (id, username, name, password_hash, role, active,"
            " organization_id, created_at, password_changed_at) VALUES (1, 'm', '王调解',"
            " 'x', 'mediator', true, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        )
    )
    for case_id, reason in enumerate(routing_reasons, start=1):
        connection.execute(
            text(
                "INSERT INTO cases (id, number, state, tier, organization_id, routing_reason,"
                " applicant_name, applicant_id_number, applicant_phone, employer_id,"
                " employment_start, job, facts, desired_outcome, workers_involved, lost_job,"
                " migrant_worker, injured_worker, pregnancy_maternity_nursing, channel,"
                " filed_by_id, received_at, acceptance_deadline) VALUES (:id, :number,"
                " 'applied', 'hr_bureau', 1, :reason, '李明', '11010519491231002X',"
                " '13800138000', 1, '2025-01-01', '工', '…', '', 1, false, false, false, false,"
                " 'window', 1, '2026-03-01 02:00:00', '2026-03-04')"
            ),
            {"id": case_id, "number": f"X-{case_id}", "reason": reason},
        )


def two_cases_at_head(databases):
    """The app on a database where revision 0003 had the district, its centre, a mediator
    and two cases (1 and 2), migrated to head."""
    app = databases.app_at("0003")
    with app.app_context():
        with db.engine.begin() as connection:
            add_district_employer_and_centre(connection)
            add_mediator_and_cases(connection, "employer_street", "employer_street")
        upgrade()
    return app


def settle_case_1_paid_in_full(connection, due_date: str) -> None:
    """Case 1 closed with an agreement to pay 100.50 by ``due_date``, reported paid in full
    (as revision 0032 and later have them)."""
    connection.execute(text("UPDATE cases SET state = 'closed', outcome = 'resolved' WHERE id = 1"))
    connection.execute(
        text(
            "INSERT INTO agreements (id, case_id, terms, amount, due_date, drafted_by_id,"
            " drafted_at, signed_on_paper, version) VALUES (1, 1, '支付', 100.50, :due, 1,"
            " '2026-03-04 00:00:00', true, 1)"
        ),
        {"due": due_date},
    )
    connection.execute(
        text(
            "INSERT INTO payment_reports (id, case_id, payment, amount_paid, reported_by_id,"
            " reporter_role, reported_at) VALUES (1, 1, 'paid', 100.50, 1, 'mediator',"
            " '2026-03-11 00:00:00')"
        )
    )


def test_existing_cases_keep_working_through_later_migrations(databases):
    """A case written under revision 0003 gets its clock start days (0004), a version (0005)
    and no re-employment consent (0007), and its agreement a first version (0014), when the
    schema moves on."""
    app = databases.app_at("0003")
    with app.app_context():
        with db.engine.begin() as connection:
            add_district_employer_and_centre(connection)
            connection.execute(
                text(
                    "INSERT INTO users (id, username, name, id_number, password_hash, role, active,"
                    " created_at, password_changed_at) VALUES (1, 'w', '李明',"
                    " '11010519491231002X', 'x', 'worker', true, '2026-01-01 00:00:00',"
                    " '2026-01-01 00:00:00')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO cases (id, number, state, tier, organization_id, routing_reason,"
                    " applicant_name, applicant_id_number, applicant_phone, employer_id,"
                    " employment_start, job, facts, desired_outcome, workers_involved, lost_job,"
                    " migrant_worker, injured_worker, pregnancy_maternity_nursing, channel,"
                    " filed_by_id, received_at, acceptance_deadline, mediation_started_at)"
                    " VALUES (1, 'X-1', 'mediating', 'hr_bureau', 1, 'employer_street', '李明',"
                    " '11010519491231002X', '13800138000', 1, '2025-01-01', '工', '…', '', 1,"
                    " false, false, false, false, 'web', 1, '2026-03-01 20:00:00', '2026-03-05',"
                    " '2026-03-03 02:00:00')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO agreements (id, case_id, terms, amount, drafted_by_id,"
                    " drafted_at, applicant_signed_at, signed_on_paper) VALUES (1, 1, '支付',"
                    " 100, 1, '2026-03-04 00:00:00', '2026-03-05 00:00:00', false)"
                )
            )
        upgrade()
        with db.engine.connect() as connection:
            # 0014: the agreement becomes version 1, and its signature a signature of it.
            versions = connection.execute(
                text("SELECT case_id, version, terms FROM agreement_versions")
            ).all()
            signed = connection.execute(
                text(
                    "SELECT version, applicant_signed_version, respondent_signed_version"
                    " FROM agreements"
                )
            ).one()
            assert [tuple(row) for row in versions] == [(1, 1, "支付")]
            assert tuple(signed) == (1, 1, None)
            row = connection.execute(
                text(
                    "SELECT acceptance_clock_start, mediation_clock_start, version,"
                    " reemployment_consent FROM cases WHERE id = 1"
                )
            ).one()
        # 20:00 UTC on 1 March is already 2 March in Shanghai.
        assert [str(row[0]), str(row[1]), row[2], bool(row[3])] == [
            "2026-03-02",
            "2026-03-02",
            1,
            False,
        ]
        db.engine.dispose()


def test_the_outbox_and_accounts_of_an_earlier_revision_carry_over_and_back(databases):
    """0012 on a populated database: mails already sent stay sent, those that used up the old
    five tries are failed, the rest wait with an id of their own; accounts in use keep working
    (their phones count as verified). The downgrade keeps the mails."""
    app = databases.app_at("0011")
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (id, username, name, phone, id_number, password_hash, role,"
                    " active, created_at, password_changed_at) VALUES"
                    " (1, 'w', '李明', '13800138000', '11010519491231002X', 'x', 'worker', true,"
                    " '2026-01-01 00:00:00', '2026-01-01 00:00:00'),"
                    " (2, 'a', '管理员', NULL, NULL, 'x', 'admin', true,"
                    " '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO outbox (id, recipient, subject, body, created_at, attempts,"
                    " sent_at, last_error) VALUES"
                    " (1, 'a@example.com', 's', 'b', '2026-01-01 00:00:00', 1,"
                    " '2026-01-01 00:01:00', NULL),"
                    " (2, 'b@example.com', 's', 'b', '2026-01-01 00:00:00', 5, NULL, 'refused'),"
                    " (3, 'c@example.com', 's', 'b', '2026-01-02 00:00:00', 0, NULL, NULL)"
                )
            )
        upgrade()
        with db.engine.connect() as connection:
            outbox = connection.execute(
                text(
                    "SELECT id, status, channel, message_id, next_attempt_at FROM outbox"
                    " ORDER BY id"
                )
            ).all()
            phones = connection.execute(
                text(
                    "SELECT id, phone_verified_at IS NOT NULL, sms_information FROM users"
                    " ORDER BY id"
                )
            ).all()
        assert [(row[1], row[2]) for row in outbox] == [
            ("sent", "email"),
            ("failed", "email"),
            ("pending", "email"),
        ]
        assert len({row[3] for row in outbox}) == 3 and all(row[4] for row in outbox)
        assert [(row[0], bool(row[1]), bool(row[2])) for row in phones] == [
            (1, True, True),
            (2, False, True),
        ]
        downgrade(revision="0011")
        with db.engine.connect() as connection:
            assert connection.scalar(text("SELECT count(*) FROM outbox")) == 3
        upgrade()
        db.engine.dispose()


def test_the_latest_revisions_come_and_go_on_a_populated_database(databases):
    """0020 to 0035 on a database with a case and a document issued before records were kept:
    the case gets no suspension, no code, no request; the document becomes version 1 without
    frozen text (it is frozen when first read). What is recorded afterwards (a suspension, the
    district's commission, a frozen document with its PDF, a legal-aid request, a saved
    arbitration application, an anonymisation) goes with the downgrade; the case, the district
    and the old document stay, and the way up works again."""
    app = databases.app_at("0003")
    with app.app_context():
        with db.engine.begin() as connection:
            add_district_employer_and_centre(connection)
            add_mediator_and_cases(connection, "employer_street")
        upgrade(revision="0019")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO case_documents (id, case_id, kind, verification_code, issued_at,"
                    " issued_by_id) VALUES (1, 1, 'application', 'AAAA-BBBB-CCCC',"
                    " '2026-03-01 02:00:00', 1)"
                )
            )
        upgrade()
        with db.engine.begin() as connection:
            assert connection.scalar(text("SELECT count(*) FROM limitation_suspensions")) == 0
            assert connection.execute(
                text("SELECT version, content, issuer_id FROM case_documents WHERE id = 1")
            ).one() == (1, None, None)
            assert connection.scalar(
                text("SELECT track_code_hash IS NULL AND anonymised_at IS NULL FROM cases")
            )
            connection.execute(
                text(
                    "INSERT INTO case_documents (id, case_id, kind, verification_code, issued_at,"
                    " issuer_id, version, supersedes_id, content, content_sha256) VALUES (2, 1,"
                    " 'case_file', 'DDDD-EEEE-FFFF', '2026-04-01 02:00:00', 1, 2, 1, '{}', 'ab')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO document_files (id, document_id, locale, pdf, sha256,"
                    " rendered_at) VALUES (1, 2, 'zh_CN', :pdf, 'cd', '2026-04-01 02:00:00')"
                ),
                {"pdf": b"%PDF-1.4"},
            )
            connection.execute(
                text(
                    "INSERT INTO legal_aid_requests (id, case_id, channel, requested_at,"
                    " requested_by_id) VALUES (1, 1, 'later', '2026-04-01 02:00:00', 1)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO arbitration_applications (id, case_id, kind, data, updated_at,"
                    " updated_by_id, version) VALUES (1, 1, 'arbitration', '{}',"
                    " '2026-04-01 02:00:00', 1, 1)"
                )
            )
            connection.execute(text("UPDATE cases SET anonymised_at = '2030-01-01 00:00:00'"))
            connection.execute(
                text(
                    "INSERT INTO limitation_suspensions (id, case_id, cause, reason, starts_on,"
                    " ends_on, recorded_by_id, recorded_at, ended_by_id, ended_at) VALUES"
                    " (1, 1, 'force_majeure', '台风', '2026-02-01', NULL, 1,"
                    " '2026-03-02 00:00:00', NULL, NULL)"
                )
            )
            connection.execute(
                text("UPDATE regions SET arbitration_commission = '清城区仲裁委' WHERE id = 1")
            )
        downgrade(revision="0019")
        assert "arbitration_commission" not in {
            column["name"] for column in inspect(db.engine).get_columns("regions")
        }
        tables = inspect(db.engine).get_table_names()
        for table in (
            "limitation_suspensions",
            "document_files",
            "legal_aid_requests",
            "arbitration_applications",
        ):
            assert table not in tables
        with db.engine.connect() as connection:
            assert connection.scalar(text("SELECT number FROM cases WHERE id = 1")) == "X-1"
            documents = connection.execute(text("SELECT id, kind FROM case_documents")).all()
            assert documents == [(1, "application")]
        upgrade()
        assert "limitation_suspensions" in inspect(db.engine).get_table_names()
        with db.engine.connect() as connection:
            assert connection.scalar(text("SELECT name FROM regions WHERE id = 1")) == "清城区"
            assert (
                connection.scalar(text("SELECT arbitration_commission FROM regions WHERE id = 1"))
                is None
            )
        # 0032 counts whether the agreements already settled were paid into the rollups.
        with db.engine.begin() as connection:
            settle_case_1_paid_in_full(connection, due_date="2026-03-10")
        figures.rebuild()
        db.session.commit()
        downgrade(revision="0031")
        upgrade()
        assert set(figures.verify().values()) == {0}
        with db.engine.connect() as connection:
            counted = connection.execute(
                text(
                    "SELECT agreements_dated, agreements_paid_in_full, amount_paid_fen,"
                    " agreement_due_on FROM case_figures"
                )
            ).one()
        assert tuple(counted[:3]) == (1, 1, 10050) and str(counted[3]) == "2026-03-10"

        # 0034: the district's basic court; a legal-aid request whose requester was emptied
        # (anonymised) is given the account that filed the case on the way down.
        db.session.remove()  # verify's reads hold locks that the table's rebuild would wait on
        with db.engine.begin() as connection:
            connection.execute(
                text("UPDATE regions SET basic_court = '清远市清城区人民法院' WHERE id = 1")
            )
            connection.execute(
                text(
                    "INSERT INTO legal_aid_requests (id, case_id, channel, requested_at,"
                    " requested_by_id, station) VALUES (2, 1, 'later', '2026-04-01 02:00:00',"
                    " NULL, '清城区法律援助处')"
                )
            )
        downgrade(revision="0033")
        regions = {column["name"] for column in inspect(db.engine).get_columns("regions")}
        assert "basic_court" not in regions and "arbitration_commission" in regions
        asked = "SELECT requested_by_id, station FROM legal_aid_requests WHERE case_id = 1"
        with db.engine.connect() as connection:
            assert tuple(connection.execute(text(asked)).one()) == (1, "清城区法律援助处")
        upgrade()
        with db.engine.begin() as connection:
            assert connection.scalar(text("SELECT basic_court FROM regions")) is None
            connection.execute(text("UPDATE legal_aid_requests SET requested_by_id = NULL"))
            assert connection.scalar(text("SELECT requested_by_id FROM legal_aid_requests")) is None

        # 0035: documents whose PDF a worker has yet to store; the one issued before has none.
        pending = "SELECT id, pdf_pending FROM case_documents ORDER BY id"
        with db.engine.begin() as connection:
            assert [
                (row.id, bool(row.pdf_pending)) for row in connection.execute(text(pending))
            ] == [(1, False)]
            connection.execute(text("UPDATE case_documents SET pdf_pending = true"))
        downgrade(revision="0034")
        columns = {column["name"] for column in inspect(db.engine).get_columns("case_documents")}
        assert "pdf_pending" not in columns and "content_sha256" in columns
        upgrade()
        with db.engine.connect() as connection:
            assert [bool(row.pdf_pending) for row in connection.execute(text(pending))] == [False]
        db.session.remove()
        db.engine.dispose()


def test_0036_gives_cases_routed_by_an_administrators_rule_its_english_name(databases):
    """0036 on a database with a case routed by a built-in rule (stored by key) and one routed
    by a rule an administrator added, which has an English name: only the second gets it; the
    downgrade takes the column away and leaves both cases."""
    app = databases.app_at("0003")
    with app.app_context():
        with db.engine.begin() as connection:
            add_district_employer_and_centre(connection)
            add_mediator_and_cases(connection, "employer_street", "欠薪案件由区中心办理")
        upgrade(revision="0035")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO routing_rules (id, position, key, name, name_en, active,"
                    " destination, organization_id, categories, region_ids, industries,"
                    " channels, updated_at) VALUES (100, 0, NULL, '欠薪案件由区中心办理',"
                    " 'Wage arrears go to the district centre', true, 'organization', 1,"
                    " '[\"wage_arrears\"]', '[]', '[]', '[]', '2026-01-01 00:00:00')"
                )
            )
        upgrade(revision="0036")
        with db.engine.connect() as connection:
            english = connection.execute(
                text("SELECT id, routing_reason_en FROM cases ORDER BY id")
            ).all()
        assert [tuple(row) for row in english] == [
            (1, None),
            (2, "Wage arrears go to the district centre"),
        ]
        downgrade(revision="0035")
        assert "routing_reason_en" not in {
            c["name"] for c in inspect(db.engine).get_columns("cases")
        }
        with db.engine.connect() as connection:
            assert connection.scalar(text("SELECT count(*) FROM cases")) == 2
        upgrade()
        db.engine.dispose()


def test_0039_gives_each_existing_case_a_version_of_its_own_and_takes_it_back(databases):
    """0039 on a database with two cases: each gets a random page version (not one shared
    value that a database loaded again would repeat); the downgrade takes the column away and
    leaves the cases. 0040's index of the open cases' deadlines comes and goes with them, and
    0041's of an employer's cases by the moment received gives way to the employer's alone."""
    app = two_cases_at_head(databases)
    with app.app_context():
        with db.engine.connect() as connection:
            versions = connection.scalars(text("SELECT page_version FROM cases")).all()
        assert len(set(versions)) == 2 and all(0 < v < 2**62 for v in versions)
        assert "ix_cases_employer_received" in _index_names("cases")
        downgrade(revision="0038")
        assert "ix_case_figures_open_deadline" in _index_names("case_figures")
        case_indexes = _index_names("cases")
        assert "ix_cases_employer_id" in case_indexes
        assert "ix_cases_employer_received" not in case_indexes
        assert "page_version" not in {c["name"] for c in inspect(db.engine).get_columns("cases")}
        with db.engine.connect() as connection:
            assert connection.scalar(text("SELECT count(*) FROM cases")) == 2
        upgrade()
        db.engine.dispose()


def _index_names(table: str) -> set[str]:
    return {index["name"] for index in inspect(db.engine).get_indexes(table)}


def test_0042_takes_the_figure_tables_keys_to_organisations_and_employers_and_gives_them_back(
    databases,
):
    """0042 on a database whose case is counted: the figure tables lose their keys to the
    organisations and employers and keep their rows; the way down gives the keys back (the
    rows satisfy them) and the figures still agree with a recount either way."""
    app = two_cases_at_head(databases)
    with app.app_context():
        figures.rebuild()
        db.session.commit()
        assert _referred_tables("case_figures") == {"cases"}
        assert _referred_tables("figure_rollups_by_employer") == set()
        db.session.remove()
        downgrade(revision="0041")
        assert _referred_tables("case_figures") == {"cases", "organizations", "employers"}
        assert _referred_tables("figure_rollups_by_employer") == {"organizations", "employers"}
        assert _referred_tables("figure_distributions_detailed") == {"organizations"}
        with db.engine.connect() as connection:
            assert connection.scalar(text("SELECT count(*) FROM case_figures")) == 2
            assert connection.scalar(text("SELECT sum(received) FROM figure_rollups")) == 4
        upgrade()
        assert _referred_tables("figure_rollups") == set()
        assert set(figures.verify().values()) == {0}
        db.session.remove()
        db.engine.dispose()


def test_0043_counts_the_dates_of_existing_cases_as_the_figures_do_and_takes_them_back(
    databases,
):
    """0043 on a database with an open case past its deadline and an agreement paid in full
    and due in the future: the counts per date it makes from case_figures are those a rebuild
    makes; the way down drops them with the new column, keeping every case's row."""
    app = two_cases_at_head(databases)
    with app.app_context():
        with db.engine.begin() as connection:
            settle_case_1_paid_in_full(connection, due_date="2099-01-10")
        figures.rebuild()
        db.session.commit()
        dates = (
            "SELECT grain, period_start, measure, falls_on, cases FROM figure_dates"
            " ORDER BY grain, measure"
        )
        with db.engine.connect() as connection:
            counted = [tuple(map(str, row)) for row in connection.execute(text(dates))]
        assert counted == [
            ("day", "2026-03-01", "agreement_due_on", "2099-01-10", "1"),
            ("day", "2026-03-01", "open_deadline", "2026-03-04", "1"),
            ("day", "2026-03-01", "paid_in_full_due_on", "2099-01-10", "1"),
            ("month", "2026-03-01", "agreement_due_on", "2099-01-10", "1"),
            ("month", "2026-03-01", "open_deadline", "2026-03-04", "1"),
            ("month", "2026-03-01", "paid_in_full_due_on", "2099-01-10", "1"),
        ]
        db.session.remove()
        downgrade(revision="0042")
        assert "figure_dates" not in inspect(db.engine).get_table_names()
        assert "paid_in_full_due_on" not in {
            column["name"] for column in inspect(db.engine).get_columns("case_figures")
        }
        with db.engine.connect() as connection:
            assert connection.scalar(text("SELECT count(*) FROM case_figures")) == 2
        upgrade()
        with db.engine.connect() as connection:
            assert [tuple(map(str, row)) for row in connection.execute(text(dates))] == counted
        assert set(figures.verify().values()) == {0}
        db.session.remove()
        db.engine.dispose()


def test_0044_sums_the_years_of_existing_figures_from_their_months_and_takes_them_back(
    databases,
):
    """0044 on a database with two cases counted (one settled, paid in full): the year rows
    it sums from the month rows are those a rebuild counts from the cases, in every table
    that has them (not the dates); the way down deletes them, and the grain checks refuse a
    year again."""
    from mediation.models.figures import BY_PLACE, DETAILED

    app = two_cases_at_head(databases)
    tables = [
        model.__tablename__
        for level in (BY_PLACE, DETAILED)
        for model in (level.rollup, level.distribution)
    ]

    def year_rows() -> dict[str, list]:
        with db.engine.connect() as connection:
            return {
                table: sorted(
                    tuple(map(str, row))
                    for row in connection.execute(
                        text(f"SELECT * FROM {table} WHERE grain = 'year'")
                    )
                )
                for table in tables
            }

    with app.app_context():
        with db.engine.begin() as connection:
            settle_case_1_paid_in_full(connection, due_date="2099-01-10")
        figures.rebuild()
        db.session.commit()
        rebuilt = year_rows()
        # (Neither case has a closing day: no distribution has rows of any grain.)
        assert rebuilt["figure_rollups"] and rebuilt["figure_rollups_detailed"]
        with db.engine.connect() as connection:
            assert (
                connection.scalar(
                    text("SELECT sum(received) FROM figure_rollups WHERE grain = 'year'")
                )
                == 2
            )
        db.session.remove()
        downgrade(revision="0043")
        assert year_rows() == {table: [] for table in tables}
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.execute(
                text("UPDATE figure_rollups SET grain = 'year' WHERE grain = 'month'")
            )
        upgrade()
        assert year_rows() == rebuilt
        assert set(figures.verify().values()) == {0}
        db.session.remove()
        db.engine.dispose()


def _referred_tables(table: str) -> set[str]:
    return {key["referred_table"] for key in inspect(db.engine).get_foreign_keys(table)}


def test_0045_indexes_the_numbers_of_existing_cases_reversed_and_takes_the_index_back(databases):
    """0045 on a database with two cases: on PostgreSQL the numbers reversed are indexed, and
    a number's end is found from them; on SQLite (which scans) nothing changes. The way down
    drops the index and leaves the cases; the way up builds it again."""
    app = two_cases_at_head(databases)
    postgresql = databases.kind == "postgresql"

    def indexed() -> bool:
        names = {index["name"] for index in inspect(db.engine).get_indexes("cases")}
        return "ix_cases_number_reversed" in names

    def ending_with(tail: str) -> list[str]:
        with db.engine.connect() as connection:
            return connection.scalars(
                text("SELECT number FROM cases WHERE reverse(number) LIKE reverse(:tail) || '%'"),
                {"tail": tail},
            ).all()

    with app.app_context():
        assert indexed() is postgresql
        if postgresql:  # SQLite has no reverse()
            assert ending_with("-2") == ["X-2"]
        downgrade(revision="0044")
        assert not indexed()
        with db.engine.connect() as connection:
            assert connection.scalars(text("SELECT number FROM cases ORDER BY id")).all() == [
                "X-1",
                "X-2",
            ]
        upgrade()
        assert indexed() is postgresql
        db.engine.dispose()
