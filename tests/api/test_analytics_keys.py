"""What analytics group and filter by is kept on the rows as they are made: a return line
keeps the courier that carried its goods out, a shipment line the warehouse its goods left
and its shipment's time and courier; migration 0010's backfill gives older rows the same
values."""

from __future__ import annotations

import importlib
from datetime import datetime

import pytest

from backend.domain.auth.roles import Role
from backend.domain.stock.kinds import ZoneKind
from backend.persistence import transaction
from backend.persistence.models import Location, ReturnLine, Shipment, ShipmentLine
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


async def shipment_lines() -> list[tuple[int, int | None, datetime | None, str | None]]:
    return [
        (line.id, line.warehouse_id, line.shipped_at, line.courier)
        for line in await ShipmentLine.all().order_by("id")
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


async def test_a_shipment_line_keeps_its_warehouse_time_and_courier(desk: Desk):
    waybill = await shipped_order(desk, "SO-K3", [("SKU-1", 2, "99.00")])
    sellable = await Location.get(code=desk.catalogue.bin(ZoneKind.SELLABLE))
    shipment = await Shipment.get(waybill=waybill)
    lines = await ShipmentLine.filter(shipment_id=shipment.id)
    assert [
        (line.quantity, line.warehouse_id, line.shipped_at, line.courier) for line in lines
    ] == [(2, sellable.warehouse_id, shipment.shipped_at, "SF")]


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
    kept_lines = await shipment_lines()
    assert all(None not in kept for kept in kept_lines)

    await transaction.execute("UPDATE return_line SET courier = NULL")
    await transaction.execute(
        "UPDATE shipment_line SET warehouse_id = NULL, shipped_at = NULL, courier = NULL"
    )
    migration = importlib.import_module("backend.persistence.migrations.0010_analytics_keys")
    for sql in migration.BACKFILL:
        await transaction.execute(sql)

    assert {n: await couriers(n) for n in numbers} == kept_couriers
    assert await shipment_lines() == kept_lines
