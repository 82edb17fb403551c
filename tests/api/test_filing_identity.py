"""A worker filing through the API is the applicant: the body cannot name somebody else."""

import pytest
from sqlalchemy import func, select

from mediation.extensions import db
from mediation.models import Case
from tests.api.bodies import DESIGN_BODY, WORKER1_APPLICANT, body

SOMEONE_ELSE = DESIGN_BODY["applicant"]  # 张三, who has no account


@pytest.mark.parametrize(
    "applicant",
    [
        SOMEONE_ELSE,
        {**WORKER1_APPLICANT, "name": "王芳"},
        {**WORKER1_APPLICANT, "id_number": "441802198807200026"},
        {**WORKER1_APPLICANT, "phone": "13800138002"},
    ],
    ids=["another-person", "another-name", "another-id-number", "another-phone"],
)
def test_a_worker_cannot_file_in_another_persons_name(api, applicant):
    response = api("POST", "/cases", "worker1", json=body(applicant=applicant))
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"applicant"}
    assert "only file for yourself" in response.json["errors"]["applicant"][0]
    assert db.session.scalar(select(func.count(Case.id))) == 0


def test_the_refusal_comes_with_the_bodys_other_problems_in_chinese(api):
    response = api(
        "POST", "/cases", "worker1", lang="zh-CN", json=body(applicant=SOMEONE_ELSE, facts="")
    )
    assert response.status_code == 422
    errors = response.json["errors"]
    assert set(errors) == {"applicant", "facts"}
    assert not errors["applicant"][0].isascii()


def test_a_worker_naming_themself_or_leaving_it_out_files_as_the_account(api):
    for sent in (body(applicant=WORKER1_APPLICANT), body()):
        response = api("POST", "/cases", "worker1", json=sent)
        assert response.status_code == 201
        assert response.json["applicant"]["name"] == "李明"
        assert response.json["applicant"]["id_number"] == "441802********0013"


def test_a_mediator_still_files_for_a_visitor_at_the_counter(api):
    response = api("POST", "/cases", "med_hr", json=body(applicant=SOMEONE_ELSE, channel="phone"))
    assert response.status_code == 201
    assert response.json["applicant"]["name"] == "张三"
    assert db.session.get(Case, response.json["id"]).applicant_id is None
