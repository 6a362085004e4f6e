"""Reorder policies, low-stock items and ABC runs as the API shows them. A page's products,
warehouses and users are loaded in one batch per kind through the request's loaders."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import cast

import strawberry

from backend.api.auth.types import UserRef
from backend.api.catalogue.types import Product, Warehouse
from backend.api.context import Info
from backend.api.errors import UserError, bad_input
from backend.api.hydrate import Hydrator
from backend.api.pagination import Connection, Edge, PageInfo
from backend.persistence import models
from backend.persistence.queries.pages import Page
from backend.services.replenishment.low_stock import LowStockItem as Item

AVAILABLE = (
    "Available = on hand - reserved over the warehouse's SELLABLE bins: what can be sold"
    " (receiving, pending, defective, rework and scrap bins do not count)."
)


@strawberry.type(
    description="Reorder point, safety stock and cover days of a product in a warehouse. "
    + AVAILABLE
)
class ReorderPolicy:
    id: strawberry.ID
    product: Product
    warehouse: Warehouse
    reorder_point: int
    safety_stock: int
    cover_days: int = strawberry.field(
        description="Days of recent demand a suggested reorder covers."
    )
    below: bool = strawberry.field(
        description="Available stock is at or below the reorder point (since belowSince)."
    )
    below_since: datetime | None
    updated_by: UserRef
    updated_at: datetime


async def _warehouses(h: Hydrator, ids: Iterable[int]) -> dict[int, Warehouse]:
    rows = await h.loaders.warehouse.load_many(list(dict.fromkeys(ids)))
    return {w.id: Warehouse.from_model(w) for w in rows if w is not None}


async def build_policies(h: Hydrator, rows: Sequence[models.ReorderPolicy]) -> list[ReorderPolicy]:
    products = await h.products(r.product_id for r in rows) if h.wants("product") else {}
    places = await _warehouses(h, (r.warehouse_id for r in rows)) if h.wants("warehouse") else {}
    users = await h.users(r.updated_by_id for r in rows) if h.wants("updatedBy") else {}
    return [
        ReorderPolicy(
            id=strawberry.ID(str(r.id)),
            product=cast(Product, products.get(r.product_id)),
            warehouse=cast(Warehouse, places.get(r.warehouse_id)),
            reorder_point=r.reorder_point,
            safety_stock=r.safety_stock,
            cover_days=r.cover_days,
            below=r.below,
            below_since=r.below_since,
            updated_by=cast(UserRef, users.get(r.updated_by_id)),
            updated_at=r.updated_at,
        )
        for r in rows
    ]


async def policies_of_product(info: Info, product_id: int) -> list[ReorderPolicy]:
    """Product.reorderPolicies: staff only (a partner system gets none)."""
    principal = info.context.principal
    if principal is None or principal.is_partner:
        return []
    rows = await info.context.loaders.reorder_policies_of_product.load(product_id)
    return await build_policies(Hydrator(info), rows)


@strawberry.type(
    description="A product at or below its reorder point in a warehouse, with what to"
    " reorder. " + AVAILABLE
)
class LowStockItem:
    product: Product
    warehouse: Warehouse
    available: int
    reorder_point: int
    safety_stock: int
    cover_days: int
    below_since: datetime | None = strawberry.field(
        description="When available stock last went to or below the reorder point."
    )
    daily_demand: float = strawberry.field(
        description="Units shipped out of the warehouse's sellable bins in the last 30 days"
        " (corrected shipments left out), divided by 30."
    )
    suggested_quantity: int = strawberry.field(
        description="max(0, ceil(dailyDemand x coverDays) + safetyStock - available)."
    )


async def build_low_stock(h: Hydrator, items: Sequence[Item]) -> list[LowStockItem]:
    products = await h.products(i.product_id for i in items) if h.wants("product") else {}
    places = await _warehouses(h, (i.warehouse_id for i in items)) if h.wants("warehouse") else {}
    return [
        LowStockItem(
            product=cast(Product, products.get(i.product_id)),
            warehouse=cast(Warehouse, places.get(i.warehouse_id)),
            available=i.available,
            reorder_point=i.reorder_point,
            safety_stock=i.safety_stock,
            cover_days=i.cover_days,
            below_since=i.below_since,
            daily_demand=i.daily_demand,
            suggested_quantity=i.suggested_quantity,
        )
        for i in items
    ]


def encode_low_cursor(item: Item) -> str:
    return base64.urlsafe_b64encode(f"low:{item.shortfall}:{item.policy_id}".encode()).decode()


def decode_low_cursor(cursor: str | None) -> tuple[int, int] | None:
    """The (shortfall, policy id) a lowStock cursor carries."""
    if cursor is None:
        return None
    try:
        kind, shortfall, policy = base64.urlsafe_b64decode(cursor.encode()).decode().split(":")
        if kind == "low":
            return int(shortfall), int(policy)
    except (ValueError, UnicodeDecodeError):
        pass
    raise bad_input("The `after` cursor is not one this API gave out.")


def low_stock_connection(page: Page[Item], nodes: list[LowStockItem]) -> Connection[LowStockItem]:
    edges = [
        Edge(cursor=encode_low_cursor(item), node=node)
        for item, node in zip(page.rows, nodes, strict=True)
    ]
    return Connection(
        edges=edges,
        nodes=nodes,
        page_info=PageInfo(
            has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None
        ),
    )


@strawberry.type(
    description="One ABC classification: products ranked by consumption value (units"
    " shipped out of sellable bins in the period x unit price), A while the cumulative share"
    " before a product is below cutoffA, B while below cutoffA + cutoffB, else C."
)
class AbcRun:
    id: strawberry.ID
    period_from: datetime
    period_to: datetime
    cutoff_a: float = strawberry.field(description="Percent of the total value, cumulative.")
    cutoff_b: float = strawberry.field(description="Percent the B products add after A's.")
    total_value: Decimal
    a_products: int
    b_products: int
    c_products: int
    run_by: UserRef
    at: datetime


async def build_runs(h: Hydrator, rows: Sequence[models.AbcRun]) -> list[AbcRun]:
    users = await h.users(r.run_by_id for r in rows) if h.wants("runBy") else {}
    return [
        AbcRun(
            id=strawberry.ID(str(r.id)),
            period_from=r.period_from,
            period_to=r.period_to,
            cutoff_a=float(r.cutoff_a),
            cutoff_b=float(r.cutoff_b),
            total_value=r.total_value,
            a_products=r.a_products,
            b_products=r.b_products,
            c_products=r.c_products,
            run_by=cast(UserRef, users.get(r.run_by_id)),
            at=r.at,
        )
        for r in rows
    ]


@strawberry.type
class SetReorderPolicyPayload:
    policy: ReorderPolicy | None
    replayed: bool
    user_errors: list[UserError]


@strawberry.type
class ClassifyProductsPayload:
    run: AbcRun | None
    replayed: bool
    user_errors: list[UserError]
