"""Evidence uploads: content checks, size limit, safe names on disk, downloads as attachments,
PDFs that could run something refused, photos without their location.

Real files in ``tmp_path``, real multipart requests through a bare Flask app (no database;
quotas and staging, which need one, are in tests/cases/test_staged_uploads.py). The hostile
PDFs are built with pikepdf, or byte by byte where the trick is in the bytes.
"""

import hashlib
import io
import stat
import struct
import time
import zlib
from pathlib import Path

import pikepdf
import pytest
from flask import Flask, jsonify, request
from flask_babel import Babel
from pikepdf import Array, Dictionary, Name, String
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import ClientDisconnected, NotFound
from werkzeug.http import parse_options_header

from mediation.security import init_security
from mediation.uploads import (
    MAX_BYTES,
    PDF_CHECK_SECONDS,
    StoredFile,
    UploadRejected,
    attachment_response,
    delete_stored,
    sniff_content_type,
    store_upload,
    stored_path,
)
from mediation.validators import InvalidValue
from tests import upload_files as files
from tests.upload_files import make_pdf, pdf_of_size, stream_object

CONTRACT_NAME = "劳动合同（扫描件）.pdf"
CONTRACT_DISPOSITION = (
    'attachment; filename="evidence.pdf"; '
    "filename*=UTF-8''%E5%8A%B3%E5%8A%A8%E5%90%88%E5%90%8C"
    "%EF%BC%88%E6%89%AB%E6%8F%8F%E4%BB%B6%EF%BC%89.pdf"
)


# --- real, minimal files ---------------------------------------------------------------------


def make_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + checksum

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1×1 pixel, 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def make_jpeg() -> bytes:
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + b"\xff\xd9"


# --- a bare app that uploads and downloads -----------------------------------------------------


@pytest.fixture
def evidence_dir(tmp_path) -> Path:
    return tmp_path / "private" / "evidence"  # not there yet: storing creates it


@pytest.fixture
def web(evidence_dir):
    """Upload with POST /evidence (field ``file``), download with GET /evidence/<stored_name>."""
    app = Flask(__name__)
    Babel(app)  # messages in English, as written
    init_security(app)  # the project's own headers must not undo the download's
    kept: dict[str, StoredFile] = {}

    @app.post("/evidence")
    def upload():
        try:
            stored = store_upload(request.files["file"], evidence_dir)
        except UploadRejected as rejected:
            return jsonify(reason=rejected.reason, message=str(rejected.message)), 422
        kept[stored.stored_name] = stored
        return jsonify(vars(stored)), 201

    @app.get("/evidence/<stored_name>")
    def download(stored_name):
        return attachment_response(evidence_dir, kept[stored_name])

    return app.test_client()


def upload(web, content: bytes, filename: str, content_type: str = "application/octet-stream"):
    return web.post("/evidence", data={"file": (io.BytesIO(content), filename, content_type)})


def download(web, stored_name: str):
    response = web.get(f"/evidence/{stored_name}")
    response.get_data()  # read it all, then let go of the file as a server would
    response.close()
    return response


def files_in(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir()) if directory.exists() else []


def storage(content: bytes, filename: str = "scan.pdf") -> FileStorage:
    return FileStorage(stream=io.BytesIO(content), filename=filename)


# --- sniffing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (make_pdf(), "application/pdf"),
        (b"%PDF-1.4\n", "application/pdf"),
        (make_jpeg(), "image/jpeg"),
        (b"\xff\xd8\xff\xe1\x00\x10Exif", "image/jpeg"),  # a phone photo with EXIF
        (make_png(), "image/png"),
        (b"<html><body>not a pdf</body></html>", None),
        (b"<!DOCTYPE html>%PDF-1.7", None),
        (b"PK\x03\x04\x14\x00\x06\x00", None),  # zip, docx, xlsx
        (b"MZ\x90\x00\x03\x00\x00\x00", None),  # Windows executable
        (b"\x7fELF\x02\x01\x01\x00", None),
        (b"GIF89a\x01\x00\x01\x00", None),
        (b"Plain text that mentions %PDF- later", None),
        (b"\xef\xbb\xbf%PDF-1.7", None),  # the header must come first
        (b"%PDF", None),
        (b"\x89PNG\r\n\x1a", None),  # one byte short of the PNG signature
        (b"\xff\xd8", None),
        (b"", None),
    ],
)
def test_file_type_is_read_from_the_first_bytes(head, expected):
    assert sniff_content_type(head) == expected


# --- storing --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "filename", "content_type", "extension"),
    [
        (make_pdf(), "合同.pdf", "application/pdf", ".pdf"),
        (make_png(), "工资条.png", "image/png", ".png"),
        (make_jpeg(), "IMG_20240301.JPG", "image/jpeg", ".jpg"),
    ],
)
def test_valid_evidence_is_stored_with_its_bytes_hash_and_type(
    web, evidence_dir, content, filename, content_type, extension
):
    response = upload(web, content, filename)

    assert response.status_code == 201, response.json
    stored = response.json
    assert stored["content_type"] == content_type
    assert stored["original_name"] == filename
    assert stored["size"] == len(content)
    assert stored["sha256"] == hashlib.sha256(content).hexdigest()
    assert stored["stored_name"].endswith(extension)
    assert files_in(evidence_dir) == [stored["stored_name"]]  # no temporary file left behind
    assert (evidence_dir / stored["stored_name"]).read_bytes() == content


def test_stored_file_is_private_to_the_server_account(evidence_dir):
    stored = store_upload(storage(make_pdf()), evidence_dir)

    assert stat.S_IMODE((evidence_dir / stored.stored_name).stat().st_mode) == 0o600


def test_stored_type_is_the_sniffed_one_whatever_the_name_and_browser_claim(web, evidence_dir):
    response = upload(web, make_png(), "合同.pdf", "application/pdf")

    assert response.status_code == 201
    assert response.json["content_type"] == "image/png"
    assert response.json["stored_name"].endswith(".png")
    downloaded = download(web, response.json["stored_name"])
    assert downloaded.content_type == "image/png"
    # The name gets the real extension, so the phone opens it with a picture viewer.
    assert parse_options_header(downloaded.headers["Content-Disposition"])[1]["filename"] == (
        "合同.pdf.png"
    )


def test_exactly_10_mb_is_accepted(web, evidence_dir):
    content = pdf_of_size(MAX_BYTES)
    assert len(content) == 10 * 1024 * 1024

    response = upload(web, content, "银行流水.pdf")

    assert response.status_code == 201, response.json
    assert response.json["size"] == MAX_BYTES
    assert (evidence_dir / response.json["stored_name"]).stat().st_size == MAX_BYTES


def test_one_byte_over_10_mb_is_refused_and_nothing_is_kept(web, evidence_dir):
    response = upload(web, pdf_of_size(MAX_BYTES + 1), "银行流水.pdf")

    assert response.status_code == 422
    assert response.json["reason"] == "too_large"
    assert response.json["message"] == (
        "This file is larger than 10 MB. Please send a smaller photo or scan."
    )
    assert files_in(evidence_dir) == []


class EndlessUpload(io.RawIOBase):
    """A PDF header followed by 100 MB of zeros, counting what the server reads."""

    def __init__(self, header: bytes = b"%PDF-1.7\n", size: int = 100 * 1024 * 1024) -> None:
        self.header = header
        self.remaining = size
        self.served = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = min(len(buffer), self.remaining)
        start = self.header if self.served == 0 else b""
        buffer[:count] = (start + bytes(count))[:count]
        self.remaining -= count
        self.served += count
        return count


def test_a_huge_upload_is_abandoned_as_soon_as_it_passes_the_limit(evidence_dir):
    endless = EndlessUpload()

    with pytest.raises(UploadRejected) as rejected:
        store_upload(FileStorage(stream=endless, filename="huge.pdf"), evidence_dir)

    assert rejected.value.reason == "too_large"
    assert endless.served < MAX_BYTES + 1024 * 1024  # stopped near 10 MB, not at 100 MB
    assert files_in(evidence_dir) == []


def test_a_huge_upload_of_the_wrong_type_is_abandoned_at_its_first_bytes(evidence_dir):
    endless = EndlessUpload(header=b"MZ\x90\x00\x03\x00\x00\x00")

    with pytest.raises(UploadRejected) as rejected:
        store_upload(FileStorage(stream=endless, filename="视频.jpg"), evidence_dir)

    assert rejected.value.reason == "type"
    assert endless.served < 1024 * 1024
    assert files_in(evidence_dir) == []


def test_a_smaller_limit_can_be_given(evidence_dir):
    with pytest.raises(UploadRejected) as rejected:
        store_upload(storage(make_pdf()), evidence_dir, max_bytes=100)

    assert rejected.value.reason == "too_large"
    assert files_in(evidence_dir) == []


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"<html><body><script>alert(1)</script></body></html>", "劳动合同.pdf"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(200), "工资条.jpg"),
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(200), "考勤记录.png"),
        (b"%PD", "tiny.pdf"),
    ],
    ids=["html-named-pdf", "exe-named-jpg", "docx-named-png", "shorter-than-a-signature"],
)
def test_disguised_files_are_refused_whatever_their_name(web, evidence_dir, content, filename):
    response = upload(web, content, filename, "application/pdf")

    assert response.status_code == 422
    assert response.json["reason"] == "type"
    assert response.json["message"] == (
        "Only PDF, JPEG and PNG files can be uploaded. "
        "This file is not one of them, whatever its name says."
    )
    assert files_in(evidence_dir) == []


def test_an_empty_file_is_refused(web, evidence_dir):
    response = upload(web, b"", "照片.jpg")

    assert response.status_code == 422
    assert response.json["reason"] == "empty"
    assert response.json["message"] == "This file is empty. Please choose the file again."
    assert files_in(evidence_dir) == []


def test_a_refusal_is_an_invalid_value_like_any_other_field_error(evidence_dir):
    with pytest.raises(InvalidValue):
        store_upload(storage(b""), evidence_dir)


class DisconnectingUpload(io.RawIOBase):
    """The phone loses its connection after the first part of the file."""

    def __init__(self) -> None:
        self.sent = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.sent:
            raise ClientDisconnected()
        self.sent = True
        buffer[:9] = b"%PDF-1.7\n"
        return 9


def test_an_interrupted_upload_leaves_nothing_behind(evidence_dir):
    with pytest.raises(ClientDisconnected):
        store_upload(FileStorage(stream=DisconnectingUpload(), filename="a.pdf"), evidence_dir)

    assert files_in(evidence_dir) == []


# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "kept"),
    [
        (CONTRACT_NAME, CONTRACT_NAME),
        ("../../etc/passwd", "passwd"),
        ("C:\\x\\y.pdf", "y.pdf"),
        ("/home/worker/下载/仲裁申请书.pdf", "仲裁申请书.pdf"),
        ("工资\x00条\n（三月）.pdf", "工资条（三月）.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),  # right-to-left override removed
        ("  合同   扫描 .pdf  ", "合同 扫描 .pdf"),
        ("e\u0301.pdf", "\u00e9.pdf"),  # decomposed accents (macOS) are composed
        ("..", "evidence.pdf"),
        ("", "evidence.pdf"),
        ("\x07\x08", "evidence.pdf"),
    ],
)
def test_the_original_file_name_is_kept_without_paths_or_control_characters(
    evidence_dir, filename, kept
):
    assert store_upload(storage(make_pdf(), filename), evidence_dir).original_name == kept


def test_a_missing_file_name_gets_a_neutral_one(evidence_dir):
    stored = store_upload(FileStorage(stream=io.BytesIO(make_png()), filename=None), evidence_dir)

    assert stored.original_name == "evidence.png"


def test_a_very_long_name_is_shortened_keeping_its_extension(evidence_dir):
    long_name = "劳" * 296 + ".pdf"
    assert len(long_name) == 300

    name = store_upload(storage(make_pdf(), long_name), evidence_dir).original_name

    assert name == "劳" * 76 + ".pdf"
    assert len(name) == 80
    assert len(name.encode()) <= 255  # fits any file system when downloaded


def test_stored_names_are_random_and_unrelated_to_the_original(evidence_dir):
    first = store_upload(storage(make_pdf(), "张三的合同.pdf"), evidence_dir)
    second = store_upload(storage(make_pdf(), "张三的合同.pdf"), evidence_dir)

    assert first.sha256 == second.sha256
    assert first.stored_name != second.stored_name
    for stored in (first, second):
        assert stored_path(evidence_dir, stored.stored_name).is_file()
        assert "张三" not in stored.stored_name and "合同" not in stored.stored_name
        assert len(stored.stored_name) == 32 + len(".pdf")


@pytest.mark.parametrize(
    "stored_name",
    [
        "../../etc/passwd",
        "../" + "a" * 32 + ".pdf",
        "/etc/passwd",
        "a" * 32 + ".pdf/../../x",
        "a" * 32 + ".pdf\n",
        "A" * 32 + ".pdf",
        "a" * 31 + ".pdf",
        "a" * 32 + ".exe",
        "a" * 32,
        "..",
        "",
    ],
)
def test_only_names_this_module_made_are_opened_or_deleted(evidence_dir, stored_name):
    with pytest.raises(ValueError):
        stored_path(evidence_dir, stored_name)
    with pytest.raises(ValueError):
        delete_stored(evidence_dir, stored_name)


def test_delete_stored_removes_the_file_and_tolerates_a_second_call(evidence_dir):
    stored = store_upload(storage(make_pdf()), evidence_dir)

    delete_stored(evidence_dir, stored.stored_name)
    delete_stored(evidence_dir, stored.stored_name)

    assert files_in(evidence_dir) == []


# --- downloads ---------------------------------------------------------------------------------


def test_download_is_an_attachment_with_the_chinese_name_and_the_same_bytes(web):
    content = make_pdf()
    stored_name = upload(web, content, CONTRACT_NAME).json["stored_name"]

    response = download(web, stored_name)

    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == CONTRACT_DISPOSITION
    disposition, options = parse_options_header(response.headers["Content-Disposition"])
    assert disposition == "attachment"
    assert options["filename"] == CONTRACT_NAME  # what a browser saves it as
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["Content-Length"] == str(len(content))
    assert response.get_data() == content


def test_an_ascii_name_is_sent_as_it_is(web):
    stored_name = upload(web, make_jpeg(), "IMG_0042.jpg").json["stored_name"]

    response = download(web, stored_name)

    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"IMG_0042.jpg\"; filename*=UTF-8''IMG_0042.jpg"
    )
    assert response.headers["Content-Type"] == "image/jpeg"


def test_download_headers_do_not_rely_on_the_app_wide_security_headers(evidence_dir):
    stored = store_upload(storage(make_png(), "工资条.png"), evidence_dir)

    with Flask(__name__).test_request_context():
        response = attachment_response(evidence_dir, stored)
        response.close()

    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Disposition"].startswith("attachment;")


def test_a_quote_in_the_name_cannot_break_the_header(evidence_dir):
    name = 'a"; filename=evil.html; x=".pdf'
    stored = store_upload(storage(make_pdf(), name), evidence_dir)

    with Flask(__name__).test_request_context():
        response = attachment_response(evidence_dir, stored)
        response.close()

    disposition, options = parse_options_header(response.headers["Content-Disposition"])
    assert disposition == "attachment"
    assert options["filename"] == name
    assert response.headers["Content-Disposition"].count("filename=") == 1


def test_a_file_missing_on_disk_is_not_found(web, evidence_dir):
    stored_name = upload(web, make_pdf(), "合同.pdf").json["stored_name"]
    (evidence_dir / stored_name).unlink()

    assert download(web, stored_name).status_code == 404


def test_a_missing_file_raises_not_found_for_the_caller(evidence_dir):
    app = Flask(__name__)
    gone = StoredFile("b" * 32 + ".pdf", "合同.pdf", "application/pdf", 10, "0" * 64)

    with app.test_request_context(), pytest.raises(NotFound):
        attachment_response(evidence_dir, gone)


# --- PDFs: what could run, reach out or hide a file is refused ---------------------------------

ACTIVE = "active_content"
LINK = "external_link"
EMBEDDED = "embedded_file"
MESSAGES = {
    ACTIVE: (
        "This PDF contains a script or a command that would run when it is opened, "
        "so it cannot be accepted. Please send photos or screenshots of its pages instead."
    ),
    LINK: (
        "This PDF contains links that open web pages or other files, so it cannot be "
        "accepted. Please send photos or screenshots of its pages instead."
    ),
    EMBEDDED: (
        "This PDF has other files attached inside it, so it cannot be accepted. "
        "Please send each file on its own."
    ),
    "encrypted": (
        "This PDF is protected by a password, so the mediator could not open it. "
        "Please send it again without the password."
    ),
    "unreadable": (
        "This PDF is damaged or too complex to be checked, so it cannot be accepted. "
        "Please send photos or screenshots of its pages instead."
    ),
}


def _open_action(action) -> bytes:
    pdf = files.one_page()
    pdf.Root.OpenAction = action
    return files.saved(pdf)


def _on_page_open() -> bytes:
    pdf = files.one_page()
    pdf.pages[0].AA = Dictionary(O=files.script())
    return files.saved(pdf)


def _in_names_tree() -> bytes:
    pdf = files.one_page()
    named = Dictionary(Names=Array([String("init"), pdf.make_indirect(files.script())]))
    pdf.Root.Names = Dictionary(JavaScript=pdf.make_indirect(named))
    return files.saved(pdf)


def _in_object_stream() -> bytes:
    """The script's object is compressed inside an object stream: not in the file's bytes."""
    pdf = files.one_page()
    pdf.Root.OpenAction = pdf.make_indirect(files.script())
    content = files.saved(pdf, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    assert b"JavaScript" not in content and b"app.alert" not in content
    return content


def _after_a_harmless_action() -> bytes:
    pdf = files.one_page()
    first_page = Array([pdf.pages[0].obj, Name.Fit])
    pdf.Root.OpenAction = Dictionary(S=Name.GoTo, D=first_page, Next=files.script())
    return files.saved(pdf)


def _field_keystroke() -> bytes:
    pdf = files.one_page()
    widget = pdf.make_indirect(
        Dictionary(
            Type=Name.Annot,
            Subtype=Name.Widget,
            FT=Name.Tx,
            T=String("amount"),
            Rect=[0, 0, 100, 20],
            AA=Dictionary(K=files.script("AFNumber_Keystroke(2)")),
        )
    )
    pdf.pages[0].Annots = pdf.make_indirect(Array([widget]))
    pdf.Root.AcroForm = Dictionary(Fields=Array([widget]))
    return files.saved(pdf)


def _xfa_form() -> bytes:
    pdf = files.one_page()
    xfa = pdf.make_stream(b"<xdp:xdp><template><script>app.launchURL('x')</script></template>")
    pdf.Root.AcroForm = Dictionary(Fields=Array([]), XFA=xfa)
    return files.saved(pdf)


def _attachment(as_annotation: bool) -> bytes:
    pdf = files.one_page()
    program = pikepdf.AttachedFileSpec(
        pdf, b"MZ\x90\x00" + bytes(200), mime_type="application/x-msdownload"
    )
    if as_annotation:
        note = Dictionary(
            Type=Name.Annot, Subtype=Name.FileAttachment, Rect=[0, 0, 20, 20], FS=program.obj
        )
        pdf.pages[0].Annots = pdf.make_indirect(Array([note]))
    else:
        pdf.attachments["工资明细.exe"] = program
    return files.saved(pdf)


def _rich_media() -> bytes:
    pdf = files.one_page()
    content = Dictionary(Assets=Dictionary(Names=Array([])))
    media = Dictionary(
        Type=Name.Annot, Subtype=Name.RichMedia, Rect=[0, 0, 200, 200], RichMediaContent=content
    )
    pdf.pages[0].Annots = pdf.make_indirect(Array([media]))
    return files.saved(pdf)


def _link(action: Dictionary) -> bytes:
    return files.saved(files.annotated(action))


PDF_TRICKS = [
    pytest.param(_open_action(files.script()), ACTIVE, id="script-in-open-action"),
    pytest.param(_link(files.script()), ACTIVE, id="script-in-a-page-annotation"),
    pytest.param(_on_page_open(), ACTIVE, id="script-when-the-page-opens"),
    pytest.param(_field_keystroke(), ACTIVE, id="script-in-a-form-field"),
    pytest.param(_in_names_tree(), ACTIVE, id="script-in-the-names-tree"),
    pytest.param(_in_object_stream(), ACTIVE, id="script-hidden-in-an-object-stream"),
    pytest.param(_after_a_harmless_action(), ACTIVE, id="script-chained-after-a-go-to"),
    pytest.param(
        make_pdf(b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>", catalog=b"/OpenAction 4 0 R"),
        ACTIVE,
        id="hex-encoded-names",
    ),
    pytest.param(
        make_pdf(b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"),
        ACTIVE,
        id="script-that-nothing-points-to",
    ),
    pytest.param(_open_action(Dictionary(S=Name.Launch, F=String("cmd.exe"))), ACTIVE, id="launch"),
    pytest.param(
        _link(Dictionary(S=Name.SubmitForm, F=String("http://collect.example/"))),
        ACTIVE,
        id="submit-form",
    ),
    pytest.param(
        _link(Dictionary(S=Name.ImportData, F=String("data.fdf"))), ACTIVE, id="import-data"
    ),
    pytest.param(_xfa_form(), ACTIVE, id="xfa-form"),
    pytest.param(_rich_media(), ACTIVE, id="rich-media"),
    pytest.param(
        _link(Dictionary(S=Name.URI, URI=String("http://phish.example/"))), LINK, id="uri"
    ),
    pytest.param(
        _link(Dictionary(S=Name.GoToR, F=String("other.pdf"), D=Array([0, Name.Fit]))),
        LINK,
        id="go-to-another-file",
    ),
    pytest.param(_attachment(as_annotation=False), EMBEDDED, id="embedded-executable"),
    pytest.param(_attachment(as_annotation=True), EMBEDDED, id="file-attachment-annotation"),
]


@pytest.mark.parametrize(("pdf", "reason"), PDF_TRICKS)
def test_pdfs_that_could_run_or_reach_something_are_refused(web, evidence_dir, pdf, reason):
    response = upload(web, pdf, "工资单.pdf")

    assert response.status_code == 422
    assert response.json["reason"] == reason
    assert response.json["message"] == MESSAGES[reason]
    assert files_in(evidence_dir) == []


def _bomb(filter_name: bytes, padding: int) -> bytes:
    """The page tree sits in an object stream that inflates to ``padding`` bytes of spaces:
    80 MB from 80 KB with Flate; 1 GB from 700 KB with LZW, which qpdf decodes while opening
    the file, with no memory limit of its own."""
    return files.pdf_with_object_stream(
        {1: files.CATALOG, 3: files.PAGE}, {2: files.PAGES}, padding, filter_name
    )


@pytest.mark.parametrize(
    "pdf",
    [
        pytest.param(_bomb(b"/FlateDecode", 80 * 1024 * 1024), id="flate-bomb"),
        pytest.param(_bomb(b"/LZWDecode", 1_000_000_000), id="lzw-bomb-opened-with-the-file"),
        pytest.param(files.scan_like_pdf()[:6000], id="truncated"),
        pytest.param(b"%PDF-1.7\n" + bytes(range(256)) * 40, id="garbage-after-the-header"),
        pytest.param(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", id="no-pages"),
        pytest.param(
            make_pdf(
                files.stream_object(
                    zlib.compress(b"4 0 << /S /JavaScript >>"),
                    b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode",
                )
            ),
            id="object-stream-the-table-does-not-list",
        ),
        pytest.param(
            files.pdf_with_object_stream(
                {1: files.CATALOG, 3: files.PAGE}, {2: files.PAGES}, filter_name=b"/LZWDecode"
            ),
            id="object-stream-decoded-without-a-memory-limit",
        ),
    ],
)
def test_a_pdf_that_cannot_be_read_through_is_refused(web, evidence_dir, pdf):
    started = time.monotonic()
    response = upload(web, pdf, "合同.pdf")

    assert time.monotonic() - started < PDF_CHECK_SECONDS + 2  # the bombs too
    assert response.status_code == 422
    assert response.json["reason"] == "unreadable"
    assert response.json["message"] == MESSAGES["unreadable"]
    assert files_in(evidence_dir) == []


@pytest.mark.parametrize(
    ("setting", "value"), [("PDF_CHECK_MAX_OBJECTS", 20), ("PDF_CHECK_SECONDS", 0)]
)
def test_a_pdf_that_needs_more_than_the_budget_is_refused(web, setting, value):
    content = files.scan_like_pdf(pages=10)
    assert upload(web, content, "扫描件.pdf").status_code == 201

    web.application.config[setting] = value

    response = upload(web, content, "扫描件.pdf")
    assert response.status_code == 422
    assert response.json["reason"] == "unreadable"


def test_a_pdf_that_needs_a_password_is_refused_with_its_own_message(web):
    locked = files.saved(files.one_page(), encryption=pikepdf.Encryption(user="1234", owner="5678"))

    response = upload(web, locked, "银行流水.pdf")

    assert response.status_code == 422
    assert response.json["reason"] == "encrypted"
    assert response.json["message"] == MESSAGES["encrypted"]


def test_a_pdf_with_only_its_owners_restrictions_is_checked_like_any_other(web):
    restricted = pikepdf.Encryption(user="", owner="bank", allow=pikepdf.Permissions(extract=False))
    statement = files.saved(files.one_page(), encryption=restricted)
    assert upload(web, statement, "银行流水.pdf").status_code == 201

    pdf = files.one_page()
    pdf.Root.OpenAction = files.script()
    scripted = files.saved(pdf, encryption=restricted)
    assert upload(web, scripted, "银行流水.pdf").json["reason"] == ACTIVE


@pytest.mark.parametrize(
    "pdf",
    [
        pytest.param(files.scan_like_pdf(pages=12), id="scan-with-outline-and-inner-link"),
        pytest.param(files.MINIMAL_PDF, id="minimal"),
        pytest.param(make_pdf(b"<< /JSON (not a script) /JavaScripts 0 >>"), id="similar-names"),
        pytest.param(
            make_pdf(stream_object(b"\x00/JS /JavaScript /Launch\xff", b"/Subtype /Image")),
            id="bytes-inside-image-data",
        ),
        pytest.param(
            files.pdf_with_object_stream({1: files.CATALOG, 3: files.PAGE}, {2: files.PAGES}),
            id="page-tree-in-an-object-stream",
        ),
    ],
)
def test_ordinary_pdfs_are_accepted_as_they_are(web, evidence_dir, pdf):
    response = upload(web, pdf, "工资单.pdf")

    assert response.status_code == 201, response.json
    assert (evidence_dir / response.json["stored_name"]).read_bytes() == pdf


# --- photos lose where they were taken ---------------------------------------------------------


def stored_bytes(evidence_dir: Path, response) -> bytes:
    assert response.status_code == 201, response.json
    content = (evidence_dir / response.json["stored_name"]).read_bytes()
    assert response.json["size"] == len(content)
    assert response.json["sha256"] == hashlib.sha256(content).hexdigest()
    return content


def test_a_phone_photo_is_stored_without_its_gps_position(web, evidence_dir):
    photo = files.phone_photo()
    with Image.open(io.BytesIO(photo)) as original:
        assert original.getexif().get_ifd(files.GPS_IFD)  # the position is there to start with

    stored = stored_bytes(evidence_dir, upload(web, photo, "IMG_20260301.jpg"))

    with Image.open(io.BytesIO(stored)) as image:
        image.load()  # still decodes
        exif = image.getexif()
        assert files.GPS_IFD not in exif and not exif.get_ifd(files.GPS_IFD)
        assert dict(exif) == {files.ORIENTATION: 6}  # still shown the right way up
    for trace in (b"HUAWEI", b"GPSLatitude", b"xmpmeta", b"at home"):
        assert trace not in stored
    assert files.pixels(stored) == files.pixels(photo)
    again = stored_bytes(evidence_dir, upload(web, stored, "IMG_20260301.jpg"))
    assert again == stored  # nothing left to remove: kept as it is


def test_what_follows_a_photo_is_not_kept(web, evidence_dir):
    photo = files.jpeg_photo()
    motion_photo = photo + b"\x00\x00\x00\x18ftypmp42" + bytes(500)  # the clip a phone appends

    assert stored_bytes(evidence_dir, upload(web, motion_photo, "MVIMG.jpg")) == photo


def test_a_photo_without_metadata_is_kept_byte_for_byte(web, evidence_dir):
    photo = files.jpeg_photo()

    assert stored_bytes(evidence_dir, upload(web, photo, "工资条.jpg")) == photo


def test_a_screenshot_loses_its_text_and_exif_chunks(web, evidence_dir):
    screenshot = files.png_with_text()

    stored = stored_bytes(evidence_dir, upload(web, screenshot, "截图.png"))

    for chunk in (b"tEXt", b"iTXt", b"zTXt", b"eXIf", "清远".encode()):
        assert chunk not in stored
    assert files.pixels(stored) == files.pixels(screenshot)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00", id="jpeg-segment-past-the-end"),
        pytest.param(b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"garbage" * 10, id="jpeg-garbage"),
        pytest.param(make_png()[:-20], id="png-cut-short"),
    ],
)
def test_a_damaged_picture_is_refused(web, evidence_dir, content):
    response = upload(web, content, "照片.jpg")

    assert response.status_code == 422
    assert response.json["reason"] == "unreadable"
    assert response.json["message"] == (
        "This picture is damaged and cannot be read. Please take the photo again."
    )
    assert files_in(evidence_dir) == []
