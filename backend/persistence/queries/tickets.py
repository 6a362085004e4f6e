"""Finding tickets: filters and search for `returnTickets`, and the role queues."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import reduce

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from backend.domain.auth.scope import Scope
from backend.domain.returns.kinds import ReturnKind, ReturnSource, TicketStatus
from backend.domain.returns.workflow import Flow
from backend.persistence.models import (
    ChecklistItem,
    InboundWaybill,
    OutboundShipment,
    ReturnLine,
    ReturnTicket,
    Shipment,
)


@dataclass(frozen=True)
class TicketFilter:
    statuses: list[TicketStatus] = field(default_factory=list)
    kinds: list[ReturnKind] = field(default_factory=list)
    sources: list[ReturnSource] = field(default_factory=list)
    assignee_id: int | None = None
    reason_code: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    search: str = ""


def _search(text: str) -> Q:
    """A ticket number, customer name or phone, a waybill (inbound, outbound or the
    original shipment's), an order number or a SKU."""
    by_waybill = Subquery(InboundWaybill.filter(waybill=text).values("ticket_id"))
    by_outbound = Subquery(OutboundShipment.filter(waybill=text).values("ticket_id"))
    by_shipment = Subquery(Shipment.filter(waybill=text).values("order_id"))
    by_sku = Subquery(ReturnLine.filter(product__sku=text).values("ticket_id"))
    return (
        Q(number=text)
        | Q(customer_name__icontains=text)
        | Q(customer_phone__contains=text)
        | Q(order__number=text)
        | Q(id__in=by_waybill)
        | Q(id__in=by_outbound)
        | Q(order_id__in=by_shipment)
        | Q(id__in=by_sku)
    )


def tickets(scope: Scope, f: TicketFilter) -> QuerySet[ReturnTicket]:
    query = ReturnTicket.all()
    if scope.partner_id is not None:
        query = query.filter(partner_id=scope.partner_id)
    if f.statuses:
        query = query.filter(status__in=f.statuses)
    if f.kinds:
        query = query.filter(kind__in=f.kinds)
    if f.sources:
        query = query.filter(source__in=f.sources)
    if f.assignee_id is not None:
        query = query.filter(assignee_id=f.assignee_id)
    if f.reason_code:
        query = query.filter(reason__code=f.reason_code)
    if f.created_from is not None:
        query = query.filter(created_at__gte=f.created_from)
    if f.created_to is not None:
        query = query.filter(created_at__lt=f.created_to)
    if f.search.strip():
        query = query.filter(_search(f.search.strip()))
    return query


def queue(waiting: list[tuple[Flow, TicketStatus]], user_id: int) -> QuerySet[ReturnTicket]:
    """Tickets whose next step is in `waiting`, plus held tickets the user is responsible
    for; oldest in their status first."""
    held = Q(status=TicketStatus.ON_HOLD, assignee_id=user_id)
    steps = [
        Q(source=flow.source, kind=flow.kind, remote=flow.remote, status=status)
        for flow, status in waiting
    ]
    condition = reduce(lambda a, b: a | b, steps, held)
    return ReturnTicket.filter(condition).order_by("status_since", "id")


async def checklist(category_id: int | None) -> list[ChecklistItem]:
    query = ChecklistItem.filter(active=True)
    general = Q(category_id__isnull=True)
    condition = general | Q(category_id=category_id) if category_id is not None else general
    return await query.filter(condition).order_by("position", "id")


async def ticket_by_number(scope: Scope, number: str) -> ReturnTicket | None:
    return await tickets(scope, TicketFilter()).get_or_none(number=number)


async def ticket_by_waybill(scope: Scope, waybill: str) -> ReturnTicket | None:
    """The newest ticket a parcel comes back on (active inbound) or left on (outbound)."""
    inbound = Subquery(InboundWaybill.filter(waybill=waybill, status="ACTIVE").values("ticket_id"))
    outbound = Subquery(OutboundShipment.filter(waybill=waybill).values("ticket_id"))
    return (
        await tickets(scope, TicketFilter())
        .filter(Q(id__in=inbound) | Q(id__in=outbound))
        .order_by("-id")
        .first()
    )
