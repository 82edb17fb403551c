"""The benchmark loader (bench/load.py) fills a PostgreSQL database with a year that an
operator would believe: rows the schema accepts, states that follow age, events for every
step, deadlines as the clocks set them, and a database the app keeps working on after."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from mediation.extensions import db
from tests.bench import libpq_url
from tests.conftest import empty_all_tables, restore_reference_data, rolled_back_transaction
from tests.factories import filed_case
from workflows import deadlines

pytestmark = pytest.mark.postgresql_only

CASES = 1000
CLOSING_EVENT = {
    "resolved": "case.settle",
    "unresolved": "case.fail",
    "declined": "case.decline",
    "withdrawn": "case.withdraw",
}


INDEXES = "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"


@pytest.fixture(scope="module")
def loaded(database_app):
    """The demo world loaded once for the module, and the indexes it had before the load (the
    loader drops the secondary ones while it copies and builds them again after). The loader
    writes through connections of its own: the load is committed, and the tables are emptied
    after the module as after a ``commits`` test."""
    from bench.load import load
    from mediation.demo import seed_demo

    with database_app.app_context():
        seed_demo()
        db.session.commit()
        indexes = set(rows(INDEXES))
        db.session.commit()
        load(libpq_url(database_app), CASES, batch=400)
        try:
            yield indexes
        finally:
            db.session.remove()
            empty_all_tables()
            restore_reference_data()


@pytest.fixture
def app(database_app, loaded):
    """The app on the loaded database; what a test writes is rolled back after it."""
    with database_app.app_context(), rolled_back_transaction():
        yield database_app


def test_every_index_is_back_after_the_load(app, loaded):
    assert set(rows(INDEXES)) == loaded


def rows(sql: str, **params) -> list:
    return db.session.execute(text(sql), params).all()


def scalar(sql: str, **params):
    return db.session.execute(text(sql), params).scalar()


def test_every_reference_points_at_a_row(app, loaded):
    """The loader skips the per-row foreign-key triggers for speed; nothing may dangle."""
    foreign_keys = rows(
        "SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, f.attname"
        " FROM pg_constraint c"
        " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
        " JOIN pg_attribute f ON f.attrelid = c.confrelid AND f.attnum = c.confkey[1]"
        " WHERE c.contype = 'f' AND cardinality(c.conkey) = 1"
    )
    assert len(foreign_keys) > 20
    for table, column, parent, key in foreign_keys:
        dangling = scalar(
            f"SELECT count(*) FROM {table} x WHERE x.{column} IS NOT NULL AND NOT EXISTS"
            f" (SELECT 1 FROM {parent} p WHERE p.{key} = x.{column})"
        )
        assert dangling == 0, f"{table}.{column} points at missing {parent} rows"


def test_states_follow_age(app, loaded):
    assert scalar("SELECT count(*) FROM cases") == CASES
    assert (
        scalar(
            "SELECT count(*) FROM cases WHERE state IN ('applied', 'accepted', 'mediating')"
            " AND received_at < (now() AT TIME ZONE 'UTC') - interval '60 days'"
        )
        == 0
    )
    received = rows("SELECT min(received_at), max(received_at) FROM cases")[0]
    now = datetime.now(UTC).replace(tzinfo=None)
    assert now - timedelta(days=366) < received[0] and received[1] <= now
    open_share = scalar(
        "SELECT avg((state IN ('applied', 'accepted', 'mediating'))::int) FROM cases"
    )
    assert 0.01 < open_share < 0.10  # a year of work, most of it long closed
    outcomes = dict(rows("SELECT outcome, count(*) FROM cases GROUP BY outcome"))
    assert 0.55 < outcomes["resolved"] / CASES < 0.75
    # Working days are busier than weekends (Shanghai days).
    by_weekday = dict(
        rows(
            "SELECT extract(isodow FROM received_at + interval '8 hours') >= 6, count(*)"
            " FROM cases GROUP BY 1"
        )
    )
    assert by_weekday[False] / 5 > 1.5 * by_weekday[True] / 2


def test_every_step_left_its_audit_event(app, loaded):
    def missing(condition: str, action: str) -> int:
        return scalar(
            f"SELECT count(*) FROM cases c WHERE {condition} AND NOT EXISTS (SELECT 1"
            f" FROM audit_events e WHERE e.case_id = c.id AND e.action = '{action}')"
        )

    assert missing("true", "case.apply") == 0
    assert missing("c.accepted_at IS NOT NULL", "case.accept") == 0
    assert missing("c.mediation_started_at IS NOT NULL", "case.mediate") == 0
    assert missing("c.state = 'archived'", "case.archive") == 0
    assert missing("c.mediator_id IS NOT NULL", "case.claim") == 0
    for outcome, action in CLOSING_EVENT.items():
        assert missing(f"c.outcome = '{outcome}'", action) == 0, outcome
    # The last closing event of each closed case is the one of its outcome.
    last_closings = rows(
        "SELECT c.outcome, (SELECT e.action FROM audit_events e WHERE e.case_id = c.id"
        " AND e.action IN ('case.settle', 'case.fail', 'case.decline', 'case.withdraw')"
        " ORDER BY e.occurred_at DESC LIMIT 1) FROM cases c WHERE c.outcome IS NOT NULL"
    )
    assert all(CLOSING_EVENT[outcome] == action for outcome, action in last_closings)
    assert (
        scalar(
            "SELECT count(*) FROM audit_events e JOIN cases c ON c.id = e.case_id"
            " WHERE e.occurred_at < c.received_at OR e.occurred_at > now() AT TIME ZONE 'UTC'"
        )
        == 0
    )


def test_transfers_are_recorded_as_the_app_records_them(app, loaded):
    """The case.escalate event names the sender and the receiving tier; the case is the
    receiving organisation's."""
    transfers = rows(
        "SELECT c.organization_id, c.tier, c.transferred_from_organization_id,"
        " c.transferred_from_tier, e.organization_id, e.tier, e.details::text"
        " FROM cases c JOIN audit_events e ON e.case_id = c.id AND e.action = 'case.escalate'"
    )
    assert 0.02 * CASES < len(transfers) < 0.09 * CASES
    for org, tier, from_org, from_tier, sender, event_tier, details in transfers:
        assert (sender, event_tier) == (from_org, tier) and org != from_org
        assert f'"to_organization_id": {org}' in details and from_tier != tier


def test_deadlines_are_the_clocks_and_the_rest_is_consistent(app, loaded):
    for start, due in rows("SELECT acceptance_clock_start, acceptance_deadline FROM cases"):
        assert due == deadlines.acceptance_deadline(start)
    for tier, start, extension, due in rows(
        "SELECT tier, mediation_clock_start, coalesce(extension_days, 0), mediation_deadline"
        " FROM cases WHERE mediation_clock_start IS NOT NULL"
    ):
        expected = (
            deadlines.court_mediation_deadline(start, extension)
            if tier == "court"
            else deadlines.mediation_deadline(start, extension)
        )
        assert due == expected
    assert (
        scalar(
            "SELECT count(*) FROM cases WHERE state <> 'applied' AND mediator_id IS NULL"
            " AND outcome IS DISTINCT FROM 'declined' AND outcome IS DISTINCT FROM 'withdrawn'"
        )
        == 0
    )
    # Every resolved case has its agreement, for no more than was claimed.
    assert (
        scalar(
            "SELECT count(*) FROM cases c LEFT JOIN agreements a ON a.case_id = c.id"
            " WHERE c.outcome = 'resolved' AND (a.id IS NULL OR a.amount >"
            " (SELECT sum(amount) FROM claims WHERE case_id = c.id))"
        )
        == 0
    )
    assert scalar("SELECT count(*) FROM referrals") > 0
    assert scalar("SELECT count(*) FROM ratings") > 0
    assert scalar("SELECT count(*) FROM referrals WHERE state = 'placed'") > 0


def test_the_app_keeps_working_on_the_loaded_database(app, loaded):
    """After a load a new filing gets the next free id and number (the COPY already held
    every row to the schema's CHECK and UNIQUE constraints), and worker1, whose case page
    the benchmark measures, has cases."""
    case = filed_case()
    assert case.id == CASES + 1
    assert scalar("SELECT count(*) FROM cases WHERE number = :n", n=case.number) == 1
    assert (
        scalar(
            "SELECT count(*) FROM cases c JOIN users u ON u.id = c.applicant_id"
            " WHERE u.username = 'worker1'"
        )
        > 1
    )
