"""adjustStock (a physical count) and correctMovement (reversing a wrong movement)."""

from __future__ import annotations

import pytest

from backend.domain.auth.roles import Role
from backend.domain.stock.kinds import ZoneKind
from backend.persistence.models import StockMovement
from tests.api.ledger_helpers import (
    ADJUST,
    CORRECT,
    SHIP,
    codes,
    counts,
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


@pytest.fixture
def admin(actors):
    return actors[Role.ADMIN]


def _row(movement: StockMovement) -> tuple:
    return (
        movement.kind,
        movement.product_id,
        movement.from_location_id,
        movement.to_location_id,
        movement.quantity,
        movement.reference_type,
        movement.reference,
        movement.reason,
        movement.actor_id,
        movement.corrects_id,
        movement.created_at,
    )


@pytest.mark.parametrize(("counted", "direction"), [(13, "to"), (6, "from")])
async def test_a_count_books_the_difference_as_an_adjustment(
    gql, clerk, catalogue, counted, direction
):
    bin_code = catalogue.bin(ZoneKind.SELLABLE)
    await receive(gql, clerk, "SKU-1", bin_code, 10)

    payload = await mutate(
        gql,
        ADJUST,
        clerk,
        sku="SKU-1",
        locationCode=bin_code,
        countedQuantity=counted,
        reason="cycle count",
    )

    assert payload["userErrors"] == []
    movement = payload["movement"]
    assert movement["kind"] == "ADJUSTMENT"
    assert movement["quantity"] == abs(counted - 10)
    assert movement["reason"] == "cycle count"
    assert movement[f"{direction}Location"] == {"code": bin_code}
    assert payload["levels"][0]["onHand"] == counted
    assert await ledger_ok(gql, clerk)


async def test_a_count_in_a_bin_never_booked_before_books_a_gain(gql, clerk, catalogue):
    bin_code = catalogue.bin(ZoneKind.SELLABLE, 1)

    payload = await mutate(
        gql, ADJUST, clerk, sku="SKU-2", locationCode=bin_code, countedQuantity=4, reason="found"
    )

    assert payload["userErrors"] == []
    assert payload["movement"]["quantity"] == 4
    assert (await level(gql, clerk, "SKU-2", bin_code))["onHand"] == 4
    assert await ledger_ok(gql, clerk)


async def test_a_count_equal_to_the_balance_books_no_movement(gql, clerk, catalogue):
    bin_code = catalogue.bin(ZoneKind.SELLABLE)
    await receive(gql, clerk, "SKU-1", bin_code, 7)
    before = await counts()

    payload = await mutate(
        gql, ADJUST, clerk, sku="SKU-1", locationCode=bin_code, countedQuantity=7, reason="ok"
    )

    assert payload["userErrors"] == []
    assert payload["movement"] is None
    assert payload["levels"][0]["onHand"] == 7
    assert await counts() == before


async def test_a_count_below_what_is_reserved_is_refused(gql, clerk, catalogue):
    bin_code = catalogue.bin(ZoneKind.SELLABLE)
    await receive(gql, clerk, "SKU-1", bin_code, 10)
    await reserve(gql, clerk, "SKU-1", bin_code, 4, "SO-1")
    before = await snapshot()

    payload = await mutate(
        gql, ADJUST, clerk, sku="SKU-1", locationCode=bin_code, countedQuantity=3, reason="x"
    )

    assert codes(payload) == ["COUNT_BELOW_RESERVED"]
    assert await snapshot() == before
    assert await StockMovement.filter(kind="ADJUSTMENT").count() == 0


@pytest.mark.parametrize("reason", ["", "   "])
async def test_a_count_needs_a_reason(gql, clerk, catalogue, reason):
    bin_code = catalogue.bin(ZoneKind.SELLABLE)
    await receive(gql, clerk, "SKU-1", bin_code, 10)
    before = await snapshot()

    payload = await mutate(
        gql, ADJUST, clerk, sku="SKU-1", locationCode=bin_code, countedQuantity=8, reason=reason
    )

    assert codes(payload) == ["REQUIRED"]
    assert payload["userErrors"][0]["field"] == "reason"
    assert await snapshot() == before


async def test_correcting_a_receipt_reverses_it_with_a_correction_pointing_at_it(
    gql, clerk, admin, catalogue
):
    bin_code = catalogue.bin(ZoneKind.SELLABLE)
    await receive(gql, clerk, "SKU-1", bin_code, 3)
    wrong = await receive(gql, clerk, "SKU-1", bin_code, 5)
    wrong_id = wrong["movement"]["id"]
    original_before = _row(await StockMovement.get(id=int(wrong_id)))

    payload = await mutate(gql, CORRECT, admin, movementId=wrong_id, reason="keyed twice")

    assert payload["userErrors"] == []
    correction = payload["movement"]
    assert correction["kind"] == "CORRECTION"
    assert correction["corrects"] == {"id": wrong_id, "kind": "RECEIPT"}
    assert correction["quantity"] == 5
    assert correction["fromLocation"] == {"code": bin_code}
    assert correction["toLocation"] is None
    assert payload["levels"][0]["onHand"] == 3
    assert _row(await StockMovement.get(id=int(wrong_id))) == original_before
    assert await StockMovement.all().count() == 3
    assert await ledger_ok(gql, clerk)


async def test_a_movement_can_be_corrected_only_once(gql, clerk, admin, catalogue):
    bin_code = catalogue.bin(ZoneKind.SELLABLE)
    wrong = await receive(gql, clerk, "SKU-1", bin_code, 5)
    movement_id = wrong["movement"]["id"]
    first = await mutate(gql, CORRECT, admin, movementId=movement_id, reason="wrong")
    assert first["userErrors"] == []
    before = await snapshot()

    second = await mutate(gql, CORRECT, admin, movementId=movement_id, reason="again")

    assert codes(second) == ["ALREADY_CORRECTED"]
    assert await snapshot() == before
    assert await StockMovement.filter(kind="CORRECTION").count() == 1


async def test_a_receipt_whose_stock_was_shipped_cannot_be_corrected(gql, clerk, admin, catalogue):
    bin_code = catalogue.bin(ZoneKind.SELLABLE)
    wrong = await receive(gql, clerk, "SKU-1", bin_code, 5)
    shipped = await mutate(gql, SHIP, clerk, sku="SKU-1", locationCode=bin_code, quantity=4)
    assert shipped["userErrors"] == []
    before = await snapshot()

    payload = await mutate(gql, CORRECT, admin, movementId=wrong["movement"]["id"], reason="x")

    assert codes(payload) == ["INSUFFICIENT_STOCK"]
    assert await snapshot() == before
    assert await StockMovement.filter(kind="CORRECTION").count() == 0


async def test_correcting_an_unknown_movement_is_a_user_error(gql, admin, catalogue):
    for movement_id in ("999999", "not-a-number"):
        payload = await mutate(gql, CORRECT, admin, movementId=movement_id, reason="x")
        assert codes(payload) == ["UNKNOWN_MOVEMENT"]
    assert await StockMovement.all().count() == 0


async def test_only_an_admin_may_correct_a_movement(gql, clerk, catalogue):
    wrong = await receive(gql, clerk, "SKU-1", catalogue.bin(ZoneKind.SELLABLE), 5)

    body = await gql(
        CORRECT,
        {"input": {"idempotencyKey": "c-1", "movementId": wrong["movement"]["id"], "reason": "x"}},
        clerk,
    )

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await StockMovement.filter(kind="CORRECTION").count() == 0
