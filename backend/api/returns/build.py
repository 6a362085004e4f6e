"""Build tickets for the API with the relations the query selects, for a whole page at
once: one batched load per selected relation, set as plain fields. A page of 50 tickets
with lines, history and inspections resolved per ticket created some 500 awaitables; built
here it creates none (returns bench)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, cast

import strawberry

from backend.api.auth.types import UserRef
from backend.api.catalogue.types import Product
from backend.api.context import Info
from backend.api.hydrate import Hydrator
from backend.api.loaders import Loaders
from backend.api.orders.types import Order
from backend.api.returns.lists import ReturnReason
from backend.api.returns.types import (
    ChecklistAnswer,
    CourierClaim,
    FollowUpCall,
    InboundWaybill,
    Inspection,
    OutboundShipment,
    Refund,
    ReturnLabel,
    ReturnLine,
    ReturnTicket,
    TicketEvent,
    TicketNote,
)
from backend.domain.returns import labels
from backend.domain.returns.actions_for_role import actions_for
from backend.persistence import models

NOBODY = UserRef(username="?", display_name="?")


async def _per_ticket(loader: Any, ids: list[int]) -> dict[int, list[Any]]:
    return dict(zip(ids, await loader.load_many(ids), strict=True))


async def build_tickets(
    info: Info, rows: Sequence[models.ReturnTicket], loaders: Loaders | None = None
) -> list[ReturnTicket]:
    h = Hydrator(info, loaders)
    load = h.loaders
    now = datetime.now(UTC)
    tickets = [ReturnTicket.from_model(row, now) for row in rows]
    principal = info.context.principal
    role = principal.role if principal else None
    for ticket in tickets:
        ticket.my_actions = actions_for(role, ticket.allowed_actions)
    if not tickets:
        return tickets
    ids = [row.id for row in rows]
    empty: dict[int, list[Any]] = {}

    lines = await _per_ticket(load.ticket_lines, ids) if h.wants("lines", "label") else empty
    events = await _per_ticket(load.ticket_events, ids) if h.wants("history") else empty
    checks = await _per_ticket(load.ticket_inspections, ids) if h.wants("inspections") else empty
    refunds = await _per_ticket(load.ticket_refunds, ids) if h.wants("refunds") else empty
    outbound = await _per_ticket(load.ticket_outbound, ids) if h.wants("shipments") else empty
    inbound = await _per_ticket(load.ticket_inbound, ids) if h.wants("inboundWaybills") else empty
    claims = await _per_ticket(load.ticket_claims, ids) if h.wants("courierClaims") else empty
    notes = await _per_ticket(load.ticket_notes, ids) if h.wants("notes") else empty
    calls = (
        await _per_ticket(load.ticket_follow_ups, ids)
        if h.wants("followUps", "followUpTickets")
        else empty
    )
    raising = (
        await _per_ticket(load.follow_ups_raising, ids) if h.wants("raisedInFollowUpOf") else empty
    )
    linked_ids = [c.linked_ticket_id for found in calls.values() for c in found]
    linked_ids += [c.ticket_id for found in raising.values() for c in found]
    linked_numbers: dict[int, str] = {}
    if any(linked_ids):
        wanted_ids = list({i for i in linked_ids if i})
        linked_numbers = {
            t.id: t.number for t in await load.return_ticket.load_many(wanted_ids) if t
        }

    people: list[int] = []
    if h.wants("assignee"):
        people += [row.assignee_id for row in rows]
    people += [e.actor_id for found in events.values() for e in found]
    people += [i.inspector_id for found in checks.values() for i in found]
    people += [r.issued_by_id for found in refunds.values() for r in found]
    people += [c.opened_by_id for found in claims.values() for c in found]
    people += [n.author_id for found in notes.values() for n in found]
    people += [c.caller_id for found in calls.values() for c in found]
    users = await h.users(people) if people else {}

    all_lines = [line for found in lines.values() for line in found]
    product_ids = [line.product_id for line in all_lines] + [
        line.wanted_product_id for line in all_lines if line.wanted_product_id
    ]
    products: dict[int, Product] = {}
    if product_ids and h.wants("product", "wantedProduct"):
        products = await h.products(product_ids)
    skus: dict[int, str] = {}
    if h.wants("label"):
        wanted = [line.wanted_product_id for line in all_lines if line.wanted_product_id]
        skus = {p.id: p.sku for p in await load.product.load_many(wanted) if p is not None}

    orders: dict[int, Order] = {}
    order_ids = list({row.order_id for row in rows if row.order_id})
    if h.wants("order") and order_ids:
        orders = {o.id: Order.from_model(o) for o in await load.order.load_many(order_ids) if o}
    numbers: dict[int, str] = {}
    if h.wants("shipments"):
        replacement_ids = [s.order_id for found in outbound.values() for s in found if s.order_id]
        numbers = {o.id: o.number for o in await load.order.load_many(replacement_ids) if o}
    reasons: dict[int, ReturnReason] = {}
    reason_ids = list({row.reason_id for row in rows if row.reason_id})
    if h.wants("reason") and reason_ids:
        reasons = {
            r.id: ReturnReason.from_model(r)
            for r in await load.return_reason.load_many(reason_ids)
            if r
        }
    warehouses: dict[int, str] = {}
    if h.wants("warehouseCode"):
        warehouse_ids = list({row.warehouse_id for row in rows})
        warehouses = {w.id: w.code for w in await load.warehouse.load_many(warehouse_ids) if w}
    pending: dict[int, str] = {}
    pending_ids = list({row.pending_location_id for row in rows if row.pending_location_id})
    if h.wants("pendingLocationCode") and pending_ids:
        pending = {p.id: p.code for p in await load.location.load_many(pending_ids) if p}

    for row, ticket in zip(rows, tickets, strict=True):
        ticket.assignee = users.get(row.assignee_id, NOBODY)
        ticket.order = orders.get(row.order_id) if row.order_id else None
        ticket.reason = reasons.get(row.reason_id) if row.reason_id else None
        ticket.warehouse_code = warehouses.get(row.warehouse_id, "")
        if row.pending_location_id:
            ticket.pending_location_code = pending.get(row.pending_location_id)
        own_lines = lines.get(row.id, [])
        ticket.lines = [_line(line, products) for line in own_lines]
        ticket.history = [
            TicketEvent(
                at=e.at,
                actor=users.get(e.actor_id, NOBODY),
                action=e.action,
                from_status=e.from_status,
                to_status=e.to_status,
                detail=cast(Any, e.detail),
            )
            for e in events.get(row.id, [])
        ]
        ticket.inspections = [_inspection(i, users) for i in checks.get(row.id, [])]
        ticket.refunds = [
            Refund(
                id=strawberry.ID(str(r.id)),
                amount=r.amount,
                payment_reference=r.payment_reference,
                note=r.note,
                issued_by=users.get(r.issued_by_id, NOBODY),
                at=r.at,
            )
            for r in refunds.get(row.id, [])
        ]
        ticket.shipments = [
            OutboundShipment(
                id=strawberry.ID(str(s.id)),
                purpose=s.purpose,
                status=s.status,
                waybill=s.waybill,
                courier=s.courier,
                shipped_at=s.shipped_at,
                order_number=numbers.get(s.order_id) if s.order_id else None,
            )
            for s in outbound.get(row.id, [])
        ]
        ticket.inbound_waybills = [
            InboundWaybill(
                waybill=w.waybill,
                courier=w.courier,
                status=w.status,
                arrived_at=w.arrived_at,
                replaced_by=w.replaced_by,
                voided_at=w.voided_at,
            )
            for w in inbound.get(row.id, [])
        ]
        ticket.courier_claims = [_claim(c, users) for c in claims.get(row.id, [])]
        ticket.notes = [
            TicketNote(
                text=n.text, photos=list(n.photos), author=users.get(n.author_id, NOBODY), at=n.at
            )
            for n in notes.get(row.id, [])
        ]
        own_calls = calls.get(row.id, [])
        ticket.follow_ups = [_follow_up(c, users, linked_numbers) for c in own_calls]
        ticket.follow_up_tickets = [
            linked_numbers[c.linked_ticket_id]
            for c in own_calls
            if c.linked_ticket_id in linked_numbers
        ]
        opened_by = raising.get(row.id, [])
        if opened_by:
            ticket.raised_in_follow_up_of = linked_numbers.get(opened_by[0].ticket_id)
        if h.wants("label"):
            ticket.label = _label(row, own_lines, skus)
    return tickets


def _line(line: models.ReturnLine, products: dict[int, Product]) -> ReturnLine:
    return ReturnLine(
        id=strawberry.ID(str(line.id)),
        quantity=line.quantity,
        unit_price_paid=line.unit_price_paid,
        quantity_received=line.quantity_received,
        quantity_graded=line.quantity_graded,
        quantity_dispositioned=line.quantity_dispositioned,
        quantity_refunded=line.quantity_refunded,
        wanted_model=line.wanted_model,
        wanted_style=line.wanted_style,
        wanted_colour=line.wanted_colour,
        wanted_size=line.wanted_size,
        product=cast(Product, products.get(line.product_id)),
        wanted_product=products.get(line.wanted_product_id) if line.wanted_product_id else None,
    )


def _inspection(r: Any, users: dict[int, UserRef]) -> Inspection:
    return Inspection(
        id=strawberry.ID(str(r.id)),
        line_id=strawberry.ID(str(r.line_id)),
        stage=r.stage,
        quantity=r.quantity,
        passed=r.passed,
        grade=r.grade,
        responsibility=r.responsibility,
        defect_tags=list(r.defect_tags),
        defect_text=r.defect_text,
        checklist=[ChecklistAnswer(**answer) for answer in r.checklist],
        photos=list(r.photos),
        note=r.note,
        inspector=users.get(r.inspector_id, NOBODY),
        at=r.at,
    )


def _follow_up(
    r: models.FollowUpCall, users: dict[int, UserRef], numbers: dict[int, str]
) -> FollowUpCall:
    return FollowUpCall(
        attempt=r.attempt,
        reached=r.reached,
        outcome=r.outcome,
        satisfaction=r.satisfaction,
        feedback=r.feedback,
        new_problem=r.new_problem,
        linked_ticket_number=numbers.get(r.linked_ticket_id) if r.linked_ticket_id else None,
        caller=users.get(r.caller_id, NOBODY),
        at=r.at,
    )


def _claim(r: models.CourierClaim, users: dict[int, UserRef]) -> CourierClaim:
    return CourierClaim(
        id=strawberry.ID(str(r.id)),
        courier=r.courier,
        waybill=r.waybill,
        amount_claimed=r.amount_claimed,
        amount_settled=r.amount_settled,
        description=r.description,
        photos=list(r.photos),
        status=r.status,
        opened_by=users.get(r.opened_by_id, NOBODY),
        opened_at=r.opened_at,
        settled_at=r.settled_at,
        settlement_note=r.settlement_note,
    )


def _label(
    row: models.ReturnTicket, lines: list[models.ReturnLine], skus: dict[int, str]
) -> ReturnLabel:
    text = labels.label_text(
        row.number,
        row.customer_name,
        row.kind,
        [
            labels.WantedItem(
                sku=skus.get(line.wanted_product_id or 0, ""),
                colour=line.wanted_colour,
                size=line.wanted_size,
                quantity=line.quantity,
            )
            for line in lines
        ],
    )
    return ReturnLabel(
        ticket_number=text.ticket_number,
        customer_name=text.customer_name,
        exchange_need=text.exchange_need_zh,
        exchange_need_en=text.exchange_need_en,
        print_url=f"/labels/{row.number}",
    )


async def build_ticket(
    info: Info, row: models.ReturnTicket | None, loaders: Loaders | None = None
) -> ReturnTicket | None:
    if row is None:
        return None
    return (await build_tickets(info, [row], loaders))[0]
