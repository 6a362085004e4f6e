"""Rules for CSV imports of products and locations: which columns a file must have, and
how each cell becomes a typed value, with one clear message per bad cell.

Plain Python: the service checks references against the database and writes.

A column missing from the header leaves that field of an existing record alone (a new record
takes the default); a column that is present but empty in a row means blank (or the default).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import NamedTuple, TypeVar

from backend.domain import validation
from backend.domain.errors import DomainError
from backend.domain.stock.kinds import SupplyMode, WarehouseKind, ZoneKind

T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)

HEADER_LINE = 1
BARCODE_SEPARATOR = "|"
DEFAULT_RETURN_WINDOW_DAYS = 7
MAX_RETURN_WINDOW_DAYS = 365
MAX_PRICE = Decimal("9999999999.99")  # DecimalField(max_digits=12, decimal_places=2)
MAX_FEE = Decimal("99999999.9999")  # DecimalField(max_digits=12, decimal_places=4)

PRODUCT_REQUIRED = ("sku", "barcodes", "name_zh", "name_en", "category_code", "unit_price")
PRODUCT_OPTIONAL = (
    "model",
    "style",
    "colour",
    "size",
    "category_name_zh",
    "category_name_en",
    "return_window_days",
    "supply_mode",
    "supplier_code",
    "supplier_name",
)
LOCATION_REQUIRED = (
    "warehouse_code",
    "warehouse_name",
    "warehouse_kind",
    "zone_code",
    "zone_kind",
    "location_code",
)
LOCATION_OPTIONAL = ("location_name", "custodian", "custody_fee_per_unit_day")


class RowError(NamedTuple):
    """One bad cell: line in the file (the header is line 1), column name, message."""

    line: int
    column: str
    message: str


def normalise_column(name: str) -> str:
    return name.replace("\ufeff", "").strip().lower()


def check_header(
    columns: list[str], required: tuple[str, ...], optional: tuple[str, ...]
) -> list[RowError]:
    """Every required column present, no unknown or repeated one (a typo would be ignored)."""
    errors: list[RowError] = []
    known = set(required) | set(optional)
    seen: set[str] = set()
    for column in columns:
        if column in seen:
            errors.append(RowError(HEADER_LINE, column, "column appears more than once"))
        elif column not in known:
            errors.append(
                RowError(
                    HEADER_LINE,
                    column,
                    f"unknown column; expected {', '.join(required + optional)}",
                )
            )
        seen.add(column)
    for column in required:
        if column not in seen:
            errors.append(RowError(HEADER_LINE, column, "required column is missing"))
    return errors


class _Cells:
    """Reads one row's cells, collecting a RowError for each bad one."""

    def __init__(self, line: int, values: Mapping[str, str | None]) -> None:
        self.line = line
        self.values = values
        self.errors: list[RowError] = []

    def has(self, column: str) -> bool:
        return column in self.values

    def raw(self, column: str) -> str:
        return (self.values.get(column) or "").strip()

    def fail(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.line, column, message))

    def parse(self, column: str, parser: Callable[[str], T], default: T) -> T:
        try:
            return parser(self.raw(column))
        except DomainError as error:
            self.fail(column, error.message)
        except ValueError as error:
            self.fail(column, str(error))
        return default

    def code(self, column: str, *, required: bool = True) -> str:
        if not required and not self.raw(column):
            return ""
        return self.parse(column, lambda v: validation.code(v, column), "")

    def text(self, column: str, max_length: int, *, required: bool = False) -> str:
        return self.parse(
            column,
            lambda v: validation.text(v, column, max_length=max_length, required=required),
            "",
        )

    def optional_text(self, column: str, max_length: int) -> str | None:
        return self.text(column, max_length) if self.has(column) else None


def _choice(value: str, column: str, choices: type[E]) -> E:
    names = [c.value for c in choices]
    if value.upper() not in names:
        raise ValueError(f"{column} must be one of {', '.join(names)}")
    return choices(value.upper())


def _decimal(value: str, column: str, *, places: int, maximum: Decimal) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{column} must be a number such as 129.00") from None
    if not number.is_finite():
        raise ValueError(f"{column} must be a number such as 129.00")
    if number < 0:
        raise ValueError(f"{column} must not be negative")
    if number > maximum:
        raise ValueError(f"{column} must be at most {maximum}")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        raise ValueError(f"{column} may have at most {places} decimal places")
    return number.quantize(Decimal(1).scaleb(-places))


def _return_window(value: str) -> int:
    if not value:
        return DEFAULT_RETURN_WINDOW_DAYS
    try:
        days = int(value)
    except ValueError:
        raise ValueError("return_window_days must be a whole number of days") from None
    if not 0 <= days <= MAX_RETURN_WINDOW_DAYS:
        raise ValueError(f"return_window_days must be between 0 and {MAX_RETURN_WINDOW_DAYS}")
    return days


def _barcodes(value: str) -> tuple[str, ...]:
    found: list[str] = []
    for part in value.split(BARCODE_SEPARATOR):
        if part.strip():
            barcode = validation.code(part, "barcodes")
            if barcode not in found:
                found.append(barcode)
    return tuple(found)


@dataclass(frozen=True)
class ProductRow:
    line: int
    sku: str
    barcodes: tuple[str, ...]
    name_zh: str
    name_en: str
    category_code: str
    category_name_zh: str
    category_name_en: str
    unit_price: Decimal
    # None: the column is not in the file, so an existing product keeps its value.
    model: str | None
    style: str | None
    colour: str | None
    size: str | None
    return_window_days: int | None
    supply_mode: SupplyMode | None
    supplier_code: str | None
    supplier_name: str


def parse_product(line: int, values: Mapping[str, str | None]) -> ProductRow | list[RowError]:
    cells = _Cells(line, values)
    short = validation.SHORT_TEXT
    name = validation.NAME_TEXT
    sku = cells.code("sku")
    no_barcodes: tuple[str, ...] = ()
    barcodes = cells.parse("barcodes", _barcodes, no_barcodes)
    name_zh = cells.text("name_zh", name, required=True)
    name_en = cells.text("name_en", name, required=True)
    model, style, colour = (cells.optional_text(c, short) for c in ("model", "style", "colour"))
    size = cells.optional_text("size", 32)
    category_code = cells.code("category_code")
    category_name_zh = cells.text("category_name_zh", name)
    category_name_en = cells.text("category_name_en", name)
    price = cells.parse(
        "unit_price",
        lambda v: _decimal(v, "unit_price", places=2, maximum=MAX_PRICE),
        Decimal(0),
    )
    days = cells.parse("return_window_days", _return_window, 0)
    mode = cells.parse(
        "supply_mode",
        lambda v: _choice(v, "supply_mode", SupplyMode) if v else SupplyMode.STOCKED,
        SupplyMode.STOCKED,
    )
    supplier_code = cells.code("supplier_code", required=False)
    if mode is SupplyMode.JUST_IN_TIME and not cells.raw("supplier_code"):
        cells.fail("supplier_code", "supplier_code is required for JUST_IN_TIME products")
    supplier_name = cells.text("supplier_name", name)
    if cells.errors:
        return cells.errors
    return ProductRow(
        line=line,
        sku=sku,
        barcodes=barcodes,
        name_zh=name_zh,
        name_en=name_en,
        category_code=category_code,
        category_name_zh=category_name_zh,
        category_name_en=category_name_en,
        unit_price=price,
        model=model,
        style=style,
        colour=colour,
        size=size,
        return_window_days=days if cells.has("return_window_days") else None,
        supply_mode=mode if cells.has("supply_mode") else None,
        supplier_code=supplier_code if cells.has("supplier_code") else None,
        supplier_name=supplier_name,
    )


@dataclass(frozen=True)
class LocationRow:
    line: int
    warehouse_code: str
    warehouse_name: str
    warehouse_kind: WarehouseKind
    custodian: str
    custody_fee_per_unit_day: Decimal | None
    zone_code: str
    zone_kind: ZoneKind
    location_code: str
    location_name: str | None  # None: the column is not in the file


def parse_location(line: int, values: Mapping[str, str | None]) -> LocationRow | list[RowError]:
    cells = _Cells(line, values)
    warehouse_code = cells.code("warehouse_code")
    warehouse_name = cells.text("warehouse_name", validation.NAME_TEXT, required=True)
    warehouse_kind = cells.parse(
        "warehouse_kind", lambda v: _choice(v, "warehouse_kind", WarehouseKind), WarehouseKind.OWN
    )
    custodian = cells.text("custodian", validation.NAME_TEXT)
    fee = cells.parse(
        "custody_fee_per_unit_day",
        lambda v: _decimal(v, "custody_fee_per_unit_day", places=4, maximum=MAX_FEE) if v else None,
        None,
    )
    if warehouse_kind is WarehouseKind.CONSIGNMENT and not cells.errors:
        if not custodian:
            cells.fail("custodian", "custodian is required for a CONSIGNMENT warehouse")
        if fee is None:
            cells.fail(
                "custody_fee_per_unit_day",
                "custody_fee_per_unit_day is required for a CONSIGNMENT warehouse",
            )
    elif warehouse_kind is not WarehouseKind.CONSIGNMENT:
        for column in ("custodian", "custody_fee_per_unit_day"):
            if cells.raw(column):
                cells.fail(column, f"{column} is only for CONSIGNMENT warehouses")
    zone_code = cells.code("zone_code")
    zone_kind = cells.parse(
        "zone_kind", lambda v: _choice(v, "zone_kind", ZoneKind), ZoneKind.SELLABLE
    )
    location_code = cells.code("location_code")
    location_name = cells.optional_text("location_name", validation.NAME_TEXT)
    if cells.errors:
        return cells.errors
    return LocationRow(
        line=line,
        warehouse_code=warehouse_code,
        warehouse_name=warehouse_name,
        warehouse_kind=warehouse_kind,
        custodian=custodian,
        custody_fee_per_unit_day=fee,
        zone_code=zone_code,
        zone_kind=zone_kind,
        location_code=location_code,
        location_name=location_name,
    )


def check_products(rows: list[ProductRow]) -> list[RowError]:
    """Rows that contradict earlier rows of the same file: a repeated SKU, or a barcode
    given to two different SKUs."""
    errors: list[RowError] = []
    sku_lines: dict[str, int] = {}
    barcode_owner: dict[str, ProductRow] = {}
    for row in rows:
        earlier = sku_lines.setdefault(row.sku, row.line)
        if earlier != row.line:
            errors.append(
                RowError(row.line, "sku", f"SKU {row.sku} already appears on line {earlier}")
            )
            continue
        for barcode in row.barcodes:
            owner = barcode_owner.setdefault(barcode, row)
            if owner is not row:
                errors.append(
                    RowError(
                        row.line,
                        "barcodes",
                        f"barcode {barcode} is already given to SKU {owner.sku} "
                        f"on line {owner.line}",
                    )
                )
    return errors


def check_locations(rows: list[LocationRow]) -> list[RowError]:
    """Rows that contradict earlier rows of the same file: a repeated location code, or a
    warehouse or zone given two different kinds."""
    errors: list[RowError] = []
    locations: dict[str, int] = {}
    warehouses: dict[str, LocationRow] = {}
    zones: dict[tuple[str, str], LocationRow] = {}
    for row in rows:
        earlier = locations.setdefault(row.location_code, row.line)
        if earlier != row.line:
            errors.append(
                RowError(
                    row.line,
                    "location_code",
                    f"location {row.location_code} already appears on line {earlier}",
                )
            )
        first = warehouses.setdefault(row.warehouse_code, row)
        if first.warehouse_kind is not row.warehouse_kind:
            errors.append(
                RowError(
                    row.line,
                    "warehouse_kind",
                    f"warehouse {row.warehouse_code} is {first.warehouse_kind} "
                    f"on line {first.line}",
                )
            )
        zone = zones.setdefault((row.warehouse_code, row.zone_code), row)
        if zone.zone_kind is not row.zone_kind:
            errors.append(
                RowError(
                    row.line,
                    "zone_kind",
                    f"zone {row.warehouse_code}/{row.zone_code} is {zone.zone_kind} "
                    f"on line {zone.line}",
                )
            )
    return errors
