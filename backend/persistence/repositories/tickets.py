"""Return tickets: numbers, conditional state changes, history, and the lookups the
returns services need. Every change to a ticket row is conditional on its version, so
two people acting on one ticket at once never lose an update."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from backend.domain.auth.roles import Role
from backend.domain.returns.kinds import TicketStatus, WaybillStatus
from backend.domain.stock.kinds import ZoneKind
from backend.persistence import transaction
from backend.persistence.models import (
    ChecklistItem,
    DefectTag,
    InboundWaybill,
    Photo,
    Reservation,
    ReturnLine,
    ReturnReason,
    ReturnTicket,
    TicketEvent,
    User,
)
from backend.persistence.repositories import counters
from backend.persistence.repositories.stock import LocationRef, location_of_row
from backend.persistence.repositories.versioning import change as change

_ENDED = (TicketStatus.DECLINED.value, TicketStatus.CANCELLED.value)


async def next_number(prefix: str) -> str:
    """RT2026000001: the counter is advanced by one atomic statement per number."""
    return f"{prefix}{await counters.advance(prefix):06d}"


async def ticket_by_number(number: str) -> ReturnTicket | None:
    return await ReturnTicket.get_or_none(number=number)


async def ticket_by_id(ticket_id: int) -> ReturnTicket | None:
    return await ReturnTicket.get_or_none(id=ticket_id)


async def ticket_by_inbound_waybill(waybill: str) -> ReturnTicket | None:
    found = (
        await InboundWaybill.filter(waybill=waybill, status=WaybillStatus.ACTIVE)
        .order_by("-id")
        .first()
    )
    return await ReturnTicket.get(id=found.ticket_id) if found else None


def now() -> datetime:
    """The time a ticket's history row and the milestones it sets are stamped with."""
    return datetime.now(UTC)


async def add_event(
    ticket_id: int,
    actor_id: int,
    action: str,
    from_status: TicketStatus | None,
    to_status: TicketStatus | None,
    detail: dict[str, Any],
    at: datetime | None = None,
) -> TicketEvent:
    return await TicketEvent.create(
        ticket_id=ticket_id,
        at=now() if at is None else at,
        actor_id=actor_id,
        action=action,
        from_status=from_status,
        to_status=to_status,
        detail=detail,
    )


async def lines(ticket_id: int) -> list[ReturnLine]:
    return await ReturnLine.filter(ticket_id=ticket_id).order_by("id")


async def reason_by_code(code: str) -> ReturnReason | None:
    return await ReturnReason.get_or_none(code=code, active=True)


async def active_defect_tags() -> frozenset[str]:
    codes = await DefectTag.filter(active=True).values_list("code", flat=True)
    return frozenset(str(code) for code in codes)


async def checklist_codes(category_ids: set[int]) -> dict[int, frozenset[str]]:
    """Per category, the codes its checklist asks: its own questions and the general ones."""
    rows = await ChecklistItem.filter(active=True).values("category_id", "code")
    general = {row["code"] for row in rows if row["category_id"] is None}
    found: dict[int, frozenset[str]] = {}
    for category_id in category_ids:
        own = {row["code"] for row in rows if row["category_id"] == category_id}
        found[category_id] = frozenset(general | own)
    return found


async def known_photos(hashes: set[str]) -> set[str]:
    if not hashes:
        return set()
    found = await Photo.filter(sha256__in=list(hashes)).values_list("sha256", flat=True)
    return {str(sha) for sha in found}


async def returned_elsewhere(order_line_ids: list[int], ticket_id: int | None) -> dict[int, int]:
    """Units of each order line already on other live tickets (not declined or cancelled)."""
    if not order_line_ids:
        return {}
    query = ReturnLine.filter(order_line_id__in=order_line_ids).exclude(ticket__status__in=_ENDED)
    if ticket_id is not None:
        query = query.exclude(ticket_id=ticket_id)
    totals: dict[int, int] = defaultdict(int)
    for row in await query.values("order_line_id", "quantity"):
        totals[row["order_line_id"]] += row["quantity"]
    return dict(totals)


async def refunds_promised_elsewhere(order_id: int, ticket_id: int) -> Any:
    """What other tickets of the order are due or were paid back (a Decimal)."""
    rows = await transaction.fetch(
        "SELECT COALESCE(SUM(CASE WHEN refund_due IS NULL THEN refunded ELSE refund_due END), 0)"
        " AS total FROM return_ticket WHERE order_id = ? AND id <> ?",
        [order_id, ticket_id],
    )
    return rows[0]["total"]


async def least_busy(role: Role) -> User | None:
    """The active user of `role` with the fewest open tickets (new tickets go to them)."""
    rows = await transaction.fetch(
        "SELECT u.id, (SELECT COUNT(*) FROM return_ticket t WHERE t.assignee_id = u.id"
        " AND t.status NOT IN ('CLOSED', 'DECLINED', 'CANCELLED')) AS open_tickets"
        " FROM app_user u WHERE u.role = ? AND u.active = ? ORDER BY open_tickets, u.id LIMIT 1",
        [role.value, True],
    )
    return await User.get(id=rows[0]["id"]) if rows else None


async def first_bin(warehouse_id: int, zone: ZoneKind) -> LocationRef | None:
    rows = await transaction.fetch(
        "SELECT l.id, l.code, l.warehouse_id, l.zone_kind, w.code AS warehouse_code"
        " FROM location l JOIN warehouse w ON w.id = l.warehouse_id"
        " WHERE l.warehouse_id = ? AND l.zone_kind = ? AND l.active = ? ORDER BY l.code LIMIT 1",
        [warehouse_id, zone.value, True],
    )
    return location_of_row(rows[0]) if rows else None


async def bin_with_available(
    product_id: int, warehouse_id: int, quantity: int
) -> LocationRef | None:
    """The sellable bin of the warehouse holding the most available units, if enough."""
    rows = await transaction.fetch(
        "SELECT l.id, l.code, l.warehouse_id, l.zone_kind, w.code AS warehouse_code"
        " FROM stock_balance b JOIN location l ON l.id = b.location_id"
        " JOIN warehouse w ON w.id = l.warehouse_id"
        " WHERE b.product_id = ? AND l.warehouse_id = ? AND l.zone_kind = ? AND l.active = ?"
        " AND b.on_hand - b.reserved >= ? ORDER BY b.on_hand - b.reserved DESC, l.code LIMIT 1",
        [product_id, warehouse_id, ZoneKind.SELLABLE.value, True, quantity],
    )
    return location_of_row(rows[0]) if rows else None


async def shipped_from_warehouse(order_id: int) -> int | None:
    """The warehouse the order's goods left from (its first shipment's first bin)."""
    rows = await transaction.fetch(
        "SELECT l.warehouse_id FROM shipment s JOIN shipment_line sl ON sl.shipment_id = s.id"
        " JOIN stock_movement m ON m.id = sl.movement_id"
        " JOIN location l ON l.id = m.from_location_id WHERE s.order_id = ?"
        " ORDER BY s.id, sl.id LIMIT 1",
        [order_id],
    )
    return int(rows[0]["warehouse_id"]) if rows else None


async def reservations_of(reference: str) -> list[Reservation]:
    return await Reservation.filter(reference=reference, quantity__gt=0).order_by("id")


async def couriers_of_order(order_id: int) -> dict[int, str]:
    """Per product of an order, the courier that carried it: the first by name of the
    couriers of the order's shipments holding the product."""
    rows = await transaction.fetch(
        "SELECT sl.product_id, MIN(s.courier) AS courier FROM shipment s"
        " JOIN shipment_line sl ON sl.shipment_id = s.id WHERE s.order_id = ?"
        " GROUP BY sl.product_id",
        [order_id],
    )
    return {int(row["product_id"]): str(row["courier"]) for row in rows}
