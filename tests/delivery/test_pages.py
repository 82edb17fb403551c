"""What administrators and supervisors see of the outbox."""

from sqlalchemy import select

from mediation.auth import accounts
from mediation.extensions import db
from mediation.models import AuditEvent, DeliveryStatus, OutboxMessage, Region, Role
from tests.factories import filed_case, user


def test_the_development_outbox_shows_what_the_phone_would_have_received(app, demo, browser):
    with app.test_request_context():
        case = filed_case()
        db.session.commit()
    browser.login("admin")
    page = browser.get("/admin/outbox", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Development outbox" in page
    assert "13800138001" in page and case.number in page


def test_an_admin_sends_a_failed_message_again(app, demo, browser):
    with app.test_request_context():
        filed_case()
        db.session.commit()
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "case_filed"))
    message.status, message.attempts, message.last_error = DeliveryStatus.failed, 10, "HTTP 500"
    db.session.commit()
    browser.login("admin")
    failed = browser.get("/admin/outbox?status=failed").get_data(as_text=True)
    assert "HTTP 500" in failed
    response = browser.submit(
        f"/admin/outbox/{message.id}/retry", {}, page="/admin/outbox?status=failed"
    )
    assert response.status_code == 302
    db.session.refresh(message)
    assert (message.status, message.attempts) == (DeliveryStatus.pending, 0)
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "outbox.retried"))


def test_supervisors_see_the_failed_deliveries_of_their_jurisdiction_only(app, demo, make_browser):
    with app.test_request_context():
        case = filed_case()
        db.session.commit()
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "case_filed"))
    message.status, message.last_error = DeliveryStatus.failed, "gateway answered HTTP 500"
    accounts.create_staff(
        actor=None,
        username="supervisor_dc",
        name="东城督导",
        role=Role.supervisor,
        password="demo-2026",
        region=db.session.scalar(select(Region).where(Region.code == "441802002")),
    )
    db.session.commit()

    district = make_browser()
    district.login("supervisor1")
    page = district.get("/supervision/deliveries").get_data(as_text=True)
    assert case.number in page and "gateway answered HTTP 500" in page
    assert "138****8001" in page and "13800138001" not in page
    assert message.body not in page  # the text itself is the case file's business

    street = make_browser()
    street.login("supervisor_dc")
    assert case.number not in street.get("/supervision/deliveries").get_data(as_text=True)
    assert user("supervisor_dc").region.code == "441802002"
