"""The audit log only grows."""

import pytest
from sqlalchemy import select

from mediation.extensions import db
from mediation.models import AuditEvent
from mediation.models.events import AuditLogIsAppendOnly

pytestmark = pytest.mark.both_databases


def test_sign_in_and_out_leave_audit_events(app, demo, browser):
    browser.login("worker1")
    browser.logout()
    actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-2:] == ["account.login", "account.logout"]


def test_audit_events_cannot_be_changed_or_deleted(app, demo):
    event = db.session.scalar(select(AuditEvent).limit(1))
    event.note = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.scalar(select(AuditEvent).limit(1)))
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
