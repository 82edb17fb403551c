"""The retention rule: closed cases past their period lose their personal data, others keep it;
the figures do not move; admins see what happened (个人信息保护法 第十九条, 第四十七条)."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from mediation.cases import casework
from mediation.cases.operations import fire
from mediation.extensions import db
from mediation.legal_aid.operations import request_legal_aid
from mediation.models import (
    AuditEvent,
    Case,
    CaseDocument,
    CaseFigures,
    DocumentFile,
    Evidence,
    LegalAidRequest,
)
from mediation.models.types import utcnow
from mediation.stats import figures
from mediation.uploads import store_upload
from tests.factories import mediating_case, user
from tests.upload_files import pdf_of_size

EN = {"Accept-Language": "en"}
ID_NUMBER, PHONE = "441802199003150013", "13800138001"


def _failed_case(app, *, closed_days_ago: int, evidence: bool = False) -> Case:
    """A case of worker1, who asked for legal aid, that mediation failed (kept 3 years), closed
    that many days ago."""
    with app.test_request_context():
        case = mediating_case()
        request_legal_aid(case, actor=user("worker1"))
        if evidence:
            stored = store_upload(
                FileStorage(io.BytesIO(pdf_of_size(2000)), "工资条.pdf"),
                Path(app.config["EVIDENCE_DIR"]),
            )
            casework.add_evidence(case, actor=user("worker1"), stored=stored)
        fire(case, "fail", actor=user("med_hr"), reason="双方差距过大，调解不成")
        case.closed_at = utcnow() - timedelta(days=closed_days_ago)
        db.session.commit()
    return case


def _anonymised_events(case: Case) -> int:
    return db.session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.case_id == case.id, AuditEvent.action == "case.anonymised"
        )
    )


@pytest.mark.both_databases
def test_a_case_past_its_period_is_anonymised_once_and_the_figures_do_not_move(
    app, demo, make_browser, monkeypatch, tmp_path
):
    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(tmp_path))
    old = _failed_case(app, closed_days_ago=3 * 366 + 10, evidence=True)
    recent = _failed_case(app, closed_days_ago=30)
    evidence_file = tmp_path / db.session.scalar(
        select(Evidence.stored_name).where(Evidence.case_id == old.id)
    )
    assert evidence_file.exists()
    figures_before = db.session.get(CaseFigures, old.id)
    counted_before = {column: getattr(figures_before, column) for column in figures.MEASURES}
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["retention", "run", "--dry-run"])
    assert dry.exit_code == 0 and "1 cases due; nothing changed" in dry.output
    db.session.expire_all()
    assert db.session.get(Case, old.id).applicant_id_number == ID_NUMBER
    assert evidence_file.exists() and _anonymised_events(old) == 0

    for _ in range(2):  # the second run finds nothing left to do
        result = runner.invoke(args=["retention", "run"])
        assert result.exit_code == 0, result.output
    db.session.expire_all()
    erased, kept = db.session.get(Case, old.id), db.session.get(Case, recent.id)
    assert (erased.applicant_name, erased.applicant_id_number, erased.applicant_phone) == (
        "申请人",
        "",
        "",
    )
    assert erased.facts == "" and erased.close_reason is None and erased.anonymised_at
    assert erased.track_code_hash is None and kept.track_code_hash  # /track forgets it
    assert not evidence_file.exists()
    assert db.session.scalar(select(func.count(Evidence.id)).where(Evidence.case_id == old.id)) == 0
    assert _anonymised_events(old) == 1
    # The issued documents stay on record (kind, code, dates, hash) without what they said.
    documents = db.session.scalars(select(CaseDocument).where(CaseDocument.case_id == old.id))
    assert all(document.content is None for document in documents)
    kept_pdfs = select(func.count(DocumentFile.id)).join(CaseDocument)
    assert db.session.scalar(kept_pdfs.where(CaseDocument.case_id == old.id)) == 0
    assert (kept.applicant_id_number, kept.anonymised_at) == (ID_NUMBER, None)
    # The request for legal aid stays counted but no longer leads to the worker's account.
    asked = select(LegalAidRequest.requested_by_id, LegalAidRequest.station)
    erased_request = db.session.execute(asked.where(LegalAidRequest.case_id == old.id)).one()
    kept_request = db.session.execute(asked.where(LegalAidRequest.case_id == recent.id)).one()
    assert erased_request.requested_by_id is None and erased_request.station
    assert kept_request.requested_by_id == user("worker1").id
    assert counted_before["legal_aid_requests"] == 1

    figures_after = db.session.get(CaseFigures, old.id)
    assert {column: getattr(figures_after, column) for column in figures.MEASURES} == (
        counted_before
    )
    assert not any(figures.verify().values())

    staff = make_browser()
    staff.login("med_hr")
    page = staff.get(f"/cases/{old.id}", headers=EN).get_data(as_text=True)
    assert "Personal data erased" in page and "by the retention rule" in page
    assert "李明" not in page and "138****8001" not in page and "441802" not in page
    assert "Personal data erased" not in staff.get(f"/cases/{recent.id}", headers=EN).get_data(
        as_text=True
    )


def test_admins_see_the_rules_what_falls_due_and_the_last_run(app, demo, make_browser):
    due_now = _failed_case(app, closed_days_ago=3 * 366 + 10)
    _failed_case(app, closed_days_ago=3 * 365 - 10)  # due within 30 days
    app.test_cli_runner().invoke(args=["retention", "run"])
    assert db.session.get(Case, due_now.id).anonymised_at is not None

    admin = make_browser()
    admin.login("admin")
    answer = admin.get("/admin/retention", headers=EN)
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert "个人信息保护法 第十九条" in page and "第四十七条" in page
    assert "Mediation failed" in page and "3 years" in page and "1 year" in page
    row = page[page.index("Mediation failed") :].split("</tr>")[0]
    assert [cell.split("</td>")[0] for cell in row.split("<td>")[1:]] == ["3 years", "0", "1"]
    assert "1 of 1 cases due were anonymised" in page
    assert "In all: 1 case." in page
    assert (utcnow() + timedelta(hours=8)).strftime("%Y-%m") in page  # this month, in Shanghai

    worker = make_browser()
    worker.login("worker1")
    assert worker.get("/admin/retention").status_code == 403
