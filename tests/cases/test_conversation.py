"""The conversation of a case on its page: a joint channel and a private caucus (背对背) per
party; a party never reads, downloads or hears of the other party's caucus."""

import html as markup
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mediation.cases import conversation
from mediation.cases.operations import claim, fire
from mediation.extensions import db
from mediation.models import (
    AuditEvent,
    CaseMessage,
    MessageChannel,
    Notification,
    OutboxMessage,
    StoredFile,
)
from tests.factories import user
from tests.upload_files import MINIMAL_PDF

PDF = MINIMAL_PDF
EN = {"Accept-Language": "en"}
JOINT_TEXT = "我们希望尽快调解。"
CAUCUS_TEXT = "私下说：最低可以接受一万元。"


def errors(response) -> dict[str, str]:
    page = response.get_data(as_text=True)
    found = re.findall(r'<p class="field-error" id="([\w-]+)-error">([^<]*)</p>', page)
    return {field: markup.unescape(text) for field, text in found}


def send(browser, case, channel: str, text: str, attachment=None, **kwargs):
    data = {f"{channel}-text": text}
    if attachment is not None:
        data[f"{channel}-attachment"] = attachment
    return browser.submit(
        f"/cases/{case.id}/messages/{channel}",
        data,
        page=f"/cases/{case.id}",
        content_type="multipart/form-data",
        headers=EN,
        **kwargs,
    )


def new_messages_for(username: str) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user(username).id, Notification.kind == "new_message"
        )
    )


def page_of(browser, case) -> str:
    return browser.get(f"/cases/{case.id}", headers=EN).get_data(as_text=True)


def test_the_employer_reads_the_joint_channel_but_nothing_of_the_worker_caucus(
    app, case, signed_in
):
    worker, employer, mediator = signed_in("worker1"), signed_in("employer1"), signed_in("med_hr")
    assert send(worker, case, "joint", JOINT_TEXT).status_code == 302
    assert send(worker, case, "applicant", CAUCUS_TEXT).status_code == 302

    page = page_of(employer, case)
    assert JOINT_TEXT in page and CAUCUS_TEXT not in page
    assert 'id="channel-joint"' in page and 'id="channel-respondent"' in page
    assert 'id="channel-applicant"' not in page and "Mediator and worker only" not in page
    assert send(employer, case, "joint", "公司同意调解。").status_code == 302

    page = page_of(mediator, case)
    assert JOINT_TEXT in page and CAUCUS_TEXT in page and "公司同意调解。" in page
    assert all(f'id="channel-{c}"' in page for c in ("joint", "applicant", "respondent"))
    assert "公司同意调解。" in page_of(worker, case)

    # Notices: only the channel's other participants, never the text, never the caucus.
    assert new_messages_for("employer1") == 1  # the joint message only
    assert new_messages_for("med_hr") == 3  # no mediator yet: the organisation's staff answer
    assert new_messages_for("worker1") == 1  # the employer's reply
    sent = db.session.scalars(select(OutboxMessage.body)).all()
    assert sent and not any(CAUCUS_TEXT in body or JOINT_TEXT in body for body in sent)
    # Audited, and not on the timeline both parties read.
    posted = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "message.posted"))
    assert [event.details["case_id"] for event in posted] == [case.id] * 3
    assert CAUCUS_TEXT not in page_of(employer, case)


def test_unread_messages_are_marked_until_the_reader_opens_the_page(app, case, signed_in):
    worker, mediator = signed_in("worker1"), signed_in("med_hr")
    send(worker, case, "applicant", "第一条")
    send(worker, case, "applicant", "第二条")
    assert conversation.unread_counts(case, user("med_hr"))[MessageChannel.applicant] == 2
    page = page_of(mediator, case)
    assert "2 new" in page and page.count("message--new") == 2
    assert conversation.unread_counts(case, user("med_hr"))[MessageChannel.applicant] == 0
    assert "message--new" not in page_of(mediator, case)
    # One's own messages are never new to oneself.
    assert conversation.unread_counts(case, user("worker1")) == {
        MessageChannel.joint: 0,
        MessageChannel.applicant: 0,
    }


def test_once_a_mediator_takes_the_case_only_they_are_told(app, case, signed_in):
    with app.test_request_context():
        claim(case, actor=user("med_hr"))
        db.session.commit()
    send(signed_in("employer1"), case, "respondent", "可以分期支付。")
    assert new_messages_for("med_hr") == 1
    assert new_messages_for("worker1") == 0


@pytest.mark.parametrize("username", ["worker2", "med_union", "med_district"])
def test_people_outside_the_case_cannot_reach_its_messages(app, case, signed_in, username):
    with app.test_request_context():
        message = conversation.post_message(
            case,
            actor=user("worker1"),
            channel=MessageChannel.joint,
            text=JOINT_TEXT,
            attachment=_stored(app, PDF, "工资条.pdf"),
        )
        db.session.commit()
    outsider = signed_in(username)
    assert outsider.get(f"/cases/{case.id}").status_code == 404
    url = f"/cases/{case.id}/messages/{message.id}/attachment"
    assert outsider.get(url).status_code == 404
    response = outsider.submit(
        f"/cases/{case.id}/messages/joint", {"joint-text": "hello"}, page="/"
    )
    assert response.status_code == 404
    assert db.session.scalar(select(func.count(CaseMessage.id))) == 1


def test_a_party_cannot_write_to_the_other_partys_caucus(app, case, signed_in):
    employer = signed_in("employer1")
    response = employer.submit(
        f"/cases/{case.id}/messages/applicant", {"applicant-text": "给工人的私信"}, page="/"
    )
    assert response.status_code == 403
    response = signed_in("worker1").submit(
        f"/cases/{case.id}/messages/respondent", {"respondent-text": "给公司的私信"}, page="/"
    )
    assert response.status_code == 403
    assert db.session.scalar(select(func.count(CaseMessage.id))) == 0
    assert employer.get(f"/cases/{case.id}/messages/nonsense").status_code == 405
    response = employer.submit(f"/cases/{case.id}/messages/nonsense", {}, page="/")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write your message."),
        ("   \n ", "Write your message."),
        ("长" * 100_000, "A message has at most 5000 characters; this one has 100000."),
    ],
    ids=["empty", "only-spaces", "100000-characters"],
)
def test_a_message_that_cannot_be_sent_is_explained_and_kept(app, case, signed_in, text, message):
    worker = signed_in("worker1")
    send(worker, case, "joint", "先发的一条")
    response = send(worker, case, "joint", text)
    assert response.status_code == 422
    assert errors(response)["joint-text"].startswith(message)
    page = response.get_data(as_text=True)
    summary = page[
        page.index('class="error-summary"') : page.index(
            "</div>", page.index('class="error-summary"')
        )
    ]
    assert 'href="#joint-text"' in summary and message in markup.unescape(summary)
    if text.strip():
        assert text in page  # what was typed is still there
    assert "先发的一条" in page
    assert db.session.scalar(select(func.count(CaseMessage.id))) == 1


def test_an_attachment_is_checked_like_evidence_and_downloaded_by_whom_may_read(
    app, case, signed_in
):
    worker, employer, mediator = signed_in("worker1"), signed_in("employer1"), signed_in("med_hr")
    files_before = _files(app)
    html_as_pdf = (io.BytesIO(b"<html><script>alert(1)</script></html>"), "工资条.pdf")
    response = send(worker, case, "applicant", CAUCUS_TEXT, attachment=html_as_pdf)
    assert response.status_code == 422
    assert "Only PDF, JPEG and PNG files" in errors(response)["applicant-attachment"]
    assert CAUCUS_TEXT in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(StoredFile.id))) == 0
    assert _files(app) == files_before

    assert (
        send(worker, case, "applicant", CAUCUS_TEXT, (io.BytesIO(PDF), "工资条.pdf")).status_code
        == 302
    )
    message = db.session.scalar(select(CaseMessage))
    assert message.attachment.original_name == "工资条.pdf"
    url = f"/cases/{case.id}/messages/{message.id}/attachment"
    download = mediator.get(url)
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert employer.get(url).status_code == 404  # the worker's caucus does not exist for them
    assert "工资条.pdf" not in page_of(employer, case)
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "read.message_attachment")
        )
        == 1
    )


def test_a_closed_case_takes_no_more_messages_but_stays_readable(app, case, signed_in):
    worker = signed_in("worker1")
    send(worker, case, "joint", JOINT_TEXT)
    with app.test_request_context():
        fire(case, "withdraw", actor=user("worker1"), reason="已私下和解")
        db.session.commit()
    response = send(worker, case, "joint", "还有一句", follow_redirects=True)
    assert "no more messages can be sent" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(CaseMessage.id))) == 1
    page = page_of(worker, case)
    assert JOINT_TEXT in page and "joint-text" not in page


def _stored(app, content: bytes, name: str):
    from werkzeug.datastructures import FileStorage

    from mediation.uploads import store_upload

    return store_upload(FileStorage(io.BytesIO(content), name), Path(app.config["EVIDENCE_DIR"]))


def _files(app) -> set[str]:
    directory = Path(app.config["EVIDENCE_DIR"])
    return {path.name for path in directory.iterdir()} if directory.exists() else set()
