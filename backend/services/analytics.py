"""Return analytics (Art. 25.2): a checked filter with its codes resolved; the figures
themselves come from SQL aggregates in persistence/queries/analytics.py; `figures` gives
the headline ones of one filter (a corrective action's effect)."""

from __future__ import annotations

from dataclasses import dataclass

from backend.domain.errors import DomainError, ErrorCode
from backend.domain.returns.analytics import (
    AnalyticsFilter,
    check_filter,
    inspection_figures,
    share,
)
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


@dataclass(frozen=True, slots=True)
class Figures:
    """The headline figures of one filter: returns, the return rate, customer damage."""

    tickets: int
    units: int
    shipped_units: int
    return_rate: float | None  # returned units / shipped units
    qc_units: int
    customer_units: int
    customer_damage_share: float | None  # customer_units / qc_units

    def as_json(self) -> dict[str, int | float | None]:
        return {
            "tickets": self.tickets,
            "units": self.units,
            "shippedUnits": self.shipped_units,
            "returnRate": self.return_rate,
            "qcUnits": self.qc_units,
            "customerUnits": self.customer_units,
            "customerDamageShare": self.customer_damage_share,
        }


async def figures(f: q.ResolvedFilter) -> Figures:
    """The same aggregates `returnAnalytics` answers (totals, inspections), for one filter."""
    totals = await q.totals(f)
    inspected = inspection_figures(await q.inspection_groups(f))
    return Figures(
        tickets=totals.tickets,
        units=totals.units,
        shipped_units=totals.shipped_units,
        return_rate=share(totals.units, totals.shipped_units),
        qc_units=inspected.qc_units,
        customer_units=inspected.customer_units,
        customer_damage_share=inspected.customer_share,
    )
