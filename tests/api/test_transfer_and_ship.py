"""transferStock and shipStock through the API: what moves, and what is refused."""

from __future__ import annotations

import pytest

from backend.domain.auth.roles import Role
from backend.domain.stock.kinds import ZoneKind
from backend.persistence.models import StockMovement
from tests.api.ledger_helpers import (
    SHIP,
    TRANSFER,
    codes,
    ledger_ok,
    level,
    mutate,
    receive,
    reserve,
    snapshot,
)


@pytest.fixture
def clerk(actors):
    return actors[Role.WAREHOUSE]


async def test_transfer_moves_stock_between_bins_with_one_transfer_movement(gql, clerk, catalogue):
    source, target = catalogue.bin(ZoneKind.SELLABLE, 0), catalogue.bin(ZoneKind.SELLABLE, 1)
    await receive(gql, clerk, "SKU-1", source, 10)

    payload = await mutate(
        gql,
        TRANSFER,
        clerk,
        sku="SKU-1",
        fromLocationCode=source,
        toLocationCode=target,
        quantity=4,
        note="re-slot",
    )

    assert payload["userErrors"] == []
    movement = payload["movement"]
    assert movement["kind"] == "TRANSFER"
    assert movement["quantity"] == 4
    assert movement["fromLocation"] == {"code": source}
    assert movement["toLocation"] == {"code": target}
    levels = {lv["location"]["code"]: lv["onHand"] for lv in payload["levels"]}
    assert levels == {source: 6, target: 4}
    assert await StockMovement.filter(kind="TRANSFER").count() == 1
    assert await ledger_ok(gql, clerk)


async def test_transfer_of_more_than_available_is_refused_and_changes_nothing(
    gql, clerk, catalogue
):
    source, target = catalogue.bin(ZoneKind.SELLABLE, 0), catalogue.bin(ZoneKind.SELLABLE, 1)
    await receive(gql, clerk, "SKU-1", source, 5)
    await reserve(gql, clerk, "SKU-1", source, 2, "SO-1")
    before = await snapshot()

    payload = await mutate(
        gql,
        TRANSFER,
        clerk,
        sku="SKU-1",
        fromLocationCode=source,
        toLocationCode=target,
        quantity=4,  # 5 on hand, but only 3 available
    )

    assert codes(payload) == ["INSUFFICIENT_STOCK"]
    assert payload["movement"] is None
    assert await snapshot() == before
    assert await StockMovement.filter(kind="TRANSFER").count() == 0


async def test_transfer_to_the_same_bin_is_refused(gql, clerk, catalogue):
    bin_code = catalogue.bin(ZoneKind.SELLABLE)
    await receive(gql, clerk, "SKU-1", bin_code, 5)

    payload = await mutate(
        gql,
        TRANSFER,
        clerk,
        sku="SKU-1",
        fromLocationCode=bin_code,
        toLocationCode=bin_code,
        quantity=1,
    )

    assert codes(payload) == ["SAME_LOCATION"]
    assert await level(gql, clerk, "SKU-1", bin_code) == {
        "onHand": 5,
        "reserved": 0,
        "available": 5,
    }


async def test_nothing_leaves_a_pending_bin_by_transfer(gql, clerk, catalogue):
    pending = catalogue.bin(ZoneKind.PENDING)
    await receive(gql, clerk, "SKU-1", pending, 3)
    before = await snapshot()

    payload = await mutate(
        gql,
        TRANSFER,
        clerk,
        sku="SKU-1",
        fromLocationCode=pending,
        toLocationCode=catalogue.bin(ZoneKind.SELLABLE),
        quantity=1,
    )

    assert codes(payload) == ["PENDING_NEEDS_QC"]
    assert payload["userErrors"][0]["field"] == "fromLocationCode"
    assert await snapshot() == before


async def test_shipping_lowers_on_hand_with_a_shipment_movement(gql, clerk, catalogue):
    bin_code = catalogue.bin(ZoneKind.SELLABLE)
    await receive(gql, clerk, "SKU-2", bin_code, 8)

    payload = await mutate(
        gql, SHIP, clerk, sku="SKU-2", locationCode=bin_code, quantity=3, reference="SO-9"
    )

    assert payload["userErrors"] == []
    assert payload["movement"]["kind"] == "SHIPMENT"
    assert payload["movement"]["fromLocation"] == {"code": bin_code}
    assert payload["movement"]["toLocation"] is None
    assert payload["movement"]["reference"] == "SO-9"
    assert payload["levels"][0]["onHand"] == 5
    assert await ledger_ok(gql, clerk)


async def test_shipping_more_than_available_is_refused(gql, clerk, catalogue):
    bin_code = catalogue.bin(ZoneKind.SELLABLE)
    await receive(gql, clerk, "SKU-2", bin_code, 2)
    before = await snapshot()

    payload = await mutate(gql, SHIP, clerk, sku="SKU-2", locationCode=bin_code, quantity=3)

    assert codes(payload) == ["INSUFFICIENT_STOCK"]
    assert await snapshot() == before
    assert await StockMovement.filter(kind="SHIPMENT").count() == 0


async def test_shipping_from_a_pending_bin_is_refused(gql, clerk, catalogue):
    pending = catalogue.bin(ZoneKind.PENDING)
    await receive(gql, clerk, "SKU-2", pending, 2)
    before = await snapshot()

    payload = await mutate(gql, SHIP, clerk, sku="SKU-2", locationCode=pending, quantity=1)

    assert codes(payload) == ["PENDING_NEEDS_QC"]
    assert await snapshot() == before


async def test_shipping_a_reservation_lowers_both_on_hand_and_reserved(gql, actors, catalogue):
    clerk, logistics = actors[Role.WAREHOUSE], actors[Role.LOGISTICS]
    bin_code = catalogue.bin(ZoneKind.SELLABLE)
    await receive(gql, clerk, "SKU-3", bin_code, 10)
    await reserve(gql, clerk, "SKU-3", bin_code, 4, "SO-42")

    payload = await mutate(
        gql,
        SHIP,
        logistics,
        sku="SKU-3",
        locationCode=bin_code,
        quantity=3,
        reference="SO-42",
        fromReservation=True,
    )

    assert payload["userErrors"] == []
    assert payload["levels"][0] == {
        "onHand": 7,
        "reserved": 1,
        "available": 6,
        "location": {"code": bin_code},
    }
    assert await ledger_ok(gql, clerk)


async def test_reserved_stock_cannot_be_shipped_without_its_reservation(gql, clerk, catalogue):
    bin_code = catalogue.bin(ZoneKind.SELLABLE)
    await receive(gql, clerk, "SKU-3", bin_code, 5)
    await reserve(gql, clerk, "SKU-3", bin_code, 5, "SO-43")
    before = await snapshot()

    plain = await mutate(gql, SHIP, clerk, sku="SKU-3", locationCode=bin_code, quantity=1)
    other_order = await mutate(
        gql,
        SHIP,
        clerk,
        sku="SKU-3",
        locationCode=bin_code,
        quantity=1,
        reference="SO-OTHER",
        fromReservation=True,
    )

    assert codes(plain) == ["INSUFFICIENT_STOCK"]
    assert codes(other_order) == ["UNKNOWN_RESERVATION"]
    assert await snapshot() == before
    assert await StockMovement.filter(kind="SHIPMENT").count() == 0


async def test_shipping_more_than_the_reservation_holds_is_refused(gql, clerk, catalogue):
    bin_code = catalogue.bin(ZoneKind.SELLABLE)
    await receive(gql, clerk, "SKU-3", bin_code, 10)
    await reserve(gql, clerk, "SKU-3", bin_code, 2, "SO-44")
    before = await snapshot()

    payload = await mutate(
        gql,
        SHIP,
        clerk,
        sku="SKU-3",
        locationCode=bin_code,
        quantity=3,
        reference="SO-44",
        fromReservation=True,
    )

    assert codes(payload) == ["RESERVATION_TOO_SMALL"]
    assert await snapshot() == before
