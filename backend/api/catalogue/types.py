"""Products and places as the API shows them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, cast

import strawberry

from backend.api.context import Info
from backend.api.enums import AbcClass, SupplyMode, WarehouseKind, ZoneKind
from backend.persistence import models
from backend.persistence.queries.rows import LocationRow, ProductRow

if TYPE_CHECKING:
    from backend.api.replenishment.types import ReorderPolicy


@strawberry.type
class Category:
    code: str
    name_zh: str
    name_en: str

    @classmethod
    def from_model(cls, m: models.Category) -> Category:
        return cls(code=m.code, name_zh=m.name_zh, name_en=m.name_en)


@strawberry.type
class Supplier:
    code: str
    name: str

    @classmethod
    def from_model(cls, m: models.Supplier) -> Supplier:
        return cls(code=m.code, name=m.name)


@strawberry.type
class Product:
    id: strawberry.ID
    sku: str
    name_zh: str
    name_en: str
    model: str
    style: str
    colour: str
    size: str
    unit_price: Decimal
    return_window_days: int
    supply_mode: SupplyMode  # type: ignore[valid-type]
    active: bool
    barcodes: list[str]
    category: Category
    supplier: Supplier | None
    abc_class: AbcClass | None = strawberry.field(  # type: ignore[valid-type]
        description="ABC class by consumption value in the latest classifyProducts run."
    )
    abc_classified_at: datetime | None
    pk: strawberry.Private[int]
    consumption_value: strawberry.Private[Decimal | None]

    @strawberry.field(
        description="Consumption value (units shipped x unit price) in the latest"
        " classification's period; null for partner systems."
    )
    def abc_value(self, info: Info) -> Decimal | None:
        principal = info.context.principal
        return None if principal is None or principal.is_partner else self.consumption_value

    @strawberry.field(
        description="The product's reorder policies, one per warehouse that has one; empty"
        " for partner systems."
    )
    async def reorder_policies(
        self, info: Info
    ) -> list[Annotated[ReorderPolicy, strawberry.lazy("backend.api.replenishment.types")]]:
        from backend.api.replenishment.types import policies_of_product

        return await policies_of_product(info, self.pk)

    @classmethod
    def build(
        cls,
        m: models.Product | ProductRow,
        *,
        barcodes: list[str],
        category: Category | None,
        supplier: Supplier | None,
    ) -> Product:
        """Nested objects come ready from a Hydrator; those not selected may be absent."""
        return cls(
            id=strawberry.ID(str(m.id)),
            sku=m.sku,
            name_zh=m.name_zh,
            name_en=m.name_en,
            model=m.model,
            style=m.style,
            colour=m.colour,
            size=m.size,
            unit_price=m.unit_price,
            return_window_days=m.return_window_days,
            supply_mode=m.supply_mode,
            active=m.active,
            barcodes=barcodes,
            category=cast(Category, category),
            supplier=supplier,
            abc_class=m.abc_class,
            abc_classified_at=m.abc_classified_at,
            pk=m.id,
            consumption_value=m.abc_value,
        )


@strawberry.type
class Warehouse:
    id: strawberry.ID
    code: str
    name: str
    kind: WarehouseKind  # type: ignore[valid-type]
    address: str
    custodian: str = strawberry.field(description="Third-party custodian of consignment stock.")
    custody_fee_per_unit_day: Decimal | None
    pk: strawberry.Private[int]

    @classmethod
    def from_model(cls, m: models.Warehouse) -> Warehouse:
        return cls(
            id=strawberry.ID(str(m.id)),
            code=m.code,
            name=m.name,
            kind=m.kind,
            address=m.address,
            custodian=m.custodian,
            custody_fee_per_unit_day=m.custody_fee_per_unit_day,
            pk=m.id,
        )

    @strawberry.field
    async def zones(self, info: Info) -> list[Zone]:
        return [
            Zone.from_model(z) for z in await info.context.loaders.zones_of_warehouse.load(self.pk)
        ]


@strawberry.type
class Zone:
    id: strawberry.ID
    code: str
    kind: ZoneKind  # type: ignore[valid-type]
    name: str
    warehouse_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, m: models.Zone) -> Zone:
        return cls(
            id=strawberry.ID(str(m.id)),
            code=m.code,
            kind=m.kind,
            name=m.name,
            warehouse_id=m.warehouse_id,
        )

    @strawberry.field
    async def warehouse(self, info: Info) -> Warehouse:
        found = await info.context.loaders.warehouse.load(self.warehouse_id)
        assert found is not None
        return Warehouse.from_model(found)


@strawberry.type
class Location:
    """A bin with a scannable code."""

    id: strawberry.ID
    code: str
    name: str
    zone_kind: ZoneKind  # type: ignore[valid-type]
    active: bool
    zone: Zone
    warehouse: Warehouse

    @classmethod
    def build(
        cls,
        m: models.Location | LocationRow,
        *,
        zone: Zone | None,
        warehouse: Warehouse | None,
    ) -> Location:
        """Nested objects come ready from a Hydrator; those not selected may be absent."""
        return cls(
            id=strawberry.ID(str(m.id)),
            code=m.code,
            name=m.name,
            zone_kind=m.zone_kind,
            active=m.active,
            zone=cast(Zone, zone),
            warehouse=cast(Warehouse, warehouse),
        )
