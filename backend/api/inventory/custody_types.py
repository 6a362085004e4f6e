"""The custody-fee statement (委托保管) and stock value by warehouse kind as the API shows
them. The statement's lines and figures come with it; its movements are a connection of
their own, read page by page."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from decimal import Decimal
from typing import cast

import strawberry

from backend.api.catalogue.types import Product, Warehouse
from backend.api.context import Info
from backend.api.enums import WarehouseKind
from backend.api.errors import bad_input
from backend.api.hydrate import Hydrator
from backend.api.pagination import Connection, Edge, PageInfo, page_size
from backend.api.stock.types import MovementRow, StockMovement, build_movements
from backend.persistence.queries.custody import MovementCursor
from backend.services.inventory import custody as service
from backend.services.inventory import stock_value as value_service


@strawberry.type(description="One warehouse's and product's custody in the period.")
class CustodyFeeLine:
    warehouse: Warehouse
    product: Product
    opening_units: int = strawberry.field(description="Units held when the period began.")
    closing_units: int = strawberry.field(description="Units held when it ended.")
    units_in: int
    units_out: int
    unit_days: Decimal = strawberry.field(
        description="Units held integrated over the period, in days (exact to the second,"
        " rounded half-up to 4 decimals)."
    )
    fee_per_unit_day: Decimal
    amount: Decimal = strawberry.field(
        description="unitDays x feePerUnitDay, rounded half-up to cents."
    )


@strawberry.type(description="A ledger movement into (+) or out of (-) a custodian's warehouse.")
class CustodyFeeMovement:
    movement: StockMovement
    warehouse: Warehouse
    quantity: int = strawberry.field(description="Signed: + into the warehouse, - out of it.")
    moved_at: datetime
    unit_days: Decimal = strawberry.field(
        description="What it adds to (or takes from) the period's unit-days: quantity x the"
        " days from it to the end of the period."
    )


def _encode(cursor: MovementCursor) -> str:
    raw = f"cm:{cursor.moved_at.isoformat()}|{cursor.movement_id}|{cursor.side}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode(cursor: str | None) -> MovementCursor | None:
    if cursor is None:
        return None
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        moved_at, movement_id, side = value.split("|")
        if kind == "cm":
            return MovementCursor(datetime.fromisoformat(moved_at), int(movement_id), int(side))
    except (ValueError, UnicodeDecodeError, binascii.Error):
        pass
    raise bad_input("The `after` cursor is not one this API gave out.")


@strawberry.type(
    description="What a consignment custodian charges for a period: units held in its"
    " CONSIGNMENT warehouses (all bins) integrated over [periodFrom, periodTo), times each"
    " warehouse's fee per unit-day."
)
class CustodyFeeStatement:
    custodian: str
    period_from: datetime
    period_to: datetime
    unit_days: Decimal = strawberry.field(description="The sum of the lines' unit-days.")
    amount: Decimal = strawberry.field(description="The sum of the lines' amounts.")
    lines: list[CustodyFeeLine]
    found: strawberry.Private[service.Statement]

    @strawberry.field(
        description="The ledger movements behind the statement: into and out of the"
        " custodian's warehouses in the period, oldest first (moves between two bins of"
        " one warehouse change nothing and are left out)."
    )
    async def movements(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[CustodyFeeMovement]:
        page, more = await service.movements(self.found, page_size(first), _decode(after))
        h = Hydrator(info)
        loaded = await info.context.loaders.movement.load_many([r.row.movement_id for _, r in page])
        rows = [MovementRow.from_model(m) for m in loaded if m is not None]
        built = {m.id: m for m in await build_movements(h, rows)}
        warehouses = await _warehouses(info, [r.row.warehouse_id for _, r in page])
        nodes = [
            CustodyFeeMovement(
                movement=built[strawberry.ID(str(r.row.movement_id))],
                warehouse=warehouses[r.row.warehouse_id],
                quantity=r.row.signed_quantity,
                moved_at=r.row.moved_at,
                unit_days=r.unit_days,
            )
            for _, r in page
        ]
        edges = [
            Edge(cursor=_encode(cursor), node=node)
            for (cursor, _), node in zip(page, nodes, strict=True)
        ]
        return Connection(
            edges=edges,
            nodes=nodes,
            page_info=PageInfo(has_next_page=more, end_cursor=edges[-1].cursor if edges else None),
        )


async def _warehouses(info: Info, ids: list[int]) -> dict[int, Warehouse]:
    found = await info.context.loaders.warehouse.load_many(list(dict.fromkeys(ids)))
    return {w.id: Warehouse.from_model(w) for w in found if w is not None}


async def build_statement(info: Info, found: service.Statement) -> CustodyFeeStatement:
    h = Hydrator(info)
    products = await h.products(line.product_id for line in found.lines)
    warehouses = await _warehouses(info, [line.warehouse_id for line in found.lines])
    return CustodyFeeStatement(
        custodian=found.custodian,
        period_from=found.period.start,
        period_to=found.period.end,
        unit_days=found.totals.unit_days,
        amount=found.totals.amount,
        lines=[
            CustodyFeeLine(
                warehouse=warehouses[line.warehouse_id],
                product=cast(Product, products.get(line.product_id)),
                opening_units=line.opening_units,
                closing_units=line.closing_units,
                units_in=line.units_in,
                units_out=line.units_out,
                unit_days=line.unit_days,
                fee_per_unit_day=line.fee_per_unit_day,
                amount=line.amount,
            )
            for line in found.lines
        ],
        found=found,
    )


@strawberry.type
class KindValue:
    kind: WarehouseKind  # type: ignore[valid-type]
    units: int
    value: Decimal


@strawberry.type
class WarehouseValue:
    warehouse: Warehouse
    kind: WarehouseKind  # type: ignore[valid-type]
    units: int
    value: Decimal


@strawberry.type(
    description="Units on hand (every zone) x the products' unit prices, from the balances:"
    " in total, by warehouse kind (who holds the goods) and by warehouse."
)
class StockValue:
    total: Decimal
    by_kind: list[KindValue]
    by_warehouse: list[WarehouseValue]


async def build_stock_value(info: Info, found: value_service.StockValue) -> StockValue:
    warehouses = await _warehouses(info, [row.warehouse_id for row in found.by_warehouse])
    return StockValue(
        total=found.total,
        by_kind=[KindValue(kind=k.kind, units=k.units, value=k.value) for k in found.by_kind],
        by_warehouse=[
            WarehouseValue(
                warehouse=warehouses[row.warehouse_id],
                kind=row.kind,
                units=row.units,
                value=row.value,
            )
            for row in found.by_warehouse
        ],
    )
