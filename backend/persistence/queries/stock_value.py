"""Stock value: on hand x the product's unit price, summed per warehouse in SQL, on both
dialects (SQLite keeps decimals as text: summed as integer cents there)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from backend.domain.stock.kinds import WarehouseKind
from backend.persistence import transaction


@dataclass(frozen=True, slots=True)
class WarehouseValueRow:
    warehouse_id: int
    code: str
    kind: WarehouseKind
    units: int
    value: Decimal


def _value_cents() -> str:
    if transaction.postgres():
        return "COALESCE(SUM(b.on_hand * p.unit_price * 100), 0)"
    return "COALESCE(SUM(b.on_hand * CAST(ROUND(CAST(p.unit_price AS REAL) * 100) AS INTEGER)), 0)"


async def by_warehouse(warehouse_id: int | None = None) -> list[WarehouseValueRow]:
    """Every active warehouse (and any retired one still holding stock), or the one asked
    for, in code order, with its units on hand in all zones and their value at the
    products' unit prices."""
    where = "WHERE w.id = ?" if warehouse_id is not None else ""
    rows = await transaction.fetch(
        "SELECT w.id AS id, w.code AS code, w.kind AS kind, w.active AS active,"
        f" COALESCE(SUM(b.on_hand), 0) AS units, {_value_cents()} AS cents"
        " FROM warehouse w LEFT JOIN stock_balance b ON b.warehouse_id = w.id"
        f" LEFT JOIN product p ON p.id = b.product_id {where}"
        " GROUP BY w.id, w.code, w.kind, w.active ORDER BY w.code",
        [] if warehouse_id is None else [warehouse_id],
    )
    return [
        WarehouseValueRow(
            warehouse_id=int(row["id"]),
            code=str(row["code"]),
            kind=WarehouseKind(str(row["kind"])),
            units=int(row["units"]),
            value=(Decimal(str(row["cents"])) / 100).quantize(Decimal("0.01")),
        )
        for row in rows
        if row["active"] or int(row["units"]) or warehouse_id is not None
    ]


async def warehouse_id(code: str) -> int | None:
    rows = await transaction.fetch("SELECT id FROM warehouse WHERE code = ?", [code])
    return int(rows[0]["id"]) if rows else None
