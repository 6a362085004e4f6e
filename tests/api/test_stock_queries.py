"""Read side of the ledger: stock levels and movements with filters and cursor pages, the
ledger check, and the SQL statement count of a stockLevels page."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from backend.domain.auth.roles import Role
from backend.domain.stock.kinds import ZoneKind
from backend.persistence import models as m
from tests.api.ledger_helpers import (
    ADJUST,
    CORRECT,
    LEDGER_CHECK,
    RECEIVE,
    RELEASE,
    SHIP,
    TRANSFER,
    mutate,
    receive,
    reserve,
)

LEVELS = """
query($filter: StockLevelFilter, $first: Int, $after: String) {
  stockLevels(filter: $filter, first: $first, after: $after) {
    edges { cursor node { onHand product { sku } location { code } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

MOVEMENTS = """
query($filter: StockMovementFilter) {
  stockMovements(filter: $filter) { nodes { kind quantity reference } }
}
"""


@pytest.fixture
def clerk(actors):
    return actors[Role.WAREHOUSE]


async def _levels(gql, actor, first=None, after=None, **filter_):
    body = await gql(LEVELS, {"filter": filter_, "first": first, "after": after}, actor)
    assert "errors" not in body, body
    return body["data"]["stockLevels"]


def _triples(connection):
    return sorted(
        (e["node"]["product"]["sku"], e["node"]["location"]["code"], e["node"]["onHand"])
        for e in connection["edges"]
    )


@pytest.fixture
async def stocked(gql, clerk, catalogue):
    """SKU-1 in two sellable bins and a pending bin, SKU-2 in one sellable bin, one bin
    emptied by a shipment."""
    sel1, sel2 = catalogue.bin(ZoneKind.SELLABLE, 0), catalogue.bin(ZoneKind.SELLABLE, 1)
    pending = catalogue.bin(ZoneKind.PENDING)
    await receive(gql, clerk, "SKU-1", sel1, 5)
    await receive(gql, clerk, "SKU-1", sel2, 2)
    await receive(gql, clerk, "SKU-1", pending, 1)
    await receive(gql, clerk, "SKU-2", sel1, 7)
    await receive(gql, clerk, "SKU-3", sel2, 1)
    shipped = await mutate(gql, SHIP, clerk, sku="SKU-3", locationCode=sel2, quantity=1)
    assert shipped["userErrors"] == []
    return sel1, sel2, pending


async def test_stock_levels_filter_by_product_warehouse_zone_and_bin(gql, clerk, stocked):
    sel1, sel2, pending = stocked

    assert _triples(await _levels(gql, clerk, sku="SKU-1")) == [
        ("SKU-1", pending, 1),
        ("SKU-1", sel1, 5),
        ("SKU-1", sel2, 2),
    ]
    assert len((await _levels(gql, clerk, warehouseCode="W1"))["edges"]) == 4
    assert (await _levels(gql, clerk, warehouseCode="W9"))["edges"] == []
    assert _triples(await _levels(gql, clerk, zoneKind="PENDING")) == [("SKU-1", pending, 1)]
    assert _triples(await _levels(gql, clerk, locationCode=sel1)) == [
        ("SKU-1", sel1, 5),
        ("SKU-2", sel1, 7),
    ]


async def test_empty_balances_show_only_when_asked(gql, clerk, stocked):
    _, sel2, _ = stocked

    hidden = await _levels(gql, clerk, sku="SKU-3")
    shown = await _levels(gql, clerk, sku="SKU-3", includeEmpty=True)

    assert hidden["edges"] == []
    assert _triples(shown) == [("SKU-3", sel2, 0)]


async def test_cursor_pages_walk_every_level_exactly_once(gql, clerk, catalogue):
    for kind in (ZoneKind.SELLABLE, ZoneKind.RECEIVING, ZoneKind.DEFECTIVE):
        for n in (0, 1):
            for sku in ("SKU-1", "SKU-2"):
                await receive(gql, clerk, sku, catalogue.bin(kind, n), 1)

    seen, after, pages = [], None, 0
    while True:
        connection = await _levels(gql, clerk, first=5, after=after)
        pages += 1
        seen += [
            (e["node"]["product"]["sku"], e["node"]["location"]["code"])
            for e in connection["edges"]
        ]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
        assert after == connection["edges"][-1]["cursor"]

    assert pages == 3
    assert len(seen) == 12
    assert len(set(seen)) == 12


@pytest.mark.parametrize(
    ("first", "after"), [(0, None), (101, None), (-1, None), (10, "garbage"), (10, "aWQ6eA==")]
)
async def test_bad_page_arguments_are_bad_user_input(gql, clerk, catalogue, first, after):
    body = await gql(LEVELS, {"first": first, "after": after}, clerk)

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_stock_movements_filter_by_product_bin_reference_and_period(gql, clerk, catalogue):
    sel1, sel2 = catalogue.bin(ZoneKind.SELLABLE, 0), catalogue.bin(ZoneKind.SELLABLE, 1)
    await receive(gql, clerk, "SKU-1", sel1, 5)
    await mutate(gql, RECEIVE, clerk, sku="SKU-2", locationCode=sel1, quantity=3, reference="PO-9")
    boundary = datetime.now(UTC).isoformat()
    moved = await mutate(
        gql, TRANSFER, clerk, sku="SKU-1", fromLocationCode=sel1, toLocationCode=sel2, quantity=2
    )
    assert moved["userErrors"] == []
    await mutate(gql, SHIP, clerk, sku="SKU-1", locationCode=sel2, quantity=1, reference="SO-1")

    async def kinds(**filter_):
        body = await gql(MOVEMENTS, {"filter": filter_}, clerk)
        assert "errors" not in body, body
        return [n["kind"] for n in body["data"]["stockMovements"]["nodes"]]

    assert await kinds(sku="SKU-2") == ["RECEIPT"]
    assert await kinds(sku="SKU-1") == ["RECEIPT", "TRANSFER", "SHIPMENT"]
    assert await kinds(locationCode=sel2) == ["TRANSFER", "SHIPMENT"]
    assert await kinds(locationCode=sel1) == ["RECEIPT", "RECEIPT", "TRANSFER"]
    assert await kinds(reference="PO-9") == ["RECEIPT"]
    assert await kinds(reference="SO-1") == ["SHIPMENT"]
    assert await kinds(since=boundary) == ["TRANSFER", "SHIPMENT"]
    assert await kinds(until=boundary) == ["RECEIPT", "RECEIPT"]
    assert await kinds(kind="TRANSFER", locationCode=sel1) == ["TRANSFER"]


async def test_the_ledger_check_is_ok_after_a_series_of_operations(gql, actors, catalogue):
    clerk, admin = actors[Role.WAREHOUSE], actors[Role.ADMIN]
    sel1, sel2 = catalogue.bin(ZoneKind.SELLABLE, 0), catalogue.bin(ZoneKind.SELLABLE, 1)
    wrong = await receive(gql, clerk, "SKU-1", sel1, 10)
    await receive(gql, clerk, "SKU-1", sel1, 10)
    await reserve(gql, clerk, "SKU-1", sel1, 3, "SO-1")
    steps = [
        (TRANSFER, {"fromLocationCode": sel1, "toLocationCode": sel2, "quantity": 4}),
        (SHIP, {"locationCode": sel1, "quantity": 2, "reference": "SO-1", "fromReservation": True}),
        (RELEASE, {"locationCode": sel1, "quantity": 1, "reference": "SO-1"}),
        (ADJUST, {"locationCode": sel2, "countedQuantity": 3, "reason": "count"}),
    ]
    for document, fields in steps:
        payload = await mutate(gql, document, clerk, sku="SKU-1", **fields)
        assert payload["userErrors"] == [], payload
    corrected = await mutate(gql, CORRECT, admin, movementId=wrong["movement"]["id"], reason="x")
    assert corrected["userErrors"] == []

    check = (await gql(LEDGER_CHECK, None, clerk))["data"]["ledgerCheck"]

    assert check == {"ok": True, "balancesChecked": 2, "mismatches": []}


async def test_a_drifted_balance_shows_in_the_ledger_check(gql, clerk, catalogue):
    bin_code = catalogue.bin(ZoneKind.SELLABLE)
    await receive(gql, clerk, "SKU-1", bin_code, 4)
    await m.StockBalance.filter(product__sku="SKU-1").update(on_hand=9)

    check = (await gql(LEDGER_CHECK, None, clerk))["data"]["ledgerCheck"]

    assert check["ok"] is False
    assert check["mismatches"] == [{"sku": "SKU-1", "locationCode": bin_code}]


PAGE = """
query($first: Int!) {
  stockLevels(first: $first) {
    nodes {
      onHand
      product { sku barcodes category { code } }
      location { code zone { kind } warehouse { code } }
    }
  }
}
"""


class _Statements(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


async def _count_statements(gql, actor, first):
    handler = _Statements()
    logger = logging.getLogger("tortoise.db_client")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        body = await gql(PAGE, {"first": first}, actor)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert len(body["data"]["stockLevels"]["nodes"]) == first
    return handler.count


async def test_a_page_of_100_levels_costs_as_many_statements_as_a_page_of_10(gql, clerk, catalogue):
    category = await m.Category.create(code="SHOES", name_zh="鞋", name_en="Shoes")
    products = list(catalogue.products)
    for n in range(4, 10):
        product = await m.Product.create(
            sku=f"SKU-{n}",
            name_zh=f"商品{n}",
            name_en=f"Product {n}",
            model=f"M{n}",
            style="Run",
            colour="白色",
            size="42",
            category=category,
            unit_price=Decimal("199.00"),
        )
        await m.Barcode.create(code=f"69100000000{n:02d}", product=product)
        products.append(product)
    bins = [b.code for kind in ZoneKind for b in catalogue.bins[kind]]
    for product in products:
        for bin_code in bins:
            await receive(gql, clerk, product.sku, bin_code, 1)
    assert await m.StockBalance.all().count() >= 100

    small = await _count_statements(gql, clerk, 10)
    large = await _count_statements(gql, clerk, 100)

    assert small > 0
    assert large == small
