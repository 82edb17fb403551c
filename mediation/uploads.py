"""Evidence files: checked by content, stored under random names, served only as attachments.

A file is accepted when its first bytes say PDF, JPEG or PNG, whatever its name or the
browser claims, and when it is at most ``MAX_BYTES`` long. ``store_upload`` streams it to a
private temporary file (mode 0o600) next to its final place while counting and hashing, stops
as soon as it knows the answer is no, and renames it into place only when every check passed.
The stored name is random; the person's own file name (often Chinese) is kept, cleaned, for
display and for the download.

PDFs with JavaScript, or with an action that launches a program, are refused: a labour
dispute has two opposing parties, and a mediator opens what the other side sent. Evidence is
scans, contracts, pay slips and bank statements, which have no need for scripts; a worker
whose PDF is refused can send photos or screenshots of its pages. The check reads the PDF's
structure (its dictionaries, including those packed in compressed object streams) and skips
stream data such as images, so that random bytes in a 10 MB scan are not mistaken for a
script. It is a screen, not a guarantee: a file it cannot read (an encrypted object stream, a
deliberately malformed file) is let through. The protection that does not depend on it is the
way files are served: never inline, always ``attachment`` with ``nosniff`` and a sandboxing
Content-Security-Policy, and only after the caller has checked access.

Access checks are the caller's job: these functions trust the ``stored_name`` they are given
only as far as its shape (it must look like one this module made).
"""

import hashlib
import mmap
import os
import re
import secrets
import tempfile
import unicodedata
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import quote

from flask import Response, current_app, request
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import NotFound
from werkzeug.wsgi import wrap_file

from mediation.validators import InvalidValue

MEBIBYTE = 1024 * 1024
MAX_BYTES = 10 * MEBIBYTE
# The canonical extension of each accepted type, used for stored names and downloads.
ALLOWED_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
# Extensions a person's file name may already carry for each type (kept on download).
_KNOWN_EXTENSIONS = {
    "application/pdf": {".pdf"},
    "image/jpeg": {".jpg", ".jpeg", ".jpe", ".jfif"},
    "image/png": {".png"},
}
# 80 characters stay within the 255-byte file-name limit of every file system even when
# every one of them is Chinese (3 bytes in UTF-8).
MAX_NAME_LENGTH = 80
FALLBACK_NAME = "evidence"

_SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
]
_SNIFF_BYTES = max(len(signature) for signature, _ in _SIGNATURES)
_STORED_NAME = re.compile(r"[0-9a-f]{32}(?:\.pdf|\.jpg|\.png)")
_CHUNK = 64 * 1024


class UploadRejected(InvalidValue):
    """A file that cannot be kept as evidence; ``reason`` is a stable code for APIs and logs."""

    def __init__(self, reason: str, message) -> None:
        super().__init__(message)
        self.reason = reason


def _empty() -> UploadRejected:
    return UploadRejected("empty", _l("This file is empty. Please choose the file again."))


def _not_allowed() -> UploadRejected:
    return UploadRejected(
        "type",
        _l(
            "Only PDF, JPEG and PNG files can be uploaded. "
            "This file is not one of them, whatever its name says."
        ),
    )


def _too_large(max_bytes: int) -> UploadRejected:
    return UploadRejected(
        "too_large",
        _l(
            "This file is larger than %(limit)s MB. Please send a smaller photo or scan.",
            limit=f"{max_bytes / MEBIBYTE:.3g}",
        ),
    )


def _active_pdf() -> UploadRejected:
    return UploadRejected(
        "active_content",
        _l(
            "This PDF contains a script or a command that would run when it is opened, "
            "so it cannot be accepted. Please send photos or screenshots of its pages instead."
        ),
    )


@dataclass(frozen=True)
class StoredFile:
    stored_name: str  # random; the only name the file has on disk
    original_name: str  # the person's file name, cleaned; shown and used for downloads
    content_type: str  # sniffed from the bytes, one of ALLOWED_TYPES
    size: int
    sha256: str


class StoredFileLike(Protocol):
    """A ``StoredFile`` or a database row with the same three attributes."""

    stored_name: str
    original_name: str
    content_type: str


def sniff_content_type(head: bytes) -> str | None:
    """The type the first bytes of a file announce, if it is one we accept."""
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def clean_original_name(raw: str | None, content_type: str) -> str:
    """The base name only, without control or invisible characters, at most 80 characters.

    Chinese and other scripts are kept as they are. A name with nothing left gets a neutral
    name with the type's extension.
    """
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    # Cc control, Cf format (e.g. the right-to-left override that disguises "exe.pdf"),
    # Cs lone surrogates, Zl/Zp line and paragraph separators.
    name = "".join(c for c in name if unicodedata.category(c) not in {"Cc", "Cf", "Cs", "Zl", "Zp"})
    name = " ".join(name.split()).strip(" .")
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        suffix = dot + extension
        if not stem or len(suffix) > 10 or " " in suffix:
            stem, suffix = name, ""
        name = stem[: MAX_NAME_LENGTH - len(suffix)].rstrip(" .") + suffix
    return name or FALLBACK_NAME + ALLOWED_TYPES[content_type]


def store_upload(file: FileStorage, directory: Path, *, max_bytes: int = MAX_BYTES) -> StoredFile:
    """Keep an uploaded file as evidence, or raise ``UploadRejected`` and keep nothing.

    Whatever goes wrong, including the client going away mid-upload, the temporary file is
    removed. The declared type and extension are ignored: the stored type is the sniffed one.
    """
    directory = Path(directory)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor, temporary_name = tempfile.mkstemp(dir=directory, prefix=".upload-", suffix=".part")
    temporary = Path(temporary_name)
    try:
        with open(descriptor, "wb") as output:  # mkstemp creates it with mode 0o600
            size, sha256, content_type = _copy_checked(file.stream, output, max_bytes)
            output.flush()
            os.fsync(output.fileno())
        if content_type == "application/pdf" and _pdf_has_active_content(temporary):
            raise _active_pdf()
        stored_name = secrets.token_hex(16) + ALLOWED_TYPES[content_type]
        os.replace(temporary, directory / stored_name)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return StoredFile(
        stored_name=stored_name,
        original_name=clean_original_name(file.filename, content_type),
        content_type=content_type,
        size=size,
        sha256=sha256,
    )


def _copy_checked(source: BinaryIO, output: BinaryIO, max_bytes: int) -> tuple[int, str, str]:
    digest = hashlib.sha256()
    head = b""
    content_type = None
    size = 0
    while chunk := source.read(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(max_bytes)
        if content_type is None:
            head += chunk[:_SNIFF_BYTES]
            if len(head) >= _SNIFF_BYTES:
                content_type = sniff_content_type(head)
                if content_type is None:
                    raise _not_allowed()
        digest.update(chunk)
        output.write(chunk)
    if size == 0:
        raise _empty()
    if content_type is None:  # shorter than the longest signature
        content_type = sniff_content_type(head)
        if content_type is None:
            raise _not_allowed()
    return size, digest.hexdigest(), content_type


def stored_path(directory: Path, stored_name: str) -> Path:
    """Where a stored file lives; refuses any name this module could not have made."""
    if not isinstance(stored_name, str) or not _STORED_NAME.fullmatch(stored_name):
        raise ValueError(f"not a stored evidence file name: {stored_name!r}")
    return Path(directory) / stored_name


def delete_stored(directory: Path, stored_name: str) -> None:
    """Remove a stored file, e.g. when the operation that stored it failed. Missing is fine."""
    stored_path(directory, stored_name).unlink(missing_ok=True)


def download_name(stored: StoredFileLike) -> str:
    """The person's file name, with the right extension added when it lacks one."""
    name = stored.original_name or FALLBACK_NAME
    extension = os.path.splitext(name)[1].lower()
    if extension not in _KNOWN_EXTENSIONS.get(stored.content_type, set()):
        name += ALLOWED_TYPES.get(stored.content_type, "")
    return name


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII name for old clients and the exact name per RFC 5987/6266.

    Werkzeug's own fallback keeps what NFKD leaves in ASCII, which turns
    ``劳动合同（扫描件）.pdf`` into ``().pdf``; a neutral name is more useful.
    """
    stem, extension = os.path.splitext(name)
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    ascii_stem = re.sub(r"[^A-Za-z0-9._() -]", "", ascii_stem).strip(" .")
    ascii_extension = re.sub(r"[^A-Za-z0-9.]", "", extension)
    if not re.search(r"[A-Za-z0-9]", ascii_stem):
        ascii_stem = FALLBACK_NAME
    fallback = ascii_stem + ascii_extension
    encoded = quote(name, safe="!#$&+-.^_`|~")  # RFC 5987 attr-char, as Werkzeug does
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"


def attachment_response(directory: Path, stored: StoredFileLike) -> Response:
    """The stored file as a download. Check access before calling; a missing file is a 404."""
    path = stored_path(directory, stored.stored_name)
    try:
        file = open(path, "rb")  # noqa: SIM115 -- the response closes it when sent
    except (FileNotFoundError, IsADirectoryError):
        raise NotFound() from None
    content_type = stored.content_type
    if content_type not in ALLOWED_TYPES:
        content_type = "application/octet-stream"
    response = current_app.response_class(
        wrap_file(request.environ, file), mimetype=content_type, direct_passthrough=True
    )
    response.content_length = os.fstat(file.fileno()).st_size
    response.headers["Content-Disposition"] = content_disposition(download_name(stored))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    # Should anything ever render it in a page, it runs nothing and loads nothing.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- PDF active content ---------------------------------------------------------------------

_ACTIVE_NAMES = ["JavaScript", "JS", "Launch"]
_NAME_END = rb"(?=[\x00\t\n\x0c\r ()<>\[\]{}/%])"


def _name_pattern(names: list[str]) -> re.Pattern[bytes]:
    """PDF names, each letter possibly written as ``#xx`` (``/J#53`` is ``/JS``)."""

    def letter(character: str) -> str:
        hex_digits = "".join(
            f"[{h.lower()}{h.upper()}]" if h.isalpha() else h for h in f"{ord(character):02x}"
        )
        return f"(?:{re.escape(character)}|#{hex_digits})"

    alternatives = "|".join("".join(letter(c) for c in name) for name in names)
    return re.compile(b"/(?:" + alternatives.encode() + b")" + _NAME_END)


_ACTIVE_NAME = _name_pattern(_ACTIVE_NAMES)
_OBJECT_STREAM = _name_pattern(["ObjStm"])
_FLATE = _name_pattern(["FlateDecode"])
_STREAM_START = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\r|\n)")
_STREAM_END = b"endstream"
_DICTIONARY_LOOKBACK = 4096
# Inflating compressed object streams stops here: a bomb costs at most this much work.
_MAX_INFLATED = 64 * MEBIBYTE


def _pdf_has_active_content(path: Path) -> bool:
    """Whether the PDF's structure names a JavaScript or Launch action (see module docstring)."""
    with open(path, "rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        budget = [_MAX_INFLATED]
        position = 0
        while True:
            start = _STREAM_START.search(data, position)
            end_of_structure = start.start() if start else len(data)
            if _ACTIVE_NAME.search(data, position, end_of_structure):
                return True
            if start is None:
                return False
            end = data.find(_STREAM_END, start.end())
            if end == -1:
                end = len(data)
            dictionary = data[max(position, start.start() - _DICTIONARY_LOOKBACK) : start.start()]
            object_start = dictionary.rfind(b"obj")  # the stream's dictionary follows it
            if object_start != -1:
                dictionary = dictionary[object_start + 3 :]
            if (
                _OBJECT_STREAM.search(dictionary + b" ")
                and _FLATE.search(dictionary + b" ")
                and _inflated_has_active_name(data, start.end(), end, budget)
            ):
                return True
            position = end + len(_STREAM_END)
            if position >= len(data):
                return False


def _inflated_has_active_name(data: mmap.mmap, start: int, end: int, budget: list[int]) -> bool:
    """Inflate one Flate stream within the budget and look for active names in it.

    A stream that is not valid Flate data (e.g. encrypted) is not readable here: let it be.
    """
    inflater = zlib.decompressobj()
    carry = b""  # the end of the previous piece, so a name split across pieces is found
    for offset in range(start, end, _CHUNK):
        pending = data[offset : min(offset + _CHUNK, end)]
        while pending and budget[0] > 0:
            try:
                output = inflater.decompress(pending, min(_CHUNK, budget[0]))
            except zlib.error:
                return False
            pending = inflater.unconsumed_tail
            budget[0] -= len(output)
            text = carry + output
            if _ACTIVE_NAME.search(text):
                return True
            carry = text[-64:]
        if budget[0] <= 0 or inflater.eof:
            break
    return bool(_ACTIVE_NAME.search(carry + b" "))
