"""Photo upload and download (inspection, note and courier-claim evidence), stored once under
the SHA-256 of their bytes."""

from __future__ import annotations

import hashlib
import struct
import zlib
from pathlib import Path

import pytest

from backend.domain.auth.roles import Role
from backend.persistence.models import Photo
from backend.services.photos import MAX_PHOTO_BYTES
from tests.conftest import test_settings as make_settings


def png(rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A valid 1x1 truecolour PNG, built by hand."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8 bit, RGB
    pixels = zlib.compress(b"\x00" + bytes(rgb))  # filter type 0, one pixel
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x00\x07\x10\x11\x11\x88\x88"


@pytest.fixture
def photo_dir(tmp_path: Path) -> Path:
    return tmp_path / "photos"


@pytest.fixture
def settings(photo_dir: Path):
    """The app under test keeps its photos in this test's own folder."""
    return make_settings(photo_dir=photo_dir)


def stored_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


async def upload(client, actor, body, content_type="image/png"):
    headers = {"Content-Type": content_type}
    if actor is not None:
        headers.update(actor.headers)
    return await client.post("/photos", content=body, headers=headers)


async def nothing_stored(folder: Path) -> bool:
    return await Photo.all().count() == 0 and stored_files(folder) == []


async def test_staff_upload_a_photo_and_get_the_same_bytes_back(client, actors, photo_dir):
    image = png()
    sha = hashlib.sha256(image).hexdigest()
    qc = actors[Role.QC]

    response = await upload(client, qc, image)

    assert response.status_code == 201, response.text
    assert response.json() == {
        "sha256": sha,
        "contentType": "image/png",
        "size": len(image),
        "url": f"/photos/{sha}",
    }
    assert stored_files(photo_dir) == [photo_dir / sha[:2] / sha]
    row = await Photo.get(sha256=sha)
    assert (row.content_type, row.size, row.uploaded_by_id) == ("image/png", len(image), qc.user.id)

    fetched = await client.get(f"/photos/{sha}", headers=actors[Role.CUSTOMER_SERVICE].headers)
    assert fetched.status_code == 200
    assert fetched.content == image
    assert fetched.headers["content-type"] == "image/png"
    assert fetched.headers["cache-control"] == "private, max-age=31536000, immutable"


async def test_the_same_photo_uploaded_twice_is_one_file_and_one_row(client, actors, photo_dir):
    image = png()
    first = await upload(client, actors[Role.QC], image)
    second = await upload(client, actors[Role.WAREHOUSE], image)

    assert first.status_code == second.status_code == 201
    assert first.json()["sha256"] == second.json()["sha256"]
    assert await Photo.all().count() == 1
    assert (await Photo.get()).uploaded_by_id == actors[Role.QC].user.id  # the first uploader
    assert len(stored_files(photo_dir)) == 1  # and no temporary file left behind


async def test_different_photos_are_stored_apart(client, actors, photo_dir):
    red = await upload(client, actors[Role.QC], png((255, 0, 0)))
    blue = await upload(client, actors[Role.QC], png((0, 0, 255)))
    assert red.json()["sha256"] != blue.json()["sha256"]
    assert await Photo.all().count() == 2
    assert len(stored_files(photo_dir)) == 2


@pytest.mark.parametrize(
    ("body", "content_type"),
    [(JPEG, "image/jpeg"), (WEBP, "image/webp"), (png(), "image/PNG; charset=binary")],
)
async def test_jpeg_webp_and_png_are_accepted(client, actors, body, content_type):
    response = await upload(client, actors[Role.QC], body, content_type)
    assert response.status_code == 201, response.text
    assert response.json()["contentType"] == content_type.split(";")[0].lower()


@pytest.mark.parametrize(
    ("body", "content_type"),
    [(png(), "image/jpeg"), (JPEG, "image/png"), (b"<svg onload=alert(1)>", "image/webp")],
)
async def test_a_file_that_is_not_the_declared_type_is_refused(
    client, actors, photo_dir, body, content_type
):
    response = await upload(client, actors[Role.QC], body, content_type)
    assert response.status_code == 400
    assert response.json()["code"] == "INVALID"
    assert "not a" in response.json()["error"]
    assert await nothing_stored(photo_dir)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"),
        (png(), "text/plain"),
        (png(), ""),
    ],
)
async def test_types_other_than_jpeg_png_and_webp_are_refused(
    client, actors, photo_dir, body, content_type
):
    response = await upload(client, actors[Role.QC], body, content_type)
    assert response.status_code == 400
    assert response.json()["code"] == "INVALID"
    assert "JPEG, PNG or WebP" in response.json()["error"]
    assert await nothing_stored(photo_dir)


async def test_an_empty_upload_is_refused(client, actors, photo_dir):
    response = await upload(client, actors[Role.QC], b"")
    assert response.status_code == 400
    assert response.json()["error"] == "The photo is empty."
    assert await nothing_stored(photo_dir)


async def test_a_photo_of_exactly_the_limit_is_accepted(client, actors):
    image = png()
    body = image + b"\x00" * (MAX_PHOTO_BYTES - len(image))
    response = await upload(client, actors[Role.QC], body)
    assert response.status_code == 201, response.text
    assert response.json()["size"] == MAX_PHOTO_BYTES


async def test_a_photo_over_the_limit_is_refused_with_413(client, actors, photo_dir):
    image = png()
    body = image + b"\x00" * (MAX_PHOTO_BYTES + 1 - len(image))
    response = await upload(client, actors[Role.QC], body)
    assert response.status_code == 413
    assert response.json() == {"error": "A photo may be at most 8 MiB.", "code": "TOO_LONG"}
    assert await nothing_stored(photo_dir)


async def test_an_upload_declaring_too_many_bytes_is_refused_before_reading(
    client, actors, photo_dir
):
    read = 0

    async def body():
        nonlocal read
        for _ in range(4):
            read += 1
            yield b"\x00" * (4 * 1024 * 1024)

    response = await client.post(
        "/photos",
        content=body(),
        headers={
            **actors[Role.QC].headers,
            "Content-Type": "image/png",
            "Content-Length": str(16 * 1024 * 1024),
        },
    )

    assert response.status_code == 413
    assert response.json()["code"] == "TOO_LONG"
    assert read == 0
    assert await nothing_stored(photo_dir)


async def test_a_huge_streamed_upload_is_cut_off_once_past_the_limit(client, actors, photo_dir):
    piece = 64 * 1024
    sent = 0

    async def endless():  # 64 MiB if read to the end, with no Content-Length
        nonlocal sent
        yield png()
        for _ in range(1024):
            sent += piece
            yield b"\x00" * piece

    response = await upload(client, actors[Role.QC], endless())

    assert response.status_code == 413
    assert response.json()["code"] == "TOO_LONG"
    assert sent <= MAX_PHOTO_BYTES + piece  # reading stopped right after the limit
    assert await nothing_stored(photo_dir)


async def test_a_streamed_upload_within_the_limit_is_stored(client, actors):
    image = png()

    async def in_pieces():
        yield image[:10]
        yield image[10:]

    response = await upload(client, actors[Role.QC], in_pieces())
    assert response.status_code == 201, response.text
    assert response.json()["sha256"] == hashlib.sha256(image).hexdigest()


async def test_partners_may_not_upload_or_fetch_photos(client, actors, photo_dir):
    refused = await upload(client, actors[Role.PARTNER], png())
    assert refused.status_code == 403
    assert await nothing_stored(photo_dir)

    sha = (await upload(client, actors[Role.QC], png())).json()["sha256"]
    fetched = await client.get(f"/photos/{sha}", headers=actors[Role.PARTNER].headers)
    assert fetched.status_code == 403


async def test_signing_in_is_required_to_upload_and_fetch(client, actors, photo_dir):
    anonymous = await upload(client, None, png())
    assert anonymous.status_code == 401
    assert "error" in anonymous.json()
    assert await nothing_stored(photo_dir)

    bad_token = await client.post(
        "/photos",
        content=png(),
        headers={"Content-Type": "image/png", "Authorization": "Bearer not-a-token"},
    )
    assert bad_token.status_code == 401

    sha = (await upload(client, actors[Role.QC], png())).json()["sha256"]
    assert (await client.get(f"/photos/{sha}")).status_code == 401


async def test_an_img_tag_can_fetch_a_photo_with_the_token_in_the_address(client, actors):
    image = png()
    sha = (await upload(client, actors[Role.QC], image)).json()["sha256"]

    fetched = await client.get(f"/photos/{sha}", params={"token": actors[Role.QC].token})
    assert fetched.status_code == 200
    assert fetched.content == image

    wrong = await client.get(f"/photos/{sha}", params={"token": "not-a-token"})
    assert wrong.status_code == 401


@pytest.mark.parametrize("name", ["0" * 64, "not-a-hash", "ABC"])
async def test_an_unknown_photo_is_not_found(client, actors, name):
    response = await client.get(f"/photos/{name}", headers=actors[Role.QC].headers)
    assert response.status_code == 404


async def test_a_photo_whose_file_is_gone_is_not_found(client, actors, photo_dir):
    sha = (await upload(client, actors[Role.QC], png())).json()["sha256"]
    (photo_dir / sha[:2] / sha).unlink()
    response = await client.get(f"/photos/{sha}", headers=actors[Role.QC].headers)
    assert response.status_code == 404
