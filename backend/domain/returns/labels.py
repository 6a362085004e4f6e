"""What a printed return label says (Art. 10/20): the ticket number, the customer's name and,
for an exchange, what the customer wants instead, in Chinese and English."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from backend.domain.returns.kinds import ReturnKind

Language = Literal["zh", "en"]

_VERB: dict[Language, str] = {"zh": "换", "en": "Exchange for"}
_SEPARATOR: dict[Language, str] = {"zh": "；", "en": "; "}


@dataclass(frozen=True, slots=True)
class WantedItem:
    """What one exchange line asks for: a product (by SKU), a colour and a size, any of which
    may be blank when the customer only named the others."""

    sku: str
    colour: str
    size: str
    quantity: int


@dataclass(frozen=True, slots=True)
class LabelText:
    ticket_number: str
    customer_name: str
    exchange_need_zh: str  # blank unless the ticket is an exchange that names what is wanted
    exchange_need_en: str


def _describe(item: WantedItem) -> str:
    variant = "/".join(part for part in (item.colour.strip(), item.size.strip()) if part)
    sku = item.sku.strip()
    if sku and variant:
        return f"{sku} ({variant}) ×{item.quantity}"
    return f"{sku or variant} ×{item.quantity}"


def _is_named(item: WantedItem) -> bool:
    return bool(item.sku.strip() or item.colour.strip() or item.size.strip())


def exchange_need(items: Iterable[WantedItem], language: Language = "zh") -> str:
    """ "换 APP-001-RED-M (红/M) ×1" (or "Exchange for ..."), one part per line that names a
    wanted item; blank when no line does."""
    parts = [_describe(item) for item in items if _is_named(item) and item.quantity > 0]
    if not parts:
        return ""
    return f"{_VERB[language]} " + _SEPARATOR[language].join(parts)


def label_text(
    ticket_number: str, customer_name: str, kind: ReturnKind, items: Iterable[WantedItem]
) -> LabelText:
    wanted = list(items) if kind is ReturnKind.EXCHANGE else []
    return LabelText(
        ticket_number=ticket_number,
        customer_name=customer_name.strip(),
        exchange_need_zh=exchange_need(wanted, "zh"),
        exchange_need_en=exchange_need(wanted, "en"),
    )
