"""Return analytics (Art. 25.2): a checked filter with its codes resolved; the figures
themselves come from SQL aggregates in persistence/queries/analytics.py."""

from __future__ import annotations

from backend.domain.errors import DomainError, ErrorCode
from backend.domain.returns.analytics import AnalyticsFilter, check_filter
from backend.persistence.queries import analytics as q


async def _id(
    table: str, column: str, value: str | None, code: ErrorCode, field: str
) -> int | None:
    if value is None:
        return None
    found = await q.id_of(table, column, value)
    if found is None:
        raise DomainError(code, f"No {field.removeprefix('filter.')} {value}.", field)
    return found


async def resolve(f: AnalyticsFilter) -> q.ResolvedFilter:
    """The filter checked (period, codes) and its codes resolved; an unknown code is
    refused rather than answering empty figures."""
    f = check_filter(f)
    return q.ResolvedFilter(
        created_from=f.created_from,
        created_to=f.created_to,
        warehouse_id=await _id(
            "warehouse",
            "code",
            f.warehouse_code,
            ErrorCode.UNKNOWN_WAREHOUSE,
            "filter.warehouseCode",
        ),
        category_id=await _id(
            "category", "code", f.category_code, ErrorCode.NOT_FOUND, "filter.categoryCode"
        ),
        product_id=await _id("product", "sku", f.sku, ErrorCode.UNKNOWN_PRODUCT, "filter.sku"),
        reason_id=await _id(
            "return_reason", "code", f.reason_code, ErrorCode.NOT_FOUND, "filter.reasonCode"
        ),
        sources=f.sources,
        kinds=f.kinds,
    )
