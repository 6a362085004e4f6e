"""reserveStock, releaseStock and the reservations query."""

from __future__ import annotations

import pytest

from backend.domain.auth.roles import Role
from backend.domain.stock.kinds import ZoneKind
from backend.persistence.models import Reservation
from tests.api.ledger_helpers import (
    RELEASE,
    RESERVE,
    codes,
    ledger_ok,
    level,
    mutate,
    receive,
    reserve,
    snapshot,
)

RESERVATIONS = """
query($sku: String, $reference: String) {
  reservations(sku: $sku, reference: $reference) {
    nodes { reference quantity product { sku } location { code } }
  }
}
"""


@pytest.fixture
def clerk(actors):
    return actors[Role.WAREHOUSE]


@pytest.fixture
def agent(actors):
    """Customer service reserves stock for orders."""
    return actors[Role.CUSTOMER_SERVICE]


async def test_reserving_holds_stock_and_lowers_available(gql, clerk, agent, catalogue):
    bin_code = catalogue.bin(ZoneKind.SELLABLE)
    await receive(gql, clerk, "SKU-1", bin_code, 10)

    payload = await reserve(gql, agent, "SKU-1", bin_code, 4, "SO-1")

    assert payload["reservation"] == {
        "id": payload["reservation"]["id"],
        "reference": "SO-1",
        "quantity": 4,
        "product": {"sku": "SKU-1"},
        "location": {"code": bin_code},
    }
    assert await level(gql, clerk, "SKU-1", bin_code) == {
        "onHand": 10,
        "reserved": 4,
        "available": 6,
    }
    assert await ledger_ok(gql, clerk)


async def test_reserving_twice_for_one_order_adds_up(gql, clerk, agent, catalogue):
    bin_code = catalogue.bin(ZoneKind.SELLABLE)
    await receive(gql, clerk, "SKU-1", bin_code, 10)

    await reserve(gql, agent, "SKU-1", bin_code, 2, "SO-1")
    again = await reserve(gql, agent, "SKU-1", bin_code, 3, "SO-1")

    assert again["reservation"]["quantity"] == 5
    assert (await level(gql, clerk, "SKU-1", bin_code))["reserved"] == 5


@pytest.mark.parametrize(
    "kind", [ZoneKind.RECEIVING, ZoneKind.PENDING, ZoneKind.DEFECTIVE, ZoneKind.SCRAP]
)
async def test_only_sellable_stock_can_be_reserved(gql, clerk, agent, catalogue, kind):
    bin_code = catalogue.bin(kind)
    await receive(gql, clerk, "SKU-1", bin_code, 5)
    before = await snapshot()

    payload = await mutate(
        gql, RESERVE, agent, sku="SKU-1", locationCode=bin_code, quantity=1, reference="SO-1"
    )

    assert codes(payload) == ["RESERVE_ONLY_SELLABLE"]
    assert await snapshot() == before
    assert await Reservation.all().count() == 0


async def test_reserving_more_than_available_is_refused(gql, clerk, agent, catalogue):
    bin_code = catalogue.bin(ZoneKind.SELLABLE)
    await receive(gql, clerk, "SKU-1", bin_code, 5)
    await reserve(gql, agent, "SKU-1", bin_code, 3, "SO-1")
    before = await snapshot()

    payload = await mutate(
        gql, RESERVE, agent, sku="SKU-1", locationCode=bin_code, quantity=3, reference="SO-2"
    )

    assert codes(payload) == ["INSUFFICIENT_STOCK"]
    assert payload["reservation"] is None
    assert await snapshot() == before
    assert await Reservation.filter(reference="SO-2").count() == 0


async def test_releasing_gives_reserved_stock_back(gql, clerk, agent, catalogue):
    bin_code = catalogue.bin(ZoneKind.SELLABLE)
    await receive(gql, clerk, "SKU-1", bin_code, 10)
    await reserve(gql, agent, "SKU-1", bin_code, 4, "SO-1")

    payload = await mutate(
        gql, RELEASE, agent, sku="SKU-1", locationCode=bin_code, quantity=3, reference="SO-1"
    )

    assert payload["userErrors"] == []
    assert payload["reservation"]["quantity"] == 1
    assert payload["levels"][0] == {
        "onHand": 10,
        "reserved": 1,
        "available": 9,
        "location": {"code": bin_code},
    }
    assert await ledger_ok(gql, clerk)


async def test_releasing_more_than_reserved_is_refused(gql, clerk, agent, catalogue):
    bin_code = catalogue.bin(ZoneKind.SELLABLE)
    await receive(gql, clerk, "SKU-1", bin_code, 10)
    await reserve(gql, agent, "SKU-1", bin_code, 2, "SO-1")
    before = await snapshot()

    payload = await mutate(
        gql, RELEASE, agent, sku="SKU-1", locationCode=bin_code, quantity=3, reference="SO-1"
    )

    assert codes(payload) == ["RESERVATION_TOO_SMALL"]
    assert await snapshot() == before
    assert (await Reservation.get(reference="SO-1")).quantity == 2


async def test_releasing_an_unknown_reservation_is_refused(gql, clerk, agent, catalogue):
    bin_code = catalogue.bin(ZoneKind.SELLABLE)
    await receive(gql, clerk, "SKU-1", bin_code, 10)
    await reserve(gql, agent, "SKU-1", bin_code, 2, "SO-1")
    before = await snapshot()

    for sku, reference in [("SKU-1", "SO-NONE"), ("SKU-2", "SO-1")]:
        payload = await mutate(
            gql, RELEASE, agent, sku=sku, locationCode=bin_code, quantity=1, reference=reference
        )
        assert codes(payload) == ["UNKNOWN_RESERVATION"]
    assert await snapshot() == before


async def test_reservations_lists_open_reservations_only(gql, clerk, agent, catalogue):
    first, second = catalogue.bin(ZoneKind.SELLABLE, 0), catalogue.bin(ZoneKind.SELLABLE, 1)
    await receive(gql, clerk, "SKU-1", first, 10)
    await receive(gql, clerk, "SKU-2", second, 10)
    await reserve(gql, agent, "SKU-1", first, 2, "SO-1")
    await reserve(gql, agent, "SKU-2", second, 3, "SO-2")
    await reserve(gql, agent, "SKU-1", first, 1, "SO-3")
    released = await mutate(
        gql, RELEASE, agent, sku="SKU-1", locationCode=first, quantity=1, reference="SO-3"
    )
    assert released["userErrors"] == []

    every = (await gql(RESERVATIONS, None, clerk))["data"]["reservations"]["nodes"]
    by_sku = (await gql(RESERVATIONS, {"sku": "SKU-2"}, clerk))["data"]["reservations"]["nodes"]
    by_ref = (await gql(RESERVATIONS, {"reference": "SO-1"}, clerk))["data"]["reservations"]

    assert sorted((n["reference"], n["quantity"]) for n in every) == [("SO-1", 2), ("SO-2", 3)]
    assert by_sku == [
        {
            "reference": "SO-2",
            "quantity": 3,
            "product": {"sku": "SKU-2"},
            "location": {"code": second},
        }
    ]
    assert [n["reference"] for n in by_ref["nodes"]] == ["SO-1"]
