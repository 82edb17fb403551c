"""The conversation through API v1 (every answer is checked against the OpenAPI document)."""

import pytest
from sqlalchemy import func, select

from mediation.cases.operations import fire
from mediation.extensions import db
from mediation.models import CaseMessage, Notification
from tests.factories import filed_case, user

CAUCUS_TEXT = "私下说：最低可以接受一万元。"


@pytest.fixture
def case(app, demo):
    return filed_case()


def messages(api, case, username, **query):
    answer = api("GET", f"/cases/{case.id}/messages", username, query_string=query)
    assert answer.status_code == 200, answer.json
    return answer.json


def test_each_side_reads_exactly_its_channels(api, case):
    posted = api(
        "POST",
        f"/cases/{case.id}/messages",
        "worker1",
        json={"channel": "joint", "text": "  请尽快安排调解。 "},
    )
    assert posted.status_code == 201
    assert posted.json["text"] == "请尽快安排调解。" and posted.json["mine"] is True
    assert posted.json["channel"] == "joint" and posted.json["author_role"] == "worker"
    caucus = {"channel": "applicant", "text": CAUCUS_TEXT}
    assert api("POST", f"/cases/{case.id}/messages", "worker1", json=caucus).status_code == 201
    reply = {"channel": "joint", "text": "公司同意调解。"}
    assert api("POST", f"/cases/{case.id}/messages", "employer1", json=reply).status_code == 201

    employer = messages(api, case, "employer1")
    assert employer["channels"] == ["joint", "respondent"]
    assert [m["text"] for m in employer["items"]] == ["请尽快安排调解。", "公司同意调解。"]
    assert (
        api("GET", f"/cases/{case.id}/messages?channel=applicant", "employer1").status_code == 403
    )

    mediator = messages(api, case, "med_hr")
    assert mediator["channels"] == ["joint", "applicant", "respondent"]
    assert [m["channel"] for m in mediator["items"]] == ["joint", "applicant", "joint"]
    assert all(m["unread"] for m in mediator["items"])
    assert not any(m["unread"] for m in messages(api, case, "med_hr")["items"])  # now read
    only_caucus = messages(api, case, "med_hr", channel="applicant")["items"]
    assert [m["text"] for m in only_caucus] == [CAUCUS_TEXT]

    worker = messages(api, case, "worker1")["items"]
    assert [m["unread"] for m in worker] == [False, False, True]  # the employer's reply is new
    notices = db.session.scalars(
        select(Notification.params).where(
            Notification.user_id == user("employer1").id, Notification.kind == "new_message"
        )
    ).all()
    assert notices == [{"number": case.number}]  # the joint message, and no text


@pytest.mark.parametrize(
    ("username", "body", "status"),
    [
        ("worker2", {"channel": "joint", "text": "你好"}, 404),
        ("med_union", {"channel": "joint", "text": "你好"}, 404),
        ("employer1", {"channel": "applicant", "text": "给工人的私信"}, 403),
        ("worker1", {"channel": "respondent", "text": "给公司的私信"}, 403),
    ],
    ids=[
        "another-worker",
        "another-organisation",
        "employer-to-worker-caucus",
        "worker-to-employer-caucus",
    ],
)
def test_a_message_where_the_caller_has_no_place_is_refused(api, case, username, body, status):
    answer = api("POST", f"/cases/{case.id}/messages", username, json=body)
    assert answer.status_code == status
    if status == 404:
        assert api("GET", f"/cases/{case.id}/messages", username).status_code == 404
    assert db.session.scalar(select(func.count(CaseMessage.id))) == 0


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"channel": "joint", "text": ""}, "text", "Please fill this in."),
        ({"channel": "joint", "text": "长" * 100_000}, "text", "At most 5000 characters."),
        (
            {"channel": "everyone", "text": "你好"},
            "channel",
            "Not one of: joint, applicant, respondent.",
        ),
        ({"text": "你好"}, "channel", "Please fill this in."),
    ],
    ids=["empty", "100000-characters", "unknown-channel", "no-channel"],
)
def test_bad_input_is_answered_field_by_field(api, case, body, field, message):
    answer = api("POST", f"/cases/{case.id}/messages", "worker1", json=body)
    assert answer.status_code == 422
    assert answer.json["errors"][field] == [message]
    assert db.session.scalar(select(func.count(CaseMessage.id))) == 0


def test_an_unknown_channel_to_read_is_bad_input(api, case):
    answer = api("GET", f"/cases/{case.id}/messages?channel=everyone", "worker1")
    assert answer.status_code == 422 and "channel" in answer.json["errors"]


def test_a_closed_case_refuses_new_messages(api, app, case):
    with app.test_request_context():
        fire(case, "decline", actor=user("med_hr"), reason="不属于受理范围")
        db.session.commit()
    answer = api(
        "POST",
        f"/cases/{case.id}/messages",
        "worker1",
        json={"channel": "joint", "text": "为什么？"},
    )
    assert answer.status_code == 409
    assert "no more messages can be sent" in answer.json["message"]
    assert messages(api, case, "worker1")["items"] == []


def test_a_message_in_chinese_is_refused_in_chinese(api, case):
    answer = api(
        "POST", f"/cases/{case.id}/messages", "worker1", lang="zh-CN", json={"channel": "joint"}
    )
    assert answer.status_code == 422
    assert answer.json["errors"]["text"] != ["Please fill this in."]
