"""Raw scanner input is cleaned before lookup (backend/domain/catalogue/scan.py)."""

from __future__ import annotations

import pytest

from backend.domain.catalogue.scan import MAX_SCAN_LENGTH, normalise


def test_a_clean_code_is_unchanged():
    assert normalise("W1-SEL-1") == "W1-SEL-1"


def test_full_width_characters_from_an_ime_become_ascii():
    assert normalise("ＷＡ－ＳＥＬ－１") == "WA-SEL-1"
    assert normalise("".join(chr(ord(c) + 0xFEE0) for c in "6900000000001")) == "6900000000001"


def test_a_full_width_space_is_removed_like_any_other():
    assert normalise("SKU\u30001") == "SKU1"


@pytest.mark.parametrize(
    "raw", [" 6900000000001 ", "6900000000001\n", "\t6900000000001\r\n", "690 000 000 0001"]
)
def test_whitespace_anywhere_is_removed(raw):
    assert normalise(raw) == "6900000000001"


def test_control_bytes_from_a_scanner_prefix_or_suffix_are_removed():
    assert normalise("\x02SKU-1\x03") == "SKU-1"
    assert normalise("SKU-1\x00") == "SKU-1"


def test_chinese_text_is_kept():
    assert normalise("退货 单") == "退货单"


def test_input_is_capped_at_the_maximum_scan_length():
    assert len(normalise("A" * (MAX_SCAN_LENGTH * 3))) == MAX_SCAN_LENGTH


def test_the_cap_applies_after_whitespace_is_removed():
    raw = " " * 500 + "B" * MAX_SCAN_LENGTH
    assert normalise(raw) == "B" * MAX_SCAN_LENGTH


def test_only_whitespace_normalises_to_nothing():
    assert normalise(" \t\u3000\n") == ""
