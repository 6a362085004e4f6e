"""A customer's application (Art. 6-8, 18): request, approve (an exchange's replacement is
reserved then), decline with a code. Art. 26's refusals are checked before anything is
written."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from backend.domain import validation
from backend.domain.auth.roles import Principal, Role
from backend.domain.errors import DomainError, ErrorCode
from backend.domain.orders import rules as order_rules
from backend.domain.returns import policies, workflow
from backend.domain.returns.kinds import Action, ReturnKind, ReturnSource, TicketStatus
from backend.domain.stock.kinds import SupplyMode
from backend.persistence.models import (
    OrderLine,
    Product,
    ReturnLine,
    ReturnTicket,
    SalesOrder,
)
from backend.persistence.repositories import stock as stock_repo
from backend.persistence.repositories import tickets as repo
from backend.pubsub.base import PubSub
from backend.services.idempotency import Answer, run_once
from backend.services.orders import visible_order
from backend.services.returns import casefile
from backend.services.stock import events as stock_events
from backend.services.unit_of_work import UnitOfWork

MAY_OVERRIDE_WINDOW = frozenset({Role.ADMIN, Role.CUSTOMER_SERVICE, Role.CS_MANAGER})


@dataclass(frozen=True, slots=True)
class ApplicationLine:
    sku: str
    quantity: int
    wanted_sku: str = ""
    wanted_model: str = ""
    wanted_style: str = ""
    wanted_colour: str = ""
    wanted_size: str = ""

    @property
    def names_a_wish(self) -> bool:
        return any(
            (
                self.wanted_sku,
                self.wanted_model,
                self.wanted_style,
                self.wanted_colour,
                self.wanted_size,
            )
        )


@dataclass(frozen=True, slots=True)
class RequestReturn:
    idempotency_key: str
    order_number: str
    kind: ReturnKind
    reason_code: str
    details: str
    lines: list[ApplicationLine] = field(default_factory=list)
    return_waybill: str = ""
    return_courier: str = ""
    window_override_reason: str = ""
    assignee: str = ""


@dataclass(frozen=True, slots=True)
class ApproveReturn:
    idempotency_key: str
    ticket_number: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class DeclineReturn:
    idempotency_key: str
    ticket_number: str
    code: policies.DeclineCode
    note: str = ""


def _ticket(ticket: ReturnTicket) -> dict[str, Any]:
    return {"ticketId": ticket.id}


async def _wanted(original: Product, line: ApplicationLine, where: str) -> Product:
    """The product an exchange line asks for: by SKU, or by the original's model with the
    named style, colour and size changed."""
    if line.wanted_sku:
        sku = validation.code(line.wanted_sku, f"{where}.wantedSku")
        found = await Product.get_or_none(sku=sku, active=True)
        if found is None:
            raise DomainError(ErrorCode.UNKNOWN_PRODUCT, f"No product {sku}.", f"{where}.wantedSku")
        return found
    wish = {
        "model": validation.text(line.wanted_model, f"{where}.wantedModel", max_length=64)
        or original.model,
        "style": validation.text(line.wanted_style, f"{where}.wantedStyle", max_length=64)
        or original.style,
        "colour": validation.text(line.wanted_colour, f"{where}.wantedColour", max_length=64)
        or original.colour,
        "size": validation.text(line.wanted_size, f"{where}.wantedSize", max_length=32)
        or original.size,
    }
    matches = await Product.filter(active=True, **wish).limit(2)
    if not matches:
        raise DomainError(
            ErrorCode.UNKNOWN_PRODUCT,
            "No product is model {model}, style {style}, colour {colour}, size {size}.".format(
                **wish
            ),
            where,
        )
    if len(matches) > 1:
        raise DomainError(
            ErrorCode.INVALID, "Several products match that wish; name the SKU.", where
        )
    return matches[0]


async def _lines(
    order: SalesOrder, kind: ReturnKind, given: list[ApplicationLine]
) -> list[dict[str, Any]]:
    checked = order_rules.check_lines(
        (order_rules.Line(line.sku, line.quantity) for line in given), "lines"
    )
    ordered = {line.product_id: line for line in await OrderLine.filter(order_id=order.id)}
    elsewhere = await repo.returned_elsewhere([line.id for line in ordered.values()], None)
    lines = []
    for n, (line, raw) in enumerate(zip(checked, given, strict=True)):
        where = f"lines.{n}"
        product = await Product.get_or_none(sku=line.sku)
        order_line = ordered.get(product.id) if product else None
        if product is None or order_line is None:
            raise DomainError(ErrorCode.INVALID, f"{line.sku} is not on this order.", where)
        left = order_line.quantity - elsewhere.get(order_line.id, 0)
        if line.quantity > left:
            raise DomainError(
                ErrorCode.OVER_RETURNED,
                f"Only {left} of {line.sku} on this order can still be returned.",
                f"{where}.quantity",
            )
        row: dict[str, Any] = {
            "product_id": product.id,
            "order_line_id": order_line.id,
            "quantity": line.quantity,
            "unit_price_paid": order_line.unit_price_paid,
        }
        if kind is ReturnKind.EXCHANGE:
            if not raw.names_a_wish:
                raise DomainError(
                    ErrorCode.MISSING_DETAILS,
                    "An exchange names the wanted model, style, colour or size (Art. 18).",
                    where,
                )
            wanted = await _wanted(product, raw, where)
            row.update(
                wanted_product_id=wanted.id,
                wanted_model=wanted.model,
                wanted_style=wanted.style,
                wanted_colour=wanted.colour,
                wanted_size=wanted.size,
            )
        elif raw.names_a_wish:
            raise DomainError(ErrorCode.INVALID, "Only an exchange names a wanted product.", where)
        lines.append(row)
    return lines


async def request_return(pubsub: PubSub, actor: Principal, cmd: RequestReturn) -> Answer:
    async def work(uow: UnitOfWork) -> dict[str, Any]:
        return _ticket(await open_application(uow, actor, cmd))

    return await run_once(
        pubsub, actor, cmd.idempotency_key, "requestReturn", casefile.request_of(cmd), work
    )


async def open_application(
    uow: UnitOfWork,
    actor: Principal,
    cmd: RequestReturn,
    detail: dict[str, Any] | None = None,
) -> ReturnTicket:
    """An application with every Art. 26 check, inside the caller's transaction (a new
    problem raised in a follow-up call opens one too); `detail` joins its first history
    row."""
    order = await visible_order(actor, cmd.order_number)
    skus = [line.sku for line in cmd.lines]
    windows = [
        int(str(days))
        for days in await Product.filter(sku__in=skus).values_list("return_window_days", flat=True)
    ]
    may_override = actor.role in MAY_OVERRIDE_WINDOW
    try:
        window = policies.check_application(
            reason_code=cmd.reason_code,
            details=cmd.details,
            line_count=len(cmd.lines),
            delivered_at=order.delivered_at,
            window_days=min(windows, default=7),
            now=datetime.now(UTC),
            window_override_reason=cmd.window_override_reason if may_override else "",
        )
    except DomainError as refused:
        if refused.code is ErrorCode.WINDOW_EXPIRED and cmd.window_override_reason:
            raise DomainError(
                ErrorCode.NOT_ALLOWED,
                "Only customer service may accept an application past the window.",
                "windowOverrideReason",
            ) from refused
        raise
    reason = await repo.reason_by_code(validation.code(cmd.reason_code, "reasonCode"))
    if reason is None:
        raise DomainError(ErrorCode.INVALID, "No such return reason.", "reasonCode")
    lines = await _lines(order, cmd.kind, cmd.lines)
    customer = await order.customer
    assignee = (
        (await casefile.staff_member(cmd.assignee)).id
        if cmd.assignee
        else await casefile.default_assignee(actor)
    )
    waybill = validation.code(cmd.return_waybill, "returnWaybill") if cmd.return_waybill else ""
    courier = validation.text(cmd.return_courier, "returnCourier", max_length=64)
    return await casefile.open_ticket(
        uow,
        actor,
        workflow.flow_for(ReturnSource.CUSTOMER_RETURN, cmd.kind),
        lines=lines,
        detail={
            "orderNumber": order.number,
            "windowOverridden": window.overridden,
            **(detail or {}),
        },
        inbound_waybill=(waybill, courier, None) if waybill else None,
        partner_id=order.partner_id,
        order_id=order.id,
        customer_id=customer.id,
        customer_name=customer.name,
        customer_phone=customer.phone,
        warehouse_id=await casefile.receiving_warehouse(order.id, "orderNumber"),
        reason_id=reason.id,
        details=validation.text(cmd.details, "details", max_length=validation.LONG_TEXT),
        assignee_id=assignee,
        shipping_payer=policies.shipping_fee_payer(reason.is_quality),
        window_deadline=window.deadline,
        window_override_reason=cmd.window_override_reason.strip() if window.overridden else "",
    )


async def approve_return(pubsub: PubSub, actor: Principal, cmd: ApproveReturn) -> Answer:
    async def work(uow: UnitOfWork) -> dict[str, Any]:
        ticket = await casefile.visible_ticket(actor, cmd.ticket_number)
        note = validation.text(cmd.note, "note", max_length=validation.LONG_TEXT)
        detail: dict[str, Any] = {"note": note}
        changes: dict[str, Any] = {}
        if ticket.kind is ReturnKind.EXCHANGE and ticket.status is TicketStatus.REQUESTED:
            reserved = await reserve_replacement(uow, actor, ticket)
            changes["replacement_reserved"] = reserved
            detail["replacementReserved"] = reserved
        await casefile.move(uow, actor, ticket, Action.APPROVE, detail, **changes)
        return _ticket(ticket)

    return await run_once(
        pubsub, actor, cmd.idempotency_key, "approveReturn", casefile.request_of(cmd), work
    )


async def decline_return(pubsub: PubSub, actor: Principal, cmd: DeclineReturn) -> Answer:
    async def work(uow: UnitOfWork) -> dict[str, Any]:
        ticket = await casefile.visible_ticket(actor, cmd.ticket_number)
        note = validation.text(
            cmd.note,
            "note",
            max_length=validation.LONG_TEXT,
            required=cmd.code is policies.DeclineCode.OTHER,
        )
        await casefile.move(
            uow,
            actor,
            ticket,
            Action.DECLINE,
            {"code": cmd.code.value, "note": note},
            decline_code=cmd.code,
            decline_note=note,
        )
        return _ticket(ticket)

    return await run_once(
        pubsub, actor, cmd.idempotency_key, "declineReturn", casefile.request_of(cmd), work
    )


async def reserve_replacement(
    uow: UnitOfWork,
    actor: Principal,
    ticket: ReturnTicket,
    products: frozenset[int] | None = None,
) -> bool:
    """Hold the wanted products for the exchange under the ticket's number, all or none:
    False when some product has no sellable stock (the replacement order tries again).
    A just-in-time product needs no stock: its supplier ships it on a purchase request
    made with the replacement order. With `products`, only those wanted products, from
    stock even if just in time (their purchase requests were cancelled)."""
    lines = await ReturnLine.filter(ticket_id=ticket.id, wanted_product_id__not_isnull=True)
    if products is not None:
        lines = [line for line in lines if line.wanted_product_id in products]
    just_in_time = (
        set()
        if products is not None
        else {
            int(str(found))
            for found in await Product.filter(
                id__in=[line.wanted_product_id for line in lines],
                supply_mode=SupplyMode.JUST_IN_TIME,
            ).values_list("id", flat=True)
        }
    )
    plan = []
    for line in lines:
        assert line.wanted_product_id is not None
        if line.wanted_product_id in just_in_time:
            continue
        place = await repo.bin_with_available(
            line.wanted_product_id, ticket.warehouse_id, line.quantity
        )
        if place is None:
            return False
        plan.append((line.wanted_product_id, place, line.quantity))
    for product_id, place, quantity in plan:
        if await stock_repo.hold(product_id, place.id, quantity) is None:
            raise DomainError(
                ErrorCode.CONCURRENT_CHANGE,
                "Stock moved while reserving the replacement; try again.",
                "ticketNumber",
            )
        await stock_repo.add_to_reservation(
            product_id, place.id, ticket.number, quantity, actor.user_id
        )
        product = await stock_repo.product_by_id(product_id)
        assert product is not None
        uow.emit(
            stock_events.TOPIC,
            stock_events.stock_changed(product, place, kind="RESERVE", delta=0, movement_id=None),
        )
    return bool(lines)
