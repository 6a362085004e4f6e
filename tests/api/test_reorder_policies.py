"""setReorderPolicy, reorderPolicies, Product.reorderPolicies and lowStock: the numbers of
a hand-built ledger (available over sellable bins, 30-day demand net of corrections, the
suggested quantity), the order and pages of the list, and who may do what."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from backend.domain.auth.roles import Role
from backend.domain.stock.kinds import MovementKind, WarehouseKind, ZoneKind
from backend.persistence import models as m
from tests.api.ledger_helpers import CORRECT, SHIP, key, mutate, receive, reserve

SET_POLICY = """
mutation($input: SetReorderPolicyInput!) {
  setReorderPolicy(input: $input) {
    policy {
      reorderPoint safetyStock coverDays below belowSince
      product { sku } warehouse { code } updatedBy { username }
    }
    replayed
    userErrors { field code message }
  }
}
"""
LOW_STOCK = """
query($warehouseCode: String, $first: Int, $after: String) {
  lowStock(warehouseCode: $warehouseCode, first: $first, after: $after) {
    nodes {
      product { sku } warehouse { code }
      available reorderPoint safetyStock coverDays belowSince dailyDemand suggestedQuantity
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""
POLICIES = """
query($warehouseCode: String) {
  reorderPolicies(warehouseCode: $warehouseCode) {
    nodes { product { sku } warehouse { code } reorderPoint below }
  }
}
"""
PRODUCT_POLICIES = """
query($sku: String!) {
  product(sku: $sku) { reorderPolicies { warehouse { code } reorderPoint safetyStock } }
}
"""


async def set_policy(gql: Any, actor: Any, **fields: Any) -> dict[str, Any]:
    given = {"sku": "SKU-1", "warehouseCode": "W1", "reorderPoint": 10, "safetyStock": 2}
    return await mutate(gql, SET_POLICY, actor, **{**given, **fields})


@pytest.fixture
def clerk(actors):
    return actors[Role.WAREHOUSE]


@pytest.fixture
def admin(actors):
    return actors[Role.ADMIN]


async def test_a_policy_is_saved_and_shown_on_the_product_and_in_the_list(
    gql, actors, clerk, catalogue
):
    await receive(gql, clerk, "SKU-1", catalogue.bin(ZoneKind.SELLABLE), 30)
    payload = await set_policy(gql, clerk, reorderPoint=12, safetyStock=4, coverDays=14)

    assert payload["userErrors"] == []
    assert payload["policy"] == {
        "reorderPoint": 12,
        "safetyStock": 4,
        "coverDays": 14,
        "below": False,
        "belowSince": None,
        "product": {"sku": "SKU-1"},
        "warehouse": {"code": "W1"},
        "updatedBy": {"username": "warehouse"},
    }
    shown = await gql(PRODUCT_POLICIES, {"sku": "SKU-1"}, clerk)
    assert shown["data"]["product"]["reorderPolicies"] == [
        {"warehouse": {"code": "W1"}, "reorderPoint": 12, "safetyStock": 4}
    ]
    partner_view = await gql(PRODUCT_POLICIES, {"sku": "SKU-1"}, actors[Role.PARTNER])
    assert partner_view["data"]["product"]["reorderPolicies"] == []

    # Setting it again changes the numbers of the one policy.
    again = await set_policy(gql, actors[Role.SUPERVISOR], reorderPoint=8, safetyStock=8)
    assert (again["policy"]["reorderPoint"], again["policy"]["coverDays"]) == (8, 30)
    listed = await gql(POLICIES, {"warehouseCode": "W1"}, clerk)
    assert listed["data"]["reorderPolicies"]["nodes"] == [
        {
            "product": {"sku": "SKU-1"},
            "warehouse": {"code": "W1"},
            "reorderPoint": 8,
            "below": False,
        }
    ]


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"reorderPoint": 3, "safetyStock": 4}, "reorderPoint", "INVALID_QUANTITY"),
        ({"reorderPoint": 3, "safetyStock": -1}, "safetyStock", "INVALID_QUANTITY"),
        ({"coverDays": 0}, "coverDays", "INVALID"),
        ({"coverDays": 366}, "coverDays", "INVALID"),
        ({"sku": "NOPE"}, "sku", "UNKNOWN_PRODUCT"),
        ({"warehouseCode": "W9"}, "warehouseCode", "UNKNOWN_WAREHOUSE"),
    ],
)
async def test_impossible_policies_are_user_errors_and_save_nothing(
    gql, clerk, catalogue, fields, field, code
):
    payload = await set_policy(gql, clerk, **fields)

    assert payload["policy"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert await m.ReorderPolicy.all().count() == 0


async def test_a_point_set_at_or_above_what_is_available_is_low_at_once(gql, clerk, catalogue):
    await receive(gql, clerk, "SKU-1", catalogue.bin(ZoneKind.SELLABLE), 10)

    payload = await set_policy(gql, clerk, reorderPoint=10, safetyStock=0)

    assert payload["policy"]["below"] is True
    assert payload["policy"]["belowSince"] is not None
    # Lowering the point below what is available lifts it again.
    lowered = await set_policy(gql, clerk, reorderPoint=9, safetyStock=0)
    assert (lowered["policy"]["below"], lowered["policy"]["belowSince"]) == (False, None)


async def test_roles_outside_the_table_cannot_set_policies(gql, actors, catalogue):
    for role in (Role.QC, Role.FINANCE, Role.CUSTOMER_SERVICE, Role.PARTNER):
        body = await gql(
            SET_POLICY,
            {
                "input": {
                    "idempotencyKey": key(),
                    "sku": "SKU-1",
                    "warehouseCode": "W1",
                    "reorderPoint": 1,
                    "safetyStock": 0,
                }
            },
            actors[role],
        )
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", role
    assert await m.ReorderPolicy.all().count() == 0


async def _old_shipment(catalogue, sku: str, quantity: int, days_ago: int) -> None:
    """A receipt and a shipment of `quantity` booked `days_ago` (the ledger stays whole)."""
    product = await m.Product.get(sku=sku)
    place = catalogue.bins[ZoneKind.SELLABLE][0]
    user = await m.User.get(username="warehouse")
    at = datetime.now(UTC) - timedelta(days=days_ago)
    for kind, source, target in (
        (MovementKind.RECEIPT, None, place),
        (MovementKind.SHIPMENT, place, None),
    ):
        await m.StockMovement.create(
            kind=kind,
            product=product,
            from_location=source,
            to_location=target,
            quantity=quantity,
            actor=user,
            created_at=at,
        )


@pytest.fixture
async def ledger(gql, clerk, admin, catalogue):
    """SKU-1 in W1, booked by hand:
    sellable 1: +20, ship 6, ship 2 (corrected back), reserve 4  -> 20 - 6 = 14, 10 available
    sellable 2: +8, ship 3                                        -> 5 available
    receiving: +7, defective: +4 then ship 1 out of it           -> not available, not demand
    40 days ago: 50 received and shipped                          -> outside the window
    available 15; shipped in the window from sellable bins, uncorrected: 6 + 3 = 9."""
    sel_1, sel_2 = catalogue.bin(ZoneKind.SELLABLE), catalogue.bin(ZoneKind.SELLABLE, 1)
    await receive(gql, clerk, "SKU-1", sel_1, 20)
    await receive(gql, clerk, "SKU-1", sel_2, 8)
    await receive(gql, clerk, "SKU-1", catalogue.bin(ZoneKind.RECEIVING), 7)
    await receive(gql, clerk, "SKU-1", catalogue.bin(ZoneKind.DEFECTIVE), 4)
    for bin_code, quantity in ((sel_1, 6), (sel_2, 3), (catalogue.bin(ZoneKind.DEFECTIVE), 1)):
        shipped = await mutate(
            gql, SHIP, clerk, sku="SKU-1", locationCode=bin_code, quantity=quantity
        )
        assert shipped["userErrors"] == []
    wrong = await mutate(gql, SHIP, clerk, sku="SKU-1", locationCode=sel_1, quantity=2)
    corrected = await mutate(
        gql, CORRECT, admin, movementId=wrong["movement"]["id"], reason="scanned twice"
    )
    assert corrected["userErrors"] == []
    await reserve(gql, clerk, "SKU-1", sel_1, 4, "SO-1")
    await _old_shipment(catalogue, "SKU-1", 50, days_ago=40)
    # A second warehouse, to show the filter.
    w2 = await m.Warehouse.create(code="W2", name="Second", kind=WarehouseKind.OWN)
    zone = await m.Zone.create(warehouse=w2, code="SEL", kind=ZoneKind.SELLABLE)
    await m.Location.create(code="W2-SEL-1", zone=zone, warehouse=w2, zone_kind=ZoneKind.SELLABLE)


async def test_low_stock_shows_available_demand_and_suggested_quantity(gql, clerk, ledger):
    await set_policy(gql, clerk, reorderPoint=20, safetyStock=5, coverDays=60)

    body = await gql(LOW_STOCK, {}, clerk)

    [item] = body["data"]["lowStock"]["nodes"]
    assert item.pop("belowSince") is not None
    assert item == {
        "product": {"sku": "SKU-1"},
        "warehouse": {"code": "W1"},
        "available": 15,
        "reorderPoint": 20,
        "safetyStock": 5,
        "coverDays": 60,
        "dailyDemand": pytest.approx(0.3),  # 9 units / 30 days
        "suggestedQuantity": 8,  # ceil(0.3 x 60) = 18, + 5 - 15
    }


async def test_low_stock_lists_the_most_short_first_in_pages_and_by_warehouse(
    gql, clerk, catalogue, ledger
):
    await set_policy(gql, clerk, reorderPoint=20, safetyStock=5)  # SKU-1: 15 of 20, short 5
    await set_policy(gql, clerk, sku="SKU-2", reorderPoint=3, safetyStock=0)  # 0 of 3, short 3
    await set_policy(gql, clerk, sku="SKU-3", reorderPoint=7, safetyStock=0)  # 0 of 7, short 7
    await set_policy(gql, clerk, sku="SKU-1", warehouseCode="W2", reorderPoint=1, safetyStock=0)
    await receive(gql, clerk, "SKU-3", catalogue.bin(ZoneKind.SELLABLE), 30)  # SKU-3 recovers

    def shown(body: dict[str, Any]) -> list[tuple[str, str, int]]:
        return [
            (n["product"]["sku"], n["warehouse"]["code"], n["reorderPoint"] - n["available"])
            for n in body["data"]["lowStock"]["nodes"]
        ]

    everything = await gql(LOW_STOCK, {}, clerk)
    assert shown(everything) == [("SKU-1", "W1", 5), ("SKU-2", "W1", 3), ("SKU-1", "W2", 1)]

    first = await gql(LOW_STOCK, {"warehouseCode": "W1", "first": 1}, clerk)
    assert shown(first) == [("SKU-1", "W1", 5)]
    assert first["data"]["lowStock"]["pageInfo"]["hasNextPage"] is True
    after = first["data"]["lowStock"]["pageInfo"]["endCursor"]
    second = await gql(LOW_STOCK, {"warehouseCode": "W1", "first": 1, "after": after}, clerk)
    assert shown(second) == [("SKU-2", "W1", 3)]
    assert second["data"]["lowStock"]["pageInfo"]["hasNextPage"] is False

    unknown = await gql(LOW_STOCK, {"warehouseCode": "NOPE"}, clerk)
    assert unknown["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    bad_cursor = await gql(LOW_STOCK, {"after": "bm90LWEtY3Vyc29y"}, clerk)
    assert bad_cursor["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_product_taken_out_of_the_catalogue_is_not_listed_as_low(gql, clerk, ledger):
    await set_policy(gql, clerk, reorderPoint=20, safetyStock=5)  # SKU-1: 15 of 20
    await set_policy(gql, clerk, sku="SKU-2", reorderPoint=3, safetyStock=0)  # 0 of 3
    await m.Product.filter(sku="SKU-2").update(active=False)  # no longer sold

    body = await gql(LOW_STOCK, {}, clerk)

    assert [n["product"]["sku"] for n in body["data"]["lowStock"]["nodes"]] == ["SKU-1"]


async def test_partners_may_not_read_low_stock(gql, actors, catalogue):
    body = await gql(LOW_STOCK, {}, actors[Role.PARTNER])
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
