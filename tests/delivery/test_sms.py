"""SMS through a real HTTP gateway: who is told what, in which language, and that a message
is neither lost nor sent twice whatever the gateway does."""

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from mediation.auth import codes
from mediation.cases import agreements, sessions
from mediation.cases.operations import fire
from mediation.core.notifications import notify
from mediation.core.recipients import Contact
from mediation.delivery.channels import install_channels
from mediation.delivery.outbox import MAX_TRIES, deliver_due
from mediation.delivery.tasks import cleanup
from mediation.extensions import db
from mediation.models import (
    Channel,
    CodePurpose,
    DeliveryChannel,
    DeliveryStatus,
    OutboxMessage,
    SessionMode,
)
from mediation.models.types import utcnow
from tests.factories import filed_case, user

pytestmark = pytest.mark.both_databases

WORKER_ID = "441802199003150013"
EMPLOYER_PHONE = "13900139001"
WORKER_PHONE = "13800138001"


def employer_with_phone(locale="zh_CN"):
    employer = user("employer1")
    employer.phone, employer.locale = EMPLOYER_PHONE, locale
    return employer


def sms_rows(**where):
    query = select(OutboxMessage).where(OutboxMessage.channel == DeliveryChannel.sms)
    for name, value in where.items():
        query = query.where(getattr(OutboxMessage, name) == value)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def deliver_until_done(start: datetime, *, until: timedelta = timedelta(hours=4)) -> datetime:
    """Run the deliverer at each moment a message falls due, as beat would, until none waits;
    returns the simulated time it stopped at."""
    now = start
    while now - start <= until:
        deliver_due(now=now)
        waiting = db.session.scalar(
            select(db.func.min(OutboxMessage.next_attempt_at)).where(
                OutboxMessage.status == DeliveryStatus.pending
            )
        )
        if waiting is None:
            return now
        now = max(now + timedelta(seconds=1), waiting)
    return now


def test_a_case_walked_to_closure_reaches_both_parties_in_their_languages(app, demo, gateway):
    worker = user("worker1")
    worker.locale = "en"
    employer_with_phone()
    db.session.commit()
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        case = filed_case()
        mediator = user("med_hr")
        fire(case, "accept", actor=mediator, respondent_consent=True, consent_via="window")
        fire(case, "mediate", actor=mediator)
        sessions.schedule_session(
            case,
            actor=mediator,
            starts_at=utcnow() + timedelta(days=2),
            mode=SessionMode.video,
            video_link="https://meet.example.cn/r/123",
        )
        agreements.draft_agreement(
            case, actor=mediator, terms="公司支付工资13000元。", amount=13000, due_date=None
        )
        agreements.sign(case, actor=worker, version=case.agreement.version, password="demo-2026")
        agreements.sign(
            case, actor=user("employer1"), version=case.agreement.version, password="demo-2026"
        )
        fire(case, "settle", actor=mediator)
        db.session.commit()
    deliver_due()

    to_worker = gateway.texts_to(WORKER_PHONE)
    to_employer = gateway.texts_to(EMPLOYER_PHONE)
    # The worker reads English although the requests that caused the notices were Chinese.
    assert all(text.startswith("[Labour dispute mediation]") for text in to_worker)
    assert all(case.number in text for text in to_worker + to_employer)
    for expected in (
        "was received by",
        "was accepted for mediation",
        "https://meet.example.cn/r/123",
        "is ready for you to sign",
        "陈静 signed the agreement",
        "was settled by agreement",
    ):
        assert any(expected in text for text in to_worker), expected
    assert all(text.startswith("【劳动争议调解】") for text in to_employer)
    assert any("对贵单位提出调解申请" in text for text in to_employer)
    assert any("李明" in text and "签署" in text for text in to_employer)
    everything = " ".join(body["text"] for body in gateway.received)
    assert WORKER_ID not in everything
    assert EMPLOYER_PHONE not in " ".join(to_worker) and WORKER_PHONE not in " ".join(to_employer)
    assert gateway.headers[0]["Authorization"] == "Bearer gateway-secret"
    assert all(len(body["text"]) <= 500 for body in gateway.received)


def test_a_failed_mediation_tells_the_worker_from_when_and_where_to_apply(app, demo, gateway):
    user("worker1").locale = "en"
    db.session.commit()
    with app.test_request_context():
        case = filed_case()
        mediator = user("med_hr")
        fire(case, "accept", actor=mediator, respondent_consent=True, consent_via="window")
        fire(case, "mediate", actor=mediator)
        fire(case, "fail", actor=mediator, reason="双方分歧较大")
        db.session.commit()
    deliver_due()
    (ended,) = [text for text in gateway.texts_to(WORKER_PHONE) if "without agreement" in text]
    assert "劳动人事争议仲裁委员会" in ended and "2026" in ended


def test_a_busy_gateway_still_gets_every_message_exactly_once(app, demo, gateway):
    phones = [f"1390000000{i}" for i in range(5)]
    for phone in phones:
        notify([_walk_in(phone)], "withdrawn", number="LD-2026-000001")
    db.session.commit()
    gateway.script = [503, 503, 503]
    start = utcnow()
    deliver_until_done(start)
    assert len(gateway.accepted) == 5 and set(gateway.accepted.values()) == {1}
    assert len(gateway.received) == 8  # three refusals, each retried
    assert {row.status for row in sms_rows()} == {DeliveryStatus.sent}
    retried = [row for row in sms_rows() if row.attempts > 1]
    assert len(retried) == 3 and all(row.last_error is None for row in retried)


def test_a_gateway_down_for_an_hour_loses_nothing(app, demo, gateway):
    with app.test_request_context():
        case = filed_case()
        db.session.commit()
    expected = {row.message_id for row in sms_rows()}
    assert expected
    live_url = gateway.url
    # Nothing listens on the discard port: every connection is refused.
    app.config["SMS_GATEWAY_URL"] = "http://127.0.0.1:9/send"
    install_channels(app)
    start = utcnow()
    stopped = deliver_until_done(start, until=timedelta(hours=1))
    assert gateway.received == []
    tries = {row.message_id: row.attempts for row in sms_rows()}
    assert min(tries.values()) >= 5 and stopped - start >= timedelta(hours=1)
    assert all("unreachable" in row.last_error for row in sms_rows())
    assert {row.status for row in sms_rows()} == {DeliveryStatus.pending}

    app.config["SMS_GATEWAY_URL"] = live_url
    install_channels(app)
    deliver_until_done(stopped)
    assert set(gateway.accepted) == expected and set(gateway.accepted.values()) == {1}
    assert case.state == "applied"


def test_a_message_the_gateway_never_takes_is_marked_failed_for_staff(app, demo, gateway):
    notify([_walk_in("13900000009")], "withdrawn", number="LD-2026-000002")
    db.session.commit()
    gateway.script = [500] * MAX_TRIES
    deliver_until_done(utcnow(), until=timedelta(days=1))
    (row,) = sms_rows()
    assert row.status is DeliveryStatus.failed and row.attempts == MAX_TRIES
    assert "HTTP 500" in row.last_error


def test_garbage_from_the_gateway_is_a_recorded_failure_then_a_retry(app, demo, gateway):
    notify([_walk_in("13900000008")], "withdrawn", number="LD-2026-000003")
    db.session.commit()
    gateway.script = ["garbage"]
    report = deliver_due()
    assert (report.sent, report.retried) == (0, 1)
    (row,) = sms_rows()
    assert row.status is DeliveryStatus.pending and "unreachable" in row.last_error
    deliver_until_done(utcnow())
    assert row.status is DeliveryStatus.sent and set(gateway.accepted.values()) == {1}


def test_a_number_that_is_not_a_mainland_mobile_is_failed_at_once(app, demo, gateway):
    notify([_walk_in("+852 9123 4567")], "withdrawn", number="LD-2026-000004")
    db.session.commit()
    deliver_due()
    (row,) = sms_rows()
    assert row.status is DeliveryStatus.failed and "mainland" in row.last_error
    assert gateway.received == []


def test_a_walk_in_applicant_is_told_by_sms_at_the_number_given_at_the_window(app, demo, gateway):
    with app.test_request_context():
        case = filed_case(by="med_hr", channel=Channel.window)
        db.session.commit()
    deliver_due()
    assert case.applicant is None
    # The filing notice and the progress code (/track): no account to follow a link into.
    texts = gateway.texts_to(case.applicant_phone)
    assert len(texts) == 2
    assert all(case.number in text and "http" not in text for text in texts)


def test_reasons_typed_by_staff_lose_id_and_phone_numbers_and_stay_within_500(app, demo, gateway):
    with app.test_request_context():
        case = filed_case()
        reason = f"申请人身份证{WORKER_ID}，联系人电话13912345678。" + "理由" * 400
        fire(case, "decline", actor=user("med_hr"), reason=reason)
        db.session.commit()
    deliver_due()
    (declined,) = [text for text in gateway.texts_to(WORKER_PHONE) if "理由理由" in text]
    assert WORKER_ID not in declined and "441802********0013" in declined
    assert "13912345678" not in declined and "139****5678" in declined
    assert len(declined) == 500 and declined.endswith("…")


def test_information_sms_can_be_turned_off_but_legal_notices_still_go(app, demo, gateway):
    worker = user("worker1")
    worker.sms_information = False
    db.session.commit()
    with app.test_request_context():
        case = filed_case()
        fire(case, "accept", actor=user("med_hr"), respondent_consent=True, consent_via="window")
        db.session.commit()
    deliver_due()
    # The acceptance and its notice served, not the filing receipt.
    texts = gateway.texts_to(WORKER_PHONE)
    assert len(texts) == 2 and all("受理" in text for text in texts)


def test_an_unverified_phone_gets_no_sms(app, demo, gateway):
    worker = user("worker1")
    worker.phone_verified_at = None
    db.session.commit()
    with app.test_request_context():
        filed_case()
        db.session.commit()
    deliver_due()
    assert gateway.texts_to(WORKER_PHONE) == []


def test_a_notice_never_waits_for_the_gateway(app, demo):
    """Filing commits with the gateway unreachable: the SMS waits in the outbox."""
    app.config["SMS_GATEWAY_URL"] = "http://127.0.0.1:9/send"
    install_channels(app)
    try:
        with app.test_request_context():
            case = filed_case()
            db.session.commit()
        deliver_due()
    finally:
        app.config["SMS_GATEWAY_URL"] = None
        install_channels(app)
    assert case.state == "applied" and sms_rows()[0].status is DeliveryStatus.pending


def _walk_in(phone):
    return Contact(phone=phone)


def test_the_code_in_a_sent_text_is_blanked_once_it_cannot_be_used(app, demo):
    with app.test_request_context():
        codes.send_phone_code(user("worker1"), CodePurpose.password_reset)
        db.session.commit()
    deliver_due()
    (message,) = sms_rows(kind="password_reset_code")
    code = re.search(r"(?<!\d)\d{6}(?!\d)", message.body).group()
    assert cleanup() == 0  # still usable: kept as it is
    message.created_at -= timedelta(days=2)
    db.session.commit()
    assert cleanup() >= 1
    db.session.refresh(message)
    assert code not in message.body and "••••••" in message.body


def test_a_deliverer_past_half_its_lease_sends_nothing_more_and_gives_the_rest_back(
    app, demo, gateway
):
    """A slow gateway must not make a message go twice: once half the lease is spent, another
    deliverer may soon claim what this one still holds."""
    for index in range(3):
        notify([_walk_in(f"1390000001{index}")], "withdrawn", number="LD-2026-000005")
    db.session.commit()
    app.config["OUTBOX_LEASE_SECONDS"] = 0  # spent before the first send
    try:
        assert deliver_due().sent == 0
    finally:
        app.config["OUTBOX_LEASE_SECONDS"] = 300
    assert not gateway.received
    assert [row.leased_until for row in sms_rows()] == [None] * 3
    assert deliver_due().sent == 3 and len(gateway.received) == 3
