"""The case triggers as declared once (mediation/cases/triggers.py), tried in the browser.

Every field of every trigger's form is sent missing or invalid in turn: the answer is the case
page with the problem in words (or a refusal that says why), never a 500 and never a change.
What the page, the API and the OpenAPI document offer comes from the declarations alone.
"""

import io
import subprocess
from decimal import Decimal

import pytest
from sqlalchemy import select

from mediation.cases import agreements, triggers
from mediation.cases.operations import fire
from mediation.core.schemas import widget_of
from mediation.documents.issuing import latest_document
from mediation.extensions import db
from mediation.models import AuditEvent, Case, CaseDocument, DocumentKind, Organization
from tests.factories import filed_case, held_session, paper_scan, served_on_the_parties, user

COURT = "清城区人民法院诉前调解中心"

# Who fires each trigger, and how far the case goes before it is possible.
STAGES = {
    "accept": ("med_hr", "applied"),
    "decline": ("med_hr", "applied"),
    "escalate": ("med_hr", "applied"),
    "withdraw": ("worker1", "applied"),
    "mediate": ("med_hr", "accepted"),
    "settle": ("med_hr", "mediating"),
    "fail": ("med_hr", "mediating"),
    "return": ("court1", "transferred"),
    "archive": ("med_hr", "closed"),
}

# Values no rule accepts, by how the form enters the field.
BAD_VALUES = {
    "textarea": [("too long", "字" * 2001)],
    "number": [("not a number", "ten"), ("a fraction", "1.5")],
    "select": [("not listed", "999999"), ("not a number", "court")],
    "checkbox": [],
    "text": [("too long", "x" * 2001)],
}


def case_at(stage: str) -> Case:
    case = filed_case()
    mediator = user("med_hr")
    if stage in ("accepted", "mediating", "closed"):
        fire(case, "accept", actor=mediator, respondent_consent=True, consent_via="window")
    if stage in ("mediating", "closed"):
        fire(case, "mediate", actor=mediator)
    if stage == "closed":
        fire(case, "fail", actor=mediator, reason="双方分歧较大")
    if stage == "transferred":
        court = db.session.scalar(select(Organization.id).filter_by(name=COURT))
        fire(case, "escalate", actor=mediator, reason="金额较大", organization_id=court)
    db.session.commit()
    return case


def submissions():
    """(trigger, field, what is wrong, form data) for every field of every declared trigger."""
    for action in triggers.direct_actions():
        name = action.name
        fields = list(action.body.model_fields)
        if not fields:
            yield pytest.param(name, None, "no data", {}, id=f"{name}-no-data")
        for field in fields:
            others = {f: "y" for f in fields if widget_of(action.body, f) == "checkbox"}
            others |= {f: "原因" for f in fields if widget_of(action.body, f) == "textarea"}
            others |= {f: "5" for f in fields if widget_of(action.body, f) == "number"}
            others.pop(field, None)
            yield pytest.param(name, field, "missing", others, id=f"{name}-{field}-missing")
            for why, value in BAD_VALUES[widget_of(action.body, field)]:
                data = {**others, field: value}
                yield pytest.param(name, field, why, data, id=f"{name}-{field}-{why}")


@pytest.mark.parametrize(("trigger", "field", "why", "data"), list(submissions()))
def test_every_field_of_every_trigger_sent_wrong_gets_words_not_a_500(
    app, demo, make_browser, trigger, field, why, data
):
    who, stage = STAGES[trigger]
    case = case_at(stage)
    events_before = db.session.scalar(
        select(db.func.count(AuditEvent.id)).where(AuditEvent.case_id == case.id)
    )
    person = make_browser()
    person.login(who)
    response = person.act(case.id, trigger, data, headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert response.status_code in (302, 422), html[:500]
    if response.status_code == 422:
        # The problem is named in the summary at the top, and the form keeps what was typed.
        assert 'class="error-summary"' in html
        if field is not None and why != "missing":
            assert f'id="{trigger}-{field}-error"' in html
            action = triggers.CASE_ACTIONS[trigger]
            if widget_of(action.body, field) != "select":  # a choice not listed cannot be shown
                assert str(data[field])[:20] in html
        db.session.expire_all()
        events_after = db.session.scalar(
            select(db.func.count(AuditEvent.id)).where(AuditEvent.case_id == case.id)
        )
        assert events_after == events_before  # nothing was written
    else:
        assert why == "missing" or field is None  # only a missing optional part may pass


def test_archive_checks_the_file_itself_and_makes_the_case_file(app, demo, make_browser):
    """Archiving is refused while the minutes are missing and the termination notice is not
    served, with both parts named; once they are there it makes the case file (卷宗), a PDF
    holding every part its table of contents lists."""
    case = case_at("closed")  # mediated, failed, termination notice issued; no minutes yet
    mediator = make_browser()
    mediator.login("med_hr")
    page = mediator.get(f"/cases/{case.id}", headers={"Accept-Language": "en"})
    assert "✗ Minutes of the mediation sessions" in page.get_data(as_text=True)
    response = mediator.act(
        case.id, "archive", {"checklist_complete": "y"}, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 422
    refused = response.get_data(as_text=True)
    assert "minutes of the mediation sessions are not on file" in refused
    assert "not yet served on every party" in refused
    with app.test_request_context():
        case = db.session.get(Case, case.id)
        assert triggers.archive_facts(case) == {
            "application_on_file": True,
            "acceptance_notice_on_file": True,
            "minutes_on_file": False,
            "closing_document_served": False,
            "evidence_on_file": True,
        }
        # The same case with its session minutes recorded while mediating, and its notice
        # opened by both parties, can be archived.
        minuted = filed_case()
        fire(minuted, "accept", actor=user("med_hr"), respondent_consent=True, consent_via="window")
        fire(minuted, "mediate", actor=user("med_hr"))
        held_session(minuted, "双方意见分歧较大，调解未成。")
        fire(minuted, "fail", actor=user("med_hr"), reason="双方分歧较大")
        db.session.commit()
        notice = latest_document(minuted, DocumentKind.termination_notice)
    for party in ("worker1", "employer1"):
        reader = make_browser()
        reader.login(party)
        reader.get(f"/cases/{minuted.id}/documents/{notice.id}")
    assert mediator.act(minuted.id, "archive", {}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, minuted.id).state == "archived"
    assert db.session.get(Case, case.id).state == "closed"

    with app.test_request_context():
        case_file = latest_document(minuted, DocumentKind.case_file)
    pdf = mediator.get(
        f"/cases/{minuted.id}/documents/{case_file.id}.pdf", headers={"Accept-Language": "en"}
    )
    text = pdf_text(pdf.data)
    contents = case_file.content["en"]["sections"][1]
    assert contents["heading"] == "Contents"
    parts = [title for _number, title in contents["rows"]]
    for expected in (
        "Application for mediation",
        "Notice of acceptance",
        "Notice of termination of mediation",
        "Statement of the employer",
        "Minutes of the mediation sessions",
        "Proof of service",
        "Evidence list",
        "Timeline",
    ):
        assert any(expected in part for part in parts), expected
    squeezed = "".join(text.split())  # long headings wrap
    for number, part in enumerate(parts, start=1):
        assert "".join(f"{number}. {part}".split()) in squeezed, part  # heading its part
    assert "双方意见分歧较大，调解未成。" in text
    assert "李*" in text and "李明" not in text.split("Contents")[0]  # the cover masks the name

    # Verifiable like any issued document: its facts at /verify, and the file byte for byte.
    anyone = make_browser()
    check = f"/verify?code={case_file.verification_code}"
    facts = anyone.get(check, headers={"Accept-Language": "en"}).text
    assert "This document is genuine" in facts and "Case file" in facts
    assert minuted.number in facts and "凤城街道劳动人事争议调解中心" in facts
    same = anyone.submit(
        check,
        {"file": (io.BytesIO(pdf.data), "卷宗.pdf")},
        page=check,
        headers={"Accept-Language": "en"},
        content_type="multipart/form-data",
    )
    assert "exactly the document issued with this code" in same.text


def pdf_text(body: bytes) -> str:
    """The PDF's text as one line per text line, through poppler's pdftotext."""
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=body, capture_output=True, check=True
    )
    return done.stdout.decode()


def test_an_unpaid_agreement_case_without_its_agreement_document_cannot_be_archived(
    app, demo, in_case_request
):
    case = case_at("mediating")
    held_session(case, "达成一致。")
    agreements.draft_agreement(
        case, actor=user("med_hr"), terms="支付工资", amount=Decimal("100.00"), due_date=None
    )
    agreements.record_paper_signatures(case, actor=user("med_hr"), scan=paper_scan())
    fire(case, "settle", actor=user("med_hr"))
    db.session.execute(db.delete(CaseDocument).where(CaseDocument.case_id == case.id))
    assert triggers.archive_facts(case)["closing_document_served"] is False


def test_a_case_file_without_its_application_and_acceptance_notice_is_not_archived(
    app, demo, make_browser
):
    with app.test_request_context():
        case = filed_case()
        fire(case, "accept", actor=user("med_hr"), respondent_consent=True, consent_via="window")
        fire(case, "mediate", actor=user("med_hr"))
        held_session(case, "双方意见分歧较大。")
        fire(case, "fail", actor=user("med_hr"), reason="双方分歧较大")
        served_on_the_parties(case, "termination_notice")
        opening = (DocumentKind.application, DocumentKind.acceptance_notice)
        db.session.execute(
            db.delete(CaseDocument).where(
                CaseDocument.case_id == case.id, CaseDocument.kind.in_(opening)
            )
        )
        db.session.commit()
    mediator = make_browser()
    mediator.login("med_hr")
    page = mediator.get(f"/cases/{case.id}", headers={"Accept-Language": "en"}).text
    assert "✗ The application" in page and "✗ The acceptance notice" in page
    response = mediator.act(case.id, "archive", {}, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "The application is not in the case file" in response.text
    assert "its acceptance notice is not in the case file" in response.text
    assert "minutes" not in response.text.split("error-summary")[1].split("</ul>")[0]
    # A case declined from the start was never accepted: no acceptance notice is missing.
    with app.test_request_context():
        declined = filed_case()
        fire(declined, "decline", actor=user("med_hr"), reason="不属于受理范围")
        facts = triggers.archive_facts(declined)
    assert facts["application_on_file"] and facts["acceptance_notice_on_file"]


@pytest.fixture
def in_case_request(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def test_the_page_and_the_api_offer_exactly_the_declared_triggers(
    app, demo, make_browser, monkeypatch
):
    """Taking a declaration away takes the trigger off the page, the API and the OpenAPI
    document; changing its title changes the button: nothing else lists the triggers."""
    case = case_at("mediating")
    mediator = make_browser()
    mediator.login("med_hr")
    html = mediator.get(f"/cases/{case.id}", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert f"/cases/{case.id}/act/fail" in html and "Close as failed" in html

    declared = dict(triggers.CASE_ACTIONS)
    renamed = declared.pop("fail")
    monkeypatch.setattr(triggers, "CASE_ACTIONS", declared)
    html = mediator.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"/cases/{case.id}/act/fail" not in html
    assert f"/cases/{case.id}/act/escalate" in html
    response = mediator.act(case.id, "fail", {"reason": "双方分歧较大"})
    assert response.status_code == 404
    api = app.test_client()
    token = api.post("/api/v1/tokens", json={"username": "med_hr", "password": "demo-2026"})
    bearer = {"Authorization": f"Bearer {token.get_json()['token']}"}
    offered = api.get(f"/api/v1/cases/{case.id}", headers=bearer).get_json()["available_triggers"]
    assert "fail" not in offered and "escalate" in offered
    # The document is built once per app: build it from these declarations now, and forget it
    # again after the test.
    monkeypatch.delitem(app.extensions, "openapi", raising=False)
    paths = api.get("/api/v1/openapi.json").get_json()["paths"]
    assert not any(path.endswith("/fail") for path in paths)
    assert any(path.endswith("/escalate") for path in paths)

    from dataclasses import replace

    declared["fail"] = replace(renamed, title="Give up on mediation")
    html = mediator.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Give up on mediation" in html


def test_extend_is_no_button_and_no_route_of_its_own(app, demo, make_browser):
    """The mediator no longer ticks the parties' consent: an extension is proposed and each
    party answers (cases.extension); the trigger fires only from there."""
    case = case_at("mediating")
    mediator = make_browser()
    mediator.login("med_hr")
    html = mediator.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"/cases/{case.id}/act/extend" not in html
    assert f"/cases/{case.id}/extension" in html
    ticked = {"days": "5", "applicant_consent": "y", "respondent_consent": "y"}
    assert mediator.act(case.id, "extend", ticked).status_code == 404
    api = app.test_client()
    token = api.post("/api/v1/tokens", json={"username": "med_hr", "password": "demo-2026"})
    bearer = {"Authorization": f"Bearer {token.get_json()['token']}"}
    body = {"days": 5, "applicant_consent": True, "respondent_consent": True}
    assert api.post(f"/api/v1/cases/{case.id}/extend", json=body, headers=bearer).status_code == 404
    db.session.expire_all()
    assert db.session.get(Case, case.id).extension_days is None
