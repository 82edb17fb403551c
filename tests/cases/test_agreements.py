"""Versioned agreements: every draft kept and numbered, signatures that name their version and
ask for the password again, paper signatures that need the signed scan before settling."""

import io
from decimal import Decimal

import pytest
from sqlalchemy import select

from mediation.cases import agreements
from mediation.cases.agreements import AgreementSuperseded
from mediation.cases.operations import fire
from mediation.core.errors import Invalid
from mediation.extensions import db
from mediation.models import AgreementVersion, AuditEvent, Case, Notification
from tests.factories import mediating_case, paper_scan, user
from tests.upload_files import MINIMAL_PDF

PASSWORD = "demo-2026"


def redrafted(case: Case) -> Case:
    """Version 1 (the worker signs it), then version 2 with a higher amount and later date."""
    mediator = user("med_hr")
    agreements.draft_agreement(
        case,
        actor=mediator,
        terms="公司于11月30日前支付工资10000元。",
        amount=Decimal(10000),
        due_date=None,
    )
    agreements.sign(case, actor=user("worker1"), version=1, password=PASSWORD)
    agreements.draft_agreement(
        case,
        actor=mediator,
        terms="公司于12月15日前支付工资13000元。",
        amount=Decimal(13000),
        due_date=None,
    )
    return case


def test_a_redraft_is_a_new_version_and_voids_the_signatures(app, demo, in_request):
    case = redrafted(mediating_case())
    agreement = case.agreement
    assert agreement.version == 2
    assert agreement.applicant_signed_version is None and agreement.applicant_signed_at is None
    kept = agreements.versions(case)
    assert [(v.version, v.amount) for v in kept] == [(2, Decimal(13000)), (1, Decimal(10000))]
    changes = agreements.latest_changes(kept)
    assert changes.previous == 1 and changes.amount == (Decimal(10000), Decimal(13000))
    assert changes.terms_changed and changes.due_date is None
    added = "".join(p.text for p in changes.terms if p.kind == "inserted")
    removed = "".join(p.text for p in changes.terms if p.kind == "deleted")
    assert "3" in added and "0" in removed  # 10000 → 13000, character by character
    assert (
        db.session.scalar(select(db.func.count()).where(AgreementVersion.case_id == case.id)) == 2
    )


def test_a_signature_on_the_superseded_version_is_refused_with_the_current_one(
    app, demo, in_request
):
    case = redrafted(mediating_case())
    with pytest.raises(AgreementSuperseded) as refused:
        agreements.sign(case, actor=user("employer1"), version=1, password=PASSWORD)
    assert refused.value.current == 2 and refused.value.code == "agreement_superseded"
    assert case.agreement.respondent_signed_version is None


@pytest.mark.parametrize("version", [3, 0, None], ids=["future", "zero", "missing"])
def test_a_version_that_does_not_exist_is_refused_by_field(app, demo, in_request, version):
    case = redrafted(mediating_case())
    with pytest.raises(Invalid) as refused:
        agreements.sign(case, actor=user("worker1"), version=version, password=PASSWORD)
    assert set(refused.value.errors) == {"version"}


def test_a_wrong_password_says_only_that_and_is_no_failed_login(app, demo, in_request):
    case = redrafted(mediating_case())
    with pytest.raises(Invalid) as refused:
        # A stale version too: the wrong password must not reveal that.
        agreements.sign(case, actor=user("worker1"), version=1, password="guess")
    assert set(refused.value.errors) == {"password"}
    assert not db.session.scalar(
        select(db.func.count()).where(AuditEvent.action == "security.login_failed")
    )
    assert case.agreement.applicant_signed_at is None


def test_both_sign_the_current_version_the_mediator_is_told_and_the_case_settles(
    app, demo, in_request
):
    case = redrafted(mediating_case())
    mediator = user("med_hr")
    with pytest.raises(Invalid) as refused:
        fire(case, "settle", actor=mediator)
    assert set(refused.value.errors) == {"applicant_signed", "respondent_signed"}
    agreements.sign(case, actor=user("worker1"), version=2, password=PASSWORD)
    agreements.sign(case, actor=user("employer1"), version=2, password=PASSWORD)
    assert case.agreement.fully_signed
    told = db.session.scalars(
        select(Notification.params).where(
            Notification.user_id == mediator.id, Notification.kind == "agreement_signed"
        )
    ).all()
    assert len(told) == 3  # version 1 by the worker, version 2 by both
    fire(case, "settle", actor=mediator)
    assert (case.state, case.outcome) == ("closed", "resolved")
    versions = db.session.scalars(
        select(AuditEvent.details).where(
            AuditEvent.case_id == case.id, AuditEvent.action == "case.agreement_signed"
        )
    ).all()
    assert [d["version"] for d in versions] == [1, 2, 2]


def test_paper_signatures_need_the_scan_before_settling(app, demo, in_request):
    case = mediating_case()
    mediator = user("med_hr")
    agreements.draft_agreement(
        case, actor=mediator, terms="支付工资", amount=Decimal(100), due_date=None
    )
    agreements.record_paper_signatures(case, actor=mediator)
    assert case.agreement.paper_scan_missing
    with pytest.raises(Invalid) as refused:
        fire(case, "settle", actor=mediator)
    assert set(refused.value.errors) == {"paper_scan"}
    # The scan may follow: the mediator records it, and the case settles.
    agreements.record_paper_signatures(case, actor=mediator, scan=paper_scan())
    assert not case.agreement.paper_scan_missing
    assert agreements.paper_scan(case.agreement).original_name == "调解协议书（签字）.pdf"
    fire(case, "settle", actor=mediator)
    assert case.outcome == "resolved"


# --- The page ---------------------------------------------------------------------------------


def test_the_page_shows_the_version_what_changed_and_asks_for_the_password(app, demo, make_browser):
    with app.test_request_context():
        case = redrafted(mediating_case())
        db.session.commit()
    worker = make_browser()
    worker.login("worker1")
    page = worker.get(f"/cases/{case.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Version 2" in page and "What changed from version 1" in page
    assert "<ins>" in page and "<del>" in page
    assert "Earlier versions (1)" in page
    assert 'name="version" value="2"' in page and 'type="password"' in page

    sign_url = f"/cases/{case.id}/agreement/sign"
    wrong = worker.submit(
        sign_url,
        {"version": "2", "password": "nope"},
        page=f"/cases/{case.id}",
        headers={"Accept-Language": "en"},
    )
    assert wrong.status_code == 422
    assert "This is not your password" in wrong.get_data(as_text=True)

    stale = worker.submit(
        sign_url,
        {"version": "1", "password": PASSWORD},
        page=f"/cases/{case.id}",
        follow_redirects=True,
        headers={"Accept-Language": "en"},
    )
    text = stale.get_data(as_text=True)
    assert "The agreement was changed after you read it" in text and "Version 2" in text

    signed = worker.submit(
        sign_url, {"version": "2", "password": PASSWORD}, page=f"/cases/{case.id}"
    )
    assert signed.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).agreement.applicant_signed_version == 2


def test_the_mediator_records_paper_signatures_with_the_scan_on_the_page(
    app, demo, make_browser, tmp_path
):
    with app.test_request_context():
        case = mediating_case()
        agreements.draft_agreement(
            case, actor=user("med_hr"), terms="支付工资", amount=Decimal(100), due_date=None
        )
        db.session.commit()
    mediator = make_browser()
    mediator.login("med_hr")
    url = f"/cases/{case.id}/agreement/paper"
    missing = mediator.submit(url, {}, page=f"/cases/{case.id}")
    assert missing.status_code == 422
    scan = (io.BytesIO(MINIMAL_PDF), "协议书.pdf")
    recorded = mediator.submit(
        url, {"scan": scan}, page=f"/cases/{case.id}", content_type="multipart/form-data"
    )
    assert recorded.status_code == 302
    db.session.expire_all()
    agreement = db.session.get(Case, case.id).agreement
    assert agreement.signed_on_paper and agreement.paper_scan_id
    download = mediator.get(f"/cases/{case.id}/agreement/scan")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert make_browser().get(f"/cases/{case.id}/agreement/scan").status_code == 302  # sign in
