"""The reorder watch behind every stock booking: the low-stock alert fires once per
crossing from whichever path moved the stock, never while already below, again after a
recovery, and once only when concurrent bookings cross together (on PostgreSQL the pool
runs them truly in parallel)."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from typing import Any

import pytest

from backend.domain.errors import DomainError
from backend.domain.stock.kinds import ZoneKind
from backend.persistence.models import Location, ReorderPolicy, Zone
from backend.pubsub.base import Message
from backend.pubsub.memory import MemoryPubSub
from backend.services.idempotency import Answer
from backend.services.replenishment import events
from backend.services.replenishment.policies import SetReorderPolicy, set_reorder_policy
from backend.services.stock import booking, reservations
from backend.services.stock.commands import (
    AdjustStock,
    CorrectMovement,
    ReceiveStock,
    ReleaseStock,
    ReserveStock,
    ShipStock,
    TransferStock,
)
from tests.services._ledger_world import DEFECTIVE, SELLABLE, movement_id, seed_world

_keys = itertools.count()
_DONE = {"done": True}


def k() -> str:
    return f"watch-{next(_keys)}"


@pytest.fixture
async def actor(db):
    return await seed_world()


@pytest.fixture
async def bus() -> AsyncIterator[tuple[MemoryPubSub, Any]]:
    pubsub = MemoryPubSub()
    async with pubsub.subscribe(events.TOPIC) as messages:
        yield pubsub, messages


async def alerts(bus: tuple[MemoryPubSub, Any]) -> list[Message]:
    """The alerts published so far (a marker published now ends the list)."""
    pubsub, messages = bus
    await pubsub.publish(events.TOPIC, _DONE)
    found = []
    async for message in messages:
        if message is _DONE or message == _DONE:
            return found
        found.append(message)
    raise AssertionError("the subscription ended")


async def policy(pubsub: MemoryPubSub, actor: Any, point: int, sku: str = "SKU-1") -> Answer:
    return await set_reorder_policy(
        pubsub, actor, SetReorderPolicy(k(), sku, "W1", reorder_point=point, safety_stock=0)
    )


def available_in(found: list[Message]) -> list[int]:
    return [m["available"] for m in found]


async def test_every_path_that_moves_stock_fires_once_per_crossing(actor, bus):
    pubsub = bus[0]
    receipt = await booking.receive_stock(pubsub, actor, ReceiveStock(k(), "SKU-1", SELLABLE, 12))
    await policy(pubsub, actor, 10)  # 12 available: above
    assert await alerts(bus) == []

    # A reservation takes available to the point: alert; a release lifts it again.
    await reservations.reserve_stock(pubsub, actor, ReserveStock(k(), "SKU-1", SELLABLE, 2, "SO-1"))
    await reservations.release_stock(pubsub, actor, ReleaseStock(k(), "SKU-1", SELLABLE, 2, "SO-1"))
    # A transfer out of the sellable bin crosses; back in, recovered.
    await booking.transfer_stock(pubsub, actor, TransferStock(k(), "SKU-1", SELLABLE, DEFECTIVE, 3))
    await booking.transfer_stock(pubsub, actor, TransferStock(k(), "SKU-1", DEFECTIVE, SELLABLE, 3))
    # A count down to 10 crosses; a receipt recovers.
    await booking.adjust_stock(pubsub, actor, AdjustStock(k(), "SKU-1", SELLABLE, 10, "count"))
    await booking.receive_stock(pubsub, actor, ReceiveStock(k(), "SKU-1", SELLABLE, 5))
    # A shipment crosses (15 -> 8), more shipments while below do not alert.
    shipped = await booking.ship_stock(pubsub, actor, ShipStock(k(), "SKU-1", SELLABLE, 7))
    await booking.ship_stock(pubsub, actor, ShipStock(k(), "SKU-1", SELLABLE, 1))
    await booking.ship_stock(pubsub, actor, ShipStock(k(), "SKU-1", SELLABLE, 1))
    # Corrections: undoing the 7 lifts it to 13; undoing the first receipt drops it to 1.
    fix = CorrectMovement(k(), movement_id(shipped.response) or 0, "wrong order")
    await booking.correct_movement(pubsub, actor, fix)
    undo = CorrectMovement(k(), movement_id(receipt.response) or 0, "wrong product")
    await booking.correct_movement(pubsub, actor, undo)

    found = await alerts(bus)
    assert available_in(found) == [10, 9, 10, 8, 1]
    assert {(m["sku"], m["warehouseCode"], m["reorderPoint"]) for m in found} == {
        ("SKU-1", "W1", 10)
    }
    assert all(m["belowSince"] is not None for m in found)
    assert (await ReorderPolicy.get()).below is True


async def test_a_refused_booking_and_a_replayed_key_fire_nothing(actor, bus):
    pubsub = bus[0]
    await booking.receive_stock(pubsub, actor, ReceiveStock(k(), "SKU-1", SELLABLE, 12))
    await policy(pubsub, actor, 10)
    with pytest.raises(DomainError):
        await booking.ship_stock(pubsub, actor, ShipStock(k(), "SKU-1", SELLABLE, 13))
    once = ShipStock("same-key", "SKU-1", SELLABLE, 5)
    await booking.ship_stock(pubsub, actor, once)
    await booking.ship_stock(pubsub, actor, once)

    assert available_in(await alerts(bus)) == [7]


async def test_setting_a_point_above_availability_alerts_at_once_and_only_once(actor, bus):
    pubsub = bus[0]
    await booking.receive_stock(pubsub, actor, ReceiveStock(k(), "SKU-2", SELLABLE, 4))
    await policy(pubsub, actor, 4, sku="SKU-2")
    await policy(pubsub, actor, 6, sku="SKU-2")  # still below: no new crossing
    await policy(pubsub, actor, 3, sku="SKU-2")  # above again
    await policy(pubsub, actor, 5, sku="SKU-2")  # below again

    found = await alerts(bus)
    assert [(m["sku"], m["reorderPoint"], m["available"]) for m in found] == [
        ("SKU-2", 4, 4),
        ("SKU-2", 5, 4),
    ]


async def sellable_bins(pubsub: MemoryPubSub, actor: Any, count: int, each: int) -> list[str]:
    """`count` more sellable bins of W1 holding `each` of SKU-1: bookings in different bins
    do not wait for each other's balance row, so only the watch can keep them apart."""
    zone = await Zone.get(kind=ZoneKind.SELLABLE)
    codes = []
    for n in range(count):
        code = f"W1-SEL-X{n}"
        await Location.create(
            code=code, zone=zone, warehouse_id=zone.warehouse_id, zone_kind=ZoneKind.SELLABLE
        )
        await booking.receive_stock(pubsub, actor, ReceiveStock(k(), "SKU-1", code, each))
        codes.append(code)
    return codes


async def test_concurrent_shipments_crossing_together_fire_one_alert(actor, bus):
    pubsub = bus[0]
    bins = await sellable_bins(pubsub, actor, 10, 3)  # 30 available
    await policy(pubsub, actor, 20)
    calls = [
        booking.ship_stock(pubsub, actor, ShipStock(f"race-{n}", "SKU-1", bins[n % 10], 1))
        for n in range(20)
    ]
    results = await asyncio.gather(*calls, return_exceptions=True)

    assert all(isinstance(r, Answer) for r in results), results
    found = await alerts(bus)
    assert len(found) == 1
    assert found[0]["available"] <= 20
    policy_row = await ReorderPolicy.get()
    assert policy_row.below is True


async def test_concurrent_drops_and_recoveries_leave_the_flag_matching_the_stock(actor, bus):
    pubsub = bus[0]
    bins = await sellable_bins(pubsub, actor, 10, 2)  # 20 available: at the point
    await booking.receive_stock(pubsub, actor, ReceiveStock(k(), "SKU-1", SELLABLE, 2))
    await policy(pubsub, actor, 20)
    calls = [
        booking.ship_stock(pubsub, actor, ShipStock(f"out-{n}", "SKU-1", bins[n], 1))
        for n in range(10)
    ] + [
        booking.receive_stock(pubsub, actor, ReceiveStock(f"in-{n}", "SKU-1", bins[n], 1))
        for n in range(10)
    ]
    await asyncio.gather(*calls)

    # 22 - 10 + 10 = 22: above, whatever order the bookings took and however they raced.
    policy_row = await ReorderPolicy.get()
    assert policy_row.below is False
    found = await alerts(bus)
    assert all(m["available"] <= 20 for m in found)
