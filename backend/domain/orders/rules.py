"""Rules for orders placed by shop fronts and the shipments that fulfil them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from backend.domain import validation
from backend.domain.errors import DomainError, ErrorCode

MAX_LINES = 200
MAX_UNIT_PRICE = Decimal("10000000")


class ShipmentStatus(StrEnum):
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"


@dataclass(frozen=True, slots=True)
class Line:
    sku: str
    quantity: int


def check_lines(lines: Iterable[Line], field: str = "lines") -> list[Line]:
    """At least one line, each SKU once, quantities within limits."""
    checked = [
        Line(validation.code(line.sku, "sku"), validation.quantity(line.quantity)) for line in lines
    ]
    if not checked:
        raise DomainError(ErrorCode.REQUIRED, "An order needs at least one line.", field)
    if len(checked) > MAX_LINES:
        raise DomainError(ErrorCode.INVALID, f"At most {MAX_LINES} lines.", field)
    repeated = [sku for sku, n in Counter(line.sku for line in checked).items() if n > 1]
    if repeated:
        raise DomainError(
            ErrorCode.DUPLICATE, f"Each SKU once per order or shipment: {repeated[0]}.", field
        )
    return checked


def unit_price(raw: str | Decimal, field: str = "unitPricePaid") -> Decimal:
    try:
        price = Decimal(str(raw))
    except InvalidOperation as exc:
        raise DomainError(ErrorCode.INVALID, "A price is a decimal number.", field) from exc
    if not price.is_finite() or price < 0 or price > MAX_UNIT_PRICE:
        raise DomainError(ErrorCode.INVALID, "A price is between 0 and 10,000,000.", field)
    if price != price.quantize(Decimal("0.01")):
        raise DomainError(ErrorCode.INVALID, "A price has at most two decimals.", field)
    return price


def check_within_order(
    wanted: dict[str, int], ordered: dict[str, int], shipped: dict[str, int]
) -> None:
    """A shipment may carry only what the order still awaits."""
    for sku, quantity in wanted.items():
        if sku not in ordered:
            raise DomainError(ErrorCode.INVALID, f"{sku} is not on this order.", "lines")
        remaining = ordered[sku] - shipped.get(sku, 0)
        if quantity > remaining:
            raise DomainError(
                ErrorCode.OVER_SHIPPED,
                f"Only {remaining} of {sku} remain to ship on this order; {quantity} given.",
                "lines",
            )


def check_shipped_at(shipped_at: datetime, placed_at: datetime, now: datetime) -> None:
    """A shipment recorded afterwards keeps its time, but leaves after the order, not later
    than now."""
    if shipped_at > now or shipped_at < placed_at:
        raise DomainError(
            ErrorCode.INVALID,
            "A shipment leaves after the order, not in the future.",
            "shippedAt",
        )


def check_delivered_at(delivered_at: datetime, shipped_at: datetime) -> None:
    if delivered_at < shipped_at:
        raise DomainError(ErrorCode.INVALID, "Delivered before it was shipped?", "deliveredAt")
