"""The inspection form (Art. 11-13): QC's inspection with a split line, grades, defect tags and
a photo; the warehouse's first inspection (no grades); quantities that must add up and the
wrong product scanned; and a QC inspection with a photo made offline and sent on reconnect.
Each test drives the screen like a person (taps, wedge scans) and then reads the database."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import struct

import httpx

from backend.domain.returns.inspection import MAX_PHOTOS
from tests.e2e.conftest import ROOT, db_rows
from tests.e2e.flows import (
    barcodes,
    open_step,
    sign_in,
    ticket_at,
    token,
    wait_for_scan_field,
    wedge,
)

DEMO_BARCODES = [f"69{serial:011d}" for serial in range(1, 6)]

# A photo as a phone camera takes it: a large JPEG, made by the browser's own encoder.
PHOTO_JS = """async ([width, height]) => {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext("2d");
  const gradient = context.createLinearGradient(0, 0, width, height);
  gradient.addColorStop(0, "#c33"); gradient.addColorStop(1, "#36c");
  context.fillStyle = gradient;
  context.fillRect(0, 0, width, height);
  const pixels = context.getImageData(0, 0, width, height);
  for (let i = 0; i < pixels.data.length; i += 4) pixels.data[i + 1] = (i * 2654435761) >>> 24;
  context.putImageData(pixels, 0, 0);
  const blob = await canvas.convertToBlob({ type: "image/jpeg", quality: 0.95 });
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}"""


def camera_jpeg(page, width: int, height: int, orientation: int = 1) -> bytes:  # type: ignore[no-untyped-def]
    """A width x height JPEG with an EXIF orientation tag (6: the camera was turned a
    quarter to the right, so the picture shows height x width)."""
    plain = base64.b64decode(page.evaluate(PHOTO_JS, [width, height]))
    tiff = b"MM\x00\x2a\x00\x00\x00\x08" + struct.pack(">H", 1)
    tiff += struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) + b"\x00\x00\x00\x00"
    exif = b"Exif\x00\x00" + tiff
    return plain[:2] + b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif + plain[2:]


def jpeg_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a JPEG's start-of-frame segment."""
    at = 2
    while at < len(data):
        marker, length = data[at + 1], struct.unpack(">H", data[at + 2 : at + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return width, height
        at += 2 + length
    raise AssertionError("no start-of-frame in the JPEG")


def stored_photo(server: str, sha: str) -> bytes:
    answer = httpx.get(
        f"{server}/photos/{sha}", headers={"authorization": f"Bearer {token(server, 'qc')}"}
    )
    assert answer.status_code == 200, answer.text
    return answer.content


COLUMNS = ("quantity", "passed", "grade", "responsibility", "defect_tags", "checklist", "photos")


def inspections(server_db, number: str, stage: str) -> list[dict]:  # type: ignore[no-untyped-def]
    """The ticket's inspection rows of one stage, JSON columns decoded."""
    rows = db_rows(
        server_db,
        f"SELECT {', '.join(f'i.{c}' for c in COLUMNS)}, i.line_id FROM inspection i"
        " JOIN return_ticket t ON t.id = i.ticket_id WHERE t.number = ? AND i.stage = ?"
        " ORDER BY i.id",
        number,
        stage,
    )
    decoded = []
    for row in rows:
        found = dict(zip((*COLUMNS, "line_id"), row, strict=True))
        for name in ("defect_tags", "checklist", "photos"):
            found[name] = json.loads(found[name])
        decoded.append(found)
    return decoded


def picked(rows: list[dict], *names: str) -> list[tuple]:
    return [tuple(row[name] for name in names) for row in rows]


def ticket_state(server_db, number: str, action: str) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    """The ticket's status and how many history rows the action left."""
    rows = db_rows(
        server_db,
        "SELECT t.status, (SELECT count(*) FROM ticket_event e WHERE e.ticket_id = t.id"
        " AND e.action = ?) FROM return_ticket t WHERE t.number = ?",
        action,
        number,
    )
    return rows[0]


def open_inspection(page, number: str, action: str) -> None:  # type: ignore[no-untyped-def]
    """From home: scan the ticket number, then tap the action's button on the ticket."""
    open_step(page, number, action)
    page.wait_for_selector("#inspect-form")
    wait_for_scan_field(page)


def confirm_inspection(page, shot, status: str) -> None:  # type: ignore[no-untyped-def]
    """Once the form is complete: a screenshot, then confirm; the ticket comes back in
    `status`."""
    page.wait_for_selector("#inspect-status.ready")
    page.screenshot(path=str(shot))
    page.click("#inspect-confirm")
    page.wait_for_selector("#flash.flash-ok")
    page.wait_for_selector(f"#ticket .ticket-summary[data-status={status}]")


def result(page, index: int):  # type: ignore[no-untyped-def]
    return page.locator(f".inspect-result[data-index='{index}']")


def answer_checklist(block, ok: bool = True) -> int:  # type: ignore[no-untyped-def]
    buttons = block.locator(f".checklist [data-answer={'ok' if ok else 'not-ok'}]")
    for i in range(buttons.count()):
        buttons.nth(i).click()
    return buttons.count()


def test_qc_splits_a_line_grades_tags_and_photographs_it(page, server, server_db, artifacts):  # type: ignore[no-untyped-def]
    ticket = ticket_at(server, "inspect-qc", "INITIAL_INSPECTED", quantity=3)
    number, line = ticket["number"], ticket["lines"][0]
    sign_in(page, "qc")
    open_inspection(page, number, "INSPECT_QC")
    assert page.locator("#inspect-confirm").is_disabled()

    # The product in hand is scanned: its line lights up.
    wedge(page, barcodes(server, line["product"]["sku"])[0])
    page.wait_for_selector(f".inspect-line[data-line='{line['id']}'][data-in-hand='1']")
    page.wait_for_selector("#flash.flash-ok")

    first = result(page, 0)
    first.locator(".all-ok").click()  # one tap answers every question "OK"
    asked = first.locator(".checklist [data-answer=ok][aria-pressed=true]").count()
    assert asked == first.locator(".checklist li").count() >= 5
    first.locator("[data-verdict=pass]").click()
    first.locator("[data-grade=A]").click()
    # One of the three units is stained: split it off as its own result.
    page.click(f"[data-split='{line['id']}']")
    second = result(page, 1)
    assert first.locator(".stepper .qty").inner_text() == "2"
    assert second.locator(".stepper .qty").inner_text() == "1"
    second.locator(".checklist li[data-code=UNUSED] [data-answer=not-ok]").click()
    second.locator(".checklist li[data-code=UNUSED] input").fill("领口有污渍")
    second.locator("[data-verdict=fail]").click()
    assert second.locator("[data-grade=A]").is_disabled()
    second.locator("[data-grade=C]").click()
    second.locator("[data-tag=STAIN]").click()
    second.locator("[data-responsibility=CUSTOMER]").click()

    # A blurred shot is taken and removed again; the good one stays.
    camera = second.locator("input[type=file]")
    blurred = camera_jpeg(page, 800, 600)
    camera.set_input_files({"name": "IMG_0000.jpg", "mimeType": "image/jpeg", "buffer": blurred})
    second.locator(".photo-list li").wait_for()
    dropped = second.locator(".photo-list li").get_attribute("data-sha256")
    second.locator(".remove-photo").click()
    second.locator(".photo-list").wait_for(state="detached")
    original = camera_jpeg(page, 2400, 1800, orientation=6)
    camera.set_input_files({"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": original})
    second.locator(".photo-list li").wait_for()
    sha = second.locator(".photo-list li").get_attribute("data-sha256")
    assert second.locator(".photos").get_attribute("data-count") == "1"
    assert re.fullmatch(r"[0-9a-f]{64}", sha)
    confirm_inspection(page, artifacts / "inspect-qc.png", "QC_INSPECTED")

    rows = inspections(server_db, number, "QC")
    assert picked(
        rows, "quantity", "passed", "grade", "responsibility", "defect_tags", "photos"
    ) == [
        (2, 1, "A", "UNKNOWN", [], []),
        (1, 0, "C", "CUSTOMER", ["STAIN"], [sha]),
    ]
    assert len(rows[0]["checklist"]) == asked
    assert all(answer["ok"] for answer in rows[0]["checklist"])
    assert rows[1]["checklist"] == [{"code": "UNUSED", "ok": False, "note": "领口有污渍"}]
    assert {str(row["line_id"]) for row in rows} == {str(line["id"])}
    assert ticket_state(server_db, number, "INSPECT_QC") == ("QC_INSPECTED", 1)

    # The photo is stored under the hash the browser computed, upright and downscaled.
    stored = stored_photo(server, sha)
    assert hashlib.sha256(stored).hexdigest() == sha
    assert db_rows(server_db, "SELECT size FROM photo WHERE sha256 = ?", sha) == [(len(stored),)]
    assert len(stored) < len(original)
    assert jpeg_size(stored) == (1200, 1600)
    # The removed shot was never kept for upload.
    assert db_rows(server_db, "SELECT count(*) FROM photo WHERE sha256 = ?", dropped) == [(0,)]


def test_the_warehouse_first_inspection_offers_no_grade(page, server, server_db, artifacts):  # type: ignore[no-untyped-def]
    ticket = ticket_at(server, "inspect-initial", "UNPACKED")
    number = ticket["number"]
    sign_in(page, "warehouse")
    open_inspection(page, number, "INSPECT_INITIAL")
    assert page.locator("#inspect-form[data-stage=INITIAL]").count() == 1
    assert page.locator("[data-grade]").count() == 0
    block = result(page, 0)
    asked = answer_checklist(block)
    block.locator("[data-verdict=pass]").click()
    confirm_inspection(page, artifacts / "inspect-initial.png", "INITIAL_INSPECTED")

    rows = inspections(server_db, number, "INITIAL")
    assert picked(rows, "quantity", "passed", "grade", "responsibility") == [
        (1, 1, None, "UNKNOWN")
    ]
    assert [answer["ok"] for answer in rows[0]["checklist"]] == [True] * asked
    assert ticket_state(server_db, number, "INSPECT_INITIAL") == ("INITIAL_INSPECTED", 1)
    assert inspections(server_db, number, "QC") == []


def test_quantities_must_add_up_and_a_wrong_product_is_named(page, server, server_db):  # type: ignore[no-untyped-def]
    ticket = ticket_at(server, "inspect-count", "INITIAL_INSPECTED", quantity=3)
    number, line = ticket["number"], ticket["lines"][0]
    sign_in(page, "qc")
    page.goto(f"/#/ticket/{number}/inspect-qc")
    page.wait_for_selector("#inspect-form")
    wait_for_scan_field(page)

    page.click(f"[data-split='{line['id']}']")
    first, second = result(page, 0), result(page, 1)
    first.locator("[data-grade=A]").click()  # grade A also means passed
    assert first.locator("[data-verdict=pass]").get_attribute("aria-pressed") == "true"
    second.locator("[data-verdict=fail]").click()
    second.locator("[data-grade=C]").click()
    confirm = page.locator("#inspect-confirm")
    assert confirm.is_disabled()  # a failed unit names its defect
    second.locator("[data-tag=TEAR]").click()
    page.wait_for_selector("#inspect-status.ready")
    assert confirm.is_enabled()

    # 2 + 2 is more than the 3 units received: confirm waits, and says why.
    second.locator(".stepper button[aria-label='加一']").click()
    assert confirm.is_disabled()
    assert re.search(r"\b4\b.*\b3\b", page.inner_text("#inspect-status"))
    second.locator(".stepper button[aria-label='减一']").click()
    assert confirm.is_enabled()
    # Removing the split result gives its unit back to the first one.
    second.locator(".remove-result").click()
    assert result(page, 1).count() == 0
    assert first.locator(".stepper").count() == 0
    page.wait_for_selector("#inspect-status.ready")

    # A product that is not on this ticket: a named red flash, nothing marked in hand.
    own = set(barcodes(server, line["product"]["sku"]))
    stranger = next(code for code in DEMO_BARCODES if code not in own)
    wedge(page, stranger)
    flash = page.wait_for_selector("#flash.flash-error")
    assert flash.inner_text().split("\n") == ["不是本单商品", stranger]
    assert page.locator(".inspect-line[data-in-hand='1']").count() == 0
    assert inspections(server_db, number, "QC") == []
    assert ticket_state(server_db, number, "INSPECT_QC") == ("INITIAL_INSPECTED", 0)


def test_an_offline_qc_inspection_with_a_photo_is_sent_on_reconnect(page, server, server_db):  # type: ignore[no-untyped-def]
    ticket = ticket_at(server, "inspect-offline", "INITIAL_INSPECTED")
    number = ticket["number"]
    sign_in(page, "qc")
    page.goto(f"/#/ticket/{number}/inspect-qc")
    page.wait_for_selector("#inspect-form")
    original = camera_jpeg(page, 1200, 900)

    page.context.set_offline(True)
    try:
        page.wait_for_selector("#connection[data-state=offline]")
        block = result(page, 0)
        block.locator("input[type=file]").set_input_files(
            {"name": "IMG_0002.jpg", "mimeType": "image/jpeg", "buffer": original}
        )
        block.locator(".photo-list li").wait_for()
        sha = block.locator(".photo-list li").get_attribute("data-sha256")
        block.locator("[data-verdict=pass]").click()
        block.locator("[data-grade=B]").click()
        block.locator("[data-tag=PACKAGING]").click()
        page.click("#inspect-confirm")
        page.wait_for_selector("#flash.flash-queued")
        page.wait_for_selector("#outbox-banner[data-waiting='1']")
        assert inspections(server_db, number, "QC") == []
        assert db_rows(server_db, "SELECT count(*) FROM photo WHERE sha256 = ?", sha) == [(0,)]
    finally:
        page.context.set_offline(False)

    page.wait_for_selector("#outbox-banner", state="detached", timeout=20_000)
    rows = inspections(server_db, number, "QC")
    assert picked(rows, "quantity", "passed", "grade", "defect_tags", "photos") == [
        (1, 1, "B", ["PACKAGING"], [sha])
    ]
    assert ticket_state(server_db, number, "INSPECT_QC") == ("QC_INSPECTED", 1)
    assert hashlib.sha256(stored_photo(server, sha)).hexdigest() == sha


def test_the_photo_limit_matches_the_domain():
    photos_js = (ROOT / "frontend" / "js" / "photos.js").read_text(encoding="utf-8")
    assert re.search(r"export const MAX_PHOTOS = (\d+);", photos_js).group(1) == str(MAX_PHOTOS)
