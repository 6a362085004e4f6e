from __future__ import annotations

from datetime import datetime

import strawberry


@strawberry.input
class CustomerInput:
    name: str
    phone: str
    address: str = ""


@strawberry.input
class OrderLineInput:
    sku: str
    quantity: int
    unit_price_paid: str = strawberry.field(description='Decimal as text, e.g. "199.00".')


@strawberry.input
class CreateOrderInput:
    idempotency_key: str
    number: str = strawberry.field(description="The shop's own order number, unique.")
    customer: CustomerInput
    lines: list[OrderLineInput]
    placed_at: datetime | None = None
    partner_code: str = strawberry.field(
        default="", description="For staff entering a partner's order; partners omit it."
    )


@strawberry.input
class ShipmentLineInput:
    sku: str
    location_code: str
    quantity: int


@strawberry.input
class RecordShipmentInput:
    idempotency_key: str
    order_number: str
    waybill: str
    courier: str
    lines: list[ShipmentLineInput]
    shipped_at: datetime | None = strawberry.field(
        default=None, description="When it left, if recorded afterwards; default now."
    )


@strawberry.input
class MarkDeliveredInput:
    waybill: str
    delivered_at: datetime | None = None
