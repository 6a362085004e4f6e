"""Stock mutations: input -> command -> service -> payload. No rules here."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import strawberry

from backend.api.context import Info
from backend.api.errors import user_errors
from backend.api.hydrate import Hydrator
from backend.api.permissions import gated
from backend.api.stock import inputs
from backend.api.stock.types import (
    LevelRow,
    MovementRow,
    ReservationPayload,
    ReservationRow,
    StockMovementPayload,
    build_levels,
    build_movements,
    build_reservations,
)
from backend.domain.auth.roles import Principal
from backend.domain.errors import DomainError
from backend.pubsub.base import PubSub
from backend.services.idempotency import Answer
from backend.services.stock import booking, reservations
from backend.services.stock import commands as c

UseCase = Callable[[PubSub, Principal], Awaitable[Answer]]


async def _book(info: Info, use_case: UseCase) -> StockMovementPayload:
    principal = info.context.principal
    assert principal is not None
    try:
        answer = await use_case(info.context.pubsub, principal)
    except DomainError as error:
        return StockMovementPayload(
            movement=None, levels=[], replayed=False, user_errors=user_errors(error)
        )
    h = Hydrator(info)
    movement = answer.response["movement"]
    built = [] if movement is None else await build_movements(h, [MovementRow.from_json(movement)])
    return StockMovementPayload(
        movement=built[0] if built else None,
        levels=await build_levels(h, [LevelRow.from_json(d) for d in answer.response["levels"]]),
        replayed=answer.replayed,
        user_errors=[],
    )


async def _hold(info: Info, use_case: UseCase) -> ReservationPayload:
    principal = info.context.principal
    assert principal is not None
    try:
        answer = await use_case(info.context.pubsub, principal)
    except DomainError as error:
        return ReservationPayload(
            reservation=None, levels=[], replayed=False, user_errors=user_errors(error)
        )
    h = Hydrator(info)
    row = ReservationRow.from_json(answer.response["reservation"])
    return ReservationPayload(
        reservation=(await build_reservations(h, [row]))[0],
        levels=await build_levels(h, [LevelRow.from_json(d) for d in answer.response["levels"]]),
        replayed=answer.replayed,
        user_errors=[],
    )


@strawberry.type
class StockMutation:
    @strawberry.mutation(description="入库: goods into a bin.")
    @gated
    async def receive_stock(
        self, info: Info, input: inputs.ReceiveStockInput
    ) -> StockMovementPayload:
        cmd = c.ReceiveStock(
            input.idempotency_key,
            input.sku,
            input.location_code,
            input.quantity,
            input.reference,
            input.note,
        )
        return await _book(info, lambda bus, who: booking.receive_stock(bus, who, cmd))

    @strawberry.mutation(description="调库: move goods between bins.")
    @gated
    async def transfer_stock(
        self, info: Info, input: inputs.TransferStockInput
    ) -> StockMovementPayload:
        cmd = c.TransferStock(
            input.idempotency_key,
            input.sku,
            input.from_location_code,
            input.to_location_code,
            input.quantity,
            input.note,
        )
        return await _book(info, lambda bus, who: booking.transfer_stock(bus, who, cmd))

    @strawberry.mutation(description="出库: goods leave the warehouse.")
    @gated
    async def ship_stock(self, info: Info, input: inputs.ShipStockInput) -> StockMovementPayload:
        cmd = c.ShipStock(
            input.idempotency_key,
            input.sku,
            input.location_code,
            input.quantity,
            input.reference,
            input.from_reservation,
            input.note,
        )
        return await _book(info, lambda bus, who: booking.ship_stock(bus, who, cmd))

    @strawberry.mutation(description="盘点调整: book a physical count.")
    @gated
    async def adjust_stock(
        self, info: Info, input: inputs.AdjustStockInput
    ) -> StockMovementPayload:
        cmd = c.AdjustStock(
            input.idempotency_key,
            input.sku,
            input.location_code,
            input.counted_quantity,
            input.reason,
        )
        return await _book(info, lambda bus, who: booking.adjust_stock(bus, who, cmd))

    @strawberry.mutation(
        description="Reverse a wrong movement with a new one that points at it.",
    )
    @gated
    async def correct_movement(
        self, info: Info, input: inputs.CorrectMovementInput
    ) -> StockMovementPayload:
        movement_id = int(input.movement_id) if str(input.movement_id).isdigit() else 0
        cmd = c.CorrectMovement(input.idempotency_key, movement_id, input.reason)
        return await _book(info, lambda bus, who: booking.correct_movement(bus, who, cmd))

    @strawberry.mutation(description="Hold sellable stock for an order.")
    @gated
    async def reserve_stock(
        self, info: Info, input: inputs.ReserveStockInput
    ) -> ReservationPayload:
        cmd = c.ReserveStock(
            input.idempotency_key, input.sku, input.location_code, input.quantity, input.reference
        )
        return await _hold(info, lambda bus, who: reservations.reserve_stock(bus, who, cmd))

    @strawberry.mutation(description="Give reserved stock free again.")
    @gated
    async def release_stock(
        self, info: Info, input: inputs.ReleaseStockInput
    ) -> ReservationPayload:
        cmd = c.ReleaseStock(
            input.idempotency_key, input.sku, input.location_code, input.quantity, input.reference
        )
        return await _hold(info, lambda bus, who: reservations.release_stock(bus, who, cmd))
