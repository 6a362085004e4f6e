"""Orders from shop fronts, their shipments (booked through the ledger), and delivery."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from backend.domain import validation
from backend.domain.auth.roles import Principal
from backend.domain.auth.scope import scope_of
from backend.domain.errors import DomainError, ErrorCode
from backend.domain.inventory.kinds import DemandSource
from backend.domain.orders import rules
from backend.persistence.models import SalesOrder, Shipment
from backend.persistence.repositories import orders as repo
from backend.persistence.repositories import supply as supply_repo
from backend.persistence.transaction import transaction
from backend.pubsub.base import PubSub
from backend.services.idempotency import Answer, run_once
from backend.services.inventory import demand
from backend.services.stock import lookups
from backend.services.stock.booking import ship_units
from backend.services.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class OrderLineInput:
    sku: str
    quantity: int
    unit_price_paid: str


@dataclass(frozen=True, slots=True)
class CreateOrder:
    idempotency_key: str
    number: str
    customer_name: str
    customer_phone: str
    customer_address: str
    lines: list[OrderLineInput]
    placed_at: datetime | None = None
    partner_code: str = ""


@dataclass(frozen=True, slots=True)
class ShipmentLineInput:
    sku: str
    location_code: str
    quantity: int


@dataclass(frozen=True, slots=True)
class RecordShipment:
    idempotency_key: str
    order_number: str
    waybill: str
    courier: str
    lines: list[ShipmentLineInput] = field(default_factory=list)
    shipped_at: datetime | None = None  # when a partner records a past shipment


def _request(cmd: Any) -> dict[str, Any]:
    return dict(asdict(cmd))


async def visible_order(actor: Principal, number: str) -> SalesOrder:
    order = await repo.order_by_number(validation.code(number, "orderNumber"))
    if order is None or not scope_of(actor).sees(order.partner_id):
        raise DomainError(ErrorCode.UNKNOWN_ORDER, f"No order {number}.", "orderNumber")
    return order


async def _owner(actor: Principal, partner_code: str) -> int | None:
    if actor.is_partner:
        return actor.partner_id  # a partner always orders for itself
    if not partner_code:
        return None
    partner = await repo.partner_by_code(validation.code(partner_code, "partnerCode"))
    if partner is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such partner.", "partnerCode")
    return partner.id


async def create_order(pubsub: PubSub, actor: Principal, cmd: CreateOrder) -> Answer:
    async def work(uow: UnitOfWork) -> dict[str, Any]:
        number = validation.code(cmd.number, "number")
        name = validation.text(
            cmd.customer_name, "customerName", max_length=validation.NAME_TEXT, required=True
        )
        phone = validation.text(cmd.customer_phone, "customerPhone", max_length=32, required=True)
        address = validation.text(cmd.customer_address, "customerAddress", max_length=500)
        lines = rules.check_lines(rules.Line(line.sku, line.quantity) for line in cmd.lines)
        prices = [rules.unit_price(line.unit_price_paid) for line in cmd.lines]
        products = [await lookups.product(line.sku) for line in lines]
        partner_id = await _owner(actor, cmd.partner_code)
        try:
            order = await repo.create_order(
                number=number,
                partner_id=partner_id,
                customer=(name, phone, address),
                placed_at=cmd.placed_at or datetime.now(UTC),
                lines=[
                    (p.id, line.quantity, price)
                    for p, line, price in zip(products, lines, prices, strict=True)
                ],
            )
        except repo.NumberTaken as exc:
            raise DomainError(
                ErrorCode.DUPLICATE, f"Order {number} exists already.", "number"
            ) from exc
        # just-in-time lines reserve nothing: their suppliers ship them on a purchase request
        await demand.open_for_order(uow, actor, order.id, DemandSource.ORDER)
        return {"orderId": order.id}

    return await run_once(pubsub, actor, cmd.idempotency_key, "createOrder", _request(cmd), work)


async def record_shipment(pubsub: PubSub, actor: Principal, cmd: RecordShipment) -> Answer:
    """Goods leave for the customer: one SHIPMENT movement per line, and the waybill kept."""

    async def work(uow: UnitOfWork) -> dict[str, Any]:
        order = await visible_order(actor, cmd.order_number)
        waybill = validation.code(cmd.waybill, "waybill")
        courier = validation.text(cmd.courier, "courier", max_length=64, required=True)
        lines = rules.check_lines(rules.Line(line.sku, line.quantity) for line in cmd.lines)
        rules.check_within_order(
            {line.sku: line.quantity for line in lines},
            await repo.ordered_quantities(order.id),
            await repo.shipped_quantities(order.id),
        )
        products = {line.sku: await lookups.product(line.sku) for line in lines}
        supplied = await supply_repo.open_numbers(order_id=order.id)
        for line in lines:
            if products[line.sku].id in supplied:
                raise DomainError(
                    ErrorCode.INVALID,
                    f"{line.sku} ships from its supplier on purchase request "
                    f"{supplied[products[line.sku].id]}, not from stock.",
                    "lines",
                )
        now = datetime.now(UTC)
        shipped_at = cmd.shipped_at or now
        rules.check_shipped_at(shipped_at, order.placed_at, now)
        try:
            shipment = await repo.create_shipment(
                order_id=order.id,
                waybill=waybill,
                courier=courier,
                shipped_at=shipped_at,
                actor_id=actor.user_id,
            )
        except repo.NumberTaken as exc:
            raise DomainError(
                ErrorCode.DUPLICATE, f"Waybill {waybill} is in use already.", "waybill"
            ) from exc
        for line, given in zip(lines, cmd.lines, strict=True):
            place = await lookups.location(given.location_code)
            movement, _ = await ship_units(
                uow, actor, products[line.sku], place, line.quantity, reference=order.number
            )
            await repo.add_shipment_line(
                shipment, products[line.sku].id, line.quantity, movement.id, place.warehouse_id
            )
        return {"orderId": order.id, "shipmentId": shipment.id}

    return await run_once(pubsub, actor, cmd.idempotency_key, "recordShipment", _request(cmd), work)


async def mark_delivered(actor: Principal, waybill: str, at: datetime | None) -> Shipment:
    """The courier delivered: idempotent, the first delivery time stands."""
    code = validation.code(waybill, "waybill")
    async with transaction():
        shipment = await repo.shipment_by_waybill(code)
        if shipment is None or not scope_of(actor).sees(shipment.order.partner_id):
            raise DomainError(ErrorCode.UNKNOWN_SHIPMENT, f"No shipment {code}.", "waybill")
        if shipment.status is not rules.ShipmentStatus.DELIVERED:
            moment = at or datetime.now(UTC)
            rules.check_delivered_at(moment, shipment.shipped_at)
            await repo.mark_delivered(shipment, moment)
    return shipment
