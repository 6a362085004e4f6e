"""Stock value by warehouse kind and by warehouse (table 11-1: who holds the goods): units
on hand in every zone times the products' unit prices, from the cached balances (equal to
the ledger). The SQL sums per warehouse; kinds and the total add those up exactly."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from backend.domain import validation
from backend.domain.errors import DomainError, ErrorCode
from backend.domain.stock.kinds import WarehouseKind
from backend.persistence.queries import stock_value as q


@dataclass(frozen=True, slots=True)
class KindValue:
    kind: WarehouseKind
    units: int
    value: Decimal


@dataclass(frozen=True, slots=True)
class StockValue:
    total: Decimal
    by_kind: list[KindValue]
    by_warehouse: list[q.WarehouseValueRow]


async def stock_value(warehouse_code: str | None = None) -> StockValue:
    warehouse_id = None
    if warehouse_code is not None:
        code = validation.code(warehouse_code, "warehouseCode")
        warehouse_id = await q.warehouse_id(code)
        if warehouse_id is None:
            raise DomainError(ErrorCode.UNKNOWN_WAREHOUSE, f"No warehouse {code}.", "warehouseCode")
    rows = await q.by_warehouse(warehouse_id)
    kinds = []
    for kind in WarehouseKind:
        mine = [row for row in rows if row.kind is kind]
        if mine:
            kinds.append(
                KindValue(
                    kind,
                    sum(row.units for row in mine),
                    sum((row.value for row in mine), Decimal("0.00")),
                )
            )
    return StockValue(
        total=sum((row.value for row in rows), Decimal("0.00")),
        by_kind=kinds,
        by_warehouse=rows,
    )
