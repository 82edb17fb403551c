"""Evidence files: checked by content, stored under random names, served only as attachments.

**What is accepted.** A file whose first bytes say PDF, JPEG or PNG, whatever its name or the
browser claims, of at most ``MAX_BYTES``. ``store_upload`` streams it to a private temporary
file (mode 0o600) next to its final place while counting and hashing, stops as soon as it
knows the answer is no, and renames it into place only when every check passed. The stored
name is random; the person's own file name (often Chinese) is kept, cleaned, for display and
for the download.

**PDFs** are opened with pikepdf (qpdf) and every object is walked: those reachable from the
trailer and those the cross-reference table lists, including those packed in compressed
object streams, with names decoded (``/J#61vaScript`` is ``/JavaScript``). Refused:
JavaScript anywhere (actions in OpenAction, AA, annotations, form fields and /Next chains,
the names tree, XFA forms), actions that launch a program, submit or import form data or
play media; links that leave the document (``/URI``, ``/GoToR``); embedded files and file
attachments. A labour dispute has two opposing parties, and a mediator opens what the other
side sent; evidence is scans, contracts, pay slips and bank statements, which need none of
this, and a worker whose PDF is refused can send photos or screenshots of its pages. A PDF
that opens only with a password is refused with its own message: the mediator could not
open it either (one that opens without a password, with only its owner's restrictions on
printing or copying, is checked like any other). A PDF that qpdf cannot open, or cannot walk
within ``PDF_CHECK_SECONDS`` and ``PDF_CHECK_MAX_OBJECTS``, or whose streams it could only
partly decode, is refused: what cannot be checked is not let through. qpdf decodes some
streams while it opens a file, and has no memory limit for some filters (LZW), so the check
runs in a forked child whose memory and time are capped; a bomb kills the child, not the
web process. The protection that does not depend on the check is the way files are served:
never inline, always ``attachment`` with ``nosniff`` and a sandboxing
Content-Security-Policy, and only after the caller has checked access.

**Photos** lose what a camera or phone writes about them before they are stored: JPEG's Exif
(which carries the GPS position), XMP, IPTC, comments and whatever follows the image (a
"motion photo"'s video); PNG's ``eXIf``, ``tEXt``, ``iTXt`` and ``zTXt`` chunks. Everything
else is kept byte for byte, and a JPEG's orientation survives in a minimal Exif segment so the
photo is not shown sideways. An image whose segments or chunks do not add up is refused.

**Quotas.** What a user uploads is counted against their room (``UPLOAD_QUOTA_BYTES_PARTY``
for workers and employers' representatives, who register themselves; ``…_STAFF`` for
everyone else, unlimited by default): the evidence and the case files (message attachments,
signed forms, proofs) they uploaded to the cases they can open, and the files waiting for
them in the staging area. The owner is the signed-in user unless one is named; anonymous
uploads (a representative's letter at registration) are bounded by the registration's own
throttle. Two uploads at the same moment may both fit when only one would: the room is a
limit on filling the disk, not an exact account.

**Staging.** A file uploaded before the record that owns it exists (the filing form, whose
files are kept while the applicant corrects other answers or saves a draft) waits in
``EVIDENCE_DIR/staging/<user id>/`` (``stage_upload``), at most ``UPLOAD_STAGED_FILES_MAX``
per user. The form carries the list signed for that user for ``STAGED_LIFETIME`` (``carry``
and ``carried``: another user replaying it gets nothing); each submission signs it afresh and
touches the files. When the case is filed, ``keep_staged`` moves each file into place once
the transaction has committed: a rollback leaves it staged, where the form that still carries
it can file it again, and a committed row never points at a file that a rollback removed.
Should the process die between the commit and the move, the clean-up finds the staged file
named by a committed row and moves it then. The clean-up (``sweep_staged``, run by the
``cleanup`` job every 6 hours) deletes staged files untouched for ``STAGED_LIFETIME``, except
those a draft saved within that time still carries: a draft keeps its files as long as a
submission would (it was signed and the files touched when it was saved), not longer.

A file stored straight into its place (``store_upload``: evidence on the case page, a
message's attachment, a letter) belongs to the request's transaction too: if that transaction
rolls back, the file is removed, so a refused operation leaves nothing on disk. A file that
a record stops naming (a registration's letter replaced) goes with ``delete_when_committed``,
once the change is committed, never before.

Access checks are the caller's job: these functions trust the ``stored_name`` they are given
only as far as its shape (it must look like one this module made).
"""

import contextlib
import functools
import hashlib
import logging
import math
import os
import re
import resource
import secrets
import select as io_select
import signal
import struct
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol
from urllib.parse import quote

from flask import Response, current_app, has_app_context, has_request_context, request
from flask_login import current_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import event, func, select
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import NotFound
from werkzeug.wsgi import wrap_file

from mediation import policy
from mediation.extensions import db
from mediation.models import Case, Evidence, Role, User
from mediation.models import StoredFile as CaseFile
from mediation.translation import lazy_gettext as _l
from mediation.validators import InvalidValue

if TYPE_CHECKING:
    import pikepdf

log = logging.getLogger(__name__)

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
# The file inputs' ``accept`` filter: a phone's picker offers only what would be accepted.
ACCEPT = ",".join(
    [*sorted(ext for exts in _KNOWN_EXTENSIONS.values() for ext in exts), *ALLOWED_TYPES]
)
# The most files one form takes at once (a party's evidence, a filing's): config's
# MAX_CONTENT_LENGTH lets that many of MAX_BYTES through, with the form's other fields.
FILES_PER_SUBMISSION = 10


def file_input(
    *,
    accept: str = ACCEPT,
    most: int = MAX_BYTES,
    files: int = FILES_PER_SUBMISSION,
    too_large=None,
) -> dict:
    """A file input's attributes: the picker's filter, and the limits file_limits.js checks
    before anything is sent (what it says, in the reader's language): ``most`` bytes a file,
    ``files`` of them in one submission."""
    return {
        "accept": accept,
        "data-max-bytes": str(most),
        "data-max-total": str(files * most),
        # {name}: the file's name, put in by the script.
        "data-too-large": too_large
        or _l(
            "“{name}” is larger than %(limit)d MB and was not added. Please choose a smaller "
            "photo or scan.",
            limit=most // MEBIBYTE,
        ),
        "data-too-much": _l(
            "These files add up to more than %(limit)d MB, more than one form can send. Please "
            "send fewer or smaller files.",
            limit=files * most // MEBIBYTE,
        ),
    }


# Evidence and every other file a person gives as a document.
FILE_INPUT = file_input()
# What the evidence inputs say of a submission's limits (the per-file one is in their label).
SUBMISSION_LIMITS = _l(
    "At most %(files)d files, %(total)d MB in all, each time you send the form.",
    files=FILES_PER_SUBMISSION,
    total=FILES_PER_SUBMISSION * MAX_BYTES // MEBIBYTE,
)
# The tables staff import (CSV or XLSX).
XLSX_ACCEPT = ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLE_ACCEPT = f".csv,text/csv,{XLSX_ACCEPT}"


def table_input(most: int, *, accept: str = TABLE_ACCEPT, files: int = 1) -> dict:
    """A file input of an import: its tables only, of at most ``most`` bytes."""
    return file_input(
        accept=accept,
        most=most,
        files=files,
        too_large=_l(
            "“{name}” is larger than %(limit)d MB and was not added. Please split it into "
            "smaller files.",
            limit=most // MEBIBYTE,
        ),
    )


# 80 characters stay within the 255-byte file-name limit of every file system even when
# every one of them is Chinese (3 bytes in UTF-8).
MAX_NAME_LENGTH = 80
FALLBACK_NAME = "evidence"

STAGING = "staging"
STAGED_LIFETIME = timedelta(hours=24)
# Parties register themselves; staff accounts are made by an admin.
PARTY_ROLES = (Role.worker, Role.employer_rep)

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


def _over_quota(quota: int) -> UploadRejected:
    return UploadRejected(
        "quota",
        _l(
            "Your files would take more than the %(limit)s MB you have, so this file cannot "
            "be added. Everything you sent before is kept; ask the mediator if you need to "
            "send more.",
            limit=f"{quota / MEBIBYTE:.4g}",
        ),
    )


def _staging_full(limit: int) -> UploadRejected:
    return UploadRejected(
        "staged_limit",
        _l(
            "You already have %(count)d files waiting for an application to be filed, the "
            "most we keep. File your application first; files of an application that is "
            "not filed are removed after 24 hours.",
            count=limit,
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


def _linking_pdf() -> UploadRejected:
    return UploadRejected(
        "external_link",
        _l(
            "This PDF contains links that open web pages or other files, so it cannot be "
            "accepted. Please send photos or screenshots of its pages instead."
        ),
    )


def _embedding_pdf() -> UploadRejected:
    return UploadRejected(
        "embedded_file",
        _l(
            "This PDF has other files attached inside it, so it cannot be accepted. "
            "Please send each file on its own."
        ),
    )


def _encrypted_pdf() -> UploadRejected:
    return UploadRejected(
        "encrypted",
        _l(
            "This PDF is protected by a password, so the mediator could not open it. "
            "Please send it again without the password."
        ),
    )


def _unreadable_pdf() -> UploadRejected:
    return UploadRejected(
        "unreadable",
        _l(
            "This PDF is damaged or too complex to be checked, so it cannot be accepted. "
            "Please send photos or screenshots of its pages instead."
        ),
    )


def _unreadable_image() -> UploadRejected:
    return UploadRejected(
        "unreadable",
        _l("This picture is damaged and cannot be read. Please take the photo again."),
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


def store_upload(
    file: FileStorage, directory: Path, *, max_bytes: int = MAX_BYTES, owner: User | None = None
) -> StoredFile:
    """Keep an uploaded file in ``directory``, or raise ``UploadRejected`` and keep nothing.

    Whatever goes wrong, including the client going away mid-upload, the temporary file is
    removed. The declared type and extension are ignored: the stored type is the sniffed one.
    The file counts against ``owner``'s room (by default the signed-in user's, if any), and
    is removed again if the request's transaction rolls back.
    """
    stored = _store(file, Path(directory), max_bytes=max_bytes, owner=owner or _signed_in())
    _remove_if_rolled_back(Path(directory) / stored.stored_name)
    return stored


def _store(file: FileStorage, directory: Path, *, max_bytes: int, owner: User | None) -> StoredFile:
    quota = quota_of(owner) if owner is not None else None
    room = None if quota is None else quota - held_bytes(owner)
    if room is not None and room <= 0:
        raise _over_quota(quota)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor, temporary_name = tempfile.mkstemp(dir=directory, prefix=".upload-", suffix=".part")
    temporary = Path(temporary_name)
    try:
        with open(descriptor, "wb") as output:  # mkstemp creates it with mode 0o600
            size, sha256, content_type = _copy_checked(file.stream, output, max_bytes, room, quota)
            output.flush()
            os.fsync(output.fileno())
        if content_type == "application/pdf":
            _check_pdf(temporary)
        else:
            size, sha256 = _strip_metadata(temporary, content_type) or (size, sha256)
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


def _copy_checked(
    source: BinaryIO, output: BinaryIO, max_bytes: int, room: int | None, quota: int | None
) -> tuple[int, str, str]:
    digest = hashlib.sha256()
    head = b""
    content_type = None
    size = 0
    while chunk := source.read(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(max_bytes)
        if room is not None and size > room:
            raise _over_quota(quota)
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


def pdf_response(body: bytes, filename: str) -> Response:
    """A PDF the platform made (a document, an application), to read in the browser or save
    under ``filename``; never kept by a cache."""
    response = current_app.response_class(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- quotas -------------------------------------------------------------------------------------


def _signed_in() -> User | None:
    if not has_request_context() or getattr(current_app, "login_manager", None) is None:
        return None
    user = current_user._get_current_object()
    return user if getattr(user, "is_authenticated", False) else None


def quota_of(user: User) -> int | None:
    """How many bytes of files ``user`` may hold; None for no limit."""
    setting = "UPLOAD_QUOTA_BYTES_PARTY" if user.role in PARTY_ROLES else "UPLOAD_QUOTA_BYTES_STAFF"
    return current_app.config.get(setting) or None


def held_bytes(user: User) -> int:
    """The bytes ``user`` holds: what they uploaded to the cases they can open (parties can
    upload nowhere else; the cases are found by the policy's indexed relation, not by a scan
    of every file), and their staged files."""
    cases = select(Case.id).where(policy.visible_cases(user))
    held = 0
    for model in (Evidence, CaseFile):
        held += db.session.scalar(
            select(func.coalesce(func.sum(model.size), 0)).where(
                model.uploaded_by_id == user.id, model.case_id.in_(cases)
            )
        )
    return held + sum(size for _, size in _staged_of(user.id))


# --- staging ------------------------------------------------------------------------------------


def evidence_root() -> Path:
    return Path(current_app.config["EVIDENCE_DIR"])


def staging_dir(user_id: int) -> Path:
    return evidence_root() / STAGING / str(int(user_id))


def _staged_of(user_id: int) -> list[tuple[str, int]]:
    """(name, size) of the user's staged files that the clean-up would still keep."""
    oldest = time.time() - STAGED_LIFETIME.total_seconds()
    try:
        entries = list(os.scandir(staging_dir(user_id)))
    except FileNotFoundError:
        return []
    found = []
    for entry in entries:
        try:
            status = entry.stat(follow_symlinks=False)
        except FileNotFoundError:
            continue
        if entry.is_file(follow_symlinks=False) and status.st_mtime >= oldest:
            found.append((entry.name, status.st_size))
    return found


def stage_upload(file: FileStorage, owner: User, *, max_bytes: int = MAX_BYTES) -> StoredFile:
    """Keep a file for a record that does not exist yet (see the module docstring).

    A rollback leaves it staged; ``keep_staged`` moves it into place with the record."""
    limit = current_app.config.get("UPLOAD_STAGED_FILES_MAX")
    if limit and len(_staged_of(owner.id)) >= limit:
        raise _staging_full(limit)
    return _store(file, staging_dir(owner.id), max_bytes=max_bytes, owner=owner)


def staged_path(owner: User, stored: StoredFile) -> Path | None:
    """Where ``owner``'s staged file is, or None once it has gone (filed or cleaned up)."""
    path = stored_path(staging_dir(owner.id), stored.stored_name)
    return path if path.is_file() else None


def touch_staged(owner: User, files: Iterable[StoredFile]) -> None:
    """The files are in use again: the clean-up counts their 24 hours from now."""
    for stored in files:
        with contextlib.suppress(FileNotFoundError):
            os.utime(stored_path(staging_dir(owner.id), stored.stored_name))


def keep_staged(owner: User, stored: StoredFile, directory: Path) -> None:
    """Move ``owner``'s staged file into ``directory`` once the current transaction commits
    (the record naming it is part of that transaction); a rollback leaves it staged."""
    source = stored_path(staging_dir(owner.id), stored.stored_name)
    _transaction_list(_TO_MOVE).append((source, stored_path(directory, stored.stored_name)))


def delete_when_committed(directory: Path, stored_name: str) -> None:
    """Remove a stored file once the current transaction commits (the record that named it
    is changed in that transaction); a rollback keeps it, still named by the record."""
    _transaction_list(_TO_DELETE).append(stored_path(directory, stored_name))


def sweep_staged(*, now: datetime, carried_by_drafts: Callable[[], set[str]]) -> int:
    """Delete staged files untouched for ``STAGED_LIFETIME`` before ``now`` that no recent
    draft carries; move those that a committed record names into place. Safe to run at any
    moment, by several workers at once. Returns how many files were deleted."""
    root = evidence_root() / STAGING
    if not root.is_dir():
        return 0
    oldest = (now - STAGED_LIFETIME).timestamp()
    owners = [entry for entry in os.scandir(root) if entry.is_dir(follow_symlinks=False)]
    staged = [
        Path(entry.path)
        for owner in owners
        for entry in os.scandir(owner.path)
        if entry.is_file(follow_symlinks=False)
    ]
    filed = _filed_names([path.name for path in staged if _STORED_NAME.fullmatch(path.name)])
    old = []
    for path in staged:
        if path.name in filed:
            log.warning("moving %s into place: its record was committed, the move was not", path)
            _move_into_place([(path, stored_path(evidence_root(), path.name))])
            continue
        try:
            if path.stat().st_mtime < oldest:
                old.append(path)
        except FileNotFoundError:
            continue
    in_drafts = carried_by_drafts() if old else set()
    deleted = 0
    for path in old:
        if path.name not in in_drafts:
            path.unlink(missing_ok=True)
            deleted += 1
    for owner in owners:
        try:
            if os.stat(owner.path).st_mtime < oldest:
                os.rmdir(owner.path)  # fails, as it should, when a file arrived meanwhile
        except OSError:
            pass
    return deleted


def _filed_names(names: list[str]) -> set[str]:
    filed: set[str] = set()
    for start in range(0, len(names), 500):
        chunk = names[start : start + 500]
        for model in (Evidence, CaseFile):
            filed.update(
                db.session.scalars(select(model.stored_name).where(model.stored_name.in_(chunk)))
            )
    return filed


# The list of staged files a form carries between submissions, signed for its owner.


@dataclass
class Carried:
    files: list[StoredFile] = field(default_factory=list)
    # Some files the form named have gone: kept longer than STAGED_LIFETIME, or filed.
    lost: bool = False
    # Signed for another user: somebody replays a form that is not theirs.
    foreign: bool = False


def _carrier() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="staged-uploads")


def carry(owner: User, files: list[StoredFile]) -> str:
    return _carrier().dumps({"owner": owner.id, "files": [vars(stored) for stored in files]})


def carried(token: str | None, owner: User) -> Carried:
    """The staged files of ``owner`` that ``token`` (made by ``carry``) names and that are still
    there. An altered token names nothing; an expired one, or one of another user, is told."""
    if not token:
        return Carried()
    try:
        content = _carrier().loads(token, max_age=STAGED_LIFETIME.total_seconds())
    except SignatureExpired:
        return Carried(lost=True)
    except BadSignature:
        return Carried()
    files = _files_in(content)
    if not files:
        return Carried()
    if content.get("owner") != owner.id:
        return Carried(foreign=True)
    present = [stored for stored in files if staged_path(owner, stored) is not None]
    return Carried(files=present, lost=len(present) < len(files))


def names_carried(token: str | None) -> set[str]:
    """The stored names a token made by ``carry`` names, however old (for the clean-up)."""
    if not token:
        return set()
    try:
        content = _carrier().loads(token)
    except BadSignature:
        return set()
    return {stored.stored_name for stored in _files_in(content)}


def _files_in(content) -> list[StoredFile]:
    if not isinstance(content, dict):
        return []
    try:
        files = [StoredFile(**item) for item in content["files"]]
        for stored in files:
            stored_path(Path(), stored.stored_name)
    except (KeyError, TypeError, ValueError):
        return []
    return files


# --- the fate of files, tied to the request's transaction ---------------------------------------

_TO_MOVE = "uploads.to_move"  # (staged, final) paths: move when the transaction commits
_NEW = "uploads.new"  # files stored for this transaction: remove unless it commits
_TO_DELETE = "uploads.to_delete"  # files no record will name once the transaction commits


def _transaction_list(key: str) -> list:
    session = db.session()
    if not event.contains(db.session, "after_commit", _committed):
        event.listen(db.session, "after_commit", _committed)
        event.listen(db.session, "after_transaction_end", _ended)
    if not session.in_transaction():
        session.connection()  # begin now: the end of this transaction decides
    return session.info.setdefault(key, [])


def _remove_if_rolled_back(path: Path) -> None:
    if has_app_context() and "sqlalchemy" in current_app.extensions:
        _transaction_list(_NEW).append(path)


def _committed(session) -> None:
    session.info.pop(_NEW, None)
    moves = session.info.pop(_TO_MOVE, None)
    if moves:
        _move_into_place(moves)
    for path in session.info.pop(_TO_DELETE, ()):
        path.unlink(missing_ok=True)


def _ended(session, transaction) -> None:
    """The outermost transaction ended without a commit (a rollback, or a session closed)."""
    if transaction.parent is not None:
        return
    session.info.pop(_TO_MOVE, None)  # they stay staged: the form that carries them may file again
    session.info.pop(_TO_DELETE, None)  # still named by the records the rollback kept
    for path in session.info.pop(_NEW, ()):
        path.unlink(missing_ok=True)


def _move_into_place(moves: list[tuple[Path, Path]]) -> None:
    """Rename each staged file to its place (same file system: atomic) and make the renames
    durable. Never raises: the commit has happened, and a file left behind is moved by the
    clean-up, which sees the committed record naming it."""
    directories = set()
    for source, target in moves:
        try:
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.replace(source, target)
            directories.add(target.parent)
        except FileNotFoundError:
            if not target.exists():
                log.error("staged file %s vanished before it could be moved into place", source)
        except OSError:
            log.exception("could not move %s into place; the clean-up will", source)
    for directory in directories:
        try:
            descriptor = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
        except OSError:
            log.exception("could not flush the directory %s", directory)


# --- PDFs -------------------------------------------------------------------------------------

_DECODE_MEMORY = 64 * MEBIBYTE


@functools.cache
def _pikepdf():
    """pikepdf with qpdf's decoding limits set. Loaded by the forked child that checks a PDF
    (``_verdict_apart``), so a web worker never holds its 5 MB."""
    import pikepdf

    # qpdf decodes the compressed object and cross-reference streams it reads; these cap the
    # memory one such stream may inflate to, so that a bomb fails rather than fills the memory.
    # Process-wide settings: nothing else in the application decodes PDF streams. qpdf has no
    # such limit for LZW, and decodes what the page tree needs while opening the file, before
    # anything could look at its filters: hence the check runs in a child process whose memory
    # and time are capped (``_verdict_apart``).
    pikepdf.settings.set_qpdf_limits(
        flate_max_memory=_DECODE_MEMORY,
        png_max_memory=_DECODE_MEMORY,
        run_length_max_memory=_DECODE_MEMORY,
        tiff_max_memory=_DECODE_MEMORY,
    )
    return pikepdf


# What the child may take beyond what it shares with its parent.
_CHECK_MEMORY = 512 * MEBIBYTE
PDF_CHECK_SECONDS = 2.0
PDF_CHECK_MAX_OBJECTS = 100_000

_ACTIVE, _LINKING, _EMBEDDING = "active_content", "external_link", "embedded_file"
_PDF_REFUSALS = {
    _ACTIVE: _active_pdf,
    _LINKING: _linking_pdf,
    _EMBEDDING: _embedding_pdf,
    "encrypted": _encrypted_pdf,
    "unreadable": _unreadable_pdf,
}
# Keys that are a problem wherever they appear.
_REFUSED_KEYS = {
    "/JS": _ACTIVE,  # an action's script
    "/JavaScript": _ACTIVE,  # the document's named scripts
    "/XFA": _ACTIVE,  # XML forms, which carry their own scripts
    "/RichMediaContent": _ACTIVE,
    "/EmbeddedFiles": _EMBEDDING,
    "/EF": _EMBEDDING,  # a file specification's embedded file
}
# Values of /S (actions, in OpenAction, AA, annotations, outlines, form fields, /Next chains),
# /Subtype (annotations) and /Type.
_REFUSED_VALUES = {
    "/S": {
        "/JavaScript": _ACTIVE,
        "/Launch": _ACTIVE,
        "/SubmitForm": _ACTIVE,
        "/ImportData": _ACTIVE,
        "/RichMediaExecute": _ACTIVE,
        "/Rendition": _ACTIVE,
        "/Movie": _ACTIVE,
        "/Sound": _ACTIVE,
        "/URI": _LINKING,
        "/GoToR": _LINKING,
        "/GoToE": _EMBEDDING,
    },
    "/Subtype": {
        "/FileAttachment": _EMBEDDING,
        "/RichMedia": _ACTIVE,
        "/Movie": _ACTIVE,
        "/Sound": _ACTIVE,
        "/Screen": _ACTIVE,
        "/3D": _ACTIVE,
    },
    "/Type": {"/EmbeddedFile": _EMBEDDING},
}
# qpdf's warnings that say part of the file could not be read (so it was not checked).
_UNREAD = re.compile(r"limit|decod|unfilterable|object stream", re.IGNORECASE)


class _OverBudget(Exception):
    pass


def _check_pdf(path: Path) -> None:
    settings = current_app.config if has_app_context() else {}
    seconds = settings.get("PDF_CHECK_SECONDS", PDF_CHECK_SECONDS)
    max_objects = settings.get("PDF_CHECK_MAX_OBJECTS", PDF_CHECK_MAX_OBJECTS)
    if hasattr(os, "fork"):
        verdict = _verdict_apart(path, seconds, max_objects)
    else:  # no fork (Windows): only the walk's own budget
        verdict = _verdict(path, time.monotonic() + seconds, max_objects)
    if verdict is not None:
        raise _PDF_REFUSALS[verdict]()


def _verdict_apart(path: Path, seconds: float, max_objects: int) -> str | None:
    """``_verdict`` in a forked child with its memory and processor time capped, killed when
    it overruns the budget. A child that dies or runs out says nothing: unreadable."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: judge, write the verdict, leave without running anything else
        try:
            os.close(read_end)
            _cap_this_process(seconds)
            _pikepdf()  # before the walk's deadline starts
            verdict = _verdict(path, time.monotonic() + seconds, max_objects)
            os.write(write_end, (verdict or "accepted").encode())
        finally:
            os._exit(0)
    os.close(write_end)
    answer = b""
    try:
        # A second more than the walk's own deadline: the fork, loading pikepdf and qpdf's
        # opening.
        if io_select.select([read_end], [], [], seconds + 1)[0]:
            answer = os.read(read_end, 64)
    finally:
        os.close(read_end)
        if not answer:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    if answer == b"accepted":
        return None
    return answer.decode() if answer.decode() in _PDF_REFUSALS else "unreadable"


def _cap_this_process(seconds: float) -> None:
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/statm") as statm:  # Linux: the address space shared with the parent
            size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (size + _CHECK_MEMORY, size + _CHECK_MEMORY))
    cpu = math.ceil(seconds) + 1
    with contextlib.suppress(OSError, ValueError):
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))


def _verdict(path: Path, deadline: float, max_objects: int) -> str | None:
    """Why the PDF at ``path`` is refused (a key of ``_PDF_REFUSALS``), or None."""
    pikepdf = _pikepdf()
    try:
        with pikepdf.open(path) as pdf:
            verdict = _pdf_problem(pdf, deadline, max_objects)
            if verdict is None and any(_UNREAD.search(w) for w in pdf.get_warnings()):
                verdict = "unreadable"
    except pikepdf.PasswordError:
        verdict = "encrypted"
    except Exception:  # whatever qpdf or the walk could not get through
        verdict = "unreadable"
    return verdict


def _pdf_problem(pdf: "pikepdf.Pdf", deadline: float, max_objects: int) -> str | None:
    """The first reason to refuse ``pdf``, walking every object: those reachable from the
    trailer and those in the cross-reference table that nothing points to (a viewer that
    repairs the file differently might find them)."""
    pikepdf = _pikepdf()
    # Object streams qpdf may inflate while we walk: only Flate has a memory limit (_pikepdf).
    inflatable = (None, pikepdf.Name.FlateDecode)
    declared = pdf.trailer.get("/Size")
    if isinstance(declared, int) and declared > max_objects:
        raise _OverBudget()
    xref = pdf.get_xref_table()
    if len(xref) > max_objects:
        raise _OverBudget()
    packed = Counter(entry.obj_stream_number for entry in xref.values() if entry.type == 2)
    for number in packed:
        if pdf.get_object(number, 0).get("/Filter") not in inflatable:
            raise _OverBudget()  # its decoding would have no memory limit
    seen: set[tuple[int, int]] = set()
    # Objects, or the (number, generation) of objects not resolved yet.
    pending: list = [objgen for objgen, entry in xref.items() if entry.type != 0]
    pending.append(pdf.trailer)
    visited = 0
    while pending:
        node = pending.pop()
        if isinstance(node, tuple):
            if node in seen:
                continue
            node = pdf.get_object(node)
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        visited += 1
        if visited > max_objects or (visited % 256 == 0 and time.monotonic() > deadline):
            raise _OverBudget()
        if isinstance(node, pikepdf.Array):
            children = list(node)
        elif isinstance(node, (pikepdf.Dictionary, pikepdf.Stream)):
            keys = set(node.keys())
            if (
                node.get("/Type") == pikepdf.Name.ObjStm
                and node.get("/N") != packed[node.objgen[0]]
            ):
                # It holds objects the table does not list: qpdf does not read them, another
                # reader repairing the file might.
                raise _OverBudget()
            for key in keys & _REFUSED_KEYS.keys():
                return _REFUSED_KEYS[key]
            for key in keys & _REFUSED_VALUES.keys():
                value = node.get(key)
                if isinstance(value, pikepdf.Name) and str(value) in _REFUSED_VALUES[key]:
                    return _REFUSED_VALUES[key][str(value)]
            children = [node.get(key) for key in keys]
        else:
            continue
        pending.extend(
            child
            for child in children
            if isinstance(child, (pikepdf.Array, pikepdf.Dictionary, pikepdf.Stream))
        )
    if time.monotonic() > deadline:
        raise _OverBudget()
    return None


# --- photos ---------------------------------------------------------------------------------------


class _Damaged(Exception):
    pass


def _strip_metadata(path: Path, content_type: str) -> tuple[int, str] | None:
    """Rewrite the image at ``path`` without its metadata; its new size and hash, or None when
    there was nothing to remove (the file is untouched)."""
    data = path.read_bytes()
    strip = _jpeg_without_metadata if content_type == "image/jpeg" else _png_without_metadata
    try:
        stripped = strip(data)
    except _Damaged:
        raise _unreadable_image() from None
    if stripped is None:
        return None
    with open(path, "r+b") as output:
        output.write(stripped)
        output.truncate()
        output.flush()
        os.fsync(output.fileno())
    return len(stripped), hashlib.sha256(stripped).hexdigest()


# JPEG markers: APPn segments are the applications' own (Exif, XMP, IPTC...). Kept: JFIF (APP0),
# the colour profile (APP2 ICC_PROFILE) and Adobe's colour transform (APP14); the image needs
# them. Every other APPn segment and comments (COM) go.
_APP0, _APP1, _APP2, _APP14, _APP15, _COM = 0xE0, 0xE1, 0xE2, 0xEE, 0xEF, 0xFE
_SOS, _EOI = 0xDA, 0xD9
_NO_LENGTH = {0x01, *range(0xD0, 0xD8)}  # TEM and the restart markers stand alone
_NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7]")  # in scan data, FF 00 is a stuffed FF
_ORIENTATION = 0x0112


def _is_jpeg_metadata(marker: int, payload: bytes) -> bool:
    if marker == _APP2:
        return not payload.startswith(b"ICC_PROFILE\x00")
    return marker == _COM or (_APP0 < marker <= _APP15 and marker not in (_APP2, _APP14))


def _jpeg_without_metadata(data: bytes) -> bytes | None:
    kept = [data[:2]]
    position, changed, orientation, exif_at = 2, False, None, None
    while position + 2 <= len(data):
        if data[position] != 0xFF:
            raise _Damaged()
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == _EOI:
            kept.append(data[position : position + 2])
            changed |= position + 2 < len(data)  # whatever follows the image is not kept
            break
        if marker in _NO_LENGTH:
            kept.append(data[position : position + 2])
            position += 2
            continue
        if position + 4 > len(data):
            raise _Damaged()
        end = position + 2 + int.from_bytes(data[position + 2 : position + 4], "big")
        if end < position + 4 or end > len(data):
            raise _Damaged()
        payload = data[position + 4 : end]
        if marker == _SOS:  # the scan: its header, then coded data up to the next marker
            found = _NEXT_MARKER.search(data, end)
            scan_end = found.start() if found else len(data)
            kept.append(data[position:scan_end])
            position = scan_end
            continue
        exif = marker == _APP1 and payload.startswith(b"Exif\x00\x00")
        if exif and orientation is None:
            orientation = _exif_orientation(payload[6:])
            if orientation and data[position:end] == _orientation_segment(orientation):
                orientation = None  # what this function writes: keep it, as it is
                kept.append(data[position:end])
                position = end
                continue
        if _is_jpeg_metadata(marker, payload):
            changed = True
            if exif and exif_at is None:
                exif_at = len(kept)
        else:
            kept.append(data[position:end])
        position = end
    if not changed:
        return None
    if orientation not in (None, 1):
        kept.insert(exif_at, _orientation_segment(orientation))
    return b"".join(kept)


def _exif_orientation(tiff: bytes) -> int | None:
    """The Orientation tag of Exif's first image directory, if it has a sensible one."""
    order = {b"II": "<", b"MM": ">"}.get(tiff[:2])
    try:
        (directory,) = struct.unpack_from(order + "I", tiff, 4)
        (count,) = struct.unpack_from(order + "H", tiff, directory)
        for index in range(min(count, 1000)):
            entry = directory + 2 + 12 * index
            tag, kind, number = struct.unpack_from(order + "HHI", tiff, entry)
            if tag == _ORIENTATION and kind == 3 and number == 1:
                (value,) = struct.unpack_from(order + "H", tiff, entry + 8)
                return value if 1 <= value <= 8 else None
    except (TypeError, struct.error):
        return None
    return None


def _orientation_segment(orientation: int) -> bytes:
    """An Exif segment that says only how the photo is turned (big-endian TIFF, one entry)."""
    entry = struct.pack(">HHIHH", _ORIENTATION, 3, 1, orientation, 0)
    payload = b"Exif\x00\x00MM\x00\x2a" + struct.pack(">IH", 8, 1) + entry + bytes(4)
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


_PNG_METADATA = {b"eXIf", b"tEXt", b"iTXt", b"zTXt"}


def _png_without_metadata(data: bytes) -> bytes | None:
    kept = [data[:8]]
    position, changed = 8, False
    while True:
        if position + 12 > len(data):
            raise _Damaged()  # no IEND: cut short
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        end = position + 12 + length
        if end > len(data):
            raise _Damaged()
        if kind in _PNG_METADATA:
            changed = True
        else:
            kept.append(data[position:end])
        position = end
        if kind == b"IEND":
            changed |= position < len(data)
            break
    return b"".join(kept) if changed else None
