"""Reorder levels (DESIGN, "reasonable levels"): what a reorder policy may say, when stock
of a product in a warehouse counts as low, when that fires an alert, and how much to reorder.

- Available stock is on hand minus reserved over the warehouse's SELLABLE bins: what can
  be sold. Stock in receiving, pending, defective, rework or scrap bins is not available.
- A policy is "below" while available is at or below its reorder point. An alert fires
  when a policy goes from above to below: once per crossing. Further drops while below do
  not alert; rising above the point resets it, and a later drop alerts again.
- Daily demand is the units shipped out of the warehouse's sellable bins over the last
  DEMAND_WINDOW_DAYS days (a shipment reversed by a correction does not count), divided by
  that many days.
- The suggested quantity covers `cover_days` of that demand plus the safety stock, less
  what is available: max(0, ceil(daily demand x cover days) + safety stock - available),
  computed in integers so no float rounding can add a unit.
"""

from __future__ import annotations

from dataclasses import dataclass

from backend.domain.errors import DomainError, ErrorCode
from backend.domain.validation import MAX_QUANTITY

DEMAND_WINDOW_DAYS = 30
DEFAULT_COVER_DAYS = 30
MAX_COVER_DAYS = 365


@dataclass(frozen=True, slots=True)
class Levels:
    reorder_point: int
    safety_stock: int
    cover_days: int


def check_levels(reorder_point: int, safety_stock: int, cover_days: int) -> Levels:
    """A policy's numbers: reorder point >= safety stock >= 0, cover days 1 to 365."""
    if safety_stock < 0:
        raise DomainError(
            ErrorCode.INVALID_QUANTITY, "The safety stock cannot be negative.", "safetyStock"
        )
    if reorder_point > MAX_QUANTITY:
        raise DomainError(
            ErrorCode.INVALID_QUANTITY,
            f"The reorder point must be at most {MAX_QUANTITY:,}.",
            "reorderPoint",
        )
    if reorder_point < safety_stock:
        raise DomainError(
            ErrorCode.INVALID_QUANTITY,
            f"The reorder point ({reorder_point}) must be at least the safety stock"
            f" ({safety_stock}).",
            "reorderPoint",
        )
    if not 1 <= cover_days <= MAX_COVER_DAYS:
        raise DomainError(
            ErrorCode.INVALID,
            f"Cover days must be between 1 and {MAX_COVER_DAYS}.",
            "coverDays",
        )
    return Levels(reorder_point, safety_stock, cover_days)


def is_low(available: int, reorder_point: int) -> bool:
    return available <= reorder_point


def crossing(was_below: bool, available: int, reorder_point: int) -> bool | None:
    """The policy's new below-state when `available` changes it, else None. Only a change
    to True (from above to at-or-below the point) is an alert."""
    below = is_low(available, reorder_point)
    return None if below == was_below else below


def daily_demand(shipped_units: int, window_days: int = DEMAND_WINDOW_DAYS) -> float:
    return max(shipped_units, 0) / window_days


def suggested_quantity(
    *,
    shipped_units: int,
    cover_days: int,
    safety_stock: int,
    available: int,
    window_days: int = DEMAND_WINDOW_DAYS,
) -> int:
    """max(0, ceil(shipped / window x cover days) + safety stock - available)."""
    covered = -(-max(shipped_units, 0) * cover_days // window_days)  # exact ceiling
    return max(0, covered + safety_stock - available)
