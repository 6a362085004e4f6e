"""Parcels coming back: registered on arrival (Art. 9, with an exception ticket when no
application exists, Art. 26.1), refused at the door (Art. 17), undeliverable (Art. 16),
and unpacked into a pending bin with a label (Art. 10, 20)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from backend.domain import validation
from backend.domain.auth.roles import Principal, Role
from backend.domain.errors import DomainError, ErrorCode
from backend.domain.orders import rules as order_rules
from backend.domain.orders.rules import ShipmentStatus
from backend.domain.returns import policies, workflow
from backend.domain.returns.kinds import Action, ReturnKind, ReturnSource
from backend.domain.stock.kinds import MovementKind, ZoneKind
from backend.persistence.models import (
    InboundWaybill,
    OrderLine,
    Product,
    ReturnLine,
    ReturnTicket,
    SalesOrder,
    Shipment,
    ShipmentLine,
)
from backend.persistence.repositories import orders as orders_repo
from backend.persistence.repositories import tickets as repo
from backend.pubsub.base import PubSub
from backend.services.idempotency import Answer, run_once
from backend.services.returns import casefile, goods
from backend.services.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class ParcelLine:
    sku: str
    quantity: int


@dataclass(frozen=True, slots=True)
class RegisterParcel:
    idempotency_key: str
    code: str  # the parcel's waybill, or the ticket number the customer wrote on it
    courier: str = ""
    shipping_fee: str = ""
    lines: list[ParcelLine] = field(default_factory=list)  # what an unexpected parcel holds
    note: str = ""


@dataclass(frozen=True, slots=True)
class RecordRefusedParcel:
    idempotency_key: str
    waybill: str
    courier_person: str
    staff_person: str
    reason_code: str = ""
    shipping_fee: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class ReportUndeliverable:
    idempotency_key: str
    waybill: str
    remote: bool
    note: str = ""
    shipping_fee: str = ""


@dataclass(frozen=True, slots=True)
class UnpackedLine:
    line_id: int
    quantity_received: int


@dataclass(frozen=True, slots=True)
class UnpackReturn:
    idempotency_key: str
    ticket_number: str
    pending_location_code: str = ""
    lines: list[UnpackedLine] = field(default_factory=list)  # default: everything applied for


def money(raw: str, field: str) -> Decimal:
    return order_rules.unit_price(raw, field) if raw.strip() else Decimal("0")


async def _shipped(waybill: str) -> tuple[Shipment, SalesOrder]:
    code = validation.code(waybill, "waybill")
    shipment = await orders_repo.shipment_by_waybill(code)
    if shipment is None:
        raise DomainError(ErrorCode.UNKNOWN_SHIPMENT, f"No shipment {code}.", "waybill")
    existing = await repo.ticket_by_inbound_waybill(code)
    if existing is not None:
        raise DomainError(
            ErrorCode.DUPLICATE,
            f"Waybill {code} is on ticket {existing.number} already.",
            "waybill",
        )
    return shipment, shipment.order


async def _shipment_lines(shipment: Shipment) -> list[dict[str, Any]]:
    ordered = {line.product_id: line for line in await OrderLine.filter(order_id=shipment.order_id)}
    return [
        {
            "product_id": line.product_id,
            "order_line_id": ordered[line.product_id].id if line.product_id in ordered else None,
            "quantity": line.quantity,
            "unit_price_paid": ordered[line.product_id].unit_price_paid
            if line.product_id in ordered
            else Decimal("0"),
            "courier": shipment.courier,
        }
        for line in await ShipmentLine.filter(shipment_id=shipment.id).order_by("id")
    ]


async def _customer_fields(order: SalesOrder) -> dict[str, Any]:
    customer = await order.customer
    return {
        "partner_id": order.partner_id,
        "order_id": order.id,
        "customer_id": customer.id,
        "customer_name": customer.name,
        "customer_phone": customer.phone,
    }


def _check_not_delivered(shipment: Shipment) -> None:
    """A refused or undeliverable parcel never reached the customer; once delivered, the
    goods come back only through the customer's application."""
    if shipment.status is ShipmentStatus.DELIVERED:
        raise DomainError(
            ErrorCode.ALREADY_DELIVERED,
            f"{shipment.waybill} was delivered; the customer applies for a return instead.",
            "waybill",
        )


def _answer(ticket: ReturnTicket, **extra: Any) -> dict[str, Any]:
    return {"ticketId": ticket.id, **extra}


async def register_parcel(pubsub: PubSub, actor: Principal, cmd: RegisterParcel) -> Answer:
    async def work(uow: UnitOfWork) -> dict[str, Any]:
        code = validation.code(cmd.code, "code")
        courier = validation.text(cmd.courier, "courier", max_length=64)
        note = validation.text(cmd.note, "note", max_length=validation.LONG_TEXT)
        fee = money(cmd.shipping_fee, "shippingFee")
        ticket = await repo.ticket_by_number(code) or await repo.ticket_by_inbound_waybill(code)
        now = datetime.now(UTC)
        if ticket is not None:
            changes: dict[str, Any] = {"shipping_fee": fee} if cmd.shipping_fee.strip() else {}
            await casefile.move(
                uow, actor, ticket, Action.RECEIVE, {"code": code, "note": note}, **changes
            )
            await InboundWaybill.filter(
                ticket_id=ticket.id, waybill=code, arrived_at__isnull=True
            ).update(arrived_at=now)
            return _answer(ticket, exception=False)
        return _answer(await _exception(uow, actor, cmd, code, courier, note, fee), exception=True)

    return await run_once(
        pubsub, actor, cmd.idempotency_key, "registerParcel", casefile.request_of(cmd), work
    )


async def _exception(
    uow: UnitOfWork,
    actor: Principal,
    cmd: RegisterParcel,
    code: str,
    courier: str,
    note: str,
    fee: Decimal,
) -> ReturnTicket:
    """Art. 26.1: a parcel nobody applied for is registered, never lost, and waits for CS.
    When it came back on one of our own waybills, its order and customer are known."""
    shipment = await orders_repo.shipment_by_waybill(code)
    order = shipment.order if shipment else None
    parcel = (
        order_rules.check_lines(
            (order_rules.Line(line.sku, line.quantity) for line in cmd.lines), "lines"
        )
        if cmd.lines
        else []
    )
    prices: dict[int, Any] = {}
    if order is not None:
        prices = {
            line.product_id: (line.id, line.unit_price_paid)
            for line in await OrderLine.filter(order_id=order.id)
        }
    lines = []
    for n, line in enumerate(parcel):
        product = await Product.get_or_none(sku=line.sku)
        if product is None:
            raise DomainError(ErrorCode.UNKNOWN_PRODUCT, f"No product {line.sku}.", f"lines.{n}")
        order_line_id, price = prices.get(product.id, (None, Decimal("0")))
        lines.append(
            {
                "product_id": product.id,
                "order_line_id": order_line_id,
                "quantity": line.quantity,
                "unit_price_paid": price,
            }
        )
    cs = await repo.least_busy(Role.CUSTOMER_SERVICE)
    return await casefile.open_ticket(
        uow,
        actor,
        workflow.flow_for(ReturnSource.EXCEPTION, ReturnKind.RETURN),
        lines=lines,
        detail={"code": code, "note": note, "knownShipment": shipment is not None},
        inbound_waybill=(
            code,
            courier or (shipment.courier if shipment else ""),
            datetime.now(UTC),
        ),
        **(await _customer_fields(order) if order else {}),
        warehouse_id=await casefile.receiving_warehouse(order.id if order else None, "code"),
        details=note,
        assignee_id=cs.id if cs else actor.user_id,
        shipping_payer=policies.Payer.MERCHANT,
        shipping_fee=fee,
    )


async def record_refused_parcel(
    pubsub: PubSub, actor: Principal, cmd: RecordRefusedParcel
) -> Answer:
    async def work(uow: UnitOfWork) -> dict[str, Any]:
        shipment, order = await _shipped(cmd.waybill)
        _check_not_delivered(shipment)
        courier_person = validation.text(
            cmd.courier_person, "courierPerson", max_length=validation.NAME_TEXT, required=True
        )
        staff_person = validation.text(
            cmd.staff_person, "staffPerson", max_length=validation.NAME_TEXT, required=True
        )
        note = validation.text(cmd.note, "note", max_length=validation.LONG_TEXT)
        payer = policies.Payer.CUSTOMER  # a refusal is not a quality cause unless one is named
        reason_id = None
        if cmd.reason_code.strip():
            reason = await repo.reason_by_code(validation.code(cmd.reason_code, "reasonCode"))
            if reason is None:
                raise DomainError(ErrorCode.INVALID, "No such return reason.", "reasonCode")
            payer, reason_id = policies.shipping_fee_payer(reason.is_quality), reason.id
        ticket = await casefile.open_ticket(
            uow,
            actor,
            workflow.flow_for(ReturnSource.REFUSED, ReturnKind.RETURN),
            lines=await _shipment_lines(shipment),
            detail={
                "waybill": shipment.waybill,
                "courierPerson": courier_person,
                "staffPerson": staff_person,
                "note": note,
            },
            inbound_waybill=(shipment.waybill, shipment.courier, datetime.now(UTC)),
            **await _customer_fields(order),
            warehouse_id=await casefile.receiving_warehouse(order.id, "waybill"),
            reason_id=reason_id,
            details=note,
            assignee_id=actor.user_id,
            shipping_payer=payer,
            shipping_fee=money(cmd.shipping_fee, "shippingFee"),
            handover_courier_person=courier_person,
            handover_staff_person=staff_person,
        )
        return _answer(ticket)

    return await run_once(
        pubsub, actor, cmd.idempotency_key, "recordRefusedParcel", casefile.request_of(cmd), work
    )


async def report_undeliverable(
    pubsub: PubSub, actor: Principal, cmd: ReportUndeliverable
) -> Answer:
    async def work(uow: UnitOfWork) -> dict[str, Any]:
        shipment, order = await _shipped(cmd.waybill)
        _check_not_delivered(shipment)
        note = validation.text(cmd.note, "note", max_length=validation.LONG_TEXT)
        ticket = await casefile.open_ticket(
            uow,
            actor,
            workflow.flow_for(ReturnSource.UNDELIVERABLE, ReturnKind.RETURN, cmd.remote),
            lines=await _shipment_lines(shipment),
            detail={"waybill": shipment.waybill, "remote": cmd.remote, "note": note},
            # a local parcel is back already; a remote one is still stranded elsewhere
            inbound_waybill=(
                shipment.waybill,
                shipment.courier,
                None if cmd.remote else datetime.now(UTC),
            ),
            **await _customer_fields(order),
            warehouse_id=await casefile.receiving_warehouse(order.id, "waybill"),
            details=note,
            assignee_id=actor.user_id,
            shipping_payer=policies.Payer.MERCHANT,
            shipping_fee=money(cmd.shipping_fee, "shippingFee"),
        )
        return _answer(ticket)

    return await run_once(
        pubsub, actor, cmd.idempotency_key, "reportUndeliverable", casefile.request_of(cmd), work
    )


async def unpack_return(pubsub: PubSub, actor: Principal, cmd: UnpackReturn) -> Answer:
    async def work(uow: UnitOfWork) -> dict[str, Any]:
        ticket = await casefile.visible_ticket(actor, cmd.ticket_number)
        workflow.next_status(casefile.flow_of(ticket), ticket.status, Action.UNPACK)
        place = await goods.bin_in_zone(
            ticket, ZoneKind.PENDING, cmd.pending_location_code, "pendingLocationCode"
        )
        lines = await repo.lines(ticket.id)
        counted = _counted(lines, cmd.lines)
        for line in lines:
            units = counted[line.id]
            if units:
                await goods.book(
                    uow,
                    actor,
                    ticket,
                    MovementKind.MOVE_TO_PENDING,
                    line.product_id,
                    None,
                    place,
                    units,
                )
                await ReturnLine.filter(id=line.id).update(quantity_received=units)
        await casefile.move(
            uow,
            actor,
            ticket,
            Action.UNPACK,
            {"pendingLocation": place.code, "received": {str(k): v for k, v in counted.items()}},
            pending_location_id=place.id,
        )
        return _answer(ticket)

    return await run_once(
        pubsub, actor, cmd.idempotency_key, "unpackReturn", casefile.request_of(cmd), work
    )


def _counted(lines: list[ReturnLine], given: list[UnpackedLine]) -> dict[int, int]:
    """Units found in the parcel per line: as applied for unless counted otherwise."""
    counted = {line.id: line.quantity for line in lines}
    applied = dict(counted)
    for n, entry in enumerate(given):
        if entry.line_id not in applied:
            raise DomainError(ErrorCode.INVALID, "No such line on this ticket.", f"lines.{n}")
        if not 0 <= entry.quantity_received <= applied[entry.line_id]:
            raise DomainError(
                ErrorCode.INVALID_QUANTITY,
                f"Between 0 and {applied[entry.line_id]} units of this line can arrive.",
                f"lines.{n}.quantityReceived",
            )
        counted[entry.line_id] = entry.quantity_received
    if not any(counted.values()):
        raise DomainError(
            ErrorCode.INVALID_QUANTITY, "The parcel holds none of the ticket's goods.", "lines"
        )
    return counted
