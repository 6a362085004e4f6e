"""Reorder levels and ABC classification, read in SQL on both dialects (rules in
domain/inventory/reorder.py and abc.py).

- Available: on hand minus reserved of a product over its warehouse's SELLABLE bins.
- Shipped: SHIPMENT movements out of SELLABLE bins, leaving out every shipment a
  CORRECTION reversed (a correction reverses the whole movement and points at it), on the
  movement's booking time. Stock sent out of pending, defective, rework or scrap bins
  (rejected returns going back, goods back to a factory) is not consumption.

Low-stock pages are one statement: the policies at or below their reorder point with their
available stock, most short first (reorder point minus available, then the policy's id),
keyset-paged on that pair, and the page's demand. Timestamps are compared as the ISO text
Tortoise stores on SQLite (UTC) and as timestamptz on PostgreSQL; unit prices are TEXT on
SQLite, so consumption value is summed as integer cents there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from backend.domain.inventory.abc import Consumption
from backend.domain.stock.kinds import MovementKind, ZoneKind
from backend.persistence import transaction
from backend.persistence.models import AbcRun, ReorderPolicy
from backend.persistence.queries.pages import Page
from backend.persistence.repositories.stock import moment

_SELLABLE = ZoneKind.SELLABLE.value
_SHIPMENT = MovementKind.SHIPMENT.value


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


def available_sql(policy: str) -> str:
    """Available units of the product and warehouse of the row aliased `policy`."""
    return (
        "COALESCE((SELECT SUM(b.on_hand - b.reserved) FROM stock_balance b"
        " JOIN location bl ON bl.id = b.location_id"
        f" WHERE b.product_id = {policy}.product_id AND b.warehouse_id = {policy}.warehouse_id"
        f" AND bl.zone_kind = '{_SELLABLE}'), 0)"
    )


_NOT_CORRECTED = "NOT EXISTS (SELECT 1 FROM stock_movement c WHERE c.corrects_id = m.id)"


def _shipped_since_sql(policy: str) -> str:
    """Units shipped of the row's product out of its warehouse since a `?` moment."""
    return (
        "COALESCE((SELECT SUM(m.quantity) FROM stock_movement m"
        " JOIN location ml ON ml.id = m.from_location_id"
        f" WHERE m.product_id = {policy}.product_id AND ml.warehouse_id = {policy}.warehouse_id"
        f" AND ml.zone_kind = '{_SELLABLE}' AND m.kind = '{_SHIPMENT}' AND m.created_at >= ?"
        f" AND {_NOT_CORRECTED}), 0)"
    )


@dataclass(frozen=True, slots=True)
class LowStockRow:
    """A policy with its available stock and the units shipped in the demand window."""

    policy_id: int
    product_id: int
    warehouse_id: int
    reorder_point: int
    safety_stock: int
    cover_days: int
    below_since: datetime | None
    available: int
    shipped_units: int

    @property
    def shortfall(self) -> int:
        return self.reorder_point - self.available


def _low_stock_row(row: dict[str, Any]) -> LowStockRow:
    since = row["below_since"]
    return LowStockRow(
        policy_id=int(row["id"]),
        product_id=int(row["product_id"]),
        warehouse_id=int(row["warehouse_id"]),
        reorder_point=int(row["reorder_point"]),
        safety_stock=int(row["safety_stock"]),
        cover_days=int(row["cover_days"]),
        below_since=None if since is None else moment(since),
        available=int(row["available"]),
        shipped_units=int(row["shipped"]),
    )


_POLICY_COLUMNS = (
    "rp.id, rp.product_id, rp.warehouse_id, rp.reorder_point, rp.safety_stock,"
    " rp.cover_days, rp.below_since"
)
_SHORTFALL = "x.reorder_point - x.available"


async def low_stock(
    *,
    now: datetime,
    window_days: int,
    warehouse_id: int | None,
    first: int,
    after: tuple[int, int] | None,
) -> Page[LowStockRow]:
    """Policies of active products at or below their reorder point, most short first;
    `after` is the (shortfall, policy id) of the last row of the previous page."""
    where: list[str] = ["rp.product_id IN (SELECT id FROM product WHERE active = ?)"]
    values: list[Any] = [True]
    if warehouse_id is not None:
        where.append("rp.warehouse_id = ?")
        values.append(warehouse_id)
    outer = ["x.available <= x.reorder_point"]
    if after is not None:
        outer.append(f"({_SHORTFALL} < ? OR ({_SHORTFALL} = ? AND x.id > ?))")
        values += [after[0], after[0], after[1]]
    sql = (
        f"SELECT y.*, {_shipped_since_sql('y')} AS shipped FROM ("
        f" SELECT x.* FROM (SELECT {_POLICY_COLUMNS}, {available_sql('rp')} AS available"
        f" FROM reorder_policy rp WHERE {' AND '.join(where)}) x"
        f" WHERE {' AND '.join(outer)} ORDER BY {_SHORTFALL} DESC, x.id LIMIT ?) y"
        " ORDER BY y.reorder_point - y.available DESC, y.id"
    )
    rows = await transaction.fetch(sql, [now - timedelta(days=window_days), *values, first + 1])
    found = [_low_stock_row(row) for row in rows]
    return Page(rows=found[:first], has_next=len(found) > first)


async def low_stock_of(
    policy_ids: Sequence[int], *, now: datetime, window_days: int
) -> list[LowStockRow]:
    """The given policies with their available stock and demand, whether low or not."""
    if not policy_ids:
        return []
    ids = list(policy_ids)
    sql = (
        f"SELECT {_POLICY_COLUMNS}, {available_sql('rp')} AS available,"
        f" {_shipped_since_sql('rp')} AS shipped"
        f" FROM reorder_policy rp WHERE rp.id IN ({_marks(ids)}) ORDER BY rp.id"
    )
    rows = await transaction.fetch(sql, [now - timedelta(days=window_days), *ids])
    return [_low_stock_row(row) for row in rows]


async def consumption(period_from: datetime, period_to: datetime) -> list[Consumption]:
    """Every active product's consumption value in the period: units shipped out of
    sellable bins (corrected shipments left out), all warehouses, times its unit price."""
    if transaction.postgres():
        cents = "COALESCE(s.units, 0) * p.unit_price * 100"
    else:
        cents = "COALESCE(s.units, 0) * CAST(ROUND(CAST(p.unit_price AS REAL) * 100) AS INTEGER)"
    sql = (
        f"SELECT p.id, p.sku, {cents} AS cents FROM product p LEFT JOIN ("
        " SELECT m.product_id, SUM(m.quantity) AS units FROM stock_movement m"
        " JOIN location ml ON ml.id = m.from_location_id"
        f" WHERE m.kind = '{_SHIPMENT}' AND ml.zone_kind = '{_SELLABLE}'"
        f" AND m.created_at >= ? AND m.created_at < ? AND {_NOT_CORRECTED}"
        " GROUP BY m.product_id) s ON s.product_id = p.id"
        " WHERE p.active = ? ORDER BY p.id"
    )
    rows = await transaction.fetch(sql, [period_from, period_to, True])
    return [
        Consumption(
            product_id=int(row["id"]),
            sku=str(row["sku"]),
            value=(Decimal(str(row["cents"])) / 100).quantize(Decimal("0.01")),
        )
        for row in rows
    ]


async def policies_by_product(product_ids: Sequence[int]) -> list[list[ReorderPolicy]]:
    """Each product's reorder policies (one per warehouse), in the order of `product_ids`."""
    found: dict[int, list[ReorderPolicy]] = defaultdict(list)
    if product_ids:
        for policy in await ReorderPolicy.filter(product_id__in=list(set(product_ids))).order_by(
            "id"
        ):
            found[policy.product_id].append(policy)
    return [found.get(i, []) for i in product_ids]


async def reorder_policies(
    warehouse_id: int | None, first: int, after_id: int | None
) -> Page[ReorderPolicy]:
    query = ReorderPolicy.all()
    if warehouse_id is not None:
        query = query.filter(warehouse_id=warehouse_id)
    if after_id is not None:
        query = query.filter(id__gt=after_id)
    rows = await query.order_by("id").limit(first + 1)
    return Page(rows=rows[:first], has_next=len(rows) > first)


async def abc_runs(first: int, before_id: int | None) -> Page[AbcRun]:
    """Classification runs, newest first."""
    query = AbcRun.all()
    if before_id is not None:
        query = query.filter(id__lt=before_id)
    rows = await query.order_by("-id").limit(first + 1)
    return Page(rows=rows[:first], has_next=len(rows) > first)


async def available_for(pairs: Sequence[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """Available units per (product, warehouse); pairs without sellable stock are absent."""
    if not pairs:
        return {}
    match = " OR ".join("(b.product_id = ? AND b.warehouse_id = ?)" for _ in pairs)
    rows = await transaction.fetch(
        "SELECT b.product_id, b.warehouse_id, SUM(b.on_hand - b.reserved) AS available"
        " FROM stock_balance b JOIN location bl ON bl.id = b.location_id"
        f" WHERE bl.zone_kind = '{_SELLABLE}' AND ({match})"
        " GROUP BY b.product_id, b.warehouse_id",
        [value for pair in pairs for value in pair],
    )
    return {
        (int(row["product_id"]), int(row["warehouse_id"])): int(row["available"]) for row in rows
    }
