"""The benchmark loader lives its batches in several processes at once (bench/load.py): the
year it writes is the same whatever the number of processes, and a process that fails
stops the load with its reason instead of leaving it waiting."""

from datetime import datetime

import pytest
from sqlalchemy import text

from bench.load import load
from mediation.demo import seed_demo
from mediation.extensions import db
from tests.bench import libpq_url
from tests.conftest import empty_all_tables, restore_reference_data

pytestmark = [pytest.mark.postgresql_only, pytest.mark.commits]

NOW = datetime(2026, 12, 4, 15, 30)  # Shanghai: the same year for both loads

# What an operator reads of the loaded year (not the database's own ids of the tables it
# numbers itself, nor what the demo world itself wrote, a new world each time: password
# hashes salted anew, the events of its making).
FINGERPRINT = """
SELECT (SELECT md5(string_agg(concat_ws('|', id, number, state, outcome, organization_id,
            mediator_id, applicant_id, applicant_name, employer_id, received_at, closed_at),
            ',' ORDER BY id)) FROM cases),
       (SELECT md5(string_agg(concat_ws('|', id, username, name, phone, id_number), ','
            ORDER BY id)) FROM users),
       (SELECT md5(string_agg(concat_ws('|', id, kind, trigger_key, case_ids::text,
            acknowledged_at), ',' ORDER BY id)) FROM alerts),
       (SELECT md5(string_agg(concat_ws('|', case_id, action, occurred_at, actor_id,
            details::text), ',' ORDER BY case_id, occurred_at, action, actor_id, details::text))
        FROM audit_events WHERE case_id IS NOT NULL OR subject_type = 'alerts'),
       (SELECT md5(string_agg(concat_ws('|', organization_id, year, last_value), ','
            ORDER BY organization_id, year)) FROM case_counters)
"""


def _load_into_a_new_world(app, processes: int, cases: int = 600):
    seed_demo()
    db.session.commit()
    load(libpq_url(app), cases, batch=100, processes=processes, now=NOW)
    loaded = db.session.execute(text(FINGERPRINT)).one()
    assert db.session.scalar(text("SELECT count(*) FROM cases")) == cases
    db.session.remove()
    empty_all_tables()
    restore_reference_data()
    return loaded


def test_the_year_does_not_depend_on_how_many_processes_live_it(app):
    one = _load_into_a_new_world(app, processes=1)
    assert _load_into_a_new_world(app, processes=3) == one


def test_case_numbers_follow_receipt_across_batches_lived_at_once(app):
    """Six batches on three processes: each organisation's numbers for a year run 1, 2, 3…
    in the order of the case ids, without a gap or a repeat."""
    seed_demo()
    db.session.commit()
    load(libpq_url(app), 600, batch=100, processes=3, now=NOW)
    numbered = db.session.execute(
        text(
            "SELECT split_part(number, '-', 1) || split_part(number, '-', 2),"
            " array_agg(split_part(number, '-', 3)::int ORDER BY id) FROM cases GROUP BY 1"
        )
    ).all()
    assert len(numbered) > 3
    for series, sequences in numbered:
        assert sequences == list(range(1, len(sequences) + 1)), series
    # The next filing's number continues them.
    counters = dict(
        db.session.execute(
            text(
                "SELECT o.case_prefix || c.year, c.last_value FROM case_counters c"
                " JOIN organizations o ON o.id = c.organization_id"
            )
        ).all()
    )
    for series, sequences in numbered:
        assert counters[series] == len(sequences), series


def test_a_process_that_fails_stops_the_load_with_its_reason(app):
    """An account already holds the username the first invented worker gets: that batch's
    COPY fails in its process, and the load says so (rather than waiting for the batch)."""
    seed_demo()
    db.session.execute(
        text(
            "INSERT INTO users (username, name, role, active, password_hash, created_at,"
            " password_changed_at)"
            " VALUES ('bench_w0', '占位', 'admin', true, 'x', now(), now())"
        )
    )
    db.session.commit()
    with pytest.raises(RuntimeError, match=r"\(username\)=\(bench_w0\) already exists"):
        load(libpq_url(app), 600, batch=100, processes=2, now=NOW)
