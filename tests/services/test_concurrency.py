"""Many requests at once against one balance. On SQLite the single connection serialises
transactions; on PostgreSQL (TEST_DATABASE_URL) the pool of 20 runs them truly in parallel,
so these tests are where lost updates, negative stock or double bookings would show."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from backend.domain.errors import DomainError, ErrorCode
from backend.domain.stock.kinds import MovementKind
from backend.persistence.models import StockBalance, StockMovement
from backend.pubsub.memory import MemoryPubSub
from backend.services.idempotency import Answer
from backend.services.stock import booking, reservations
from backend.services.stock.commands import ReceiveStock, ReserveStock, ShipStock
from backend.services.stock.health import check_ledger
from tests.services._ledger_world import SELLABLE, movement_id, seed_world


@pytest.fixture
async def actor(db):
    return await seed_world()


@pytest.fixture
def pubsub():
    return MemoryPubSub()


async def _stock(pubsub, actor, quantity: int) -> None:
    await booking.receive_stock(
        pubsub, actor, ReceiveStock("stock-up", "SKU-1", SELLABLE, quantity)
    )


def _outcomes(results: list[object]) -> Counter[str]:
    """'ok' per answer, the error code per refusal; anything else fails the test."""
    seen: Counter[str] = Counter()
    for result in results:
        if isinstance(result, Answer):
            seen["ok"] += 1
        elif isinstance(result, DomainError):
            seen[result.code.value] += 1
        else:
            raise AssertionError(f"unexpected outcome {result!r}") from (
                result if isinstance(result, BaseException) else None
            )
    return seen


async def _balance() -> StockBalance:
    return await StockBalance.get(product__sku="SKU-1", location__code=SELLABLE)


async def test_fifty_shipments_of_one_against_ten_on_hand_ship_exactly_ten(pubsub, actor):
    await _stock(pubsub, actor, 10)
    calls = [
        booking.ship_stock(pubsub, actor, ShipStock(f"ship-{n}", "SKU-1", SELLABLE, 1))
        for n in range(50)
    ]
    results = await asyncio.gather(*calls, return_exceptions=True)

    assert _outcomes(results) == {"ok": 10, ErrorCode.INSUFFICIENT_STOCK.value: 40}
    balance = await _balance()
    assert (balance.on_hand, balance.reserved) == (0, 0)
    assert await StockMovement.filter(kind=MovementKind.SHIPMENT).count() == 10
    shipped = {movement_id(r.response) for r in results if isinstance(r, Answer)}
    assert len(shipped) == 10
    assert (await check_ledger()).ok


async def test_twenty_concurrent_retries_of_one_key_book_one_movement(pubsub, actor):
    await _stock(pubsub, actor, 10)
    same = ShipStock("one-scan", "SKU-1", SELLABLE, 1, reference="ORD-1")
    results = await asyncio.gather(
        *(booking.ship_stock(pubsub, actor, same) for _ in range(20)), return_exceptions=True
    )

    assert _outcomes(results) == {"ok": 20}
    assert sorted(r.replayed for r in results) == [False] + [True] * 19
    assert len({movement_id(r.response) for r in results}) == 1
    assert await StockMovement.filter(kind=MovementKind.SHIPMENT).count() == 1
    assert (await _balance()).on_hand == 9
    assert (await check_ledger()).ok


async def test_concurrent_retries_of_the_last_unit_all_answer_with_its_one_shipment(pubsub, actor):
    # A retry that lost the race must replay the shipment, not report the stock it took.
    await _stock(pubsub, actor, 1)
    same = ShipStock("last-one", "SKU-1", SELLABLE, 1, reference="ORD-1")
    results = await asyncio.gather(
        *(booking.ship_stock(pubsub, actor, same) for _ in range(20)), return_exceptions=True
    )

    assert _outcomes(results) == {"ok": 20}
    assert len({movement_id(r.response) for r in results}) == 1
    assert (await _balance()).on_hand == 0
    assert (await check_ledger()).ok


async def test_concurrent_reuse_of_one_key_for_different_inputs_books_only_one(pubsub, actor):
    await _stock(pubsub, actor, 10)
    calls = [
        booking.ship_stock(pubsub, actor, ShipStock("shared", "SKU-1", SELLABLE, n))
        for n in range(1, 11)
    ]
    results = await asyncio.gather(*calls, return_exceptions=True)

    assert _outcomes(results) == {"ok": 1, ErrorCode.IDEMPOTENCY_KEY_REUSED.value: 9}
    shipped = next(r for r in results if isinstance(r, Answer))
    movement = await StockMovement.get(id=movement_id(shipped.response))
    assert (await _balance()).on_hand == 10 - movement.quantity
    assert await StockMovement.filter(kind=MovementKind.SHIPMENT).count() == 1
    assert (await check_ledger()).ok


async def test_reservations_racing_shipments_never_hold_more_than_is_on_hand(pubsub, actor):
    await _stock(pubsub, actor, 10)
    reserve = [
        reservations.reserve_stock(
            pubsub, actor, ReserveStock(f"res-{n}", "SKU-1", SELLABLE, 1, f"ORD-{n % 3}")
        )
        for n in range(20)
    ]
    ship = [
        booking.ship_stock(pubsub, actor, ShipStock(f"ship-{n}", "SKU-1", SELLABLE, 1))
        for n in range(20)
    ]
    interleaved = [call for pair in zip(reserve, ship, strict=True) for call in pair]
    results = await asyncio.gather(*interleaved, return_exceptions=True)
    reserved_ok = _outcomes(results[0::2])
    shipped_ok = _outcomes(results[1::2])

    # Each success took one of the ten available units, whichever kind it was.
    assert reserved_ok["ok"] + shipped_ok["ok"] == 10
    assert set(reserved_ok) | set(shipped_ok) <= {"ok", ErrorCode.INSUFFICIENT_STOCK.value}
    balance = await _balance()
    assert balance.on_hand == 10 - shipped_ok["ok"]
    assert balance.reserved == reserved_ok["ok"]
    assert 0 <= balance.reserved <= balance.on_hand
    assert (await check_ledger()).ok


async def test_shipping_reserved_stock_while_others_reserve_and_ship_keeps_the_books(pubsub, actor):
    await _stock(pubsub, actor, 6)
    await reservations.reserve_stock(
        pubsub, actor, ReserveStock("hold", "SKU-1", SELLABLE, 4, "ORD-A")
    )
    from_reservation = [
        booking.ship_stock(
            pubsub,
            actor,
            ShipStock(f"pick-{n}", "SKU-1", SELLABLE, 1, "ORD-A", from_reservation=True),
        )
        for n in range(6)
    ]
    others = [
        booking.ship_stock(pubsub, actor, ShipStock(f"walk-in-{n}", "SKU-1", SELLABLE, 1))
        for n in range(6)
    ]
    results = await asyncio.gather(*from_reservation, *others, return_exceptions=True)

    # Four picks consume the reservation; the two unreserved units go to walk-in shipments.
    assert _outcomes(results[:6]) == {"ok": 4, ErrorCode.RESERVATION_TOO_SMALL.value: 2}
    assert _outcomes(results[6:]) == {"ok": 2, ErrorCode.INSUFFICIENT_STOCK.value: 4}
    balance = await _balance()
    assert (balance.on_hand, balance.reserved) == (0, 0)
    assert (await check_ledger()).ok
