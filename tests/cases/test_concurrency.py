"""Concurrent claims and filings on a real database: exactly one winner, no duplicate numbers."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from mediation.auth import accounts
from mediation.cases.operations import claim
from mediation.core.errors import Refused
from mediation.extensions import db
from mediation.models import AuditEvent, Case, Organization, Role
from tests.factories import application, user

pytestmark = [pytest.mark.both_databases, pytest.mark.commits]  # each thread has its own connection


def run_in_threads(app, workers: int, job) -> list:
    """Run ``job(index)`` in ``workers`` threads that start together, each in its own app
    context and database session, as requests in a threaded server would."""
    barrier = threading.Barrier(workers)

    def run(index):
        with app.app_context():
            barrier.wait()
            try:
                return job(index)
            finally:
                db.session.remove()

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(run, range(workers)))


def test_concurrent_claims_give_every_case_exactly_one_mediator(app, demo):
    from mediation.cases.filing import file_case

    big = app.config["DATABASE_KIND"] == "postgresql"
    threads, cases = (10, 50) if big else (5, 20)
    organization = db.session.scalar(
        select(Organization).where(Organization.name == "凤城街道劳动人事争议调解中心")
    )
    mediators = [
        accounts.create_staff(
            actor=None,
            username=f"med_{i}",
            name=f"调解员{i}",
            role=Role.mediator,
            password="pass-word-1",
            organization=organization,
        ).username
        for i in range(threads)
    ]
    worker = user("worker1")
    case_ids = [file_case(application(), actor=worker).id for _ in range(cases)]
    db.session.commit()

    def claim_all(index):
        me = user(mediators[index])
        won = 0
        for case_id in case_ids:
            try:
                claim(db.session.get(Case, case_id), actor=me)
                db.session.commit()
                won += 1
            except Refused:
                db.session.rollback()
        return won

    wins = run_in_threads(app, threads, claim_all)
    assert sum(wins) == cases
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Case.id)).where(Case.mediator_id.is_(None))) == 0
    claims_per_case = db.session.execute(
        select(AuditEvent.case_id, func.count())
        .where(AuditEvent.action == "case.claim")
        .group_by(AuditEvent.case_id)
    ).all()
    assert len(claims_per_case) == cases and {count for _, count in claims_per_case} == {1}


def test_concurrent_filings_get_consecutive_numbers_without_duplicates(app, demo):
    from mediation.cases.filing import file_case

    threads, each = 10, 5

    def file_some(index):
        numbers = []
        for _ in range(each):
            numbers.append(file_case(application(), actor=user("worker1")).number)
            db.session.commit()
        return numbers

    numbers = [n for batch in run_in_threads(app, threads, file_some) for n in batch]
    sequence = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert sequence == list(range(1, threads * each + 1))
