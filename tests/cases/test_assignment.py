"""Work assignment: a lead mediator gives waiting cases to the organisation's mediators and a
case from one mediator to another, with a reason; two leads at once cannot both win."""

import io
import re

import pytest
from sqlalchemy import select, update

from mediation.auth import accounts
from mediation.cases.assignment import assign
from mediation.cases.operations import claim
from mediation.core.errors import Refused
from mediation.extensions import db
from mediation.models import AuditEvent, Case, Notification, Role, User
from tests.factories import filed_case, mediating_case, user
from tests.upload_files import MINIMAL_PDF

EN = {"Accept-Language": "en"}


def colleague(username: str, name: str, *, lead: bool = False) -> User:
    """Another mediator at med_hr's street centre, whose lead med_hr is (the demo's)."""
    mediator = accounts.create_staff(
        actor=None,
        username=username,
        name=name,
        role=Role.mediator,
        password="demo-2026",
        organization=user("med_hr").organization,
    )
    mediator.is_lead = lead
    db.session.commit()
    return mediator


def told(case: Case, kind: str) -> list[int]:
    return db.session.scalars(
        select(Notification.user_id).where(
            Notification.case_id == case.id, Notification.kind == kind
        )
    ).all()


def test_a_leavers_case_goes_back_to_the_queue_the_lead_assigns_it_and_it_is_settled(
    app, demo, make_browser
):
    leaver, newcomer = colleague("med_hr_b", "钱芳"), colleague("med_hr_c", "吴刚")
    with app.test_request_context():
        case = mediating_case("med_hr_b")

    admin = make_browser()
    admin.login("admin")
    admin.submit(
        f"/admin/accounts/{leaver.id}/deactivate",
        {"reason": "调往他处"},
        page=f"/admin/accounts/{leaver.id}",
    )
    refused = make_browser().submit("/login", {"identifier": "med_hr_b", "password": "demo-2026"})
    assert refused.status_code != 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).mediator_id is None

    # The lead sees the case waiting, and each mediator's load.
    lead = make_browser()
    lead.login("med_hr")
    team = lead.get("/team", headers=EN).get_data(as_text=True)
    assert "1 case waits for a mediator" in team and case.number in team
    assert "钱芳" not in team  # cannot sign in, holds nothing: not on the team any more

    # A mediator who left, or of another organisation, cannot take it; all said by the field.
    for mediator in (leaver, user("med_district")):
        answer = lead.submit(
            f"/cases/{case.id}/assign",
            {"assign-mediator_id": str(mediator.id), "assign-seen": "", "next": "team"},
            page="/team",
            headers=EN,
        )
        assert answer.status_code == 422
        assert "Choose a mediator of this organisation who can sign in." in answer.get_data(
            as_text=True
        )

    answer = lead.submit(
        f"/cases/{case.id}/assign",
        {"assign-mediator_id": str(newcomer.id), "assign-seen": "", "next": "team"},
        page="/team",
        follow_redirects=True,
        headers=EN,
    )
    page = answer.get_data(as_text=True)
    assert f"Case {case.number} is now with 吴刚." in page
    assert "0 cases wait for a mediator" in page
    row = re.search(r"<td>吴刚.*?</tr>", page, re.S).group(0)
    assert re.search(r"<td>1\b", row)  # one open case
    db.session.expire_all()
    assert db.session.get(Case, case.id).mediator_id == newcomer.id
    assert told(case, "assigned_to_you") == [newcomer.id]
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.case_id == case.id, AuditEvent.action == "case.assigned"
        )
    )
    assert event.actor_id == user("med_hr").id and event.details["to_mediator"] == "吴刚"

    # The newcomer finds it in their worklist and settles it, with the agreement signed on paper.
    mediator = make_browser()
    mediator.login("med_hr_c")
    assert case.number in mediator.get("/queue?view=mine").get_data(as_text=True)
    shown = mediator.get(f"/cases/{case.id}", headers=EN).get_data(as_text=True)
    assert "The lead mediator assigned the case" in shown and "To 吴刚" in shown
    drafted = mediator.submit(
        f"/cases/{case.id}/agreement",
        {"terms": "公司于12月15日前支付工资13000元。", "amount": "13000", "due_date": ""},
        page=f"/cases/{case.id}",
    )
    assert drafted.status_code == 302
    signed = mediator.submit(
        f"/cases/{case.id}/agreement/paper",
        {"scan": (io.BytesIO(MINIMAL_PDF), "协议书.pdf")},
        page=f"/cases/{case.id}",
        content_type="multipart/form-data",
    )
    assert signed.status_code == 302
    assert mediator.act(case.id, "settle", {}).status_code == 302
    db.session.expire_all()
    settled = db.session.get(Case, case.id)
    assert (settled.state, settled.outcome) == ("closed", "resolved")


def test_reassigning_needs_a_reason_tells_both_mediators_and_only_a_lead_may(
    app, demo, client, make_browser
):
    holder, other = colleague("med_hr_b", "钱芳"), colleague("med_hr_c", "吴刚")
    with app.test_request_context():
        case = filed_case()
        claim(case, actor=holder)
        db.session.commit()

    def token(username: str) -> dict:
        answer = client.post("/api/v1/tokens", json={"username": username, "password": "demo-2026"})
        return {"Authorization": f"Bearer {answer.json['token']}", **EN}

    url = f"/api/v1/cases/{case.id}/assign"
    assert (
        client.post(url, json={"mediator_id": other.id}, headers=token("med_hr_c")).status_code
        == 403
    )
    lead = token("med_hr")
    missing = client.post(url, json={"mediator_id": user("med_union").id}, headers=lead)
    assert missing.status_code == 422
    assert missing.json["errors"] == {
        "mediator_id": ["Choose a mediator of this organisation who can sign in."],
        "reason": ["Write why the case goes to another mediator."],
    }
    moved = client.post(url, json={"mediator_id": other.id, "reason": "钱芳休假两周"}, headers=lead)
    assert moved.status_code == 200 and moved.json["mediator"] == "吴刚"
    db.session.expire_all()
    assert told(case, "reassigned_to_you") == [other.id]
    assert told(case, "reassigned_away") == [holder.id]
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.case_id == case.id, AuditEvent.action == "case.reassigned"
        )
    )
    assert (event.details["from_mediator"], event.details["to_mediator"]) == ("钱芳", "吴刚")
    assert event.note == "钱芳休假两周"

    # The case's timeline says it, with both mediators and the reason, in one entry.
    lead_page = make_browser()
    lead_page.login("med_hr")
    page = lead_page.get(f"/cases/{case.id}", headers=EN).get_data(as_text=True)
    entry = re.search(r"<li>(?:(?!</li>).)*gave the case to another mediator.*?</li>", page, re.S)
    assert entry, "no reassignment in the timeline"
    assert "From 钱芳 to 吴刚" in entry.group(0) and "钱芳休假两周" in entry.group(0)


def test_of_two_leads_assigning_the_same_case_at_once_one_wins(app, demo, make_browser):
    first, second = colleague("med_hr_b", "钱芳"), colleague("med_hr_c", "吴刚")
    colleague("lead_b", "冯雪", lead=True)
    case = filed_case()
    leads = [make_browser(), make_browser()]
    leads[0].login("med_hr")
    leads[1].login("lead_b")
    # Both open the case page (nobody holds the case), then both send.
    pages = [lead.get(f"/cases/{case.id}").get_data(as_text=True) for lead in leads]
    assert all('name="assign-seen"' in page for page in pages)
    answers = []
    for lead, page, mediator in zip(leads, pages, (first, second), strict=True):
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        answers.append(
            lead.client.post(
                f"/cases/{case.id}/assign",
                data={
                    "csrf_token": token,
                    "assign-mediator_id": str(mediator.id),
                    "assign-seen": "",
                },
                follow_redirects=True,
                headers=EN,
            )
        )
    assert "is now with 钱芳" in answers[0].get_data(as_text=True)
    assert "Someone changed this case at the same moment" in answers[1].get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, case.id).mediator_id == first.id

    # The database decides, not what a lead's request had read: a change written after the
    # read leaves the conditional UPDATE nothing to change.
    stale = filed_case()
    db.session.execute(
        update(Case)
        .where(Case.id == stale.id)
        .values(mediator_id=first.id)
        .execution_options(synchronize_session=False)
    )
    with app.test_request_context(), pytest.raises(Refused):
        assign(stale, actor=user("med_hr"), mediator=second)
