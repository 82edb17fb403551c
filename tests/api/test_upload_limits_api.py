"""Through the API, uploads meet the same limits as on the pages: the user's room, and files
checked by content (a PDF with a script is refused with its reason)."""

import io

import pytest

from tests.api.bodies import body
from tests.upload_files import annotated, pdf_of_size, saved, script

SCAN = pdf_of_size(400 * 1024)


@pytest.fixture(autouse=True)
def evidence_root(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "EVIDENCE_DIR", str(tmp_path / "evidence"))
    monkeypatch.setitem(app.config, "UPLOAD_QUOTA_BYTES_PARTY", 1024 * 1024)
    return tmp_path / "evidence"


def send(api, case_id: int, content: bytes, name: str):
    return api(
        "POST",
        f"/cases/{case_id}/evidence",
        "worker1",
        data={"file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_an_upload_over_the_users_room_is_422_with_the_message(api, evidence_root):
    case_id = api("POST", "/cases", "worker1", json=body()).json["id"]
    assert send(api, case_id, SCAN, "一.pdf").status_code == 201
    assert send(api, case_id, SCAN, "二.pdf").status_code == 201

    response = send(api, case_id, SCAN, "三.pdf")

    assert response.status_code == 422 and response.json["reason"] == "quota"
    assert response.json["errors"] == {
        "file": [
            "Your files would take more than the 1 MB you have, so this file cannot be added. "
            "Everything you sent before is kept; ask the mediator if you need to send more."
        ]
    }
    assert len(list(evidence_root.glob("*.pdf"))) == 2


def test_a_pdf_with_a_script_is_422_through_the_api_too(api, evidence_root):
    case_id = api("POST", "/cases", "worker1", json=body()).json["id"]

    response = send(api, case_id, saved(annotated(script())), "工资单.pdf")

    assert response.status_code == 422 and response.json["reason"] == "active_content"
    assert "script" in response.json["errors"]["file"][0]
    assert list(evidence_root.glob("*.pdf")) == []
