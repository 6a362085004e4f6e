"""Read side of just-in-time supply: purchase requests by filter (a partner sees those of
the suppliers it is the partner account of), per order and per ticket for DataLoaders,
and a supplier's products with their stated availability."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tortoise.queryset import QuerySet

from backend.domain.auth.scope import Scope
from backend.domain.inventory.kinds import PurchaseRequestStatus
from backend.persistence import transaction
from backend.persistence.models import PurchaseRequest
from backend.persistence.repositories.stock import moment


def purchase_requests(
    scope: Scope,
    status: PurchaseRequestStatus | None = None,
    supplier_id: int | None = None,
) -> QuerySet[PurchaseRequest]:
    query = PurchaseRequest.all()
    if scope.partner_id is not None:
        query = query.filter(supplier__partner_id=scope.partner_id)
    if status is not None:
        query = query.filter(status=status)
    if supplier_id is not None:
        query = query.filter(supplier_id=supplier_id)
    return query


async def by_order(order_ids: Sequence[int]) -> list[list[PurchaseRequest]]:
    found: dict[int, list[PurchaseRequest]] = defaultdict(list)
    for row in await PurchaseRequest.filter(order_id__in=list(set(order_ids))).order_by("id"):
        assert row.order_id is not None
        found[row.order_id].append(row)
    return [found.get(i, []) for i in order_ids]


@dataclass(frozen=True, slots=True)
class AvailabilityRow:
    product_id: int
    available: int
    updated_at: datetime | None
    updated_by_id: int | None


async def availability(supplier_id: int) -> list[AvailabilityRow]:
    """Every active product of the supplier, by SKU, with what it stated it can ship now
    (0, never updated, when it stated nothing)."""
    rows = await transaction.fetch(
        "SELECT p.id AS product_id, COALESCE(a.available, 0) AS available,"
        " a.updated_at AS updated_at, a.updated_by_id AS updated_by_id"
        " FROM product p LEFT JOIN supplier_availability a"
        " ON a.product_id = p.id AND a.supplier_id = p.supplier_id"
        " WHERE p.supplier_id = ? AND p.active = ? ORDER BY p.sku",
        [supplier_id, True],
    )
    return [
        AvailabilityRow(
            product_id=int(row["product_id"]),
            available=int(row["available"]),
            updated_at=moment(row["updated_at"]) if row["updated_at"] is not None else None,
            updated_by_id=int(row["updated_by_id"]) if row["updated_by_id"] is not None else None,
        )
        for row in rows
    ]
