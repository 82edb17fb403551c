"""Extending the mediation period with the parties' own consent: proposed by the mediator,
answered online by each party, or consented to on a signed paper form the mediator uploads."""

import io
import threading

import pytest
from sqlalchemy import select

from mediation import policy
from mediation.cases import extension
from mediation.core.errors import Invalid, NotPermitted, Refused
from mediation.extensions import db
from mediation.models import Answer, AuditEvent, Case, Notification, ProposalStatus, StoredFile
from mediation.policy import Act
from tests.cases.test_concurrency import run_in_threads
from tests.factories import mediating_case, paper_scan, user
from tests.upload_files import MINIMAL_PDF
from workflows import deadlines

PDF = MINIMAL_PDF


def test_both_parties_agree_online_and_the_period_is_extended(app, demo, in_request):
    case = mediating_case()
    before = case.mediation_deadline
    proposal = extension.propose_extension(
        case, actor=user("med_hr"), days=10, reason="需要调取考勤记录"
    )
    told = db.session.scalars(
        select(Notification.user_id).where(Notification.kind == "extension_proposed")
    ).all()
    assert {user("worker1").id, user("employer1").id} <= set(told)
    extension.answer_extension(case, actor=user("worker1"), consent=True)
    assert case.extension_days is None and proposal.status == ProposalStatus.open
    extension.answer_extension(case, actor=user("employer1"), consent=True)
    assert proposal.status == ProposalStatus.agreed
    assert case.extension_days == 10
    assert case.mediation_deadline == deadlines.mediation_deadline(case.mediation_clock_start, 10)
    assert case.mediation_deadline > before
    extended = db.session.scalar(
        select(AuditEvent).where(AuditEvent.case_id == case.id, AuditEvent.action == "case.extend")
    )
    assert extended.actor_id == user("employer1").id  # the consent that completed it


def test_a_refusal_ends_the_proposal(app, demo, in_request):
    case = mediating_case()
    proposal = extension.propose_extension(case, actor=user("med_hr"), days=5, reason="再谈一次")
    extension.answer_extension(case, actor=user("worker1"), consent=False)
    assert proposal.status == ProposalStatus.refused and case.extension_days is None
    with pytest.raises(Refused):
        extension.answer_extension(case, actor=user("employer1"), consent=True)
    # The mediator may propose again: the one extension has not been used.
    extension.propose_extension(case, actor=user("med_hr"), days=5, reason="双方再考虑")


def test_only_the_mediator_proposes_and_only_within_the_limits(app, demo, in_request):
    case = mediating_case()
    with pytest.raises(NotPermitted):
        extension.propose_extension(case, actor=user("worker1"), days=5, reason="我想延长")
    with pytest.raises(Invalid) as raised:
        extension.propose_extension(case, actor=user("med_hr"), days=16, reason=" ")
    assert set(raised.value.errors) == {"days", "reason"}
    extension.propose_extension(case, actor=user("med_hr"), days=5, reason="核对")
    with pytest.raises(Refused):  # one proposal at a time
        extension.propose_extension(case, actor=user("med_hr"), days=5, reason="核对")


def test_paper_consent_with_the_signed_form_extends(app, demo, in_request):
    case = mediating_case()
    extension.propose_extension(case, actor=user("med_hr"), days=7, reason="当面签字同意")
    with pytest.raises(NotPermitted):
        extension.record_paper_consent(case, actor=user("worker1"), form=paper_scan())
    proposal = extension.record_paper_consent(case, actor=user("med_hr"), form=paper_scan())
    assert proposal.status == ProposalStatus.agreed and proposal.paper_form_id is not None
    assert case.extension_days == 7


def test_the_pages_propose_answer_and_refuse_a_form_that_is_not_a_document(app, demo, make_browser):
    with app.test_request_context():
        case = mediating_case()
    page = f"/cases/{case.id}"
    english = {"Accept-Language": "en"}
    mediator = make_browser()
    mediator.login("med_hr")
    data = {"extension-days": "10", "extension-reason": "需要调取考勤记录"}
    assert mediator.submit(f"{page}/extension", data, page=page).status_code == 302
    worker = make_browser()
    worker.login("worker1")
    html = worker.get(page, headers=english).get_data(as_text=True)
    assert "需要调取考勤记录" in html and "Do you agree to give the mediation more time?" in html
    answer = {"extension-answer-answer": "agree"}
    assert worker.submit(f"{page}/extension/consent", answer, page=page).status_code == 302
    assert "Do you agree to give" not in worker.get(page, headers=english).get_data(as_text=True)
    html_as_pdf = (io.BytesIO(b"<html><script>alert(1)</script></html>"), "同意书.pdf")
    response = mediator.submit(
        f"{page}/extension/paper",
        {"paper-form": html_as_pdf},
        page=page,
        headers=english,
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Case, case.id).extension_days is None
    signed = (io.BytesIO(PDF), "延期同意书.pdf")
    response = mediator.submit(
        f"{page}/extension/paper",
        {"paper-form": signed},
        page=page,
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).extension_days == 10
    stored = db.session.scalar(select(StoredFile).where(StoredFile.case_id == case.id))
    assert stored.original_name == "延期同意书.pdf"


# --- at the same moment -------------------------------------------------------------------------
# Each operation takes the case's lock and reads the proposals again under it (PostgreSQL; on
# SQLite, the embedded set-up of `make run`, writers take turns on the whole file).

ROUNDS = 3


def both_read_then_both_send(
    app, case_ids: list[int], act: Act, people: tuple[str, str], send
) -> list[list[str]]:
    """Two people each open the case page (the views ask the policy first), then both send:
    for each case, ``send(person, case)`` in two threads only once both have read it. Each
    person's list says per case whether it was done or refused."""
    both_read = threading.Barrier(2)

    def person(index: int) -> list[str]:
        outcomes = []
        for case_id in case_ids:
            with app.test_request_context():
                case, me = db.session.get(Case, case_id), user(people[index])
                allowed = policy.may_act(me, case, act)
                both_read.wait()
                try:
                    if not allowed:
                        raise Refused("not_allowed_in_state")
                    send(me, case)
                    db.session.commit()
                    outcomes.append("done")
                except Refused:
                    db.session.rollback()
                    outcomes.append("refused")
        return outcomes

    return run_in_threads(app, 2, person)


@pytest.mark.commits
@pytest.mark.postgresql_only
def test_both_parties_agreeing_at_the_same_moment_extend_the_period(app, demo):
    with app.test_request_context():
        cases = [mediating_case() for _ in range(ROUNDS)]
        for case in cases:
            extension.propose_extension(case, actor=user("med_hr"), days=10, reason="调取记录")
        db.session.commit()

    def agree(party, case: Case) -> None:
        extension.answer_extension(case, actor=party, consent=True)

    answers = both_read_then_both_send(
        app, [c.id for c in cases], Act.answer_extension, ("worker1", "employer1"), agree
    )
    assert answers == [["done"] * ROUNDS] * 2
    db.session.expire_all()
    for extended in (db.session.get(Case, c.id) for c in cases):
        [proposal] = extended.extension_proposals
        assert (proposal.applicant_answer, proposal.respondent_answer) == (Answer.agreed,) * 2
        assert proposal.status == ProposalStatus.agreed, extended.number
        assert extended.extension_days == 10, extended.number


@pytest.mark.commits
@pytest.mark.postgresql_only
def test_a_proposal_sent_twice_at_the_same_moment_is_made_once(app, demo):
    with app.test_request_context():
        cases = [mediating_case() for _ in range(ROUNDS)]

    def propose(mediator, case: Case) -> None:
        extension.propose_extension(case, actor=mediator, days=5, reason="核对")

    # The same mediator, on two devices.
    first, second = both_read_then_both_send(
        app, [c.id for c in cases], Act.propose_extension, ("med_hr", "med_hr"), propose
    )
    outcomes = [sorted(pair) for pair in zip(first, second, strict=True)]
    assert outcomes == [["done", "refused"]] * ROUNDS
    db.session.expire_all()
    for case in cases:
        assert len(db.session.get(Case, case.id).extension_proposals) == 1
