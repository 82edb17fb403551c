"""Who may read a case once it has moved on, and what supervisors may open.

The employer's own mediation committee loses the case once it leaves it (the employer must
not read what the worker sends the next tier); other organisations that handed a case on
keep reading it, but not evidence sent in after it left them. Supervisors read figures and
masked lists, not case files.
"""

import io

import pytest
from sqlalchemy import select

from mediation.cases.operations import fire
from mediation.extensions import db
from mediation.models import Case, CaseDocument, Evidence
from tests.conftest import Browser, built_once
from tests.factories import filed_case, user
from tests.upload_files import MINIMAL_PDF
from workflows.case import Tier

pytestmark = pytest.mark.both_databases

PDF = MINIMAL_PDF


class Person:
    """One person with the web pages (a browser) and the API (a token)."""

    def __init__(self, make_browser, app, username: str) -> None:
        self.browser = make_browser()
        self.browser.login(username)
        self.api_client = app.test_client()
        token = self.api_client.post(
            "/api/v1/tokens", json={"username": username, "password": "demo-2026"}
        ).json["token"]
        self.headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}

    def get(self, url: str):
        return self.browser.get(url, headers={"Accept-Language": "en"})

    def api(self, path: str):
        return self.api_client.get(f"/api/v1{path}", headers=self.headers)

    def upload(self, case_id: int, name: str) -> Evidence:
        response = self.browser.submit(
            f"/cases/{case_id}/evidence",
            {"file": [(io.BytesIO(PDF), name)]},
            page=f"/cases/{case_id}",
            content_type="multipart/form-data",
        )
        assert response.status_code == 302
        return db.session.scalar(select(Evidence).where(Evidence.original_name == name))


def transfer_up(case_id: int, by: str) -> None:
    """Staff of the organisation holding the case send it to the next tier."""
    case = db.session.get(Case, case_id)
    fire(case, "escalate", actor=user(by), reason="移送上一级")
    db.session.commit()


@built_once()
def moved_case(app):
    """Filed with the employer's committee, where the worker sent a contract; transferred to
    the union, where the worker sent a diagnosis. The case's id, the worker (signed in), and
    the ids of the contract and of the diagnosis; built once for ``TestACaseThatMovedOn``."""
    with app.test_request_context():
        case = filed_case(preferred_tier=Tier.enterprise)
    worker = Person(lambda: Browser(app.test_client()), app, "worker1")
    contract = worker.upload(case.id, "劳动合同.pdf")
    with app.test_request_context():
        transfer_up(case.id, "med_enterprise")
    diagnosis = worker.upload(case.id, "诊断证明.pdf")
    assert db.session.get(Case, case.id).tier == "union"
    return case.id, worker, contract.id, diagnosis.id


class TestACaseThatMovedOn:
    """The tests on ``moved_case``, which is built once for them (each runs in a savepoint)."""

    def test_the_employers_committee_loses_the_case_once_it_left(
        self, app, moved_case, make_browser
    ):
        case_id, _, contract, diagnosis = moved_case
        committee = Person(make_browser, app, "med_enterprise")
        document = db.session.scalar(select(CaseDocument.id).where(CaseDocument.case_id == case_id))
        for url in (
            f"/cases/{case_id}",
            f"/cases/{case_id}/evidence/{diagnosis}",
            f"/cases/{case_id}/evidence/{contract}",
            f"/cases/{case_id}/documents/{document}",
            f"/cases/{case_id}/documents/{document}.pdf",
        ):
            assert committee.get(url).status_code == 404, url
        assert committee.api(f"/cases/{case_id}").status_code == 404
        assert committee.api(f"/cases/{case_id}/events").status_code == 404
        assert case_id not in [item["id"] for item in committee.api("/cases").json["items"]]

    def test_an_organisation_that_handed_the_case_on_reads_it_but_not_later_evidence(
        self, app, moved_case, make_browser
    ):
        case_id, worker, contract, diagnosis = moved_case
        with app.test_request_context():
            transfer_up(case_id, "med_union")
        arbitration = worker.upload(case_id, "仲裁申请书.pdf")
        union = Person(make_browser, app, "med_union")

        page = union.get(f"/cases/{case_id}")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "劳动合同.pdf" in html and "诊断证明.pdf" in html
        assert "仲裁申请书.pdf" not in html
        assert union.get(f"/cases/{case_id}/evidence/{contract}").status_code == 200
        assert union.get(f"/cases/{case_id}/evidence/{diagnosis}").status_code == 200
        assert union.get(f"/cases/{case_id}/evidence/{arbitration.id}").status_code == 404
        listed = union.api(f"/cases/{case_id}").json["evidence"]
        assert [item["name"] for item in listed] == ["劳动合同.pdf", "诊断证明.pdf"]

        now_holding = Person(make_browser, app, "med_district")  # the district HR centre
        listed = now_holding.api(f"/cases/{case_id}").json["evidence"]
        assert [item["name"] for item in listed] == [
            "劳动合同.pdf",
            "诊断证明.pdf",
            "仲裁申请书.pdf",
        ]
        assert now_holding.get(f"/cases/{case_id}/evidence/{arbitration.id}").status_code == 200

    def test_a_case_returned_to_the_committee_is_its_own_again(self, app, moved_case, make_browser):
        case_id, _, _, diagnosis = moved_case
        with app.test_request_context():
            case = db.session.get(Case, case_id)
            fire(case, "return", actor=user("med_union"), reason="请先在企业调解")
            db.session.commit()
        committee = Person(make_browser, app, "med_enterprise")
        assert committee.get(f"/cases/{case_id}").status_code == 200
        assert committee.get(f"/cases/{case_id}/evidence/{diagnosis}").status_code == 200


def test_a_supervisor_opens_no_case_page_file_or_document(app, demo, make_browser):
    with app.test_request_context():
        case = filed_case()
    Person(make_browser, app, "worker1").upload(case.id, "工资条.pdf")
    evidence = db.session.scalar(select(Evidence.id).where(Evidence.case_id == case.id))
    document = db.session.scalar(select(CaseDocument.id).where(CaseDocument.case_id == case.id))
    supervisor = Person(make_browser, app, "supervisor1")
    for url in (
        f"/cases/{case.id}",
        f"/cases/{case.id}/evidence/{evidence}",
        f"/cases/{case.id}/documents/{document}",
        f"/cases/{case.id}/documents/{document}.pdf",
    ):
        assert supervisor.get(url).status_code in (403, 404), url
    assert supervisor.api(f"/cases/{case.id}").status_code in (403, 404)
    assert supervisor.api("/cases").status_code == 403


def test_the_supervisors_lists_show_case_numbers_without_links_to_case_pages(
    app, demo, make_browser
):
    from datetime import timedelta

    from mediation.core import clocks
    from mediation.localtime import local_today

    with app.test_request_context():
        late = filed_case()
        clocks.start_acceptance_clock(late, local_today() - timedelta(days=20))
        db.session.commit()
    supervisor = Person(make_browser, app, "supervisor1")
    for url in ("/supervision/overdue", "/stats/cases?figure=received"):
        response = supervisor.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert late.number in html and 'href="/cases/' not in html, url


def test_the_committee_that_transfers_the_case_lands_on_its_worklist(app, demo, make_browser):
    with app.test_request_context():
        case = filed_case(preferred_tier=Tier.enterprise)
    committee = Person(make_browser, app, "med_enterprise")
    response = committee.browser.act(
        case.id,
        "escalate",
        {"reason": "移送工会", "organization_id": ""},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/queue")
    html = committee.get("/queue").get_data(as_text=True)
    assert "Done: Transfer to another organisation." in html and case.number not in html


def test_the_committee_transferring_through_the_api_is_not_answered_with_the_case(
    app, demo, make_browser
):
    with app.test_request_context():
        case = filed_case(preferred_tier=Tier.enterprise)
    committee = Person(make_browser, app, "med_enterprise")
    answer = committee.api_client.post(
        f"/api/v1/cases/{case.id}/escalate",
        json={"reason": "移送工会"},
        headers=committee.headers,
    )
    assert answer.status_code == 204 and answer.get_data() == b""
    db.session.expire_all()
    assert db.session.get(Case, case.id).tier == "union"
    assert committee.api(f"/cases/{case.id}").status_code == 404
    # A tier that keeps its own record of the case is answered with it as before.
    union = Person(make_browser, app, "med_union")
    onward = union.api_client.post(
        f"/api/v1/cases/{case.id}/escalate", json={"reason": "移送调解中心"}, headers=union.headers
    )
    assert onward.status_code == 200 and onward.json["tier"] == "hr_bureau"
