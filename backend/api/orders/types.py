from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import cast

import strawberry

from backend.api.catalogue.types import Product
from backend.api.context import Info
from backend.api.hydrate import Hydrator
from backend.persistence import models


@strawberry.type
class Customer:
    name: str
    phone: str
    address: str


@strawberry.type
class OrderLine:
    quantity: int
    unit_price_paid: Decimal
    product: Product


@strawberry.type
class Order:
    id: strawberry.ID
    number: str
    placed_at: datetime
    delivered_at: datetime | None
    pk: strawberry.Private[int]
    customer_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, m: models.SalesOrder) -> Order:
        return cls(
            id=strawberry.ID(str(m.id)),
            number=m.number,
            placed_at=m.placed_at,
            delivered_at=m.delivered_at,
            pk=m.id,
            customer_id=m.customer_id,
        )

    @strawberry.field
    async def customer(self, info: Info) -> Customer:
        found = await info.context.loaders.customer.load(self.customer_id)
        assert found is not None
        return Customer(name=found.name, phone=found.phone, address=found.address)

    @strawberry.field
    async def lines(self, info: Info) -> list[OrderLine]:
        lines = await info.context.loaders.order_lines.load(self.pk)
        h = Hydrator(info)
        products = await h.products(line.product_id for line in lines) if h.wants("product") else {}
        return [
            OrderLine(
                quantity=line.quantity,
                unit_price_paid=line.unit_price_paid,
                product=cast(Product, products.get(line.product_id)),
            )
            for line in lines
        ]
