"""Order mutations: input -> command -> service -> payload."""

from __future__ import annotations

import strawberry

from backend.api.context import Info
from backend.api.errors import UserError, user_errors
from backend.api.orders import inputs
from backend.api.orders.types import Order, Shipment
from backend.api.permissions import gated
from backend.domain.errors import DomainError
from backend.persistence.models import SalesOrder
from backend.persistence.models import Shipment as ShipmentModel
from backend.services import orders


@strawberry.type
class OrderPayload:
    order: Order | None
    replayed: bool
    user_errors: list[UserError]


@strawberry.type
class ShipmentPayload:
    shipment: Shipment | None
    order: Order | None
    replayed: bool
    user_errors: list[UserError]


async def _shipment_payload(shipment: ShipmentModel, replayed: bool) -> ShipmentPayload:
    order = await SalesOrder.get(id=shipment.order_id)
    return ShipmentPayload(
        shipment=Shipment.from_model(shipment),
        order=Order.from_model(order),
        replayed=replayed,
        user_errors=[],
    )


@strawberry.type
class OrderMutation:
    @strawberry.mutation(description="A shop front's order (partners create their own).")
    @gated
    async def create_order(self, info: Info, input: inputs.CreateOrderInput) -> OrderPayload:
        principal = info.context.principal
        assert principal is not None
        cmd = orders.CreateOrder(
            idempotency_key=input.idempotency_key,
            number=input.number,
            customer_name=input.customer.name,
            customer_phone=input.customer.phone,
            customer_address=input.customer.address,
            lines=[
                orders.OrderLineInput(line.sku, line.quantity, line.unit_price_paid)
                for line in input.lines
            ],
            placed_at=input.placed_at,
            partner_code=input.partner_code,
        )
        try:
            answer = await orders.create_order(info.context.pubsub, principal, cmd)
        except DomainError as error:
            return OrderPayload(order=None, replayed=False, user_errors=user_errors(error))
        order = await SalesOrder.get(id=answer.response["orderId"])
        return OrderPayload(order=Order.from_model(order), replayed=answer.replayed, user_errors=[])

    @strawberry.mutation(description="出库 for an order: goods leave with a waybill.")
    @gated
    async def record_shipment(
        self, info: Info, input: inputs.RecordShipmentInput
    ) -> ShipmentPayload:
        principal = info.context.principal
        assert principal is not None
        cmd = orders.RecordShipment(
            idempotency_key=input.idempotency_key,
            order_number=input.order_number,
            waybill=input.waybill,
            courier=input.courier,
            lines=[
                orders.ShipmentLineInput(line.sku, line.location_code, line.quantity)
                for line in input.lines
            ],
            shipped_at=input.shipped_at,
        )
        try:
            answer = await orders.record_shipment(info.context.pubsub, principal, cmd)
        except DomainError as error:
            return ShipmentPayload(
                shipment=None, order=None, replayed=False, user_errors=user_errors(error)
            )
        shipment = await ShipmentModel.get(id=answer.response["shipmentId"])
        return await _shipment_payload(shipment, answer.replayed)

    @strawberry.mutation(description="The courier delivered the parcel (idempotent).")
    @gated
    async def mark_delivered(self, info: Info, input: inputs.MarkDeliveredInput) -> ShipmentPayload:
        principal = info.context.principal
        assert principal is not None
        try:
            shipment = await orders.mark_delivered(principal, input.waybill, input.delivered_at)
        except DomainError as error:
            return ShipmentPayload(
                shipment=None, order=None, replayed=False, user_errors=user_errors(error)
            )
        return await _shipment_payload(shipment, replayed=False)
