"""The audit log made tamper-evident: each event is sealed into one global chain and into its
case's chain, and ``verify`` finds any event changed, removed or slipped in since.

Events are written by requests as they happen; the sealer (a Celery job every minute, or
``flask audit seal``) links the committed, unsealed ones in order. Sealing after the commit
keeps requests from queueing on one chain head, and an event whose transaction commits late
is simply sealed in the next round. The seals are HMACs keyed from the app's secret, so
someone who can write to the database but does not hold the key cannot rebuild the chain
after editing it. On PostgreSQL a trigger also refuses UPDATE and DELETE on both tables
(migration 0013).
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError

from mediation.extensions import db
from mediation.models import AuditEvent, AuditSeal
from mediation.models.types import utcnow

# A late transaction commits an event with an id below those sealed already; seal candidates
# are looked for this far below the newest seal, so a round never scans the whole log.
LATE_COMMIT_WINDOW = 10_000
# An event unsealed for longer than this was not written by the application (or the sealer
# has stopped): verify reports it.
SEAL_WITHIN = timedelta(minutes=10)
GENESIS = "0" * 64
_CONTENT = (
    "id",
    "occurred_at",
    "actor_id",
    "actor_role",
    "action",
    "subject_type",
    "subject_id",
    "note",
    "details",
    "case_id",
    "from_state",
    "to_state",
    "tier",
    "organization_id",
)


def _key() -> bytes:
    secret = current_app.config.get("AUDIT_CHAIN_KEY") or current_app.config["SECRET_KEY"]
    return hashlib.sha256(b"audit-chain:" + secret.encode()).digest()


def content_hash(event) -> str:
    """The hash of what an event says (an AuditEvent, or a row with the same columns)."""
    values = []
    for name in _CONTENT:
        value = getattr(event, name)
        values.append(value.isoformat() if isinstance(value, datetime) else value)
    canonical = json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _link(previous: str, content: str) -> str:
    return hmac.new(_key(), f"{previous}:{content}".encode(), hashlib.sha256).hexdigest()


def seal(limit: int = 5000) -> int:
    """Seal up to ``limit`` committed events in id order; returns how many. Commits: this is a
    background job. Two sealers at once: one loses on the unique ``seq`` and rolls back."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtext('audit_seal'))"))
    head = db.session.execute(
        select(AuditSeal.seq, AuditSeal.chain_hash).order_by(AuditSeal.seq.desc()).limit(1)
    ).first()
    seq, chain = head if head else (0, GENESIS)
    newest = db.session.scalar(select(func.max(AuditSeal.event_id))) or 0
    events = db.session.scalars(
        select(AuditEvent)
        .outerjoin(AuditSeal, AuditSeal.event_id == AuditEvent.id)
        .where(AuditSeal.event_id.is_(None), AuditEvent.id > newest - LATE_COMMIT_WINDOW)
        .order_by(AuditEvent.id)
        .limit(limit)
    ).all()
    case_heads: dict[int, str] = {}
    rows = []
    for event in events:
        content = content_hash(event)
        seq, chain = seq + 1, _link(chain, content)
        case_chain = None
        if event.case_id is not None:
            previous = case_heads.get(event.case_id) or _case_head(event.case_id)
            case_chain = case_heads[event.case_id] = _link(previous, content)
        rows.append(
            {
                "event_id": event.id,
                "seq": seq,
                "content_hash": content,
                "chain_hash": chain,
                "case_chain_hash": case_chain,
                "sealed_at": utcnow(),
            }
        )
    if not rows:
        db.session.rollback()
        return 0
    try:
        db.session.execute(insert(AuditSeal), rows)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # another sealer got there first; the next round continues
        return 0
    return len(rows)


def _case_head(case_id: int) -> str:
    found = db.session.scalar(
        select(AuditSeal.case_chain_hash)
        .join(AuditEvent, AuditEvent.id == AuditSeal.event_id)
        .where(AuditEvent.case_id == case_id)
        .order_by(AuditSeal.seq.desc())
        .limit(1)
    )
    return found or GENESIS


@dataclass(frozen=True)
class Problem:
    event_id: int | None
    seq: int | None
    what: str

    def __str__(self) -> str:
        where = f"seal {self.seq}" if self.seq is not None else "no seal"
        return f"event {self.event_id if self.event_id is not None else '?'} ({where}): {self.what}"


def verify(*, now: datetime | None = None, batch: int = 10_000) -> list[Problem]:
    """Walk every seal in order, recomputing each event's content and both chains."""
    problems: list[Problem] = []
    expected_seq, chain = 1, GENESIS
    case_heads: dict[int, str] = {}
    after = 0
    while True:
        rows = db.session.execute(
            select(
                AuditSeal.seq,
                AuditSeal.event_id,
                AuditSeal.content_hash.label("sealed_content"),
                AuditSeal.chain_hash,
                AuditSeal.case_chain_hash,
                *(getattr(AuditEvent, name) for name in _CONTENT),
            )
            .outerjoin(AuditEvent, AuditEvent.id == AuditSeal.event_id)
            .where(AuditSeal.seq > after)
            .order_by(AuditSeal.seq)
            .limit(batch)
        ).all()
        if not rows:
            break
        for row in rows:
            after = row.seq
            if row.seq != expected_seq:
                problems.append(
                    Problem(
                        row.event_id,
                        row.seq,
                        f"seals {expected_seq} to {row.seq - 1} are missing: events were removed",
                    )
                )
            expected_seq = row.seq + 1
            if row.id is None:
                problems.append(Problem(row.event_id, row.seq, "the event is gone"))
                chain = row.chain_hash
                continue
            if content_hash(row) != row.sealed_content:
                problems.append(Problem(row.id, row.seq, "the event was changed"))
            if _link(chain, row.sealed_content) != row.chain_hash:
                problems.append(Problem(row.id, row.seq, "the chain is broken before this seal"))
            chain = row.chain_hash
            if row.case_id is not None:
                previous = case_heads.get(row.case_id, GENESIS)
                if _link(previous, row.sealed_content) != row.case_chain_hash:
                    problems.append(
                        Problem(row.id, row.seq, f"case {row.case_id}'s chain is broken")
                    )
                case_heads[row.case_id] = row.case_chain_hash
    cutoff = (now or utcnow()) - SEAL_WITHIN
    unsealed = db.session.scalars(
        select(AuditEvent.id)
        .outerjoin(AuditSeal, AuditSeal.event_id == AuditEvent.id)
        .where(AuditSeal.event_id.is_(None), AuditEvent.occurred_at < cutoff)
        .order_by(AuditEvent.id)
    ).all()
    problems.extend(
        Problem(event_id, None, "never sealed: written outside the application")
        for event_id in unsealed
    )
    return problems
