"""Issue 13's mediation online, in Chromium: the parties on phones, the mediator at a desk.

The worker and the employer write to each other and, in caucus, to the mediator; the employer
answers with a statement and agrees; the mediator accepts, the parties agree online to a
10-day extension, meet by video, confirm the minutes, sign the second version of the agreement
(the first is refused once superseded); after the due date the worker says it was not paid and
is shown where to go next. axe-core checks the case page of each of them at both widths."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from mediation.cases.sweep import sweep
from mediation.extensions import db
from mediation.localtime import local_today
from mediation.models import Agreement, MediationSession
from mediation.models.types import utcnow
from tests.browser.conftest import COLOUR_RULES, axe_violations
from tests.browser.test_case_journey import DESKTOP, sign_in_en
from tests.factories import filed_case

pytestmark = [pytest.mark.browser, pytest.mark.postgresql_only]
PHONE = {"width": 390, "height": 844}
ROOM = "https://meet.example.cn/room/fengcheng-7"
CAUCUS_TEXT = "Privately: I could accept 10,000 yuan."
DUPLICATE_IDS = """() => {
  // Every form's hidden CSRF field is id="csrf_token": nothing links to or labels those.
  const ids = [...document.querySelectorAll("[id]:not(input[type=hidden])")].map((el) => el.id);
  return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))];
}"""


def signed_in(new_page, username: str, viewport: dict):
    page = new_page(locale="en-US", viewport=viewport)
    sign_in_en(page, username)
    return page


def accessible_at_both_widths(page) -> None:
    """No serious or critical axe violation at the phone's width and at the desk's."""
    viewport = page.viewport_size
    # axe-core 4.12 no longer reports duplicate ids unless ARIA refers to them; a link to one
    # (an error summary's) still lands on the wrong element.
    assert page.evaluate(DUPLICATE_IDS) == []
    page.set_viewport_size(PHONE)
    assert axe_violations(page) == [], "at the phone's width"
    page.set_viewport_size(DESKTOP)
    assert axe_violations(page, skipped=COLOUR_RULES) == [], "at the desk's width"
    page.set_viewport_size(viewport)


def flash(page, text: str) -> None:
    expect(page.locator(".flash--success")).to_contain_text(text)


def write(page, channel: str, text: str) -> None:
    part = page.locator(f"#channel-{channel}")
    part.get_by_label("Your message").fill(text)
    part.get_by_role("button", name="Send to").click()
    flash(page, "Your message was sent.")


def sign(page, version: int) -> None:
    page.locator("#agreement").get_by_label("Your password").fill("demo-2026")
    page.get_by_role("button", name=f"I have read version {version} and sign it").click()


def test_the_parties_mediate_online_from_first_message_to_unpaid_agreement(
    app, demo, new_page, screenshot
):
    with app.test_request_context():
        case = filed_case()
    url = f"/cases/{case.id}"

    worker = signed_in(new_page, "worker1", PHONE)
    worker.goto(url)
    write(worker, "joint", "Please arrange mediation soon.")
    write(worker, "applicant", CAUCUS_TEXT)
    accessible_at_both_widths(worker)

    employer = signed_in(new_page, "employer1", PHONE)
    employer.goto(url)
    expect(employer.locator("#channel-joint")).to_contain_text("Please arrange mediation soon.")
    write(employer, "joint", "We will answer this week.")
    expect(employer.locator("#channel-applicant")).to_have_count(0)
    expect(employer.locator("body")).not_to_contain_text(CAUCUS_TEXT)
    response = employer.locator("#response")
    response.get_by_label("Your answer").select_option(label="We agree to mediation")
    response.get_by_label("Your statement in answer to the claims").fill(
        "We dispute the overtime hours."
    )
    response.get_by_role("button", name="Send the answer").click()
    expect(employer.locator("#employer-answer")).to_contain_text("We dispute the overtime hours.")
    accessible_at_both_widths(employer)
    screenshot(employer, "1-employer")

    mediator = signed_in(new_page, "med_hr", DESKTOP)
    mediator.goto(url)
    expect(mediator.locator("#channel-applicant")).to_contain_text(CAUCUS_TEXT)
    mediator.locator("summary", has_text="Accept the case").click()
    mediator.get_by_role("button", name="Accept the case").click()
    mediator.get_by_role("button", name="Start mediation").click()
    expect(mediator.locator('[aria-current="step"]')).to_contain_text("Mediate")
    mediator.locator("summary", has_text="Propose an extension").click()
    mediator.get_by_label("Extend by how many days").fill("10")
    mediator.get_by_label("Why more time is needed").fill("The attendance records are late.")
    mediator.get_by_role("button", name="Propose the extension").click()
    for party in (worker, employer):
        party.goto(url)
        extension = party.locator("#extension")
        extension.get_by_label("Your answer").select_option(label="I agree to the extension")
        extension.get_by_role("button", name="Send my answer").click()
    expect(employer.locator("#extension")).to_contain_text("Agreed")

    when = (utcnow() + timedelta(days=3)).astimezone()
    mediator.get_by_label("Date", exact=True).fill(when.date().isoformat())
    mediator.get_by_label("Time", exact=True).fill("10:00")
    mediator.get_by_label("How", exact=True).select_option("video")
    mediator.get_by_label("Meeting link (video)").fill(ROOM)
    mediator.get_by_role("button", name="Schedule and tell both parties").click()
    for party in (worker, employer):
        party.goto(url)
        expect(party.get_by_role("link", name=ROOM)).to_have_attribute("href", ROOM)

    with app.app_context():  # the session takes place: the test moves it into the past
        session = db.session.scalar(
            select(MediationSession).where(MediationSession.case_id == case.id)
        )
        session.starts_at = utcnow() - timedelta(hours=2)
        db.session.commit()
    mediator.goto(url)
    mediator.get_by_label("Minutes", exact=True).fill("Both attended; the company will pay.")
    mediator.get_by_role("button", name="Save the minutes").click()
    for party in (worker, employer):
        party.goto(url)
        party.locator(".session").get_by_label("The minutes").select_option("confirm")
        party.locator(".session").get_by_role("button", name="Send my answer").click()
    expect(employer.locator(".session")).not_to_contain_text("not answered yet")

    mediator.goto(url)
    mediator.get_by_label("Terms of the agreement").fill("The company pays 10,000 yuan.")
    mediator.get_by_label("Amount to be paid (yuan)").fill("10000")
    mediator.get_by_label("To be paid by").fill((local_today() + timedelta(days=7)).isoformat())
    mediator.get_by_role("button", name="Save the agreement").click()
    worker.goto(url)  # the worker reads version 1 ...
    mediator.get_by_label("Terms of the agreement").fill("The company pays 13,000 yuan.")
    mediator.get_by_label("Amount to be paid (yuan)").fill("13000")
    mediator.get_by_role("button", name="Save the agreement").click()
    expect(mediator.locator("#agreement-changes")).to_be_visible()
    accessible_at_both_widths(mediator)
    screenshot(mediator, "2-mediator")

    sign(worker, 1)  # ... and signs it after the redraft: refused, version 2 shown
    expect(worker.locator("#agreement")).to_contain_text("Version 2")
    expect(worker.locator("body")).to_contain_text("changed after you read it")
    expect(worker.locator("#agreement")).to_contain_text("Applicant: not signed yet")
    sign(worker, 2)
    flash(worker, "You signed version 2 of the agreement.")
    employer.goto(url)
    sign(employer, 2)
    flash(employer, "You signed version 2 of the agreement.")
    mediator.goto(url)
    mediator.get_by_role("button", name="Close as settled").click()
    expect(mediator.get_by_text("Settled").first).to_be_visible()

    with app.app_context():  # the due date passes; the nightly sweep asks the worker
        agreement = db.session.scalar(select(Agreement).where(Agreement.case_id == case.id))
        agreement.due_date = local_today() - timedelta(days=1)
        db.session.commit()
        with app.test_request_context():
            sweep(local_today())
            db.session.commit()
    worker.goto(url)
    payment = worker.locator("#payment-standing")
    payment.get_by_label("Not paid").check()
    payment.get_by_role("button", name="Send").click()
    expect(worker.locator("#payment-standing")).to_contain_text("Payment order (支付令)")
    expect(worker.locator("#payment-standing")).to_contain_text("Labour arbitration: from")
    accessible_at_both_widths(worker)
    screenshot(worker, "3-not-paid")
