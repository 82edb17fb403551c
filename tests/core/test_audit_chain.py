"""The audit log is tamper-evident: a changed, removed or slipped-in event is found and named,
and on PostgreSQL the database itself refuses to rewrite the log."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from mediation.core import audit, audit_chain
from mediation.extensions import db
from mediation.models import AuditEvent, AuditSeal
from mediation.models.types import utcnow
from tests.factories import filed_case, user

pytestmark = pytest.mark.both_databases


@pytest.fixture
def sealed(app, demo):
    with app.test_request_context():
        case = filed_case()
        audit.record("account.login", actor=user("worker1"), subject=user("worker1"))
        db.session.commit()
    while audit_chain.seal():
        pass
    return case


def raw(statement: str, **values) -> None:
    """What someone with database access, not the application, would do."""
    db.session.execute(text(statement), values)


def test_a_sealed_log_verifies(app, sealed):
    assert audit_chain.verify() == []
    events = db.session.scalar(select(func.count(AuditEvent.id)))
    assert db.session.scalar(select(func.count(AuditSeal.seq))) == events
    assert audit_chain.seal() == 0  # nothing left to seal; a second sealer finds nothing


def test_the_sealer_picks_up_an_event_committed_after_later_ones_were_sealed(app, sealed):
    audit.record("case.identity_viewed", actor=user("med_hr"), subject=sealed)
    db.session.commit()
    assert audit_chain.seal() == 1 and audit_chain.verify() == []


@pytest.mark.sqlite_only
def test_a_changed_event_is_found_and_named(app, sealed):
    event_id = db.session.scalar(
        select(AuditEvent.id).where(
            AuditEvent.action == "case.apply", AuditEvent.case_id == sealed.id
        )
    )
    raw("UPDATE audit_events SET actor_id = NULL WHERE id = :id", id=event_id)
    (problem,) = audit_chain.verify()
    assert problem.event_id == event_id and "changed" in problem.what


@pytest.mark.sqlite_only
def test_a_removed_event_is_found(app, sealed):
    event_id = db.session.scalar(select(func.min(AuditEvent.id)))
    raw("DELETE FROM audit_seals WHERE event_id = :id", id=event_id)
    raw("DELETE FROM audit_events WHERE id = :id", id=event_id)
    problems = audit_chain.verify()
    assert any("missing" in problem.what for problem in problems)


@pytest.mark.sqlite_only
def test_a_chain_rebuilt_without_the_key_is_found(app, sealed):
    """Someone edits an event and rewrites its seal's content hash: the chain gives it away."""
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.case_id == sealed.id))
    raw("UPDATE audit_events SET note = 'nothing happened' WHERE id = :id", id=event.id)
    db.session.expire_all()
    forged = audit_chain.content_hash(db.session.get(AuditEvent, event.id))
    raw(
        "UPDATE audit_seals SET content_hash = :hash WHERE event_id = :id", hash=forged, id=event.id
    )
    problems = audit_chain.verify()
    assert {problem.event_id for problem in problems} == {event.id}
    assert any("chain is broken" in problem.what for problem in problems)


@pytest.mark.sqlite_only
def test_an_event_slipped_in_is_found(app, sealed):
    raw(
        "INSERT INTO audit_events (occurred_at, action, note) VALUES (:at, 'account.login', 'x')",
        at=utcnow() - timedelta(hours=1),
    )
    (problem,) = audit_chain.verify()
    assert problem.seq is None and "never sealed" in problem.what


def test_flask_audit_verify_says_the_log_is_whole(app, sealed):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "unchanged" in result.output


@pytest.mark.postgresql_only
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET note = 'rewritten'",
        "DELETE FROM audit_events",
        "DELETE FROM audit_seals",
    ],
)
def test_postgresql_refuses_to_rewrite_the_log(app, sealed, statement):
    with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
        raw(statement)
