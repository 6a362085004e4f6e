"""lowStockAlert: a product's available stock went from above its reorder point to at or
below it (once per crossing; fired by the reorder watch in the booking's transaction)."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from backend.api.context import Info
from backend.api.hydrate import Hydrator
from backend.api.loaders import Loaders
from backend.api.permissions import gated
from backend.api.replenishment.types import AVAILABLE, LowStockItem, build_low_stock
from backend.services.replenishment import events


@strawberry.type
class ReplenishmentSubscription:
    @strawberry.subscription(
        description="Fires once each time a product's available stock in a warehouse goes"
        " from above its reorder point to at or below it (further drops while low do not;"
        " rising above resets it). " + AVAILABLE
    )
    @gated
    async def low_stock_alert(
        self, info: Info, warehouse_code: str | None = None
    ) -> AsyncGenerator[LowStockItem, None]:
        async with info.context.pubsub.subscribe(events.TOPIC) as messages:
            async for m in messages:
                if warehouse_code is not None and m["warehouseCode"] != warehouse_code:
                    continue
                # Fresh loaders: the connection's own would serve stale rows to a long
                # subscription.
                hydrator = Hydrator(info, loaders=Loaders())
                [item] = await build_low_stock(hydrator, [events.item_of_alert(m)])
                yield item
