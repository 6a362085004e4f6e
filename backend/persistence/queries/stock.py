"""Filters for stock levels, movements, reservations, places and products."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from backend.domain.stock.kinds import MovementKind, ZoneKind
from backend.persistence import transaction
from backend.persistence.models import (
    Barcode,
    Location,
    Product,
    Reservation,
    StockMovement,
    Warehouse,
)
from backend.persistence.queries.pages import Page
from backend.persistence.queries.rows import BalanceRow, balance_rows


@dataclass(frozen=True)
class LevelFilter:
    sku: str | None = None
    warehouse_code: str | None = None
    zone_kind: ZoneKind | None = None
    location_code: str | None = None
    include_empty: bool = False


async def stock_levels(f: LevelFilter, first: int, after_id: int | None) -> Page[BalanceRow]:
    """One keyset page of balances, as plain rows (the busiest list of the floor)."""
    where = ["1 = 1"]
    values: list[Any] = []
    if f.sku:
        where.append("b.product_id = (SELECT id FROM product WHERE sku = ?)")
        values.append(f.sku)
    if f.warehouse_code:
        where.append("b.warehouse_id = (SELECT id FROM warehouse WHERE code = ?)")
        values.append(f.warehouse_code)
    if f.zone_kind:
        where.append("l.zone_kind = ?")
        values.append(f.zone_kind.value)
    if f.location_code:
        where.append("l.code = ?")
        values.append(f.location_code)
    if not f.include_empty:
        where.append("b.on_hand > 0")
    if after_id is not None:
        where.append("b.id > ?")
        values.append(after_id)
    rows = await transaction.fetch(
        "SELECT b.id, b.product_id, b.location_id, b.on_hand, b.reserved, b.updated_at"
        " FROM stock_balance b JOIN location l ON l.id = b.location_id"
        f" WHERE {' AND '.join(where)} ORDER BY b.id LIMIT ?",
        [*values, first + 1],
    )
    found = balance_rows(rows)
    return Page(rows=found[:first], has_next=len(found) > first)


@dataclass(frozen=True)
class MovementFilter:
    sku: str | None = None
    location_code: str | None = None
    reference: str | None = None
    kind: MovementKind | None = None
    since: datetime | None = None
    until: datetime | None = None


def stock_movements(f: MovementFilter) -> QuerySet[StockMovement]:
    query = StockMovement.all()
    if f.sku:
        query = query.filter(product__sku=f.sku)
    if f.location_code:
        query = query.filter(
            Q(from_location__code=f.location_code) | Q(to_location__code=f.location_code)
        )
    if f.reference:
        query = query.filter(reference=f.reference)
    if f.kind:
        query = query.filter(kind=f.kind)
    if f.since:
        query = query.filter(created_at__gte=f.since)
    if f.until:
        query = query.filter(created_at__lt=f.until)
    return query


def reservations(sku: str | None, reference: str | None) -> QuerySet[Reservation]:
    query = Reservation.filter(quantity__gt=0)
    if sku:
        query = query.filter(product__sku=sku)
    if reference:
        query = query.filter(reference=reference)
    return query


def products(search: str | None, category_code: str | None) -> QuerySet[Product]:
    query = Product.all()
    if search:
        query = query.filter(
            Q(sku__icontains=search)
            | Q(name_zh__icontains=search)
            | Q(name_en__icontains=search)
            | Q(model__icontains=search)
        )
    if category_code:
        query = query.filter(category__code=category_code)
    return query


async def product_by_code(sku: str | None, barcode: str | None) -> Product | None:
    if sku:
        return await Product.get_or_none(sku=sku)
    if barcode:
        found = await Barcode.get_or_none(code=barcode).select_related("product")
        return None if found is None else found.product
    return None


def locations(warehouse_code: str | None, zone_kind: ZoneKind | None) -> QuerySet[Location]:
    query = Location.all()
    if warehouse_code:
        query = query.filter(warehouse__code=warehouse_code)
    if zone_kind:
        query = query.filter(zone_kind=zone_kind)
    return query


async def location_by_code(code: str) -> Location | None:
    return await Location.get_or_none(code=code)


def warehouses() -> QuerySet[Warehouse]:
    return Warehouse.all()
