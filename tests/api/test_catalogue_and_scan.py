"""Catalogue and places as the API shows them, and what `scan` says a code is."""

from __future__ import annotations

import pytest

from backend.domain.auth.roles import Role
from backend.domain.stock.kinds import ZoneKind


@pytest.fixture
def clerk(actors):
    return actors[Role.WAREHOUSE]


PRODUCT = """
query($sku: String, $barcode: String) {
  product(sku: $sku, barcode: $barcode) { sku nameEn barcodes category { code } }
}
"""


async def test_a_product_is_found_by_sku_or_by_barcode(gql, clerk, catalogue):
    by_sku = await gql(PRODUCT, {"sku": "SKU-2"}, clerk)
    by_barcode = await gql(PRODUCT, {"barcode": "6900000000002"}, clerk)
    unknown = await gql(PRODUCT, {"sku": "NOPE"}, clerk)
    both = await gql(PRODUCT, {"sku": "SKU-2", "barcode": "6900000000002"}, clerk)

    expected = {
        "sku": "SKU-2",
        "nameEn": "Product 2",
        "barcodes": ["6900000000002"],
        "category": {"code": "APPAREL"},
    }
    assert by_sku["data"]["product"] == expected
    assert by_barcode["data"]["product"] == expected
    assert unknown["data"]["product"] is None
    assert both["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_products_search_matches_sku_name_and_model(gql, clerk, catalogue):
    query = "query($s: String) { products(filter: {search: $s}) { nodes { sku } } }"

    async def skus(search):
        return [
            n["sku"] for n in (await gql(query, {"s": search}, clerk))["data"]["products"]["nodes"]
        ]

    assert await skus(None) == ["SKU-1", "SKU-2", "SKU-3"]
    assert await skus("sku-3") == ["SKU-3"]
    assert await skus("商品2") == ["SKU-2"]
    assert await skus("M1") == ["SKU-1"]
    assert await skus("nothing-like-this") == []


async def test_warehouses_list_their_zones(gql, clerk, catalogue):
    body = await gql("{ warehouses { code kind zones { code kind } } }", None, clerk)

    (warehouse,) = body["data"]["warehouses"]
    assert warehouse["code"] == "W1"
    assert warehouse["kind"] == "OWN"
    assert sorted(z["kind"] for z in warehouse["zones"]) == sorted(k.value for k in ZoneKind)


async def test_locations_filter_by_warehouse_and_zone_kind(gql, clerk, catalogue):
    query = """query($f: LocationFilter) {
      locations(filter: $f, first: 100) { nodes { code zoneKind warehouse { code } } }
    }"""

    async def found(**f):
        return [
            n["code"] for n in (await gql(query, {"f": f}, clerk))["data"]["locations"]["nodes"]
        ]

    assert len(await found()) == 2 * len(ZoneKind)
    assert await found(zoneKind="SELLABLE") == ["W1-SEL-1", "W1-SEL-2"]
    assert await found(warehouseCode="W1", zoneKind="SCRAP") == ["W1-SCR-1", "W1-SCR-2"]
    assert await found(warehouseCode="W9") == []


SCAN = """
query($code: String!) {
  scan(code: $code) { code kind product { sku } location { code zoneKind } }
}
"""


@pytest.mark.parametrize(
    ("raw", "code", "kind", "product", "location"),
    [
        ("6900000000001", "6900000000001", "PRODUCT", {"sku": "SKU-1"}, None),
        ("６９００００００００００１", "6900000000001", "PRODUCT", {"sku": "SKU-1"}, None),
        ("  SKU-2 \t", "SKU-2", "PRODUCT", {"sku": "SKU-2"}, None),
        ("ＳＫＵ－３", "SKU-3", "PRODUCT", {"sku": "SKU-3"}, None),
        (" W1-SEL-1\n", "W1-SEL-1", "LOCATION", None, {"code": "W1-SEL-1", "zoneKind": "SELLABLE"}),
        ("0000000000000", "0000000000000", "UNKNOWN", None, None),
    ],
)
async def test_scan_says_what_a_code_is(gql, clerk, catalogue, raw, code, kind, product, location):
    body = await gql(SCAN, {"code": raw}, clerk)

    assert body["data"]["scan"] == {
        "code": code,
        "kind": kind,
        "product": product,
        "location": location,
    }
