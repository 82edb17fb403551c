"""Each statement the app runs is compiled once a process, then taken from SQLAlchemy's cache.

A statement SQLAlchemy cannot key is compiled again at every execution (1 to 2 ms each). An
INSERT with ON CONFLICT had no key, and every filing and transition runs several to keep the
figure rollups (``mediation.extensions.upsert_insert``): a filing spent a quarter of its time
compiling them.
"""

import pytest
from sqlalchemy import event
from sqlalchemy.engine.interfaces import CacheStats

from mediation.cases.operations import fire
from mediation.extensions import db
from tests.factories import filed_case, held_session, user

pytestmark = pytest.mark.both_databases

CONTROL = ("BEGIN", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def compiled_meanwhile(work) -> list[str]:
    """The statements ``work`` had compiled instead of taking them from the cache."""
    compiled = []

    def note(conn, cursor, statement, parameters, context, executemany):
        # Transaction control (BEGIN, SAVEPOINT …) has nothing to cache.
        if context.cache_hit is not CacheStats.CACHE_HIT and not statement.startswith(CONTROL):
            compiled.append(" ".join(statement.split())[:160])

    event.listen(db.engine, "after_cursor_execute", note)
    try:
        work()
    finally:
        event.remove(db.engine, "after_cursor_execute", note)
    return compiled


def a_case_to_its_agreement() -> None:
    """Filed, accepted, mediated with a session, settled and closed: the writes that keep the
    counters, reminders, read marks and figure rollups."""
    case = filed_case()
    mediator = user("med_hr")
    fire(case, "accept", actor=mediator, respondent_consent=True, consent_via="window")
    fire(case, "mediate", actor=mediator)
    held_session(case, "双方同意分两期支付。")
    db.session.commit()


def test_the_second_case_through_the_same_steps_compiles_no_statement(app, demo):
    a_case_to_its_agreement()
    assert compiled_meanwhile(a_case_to_its_agreement) == []
