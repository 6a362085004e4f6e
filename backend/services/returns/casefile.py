"""The steps every ticket use case shares: find the ticket the caller may see, move it
through its flow's table (conditional on its version), write the history row, and queue
the `returnTicketChanged` event for after commit."""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from datetime import UTC, datetime
from typing import Any

from backend.domain import validation
from backend.domain.auth.roles import Principal, Role
from backend.domain.auth.scope import scope_of
from backend.domain.errors import DomainError, ErrorCode
from backend.domain.returns import milestones, workflow
from backend.domain.returns.kinds import Action, TicketStatus, WaybillStatus
from backend.persistence.models import InboundWaybill, ReturnLine, ReturnTicket, User, Warehouse
from backend.persistence.repositories import tickets as repo
from backend.services.unit_of_work import UnitOfWork

TICKETS_TOPIC = "tickets"
INSPECTIONS_TOPIC = "inspections"
NUMBER_PREFIX = "RT"


def request_of(cmd: Any) -> dict[str, Any]:
    """A command as the idempotency fingerprint sees it."""
    assert is_dataclass(cmd)
    assert not isinstance(cmd, type)
    return dict(asdict(cmd))


async def new_number() -> str:
    return await repo.next_number(f"{NUMBER_PREFIX}{datetime.now(UTC):%Y}")


async def visible_ticket(
    actor: Principal, number: str, field: str = "ticketNumber"
) -> ReturnTicket:
    code = validation.code(number, field, max_length=32)
    ticket = await repo.ticket_by_number(code)
    if ticket is None or not scope_of(actor).sees(ticket.partner_id):
        raise DomainError(ErrorCode.UNKNOWN_TICKET, f"No ticket {code}.", field)
    return ticket


def flow_of(ticket: ReturnTicket) -> workflow.Flow:
    return workflow.flow_for(ticket.source, ticket.kind, ticket.remote)


def concurrent_change() -> DomainError:
    return DomainError(
        ErrorCode.CONCURRENT_CHANGE,
        "Someone changed this ticket at the same moment; reload it and try again.",
        "ticketNumber",
    )


async def move(
    uow: UnitOfWork,
    actor: Principal,
    ticket: ReturnTicket,
    action: Action,
    detail: dict[str, Any] | None = None,
    **changes: Any,
) -> TicketStatus:
    """Take the flow's move for `action`, with `changes` to the ticket, in one conditional
    update; write the history row; queue the event. Refused moves name the allowed ones."""
    before = ticket.status
    after = workflow.next_status(flow_of(ticket), before, action, held_from=ticket.resume_to)
    if action is Action.HOLD or after in workflow.ENDED:
        changes["resume_to"] = before  # where RESUME or a manager's REOPEN goes back to
    elif action in (Action.RESUME, Action.REOPEN):
        changes["resume_to"] = None
    at = repo.now()
    changes["status_since"] = at
    changes.update(milestones.on_step(ticket, action.value, before, after, at))
    changes.update(milestones.stage_seconds(ticket, changes))
    if not await repo.change(ticket, status=after, **changes):
        raise concurrent_change()
    await repo.add_event(ticket.id, actor.user_id, action.value, before, after, detail or {}, at)
    announce(uow, ticket, action.value, before)
    return after


async def record(
    uow: UnitOfWork,
    actor: Principal,
    ticket: ReturnTicket,
    action: str,
    detail: dict[str, Any],
    **changes: Any,
) -> None:
    """A step that changes no status (assignment, note, refund part): history and event."""
    at = repo.now()
    changes.update(milestones.on_step(ticket, action, None, None, at))
    changes.update(milestones.stage_seconds(ticket, changes))
    if not await repo.change(ticket, **changes):
        raise concurrent_change()
    await repo.add_event(ticket.id, actor.user_id, action, None, None, detail, at)
    announce(uow, ticket, action, ticket.status)


def announce(
    uow: UnitOfWork, ticket: ReturnTicket, action: str, before: TicketStatus | None
) -> None:
    uow.emit(
        TICKETS_TOPIC,
        {
            "ticketId": ticket.id,
            "number": ticket.number,
            "status": ticket.status.value,
            "previousStatus": before.value if before else None,
            "action": action,
            "kind": ticket.kind.value,
            "source": ticket.source.value,
            "partnerId": ticket.partner_id,
        },
    )


async def receiving_warehouse(order_id: int | None, field: str) -> int:
    """Goods come back to the warehouse the order left from; failing that, the first own
    warehouse."""
    if order_id is not None:
        found = await repo.shipped_from_warehouse(order_id)
        if found is not None:
            return found
    warehouse = await Warehouse.filter(active=True, kind="OWN").order_by("id").first()
    if warehouse is None:
        raise DomainError(ErrorCode.UNKNOWN_WAREHOUSE, "No warehouse takes returns.", field)
    return warehouse.id


async def default_assignee(actor: Principal) -> int:
    """Staff who open a ticket are responsible for it; a partner's (or an exception
    parcel's) goes to the customer-service user with the fewest open tickets."""
    if not actor.is_partner:
        return actor.user_id
    person = await repo.least_busy(Role.CUSTOMER_SERVICE)
    if person is None:
        raise DomainError(
            ErrorCode.NOT_FOUND,
            "No active customer-service user can take this ticket; ask an administrator.",
            "assignee",
        )
    return person.id


async def staff_member(username: str, field: str = "assignee") -> User:
    name = validation.code(username, field)
    person = await User.get_or_none(username=name, active=True)
    if person is None or person.role is Role.PARTNER:
        raise DomainError(ErrorCode.UNKNOWN_USER, f"No active staff member {name}.", field)
    return person


async def open_ticket(
    uow: UnitOfWork,
    actor: Principal,
    flow: workflow.Flow,
    *,
    lines: list[dict[str, Any]],
    detail: dict[str, Any],
    inbound_waybill: tuple[str, str, datetime | None] | None = None,
    **fields: Any,
) -> ReturnTicket:
    """Create a ticket in its flow's first state, with its lines, first history row and
    (for a parcel already on its way or here) its inbound waybill."""
    first = flow.first_status
    at = repo.now()
    ticket = await ReturnTicket.create(
        number=await new_number(),
        kind=flow.kind,
        source=flow.source,
        remote=flow.remote,
        status=first,
        status_since=at,
        created_by_id=actor.user_id,
        arrived_at=at if first is TicketStatus.RECEIVED else None,
        **fields,
    )
    carried = await repo.couriers_of_order(fields["order_id"]) if fields.get("order_id") else {}
    for line in lines:
        courier = line.get("courier") or carried.get(line["product_id"])
        await ReturnLine.create(ticket_id=ticket.id, **{**line, "courier": courier})
    if inbound_waybill is not None:
        waybill, courier, arrived_at = inbound_waybill
        await InboundWaybill.create(
            ticket_id=ticket.id,
            waybill=waybill,
            courier=courier,
            status=WaybillStatus.ACTIVE,
            arrived_at=arrived_at,
        )
    await repo.add_event(ticket.id, actor.user_id, "OPEN", None, first, detail, at)
    announce(uow, ticket, "OPEN", None)
    return ticket
