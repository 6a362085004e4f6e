"""What analytics group and filter by is kept on the rows as they are made: a return line
keeps the courier that carried its goods out, a shipment line the warehouse its goods left;
migration 0010's backfill gives older rows the same values."""

from __future__ import annotations

import importlib

import pytest

from backend.domain.auth.roles import Role
from backend.domain.stock.kinds import ZoneKind
from backend.persistence import transaction
from backend.persistence.models import Location, ReturnLine, ShipmentLine
from tests.api.returns_helpers import Desk
from tests.api.test_return_flows import shipped_order

CS, LOG = Role.CUSTOMER_SERVICE, Role.LOGISTICS


@pytest.fixture
def desk(gql, actors, catalogue) -> Desk:
    return Desk(gql, actors, catalogue)


async def couriers(number: str) -> list[str | None]:
    return [
        line.courier
        for line in await ReturnLine.filter(ticket__number=number).order_by("product_id")
    ]


async def test_a_return_line_keeps_the_courier_that_carried_its_goods(desk: Desk):
    await desk.delivered_order("SO-K1", [("SKU-1", 1, "99.00"), ("SKU-2", 1, "50.00")])
    ticket = await desk.do(
        "requestReturn",
        CS,
        orderNumber="SO-K1",
        kind="RETURN",
        reasonCode="QUALITY_DEFECT",
        details="Seam",
        lines=[{"sku": "SKU-1", "quantity": 1}, {"sku": "SKU-2", "quantity": 1}],
    )
    assert await couriers(ticket["number"]) == ["SF", "SF"]


async def test_a_refused_parcel_s_lines_keep_its_courier(desk: Desk):
    waybill = await shipped_order(desk, "SO-K2", [("SKU-1", 1, "99.00")])
    ticket = await desk.do(
        "recordRefusedParcel", LOG, waybill=waybill, courierPerson="王师傅", staffPerson="李强"
    )
    assert await couriers(ticket["number"]) == ["SF"]


async def test_a_shipment_line_keeps_the_warehouse_its_goods_left(desk: Desk):
    await shipped_order(desk, "SO-K3", [("SKU-1", 2, "99.00")])
    sellable = await Location.get(code=desk.catalogue.bin(ZoneKind.SELLABLE))
    lines = await ShipmentLine.filter(shipment__order__number="SO-K3")
    assert [(line.quantity, line.warehouse_id) for line in lines] == [(2, sellable.warehouse_id)]


async def test_the_backfill_gives_older_rows_what_the_services_keep(desk: Desk):
    await desk.delivered_order("SO-K4", [("SKU-1", 1, "99.00")])
    ticket = await desk.do(
        "requestReturn",
        CS,
        orderNumber="SO-K4",
        kind="RETURN",
        reasonCode="QUALITY_DEFECT",
        details="Seam",
        lines=[{"sku": "SKU-1", "quantity": 1}],
    )
    waybill = await shipped_order(desk, "SO-K5", [("SKU-2", 1, "50.00")])
    refused = await desk.do(
        "recordRefusedParcel", LOG, waybill=waybill, courierPerson="王师傅", staffPerson="李强"
    )
    numbers = [ticket["number"], refused["number"]]
    kept_couriers = {n: await couriers(n) for n in numbers}
    kept_warehouses = sorted((line.id, line.warehouse_id) for line in await ShipmentLine.all())
    assert all(warehouse is not None for _, warehouse in kept_warehouses)

    await transaction.execute("UPDATE return_line SET courier = NULL")
    await transaction.execute("UPDATE shipment_line SET warehouse_id = NULL")
    migration = importlib.import_module("backend.persistence.migrations.0010_analytics_keys")
    for sql in migration.BACKFILL:
        await transaction.execute(sql)

    assert {n: await couriers(n) for n in numbers} == kept_couriers
    assert sorted((line.id, line.warehouse_id) for line in await ShipmentLine.all()) == (
        kept_warehouses
    )
