"""The words on a printed return label: what an exchange customer wants instead."""

from __future__ import annotations

from backend.domain.returns.kinds import ReturnKind
from backend.domain.returns.labels import LabelText, WantedItem, exchange_need, label_text

RED_M = WantedItem(sku="APP-001-RED-M", colour="红", size="M", quantity=1)


def test_one_wanted_item_reads_as_sku_colour_size_and_quantity():
    assert exchange_need([RED_M], "zh") == "换 APP-001-RED-M (红/M) ×1"
    assert exchange_need([RED_M], "en") == "Exchange for APP-001-RED-M (红/M) ×1"


def test_chinese_is_the_default_language():
    assert exchange_need([RED_M]) == "换 APP-001-RED-M (红/M) ×1"


def test_several_wanted_items_are_listed_in_order():
    blue = WantedItem(sku="APP-002-BLU-L", colour="蓝", size="L", quantity=2)
    assert exchange_need([RED_M, blue], "zh") == (
        "换 APP-001-RED-M (红/M) ×1；APP-002-BLU-L (蓝/L) ×2"
    )
    assert exchange_need([RED_M, blue], "en") == (
        "Exchange for APP-001-RED-M (红/M) ×1; APP-002-BLU-L (蓝/L) ×2"
    )


def test_only_what_the_customer_named_is_shown():
    size_only = WantedItem(sku="", colour="", size="XL", quantity=1)
    colour_and_size = WantedItem(sku="", colour="黑", size="S", quantity=3)
    sku_only = WantedItem(sku="APP-003", colour="", size="", quantity=1)
    assert exchange_need([size_only], "zh") == "换 XL ×1"
    assert exchange_need([colour_and_size], "en") == "Exchange for 黑/S ×3"
    assert exchange_need([sku_only], "zh") == "换 APP-003 ×1"


def test_lines_naming_nothing_or_no_units_are_left_out():
    blank = WantedItem(sku=" ", colour="", size="", quantity=1)
    none_left = WantedItem(sku="APP-004", colour="", size="", quantity=0)
    assert exchange_need([blank, RED_M, none_left], "zh") == "换 APP-001-RED-M (红/M) ×1"
    assert exchange_need([blank], "en") == ""
    assert exchange_need([], "zh") == ""


def test_an_exchange_label_carries_the_need_in_both_languages():
    text = label_text("RT2026000001", "  陈晓 ", ReturnKind.EXCHANGE, [RED_M])
    assert text == LabelText(
        ticket_number="RT2026000001",
        customer_name="陈晓",
        exchange_need_zh="换 APP-001-RED-M (红/M) ×1",
        exchange_need_en="Exchange for APP-001-RED-M (红/M) ×1",
    )


def test_a_return_label_names_no_exchange_need_even_if_lines_say_something():
    text = label_text("RT2026000002", "Li Wei", ReturnKind.RETURN, [RED_M])
    assert (text.exchange_need_zh, text.exchange_need_en) == ("", "")
    assert (text.ticket_number, text.customer_name) == ("RT2026000002", "Li Wei")
