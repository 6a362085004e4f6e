from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from backend.api.context import Info
from backend.api.hydrate import Hydrator
from backend.api.loaders import Loaders
from backend.api.permissions import gated
from backend.api.stock.types import LevelRow, StockLevel, build_levels
from backend.persistence.repositories import stock as repo
from backend.services.stock import events


@strawberry.type
class StockChange:
    sku: str
    warehouse_code: str
    location_code: str
    kind: str = strawberry.field(description="A movement kind, or RESERVE / RELEASE.")
    delta: int = strawberry.field(description="Change of on-hand units in this bin.")
    movement_id: strawberry.ID | None
    product_id: strawberry.Private[int]
    location_id: strawberry.Private[int]

    @strawberry.field(description="The balance now (read fresh; events are hints).")
    async def level(self, info: Info) -> StockLevel | None:
        found = await repo.levels(self.product_id, [self.location_id])
        if not found:
            return None
        b = found[0]
        row = LevelRow(b.product_id, b.location_id, b.on_hand, b.reserved, b.updated_at)
        # Fresh loaders: the connection's own would serve stale rows to a long subscription.
        hydrator = Hydrator(info, loaders=Loaders())
        return (await build_levels(hydrator, [row]))[0]


@strawberry.type
class StockSubscription:
    @strawberry.subscription
    @gated
    async def stock_changed(
        self, info: Info, sku: str | None = None, warehouse_code: str | None = None
    ) -> AsyncGenerator[StockChange, None]:
        async with info.context.pubsub.subscribe(events.TOPIC) as messages:
            async for m in messages:
                if sku is not None and m["sku"] != sku:
                    continue
                if warehouse_code is not None and m["warehouseCode"] != warehouse_code:
                    continue
                yield StockChange(
                    sku=m["sku"],
                    warehouse_code=m["warehouseCode"],
                    location_code=m["locationCode"],
                    kind=m["kind"],
                    delta=m["delta"],
                    movement_id=None
                    if m["movementId"] is None
                    else strawberry.ID(str(m["movementId"])),
                    product_id=m["productId"],
                    location_id=m["locationId"],
                )
