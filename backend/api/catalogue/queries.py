from __future__ import annotations

import strawberry

from backend.api.catalogue.types import Category, Location, Product, Warehouse
from backend.api.context import Info
from backend.api.enums import ZoneKind
from backend.api.errors import bad_input
from backend.api.hydrate import Hydrator
from backend.api.orders.types import Shipment
from backend.api.pagination import Connection, connection, decode_cursor, page_size
from backend.api.permissions import gated
from backend.api.returns.build import build_ticket
from backend.api.returns.types import ReturnTicket
from backend.domain.auth.scope import scope_of
from backend.domain.catalogue.scan import ScanKind as _ScanKind
from backend.domain.catalogue.scan import normalise
from backend.persistence.models import Category as CategoryModel
from backend.persistence.queries import stock as q
from backend.persistence.queries.pages import page
from backend.persistence.queries.tickets import ticket_by_number, ticket_by_waybill
from backend.persistence.repositories.orders import shipment_by_waybill

ScanKind = strawberry.enum(_ScanKind)


@strawberry.input
class ProductFilter:
    search: str | None = None
    category_code: str | None = None


@strawberry.input
class LocationFilter:
    warehouse_code: str | None = None
    zone_kind: ZoneKind | None = None  # type: ignore[valid-type]


@strawberry.type
class ScanResult:
    code: str
    kind: ScanKind  # type: ignore[valid-type]
    product: Product | None = None
    location: Location | None = None
    shipment: Shipment | None = None
    ticket: ReturnTicket | None = strawberry.field(
        default=None, description="The ticket of a ticket number or of a returning waybill."
    )


@strawberry.type
class CatalogueQuery:
    @strawberry.field
    @gated
    async def products(
        self,
        info: Info,
        filter: ProductFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Product]:
        f = filter or ProductFilter()
        if f.search is not None and len(f.search) > 100:
            raise bad_input("`search` is at most 100 characters.")
        rows = await page(
            q.products(f.search, f.category_code), page_size(first), decode_cursor(after)
        )
        info.context.loaders.product.prime_many({r.id: r for r in rows.rows})
        built = await Hydrator(info).products(r.id for r in rows.rows)
        return connection(rows, [built[r.id] for r in rows.rows])

    @strawberry.field
    @gated
    async def product(
        self, info: Info, sku: str | None = None, barcode: str | None = None
    ) -> Product | None:
        if (sku is None) == (barcode is None):
            raise bad_input("Give exactly one of `sku` or `barcode`.")
        found = await q.product_by_code(sku, barcode)
        if found is None:
            return None
        info.context.loaders.product.prime(found.id, found)
        return (await Hydrator(info).products([found.id]))[found.id]

    @strawberry.field
    @gated
    async def categories(self, info: Info) -> list[Category]:
        return [Category.from_model(c) for c in await CategoryModel.all().order_by("code")]

    @strawberry.field
    @gated
    async def warehouses(self, info: Info) -> list[Warehouse]:
        return [Warehouse.from_model(w) for w in await q.warehouses().order_by("code")]

    @strawberry.field
    @gated
    async def locations(
        self,
        info: Info,
        filter: LocationFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Location]:
        f = filter or LocationFilter()
        rows = await page(
            q.locations(f.warehouse_code, f.zone_kind), page_size(first), decode_cursor(after)
        )
        info.context.loaders.location.prime_many({r.id: r for r in rows.rows})
        built = await Hydrator(info).locations(r.id for r in rows.rows)
        return connection(rows, [built[r.id] for r in rows.rows])

    @strawberry.field(
        description="Says what a scanned code is: a product barcode or SKU, a bin, a waybill.",
    )
    @gated
    async def scan(self, info: Info, code: str) -> ScanResult:
        cleaned = normalise(code)
        if not cleaned:
            raise bad_input("The scanned code is empty.")
        product = await q.product_by_code(None, cleaned) or await q.product_by_code(cleaned, None)
        if product is not None:
            return ScanResult(
                code=cleaned,
                kind=_ScanKind.PRODUCT,
                product=(await Hydrator(info).products([product.id]))[product.id],
            )
        location = await q.location_by_code(cleaned)
        if location is not None:
            return ScanResult(
                code=cleaned,
                kind=_ScanKind.LOCATION,
                location=(await Hydrator(info).locations([location.id]))[location.id],
            )
        principal = info.context.principal
        assert principal is not None
        ticket = await ticket_by_number(scope_of(principal), cleaned)
        if ticket is not None:
            return ScanResult(
                code=cleaned, kind=_ScanKind.TICKET, ticket=await build_ticket(info, ticket)
            )
        shipment = await shipment_by_waybill(cleaned)
        on_ticket = await ticket_by_waybill(scope_of(principal), cleaned)
        if shipment is not None or on_ticket is not None:
            return ScanResult(
                code=cleaned,
                kind=_ScanKind.WAYBILL,
                shipment=Shipment.from_model(shipment) if shipment else None,
                ticket=await build_ticket(info, on_ticket),
            )
        return ScanResult(code=cleaned, kind=_ScanKind.UNKNOWN)
