"""Root fields of return analytics: one for the supervisors' figures, one for the money
(which finance sees too). The filter is checked and its codes resolved here, once; a bad
filter is a BAD_USER_INPUT error, never a 500."""

from __future__ import annotations

import strawberry

from backend.api.analytics.types import (
    AnalyticsFilter,
    ReturnAnalytics,
    ReturnMoneyAnalytics,
    refused,
)
from backend.api.context import Info
from backend.api.permissions import gated
from backend.domain.errors import DomainError
from backend.persistence.queries.analytics import ResolvedFilter
from backend.services import analytics as service


async def _resolved(filter: AnalyticsFilter) -> ResolvedFilter:
    try:
        return await service.resolve(filter.to_domain())
    except DomainError as error:
        raise refused(error) from None


@strawberry.type
class AnalyticsQuery:
    @strawberry.field(
        description="Return counts and rates as Pareto lists, inspection outcomes and grades,"
        " customer-caused damage, cycle times per stage (Art. 25.2)."
    )
    @gated
    async def return_analytics(self, info: Info, filter: AnalyticsFilter) -> ReturnAnalytics:
        return ReturnAnalytics(filter=await _resolved(filter))

    @strawberry.field(description="Shipping fees by payer and refunds paid, for a filter.")
    @gated
    async def return_money_analytics(
        self, info: Info, filter: AnalyticsFilter
    ) -> ReturnMoneyAnalytics:
        return ReturnMoneyAnalytics(filter=await _resolved(filter))
