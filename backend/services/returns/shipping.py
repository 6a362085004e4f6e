"""Goods leaving again under a ticket, each as an outbound shipment record of its own:
reships of undeliverable parcels (Art. 16), the exchange's replacement order and its
shipment (Art. 21-22), and goods sent back to the customer; plus finance's waybill swap."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from backend.domain import validation
from backend.domain.auth.roles import Principal
from backend.domain.errors import DomainError, ErrorCode
from backend.domain.inventory.kinds import DemandSource, PurchaseRequestStatus
from backend.domain.returns import workflow
from backend.domain.returns.kinds import (
    Action,
    OutboundPurpose,
    OutboundStatus,
    ReturnKind,
    WaybillStatus,
)
from backend.domain.returns.kinds import TicketStatus as S
from backend.domain.stock import ledger
from backend.domain.stock.kinds import MovementKind, ZoneKind
from backend.persistence.models import (
    Customer,
    InboundWaybill,
    OutboundShipment,
    PurchaseRequest,
    ReturnLine,
    ReturnTicket,
    Shipment,
)
from backend.persistence.repositories import orders as orders_repo
from backend.persistence.repositories import stock as stock_repo
from backend.persistence.repositories import supply as supply_repo
from backend.persistence.repositories import tickets as repo
from backend.pubsub.base import PubSub
from backend.services.idempotency import Answer, run_once
from backend.services.inventory import demand
from backend.services.returns import casefile, goods
from backend.services.stock.booking import ship_units
from backend.services.unit_of_work import UnitOfWork

REPLACEMENT_FROM = frozenset({S.UNPACKED, S.INITIAL_INSPECTED, S.QC_INSPECTED, S.PUT_AWAY})


@dataclass(frozen=True, slots=True)
class Reship:
    idempotency_key: str
    ticket_number: str
    waybill: str
    courier: str
    from_location_code: str = ""  # remote: the sellable bin to take the goods from


@dataclass(frozen=True, slots=True)
class SwapWaybill:
    idempotency_key: str
    ticket_number: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class CreateReplacementOrder:
    idempotency_key: str
    ticket_number: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class ShipReplacement:
    idempotency_key: str
    ticket_number: str
    waybill: str
    courier: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class ReturnToCustomer:
    idempotency_key: str
    ticket_number: str
    waybill: str
    courier: str
    note: str = ""


async def new_waybill(waybill: str, courier: str) -> tuple[str, str]:
    """A waybill no parcel of ours (order shipment, ticket shipment, a supplier's shipment
    of a purchase request) uses yet, and its courier."""
    code = validation.code(waybill, "waybill")
    name = validation.text(courier, "courier", max_length=64, required=True)
    taken = (
        await OutboundShipment.exists(waybill=code)
        or await Shipment.exists(waybill=code)
        or await supply_repo.waybill_taken(code)
    )
    if taken:
        raise DomainError(ErrorCode.DUPLICATE, f"Waybill {code} is in use already.", "waybill")
    return code, name


async def _outbound(
    actor: Principal,
    ticket: ReturnTicket,
    purpose: OutboundPurpose,
    waybill: str | None,
    courier: str,
    *,
    order_id: int | None = None,
) -> OutboundShipment:
    shipped = waybill is not None
    return await OutboundShipment.create(
        ticket_id=ticket.id,
        purpose=purpose,
        status=OutboundStatus.SHIPPED if shipped else OutboundStatus.OPEN,
        order_id=order_id,
        waybill=waybill,
        courier=courier,
        shipped_at=datetime.now(UTC) if shipped else None,
        created_by_id=actor.user_id,
    )


async def follow_up_if_done(uow: UnitOfWork, actor: Principal, ticket: ReturnTicket) -> None:
    """Once a return or exchange is done, the follow-up call waits for CS (Art. 25.1). An
    exchange is done when its original is put away and its replacement has shipped."""
    moves = workflow.allowed_moves(casefile.flow_of(ticket), ticket.status)
    if Action.START_FOLLOW_UP not in moves:
        return
    if ticket.kind is ReturnKind.EXCHANGE and ticket.status is S.PUT_AWAY:
        shipped = await OutboundShipment.exists(
            ticket_id=ticket.id,
            purpose=OutboundPurpose.REPLACEMENT,
            status=OutboundStatus.SHIPPED,
        )
        if not shipped:
            return
    await casefile.move(uow, actor, ticket, Action.START_FOLLOW_UP, {"automatic": True})


async def reship(pubsub: PubSub, actor: Principal, cmd: Reship) -> Answer:
    async def work(uow: UnitOfWork) -> dict[str, Any]:
        ticket = await casefile.visible_ticket(actor, cmd.ticket_number)
        workflow.next_status(casefile.flow_of(ticket), ticket.status, Action.RESHIP)
        waybill, courier = await new_waybill(cmd.waybill, cmd.courier)
        if ticket.remote:  # the stranded goods are elsewhere: send the same from stock
            for line in await repo.lines(ticket.id):
                if cmd.from_location_code:
                    place = await goods.bin_in_zone(
                        ticket,
                        ZoneKind.SELLABLE,
                        cmd.from_location_code,
                        "fromLocationCode",
                    )
                else:
                    found = await repo.bin_with_available(
                        line.product_id, ticket.warehouse_id, line.quantity
                    )
                    if found is None:
                        raise ledger.insufficient(0, line.quantity, "fromLocationCode")
                    place = found
                await goods.book(
                    uow,
                    actor,
                    ticket,
                    MovementKind.SHIPMENT,
                    line.product_id,
                    place,
                    None,
                    line.quantity,
                    "fromLocationCode",
                )
        await _outbound(actor, ticket, OutboundPurpose.RESHIP, waybill, courier)
        await casefile.move(
            uow, actor, ticket, Action.RESHIP, {"waybill": waybill, "courier": courier}
        )
        return {"ticketId": ticket.id}

    return await run_once(
        pubsub, actor, cmd.idempotency_key, "reship", casefile.request_of(cmd), work
    )


async def swap_waybill(pubsub: PubSub, actor: Principal, cmd: SwapWaybill) -> Answer:
    """Finance voids the stranded parcel's old waybill for the reship's new one (Art. 16.2);
    the old record stays, marked voided."""

    async def work(uow: UnitOfWork) -> dict[str, Any]:
        ticket = await casefile.visible_ticket(actor, cmd.ticket_number)
        workflow.next_status(casefile.flow_of(ticket), ticket.status, Action.SWAP_WAYBILL)
        note = validation.text(cmd.note, "note", max_length=validation.LONG_TEXT)
        new = await OutboundShipment.filter(
            ticket_id=ticket.id, purpose=OutboundPurpose.RESHIP
        ).first()
        assert new is not None
        assert new.waybill is not None
        old = await InboundWaybill.filter(ticket_id=ticket.id, status=WaybillStatus.ACTIVE)
        now = datetime.now(UTC)
        await InboundWaybill.filter(ticket_id=ticket.id, status=WaybillStatus.ACTIVE).update(
            status=WaybillStatus.VOIDED, voided_at=now, replaced_by=new.waybill
        )
        await casefile.move(
            uow,
            actor,
            ticket,
            Action.SWAP_WAYBILL,
            {"voided": [row.waybill for row in old], "newWaybill": new.waybill, "note": note},
        )
        return {"ticketId": ticket.id}

    return await run_once(
        pubsub, actor, cmd.idempotency_key, "swapWaybill", casefile.request_of(cmd), work
    )


async def create_replacement_order(
    pubsub: PubSub, actor: Principal, cmd: CreateReplacementOrder
) -> Answer:
    async def work(uow: UnitOfWork) -> dict[str, Any]:
        from backend.services.returns.applications import reserve_replacement

        ticket = await casefile.visible_ticket(actor, cmd.ticket_number)
        note = validation.text(cmd.note, "note", max_length=validation.LONG_TEXT)
        if ticket.kind is not ReturnKind.EXCHANGE:
            raise DomainError(
                ErrorCode.INVALID, "Only an exchange has a replacement.", "ticketNumber"
            )
        if ticket.status not in REPLACEMENT_FROM:
            raise DomainError(
                ErrorCode.INVALID_TRANSITION,
                f"The replacement order follows the original's arrival (Art. 21); the ticket "
                f"is {ticket.status}.",
                "ticketNumber",
            )
        if await OutboundShipment.exists(ticket_id=ticket.id, purpose=OutboundPurpose.REPLACEMENT):
            raise DomainError(
                ErrorCode.DUPLICATE,
                "This exchange has its replacement order already.",
                "ticketNumber",
            )
        changes: dict[str, Any] = {}
        if not ticket.replacement_reserved:
            if not await reserve_replacement(uow, actor, ticket):
                raise DomainError(
                    ErrorCode.INSUFFICIENT_STOCK,
                    "The wanted product is not in sellable stock in this warehouse.",
                    "ticketNumber",
                )
            changes["replacement_reserved"] = True
        customer = await Customer.get_or_none(id=ticket.customer_id) if ticket.customer_id else None
        wanted = await ReturnLine.filter(ticket_id=ticket.id, wanted_product_id__not_isnull=True)
        order = await orders_repo.create_order(
            number=f"{ticket.number}-R",
            partner_id=ticket.partner_id,
            customer=(
                ticket.customer_name,
                ticket.customer_phone,
                customer.address if customer else "",
            ),
            placed_at=datetime.now(UTC),
            lines=[
                (line.wanted_product_id, line.quantity, Decimal("0"))
                for line in wanted
                if line.wanted_product_id is not None
            ],
        )
        await _outbound(actor, ticket, OutboundPurpose.REPLACEMENT, None, "", order_id=order.id)
        requested = await demand.open_for_order(
            uow, actor, order.id, DemandSource.EXCHANGE, ticket.id
        )
        detail: dict[str, Any] = {"orderNumber": order.number, "note": note}
        if requested:  # just-in-time products: their suppliers ship them
            detail["purchaseRequests"] = [request.number for request in requested]
        await casefile.record(uow, actor, ticket, "CREATE_REPLACEMENT", detail, **changes)
        return {"ticketId": ticket.id, "orderId": order.id}

    return await run_once(
        pubsub,
        actor,
        cmd.idempotency_key,
        "createReplacementOrder",
        casefile.request_of(cmd),
        work,
    )


async def ship_replacement(pubsub: PubSub, actor: Principal, cmd: ShipReplacement) -> Answer:
    """The reserved replacement leaves through the ledger on the replacement order. Its
    just-in-time products are not in stock: their suppliers ship them (purchase requests)."""

    async def work(uow: UnitOfWork) -> dict[str, Any]:
        from backend.services.returns.applications import reserve_replacement

        note = validation.text(cmd.note, "note", max_length=validation.LONG_TEXT)
        ticket = await casefile.visible_ticket(actor, cmd.ticket_number)
        outbound = await _open_replacement(ticket)
        if ticket.status not in REPLACEMENT_FROM:
            raise DomainError(
                ErrorCode.INVALID_TRANSITION,
                f"The replacement does not ship while the ticket is {ticket.status}.",
                "ticketNumber",
            )
        instead = await _supplier_cancelled(ticket, outbound)
        if instead and not await reserve_replacement(uow, actor, ticket, instead):
            raise DomainError(
                ErrorCode.INSUFFICIENT_STOCK,
                "The supplier's request for this replacement was cancelled and no sellable"
                " stock in this warehouse holds it.",
                "ticketNumber",
            )
        reserved = await repo.reservations_of(ticket.number)
        waiting = [request.number for request in await supply_repo.open_of_ticket(ticket.id)]
        if not reserved:
            raise DomainError(
                ErrorCode.INVALID,
                "Nothing of this replacement is held in stock"
                + (f": its supplier ships it ({', '.join(waiting)})." if waiting else "."),
                "ticketNumber",
            )
        waybill, courier = await new_waybill(cmd.waybill, cmd.courier)
        assert outbound.order_id is not None
        shipment = await orders_repo.create_shipment(
            order_id=outbound.order_id,
            waybill=waybill,
            courier=courier,
            shipped_at=datetime.now(UTC),
            actor_id=actor.user_id,
        )
        for reservation in reserved:
            product = await stock_repo.product_by_id(reservation.product_id)
            place = await stock_repo.location_by_id(reservation.location_id)
            assert product is not None
            assert place is not None
            movement, _ = await ship_units(
                uow,
                actor,
                product,
                place,
                reservation.quantity,
                reference=ticket.number,
                from_reservation=True,
                reference_type=goods.TICKET_REFERENCE,
            )
            await orders_repo.add_shipment_line(
                shipment, product.id, reservation.quantity, movement.id, place.warehouse_id
            )
        detail = {"waybill": waybill, "courier": courier} | ({"note": note} if note else {})
        await replacement_left(uow, actor, ticket, outbound, detail, waiting)
        return {"ticketId": ticket.id}

    return await run_once(
        pubsub, actor, cmd.idempotency_key, "shipReplacement", casefile.request_of(cmd), work
    )


async def _supplier_cancelled(ticket: ReturnTicket, outbound: OutboundShipment) -> frozenset[int]:
    """Wanted products whose purchase requests were all cancelled, neither held in stock
    nor shipped yet: the warehouse ships them from stock instead."""
    requests = await PurchaseRequest.filter(ticket_id=ticket.id).values("product_id", "status")
    cancelled = {
        r["product_id"] for r in requests if r["status"] == PurchaseRequestStatus.CANCELLED
    }
    live = {r["product_id"] for r in requests if r["status"] != PurchaseRequestStatus.CANCELLED}
    held = {r.product_id for r in await repo.reservations_of(ticket.number)}
    shipped = await orders_repo.shipped_product_ids(outbound.order_id or 0)
    return frozenset(cancelled - live - held - shipped)


async def _open_replacement(ticket: ReturnTicket) -> OutboundShipment:
    outbound = await OutboundShipment.get_or_none(
        ticket_id=ticket.id, purpose=OutboundPurpose.REPLACEMENT
    )
    if outbound is None or outbound.order_id is None:
        raise DomainError(ErrorCode.INVALID, "Create the replacement order first.", "ticketNumber")
    if outbound.status is not OutboundStatus.OPEN:
        raise DomainError(
            ErrorCode.DUPLICATE,
            f"The replacement is {outbound.status} already"
            + (f" (waybill {outbound.waybill})." if outbound.waybill else "."),
            "ticketNumber",
        )
    return outbound


async def replacement_left(
    uow: UnitOfWork,
    actor: Principal,
    ticket: ReturnTicket,
    outbound: OutboundShipment,
    detail: dict[str, Any],
    waiting: list[str],
) -> None:
    """A part of the replacement left (the warehouse's reserved stock, or a supplier's
    shipment): with purchase requests still `waiting` the history says so; otherwise the
    replacement is SHIPPED with this waybill and the follow-up may start."""
    if waiting:
        await casefile.record(
            uow, actor, ticket, "SHIP_REPLACEMENT_PART", detail | {"waitingFor": waiting}
        )
        return
    updated = await OutboundShipment.filter(id=outbound.id, status=OutboundStatus.OPEN).update(
        status=OutboundStatus.SHIPPED,
        waybill=detail["waybill"],
        courier=detail["courier"],
        shipped_at=datetime.now(UTC),
    )
    if updated != 1:
        raise casefile.concurrent_change()
    await casefile.record(uow, actor, ticket, "SHIP_REPLACEMENT", detail)
    await follow_up_if_done(uow, actor, ticket)


async def supplier_shipped(uow: UnitOfWork, actor: Principal, request: PurchaseRequest) -> None:
    """A just-in-time supplier shipped (part of) an exchange's replacement: recorded like
    the warehouse's shipment of it (`replacement_left`), once stock held for the ticket and
    other open requests are gone too."""
    assert request.ticket_id is not None
    ticket = await ReturnTicket.get(id=request.ticket_id)
    outbound = await _open_replacement(ticket)
    waiting = [
        other.number
        for other in await supply_repo.open_of_ticket(ticket.id)
        if other.id != request.id
    ]
    if await repo.reservations_of(ticket.number):
        waiting.append("stock")  # the warehouse's part has not left yet
    detail = {
        "waybill": request.waybill,
        "courier": request.courier,
        "purchaseRequest": request.number,
    }
    await replacement_left(uow, actor, ticket, outbound, detail, waiting)


async def return_to_customer(pubsub: PubSub, actor: Principal, cmd: ReturnToCustomer) -> Answer:
    """Rejected goods (at the customer's cost) or a parcel nobody applied for go back."""

    async def work(uow: UnitOfWork) -> dict[str, Any]:
        ticket = await casefile.visible_ticket(actor, cmd.ticket_number)
        workflow.next_status(casefile.flow_of(ticket), ticket.status, Action.RETURN_TO_CUSTOMER)
        note = validation.text(cmd.note, "note", max_length=validation.LONG_TEXT)
        waybill, courier = await new_waybill(cmd.waybill, cmd.courier)
        if ticket.pending_location_id is not None:  # the goods wait in a pending bin
            pending = await stock_repo.location_by_id(ticket.pending_location_id)
            assert pending is not None
            for line in await repo.lines(ticket.id):
                left = line.quantity_received - line.quantity_dispositioned
                if left:
                    await goods.book(
                        uow,
                        actor,
                        ticket,
                        MovementKind.SHIPMENT,
                        line.product_id,
                        pending,
                        None,
                        left,
                    )
                    await ReturnLine.filter(id=line.id).update(
                        quantity_dispositioned=line.quantity_received
                    )
        await _outbound(actor, ticket, OutboundPurpose.BACK_TO_CUSTOMER, waybill, courier)
        await casefile.move(
            uow,
            actor,
            ticket,
            Action.RETURN_TO_CUSTOMER,
            {"waybill": waybill, "courier": courier, "note": note},
        )
        await follow_up_if_done(uow, actor, ticket)
        return {"ticketId": ticket.id}

    return await run_once(
        pubsub, actor, cmd.idempotency_key, "returnToCustomer", casefile.request_of(cmd), work
    )


async def cancel_replacement(uow: UnitOfWork, actor: Principal, ticket: ReturnTicket) -> bool:
    """A rejected exchange gives back the stock held for its replacement, cancels its open
    purchase requests and the replacement not yet shipped. False when the replacement had
    left already."""
    from backend.services.returns.casework import release_replacement

    if await OutboundShipment.exists(
        ticket_id=ticket.id, purpose=OutboundPurpose.REPLACEMENT, status=OutboundStatus.SHIPPED
    ):
        return False
    await release_replacement(uow, ticket)
    await demand.cancel_open_of_ticket(uow, ticket.id, f"Exchange {ticket.number} rejected.")
    await OutboundShipment.filter(
        ticket_id=ticket.id, purpose=OutboundPurpose.REPLACEMENT, status=OutboundStatus.OPEN
    ).update(status=OutboundStatus.CANCELLED)
    return True
