"""The custody-fee statement of a consignment custodian for a period: lines per warehouse
and product from one SQL aggregate over the ledger (persistence/queries/custody.py), the
arithmetic of domain/inventory/custody.py, and the movements behind it page by page.

The opening units of a line come from the ledger: the movements before the period, or,
when the period is nearer today than the ledger's beginning, today's balances less what
moved since the period began. The two are equal because every balance is kept equal to
the sum of its ledger movements in the movement's own transaction (`check-ledger` proves
it); the nearer side means fewer movements to read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from backend.domain.errors import DomainError, ErrorCode
from backend.domain.inventory import custody as rules
from backend.persistence.queries import custody as q


@dataclass(frozen=True, slots=True)
class Statement:
    custodian: str
    period: rules.Period
    warehouses: list[q.CustodyWarehouse]
    lines: list[rules.LineFigures]
    totals: rules.Totals

    @property
    def warehouse_ids(self) -> list[int]:
        return [w.id for w in self.warehouses]


@dataclass(frozen=True, slots=True)
class MovementLine:
    """One movement into (+) or out of (-) one of the custodian's warehouses, and what
    it adds to the period's unit-days."""

    row: q.MovementRow
    unit_days: Decimal


async def _warehouses(custodian: str) -> list[q.CustodyWarehouse]:
    name = rules.check_custodian(custodian)
    found = await q.consignment_warehouses(name)
    if not found:
        raise DomainError(
            ErrorCode.NOT_FOUND,
            f"No consignment warehouse is kept by custodian {name}.",
            "custodian",
        )
    return found


async def plan_for(period: rules.Period, now: datetime | None = None) -> q.Plan:
    """The side of the ledger with fewer movements to read, judged by time."""
    first = await q.first_movement_at()
    if first is None:
        return q.Plan.BEFORE
    before = (period.start - first).total_seconds()
    after = ((now or datetime.now(UTC)) - period.end).total_seconds()
    return q.Plan.AFTER if after < before else q.Plan.BEFORE


async def statement(
    custodian: str,
    period_from: datetime,
    period_to: datetime,
    plan: q.Plan | None = None,
) -> Statement:
    period = rules.check_period(period_from, period_to)
    warehouses = await _warehouses(custodian)
    fees = {w.id: w.fee_per_unit_day for w in warehouses}
    rows = await q.line_rows(
        [w.id for w in warehouses], period.start, period.end, plan or await plan_for(period)
    )
    lines = [
        rules.LineFigures(
            warehouse_id=row.warehouse_id,
            product_id=row.product_id,
            opening_units=row.opening_units,
            units_in=row.units_in,
            units_out=row.units_out,
            unit_seconds=rules.held_unit_seconds(
                row.opening_units, period.seconds, row.period_unit_seconds
            ),
            fee_per_unit_day=fees[row.warehouse_id],
        )
        for row in rows
    ]
    shown = [line for line in lines if rules.counts(line)]
    order = {w.id: n for n, w in enumerate(warehouses)}
    skus = await q.skus([line.product_id for line in shown])
    shown.sort(key=lambda line: (order[line.warehouse_id], skus.get(line.product_id, "")))
    return Statement(
        custodian=rules.check_custodian(custodian),
        period=period,
        warehouses=warehouses,
        lines=shown,
        totals=rules.totals(shown),
    )


async def movements(
    found: Statement, first: int, after: q.MovementCursor | None
) -> tuple[list[tuple[q.MovementCursor, MovementLine]], bool]:
    """The period's movements into and out of the statement's warehouses, in time order."""
    page, more = await q.movement_rows(
        found.warehouse_ids, found.period.start, found.period.end, first, after
    )
    return [
        (
            cursor,
            MovementLine(
                row,
                rules.movement_unit_days(
                    row.signed_quantity, found.period.seconds_left(row.moved_at)
                ),
            ),
        )
        for cursor, row in page
    ], more
