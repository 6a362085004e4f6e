"""Where demand for a just-in-time product goes: a purchase request to its supplier, made
inside the transaction of the order (createOrder) or the exchange's replacement order
(createReplacementOrder) that needs it, instead of a stock reservation (the company holds
none). Rules in domain/inventory/supply.py."""

from __future__ import annotations

from datetime import UTC, datetime

from backend.domain.auth.roles import Principal
from backend.domain.errors import DomainError, ErrorCode
from backend.domain.inventory import supply as rules
from backend.domain.inventory.kinds import DemandSource
from backend.domain.stock.kinds import SupplyMode
from backend.persistence.models import OrderLine, PurchaseRequest
from backend.persistence.repositories import supply as repo
from backend.services.inventory import events
from backend.services.unit_of_work import UnitOfWork


async def open_for_order(
    uow: UnitOfWork,
    actor: Principal,
    order_id: int,
    source: DemandSource,
    ticket_id: int | None = None,
) -> list[PurchaseRequest]:
    """One purchase request per just-in-time line of the order, covered when the
    supplier's stated availability holds the line's quantity (which it then loses)."""
    made = []
    lines = await OrderLine.filter(
        order_id=order_id, product__supply_mode=SupplyMode.JUST_IN_TIME
    ).select_related("product")
    for line in sorted(lines, key=lambda found: found.id):
        product = line.product
        if product.supplier_id is None:
            raise DomainError(
                ErrorCode.INVALID,
                f"{product.sku} is supplied just in time but names no supplier.",
                "lines",
            )
        covered = await repo.take_available(product.supplier_id, product.id, line.quantity)
        request = await repo.create(
            source=source,
            supplier_id=product.supplier_id,
            product_id=product.id,
            quantity=line.quantity,
            covered=covered,
            order_id=order_id,
            order_line_id=line.id,
            ticket_id=ticket_id,
            actor_id=actor.user_id,
        )
        uow.emit(events.TOPIC, events.purchase_request_changed(request, "OPENED"))
        made.append(request)
    return made


def concurrent_change() -> DomainError:
    return DomainError(
        ErrorCode.CONCURRENT_CHANGE,
        "Someone changed this purchase request at the same moment; reload it and try again.",
        "number",
    )


async def cancel(uow: UnitOfWork, request: PurchaseRequest, reason: str) -> None:
    """OPEN -> CANCELLED (version-checked); a covered request gives its quantity back to
    the supplier's availability."""
    after = rules.next_status(request.status, rules.PurchaseRequestMove.CANCEL)
    now = datetime.now(UTC)
    if not await repo.change(request, status=after, cancelled_at=now, note=reason):
        raise concurrent_change()
    if request.covered:
        await repo.give_back(request.supplier_id, request.product_id, request.quantity)
    uow.emit(events.TOPIC, events.purchase_request_changed(request, "CANCELLED"))


async def cancel_open_of_ticket(uow: UnitOfWork, ticket_id: int, reason: str) -> list[str]:
    """A rejected exchange cancels the requests still open for its replacement."""
    cancelled = []
    for request in await repo.open_of_ticket(ticket_id):
        await cancel(uow, request, reason)
        cancelled.append(request.number)
    return cancelled
