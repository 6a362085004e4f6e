"""Stock movements of returned goods, all referenced to the ticket's number: into a pending
bin when unpacked, out of it by grade after QC, back into stock, or out to the customer.

These are the only paths out of a PENDING bin (stock services refuse it by hand), and the
callers reach them only from the states after QC."""

from __future__ import annotations

from backend.domain.auth.roles import Principal
from backend.domain.errors import DomainError, ErrorCode
from backend.domain.stock import ledger
from backend.domain.stock.kinds import MovementKind, ZoneKind
from backend.persistence.models import ReturnTicket
from backend.persistence.repositories import stock as repo
from backend.persistence.repositories import tickets as tickets_repo
from backend.persistence.repositories.stock import LocationRef, MovementRecord
from backend.services.stock import events, lookups
from backend.services.unit_of_work import UnitOfWork

TICKET_REFERENCE = "TICKET"


async def book(
    uow: UnitOfWork,
    actor: Principal,
    ticket: ReturnTicket,
    kind: MovementKind,
    product_id: int,
    source: LocationRef | None,
    target: LocationRef | None,
    quantity: int,
    field: str = "quantity",
) -> MovementRecord:
    product = await repo.product_by_id(product_id)
    assert product is not None
    if source is not None:
        if await repo.take_available(product_id, source.id, quantity) is None:
            raise ledger.insufficient(
                await lookups.available(product_id, source.id), quantity, field
            )
    if target is not None:
        await repo.add_on_hand(product_id, target, quantity)
    movement = await repo.record_movement(
        kind=kind,
        product_id=product_id,
        from_location_id=source.id if source else None,
        to_location_id=target.id if target else None,
        quantity=quantity,
        actor_id=actor.user_id,
        reference_type=TICKET_REFERENCE,
        reference=ticket.number,
    )
    for place, delta in ((source, -quantity), (target, quantity)):
        if place is not None:
            uow.emit(
                events.TOPIC,
                events.stock_changed(
                    product, place, kind=kind.value, delta=delta, movement_id=movement.id
                ),
            )
    return movement


async def bin_in_zone(
    ticket: ReturnTicket, zone: ZoneKind, code: str | None, field: str
) -> LocationRef:
    """The named bin, which must be a `zone` bin of the ticket's warehouse; or, unnamed,
    the first such bin by code."""
    if code:
        place = await lookups.location(code, field)
        if place.zone_kind is not zone or place.warehouse_id != ticket.warehouse_id:
            raise DomainError(
                ErrorCode.WRONG_ZONE,
                f"{place.code} is not a {zone} bin of this ticket's warehouse.",
                field,
            )
        return place
    found = await tickets_repo.first_bin(ticket.warehouse_id, zone)
    if found is None:
        raise DomainError(ErrorCode.UNKNOWN_LOCATION, f"This warehouse has no {zone} bin.", field)
    return found
