"""Looking after a case: who is responsible (责任到人), notes, hold and resume, cancel
before arrival, a manager's reopen, closing, the shipping-payer override (Art. 24, with a
note), and linking an exception parcel to the application it belongs to (Art. 26.1)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from backend.domain import validation
from backend.domain.auth.roles import Principal, Role
from backend.domain.errors import DomainError, ErrorCode
from backend.domain.returns import policies, workflow
from backend.domain.returns.kinds import (
    Action,
    OutboundStatus,
    ReturnSource,
    TicketStatus,
    WaybillStatus,
)
from backend.persistence.models import (
    InboundWaybill,
    OrderLine,
    OutboundShipment,
    ReturnTicket,
    TicketNote,
)
from backend.persistence.repositories import stock as stock_repo
from backend.persistence.repositories import tickets as repo
from backend.pubsub.base import PubSub
from backend.services.idempotency import Answer, run_once
from backend.services.returns import casefile
from backend.services.returns.decisions import refund_due
from backend.services.stock import events as stock_events
from backend.services.unit_of_work import UnitOfWork

MANAGERS = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.CS_MANAGER, Role.CS_DIRECTOR})


@dataclass(frozen=True, slots=True)
class AssignTicket:
    idempotency_key: str
    ticket_number: str
    assignee: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class AddTicketNote:
    idempotency_key: str
    ticket_number: str
    text: str
    photos: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ChangeTicket:
    """Hold, resume, cancel, reopen or close, with the reason for the history."""

    idempotency_key: str
    ticket_number: str
    action: Action
    reason: str = ""


@dataclass(frozen=True, slots=True)
class SetShippingPayer:
    idempotency_key: str
    ticket_number: str
    payer: policies.Payer
    note: str
    shipping_fee: str = ""


@dataclass(frozen=True, slots=True)
class LinkExceptionParcel:
    idempotency_key: str
    ticket_number: str  # the exception ticket
    application_number: str  # the approved ticket the parcel belongs to
    note: str = ""


Work = Callable[[UnitOfWork, ReturnTicket], Awaitable[None]]


async def _on_ticket(
    pubsub: PubSub, actor: Principal, cmd: Any, operation: str, work: Work
) -> Answer:
    async def run(uow: UnitOfWork) -> dict[str, Any]:
        ticket = await casefile.visible_ticket(actor, cmd.ticket_number)
        await work(uow, ticket)
        return {"ticketId": ticket.id}

    return await run_once(
        pubsub, actor, cmd.idempotency_key, operation, casefile.request_of(cmd), run
    )


async def assign_ticket(pubsub: PubSub, actor: Principal, cmd: AssignTicket) -> Answer:
    async def work(uow: UnitOfWork, ticket: ReturnTicket) -> None:
        person = await casefile.staff_member(cmd.assignee)
        note = validation.text(cmd.note, "note", max_length=validation.LONG_TEXT)
        if person.id == ticket.assignee_id:
            raise DomainError(
                ErrorCode.INVALID, f"{person.username} is responsible already.", "assignee"
            )
        before = await ticket.assignee
        await casefile.record(
            uow,
            actor,
            ticket,
            "ASSIGN",
            {"from": before.username, "to": person.username, "note": note},
            assignee_id=person.id,
        )

    return await _on_ticket(pubsub, actor, cmd, "assignTicket", work)


async def add_ticket_note(pubsub: PubSub, actor: Principal, cmd: AddTicketNote) -> Answer:
    async def work(uow: UnitOfWork, ticket: ReturnTicket) -> None:
        text = validation.text(cmd.text, "text", max_length=validation.LONG_TEXT, required=True)
        photos = set(cmd.photos)
        missing = photos - await repo.known_photos(photos)
        if missing:
            raise DomainError(
                ErrorCode.INVALID, f"No uploaded photo {sorted(missing)[0]}.", "photos"
            )
        note = await TicketNote.create(
            ticket_id=ticket.id,
            author_id=actor.user_id,
            text=text,
            photos=list(cmd.photos),
            at=datetime.now(UTC),
        )
        await casefile.record(uow, actor, ticket, "NOTE", {"noteId": note.id})

    return await _on_ticket(pubsub, actor, cmd, "addTicketNote", work)


_CHANGES = {
    Action.HOLD: "holdTicket",
    Action.RESUME: "resumeTicket",
    Action.CANCEL: "cancelTicket",
    Action.REOPEN: "reopenTicket",
    Action.CLOSE: "closeTicket",
}


async def change_ticket(pubsub: PubSub, actor: Principal, cmd: ChangeTicket) -> Answer:
    if cmd.action not in _CHANGES:
        raise DomainError(ErrorCode.INVALID, "Not a case change.", "action")

    async def work(uow: UnitOfWork, ticket: ReturnTicket) -> None:
        needs_reason = cmd.action in (Action.HOLD, Action.CANCEL, Action.REOPEN)
        reason = validation.text(
            cmd.reason, "reason", max_length=validation.LONG_TEXT, required=needs_reason
        )
        if cmd.action is Action.REOPEN and actor.role not in MANAGERS:
            raise DomainError(ErrorCode.NOT_ALLOWED, "Only a manager reopens a ticket.", "action")
        if cmd.action is Action.REOPEN and ticket.status in (
            TicketStatus.CANCELLED,
            TicketStatus.DECLINED,
        ):
            await _check_still_returnable(ticket)
        if cmd.action is Action.CLOSE:
            # a flow that cannot close yet names its allowed moves rather than SHIPMENT_OPEN
            workflow.next_status(casefile.flow_of(ticket), ticket.status, Action.CLOSE)
            await _check_nothing_open(ticket)
        if cmd.action is Action.CANCEL:
            workflow.next_status(casefile.flow_of(ticket), ticket.status, Action.CANCEL)
            await release_replacement(uow, ticket)
        await casefile.move(
            uow,
            actor,
            ticket,
            cmd.action,
            {"reason": reason},
            **({"replacement_reserved": False} if cmd.action is Action.CANCEL else {}),
        )

    return await _on_ticket(pubsub, actor, cmd, _CHANGES.get(cmd.action, "changeTicket"), work)


async def _check_still_returnable(ticket: ReturnTicket) -> None:
    """A withdrawn application comes back to life only if its units were not applied for
    again on another ticket meanwhile."""
    lines = [line for line in await repo.lines(ticket.id) if line.order_line_id is not None]
    order_lines = {
        line.id: line.quantity
        for line in await OrderLine.filter(id__in=[line.order_line_id for line in lines])
    }
    elsewhere = await repo.returned_elsewhere(list(order_lines), ticket.id)
    for line in lines:
        assert line.order_line_id is not None
        left = order_lines[line.order_line_id] - elsewhere.get(line.order_line_id, 0)
        if line.quantity > left:
            raise DomainError(
                ErrorCode.OVER_RETURNED,
                f"Only {left} of those units can still be returned: another ticket holds them.",
                "action",
            )


async def _check_nothing_open(ticket: ReturnTicket) -> None:
    if await OutboundShipment.exists(ticket_id=ticket.id, status=OutboundStatus.OPEN):
        raise DomainError(
            ErrorCode.SHIPMENT_OPEN,
            "A shipment of this ticket has not left yet; it cannot close.",
            "ticketNumber",
        )


async def release_replacement(uow: UnitOfWork, ticket: ReturnTicket) -> None:
    """A cancelled or rejected exchange lets go of the stock held for its replacement."""
    for reservation in await repo.reservations_of(ticket.number):
        if not await stock_repo.take_from_reservation(reservation.id, reservation.quantity):
            raise casefile.concurrent_change()
        if (
            await stock_repo.unhold(
                reservation.product_id, reservation.location_id, reservation.quantity
            )
            is None
        ):
            raise casefile.concurrent_change()
        product = await stock_repo.product_by_id(reservation.product_id)
        place = await stock_repo.location_by_id(reservation.location_id)
        assert product is not None
        assert place is not None
        uow.emit(
            stock_events.TOPIC,
            stock_events.stock_changed(product, place, kind="RELEASE", delta=0, movement_id=None),
        )


async def set_shipping_payer(pubsub: PubSub, actor: Principal, cmd: SetShippingPayer) -> Answer:
    async def work(uow: UnitOfWork, ticket: ReturnTicket) -> None:
        from backend.services.returns.arrivals import money

        note = validation.text(cmd.note, "note", max_length=validation.LONG_TEXT, required=True)
        # once the refund step is done, a new refund due could never be paid
        refund_done = ticket.refund_due is not None and TicketStatus.REFUND_PENDING not in (
            ticket.status,
            ticket.resume_to,
        )
        if ticket.refunded > 0 or refund_done or ticket.status in workflow.ENDED:
            raise DomainError(
                ErrorCode.NOT_ALLOWED,
                "The shipping payer is fixed once money has been refunded, the refund step is "
                "done or the case ended.",
                "payer",
            )
        changes: dict[str, Any] = {"shipping_payer": cmd.payer, "shipping_payer_note": note}
        if cmd.shipping_fee.strip():
            changes["shipping_fee"] = money(cmd.shipping_fee, "shippingFee")
        before = ticket.shipping_payer
        for name, value in changes.items():
            setattr(ticket, name, value)
        if ticket.refund_due is not None:
            changes["refund_due"] = await refund_due(ticket)
        await casefile.record(
            uow,
            actor,
            ticket,
            "SET_SHIPPING_PAYER",
            {
                "from": before.value,
                "to": cmd.payer.value,
                "note": note,
                "shippingFee": str(changes.get("shipping_fee", ticket.shipping_fee)),
            },
            **changes,
        )

    return await _on_ticket(pubsub, actor, cmd, "setShippingPayer", work)


async def link_exception_parcel(
    pubsub: PubSub, actor: Principal, cmd: LinkExceptionParcel
) -> Answer:
    """The parcel belongs to an approved application after all: that ticket receives it on
    the exception's waybill, and the exception closes, pointing at it."""

    async def work(uow: UnitOfWork, ticket: ReturnTicket) -> None:
        note = validation.text(cmd.note, "note", max_length=validation.LONG_TEXT)
        if ticket.source is not ReturnSource.EXCEPTION:
            raise DomainError(
                ErrorCode.INVALID, "Only an exception parcel is linked.", "ticketNumber"
            )
        target = await casefile.visible_ticket(actor, cmd.application_number, "applicationNumber")
        if target.id == ticket.id:
            raise DomainError(
                ErrorCode.INVALID, "A ticket cannot link to itself.", "applicationNumber"
            )
        parcel = await InboundWaybill.filter(ticket_id=ticket.id).order_by("id").first()
        await casefile.move(
            uow,
            actor,
            target,
            Action.RECEIVE,
            {"linkedFrom": ticket.number, "code": parcel.waybill if parcel else "", "note": note},
        )
        if parcel is not None:
            await InboundWaybill.create(
                ticket_id=target.id,
                waybill=parcel.waybill,
                courier=parcel.courier,
                status=WaybillStatus.ACTIVE,
                arrived_at=parcel.arrived_at,
            )
            await InboundWaybill.filter(id=parcel.id).update(
                status=WaybillStatus.VOIDED,
                voided_at=datetime.now(UTC),
                replaced_by=target.number,
            )
        await casefile.move(
            uow, actor, ticket, Action.LINK, {"linkedTo": target.number, "note": note}
        )

    return await _on_ticket(pubsub, actor, cmd, "linkExceptionParcel", work)
