"""Products and places as the API shows them."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from backend.api.context import Info
from backend.api.enums import SupplyMode, WarehouseKind, ZoneKind
from backend.persistence import models


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
    pk: strawberry.Private[int]
    category_id: strawberry.Private[int]
    supplier_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, m: models.Product) -> Product:
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
            pk=m.id,
            category_id=m.category_id,
            supplier_id=m.supplier_id,
        )

    @strawberry.field
    async def barcodes(self, info: Info) -> list[str]:
        return await info.context.loaders.barcodes.load(self.pk)

    @strawberry.field
    async def category(self, info: Info) -> Category:
        found = await info.context.loaders.category.load(self.category_id)
        assert found is not None
        return Category.from_model(found)

    @strawberry.field
    async def supplier(self, info: Info) -> Supplier | None:
        if self.supplier_id is None:
            return None
        found = await info.context.loaders.supplier.load(self.supplier_id)
        return None if found is None else Supplier.from_model(found)


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
    zone_id: strawberry.Private[int]
    warehouse_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, m: models.Location) -> Location:
        return cls(
            id=strawberry.ID(str(m.id)),
            code=m.code,
            name=m.name,
            zone_kind=m.zone_kind,
            active=m.active,
            zone_id=m.zone_id,
            warehouse_id=m.warehouse_id,
        )

    @strawberry.field
    async def zone(self, info: Info) -> Zone:
        found = await info.context.loaders.zone.load(self.zone_id)
        assert found is not None
        return Zone.from_model(found)

    @strawberry.field
    async def warehouse(self, info: Info) -> Warehouse:
        found = await info.context.loaders.warehouse.load(self.warehouse_id)
        assert found is not None
        return Warehouse.from_model(found)


async def load_product(info: Info, product_id: int) -> Product:
    found = await info.context.loaders.product.load(product_id)
    assert found is not None
    return Product.from_model(found)


async def load_location(info: Info, location_id: int) -> Location:
    found = await info.context.loaders.location.load(location_id)
    assert found is not None
    return Location.from_model(found)
