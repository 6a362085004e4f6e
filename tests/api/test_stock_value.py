"""Stock value by warehouse kind (issue 5, item 5): on hand x unit price, worked out by hand.

W1  OWN          SKU-1 3 x 99.00 + SKU-2 2 x 12.34 (another bin) = 321.68, 5 units
CG1 CONSIGNMENT  SKU-3 5 x 99.00                                  = 495.00, 5 units
DC1 DISTRIBUTION_CENTER  nothing                                  =   0.00
total 816.68
"""

from __future__ import annotations

from decimal import Decimal

from backend.domain.auth.roles import Role
from backend.domain.stock.kinds import WarehouseKind, ZoneKind
from backend.persistence import models as m
from tests.api.ledger_helpers import receive

VALUE = """
query($w: String) { stockValue(warehouseCode: $w) {
  total byKind { kind units value } byWarehouse { warehouse { code } kind units value } } }
"""


async def _warehouse(code: str, kind: WarehouseKind) -> str:
    warehouse = await m.Warehouse.create(code=code, name=code, kind=kind, custodian="顺达")
    zone = await m.Zone.create(warehouse=warehouse, code="A", kind=ZoneKind.SELLABLE)
    await m.Location.create(
        code=f"{code}-A", zone=zone, warehouse=warehouse, zone_kind=ZoneKind.SELLABLE
    )
    return f"{code}-A"


async def test_stock_value_by_kind_and_warehouse(gql, actors, catalogue):
    admin = actors[Role.ADMIN]
    await m.Product.filter(sku="SKU-2").update(unit_price=Decimal("12.34"))
    cg1 = await _warehouse("CG1", WarehouseKind.CONSIGNMENT)
    await _warehouse("DC1", WarehouseKind.DISTRIBUTION_CENTER)
    await receive(gql, admin, "SKU-1", catalogue.bin(ZoneKind.SELLABLE, 0), 3)
    await receive(gql, admin, "SKU-2", catalogue.bin(ZoneKind.SELLABLE, 1), 2)
    await receive(gql, admin, "SKU-3", cg1, 5)

    body = await gql(VALUE, {}, actors[Role.FINANCE])
    assert "errors" not in body, body
    found = body["data"]["stockValue"]
    assert found["total"] == "816.68"
    assert found["byKind"] == [
        {"kind": "OWN", "units": 5, "value": "321.68"},
        {"kind": "CONSIGNMENT", "units": 5, "value": "495.00"},
        {"kind": "DISTRIBUTION_CENTER", "units": 0, "value": "0.00"},
    ]
    assert found["byWarehouse"] == [
        {"warehouse": {"code": "CG1"}, "kind": "CONSIGNMENT", "units": 5, "value": "495.00"},
        {"warehouse": {"code": "DC1"}, "kind": "DISTRIBUTION_CENTER", "units": 0, "value": "0.00"},
        {"warehouse": {"code": "W1"}, "kind": "OWN", "units": 5, "value": "321.68"},
    ]

    one = (await gql(VALUE, {"w": "CG1"}, actors[Role.CS_DIRECTOR]))["data"]["stockValue"]
    assert (one["total"], [k["kind"] for k in one["byKind"]]) == ("495.00", ["CONSIGNMENT"])


async def test_an_unknown_warehouse_is_refused_and_the_floor_may_not_ask(gql, actors, catalogue):
    body = await gql(VALUE, {"w": "NOPE"}, actors[Role.SUPERVISOR])
    [error] = body["errors"]
    assert (error["extensions"]["code"], error["extensions"]["field"]) == (
        "BAD_USER_INPUT",
        "warehouseCode",
    )
    forbidden = await gql(VALUE, {}, actors[Role.WAREHOUSE])
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"
