"""CSV import of warehouses, zones and bin locations: created as needed, every bad row
reported by line and column, all or nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from backend.domain.stock.kinds import WarehouseKind, ZoneKind
from backend.persistence.models import Location, Warehouse, Zone
from backend.services.catalogue_import import import_locations, read_csv

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "locations.csv"
HEADER = "warehouse_code,warehouse_name,warehouse_kind,zone_code,zone_kind,location_code"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "locations.csv"
    path.write_text(text, encoding="utf-8")
    return path


async def test_the_sample_file_creates_warehouses_zones_and_bins_of_every_kind(db):
    report = await import_locations(read_csv(SAMPLE))

    assert report.errors == []
    assert report.created == 8
    assert report.also_created == {"warehouses": 2, "zones": 7}
    assert {z.kind async for z in Zone.filter(warehouse__code="BJ1")} == set(ZoneKind)
    consignment = await Warehouse.get(code="GZ-C")
    assert consignment.kind is WarehouseKind.CONSIGNMENT
    assert consignment.custodian == "广州顺达仓储有限公司"
    assert consignment.custody_fee_per_unit_day == Decimal("0.0150")
    bin_ = await Location.get(code="BJ1-A-01-02").prefetch_related("zone", "warehouse")
    assert bin_.name == "合格区 A01-02"
    assert bin_.zone.code == "A"
    assert bin_.zone_kind is bin_.zone.kind is ZoneKind.SELLABLE
    assert bin_.warehouse.code == "BJ1"


async def test_bins_are_added_to_existing_zones_and_renamed_on_a_second_import(catalogue, tmp_path):
    path = write(
        tmp_path,
        f"{HEADER},location_name\n"
        "W1,Main,OWN,SEL,SELLABLE,W1-SEL-1,货架一\n"
        "W1,Main,OWN,SEL,SELLABLE,W1-SEL-9,\n"
        "W1,Main,OWN,PEN,PENDING,W1-PEN-1,\n",
    )

    report = await import_locations(read_csv(path))

    assert report.errors == []
    assert (report.created, report.updated, report.unchanged) == (1, 1, 1)
    assert report.also_created == {"warehouses": 0, "zones": 0}
    assert (await Location.get(code="W1-SEL-1")).name == "货架一"
    new = await Location.get(code="W1-SEL-9")
    assert new.zone_id == catalogue.bins[ZoneKind.SELLABLE][0].zone_id
    assert new.warehouse_id == catalogue.warehouse.id


async def test_a_location_code_that_exists_in_another_zone_is_a_row_error(catalogue, tmp_path):
    path = write(
        tmp_path,
        f"{HEADER}\nW1,Main,OWN,SEL,SELLABLE,W1-NEW-1\nW1,Main,OWN,SEL,SELLABLE,W1-DEF-1\n",
    )

    report = await import_locations(read_csv(path))

    assert report.errors == [
        (3, "location_code", "location W1-DEF-1 already exists in zone W1/DEF")
    ]
    assert not await Location.exists(code="W1-NEW-1")


async def test_kinds_that_contradict_the_database_or_an_earlier_row_are_row_errors(
    catalogue, tmp_path
):
    path = write(
        tmp_path,
        f"{HEADER}\n"
        "W1,Main,CONSIGNMENT,SEL,SELLABLE,W1-A\n"
        "W1,Main,OWN,SEL,SCRAP,W1-B\n"
        "W2,Second,OWN,A,SELLABLE,W2-A\n"
        "W2,Second,SUPPLIER_HELD,A,PENDING,W2-B\n"
        "W2,Second,OWN,B,SELLABLE,W2-A\n",
    )

    report = await import_locations(read_csv(path))

    assert [(e.line, e.column) for e in report.errors] == [
        (2, "custodian"),
        (2, "custody_fee_per_unit_day"),
        (3, "zone_kind"),
        (5, "warehouse_kind"),
        (5, "zone_kind"),
        (6, "location_code"),
    ]
    messages = {(e.line, e.column): e.message for e in report.errors}
    assert messages[(3, "zone_kind")] == "zone W1/SEL already exists as SELLABLE"
    assert messages[(5, "warehouse_kind")] == "warehouse W2 is OWN on line 4"
    assert messages[(6, "location_code")] == "location W2-A already appears on line 4"
    assert not await Warehouse.exists(code="W2")


async def test_a_consignment_warehouse_already_in_the_database_must_keep_its_kind(
    catalogue, tmp_path
):
    path = write(
        tmp_path,
        f"{HEADER},custodian,custody_fee_per_unit_day\n"
        "W1,Main,CONSIGNMENT,SEL,SELLABLE,W1-A,顺达,0.01\n",
    )

    report = await import_locations(read_csv(path))

    assert report.errors == [(2, "warehouse_kind", "warehouse W1 already exists as OWN")]


async def test_custody_terms_are_required_for_consignment_and_refused_elsewhere(db, tmp_path):
    path = write(
        tmp_path,
        f"{HEADER},custodian,custody_fee_per_unit_day\n"
        "C1,Consigned,CONSIGNMENT,A,SELLABLE,C1-A,顺达,\n"
        "C2,Consigned,CONSIGNMENT,A,SELLABLE,C2-A,顺达,-0.5\n"
        "O1,Own,OWN,A,SELLABLE,O1-A,顺达,\n"
        "C3,Consigned,consignment,A,sellable,C3-A,顺达,0.00001\n",
    )

    report = await import_locations(read_csv(path))

    assert [(e.line, e.column) for e in report.errors] == [
        (2, "custody_fee_per_unit_day"),
        (3, "custody_fee_per_unit_day"),
        (4, "custodian"),
        (5, "custody_fee_per_unit_day"),
    ]
    assert "4 decimal places" in report.errors[-1].message
    assert await Warehouse.all().count() == 0


async def test_codes_and_kinds_are_validated_cell_by_cell(db, tmp_path):
    path = write(
        tmp_path,
        f"{HEADER}\n"
        "W 1,Main,OWN,A,SELLABLE,OK-1\n"
        ",Main,WAREHOUSE,A,SHELF,-bad\n"
        "W3,,OWN,A,SELLABLE,W3-A\n",
    )

    report = await import_locations(read_csv(path))

    assert [(e.line, e.column) for e in report.errors] == [
        (2, "warehouse_code"),
        (3, "warehouse_code"),
        (3, "warehouse_kind"),
        (3, "zone_kind"),
        (3, "location_code"),
        (4, "warehouse_name"),
    ]
    messages = {(e.line, e.column): e.message for e in report.errors}
    assert "letters, digits" in messages[(2, "warehouse_code")]
    assert messages[(3, "warehouse_code")] == "warehouse_code is required."
    assert "RECEIVING, SELLABLE" in messages[(3, "zone_kind")]
    assert await Location.all().count() == 0
