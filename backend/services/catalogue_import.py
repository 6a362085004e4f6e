"""CSV import of products and locations (`warehouse import-products FILE`).

All or nothing: every row is validated first, then checked against the database, and only
a file without a single error is written, in one transaction. The report lists every bad
row with its line (the header is line 1), column and message.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from backend.domain.catalogue.import_rules import (
    HEADER_LINE,
    LOCATION_OPTIONAL,
    LOCATION_REQUIRED,
    PRODUCT_OPTIONAL,
    PRODUCT_REQUIRED,
    LocationRow,
    ProductRow,
    RowError,
    check_header,
    check_locations,
    check_products,
    normalise_column,
    parse_location,
    parse_product,
)
from backend.domain.stock.kinds import SupplyMode
from backend.persistence.models import (
    Barcode,
    Category,
    Location,
    Product,
    Supplier,
    Warehouse,
    Zone,
)
from backend.persistence.transaction import transaction

__all__ = ["CsvRow", "ImportFileError", "ImportReport", "RowError", "read_csv"]

R = TypeVar("R")
_CHUNK = 500  # keeps `IN (...)` lists well under every database's parameter limit


class ImportFileError(Exception):
    """The file cannot be read as CSV at all (no header, not UTF-8, broken quoting)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


class CsvRow(dict[str, str]):
    """One data row keyed by normalised column name, remembering where it was in the file."""

    def __init__(
        self, values: Mapping[str, str], *, line: int, header: list[str], extra: list[str]
    ) -> None:
        super().__init__(values)
        self.line = line
        self.header = header
        self.extra = extra


def read_csv(path: str | Path) -> Iterator[CsvRow]:
    """Rows of a UTF-8 CSV file (a byte-order mark is fine); the first line names the
    columns. Blank lines are skipped; a quoted cell may span lines."""
    reader: Any = None
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = [normalise_column(name) for name in next(reader, [])]
            if not any(header):
                raise ImportFileError(
                    HEADER_LINE, "the file is empty; its first line must name the columns"
                )
            last_line = reader.line_num
            for cells in reader:
                line, last_line = last_line + 1, reader.line_num
                if not any(cell.strip() for cell in cells):
                    continue
                yield CsvRow(
                    dict(zip(header, cells, strict=False)),
                    line=line,
                    header=header,
                    extra=cells[len(header) :],
                )
    except UnicodeDecodeError:
        raise ImportFileError(_line_after(reader), "the file is not UTF-8 text") from None
    except csv.Error as error:
        raise ImportFileError(_line_after(reader), f"the file is not valid CSV: {error}") from None


def _line_after(reader: Any) -> int:
    return int(reader.line_num) + 1 if reader is not None else HEADER_LINE


@dataclass
class ImportReport:
    what: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    also_created: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            rows = len({error.line for error in self.errors})
            return (
                f"{self.what}: {len(self.errors)} error(s) in {rows} line(s); nothing was written"
            )
        line = (
            f"{self.what}: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged"
        )
        extra = ", ".join(f"new {what}: {n}" for what, n in self.also_created.items() if n)
        return f"{line} ({extra})" if extra else line


def _parse_rows(
    rows: Iterable[Mapping[str, str | None]],
    required: tuple[str, ...],
    optional: tuple[str, ...],
    parse: Callable[[int, Mapping[str, str | None]], R | list[RowError]],
) -> tuple[list[R], list[RowError]]:
    parsed: list[R] = []
    errors: list[RowError] = []
    header: list[str] | None = None
    for index, row in enumerate(rows):
        line = getattr(row, "line", index + 2)
        extra = list(getattr(row, "extra", []))
        values: dict[str, str | None] = {}
        for key, value in row.items():
            if key is None:  # csv.DictReader puts surplus cells under None
                extra.extend(value or [])
            else:
                values[normalise_column(key)] = value
        if header is None:
            header = list(getattr(row, "header", values.keys()))
            errors = check_header(header, required, optional)
            if errors:
                return [], errors
        if any((cell or "").strip() for cell in extra):
            errors.append(
                RowError(line, "", f"the row has more cells than the header's {len(header)}")
            )
            continue
        result = parse(line, values)
        if isinstance(result, list):
            errors.extend(result)
        else:
            parsed.append(result)
    return parsed, errors


async def _in_chunks(keys: Iterable[Any], fetch: Callable[[list[Any]], Any]) -> list[Any]:
    unique = list(dict.fromkeys(keys))
    found: list[Any] = []
    for start in range(0, len(unique), _CHUNK):
        found.extend(await fetch(unique[start : start + _CHUNK]))
    return found


def _finish(report: ImportReport, errors: Sequence[RowError]) -> ImportReport:
    report.errors = sorted(errors, key=lambda e: e.line)
    return report


# ---------------------------------------------------------------- products


async def import_products(rows: Iterable[Mapping[str, str | None]]) -> ImportReport:
    report = ImportReport("products")
    parsed, errors = _parse_rows(rows, PRODUCT_REQUIRED, PRODUCT_OPTIONAL, parse_product)
    if errors and not parsed:
        return _finish(report, errors)
    errors += check_products(parsed)
    async with transaction():
        products: dict[str, Product] = {
            p.sku: p
            for p in await _in_chunks(
                (r.sku for r in parsed), lambda ks: Product.filter(sku__in=ks)
            )
        }
        owners: dict[str, str] = {
            b["code"]: b["product__sku"]
            for b in await _in_chunks(
                (code for r in parsed for code in r.barcodes),
                lambda ks: Barcode.filter(code__in=ks).values("code", "product__sku"),
            )
        }
        categories: dict[str, Category] = {
            c.code: c
            for c in await _in_chunks(
                (r.category_code for r in parsed), lambda ks: Category.filter(code__in=ks)
            )
        }
        suppliers: dict[str, Supplier] = {
            s.code: s
            for s in await _in_chunks(
                (r.supplier_code for r in parsed if r.supplier_code),
                lambda ks: Supplier.filter(code__in=ks),
            )
        }
        errors += _product_references(parsed, products, owners, categories, suppliers)
        if errors:
            return _finish(report, errors)
        await _create_categories_and_suppliers(parsed, categories, suppliers, report)
        for row in parsed:
            await _upsert_product(row, products.get(row.sku), owners, categories, suppliers, report)
    return report


def _product_references(
    rows: list[ProductRow],
    products: Mapping[str, Product],
    owners: Mapping[str, str],
    categories: Mapping[str, Category],
    suppliers: Mapping[str, Supplier],
) -> list[RowError]:
    errors: list[RowError] = []
    named_categories = {r.category_code for r in rows if r.category_name_zh and r.category_name_en}
    named_suppliers = {r.supplier_code for r in rows if r.supplier_code and r.supplier_name}
    for row in rows:
        if row.sku not in products and not row.barcodes:
            errors.append(
                RowError(row.line, "barcodes", "a new product needs at least one barcode")
            )
        for barcode in row.barcodes:
            owner = owners.get(barcode)
            if owner is not None and owner != row.sku:
                errors.append(
                    RowError(
                        row.line, "barcodes", f"barcode {barcode} already belongs to SKU {owner}"
                    )
                )
        if row.category_code not in categories and row.category_code not in named_categories:
            column = "category_name_en" if row.category_name_zh else "category_name_zh"
            errors.append(
                RowError(
                    row.line,
                    column,
                    f"category {row.category_code} does not exist; give category_name_zh "
                    "and category_name_en to create it",
                )
            )
        code = row.supplier_code
        if code and code not in suppliers and code not in named_suppliers:
            errors.append(
                RowError(
                    row.line,
                    "supplier_code",
                    f"supplier {code} does not exist; give supplier_name to create it",
                )
            )
    return errors


async def _create_categories_and_suppliers(
    rows: list[ProductRow],
    categories: dict[str, Category],
    suppliers: dict[str, Supplier],
    report: ImportReport,
) -> None:
    report.also_created = {"categories": 0, "suppliers": 0}
    for row in rows:
        if row.category_code not in categories and row.category_name_zh and row.category_name_en:
            categories[row.category_code] = await Category.create(
                code=row.category_code, name_zh=row.category_name_zh, name_en=row.category_name_en
            )
            report.also_created["categories"] += 1
        code = row.supplier_code
        if code and code not in suppliers and row.supplier_name:
            suppliers[code] = await Supplier.create(code=code, name=row.supplier_name)
            report.also_created["suppliers"] += 1


async def _upsert_product(
    row: ProductRow,
    product: Product | None,
    owners: Mapping[str, str],
    categories: Mapping[str, Category],
    suppliers: Mapping[str, Supplier],
    report: ImportReport,
) -> None:
    values: dict[str, Any] = {
        "name_zh": row.name_zh,
        "name_en": row.name_en,
        "category_id": categories[row.category_code].id,
        "unit_price": row.unit_price,
    }
    optional = {
        "model": row.model,
        "style": row.style,
        "colour": row.colour,
        "size": row.size,
        "return_window_days": row.return_window_days,
        "supply_mode": row.supply_mode,
    }
    values.update({name: value for name, value in optional.items() if value is not None})
    if row.supplier_code is not None:
        values["supplier_id"] = suppliers[row.supplier_code].id if row.supplier_code else None
    if product is None:
        values.setdefault("supply_mode", SupplyMode.STOCKED)
        product = await Product.create(sku=row.sku, **values)
        report.created += 1
    else:
        changed = {k: v for k, v in values.items() if getattr(product, k) != v}
        new_barcodes = [b for b in row.barcodes if owners.get(b) != row.sku]
        if changed:
            product.update_from_dict(changed)
            await product.save()
        if changed or new_barcodes:
            report.updated += 1
        else:
            report.unchanged += 1
    for barcode in row.barcodes:
        if owners.get(barcode) != row.sku:
            await Barcode.create(code=barcode, product=product)


# ---------------------------------------------------------------- locations


async def import_locations(rows: Iterable[Mapping[str, str | None]]) -> ImportReport:
    report = ImportReport("locations")
    parsed, errors = _parse_rows(rows, LOCATION_REQUIRED, LOCATION_OPTIONAL, parse_location)
    if errors and not parsed:
        return _finish(report, errors)
    errors += check_locations(parsed)
    async with transaction():
        warehouses: dict[str, Warehouse] = {
            w.code: w
            for w in await _in_chunks(
                (r.warehouse_code for r in parsed), lambda ks: Warehouse.filter(code__in=ks)
            )
        }
        zones: dict[tuple[str, str], Zone] = {
            (z.warehouse.code, z.code): z
            for z in await _in_chunks(
                (w.id for w in warehouses.values()),
                lambda ids: Zone.filter(warehouse_id__in=ids).select_related("warehouse"),
            )
        }
        locations: dict[str, Location] = {
            loc.code: loc
            for loc in await _in_chunks(
                (r.location_code for r in parsed),
                lambda ks: Location.filter(code__in=ks).select_related("zone__warehouse"),
            )
        }
        errors += _location_references(parsed, warehouses, zones, locations)
        if errors:
            return _finish(report, errors)
        report.also_created = {"warehouses": 0, "zones": 0}
        for row in parsed:
            await _upsert_location(row, warehouses, zones, locations, report)
    return report


def _location_references(
    rows: list[LocationRow],
    warehouses: Mapping[str, Warehouse],
    zones: Mapping[tuple[str, str], Zone],
    locations: Mapping[str, Location],
) -> list[RowError]:
    errors: list[RowError] = []
    for row in rows:
        warehouse = warehouses.get(row.warehouse_code)
        if warehouse is not None and warehouse.kind != row.warehouse_kind:
            errors.append(
                RowError(
                    row.line,
                    "warehouse_kind",
                    f"warehouse {warehouse.code} already exists as {warehouse.kind.value}",
                )
            )
        zone = zones.get((row.warehouse_code, row.zone_code))
        if zone is not None and zone.kind != row.zone_kind:
            errors.append(
                RowError(
                    row.line,
                    "zone_kind",
                    f"zone {row.warehouse_code}/{zone.code} already exists as {zone.kind.value}",
                )
            )
        location = locations.get(row.location_code)
        if location is not None:
            where = (location.zone.warehouse.code, location.zone.code)
            if where != (row.warehouse_code, row.zone_code):
                errors.append(
                    RowError(
                        row.line,
                        "location_code",
                        f"location {location.code} already exists in zone {'/'.join(where)}",
                    )
                )
    return errors


async def _upsert_location(
    row: LocationRow,
    warehouses: dict[str, Warehouse],
    zones: dict[tuple[str, str], Zone],
    locations: Mapping[str, Location],
    report: ImportReport,
) -> None:
    warehouse = warehouses.get(row.warehouse_code)
    if warehouse is None:
        warehouse = warehouses[row.warehouse_code] = await Warehouse.create(
            code=row.warehouse_code,
            name=row.warehouse_name,
            kind=row.warehouse_kind,
            custodian=row.custodian,
            custody_fee_per_unit_day=row.custody_fee_per_unit_day,
        )
        report.also_created["warehouses"] += 1
    zone = zones.get((row.warehouse_code, row.zone_code))
    if zone is None:
        zone = zones[(row.warehouse_code, row.zone_code)] = await Zone.create(
            warehouse=warehouse, code=row.zone_code, kind=row.zone_kind
        )
        report.also_created["zones"] += 1
    location = locations.get(row.location_code)
    if location is None:
        await Location.create(
            code=row.location_code,
            zone=zone,
            warehouse=warehouse,
            zone_kind=zone.kind,
            name=row.location_name or "",
        )
        report.created += 1
    elif row.location_name is not None and location.name != row.location_name:
        location.name = row.location_name
        await location.save(update_fields=["name"])
        report.updated += 1
    else:
        report.unchanged += 1
