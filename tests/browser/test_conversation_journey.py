"""Issue 13 in Chromium, on a phone: the worker writes to everyone and, in caucus, to the
mediator; the employer answers everyone and sees nothing of the worker's caucus; the mediator
reads all three channels with the new messages marked."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import accessibility_problems
from tests.browser.test_case_journey import sign_in_en
from tests.factories import filed_case

pytestmark = [pytest.mark.browser, pytest.mark.postgresql_only]
PHONE = {"width": 360, "height": 780}
CAUCUS_TEXT = "Privately: I could accept 10,000 yuan."


def phone_page(new_page, username: str):
    page = new_page(locale="en-US", viewport=PHONE)
    sign_in_en(page, username)
    return page


def write(page, channel: str, text: str) -> None:
    part = page.locator(f"#channel-{channel}")
    part.get_by_label("Your message").fill(text)
    part.get_by_role("button", name="Send to").click()
    expect(page.locator(".flash--success")).to_contain_text("Your message was sent.")


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_worker_and_employer_talk_and_the_caucus_stays_private(app, demo, new_page, screenshot):
    with app.test_request_context():
        case = filed_case()
    url = f"/cases/{case.id}"

    worker = phone_page(new_page, "worker1")
    worker.goto(url)
    expect(worker.get_by_role("heading", name="Messages")).to_be_visible()
    worker.locator("#channel-joint").get_by_role("button", name="Send to").click()
    expect(worker.locator(".error-summary")).to_contain_text("Write your message.")
    write(worker, "joint", "Please arrange mediation soon.")
    write(worker, "applicant", CAUCUS_TEXT)
    expect(worker.locator("#channel-applicant .message")).to_contain_text(CAUCUS_TEXT)
    assert fits_the_screen(worker)
    assert accessibility_problems(worker) == []
    screenshot(worker, "worker")

    employer = phone_page(new_page, "employer1")
    employer.goto(url)
    expect(employer.locator("#channel-joint")).to_contain_text("Please arrange mediation soon.")
    expect(employer.locator("#channel-applicant")).to_have_count(0)
    expect(employer.locator("body")).not_to_contain_text(CAUCUS_TEXT)
    write(employer, "joint", "The company agrees to mediate.")
    expect(employer.locator("body")).not_to_contain_text(CAUCUS_TEXT)

    mediator = phone_page(new_page, "med_hr")
    mediator.goto(url)
    conversations = mediator.get_by_role("navigation", name="Conversations")
    expect(conversations).to_contain_text("2 new")  # the joint channel
    expect(mediator.locator("#channel-applicant .message--new")).to_contain_text(CAUCUS_TEXT)
    expect(mediator.locator("#channel-joint")).to_contain_text("The company agrees to mediate.")
    expect(mediator.locator("#channel-respondent")).to_contain_text("No messages yet.")
    assert fits_the_screen(mediator)
    assert accessibility_problems(mediator) == []
    screenshot(mediator, "mediator")
