"""The analytics filter and the figures' types. Each figure of `ReturnAnalytics` and
`ReturnMoneyAnalytics` is its own SQL aggregate, run only when selected."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from backend.api.analytics.over_time import AnalyticsInterval, PeriodReturnRate, periods
from backend.api.enums import Grade, InspectionStage, Payer, ReturnKind, ReturnSource
from backend.api.errors import bad_input
from backend.domain.errors import DomainError
from backend.domain.returns import analytics as rules
from backend.domain.returns import over_time as rules_over_time
from backend.domain.returns.policies import Payer as DomainPayer
from backend.persistence.queries import analytics as q

AnalyticsDimension = strawberry.enum(rules.Dimension, name="AnalyticsDimension")
CycleStage = strawberry.enum(rules.CycleStage, name="CycleStage")


@strawberry.input(
    description="Which returns the figures cover. The period is on the ticket's creation"
    " (from inclusive, to exclusive) and, for shipped units, on the shipment's date."
    " categoryCode and sku narrow returned lines (a ticket counts for ticket-level figures"
    " when one of its lines matches); reasonCode, sources and kinds apply to tickets only."
)
class AnalyticsFilter:
    created_from: datetime | None = None
    created_to: datetime | None = None
    warehouse_code: str | None = None
    category_code: str | None = None
    sku: str | None = None
    reason_code: str | None = None
    sources: list[ReturnSource] | None = None  # type: ignore[valid-type]
    kinds: list[ReturnKind] | None = None  # type: ignore[valid-type]

    def to_domain(self) -> rules.AnalyticsFilter:
        return rules.AnalyticsFilter(
            created_from=self.created_from,
            created_to=self.created_to,
            warehouse_code=self.warehouse_code,
            category_code=self.category_code,
            sku=self.sku,
            reason_code=self.reason_code,
            sources=tuple(self.sources or ()),
            kinds=tuple(self.kinds or ()),
        )


def refused(error: DomainError) -> Exception:
    """A filter problem as a GraphQL error with extensions.code BAD_USER_INPUT."""
    found = bad_input(error.message)
    assert found.extensions is not None
    found.extensions["field"] = error.field
    found.extensions["reason"] = error.code.value
    return found


@strawberry.type(description="Returned units against shipped units in the filter.")
class ReturnTotals:
    tickets: int = strawberry.field(
        description="Tickets with goods coming back (not declined or cancelled)."
    )
    units: int = strawberry.field(description="Returned units: the lines' applied quantities.")
    shipped_units: int = strawberry.field(description="Units shipped on orders in the period.")
    return_rate: float | None = strawberry.field(description="units / shippedUnits.")


@strawberry.type(description="One group of a Pareto list.")
class ParetoRow:
    key: str | None = strawberry.field(
        description="Reason code, SKU, category code, courier or supplier code; null when"
        " the returns have none (a parcel nobody applied for, a product without supplier)."
    )
    name_zh: str
    name_en: str
    units: int
    tickets: int
    shipped_units: int = strawberry.field(
        description="Units of the group shipped in the filter (for REASON: all shipped units)."
    )
    share: float = strawberry.field(description="units / all returned units in the filter.")
    cumulative_share: float = strawberry.field(description="This row's and all above.")
    return_rate: float | None = strawberry.field(description="units / shippedUnits.")


@strawberry.type
class StageOutcome:
    stage: InspectionStage  # type: ignore[valid-type]
    units: int
    passed_units: int
    failed_units: int
    pass_rate: float | None


@strawberry.type
class GradeShare:
    grade: Grade  # type: ignore[valid-type]
    units: int
    share: float | None = strawberry.field(description="Of the QC-graded units.")


@strawberry.type(description="QC-inspected units whose damage QC put on the customer.")
class CustomerDamage:
    inspected_units: int
    customer_units: int
    share: float | None


@strawberry.type
class InspectionAnalytics:
    outcomes: list[StageOutcome] = strawberry.field(description="INITIAL then QC.")
    graded_units: int
    grades: list[GradeShare] = strawberry.field(description="A, B, C.")
    customer_damage: CustomerDamage


@strawberry.type(
    description="Durations of one stage in seconds. Median and p90 are nearest-rank: the"
    " ceil(p/100 * n)-th smallest duration, an observed value (never interpolated), the"
    " same on SQLite and PostgreSQL; null when no ticket was measured."
)
class CycleTime:
    stage: CycleStage  # type: ignore[valid-type]
    tickets: int = strawberry.field(description="Tickets measured (both moments exist).")
    median_seconds: float | None
    p90_seconds: float | None
    average_seconds: float | None


def _ms(value: float) -> float:
    return round(value, 3)


@strawberry.type
class ScoreCount:
    score: int
    calls: int


@strawberry.type
class SatisfactionAnalytics:
    calls: int = strawberry.field(description="Follow-up calls made (every attempt).")
    tickets: int = strawberry.field(description="Tickets called.")
    reached_calls: int
    unreachable: int = strawberry.field(description="Follow-ups ended after 3 failed calls.")
    rated_calls: int = strawberry.field(description="Calls that gave a satisfaction score.")
    average_score: float | None = strawberry.field(description="Mean of the scores, 1-5.")
    scores: list[ScoreCount] = strawberry.field(description="Calls per score, 1 to 5.")


@strawberry.type(
    description="Return analytics for a filter (Art. 25.2); each field is one SQL aggregate."
)
class ReturnAnalytics:
    filter: strawberry.Private[q.ResolvedFilter]

    @strawberry.field
    async def totals(self) -> ReturnTotals:
        found = await q.totals(self.filter)
        return ReturnTotals(
            tickets=found.tickets,
            units=found.units,
            shipped_units=found.shipped_units,
            return_rate=rules.share(found.units, found.shipped_units),
        )

    @strawberry.field(
        description="Returned units by a dimension, most first, with shares, cumulative"
        " shares and return rates (shares over all groups; first: 50 by default, at most 500)."
    )
    async def pareto(
        self,
        dimension: AnalyticsDimension,  # type: ignore[valid-type]
        first: int | None = None,
    ) -> list[ParetoRow]:
        try:
            limit = rules.pareto_rows(first)
        except DomainError as error:
            raise refused(error) from None
        groups = await q.groups(self.filter, rules.Dimension(dimension))
        names = {g.count.key: g for g in groups}
        total = sum(g.count.units for g in groups)
        return [
            ParetoRow(
                key=entry.key,
                name_zh=names[entry.key].name_zh,
                name_en=names[entry.key].name_en,
                units=entry.units,
                tickets=entry.tickets,
                shipped_units=entry.shipped_units,
                share=entry.share,
                cumulative_share=entry.cumulative_share,
                return_rate=entry.return_rate,
            )
            for entry in rules.pareto([g.count for g in groups], total)[:limit]
        ]

    @strawberry.field(description="Passed and failed units per stage; QC grades; damage.")
    async def inspections(self) -> InspectionAnalytics:
        found = rules.inspection_figures(await q.inspection_groups(self.filter))
        return InspectionAnalytics(
            outcomes=[
                StageOutcome(
                    stage=o.stage,
                    units=o.units,
                    passed_units=o.passed_units,
                    failed_units=o.failed_units,
                    pass_rate=o.pass_rate,
                )
                for o in found.outcomes
            ],
            graded_units=found.graded_units,
            grades=[GradeShare(grade=g.grade, units=g.units, share=g.share) for g in found.grades],
            customer_damage=CustomerDamage(
                inspected_units=found.qc_units,
                customer_units=found.customer_units,
                share=found.customer_share,
            ),
        )

    @strawberry.field(description="Follow-up calls (Art. 25.1) and the satisfaction given.")
    async def satisfaction(self) -> SatisfactionAnalytics:
        found = await q.satisfaction(self.filter)
        return SatisfactionAnalytics(
            calls=found.calls,
            tickets=found.tickets,
            reached_calls=found.reached,
            unreachable=found.unreachable,
            rated_calls=found.rated,
            average_score=None if found.average is None else round(found.average, 2),
            scores=[ScoreCount(score=n, calls=c) for n, c in sorted(found.by_score.items())],
        )

    @strawberry.field(
        description="Returned and shipped units per day, ISO week or month (UTC) of the"
        " period, every bucket listed (zero-filled), at most 400: from createdFrom (else the"
        " start of the first ticket's bucket) to createdTo (else now)."
    )
    async def over_time(
        self,
        interval: AnalyticsInterval | None = rules_over_time.Interval.MONTH,  # type: ignore[valid-type]
    ) -> list[PeriodReturnRate]:
        chosen = rules_over_time.Interval(interval or rules_over_time.Interval.MONTH)
        try:
            return await periods(self.filter, chosen)
        except DomainError as error:
            raise refused(error) from None

    @strawberry.field(description="Every stage, in order, with its median and p90.")
    async def cycle_times(self) -> list[CycleTime]:
        found = {row.stage: row for row in await q.cycle_times(self.filter)}
        times = []
        for stage in rules.CycleStage:
            row = found.get(stage)
            times.append(
                CycleTime(
                    stage=stage,
                    tickets=0,
                    median_seconds=None,
                    p90_seconds=None,
                    average_seconds=None,
                )
                if row is None
                else CycleTime(
                    stage=stage,
                    tickets=row.tickets,
                    median_seconds=_ms(row.median_seconds),
                    p90_seconds=_ms(row.p90_seconds),
                    average_seconds=_ms(row.average_seconds),
                )
            )
        return times


@strawberry.type
class ShippingFeeTotal:
    payer: Payer  # type: ignore[valid-type]
    tickets: int
    amount: Decimal


@strawberry.type
class RefundTotals:
    refunds: int = strawberry.field(description="Refund payments (partial ones each count).")
    tickets: int
    amount: Decimal


@strawberry.type(description="Money of the returns in a filter: shipping fees and refunds.")
class ReturnMoneyAnalytics:
    filter: strawberry.Private[q.ResolvedFilter]

    @strawberry.field(
        description="Tickets' shipping fees by who pays them (customer, merchant), both"
        " always listed; declined and cancelled tickets left out."
    )
    async def shipping_fees(self) -> list[ShippingFeeTotal]:
        found = {row.payer: row for row in await q.shipping_fees(self.filter)}
        totals = []
        for payer in DomainPayer:
            row = found.get(payer.value)
            totals.append(
                ShippingFeeTotal(
                    payer=payer,
                    tickets=0 if row is None else row.tickets,
                    amount=Decimal("0.00") if row is None else row.amount,
                )
            )
        return totals

    @strawberry.field(description="Refunds paid on the filter's tickets.")
    async def refunds(self) -> RefundTotals:
        found = await q.refunds(self.filter)
        return RefundTotals(refunds=found.refunds, tickets=found.tickets, amount=found.amount)
