"""Plain rows for the read side's hot paths, read with SQL instead of ORM objects.

Building Tortoise objects parses every timestamp column through its timezone handling;
on a page of 100 stock levels that was about a third of the server's time (bench
profile). These rows carry only the columns the API shows, under the models' names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from backend.domain.stock.kinds import SupplyMode, ZoneKind
from backend.persistence import transaction
from backend.persistence.repositories.stock import moment


@dataclass(frozen=True, slots=True)
class ProductRow:
    id: int
    sku: str
    name_zh: str
    name_en: str
    model: str
    style: str
    colour: str
    size: str
    unit_price: Decimal
    return_window_days: int
    supply_mode: SupplyMode
    active: bool
    category_id: int
    supplier_id: int | None


@dataclass(frozen=True, slots=True)
class LocationRow:
    id: int
    code: str
    name: str
    zone_kind: ZoneKind
    active: bool
    zone_id: int
    warehouse_id: int


@dataclass(frozen=True, slots=True)
class BalanceRow:
    id: int
    product_id: int
    location_id: int
    on_hand: int
    reserved: int
    updated_at: datetime

    @property
    def pk(self) -> int:
        return self.id


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


async def products_by_ids(ids: Sequence[int]) -> list[ProductRow | None]:
    wanted = list(dict.fromkeys(ids))
    rows = (
        await transaction.fetch(
            "SELECT id, sku, name_zh, name_en, model, style, colour, size, unit_price,"
            " return_window_days, supply_mode, active, category_id, supplier_id"
            f" FROM product WHERE id IN ({_marks(wanted)})",
            wanted,
        )
        if wanted
        else []
    )
    found = {
        r["id"]: ProductRow(
            id=r["id"],
            sku=r["sku"],
            name_zh=r["name_zh"],
            name_en=r["name_en"],
            model=r["model"],
            style=r["style"],
            colour=r["colour"],
            size=r["size"],
            unit_price=Decimal(str(r["unit_price"])),
            return_window_days=r["return_window_days"],
            supply_mode=SupplyMode(r["supply_mode"]),
            active=bool(r["active"]),
            category_id=r["category_id"],
            supplier_id=r["supplier_id"],
        )
        for r in rows
    }
    return [found.get(i) for i in ids]


async def locations_by_ids(ids: Sequence[int]) -> list[LocationRow | None]:
    wanted = list(dict.fromkeys(ids))
    rows = (
        await transaction.fetch(
            "SELECT id, code, name, zone_kind, active, zone_id, warehouse_id"
            f" FROM location WHERE id IN ({_marks(wanted)})",
            wanted,
        )
        if wanted
        else []
    )
    found = {
        r["id"]: LocationRow(
            id=r["id"],
            code=r["code"],
            name=r["name"],
            zone_kind=ZoneKind(r["zone_kind"]),
            active=bool(r["active"]),
            zone_id=r["zone_id"],
            warehouse_id=r["warehouse_id"],
        )
        for r in rows
    }
    return [found.get(i) for i in ids]


def balance_rows(rows: list[dict[str, Any]]) -> list[BalanceRow]:
    return [
        BalanceRow(
            r["id"],
            r["product_id"],
            r["location_id"],
            r["on_hand"],
            r["reserved"],
            moment(r["updated_at"]),
        )
        for r in rows
    ]
