"""Reserve and release stock for a business document (an order)."""

from __future__ import annotations

from typing import Any

from backend.domain import validation
from backend.domain.auth.roles import Principal
from backend.domain.errors import DomainError, ErrorCode
from backend.domain.stock import ledger
from backend.persistence.models import Reservation
from backend.persistence.repositories import stock as repo
from backend.persistence.repositories.stock import LocationRef, ProductRef
from backend.pubsub.base import PubSub
from backend.services.idempotency import Answer, run_once
from backend.services.stock import answers, events, lookups
from backend.services.stock.commands import ReleaseStock, ReserveStock
from backend.services.unit_of_work import UnitOfWork


async def reserve_stock(pubsub: PubSub, actor: Principal, cmd: ReserveStock) -> Answer:
    async def work(uow: UnitOfWork) -> dict[str, Any]:
        quantity = validation.quantity(cmd.quantity)
        reference = validation.code(cmd.reference, "reference")
        product = await lookups.product(cmd.sku)
        place = await lookups.location(cmd.location_code)
        ledger.check_reservable(place.zone_kind)
        level = await repo.hold(product.id, place.id, quantity)
        if level is None:
            available = await lookups.available(product.id, place.id)
            raise ledger.insufficient(available, quantity)
        reservation = await repo.add_to_reservation(
            product.id, place.id, reference, quantity, actor.user_id
        )
        uow.emit(
            events.TOPIC,
            events.stock_changed(product, place, kind="RESERVE", delta=0, movement_id=None),
        )
        return answers.held(reservation, product.id, place.id, level)

    return await run_once(
        pubsub, actor, cmd.idempotency_key, "reserveStock", cmd.as_request(), work
    )


async def release_stock(pubsub: PubSub, actor: Principal, cmd: ReleaseStock) -> Answer:
    async def work(uow: UnitOfWork) -> dict[str, Any]:
        quantity = validation.quantity(cmd.quantity)
        reference = validation.code(cmd.reference, "reference")
        product = await lookups.product(cmd.sku)
        place = await lookups.location(cmd.location_code)
        reservation = await draw_on_reservation(product, place, reference, quantity)
        level = await repo.unhold(product.id, place.id, quantity)
        if level is None:
            raise balance_moved()
        uow.emit(
            events.TOPIC,
            events.stock_changed(product, place, kind="RELEASE", delta=0, movement_id=None),
        )
        await reservation.refresh_from_db()
        return answers.held(reservation, product.id, place.id, level)

    return await run_once(
        pubsub, actor, cmd.idempotency_key, "releaseStock", cmd.as_request(), work
    )


async def draw_on_reservation(
    product: ProductRef, place: LocationRef, reference: str, quantity: int
) -> Reservation:
    """Take `quantity` off what `reference` holds of the product in the bin (it must hold it)."""
    reservation = await repo.reservation_for(product.id, place.id, reference)
    if reservation is None:
        raise DomainError(
            ErrorCode.UNKNOWN_RESERVATION,
            f"Nothing of {product.sku} is reserved in {place.code} for {reference}.",
            "reference",
        )
    if not await repo.take_from_reservation(reservation.id, quantity):
        raise DomainError(
            ErrorCode.RESERVATION_TOO_SMALL,
            f"Only {reservation.quantity} reserved for {reference}; {quantity} requested.",
            "quantity",
        )
    return reservation


def balance_moved() -> DomainError:
    """The reservation allowed it, but the balance row refused: a concurrent change."""
    return DomainError(
        ErrorCode.CONCURRENT_CHANGE, "The balance changed meanwhile; try again.", "quantity"
    )
