"""Ledger arithmetic: what a movement does to balances, and the rules on where stock may go.

A movement carries a positive quantity from one location to another; a receipt has no
source, a shipment no destination. A balance (product, location) is therefore the sum of
the quantities moved into it minus those moved out of it, which `replay` computes and
the ledger check compares with the stored balances.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from backend.domain.errors import DomainError, ErrorCode
from backend.domain.stock.kinds import MovementKind, ZoneKind

# Stock leaves the pending zone only through a returns decision that follows QC
# (DESIGN: "no unit leaves the pending zone without a QC result").
_MANUAL_EXIT_FORBIDDEN = frozenset({ZoneKind.PENDING})
_RESERVABLE = frozenset({ZoneKind.SELLABLE})
_CORRECTABLE = frozenset(
    {MovementKind.RECEIPT, MovementKind.SHIPMENT, MovementKind.TRANSFER, MovementKind.ADJUSTMENT}
)


@dataclass(frozen=True, slots=True)
class BalanceChange:
    location_id: int
    on_hand_delta: int


@dataclass(frozen=True, slots=True)
class MovementLine:
    """The parts of a movement that decide balances."""

    product_id: int
    from_location_id: int | None
    to_location_id: int | None
    quantity: int


def balance_changes(
    from_location_id: int | None, to_location_id: int | None, quantity: int
) -> list[BalanceChange]:
    if quantity <= 0:
        raise ValueError("a movement moves a positive quantity")
    if from_location_id is None and to_location_id is None:
        raise ValueError("a movement needs a source or a destination")
    changes = []
    if from_location_id is not None:
        changes.append(BalanceChange(from_location_id, -quantity))
    if to_location_id is not None:
        changes.append(BalanceChange(to_location_id, quantity))
    return changes


def check_manual_exit(zone_kind: ZoneKind, field: str) -> None:
    """Transfers and shipments started by hand may not empty the pending zone."""
    if zone_kind in _MANUAL_EXIT_FORBIDDEN:
        raise DomainError(
            ErrorCode.PENDING_NEEDS_QC,
            "Goods in the pending zone leave it only by a returns decision after QC.",
            field,
        )


def check_distinct(from_location_id: int, to_location_id: int) -> None:
    if from_location_id == to_location_id:
        raise DomainError(
            ErrorCode.SAME_LOCATION, "Source and destination are the same bin.", "toLocationCode"
        )


def check_reservable(zone_kind: ZoneKind) -> None:
    if zone_kind not in _RESERVABLE:
        raise DomainError(
            ErrorCode.RESERVE_ONLY_SELLABLE,
            "Only stock in a sellable zone can be reserved.",
            "locationCode",
        )


def count_difference(on_hand: int, reserved: int, counted: int) -> int:
    """The adjustment a physical count calls for (positive: found more than booked)."""
    if counted < reserved:
        raise DomainError(
            ErrorCode.COUNT_BELOW_RESERVED,
            f"Counted {counted}, but {reserved} are reserved here; release reservations first.",
            "countedQuantity",
        )
    return counted - on_hand


def insufficient(available: int, wanted: int, field: str = "quantity") -> DomainError:
    return DomainError(
        ErrorCode.INSUFFICIENT_STOCK,
        f"Only {available} available here; {wanted} requested.",
        field,
    )


@dataclass(frozen=True, slots=True)
class Reversal:
    from_location_id: int | None
    to_location_id: int | None
    quantity: int


def reversal_of(kind: MovementKind, line: MovementLine, already_corrected: bool) -> Reversal:
    """A correction moves the same quantity back the other way and points at the original."""
    if kind not in _CORRECTABLE:
        raise DomainError(
            ErrorCode.NOT_CORRECTABLE, f"A {kind} movement cannot be corrected.", "movementId"
        )
    if already_corrected:
        raise DomainError(
            ErrorCode.ALREADY_CORRECTED, "This movement has already been corrected.", "movementId"
        )
    return Reversal(line.to_location_id, line.from_location_id, line.quantity)


def replay(lines: Iterable[MovementLine]) -> dict[tuple[int, int], int]:
    """Balances per (product, location) as the ledger says they must be."""
    totals: dict[tuple[int, int], int] = defaultdict(int)
    for line in lines:
        for change in balance_changes(line.from_location_id, line.to_location_id, line.quantity):
            totals[(line.product_id, change.location_id)] += change.on_hand_delta
    return dict(totals)
