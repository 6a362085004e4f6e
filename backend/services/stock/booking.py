"""Receive, transfer, ship, count and correct: every use case that books a movement.

Each runs in one transaction through `run_once`, so a replayed idempotency key books
nothing; balances change by conditional atomic updates in the same transaction as the
movement; `stockChanged` events leave after commit.
"""

from __future__ import annotations

from typing import Any

from backend.domain import validation
from backend.domain.auth.roles import Principal
from backend.domain.errors import DomainError, ErrorCode
from backend.domain.stock import ledger
from backend.domain.stock.kinds import MovementKind
from backend.persistence.repositories import stock as repo
from backend.persistence.repositories.stock import (
    LevelRecord,
    LocationRef,
    MovementRecord,
    ProductRef,
)
from backend.pubsub.base import PubSub
from backend.services.idempotency import Answer, run_once
from backend.services.stock import answers, events, lookups
from backend.services.stock.commands import (
    AdjustStock,
    CorrectMovement,
    ReceiveStock,
    ShipStock,
    TransferStock,
)
from backend.services.stock.reservations import balance_moved, draw_on_reservation
from backend.services.unit_of_work import UnitOfWork


def _announce(
    uow: UnitOfWork,
    movement: MovementRecord,
    product: ProductRef,
    changes: dict[int, LocationRef],
) -> None:
    for change in ledger.balance_changes(
        movement.from_location_id, movement.to_location_id, movement.quantity
    ):
        uow.emit(
            events.TOPIC,
            events.stock_changed(
                product,
                changes[change.location_id],
                kind=movement.kind.value,
                delta=change.on_hand_delta,
                movement_id=movement.id,
            ),
        )


async def _take(product: ProductRef, place: LocationRef, quantity: int, field: str) -> LevelRecord:
    level = await repo.take_available(product.id, place.id, quantity)
    if level is None:
        raise ledger.insufficient(await lookups.available(product.id, place.id), quantity, field)
    return level


async def receive_stock(pubsub: PubSub, actor: Principal, cmd: ReceiveStock) -> Answer:
    async def work(uow: UnitOfWork) -> dict[str, Any]:
        quantity = validation.quantity(cmd.quantity)
        reference = validation.text(cmd.reference, "reference", max_length=validation.SHORT_TEXT)
        note = validation.text(cmd.note, "note", max_length=validation.LONG_TEXT)
        product = await lookups.product(cmd.sku)
        place = await lookups.location(cmd.location_code)
        level = await repo.add_on_hand(product.id, place, quantity)
        movement = await repo.record_movement(
            kind=MovementKind.RECEIPT,
            product_id=product.id,
            from_location_id=None,
            to_location_id=place.id,
            quantity=quantity,
            actor_id=actor.user_id,
            reference_type="RECEIPT" if reference else "",
            reference=reference,
            reason=note,
        )
        _announce(uow, movement, product, {place.id: place})
        return answers.booked(movement, [level])

    return await run_once(
        pubsub, actor, cmd.idempotency_key, "receiveStock", cmd.as_request(), work
    )


async def transfer_stock(pubsub: PubSub, actor: Principal, cmd: TransferStock) -> Answer:
    async def work(uow: UnitOfWork) -> dict[str, Any]:
        quantity = validation.quantity(cmd.quantity)
        note = validation.text(cmd.note, "note", max_length=validation.LONG_TEXT)
        product = await lookups.product(cmd.sku)
        source = await lookups.location(cmd.from_location_code, "fromLocationCode")
        target = await lookups.location(cmd.to_location_code, "toLocationCode")
        ledger.check_distinct(source.id, target.id)
        ledger.check_manual_exit(source.zone_kind, "fromLocationCode")
        taken = await _take(product, source, quantity, "quantity")
        put = await repo.add_on_hand(product.id, target, quantity)
        movement = await repo.record_movement(
            kind=MovementKind.TRANSFER,
            product_id=product.id,
            from_location_id=source.id,
            to_location_id=target.id,
            quantity=quantity,
            actor_id=actor.user_id,
            reason=note,
        )
        _announce(uow, movement, product, {source.id: source, target.id: target})
        return answers.booked(movement, [taken, put])

    return await run_once(
        pubsub, actor, cmd.idempotency_key, "transferStock", cmd.as_request(), work
    )


async def ship_stock(pubsub: PubSub, actor: Principal, cmd: ShipStock) -> Answer:
    async def work(uow: UnitOfWork) -> dict[str, Any]:
        quantity = validation.quantity(cmd.quantity)
        reference = validation.text(
            cmd.reference,
            "reference",
            max_length=validation.SHORT_TEXT,
            required=cmd.from_reservation,
        )
        note = validation.text(cmd.note, "note", max_length=validation.LONG_TEXT)
        product = await lookups.product(cmd.sku)
        place = await lookups.location(cmd.location_code)
        movement, level = await ship_units(
            uow,
            actor,
            product,
            place,
            quantity,
            reference=reference,
            from_reservation=cmd.from_reservation,
            note=note,
        )
        return answers.booked(movement, [level])

    return await run_once(pubsub, actor, cmd.idempotency_key, "shipStock", cmd.as_request(), work)


async def ship_units(
    uow: UnitOfWork,
    actor: Principal,
    product: ProductRef,
    place: LocationRef,
    quantity: int,
    *,
    reference: str,
    from_reservation: bool = False,
    note: str = "",
    field: str = "quantity",
    reference_type: str = "ORDER",
) -> tuple[MovementRecord, LevelRecord]:
    """Book units leaving the warehouse from one bin (within a running use case)."""
    ledger.check_manual_exit(place.zone_kind, "locationCode")
    if from_reservation:
        level = await _consume_reservation(product, place, reference, quantity)
    else:
        level = await _take(product, place, quantity, field)
    movement = await repo.record_movement(
        kind=MovementKind.SHIPMENT,
        product_id=product.id,
        from_location_id=place.id,
        to_location_id=None,
        quantity=quantity,
        actor_id=actor.user_id,
        reference_type=reference_type if reference else "",
        reference=reference,
        reason=note,
    )
    _announce(uow, movement, product, {place.id: place})
    return movement, level


async def _consume_reservation(
    product: ProductRef, place: LocationRef, reference: str, quantity: int
) -> LevelRecord:
    await draw_on_reservation(product, place, reference, quantity)
    level = await repo.take_reserved(product.id, place.id, quantity)
    if level is None:
        raise balance_moved()
    return level


async def adjust_stock(pubsub: PubSub, actor: Principal, cmd: AdjustStock) -> Answer:
    async def work(uow: UnitOfWork) -> dict[str, Any]:
        counted = validation.count(cmd.counted_quantity)
        reason = validation.text(
            cmd.reason, "reason", max_length=validation.LONG_TEXT, required=True
        )
        product = await lookups.product(cmd.sku)
        place = await lookups.location(cmd.location_code)
        current = await repo.levels(product.id, [place.id])
        on_hand, reserved = (current[0].on_hand, current[0].reserved) if current else (0, 0)
        difference = ledger.count_difference(on_hand, reserved, counted)
        if difference == 0:
            return answers.booked(None, current)
        expected = on_hand if current else None
        level = await repo.set_on_hand_if(product.id, place, expected, counted)
        if level is None:
            raise DomainError(
                ErrorCode.CONCURRENT_CHANGE,
                "Stock in this bin changed while counting; count again.",
                "countedQuantity",
            )
        movement = await repo.record_movement(
            kind=MovementKind.ADJUSTMENT,
            product_id=product.id,
            from_location_id=place.id if difference < 0 else None,
            to_location_id=place.id if difference > 0 else None,
            quantity=abs(difference),
            actor_id=actor.user_id,
            reference_type="COUNT",
            reason=reason,
        )
        _announce(uow, movement, product, {place.id: place})
        return answers.booked(movement, [level])

    return await run_once(pubsub, actor, cmd.idempotency_key, "adjustStock", cmd.as_request(), work)


async def correct_movement(pubsub: PubSub, actor: Principal, cmd: CorrectMovement) -> Answer:
    """Book the reverse of a wrong movement; the original stays, the correction points at it."""

    async def work(uow: UnitOfWork) -> dict[str, Any]:
        reason = validation.text(
            cmd.reason, "reason", max_length=validation.LONG_TEXT, required=True
        )
        original = await repo.movement(cmd.movement_id)
        if original is None:
            raise DomainError(ErrorCode.UNKNOWN_MOVEMENT, "No such movement.", "movementId")
        line = ledger.MovementLine(
            original.product_id,
            original.from_location_id,
            original.to_location_id,
            original.quantity,
        )
        reversal = ledger.reversal_of(original.kind, line, await repo.is_corrected(original.id))
        places: dict[int, LocationRef] = {}
        for location_id in (original.from_location_id, original.to_location_id):
            if location_id is not None:
                found = await repo.location_by_id(location_id)
                assert found is not None  # a movement's bins are never deleted (RESTRICT)
                places[location_id] = found
        product = await repo.product_by_id(original.product_id)
        assert product is not None
        levels = []
        if reversal.from_location_id is not None:
            source = places[reversal.from_location_id]
            levels.append(await _take(product, source, reversal.quantity, "movementId"))
        if reversal.to_location_id is not None:
            target = places[reversal.to_location_id]
            levels.append(await repo.add_on_hand(product.id, target, reversal.quantity))
        movement = await repo.record_movement(
            kind=MovementKind.CORRECTION,
            product_id=product.id,
            from_location_id=reversal.from_location_id,
            to_location_id=reversal.to_location_id,
            quantity=reversal.quantity,
            actor_id=actor.user_id,
            reference_type="MOVEMENT",
            reference=str(original.id),
            reason=reason,
            corrects_id=original.id,
        )
        _announce(uow, movement, product, places)
        return answers.booked(movement, levels)

    return await run_once(
        pubsub, actor, cmd.idempotency_key, "correctMovement", cmd.as_request(), work
    )
