"""Purchase requests to just-in-time suppliers after they are made (domain/inventory/
supply.py has the rules): the supplier ships one, or customer service cancels it. Each
move is one keyed transaction with a version-checked change; events after commit."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from backend.domain import validation
from backend.domain.auth.roles import Principal
from backend.domain.auth.scope import scope_of
from backend.domain.errors import DomainError, ErrorCode
from backend.domain.inventory import supply as rules
from backend.domain.inventory.kinds import DemandSource
from backend.persistence.models import PurchaseRequest, ReturnTicket, Supplier
from backend.persistence.repositories import orders as orders_repo
from backend.persistence.repositories import supply as repo
from backend.pubsub.base import PubSub
from backend.services.idempotency import Answer, run_once
from backend.services.inventory import demand, events
from backend.services.returns import casefile, shipping
from backend.services.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class MarkPurchaseRequestShipped:
    idempotency_key: str
    number: str
    courier: str
    waybill: str


@dataclass(frozen=True, slots=True)
class CancelPurchaseRequest:
    idempotency_key: str
    number: str
    reason: str


async def suppliers_partner(request: PurchaseRequest) -> int | None:
    supplier = await Supplier.get(id=request.supplier_id)
    return supplier.partner_id


async def visible_request(actor: Principal, number: str) -> PurchaseRequest:
    """A request the caller may see: staff see all, a partner those of the suppliers it
    is the partner account of."""
    code = validation.code(number, "number", max_length=32)
    request = await repo.by_number(code)
    if request is None or not scope_of(actor).sees(await suppliers_partner(request)):
        raise DomainError(ErrorCode.NOT_FOUND, f"No purchase request {code}.", "number")
    return request


def _answer(request: PurchaseRequest) -> dict[str, Any]:
    return {"purchaseRequestId": request.id}


async def _check_may(
    actor: Principal, request: PurchaseRequest, move: rules.PurchaseRequestMove
) -> None:
    own = actor.is_partner and actor.partner_id == await suppliers_partner(request)
    if not rules.may_move(move, actor.role, own):
        raise DomainError(
            ErrorCode.NOT_ALLOWED,
            "The supplier's partner account, logistics or an administrator marks it shipped;"
            " customer service or an administrator cancels it.",
            "number",
        )


async def mark_shipped(pubsub: PubSub, actor: Principal, cmd: MarkPurchaseRequestShipped) -> Answer:
    """OPEN -> SHIPPED with the supplier's courier and waybill. No stock moves (the company
    holds none). An exchange's replacement is then shipped as the warehouse's shipment of
    it would be (shipping.supplier_shipped)."""

    async def work(uow: UnitOfWork) -> dict[str, Any]:
        request = await visible_request(actor, cmd.number)
        await _check_may(actor, request, rules.PurchaseRequestMove.SHIP)
        after = rules.next_status(request.status, rules.PurchaseRequestMove.SHIP)
        waybill, courier = await shipping.new_waybill(cmd.waybill, cmd.courier)
        shipped_at = datetime.now(UTC)
        changed = await repo.change(
            request, status=after, waybill=waybill, courier=courier, shipped_at=shipped_at
        )
        if not changed:
            raise demand.concurrent_change()
        if request.source is DemandSource.EXCHANGE and request.ticket_id is not None:
            await shipping.supplier_shipped(uow, actor, request)
        elif request.order_id is not None:
            await _record_drop_shipment(actor, request, request.order_id, shipped_at)
        uow.emit(events.TOPIC, events.purchase_request_changed(request, "SHIPPED"))
        return _answer(request)

    return await run_once(
        pubsub, actor, cmd.idempotency_key, "markPurchaseRequestShipped", asdict(cmd), work
    )


async def _record_drop_shipment(
    actor: Principal, request: PurchaseRequest, order_id: int, shipped_at: datetime
) -> None:
    """The order's shipment of the line, as recordShipment keeps it but with no movement:
    so the line counts as shipped, markDelivered finds the waybill and the customer may
    return it."""
    try:
        shipment = await orders_repo.create_shipment(
            order_id=order_id,
            waybill=request.waybill,
            courier=request.courier,
            shipped_at=shipped_at,
            actor_id=actor.user_id,
        )
    except orders_repo.NumberTaken as exc:
        raise DomainError(
            ErrorCode.DUPLICATE, f"Waybill {request.waybill} is in use already.", "waybill"
        ) from exc
    await orders_repo.add_shipment_line(
        shipment, request.product_id, request.quantity, movement_id=None, warehouse_id=None
    )


async def cancel_request(pubsub: PubSub, actor: Principal, cmd: CancelPurchaseRequest) -> Answer:
    """OPEN -> CANCELLED with a reason; a covered request's units go back to the supplier's
    availability. An exchange's history records it."""

    async def work(uow: UnitOfWork) -> dict[str, Any]:
        request = await visible_request(actor, cmd.number)
        await _check_may(actor, request, rules.PurchaseRequestMove.CANCEL)
        reason = validation.text(
            cmd.reason, "reason", max_length=validation.LONG_TEXT, required=True
        )
        await demand.cancel(uow, request, reason)
        if request.ticket_id is not None:
            ticket = await ReturnTicket.get(id=request.ticket_id)
            await casefile.record(
                uow,
                actor,
                ticket,
                "CANCEL_PURCHASE_REQUEST",
                {"purchaseRequest": request.number, "reason": reason},
            )
        return _answer(request)

    return await run_once(
        pubsub, actor, cmd.idempotency_key, "cancelPurchaseRequest", asdict(cmd), work
    )
