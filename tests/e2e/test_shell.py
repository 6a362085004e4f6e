"""The shell a clerk opens on a handheld: sign in, scan with a keyboard-wedge scanner."""

from __future__ import annotations

from pathlib import Path

ARTIFACTS = Path(__file__).parent / "artifacts"


def test_a_clerk_signs_in_and_a_wedge_scan_shows_stock_by_bin(page):  # type: ignore[no-untyped-def]
    page.goto("/")
    assert page.locator("h1").inner_text() == "仓库退换货"
    page.fill("input[name=username]", "warehouse")
    page.fill("input[name=password]", "warehouse-demo-2026")
    page.click("button[type=submit]")
    page.wait_for_selector("#lookup:not([hidden])")
    # A wedge scanner types the barcode in a burst and ends with Enter.
    page.locator("#code").press_sequentially("6900000000001")
    page.keyboard.press("Enter")
    page.wait_for_selector("#result table")
    rows = page.locator("#result tr").all_inner_texts()
    assert any("APP-001-BLK-S" in row for row in rows[1:])
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "shell-zh.png"))


def test_wrong_password_is_named_and_language_switches(page):  # type: ignore[no-untyped-def]
    page.goto("/")
    page.click("#lang")
    assert page.locator("h1").inner_text() == "Warehouse returns desk"
    page.fill("input[name=username]", "warehouse")
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")
    page.wait_for_selector("#login-error:text('Wrong user name or password')")
