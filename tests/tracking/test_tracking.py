"""Following a case without an account, by its number and the progress code (issue 17)."""

import re

import pytest
from sqlalchemy import func, select

from mediation.cases.filing import Party
from mediation.extensions import db
from mediation.models import AuditEvent, Case, Channel, DeliveryChannel, OutboxMessage
from tests.api.bodies import DESIGN_BODY, body
from tests.cases.test_pages import FILING
from tests.conftest import Browser, make_app
from tests.factories import filed_case

WALK_IN = Party(name="赵六", id_number="11010519491231002X", phone="13700137000")
EN = {"Accept-Language": "en"}
# A code, not a piece of the case number (FCJD-2026-000123) beside it.
CODE = re.compile(r"(?<![\w-])\w{4}-\w{4}(?![\w-])", re.ASCII)


def sms_code(phone: str) -> str:
    """The progress code in the newest SMS to ``phone`` that carries one."""
    body = db.session.scalar(
        select(OutboxMessage.body)
        .where(
            OutboxMessage.channel == DeliveryChannel.sms,
            OutboxMessage.recipient == phone,
            OutboxMessage.kind == "track_code",
        )
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    assert body, f"no progress code sent to {phone}"
    return CODE.search(body).group()


def look_up(browser: Browser, number: str, code: str):
    return browser.submit("/track", {"number": number, "code": code}, headers=EN)


def no_match(page) -> str:
    return re.search(r'<div[^>]*id="no-match".*?</div>', page.get_data(as_text=True), re.S).group()


def test_a_walk_in_applicant_follows_the_case_with_the_code_shown_once_and_sent_by_sms(
    app, demo, make_browser
):
    mediator = make_browser()
    mediator.login("med_hr")
    data = {
        **FILING,
        "applicant_name": WALK_IN.name,
        "applicant_id_number": WALK_IN.id_number,
        "applicant_phone": WALK_IN.phone,
        "channel": "window",
    }
    filed = mediator.submit("/cases/new/visitor", data, headers=EN)
    assert filed.status_code == 302
    code = sms_code(WALK_IN.phone)
    # The staff member sees it once, on the page the filing leads to; never again.
    assert code in mediator.get(filed.location, headers=EN).get_data(as_text=True)
    assert code not in mediator.get(filed.location, headers=EN).get_data(as_text=True)
    case = db.session.scalar(select(Case).where(Case.applicant_name == WALK_IN.name))
    assert len(case.track_code_hash) == 64 and code.replace("-", "") not in case.track_code_hash

    visitor = make_browser()  # no account, no sign-in
    page = look_up(visitor, case.number.lower(), code.replace("-", " ").lower())
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "private" in page.headers["Cache-Control"]
    assert case.number in html and "凤城街道劳动人事争议调解中心" in html
    assert "Decision on acceptance due" in html and "apply for labour arbitration from" in html
    # Nothing about the people or the money.
    for private in (WALK_IN.name, WALK_IN.phone, "清远某某新材料有限公司", "13,000", "两个月工资"):
        assert private not in html


@pytest.mark.both_databases  # junk reaches the database: no dialect may turn it into a 500
def test_a_wrong_code_and_an_unknown_number_get_the_same_answer_and_junk_no_error(
    app, demo, browser
):
    case = filed_case(by="med_hr", applicant=WALK_IN, channel=Channel.window)
    wrong_code = look_up(browser, case.number, "AAAA-AAAA")
    unknown_number = look_up(browser, "FCJD-2099-000001", sms_code(WALK_IN.phone))
    assert wrong_code.status_code == unknown_number.status_code == 200
    assert no_match(wrong_code) == no_match(unknown_number)
    assert "No case matches this number and code" in no_match(wrong_code)
    for number, code in (
        (case.number, "' OR '1'='1"),
        ("x' OR 1=1; DROP TABLE cases; --", "AAAA-AAAA"),
        ("编号😀", "<script>码</script>"),
    ):
        page = look_up(browser, number, code)
        assert page.status_code == 200 and no_match(page) == no_match(wrong_code)
    assert look_up(browser, "编号\x00", "码").status_code == 400  # refused as everywhere
    too_long = look_up(browser, "F" * 41, "A" * 21)
    html = too_long.get_data(as_text=True)
    assert too_long.status_code == 422 and html.count("At most 40 characters.") == 2
    assert html.count("At most 20 characters.") == 2 and 'id="no-match"' not in html
    assert "F" * 41 in html  # what was typed is kept


def test_staff_send_a_new_code_and_the_old_one_stops_working(app, demo, make_browser):
    case = filed_case(by="med_hr", applicant=WALK_IN, channel=Channel.window)
    old = sms_code(WALK_IN.phone)
    worker = make_browser()
    worker.login("worker1")
    refused = worker.submit(f"/cases/{case.id}/track-code", {}, page="/track")
    assert refused.status_code == 404  # not a case worker1 can see

    mediator = make_browser()
    mediator.login("med_hr")
    page = mediator.get(f"/cases/{case.id}", headers=EN).get_data(as_text=True)
    assert "Send a new progress code" in page
    issued = mediator.submit(f"/cases/{case.id}/track-code", {}, page=f"/cases/{case.id}")
    assert issued.status_code == 200
    new = sms_code(WALK_IN.phone)
    assert new != old and new in issued.get_data(as_text=True)
    events = select(func.count(AuditEvent.id)).where(
        AuditEvent.case_id == case.id, AuditEvent.action == "case.track_code_issued"
    )
    assert db.session.scalar(events) == 1

    visitor = make_browser()
    assert 'id="no-match"' in look_up(visitor, case.number, old).get_data(as_text=True)
    assert look_up(visitor, case.number, new).get_data(as_text=True).count(case.number) >= 1
    assert 'id="progress"' in look_up(visitor, case.number, new).get_data(as_text=True)


def test_the_mobile_app_follows_a_case_it_filed_for_a_visitor(api):
    walk_in = {**DESIGN_BODY["applicant"]}
    filed = api("POST", "/cases", "med_hr", json=body(applicant=walk_in, channel="window"))
    assert filed.status_code == 201
    number, code = filed.json["number"], filed.json["track_code"]
    assert code == sms_code(walk_in["phone"])
    assert "track_code" not in api("GET", f"/cases/{filed.json['id']}", "med_hr").json

    found = api("POST", "/track", json={"number": number, "code": code})
    assert found.status_code == 200
    assert found.json["state"] == "applied" and found.json["deadlines"]["acceptance"]
    assert found.json["organization"] == "凤城街道劳动人事争议调解中心"
    assert walk_in["name"] not in found.get_data(as_text=True)
    wrong = api("POST", "/track", json={"number": number, "code": "AAAA-AAAA"})
    unknown = api("POST", "/track", json={"number": "FCJD-2099-000001", "code": code})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.get_data() == unknown.get_data()
    invalid = api("POST", "/track", json={"number": "x" * 41, "code": ""})
    assert invalid.status_code == 422 and set(invalid.json["errors"]) == {"number", "code"}


@pytest.fixture
def throttled(app):
    """The same database, served with the throttle on (the test configuration has it off)."""
    guarded = make_app(app.config["SQLALCHEMY_DATABASE_URI"], RATELIMIT_ENABLED=True)
    with guarded.app_context():
        yield guarded
        db.session.remove()


@pytest.mark.commits
def test_the_eleventh_try_in_a_minute_is_refused_on_the_page_and_in_the_api(throttled):
    browser = Browser(throttled.test_client())
    tries = [look_up(browser, f"FCJD-2026-{n:06d}", "AAAA-AAAA").status_code for n in range(5)]
    tries += [
        browser.client.post("/api/v1/track", json={"number": "X", "code": "Y"}).status_code
        for _ in range(5)
    ]
    assert tries == [200] * 5 + [404] * 5
    page = look_up(browser, "FCJD-2026-000001", "AAAA-AAAA")
    assert page.status_code == 429 and int(page.headers["Retry-After"]) > 0
    assert "You have tried too many times" in page.get_data(as_text=True)
    answer = browser.client.post("/api/v1/track", json={"number": "X", "code": "Y"}, headers=EN)
    assert answer.status_code == 429 and "Too many attempts" in answer.json["message"]
    # The form itself still opens.
    assert browser.get("/track").status_code == 200
