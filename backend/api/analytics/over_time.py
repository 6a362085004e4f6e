"""Return rate over time (the dashboard's chart): the interval enum and one bucket's
figures. The buckets come from persistence/queries/analytics_over_time.py."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry

from backend.domain.returns import over_time as rules
from backend.domain.returns.analytics import share
from backend.persistence.queries import analytics_over_time as q
from backend.persistence.queries.analytics import ResolvedFilter

AnalyticsInterval = strawberry.enum(
    rules.Interval,
    name="AnalyticsInterval",
    description="Calendar buckets in UTC: days, ISO weeks (Monday to Sunday), months.",
)


@strawberry.type(description="Returns against shipments in one bucket of the period.")
class PeriodReturnRate:
    period_start: datetime = strawberry.field(
        description="The bucket's calendar start (UTC); the first and last buckets count"
        " only their part inside the filter's period."
    )
    tickets: int = strawberry.field(
        description="Tickets created in the bucket with goods coming back (as totals)."
    )
    returned_units: int
    shipped_units: int = strawberry.field(description="Units shipped in the bucket.")
    return_rate: float | None = strawberry.field(
        description="returnedUnits / shippedUnits; null when nothing shipped."
    )


async def periods(filter: ResolvedFilter, interval: rules.Interval) -> list[PeriodReturnRate]:
    """Every bucket up to now; too many buckets is a DomainError (the caller refuses it)."""
    found = await q.over_time(filter, interval, datetime.now(UTC))
    return [
        PeriodReturnRate(
            period_start=p.start,
            tickets=p.tickets,
            returned_units=p.units,
            shipped_units=p.shipped_units,
            return_rate=share(p.units, p.shipped_units),
        )
        for p in found
    ]
