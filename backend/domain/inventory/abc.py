"""ABC classification of products by consumption value over a period.

A product's consumption value is the units shipped in the period times its unit price
(the SQL lives in persistence/queries/replenishment.py). Products are ranked by value,
highest first, ties by SKU. A product is A while the cumulative share of the products
before it is below cut-off A (so the product that crosses 80 % is still A), B while that
share is below cut-off A + cut-off B, else C. A product with no consumption is C, and so is
every product when nothing was consumed. Shares are compared exactly (value x 100 against
cut-off x total, in decimals), never as rounded floats.

Cut-offs are percentages with at most two decimals (they are stored so): 0 < A,
0 <= B, A + B <= 100. The defaults are 80 / 15 (and the rest, 5, is C).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from backend.domain.errors import DomainError, ErrorCode
from backend.domain.inventory.kinds import AbcClass

DEFAULT_CUTOFF_A = 80.0
DEFAULT_CUTOFF_B = 15.0
_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class Cutoffs:
    a: Decimal  # percent of the total value the A products make up (cumulative)
    b: Decimal  # percent the B products add after A's


@dataclass(frozen=True, slots=True)
class Consumption:
    product_id: int
    sku: str
    value: Decimal


@dataclass(frozen=True, slots=True)
class Classified:
    product_id: int
    sku: str
    value: Decimal
    abc_class: AbcClass


def _percent(value: float | Decimal, field: str) -> Decimal:
    try:
        found = Decimal(str(value))
    except InvalidOperation:
        found = Decimal("NaN")
    if not found.is_finite():
        raise DomainError(ErrorCode.INVALID, f"{field} must be a number.", field)
    exponent = found.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise DomainError(ErrorCode.INVALID, f"{field} has at most two decimals.", field)
    return found


def check_cutoffs(cutoff_a: float | Decimal, cutoff_b: float | Decimal) -> Cutoffs:
    a = _percent(cutoff_a, "cutoffA")
    b = _percent(cutoff_b, "cutoffB")
    if a <= 0:
        raise DomainError(ErrorCode.INVALID, "Cut-off A must be above 0 %.", "cutoffA")
    if b < 0:
        raise DomainError(ErrorCode.INVALID, "Cut-off B cannot be negative.", "cutoffB")
    if a + b > _HUNDRED:
        raise DomainError(
            ErrorCode.INVALID,
            f"Cut-offs A and B add up to {a + b} %; at most 100 %.",
            "cutoffB",
        )
    return Cutoffs(a, b)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def check_period(period_from: datetime, period_to: datetime) -> tuple[datetime, datetime]:
    """The period in UTC, from inclusive, to exclusive; it must not be empty."""
    start, end = _utc(period_from), _utc(period_to)
    if start >= end:
        raise DomainError(ErrorCode.INVALID, "periodFrom must be before periodTo.", "periodTo")
    return start, end


def classify(items: Iterable[Consumption], cutoffs: Cutoffs) -> list[Classified]:
    """Every item with its class, highest value first (ties by SKU)."""
    ordered = sorted(items, key=lambda item: (-item.value, item.sku))
    total = sum((item.value for item in ordered), Decimal(0))
    a_limit = cutoffs.a * total
    b_limit = (cutoffs.a + cutoffs.b) * total
    before = Decimal(0)
    found: list[Classified] = []
    for item in ordered:
        if item.value <= 0:
            kind = AbcClass.C
        elif before * _HUNDRED < a_limit:
            kind = AbcClass.A
        elif before * _HUNDRED < b_limit:
            kind = AbcClass.B
        else:
            kind = AbcClass.C
        found.append(Classified(item.product_id, item.sku, item.value, kind))
        before += item.value
    return found


def class_counts(classified: Iterable[Classified]) -> dict[AbcClass, int]:
    counts = Counter(item.abc_class for item in classified)
    return {kind: counts.get(kind, 0) for kind in AbcClass}
