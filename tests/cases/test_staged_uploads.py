"""Files uploaded while the filing form is filled in wait in a staging area, bound to their
uploader for 24 hours; the clean-up job removes those of filings that never happened. Each
user's files fit in a room; two uploads at once cannot both take a case's last place.

The evidence folder of each test is its own (``tmp_path``); time is moved with the clean-up's
``now`` and the files' modification times, never by sleeping.
"""

import io
import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner
from sqlalchemy import func, select, update
from werkzeug.datastructures import FileStorage

from mediation import uploads
from mediation.cases import casework
from mediation.delivery.tasks import cleanup
from mediation.extensions import db
from mediation.models import AuditEvent, Case, CaseDraft, Evidence
from mediation.models.types import utcnow
from tests.conftest import csrf_token_from
from tests.factories import filed_case, paper_scan, user
from tests.upload_files import MINIMAL_PDF, pdf_of_size

FILING = {
    "employer_name": "清远某某新材料有限公司",
    "employer_uscc": "91350100M000100Y43",
    "employer_region": "",
    "employer_industry": "",
    "employment_start": "2023-03-01",
    "employment_end": "",
    "job": "操作工",
    "monthly_wage": "6500",
    "categories": ["wage_arrears"],
    "claims-0-category": "wage_arrears",
    "claims-0-amount": "13000",
    "claims-0-description": "两个月工资",
    **{
        f"claims-{row}-{name}": ""
        for row in (1, 2)
        for name in ("category", "amount", "description")
    },
    "facts": "公司拖欠两个月工资。",
    "desired_outcome": "",
    "workers_involved": "1",
    "representatives": "",
    "preferred_tier": "",
    "consent": "y",
    "attached": "",
}
FILES_LOST = "Files you attached more than 24 hours ago were removed. Please choose them again."
DAY = timedelta(hours=24)


@pytest.fixture
def evidence_root(app, tmp_path, monkeypatch):
    root = tmp_path / "evidence"
    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(root))
    return root


@pytest.fixture
def worker(app, demo, make_browser, evidence_root):
    browser = make_browser()
    browser.login("worker1")
    return browser


def submit(browser, chosen=(), **changes):
    """Send the filing form with the files ``chosen`` (name, bytes)."""
    data = {**FILING, **changes}
    if chosen:
        data["evidence"] = [(io.BytesIO(content), name) for name, content in chosen]
    return browser.submit(
        "/cases/new", data, content_type="multipart/form-data", headers={"Accept-Language": "en"}
    )


def carried_field(response) -> str:
    html = response.get_data(as_text=True)
    return re.search(r'name="attached" type="hidden" value="([^"]*)"', html).group(1)


def field_errors(response) -> dict[str, str]:
    html = response.get_data(as_text=True)
    found = re.findall(r'<p class="field-error" id="([\w-]+)-error">([^<]*)</p>', html)
    return {field: message.strip() for field, message in found}


def staged(root, username="worker1") -> list[str]:
    folder = root / "staging" / str(user(username).id)
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def filed(root) -> list[str]:
    return sorted(path.name for path in root.glob("*.pdf")) if root.exists() else []


def age(root, name: str, hours: float, username="worker1") -> None:
    path = root / "staging" / str(user(username).id) / name
    moment = time.time() - hours * 3600
    os.utime(path, (moment, moment))


# --- staging during intake ----------------------------------------------------------------------


def test_files_wait_in_staging_until_the_case_is_filed(app, worker, evidence_root):
    response = submit(worker, [("劳动合同.pdf", MINIMAL_PDF)], facts="")

    assert response.status_code == 422  # the facts are missing; the file is kept meanwhile
    assert len(staged(evidence_root)) == 1 and filed(evidence_root) == []

    response = submit(worker, attached=carried_field(response))

    assert response.status_code == 302
    evidence = db.session.scalar(select(Evidence))
    assert evidence.original_name == "劳动合同.pdf"
    assert staged(evidence_root) == [] and filed(evidence_root) == [evidence.stored_name]
    assert (evidence_root / evidence.stored_name).read_bytes() == MINIMAL_PDF


def test_a_filing_that_fails_after_its_files_were_attached_leaves_them_staged(
    app, worker, evidence_root, monkeypatch
):
    form = carried_field(submit(worker, [("工资条.pdf", MINIMAL_PDF)], facts=""))
    name = staged(evidence_root)[0]

    def crash(*args, **kwargs):
        raise RuntimeError("the database went away")

    with monkeypatch.context() as patched, pytest.raises(RuntimeError):
        patched.setattr("mediation.cases.intake.flash", crash)  # after the files are attached
        submit(worker, attached=form)

    assert staged(evidence_root) == [name] and filed(evidence_root) == []
    assert db.session.scalar(select(func.count(Case.id))) == 0
    assert submit(worker, attached=form).status_code == 302  # the same form files them
    assert filed(evidence_root) == [name]


def test_a_replayed_attached_field_of_another_user_attaches_nothing(
    app, worker, make_browser, evidence_root
):
    stolen = carried_field(submit(worker, [("劳动合同.pdf", MINIMAL_PDF)], facts=""))
    other = make_browser()
    other.login("worker2")

    response = submit(other, attached=stolen)

    assert response.status_code == 302  # filed, without anybody else's file
    case = db.session.scalar(select(Case).where(Case.applicant_id == user("worker2").id))
    assert case.evidence == []
    assert len(staged(evidence_root)) == 1  # still the uploader's, in their own folder
    replay = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "security.staged_files_replayed")
    )
    assert replay is not None and replay.actor_id == user("worker2").id


def test_an_altered_attached_field_attaches_nothing(app, worker, evidence_root):
    genuine = carried_field(submit(worker, [("劳动合同.pdf", MINIMAL_PDF)], facts=""))

    response = submit(worker, attached=genuine[:-3] + "abc")

    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Evidence.id))) == 0


def test_a_form_left_open_more_than_24_hours_asks_for_its_files_again(
    app, worker, evidence_root, monkeypatch
):
    class Yesterday(TimestampSigner):
        def get_timestamp(self) -> int:
            return super().get_timestamp() - 25 * 3600

    with monkeypatch.context() as patched:  # the form's list is signed 25 hours ago
        patched.setattr(
            uploads,
            "_carrier",
            lambda: URLSafeTimedSerializer(
                app.config["SECRET_KEY"], "staged-uploads", signer=Yesterday
            ),
        )
        form = carried_field(submit(worker, [("劳动合同.pdf", MINIMAL_PDF)], facts=""))

    response = submit(worker, attached=form)

    assert response.status_code == 422  # not filed without the evidence the person chose
    assert field_errors(response)["evidence"] == FILES_LOST
    assert db.session.scalar(select(func.count(Case.id))) == 0


def test_the_form_keeps_at_most_ten_files(app, worker, evidence_root):
    chosen = [(f"证据{i}.pdf", MINIMAL_PDF) for i in range(11)]

    response = submit(worker, chosen, facts="")

    assert "Each party can upload at most 10 files." in field_errors(response)["evidence"]
    assert len(staged(evidence_root)) == 10


# --- the clean-up ---------------------------------------------------------------------------


def test_an_upload_never_filed_is_deleted_after_24_hours_and_a_filed_one_is_kept(
    app, worker, evidence_root
):
    submit(worker, [("没交的证据.pdf", MINIMAL_PDF)], facts="")
    abandoned = staged(evidence_root)
    assert submit(worker, [("合同.pdf", MINIMAL_PDF)]).status_code == 302
    kept = filed(evidence_root)

    cleanup(now=utcnow() + DAY - timedelta(hours=1))
    assert staged(evidence_root) == abandoned

    cleanup(now=utcnow() + DAY + timedelta(hours=1))
    assert staged(evidence_root) == []
    assert filed(evidence_root) == kept
    assert db.session.scalar(select(Evidence.stored_name)) == kept[0]


def test_a_draft_keeps_its_files_for_24_hours_after_it_was_saved(app, worker, evidence_root):
    response = submit(worker, [("考勤表.pdf", MINIMAL_PDF)], facts="写了一半", save_draft="1")
    assert response.status_code == 302
    (name,) = staged(evidence_root)
    age(evidence_root, name, hours=30)  # uploaded long ago; the draft was saved just now

    cleanup()

    assert staged(evidence_root) == [name]
    html = worker.get("/cases/new", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "考勤表.pdf" in html  # resuming the draft, the file is still attached

    db.session.execute(update(CaseDraft).values(updated_at=utcnow() - DAY - timedelta(hours=1)))
    db.session.commit()
    cleanup()

    assert staged(evidence_root) == []
    html = worker.get("/cases/new", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "考勤表.pdf" not in html and FILES_LOST in html


def test_a_filed_file_left_in_staging_by_a_crash_is_moved_into_place(app, worker, evidence_root):
    assert submit(worker, [("合同.pdf", MINIMAL_PDF)]).status_code == 302
    (name,) = filed(evidence_root)
    folder = evidence_root / "staging" / str(user("worker1").id)
    folder.mkdir(parents=True, exist_ok=True)
    (evidence_root / name).rename(folder / name)  # as if the process died after the commit
    age(evidence_root, name, hours=30)

    cleanup()

    assert filed(evidence_root) == [name] and staged(evidence_root) == []


# --- the transaction decides a file's fate ------------------------------------------------------


def test_a_file_stored_by_an_operation_that_rolls_back_is_removed(app, demo, evidence_root):
    with app.test_request_context():
        stored = uploads.store_upload(FileStorage(io.BytesIO(MINIMAL_PDF), "a.pdf"), evidence_root)
        assert filed(evidence_root) == [stored.stored_name]
        db.session.rollback()
        assert filed(evidence_root) == []

        kept = uploads.store_upload(FileStorage(io.BytesIO(MINIMAL_PDF), "b.pdf"), evidence_root)
        db.session.commit()
        assert filed(evidence_root) == [kept.stored_name]


def test_a_file_replaced_in_a_transaction_that_rolls_back_is_kept(app, demo, evidence_root):
    with app.test_request_context():
        letter = uploads.store_upload(
            FileStorage(io.BytesIO(MINIMAL_PDF), "委托书.pdf"), evidence_root
        )
        db.session.commit()

        uploads.delete_when_committed(evidence_root, letter.stored_name)
        db.session.rollback()
        assert filed(evidence_root) == [letter.stored_name]  # the old record still names it

        uploads.delete_when_committed(evidence_root, letter.stored_name)
        db.session.commit()
        assert filed(evidence_root) == []


# --- quotas -----------------------------------------------------------------------------------

OVER_QUOTA = (
    "Your files would take more than the 1 MB you have, so this file cannot be added. "
    "Everything you sent before is kept; ask the mediator if you need to send more."
)
SCAN = pdf_of_size(400 * 1024)


@pytest.fixture
def one_megabyte(app, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_QUOTA_BYTES_PARTY", 1024 * 1024)


def upload_to(browser, case, chosen):
    return browser.submit(
        f"/cases/{case.id}/evidence",
        {"file": [(io.BytesIO(content), name) for name, content in chosen]},
        page=f"/cases/{case.id}",
        content_type="multipart/form-data",
        headers={"Accept-Language": "en"},
    )


def test_an_upload_over_the_users_room_is_refused_beside_the_field(
    app, worker, evidence_root, one_megabyte
):
    case = filed_case()
    assert upload_to(worker, case, [("一.pdf", SCAN), ("二.pdf", SCAN)]).status_code == 302

    response = upload_to(worker, case, [("三.pdf", SCAN)])

    assert response.status_code == 422
    assert field_errors(response)["file"] == f"三.pdf: {OVER_QUOTA}"
    assert db.session.scalar(select(func.count(Evidence.id))) == 2
    assert len(filed(evidence_root)) == 2


def test_files_waiting_for_a_filing_count_against_the_room(
    app, worker, evidence_root, one_megabyte
):
    chosen = [("一.pdf", SCAN), ("二.pdf", SCAN), ("三.pdf", SCAN)]

    response = submit(worker, chosen, facts="")

    assert field_errors(response)["evidence"] == f"三.pdf: {OVER_QUOTA}"
    assert len(staged(evidence_root)) == 2


def test_parties_have_a_room_and_staff_none_by_default(app, demo):
    assert uploads.quota_of(user("worker1")) == 200 * 1024 * 1024
    assert uploads.quota_of(user("employer1")) == 200 * 1024 * 1024
    assert uploads.quota_of(user("med_hr")) is None


def test_at_most_so_many_files_wait_for_a_filing(app, worker, evidence_root, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_STAGED_FILES_MAX", 2)
    chosen = [(f"证据{i}.pdf", MINIMAL_PDF) for i in range(3)]

    response = submit(worker, chosen, facts="")

    assert field_errors(response)["evidence"] == (
        "证据2.pdf: You already have 2 files waiting for an application to be filed, the most "
        "we keep. File your application first; files of an application that is not filed are "
        "removed after 24 hours."
    )
    assert len(staged(evidence_root)) == 2


# --- two uploads at once ------------------------------------------------------------------------


@pytest.mark.commits
@pytest.mark.postgresql_only
def test_two_uploads_at_once_cannot_both_take_the_last_place(
    app, demo, make_browser, evidence_root
):
    case = filed_case()
    applicant = user("worker1")
    for number in range(casework.MAX_EVIDENCE_PER_PARTY - 1):
        casework.add_evidence(case, actor=applicant, stored=paper_scan(f"证据{number}.pdf"))
    db.session.commit()
    threads = 4
    browsers = [make_browser() for _ in range(threads)]
    tokens = []
    for browser in browsers:
        browser.login("worker1")
        tokens.append(csrf_token_from(browser.get(f"/cases/{case.id}").get_data(as_text=True)))
    barrier = threading.Barrier(threads)

    def send(index: int) -> int:
        barrier.wait()
        return (
            browsers[index]
            .client.post(
                f"/cases/{case.id}/evidence",
                data={
                    "csrf_token": tokens[index],
                    "file": [(io.BytesIO(MINIMAL_PDF), f"最后一份{index}.pdf")],
                },
                content_type="multipart/form-data",
            )
            .status_code
        )

    with ThreadPoolExecutor(threads) as pool:
        answers = list(pool.map(send, range(threads)))

    assert sorted(answers) == [302] + [422] * (threads - 1)
    db.session.expire_all()
    count = select(func.count(Evidence.id)).where(Evidence.case_id == case.id)
    assert db.session.scalar(count) == casework.MAX_EVIDENCE_PER_PARTY
    assert len(filed(evidence_root)) == 1  # the refused uploads left nothing behind


def test_the_phones_file_picker_offers_only_what_is_accepted(app, demo, browser):
    browser.login("worker1")
    html = browser.get("/cases/new").get_data(as_text=True)
    field = re.search(r'<input[^>]*name="evidence"[^>]*>', html).group(0)
    accept = re.search(r'accept="([^"]+)"', field).group(1).split(",")
    assert {".pdf", ".jpg", ".png", "application/pdf", "image/jpeg", "image/png"} <= set(accept)
    assert not any("gif" in kind or "svg" in kind or "html" in kind for kind in accept)
