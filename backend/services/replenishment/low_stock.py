"""Low stock as the planners see it: each policy's available stock, the recent daily
demand and the suggested reorder quantity (rules in domain/inventory/reorder.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from backend.domain.inventory import reorder
from backend.persistence.queries import replenishment as q
from backend.persistence.queries.pages import Page


@dataclass(frozen=True, slots=True)
class LowStockItem:
    policy_id: int
    product_id: int
    warehouse_id: int
    available: int
    reorder_point: int
    safety_stock: int
    cover_days: int
    below_since: datetime | None
    daily_demand: float
    suggested_quantity: int
    shortfall: int  # reorder point - available: the page's order


def item_of(row: q.LowStockRow) -> LowStockItem:
    return LowStockItem(
        policy_id=row.policy_id,
        product_id=row.product_id,
        warehouse_id=row.warehouse_id,
        available=row.available,
        reorder_point=row.reorder_point,
        safety_stock=row.safety_stock,
        cover_days=row.cover_days,
        below_since=row.below_since,
        daily_demand=reorder.daily_demand(row.shipped_units),
        suggested_quantity=reorder.suggested_quantity(
            shipped_units=row.shipped_units,
            cover_days=row.cover_days,
            safety_stock=row.safety_stock,
            available=row.available,
        ),
        shortfall=row.shortfall,
    )


async def low_stock(
    warehouse_id: int | None, first: int, after: tuple[int, int] | None
) -> Page[LowStockItem]:
    """Policies at or below their reorder point, most short first."""
    found = await q.low_stock(
        now=datetime.now(UTC),
        window_days=reorder.DEMAND_WINDOW_DAYS,
        warehouse_id=warehouse_id,
        first=first,
        after=after,
    )
    return Page(rows=[item_of(row) for row in found.rows], has_next=found.has_next)


async def items_of(policy_ids: list[int]) -> list[LowStockItem]:
    rows = await q.low_stock_of(
        policy_ids, now=datetime.now(UTC), window_days=reorder.DEMAND_WINDOW_DAYS
    )
    return [item_of(row) for row in rows]
