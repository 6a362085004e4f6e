from __future__ import annotations

import strawberry

from backend.api.context import Info
from backend.api.orders.types import Order
from backend.api.pagination import Connection, connection, decode_cursor, page_size
from backend.api.permissions import gated
from backend.domain.auth.scope import scope_of
from backend.persistence.queries import orders as q
from backend.persistence.queries.pages import page


@strawberry.type
class OrderQuery:
    @strawberry.field(description="Partners see their own orders only.")
    @gated
    async def orders(
        self,
        info: Info,
        customer_phone: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Order]:
        principal = info.context.principal
        assert principal is not None
        rows = await page(
            q.orders(scope_of(principal), customer_phone), page_size(first), decode_cursor(after)
        )
        return connection(rows, [Order.from_model(r) for r in rows.rows])

    @strawberry.field
    @gated
    async def order(self, info: Info, number: str) -> Order | None:
        principal = info.context.principal
        assert principal is not None
        found = await q.order_by_number(scope_of(principal), number)
        return None if found is None else Order.from_model(found)
