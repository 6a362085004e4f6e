"""Photos (inspection, note and courier-claim evidence), stored once under their SHA-256.

The bytes go to `<folder>/<sha[:2]>/<sha>`, written to a temporary file and renamed into
place, so a reader never sees half a photo; the same photo uploaded twice is one file and
one row. The file is written before the row, so a row always has its bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from backend.domain.auth.roles import Principal
from backend.domain.errors import DomainError, ErrorCode
from backend.persistence.models import Photo
from backend.persistence.transaction import execute

MAX_PHOTO_BYTES = 8 * 1024 * 1024

_SHA256 = re.compile(r"[0-9a-f]{64}")


def _is_jpeg(body: bytes) -> bool:
    return body.startswith(b"\xff\xd8\xff")


def _is_png(body: bytes) -> bool:
    return body.startswith(b"\x89PNG\r\n\x1a\n")


def _is_webp(body: bytes) -> bool:
    return body[:4] == b"RIFF" and body[8:12] == b"WEBP"


MAGIC = {"image/jpeg": _is_jpeg, "image/png": _is_png, "image/webp": _is_webp}


@dataclass(frozen=True, slots=True)
class PhotoRecord:
    sha256: str
    content_type: str
    size: int


def media_type(header: str | None) -> str:
    """ "image/png" from a Content-Type header such as "Image/PNG; charset=binary"."""
    return (header or "").split(";", 1)[0].strip().lower()


def check_photo(body: bytes, content_type: str) -> str:
    """The accepted media type of the upload, or a DomainError saying what is wrong."""
    kind = media_type(content_type)
    if kind not in MAGIC:
        raise DomainError(
            ErrorCode.INVALID,
            f"Photos must be JPEG, PNG or WebP images, not {kind or 'an unnamed type'}.",
            "contentType",
        )
    if not body:
        raise DomainError(ErrorCode.REQUIRED, "The photo is empty.", "body")
    if len(body) > MAX_PHOTO_BYTES:
        raise DomainError(
            ErrorCode.TOO_LONG,
            f"A photo may be at most {MAX_PHOTO_BYTES // (1024 * 1024)} MiB.",
            "body",
        )
    if not MAGIC[kind](body):
        raise DomainError(
            ErrorCode.INVALID,
            f"The file is not a {kind.removeprefix('image/').upper()} image, as declared.",
            "body",
        )
    return kind


def photo_path(folder: Path, sha: str) -> Path:
    return folder / sha[:2] / sha


def _write_once(target: Path, body: bytes) -> None:
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(body)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _sync_directory(target.parent)


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX; a no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


async def store_photo(
    actor: Principal, body: bytes, content_type: str, folder: Path
) -> PhotoRecord:
    kind = check_photo(body, content_type)
    sha = hashlib.sha256(body).hexdigest()
    await asyncio.to_thread(_write_once, photo_path(folder, sha), body)
    await execute(
        "INSERT INTO photo (sha256, content_type, size, uploaded_by_id, uploaded_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
        [sha, kind, len(body), actor.user_id, datetime.now(UTC)],
    )
    return PhotoRecord(sha256=sha, content_type=kind, size=len(body))


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


async def open_photo(sha: str, folder: Path) -> tuple[bytes, str] | None:
    """The bytes and media type of a stored photo, or None when there is no such photo."""
    if not _SHA256.fullmatch(sha):
        return None
    row = await Photo.get_or_none(sha256=sha)
    if row is None:
        return None
    body = await asyncio.to_thread(_read, photo_path(folder, sha))
    return None if body is None else (body, row.content_type)
