from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import cast

import strawberry

from backend.api.catalogue.types import Product
from backend.api.context import Info
from backend.api.enums import ShipmentStatus
from backend.api.hydrate import Hydrator
from backend.api.inventory.supply_types import PurchaseRequest, build_purchase_requests
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
class ShipmentLine:
    quantity: int
    product: Product


@strawberry.type
class Shipment:
    """A parcel sent for an order. Kept with its waybill whatever happens later."""

    id: strawberry.ID
    waybill: str
    courier: str
    status: ShipmentStatus  # type: ignore[valid-type]
    shipped_at: datetime
    delivered_at: datetime | None
    pk: strawberry.Private[int]
    order_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, m: models.Shipment) -> Shipment:
        return cls(
            id=strawberry.ID(str(m.id)),
            waybill=m.waybill,
            courier=m.courier,
            status=m.status,
            shipped_at=m.shipped_at,
            delivered_at=m.delivered_at,
            pk=m.id,
            order_id=m.order_id,
        )

    @strawberry.field(description="The order this parcel belongs to.")
    async def order(self, info: Info) -> Order:
        found = await info.context.loaders.order.load(self.order_id)
        assert found is not None
        return Order.from_model(found)

    @strawberry.field
    async def lines(self, info: Info) -> list[ShipmentLine]:
        lines = await info.context.loaders.shipment_lines.load(self.pk)
        h = Hydrator(info)
        products = await h.products(line.product_id for line in lines) if h.wants("product") else {}
        return [
            ShipmentLine(
                quantity=line.quantity, product=cast(Product, products.get(line.product_id))
            )
            for line in lines
        ]


@strawberry.type
class Order:
    id: strawberry.ID
    number: str
    placed_at: datetime
    delivered_at: datetime | None
    pk: strawberry.Private[int]
    customer_id: strawberry.Private[int]

    @strawberry.field
    async def shipments(self, info: Info) -> list[Shipment]:
        found = await info.context.loaders.shipments_of_order.load(self.pk)
        return [Shipment.from_model(s) for s in found]

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

    @strawberry.field(
        description="Purchase requests made for its just-in-time lines (their suppliers"
        " ship them; nothing is reserved from stock)."
    )
    async def purchase_requests(self, info: Info) -> list[PurchaseRequest]:
        found = await info.context.loaders.purchase_requests_of_order.load(self.pk)
        return await build_purchase_requests(info, found)

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
