"""Just-in-time supply (即时供应, table 11-1): the supplier holds the stock and ships on
demand, so the company holds none. Its partner account states what it can ship now; an
order or an exchange that needs such a product makes a purchase request, tracked until
the supplier ships it.

- A request is covered when the supplier's stated availability holds its whole quantity
  at the moment it is made; the availability then falls by that quantity (all or
  nothing, so a cancellation knows what to give back).
- OPEN -> SHIPPED (the supplier's partner, logistics or an administrator, with courier and
  waybill) or OPEN -> CANCELLED (customer service or an administrator, with a reason); a
  cancelled covered request gives its quantity back to the availability.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from backend.domain import validation
from backend.domain.auth.roles import Role
from backend.domain.errors import DomainError, ErrorCode
from backend.domain.inventory.kinds import PurchaseRequestStatus as S

NUMBER_PREFIX = "PR"
MAX_ITEMS = 500


class PurchaseRequestMove(StrEnum):
    SHIP = "SHIP"
    CANCEL = "CANCEL"


MOVES: dict[tuple[S, PurchaseRequestMove], S] = {
    (S.OPEN, PurchaseRequestMove.SHIP): S.SHIPPED,
    (S.OPEN, PurchaseRequestMove.CANCEL): S.CANCELLED,
}

# Who makes a move besides the supplier's own partner account (which may only ship).
STAFF_FOR: dict[PurchaseRequestMove, frozenset[Role]] = {
    PurchaseRequestMove.SHIP: frozenset({Role.ADMIN, Role.LOGISTICS}),
    PurchaseRequestMove.CANCEL: frozenset({Role.ADMIN, Role.CUSTOMER_SERVICE}),
}


def number(year: int, serial: int) -> str:
    """PR-2026-000001: one counter per year."""
    return f"{NUMBER_PREFIX}-{year}-{serial:06d}"


def next_status(status: S, move: PurchaseRequestMove) -> S:
    after = MOVES.get((status, move))
    if after is None:
        done = "shipped" if move is PurchaseRequestMove.SHIP else "cancelled"
        raise DomainError(
            ErrorCode.INVALID_TRANSITION,
            f"Only an OPEN purchase request can be {done}; this one is {status.value}.",
            "number",
        )
    return after


def may_move(move: PurchaseRequestMove, role: Role, suppliers_partner: bool) -> bool:
    """The supplier's partner ships its own requests; staff roles per STAFF_FOR."""
    if role is Role.PARTNER:
        return suppliers_partner and move is PurchaseRequestMove.SHIP
    return role in STAFF_FOR[move]


def covers(available: int, quantity: int) -> bool:
    """Whether stated availability covers a request (the whole quantity, or nothing)."""
    return available >= quantity


@dataclass(frozen=True, slots=True)
class AvailabilityItem:
    sku: str
    available: int


def check_items(items: Iterable[AvailabilityItem]) -> list[AvailabilityItem]:
    """At least one item, each SKU once, availability from 0 to the quantity limit."""
    checked = []
    for n, item in enumerate(items):
        sku = validation.code(item.sku, f"items.{n}.sku")
        if item.available < 0:
            raise DomainError(
                ErrorCode.INVALID_QUANTITY, "Availability cannot be negative.", f"items.{n}"
            )
        checked.append(
            AvailabilityItem(sku, validation.count(item.available, f"items.{n}.available"))
        )
    if not checked:
        raise DomainError(ErrorCode.REQUIRED, "Name at least one product.", "items")
    if len(checked) > MAX_ITEMS:
        raise DomainError(ErrorCode.INVALID, f"At most {MAX_ITEMS} items at once.", "items")
    repeated = [sku for sku, n in Counter(item.sku for item in checked).items() if n > 1]
    if repeated:
        raise DomainError(ErrorCode.DUPLICATE, f"Each SKU once: {repeated[0]}.", "items")
    return checked
