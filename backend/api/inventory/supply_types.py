"""Just-in-time supply as the API shows it: purchase requests and a supplier's stated
availability. A page of requests loads its relations in one batch per kind."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

import strawberry

from backend.api.auth.types import UserRef
from backend.api.catalogue.types import Product, Supplier
from backend.api.context import Info
from backend.api.hydrate import Hydrator
from backend.domain.inventory import kinds
from backend.persistence import models
from backend.persistence.queries.supply import AvailabilityRow

PurchaseRequestStatus = strawberry.enum(kinds.PurchaseRequestStatus)
DemandSource = strawberry.enum(kinds.DemandSource)


@strawberry.type(
    description="A request to a just-in-time supplier (即时供应) to ship a product for an"
    " order or an exchange's replacement, tracked until it ships."
)
class PurchaseRequest:
    number: str
    status: PurchaseRequestStatus  # type: ignore[valid-type]
    source: DemandSource  # type: ignore[valid-type]
    supplier: Supplier
    product: Product
    quantity: int
    covered: bool = strawberry.field(
        description="Whether the supplier's stated availability held the whole quantity"
        " when the request was made (it was then taken off the availability)."
    )
    order_number: str | None
    ticket_number: str | None = strawberry.field(description="The exchange, for EXCHANGE.")
    courier: str
    waybill: str
    note: str = strawberry.field(description="A cancellation's reason.")
    created_by: UserRef
    created_at: datetime
    shipped_at: datetime | None
    cancelled_at: datetime | None


async def build_purchase_requests(
    info: Info, rows: Sequence[models.PurchaseRequest]
) -> list[PurchaseRequest]:
    if not rows:
        return []
    h = Hydrator(info)
    load = h.loaders
    products = await h.products(row.product_id for row in rows)
    suppliers = {
        s.id: Supplier.from_model(s)
        for s in await load.supplier.load_many(list({row.supplier_id for row in rows}))
        if s is not None
    }
    order_ids = list({row.order_id for row in rows if row.order_id})
    orders = {o.id: o.number for o in await load.order.load_many(order_ids) if o}
    ticket_ids = list({row.ticket_id for row in rows if row.ticket_id})
    tickets = {t.id: t.number for t in await load.return_ticket.load_many(ticket_ids) if t}
    users = await h.users(row.created_by_id for row in rows)
    return [
        PurchaseRequest(
            number=row.number,
            status=row.status,
            source=row.source,
            supplier=suppliers[row.supplier_id],
            product=cast(Product, products.get(row.product_id)),
            quantity=row.quantity,
            covered=row.covered,
            order_number=orders.get(row.order_id) if row.order_id else None,
            ticket_number=tickets.get(row.ticket_id) if row.ticket_id else None,
            courier=row.courier,
            waybill=row.waybill,
            note=row.note,
            created_by=users[row.created_by_id],
            created_at=row.created_at,
            shipped_at=row.shipped_at,
            cancelled_at=row.cancelled_at,
        )
        for row in rows
    ]


@strawberry.type
class SupplierAvailabilityItem:
    product: Product
    available: int = strawberry.field(description="Units the supplier can ship now.")
    updated_at: datetime | None
    updated_by: UserRef | None


@strawberry.type(description="What a just-in-time supplier says it can ship now, per product.")
class SupplierAvailability:
    supplier: Supplier
    items: list[SupplierAvailabilityItem]


async def build_availability(
    info: Info, supplier: models.Supplier, rows: Sequence[AvailabilityRow]
) -> SupplierAvailability:
    h = Hydrator(info)
    products = await h.products(row.product_id for row in rows)
    users = await h.users(row.updated_by_id for row in rows if row.updated_by_id is not None)
    return SupplierAvailability(
        supplier=Supplier.from_model(supplier),
        items=[
            SupplierAvailabilityItem(
                product=cast(Product, products.get(row.product_id)),
                available=row.available,
                updated_at=row.updated_at,
                updated_by=users.get(row.updated_by_id) if row.updated_by_id else None,
            )
            for row in rows
        ],
    )
