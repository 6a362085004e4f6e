"""Orders, customers and shipments."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from tortoise.exceptions import IntegrityError

from backend.domain.orders.rules import ShipmentStatus
from backend.persistence.models import (
    Customer,
    OrderLine,
    Partner,
    SalesOrder,
    Shipment,
    ShipmentLine,
)


class NumberTaken(Exception):
    """An order number or waybill is already in use."""


async def partner_by_code(code: str) -> Partner | None:
    return await Partner.get_or_none(code=code, active=True)


async def order_by_number(number: str) -> SalesOrder | None:
    return await SalesOrder.get_or_none(number=number)


async def create_order(
    *,
    number: str,
    partner_id: int | None,
    customer: tuple[str, str, str],
    placed_at: datetime,
    lines: list[tuple[int, int, Decimal]],
) -> SalesOrder:
    name, phone, address = customer
    found = await Customer.get_or_none(partner_id=partner_id, phone=phone, name=name)
    if found is None:
        found = await Customer.create(
            name=name, phone=phone, address=address, partner_id=partner_id
        )
    elif address and found.address != address:
        found.address = address
        await found.save(update_fields=["address"])
    try:
        order = await SalesOrder.create(
            number=number, partner_id=partner_id, customer_id=found.id, placed_at=placed_at
        )
    except IntegrityError as exc:
        raise NumberTaken(number) from exc
    for product_id, quantity, price in lines:
        await OrderLine.create(
            order_id=order.id, product_id=product_id, quantity=quantity, unit_price_paid=price
        )
    return order


async def ordered_quantities(order_id: int) -> dict[str, int]:
    """Units ordered per SKU."""
    totals: dict[str, int] = defaultdict(int)
    for line in await OrderLine.filter(order_id=order_id).select_related("product"):
        totals[line.product.sku] += line.quantity
    return dict(totals)


async def shipped_quantities(order_id: int) -> dict[str, int]:
    """Units already shipped per SKU."""
    totals: dict[str, int] = defaultdict(int)
    for line in await ShipmentLine.filter(shipment__order_id=order_id).select_related("product"):
        totals[line.product.sku] += line.quantity
    return dict(totals)


async def shipped_product_ids(order_id: int) -> set[int]:
    """Products with units on a shipment of the order."""
    rows = await ShipmentLine.filter(shipment__order_id=order_id).values("product_id")
    return {int(row["product_id"]) for row in rows}


async def create_shipment(
    *, order_id: int, waybill: str, courier: str, shipped_at: datetime, actor_id: int
) -> Shipment:
    try:
        return await Shipment.create(
            order_id=order_id,
            waybill=waybill,
            courier=courier,
            status=ShipmentStatus.SHIPPED,
            shipped_at=shipped_at,
            created_by_id=actor_id,
        )
    except IntegrityError as exc:
        raise NumberTaken(waybill) from exc


async def add_shipment_line(
    shipment: Shipment,
    product_id: int,
    quantity: int,
    movement_id: int | None,
    warehouse_id: int | None,
) -> None:
    """A line of `shipment`, keeping what analytics read from it: the shipment's time and
    courier, and the warehouse of the bin its movement took the units from (None when the
    line has no movement)."""
    await ShipmentLine.create(
        shipment_id=shipment.id,
        product_id=product_id,
        quantity=quantity,
        movement_id=movement_id,
        warehouse_id=warehouse_id,
        shipped_at=shipment.shipped_at,
        courier=shipment.courier,
    )


async def shipment_by_waybill(waybill: str) -> Shipment | None:
    return await Shipment.get_or_none(waybill=waybill).select_related("order")


async def mark_delivered(shipment: Shipment, at: datetime) -> None:
    shipment.status = ShipmentStatus.DELIVERED
    shipment.delivered_at = at
    await shipment.save(update_fields=["status", "delivered_at"])
    order = shipment.order
    if order.delivered_at is None or order.delivered_at < at:
        order.delivered_at = at
        await order.save(update_fields=["delivered_at"])
