"""classifyProducts and abcRuns: consumption value from a hand-built ledger, classes with
the default and custom cut-offs, stored on the products and shown on Product."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from backend.domain.auth.roles import Role
from backend.domain.stock.kinds import MovementKind, ZoneKind
from backend.persistence import models as m
from tests.api.ledger_helpers import CORRECT, SHIP, key, mutate, receive

CLASSIFY = """
mutation($input: ClassifyProductsInput!) {
  classifyProducts(input: $input) {
    run {
      periodFrom periodTo cutoffA cutoffB totalValue aProducts bProducts cProducts
      runBy { username }
    }
    replayed
    userErrors { field code message }
  }
}
"""
CLASSES = """
{ products(first: 100) { nodes { sku abcClass abcValue abcClassifiedAt } } }
"""
RUNS = """
query($first: Int, $after: String) {
  abcRuns(first: $first, after: $after) {
    nodes { cutoffA cutoffB aProducts bProducts cProducts }
    pageInfo { hasNextPage endCursor }
  }
}
"""
PRODUCT = """
query($sku: String!) { product(sku: $sku) { abcClass abcValue abcClassifiedAt } }
"""

NOW = datetime.now(UTC)
PERIOD = {
    "periodFrom": (NOW - timedelta(days=30)).isoformat(),
    "periodTo": (NOW + timedelta(days=1)).isoformat(),
}


@pytest.fixture
def clerk(actors):
    return actors[Role.WAREHOUSE]


@pytest.fixture
async def consumed(gql, actors, clerk, catalogue):
    """Consumption in the period (units shipped out of sellable bins x unit price):
    SKU-1 10 x 50.00 = 500, SKU-2 3 x 100.00 = 300, SKU-3 2 x 75.00 = 150,
    SKU-4 1 x 50.00 = 50, SKU-5 nothing; total 1000. Not counted: SKU-4's 5 shipped and
    corrected, SKU-5's unit shipped out of a defective bin, SKU-3's 100 shipped 40 days
    ago, and the inactive SKU-6 is left alone."""
    category = await m.Category.get(code="APPAREL")
    for n in (4, 5, 6):
        await m.Product.create(
            sku=f"SKU-{n}",
            name_zh=f"商品{n}",
            name_en=f"Product {n}",
            category=category,
            unit_price=Decimal("1.00"),
            active=n != 6,
        )
    for sku, price in (("SKU-1", "50.00"), ("SKU-2", "100.00"), ("SKU-3", "75.00")):
        await m.Product.filter(sku=sku).update(unit_price=Decimal(price))
    await m.Product.filter(sku="SKU-4").update(unit_price=Decimal("50.00"))
    sellable = catalogue.bin(ZoneKind.SELLABLE)
    for sku, quantity in (("SKU-1", 10), ("SKU-2", 3), ("SKU-3", 2), ("SKU-4", 1)):
        await receive(gql, clerk, sku, sellable, quantity + 5)
        shipped = await mutate(gql, SHIP, clerk, sku=sku, locationCode=sellable, quantity=quantity)
        assert shipped["userErrors"] == []
    wrong = await mutate(gql, SHIP, clerk, sku="SKU-4", locationCode=sellable, quantity=5)
    fixed = await mutate(
        gql, CORRECT, actors[Role.ADMIN], movementId=wrong["movement"]["id"], reason="twice"
    )
    assert fixed["userErrors"] == []
    defective = catalogue.bin(ZoneKind.DEFECTIVE)
    await receive(gql, clerk, "SKU-5", defective, 1)
    await mutate(gql, SHIP, clerk, sku="SKU-5", locationCode=defective, quantity=1)
    product = await m.Product.get(sku="SKU-3")
    place = catalogue.bins[ZoneKind.SELLABLE][1]
    at = NOW - timedelta(days=40)
    for kind, source, target in (
        (MovementKind.RECEIPT, None, place),
        (MovementKind.SHIPMENT, place, None),
    ):
        await m.StockMovement.create(
            kind=kind,
            product=product,
            from_location=source,
            to_location=target,
            quantity=100,
            actor=clerk.user,
            created_at=at,
        )


async def classify(gql: Any, actor: Any, **fields: Any) -> dict[str, Any]:
    body = await gql(CLASSIFY, {"input": {"idempotencyKey": key(), **PERIOD, **fields}}, actor)
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["classifyProducts"]
    return payload


async def classes(gql: Any, actor: Any) -> dict[str, tuple[str | None, str | None]]:
    body = await gql(CLASSES, None, actor)
    return {n["sku"]: (n["abcClass"], n["abcValue"]) for n in body["data"]["products"]["nodes"]}


async def test_default_cut_offs_make_the_product_crossing_80_percent_an_a(gql, actors, consumed):
    supervisor = actors[Role.SUPERVISOR]
    payload = await classify(gql, supervisor)

    assert payload["userErrors"] == []
    assert payload["run"] == {
        "periodFrom": payload["run"]["periodFrom"],
        "periodTo": payload["run"]["periodTo"],
        "cutoffA": 80.0,
        "cutoffB": 15.0,
        "totalValue": "1000.00",
        "aProducts": 2,
        "bProducts": 1,
        "cProducts": 2,
        "runBy": {"username": "supervisor"},
    }
    # SKU-1 starts at 0 %, SKU-2 at 50 % (crosses 80: A), SKU-3 at 80 % (B), SKU-4 at 95 %.
    assert await classes(gql, supervisor) == {
        "SKU-1": ("A", "500.00"),
        "SKU-2": ("A", "300.00"),
        "SKU-3": ("B", "150.00"),
        "SKU-4": ("C", "50.00"),
        "SKU-5": ("C", "0.00"),
        "SKU-6": (None, None),  # inactive: not classified
    }


async def test_custom_cut_offs_and_the_latest_run_win(gql, actors, consumed):
    manager = actors[Role.CS_MANAGER]
    await classify(gql, manager)
    payload = await classify(gql, manager, cutoffA=50, cutoffB=30)

    assert (payload["run"]["aProducts"], payload["run"]["bProducts"]) == (1, 1)
    # A while before < 50 %: SKU-1; B while before < 80 %: SKU-2 (starts at 50 %).
    assert {sku: found[0] for sku, found in (await classes(gql, manager)).items()} == {
        "SKU-1": "A",
        "SKU-2": "B",
        "SKU-3": "C",
        "SKU-4": "C",
        "SKU-5": "C",
        "SKU-6": None,
    }
    runs = await gql(RUNS, {"first": 1}, manager)
    assert runs["data"]["abcRuns"]["nodes"] == [
        {"cutoffA": 50.0, "cutoffB": 30.0, "aProducts": 1, "bProducts": 1, "cProducts": 3}
    ]
    after = runs["data"]["abcRuns"]["pageInfo"]["endCursor"]
    older = await gql(RUNS, {"first": 1, "after": after}, manager)
    assert older["data"]["abcRuns"]["nodes"][0]["cutoffA"] == 80.0
    assert older["data"]["abcRuns"]["pageInfo"]["hasNextPage"] is False


async def test_the_product_shows_its_class_value_and_time(gql, actors, consumed):
    await classify(gql, actors[Role.ADMIN])

    shown = await gql(PRODUCT, {"sku": "SKU-2"}, actors[Role.WAREHOUSE])
    product = shown["data"]["product"]
    assert (product["abcClass"], product["abcValue"]) == ("A", "300.00")
    assert datetime.fromisoformat(product["abcClassifiedAt"]) >= NOW
    # Partner systems see the class, not the consumption value.
    partner = await gql(PRODUCT, {"sku": "SKU-2"}, actors[Role.PARTNER])
    assert (partner["data"]["product"]["abcClass"], partner["data"]["product"]["abcValue"]) == (
        "A",
        None,
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"cutoffA": 90, "cutoffB": 15}, "cutoffB"),
        ({"cutoffA": 0}, "cutoffA"),
        ({"cutoffB": -1}, "cutoffB"),
        ({"periodFrom": PERIOD["periodTo"], "periodTo": PERIOD["periodFrom"]}, "periodTo"),
    ],
)
async def test_impossible_cut_offs_or_periods_are_user_errors_and_change_nothing(
    gql, actors, consumed, fields, field
):
    payload = await classify(gql, actors[Role.SUPERVISOR], **fields)

    assert payload["run"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, "INVALID")]
    assert await m.AbcRun.all().count() == 0
    assert await m.Product.filter(abc_class__isnull=False).count() == 0


async def test_a_repeated_key_replays_the_run(gql, actors, consumed):
    given = {"input": {"idempotencyKey": "abc-once", **PERIOD}}
    first = await gql(CLASSIFY, given, actors[Role.CS_DIRECTOR])
    again = await gql(CLASSIFY, given, actors[Role.CS_DIRECTOR])

    assert again["data"]["classifyProducts"]["replayed"] is True
    assert again["data"]["classifyProducts"]["run"] == first["data"]["classifyProducts"]["run"]
    assert await m.AbcRun.all().count() == 1


async def test_only_the_managers_classify(gql, actors, catalogue):
    for role in (Role.WAREHOUSE, Role.QC, Role.FINANCE, Role.CUSTOMER_SERVICE, Role.PARTNER):
        body = await gql(CLASSIFY, {"input": {"idempotencyKey": key(), **PERIOD}}, actors[role])
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", role
    assert await m.AbcRun.all().count() == 0
