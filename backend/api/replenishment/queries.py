"""Reorder policies, the low-stock list (most short first) and ABC runs (newest first)."""

from __future__ import annotations

import strawberry

from backend.api.context import Info
from backend.api.errors import bad_input
from backend.api.hydrate import Hydrator
from backend.api.pagination import Connection, connection, decode_cursor, page_size
from backend.api.permissions import gated
from backend.api.replenishment.types import (
    AVAILABLE,
    AbcRun,
    LowStockItem,
    ReorderPolicy,
    build_low_stock,
    build_policies,
    build_runs,
    decode_low_cursor,
    low_stock_connection,
)
from backend.domain.errors import DomainError
from backend.persistence.queries import replenishment as q
from backend.services.replenishment import low_stock as service
from backend.services.replenishment.policies import warehouse


async def _warehouse_id(code: str | None) -> int | None:
    if code is None or not code.strip():
        return None
    try:
        found, _ = await warehouse(code)
    except DomainError as error:
        raise bad_input(error.message) from None
    return found


@strawberry.type
class ReplenishmentQuery:
    @strawberry.field(description="Reorder policies, oldest first, of one warehouse or all.")
    @gated
    async def reorder_policies(
        self,
        info: Info,
        warehouse_code: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ReorderPolicy]:
        found = await q.reorder_policies(
            await _warehouse_id(warehouse_code), page_size(first), decode_cursor(after)
        )
        return connection(found, await build_policies(Hydrator(info), found.rows))

    @strawberry.field(
        description="Products whose available stock is at or below their reorder point, the"
        " most short (reorder point - available) first, with recent demand and a suggested"
        " reorder quantity. " + AVAILABLE
    )
    @gated
    async def low_stock(
        self,
        info: Info,
        warehouse_code: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[LowStockItem]:
        found = await service.low_stock(
            await _warehouse_id(warehouse_code), page_size(first), decode_low_cursor(after)
        )
        return low_stock_connection(found, await build_low_stock(Hydrator(info), found.rows))

    @strawberry.field(description="ABC classification runs, newest first.")
    @gated
    async def abc_runs(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[AbcRun]:
        found = await q.abc_runs(page_size(first), decode_cursor(after))
        return connection(found, await build_runs(Hydrator(info), found.rows))
