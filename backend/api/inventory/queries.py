"""Inventory-mode queries. A bad argument (period, unknown custodian, supplier or
warehouse) is a BAD_USER_INPUT error naming the field, as analytics filters are."""

from __future__ import annotations

from datetime import datetime

import strawberry

from backend.api.analytics.types import refused
from backend.api.context import Info
from backend.api.inventory.custody_types import (
    CustodyFeeStatement,
    StockValue,
    build_statement,
    build_stock_value,
)
from backend.api.inventory.supply_types import (
    PurchaseRequest,
    PurchaseRequestStatus,
    SupplierAvailability,
    build_availability,
    build_purchase_requests,
)
from backend.api.pagination import Connection, connection, decode_cursor, page_size
from backend.api.permissions import gated
from backend.domain.auth.scope import scope_of
from backend.domain.errors import DomainError
from backend.persistence.queries import supply as q
from backend.persistence.queries.pages import page
from backend.services.inventory import availability, custody, purchase_requests
from backend.services.inventory import stock_value as value_service


@strawberry.type
class InventoryQuery:
    @strawberry.field(
        description="A consignment custodian's custody-fee statement for [periodFrom,"
        " periodTo) (at most a year), computed from the stock ledger. A period reaching"
        " past now counts today's holdings until its end."
    )
    @gated
    async def custody_fee_statement(
        self, info: Info, custodian: str, period_from: datetime, period_to: datetime
    ) -> CustodyFeeStatement:
        try:
            found = await custody.statement(custodian, period_from, period_to)
        except DomainError as error:
            raise refused(error) from None
        return await build_statement(info, found)

    @strawberry.field(
        description="Stock value (on hand x unit price) in total, by warehouse kind and by"
        " warehouse; one warehouse with warehouseCode."
    )
    @gated
    async def stock_value(self, info: Info, warehouse_code: str | None = None) -> StockValue:
        try:
            found = await value_service.stock_value(warehouse_code)
        except DomainError as error:
            raise refused(error) from None
        return await build_stock_value(info, found)

    @strawberry.field(
        description="What a just-in-time supplier can ship now, per product (a partner sees"
        " the suppliers it reports for)."
    )
    @gated
    async def supplier_availability(self, info: Info, supplier_code: str) -> SupplierAvailability:
        principal = info.context.principal
        assert principal is not None
        try:
            supplier = await availability.visible_supplier(principal, supplier_code)
        except DomainError as error:
            raise refused(error) from None
        return await build_availability(info, supplier, await q.availability(supplier.id))

    @strawberry.field(
        description="Purchase requests to just-in-time suppliers, oldest first (a partner"
        " sees those of the suppliers it reports for)."
    )
    @gated
    async def purchase_requests(
        self,
        info: Info,
        status: PurchaseRequestStatus | None = None,  # type: ignore[valid-type]
        supplier_code: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[PurchaseRequest]:
        principal = info.context.principal
        assert principal is not None
        supplier_id = None
        if supplier_code is not None:
            try:
                supplier_id = (await availability.visible_supplier(principal, supplier_code)).id
            except DomainError as error:
                raise refused(error) from None
        query = q.purchase_requests(scope_of(principal), status, supplier_id)
        found = await page(query, page_size(first), decode_cursor(after))
        return connection(found, await build_purchase_requests(info, found.rows))

    @strawberry.field(description="One purchase request by its number (PR-2026-000001).")
    @gated
    async def purchase_request(self, info: Info, number: str) -> PurchaseRequest | None:
        principal = info.context.principal
        assert principal is not None
        try:
            found = await purchase_requests.visible_request(principal, number)
        except DomainError:
            return None
        [built] = await build_purchase_requests(info, [found])
        return built
