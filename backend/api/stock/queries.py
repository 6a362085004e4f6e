from __future__ import annotations

from datetime import datetime

import strawberry

from backend.api.context import Info
from backend.api.enums import MovementKind, ZoneKind
from backend.api.hydrate import Hydrator
from backend.api.pagination import Connection, connection, decode_cursor, page_size
from backend.api.permissions import gated
from backend.api.stock.types import (
    LedgerCheck,
    LedgerMismatch,
    LevelRow,
    MovementRow,
    Reservation,
    ReservationRow,
    StockLevel,
    StockMovement,
    build_levels,
    build_movements,
    build_reservations,
)
from backend.persistence.queries import stock as q
from backend.persistence.queries.pages import page
from backend.services.stock.health import check_ledger


@strawberry.input
class StockLevelFilter:
    sku: str | None = None
    warehouse_code: str | None = None
    zone_kind: ZoneKind | None = None  # type: ignore[valid-type]
    location_code: str | None = None
    include_empty: bool = False


@strawberry.input
class StockMovementFilter:
    sku: str | None = None
    location_code: str | None = None
    reference: str | None = None
    kind: MovementKind | None = None  # type: ignore[valid-type]
    since: datetime | None = None
    until: datetime | None = None


@strawberry.type
class StockQuery:
    @strawberry.field
    @gated
    async def stock_levels(
        self,
        info: Info,
        filter: StockLevelFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[StockLevel]:
        f = filter or StockLevelFilter()
        rows = await q.stock_levels(
            q.LevelFilter(f.sku, f.warehouse_code, f.zone_kind, f.location_code, f.include_empty),
            page_size(first),
            decode_cursor(after),
        )
        built = await build_levels(Hydrator(info), [LevelRow.from_model(r) for r in rows.rows])
        return connection(rows, built)

    @strawberry.field
    @gated
    async def stock_movements(
        self,
        info: Info,
        filter: StockMovementFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[StockMovement]:
        f = filter or StockMovementFilter()
        query = q.stock_movements(
            q.MovementFilter(f.sku, f.location_code, f.reference, f.kind, f.since, f.until)
        )
        rows = await page(query, page_size(first), decode_cursor(after))
        rows_in = [MovementRow.from_model(r) for r in rows.rows]
        return connection(rows, await build_movements(Hydrator(info), rows_in))

    @strawberry.field
    @gated
    async def reservations(
        self,
        info: Info,
        sku: str | None = None,
        reference: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Reservation]:
        rows = await page(q.reservations(sku, reference), page_size(first), decode_cursor(after))
        rows_in = [ReservationRow.from_model(r) for r in rows.rows]
        return connection(rows, await build_reservations(Hydrator(info), rows_in))

    @strawberry.field(
        description="Compares every cached balance with the sum of its ledger movements.",
    )
    @gated
    async def ledger_check(self, info: Info) -> LedgerCheck:
        health = await check_ledger()
        return LedgerCheck(
            ok=health.ok,
            balances_checked=health.checked,
            mismatches=[
                LedgerMismatch(
                    sku=m.sku,
                    location_code=m.location_code,
                    ledger_on_hand=m.ledger_on_hand,
                    balance_on_hand=m.balance_on_hand,
                    reservations_open=m.reservations_open,
                    balance_reserved=m.balance_reserved,
                )
                for m in health.mismatches
            ],
        )
