"""Return analytics (Art. 25.2), aggregated in SQL on both dialects.

Every function answers grouped rows (a handful per dimension value, stage or payer), never
tickets. One statement each. Which tickets count:

- returned units and tickets, shipping fees: tickets in the filter except DECLINED and
  CANCELLED ones (no goods came back); units are the lines' applied quantities;
- inspections, cycle times and refunds: every ticket in the filter (a stage is measured
  when both its moments exist);
- shipped units: shipment lines of orders shipped in the period, narrowed by warehouse
  (the bin the goods left from), category and SKU; reason, source and kind do not apply.

Category and SKU narrow returned lines; ticket-level figures take a ticket when one of its
lines matches. Decimals are TEXT on SQLite: money is summed as integer cents there (CAST),
as NUMERIC on PostgreSQL. Timestamps are compared as the ISO text Tortoise stores on SQLite
(always UTC) and as timestamptz on PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from backend.domain.returns.analytics import (
    MEDIAN,
    P90,
    CycleStage,
    Dimension,
    GroupCount,
    InspectedCount,
)
from backend.domain.returns.kinds import (
    Action,
    InspectionStage,
    ReturnKind,
    ReturnSource,
    TicketStatus,
)
from backend.domain.returns.policies import Grade, Responsibility
from backend.persistence import transaction

_NOT_RETURNED = (TicketStatus.DECLINED.value, TicketStatus.CANCELLED.value)


@dataclass(frozen=True, slots=True)
class ResolvedFilter:
    """An analytics filter with its codes turned into ids."""

    created_from: datetime | None = None
    created_to: datetime | None = None
    warehouse_id: int | None = None
    category_id: int | None = None
    product_id: int | None = None
    reason_id: int | None = None
    sources: tuple[ReturnSource, ...] = ()
    kinds: tuple[ReturnKind, ...] = ()

    @property
    def narrows_lines(self) -> bool:
        return self.category_id is not None or self.product_id is not None


async def id_of(table: str, column: str, value: str) -> int | None:
    """The id of the row of `table` (a fixed name, never user input) whose `column` is
    `value`."""
    rows = await transaction.fetch(f"SELECT id FROM {table} WHERE {column} = ?", [value])
    return int(rows[0]["id"]) if rows else None


def _postgres() -> bool:
    return bool(transaction.current().capabilities.dialect == "postgres")


def _seconds(start: str, end: str) -> str:
    if _postgres():
        return f"EXTRACT(EPOCH FROM ({end} - {start}))"
    return f"(julianday({end}) - julianday({start})) * 86400.0"


def _cents(column: str) -> str:
    """SUM of a money column in cents, exact on both databases."""
    if _postgres():
        return f"COALESCE(SUM({column} * 100), 0)"
    return f"COALESCE(SUM(CAST(ROUND(CAST({column} AS REAL) * 100) AS INTEGER)), 0)"


def _money(cents: Any) -> Decimal:
    return (Decimal(str(cents)) / 100).quantize(Decimal("0.01"))


def _line_where(f: ResolvedFilter, line: str, product: str) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    values: list[Any] = []
    if f.product_id is not None:
        where.append(f"{line}.product_id = ?")
        values.append(f.product_id)
    if f.category_id is not None:
        where.append(f"{product}.category_id = ?")
        values.append(f.category_id)
    return where, values


def _ticket_where(
    f: ResolvedFilter, *, returned_only: bool, lines_joined: bool
) -> tuple[str, list[Any]]:
    """The WHERE clause on ticket `t`; with `lines_joined` the query joins line `l` and
    product `p` and is narrowed per line, else a matching line must exist."""
    where = ["1 = 1"]
    values: list[Any] = []
    if returned_only:
        where.append(f"t.status NOT IN ({', '.join('?' for _ in _NOT_RETURNED)})")
        values.extend(_NOT_RETURNED)
    if f.created_from is not None:
        where.append("t.created_at >= ?")
        values.append(f.created_from)
    if f.created_to is not None:
        where.append("t.created_at < ?")
        values.append(f.created_to)
    if f.warehouse_id is not None:
        where.append("t.warehouse_id = ?")
        values.append(f.warehouse_id)
    if f.reason_id is not None:
        where.append("t.reason_id = ?")
        values.append(f.reason_id)
    if f.sources:
        where.append(f"t.source IN ({', '.join('?' for _ in f.sources)})")
        values.extend(s.value for s in f.sources)
    if f.kinds:
        where.append(f"t.kind IN ({', '.join('?' for _ in f.kinds)})")
        values.extend(k.value for k in f.kinds)
    if lines_joined:
        line_where, line_values = _line_where(f, "l", "p")
        where += line_where
        values += line_values
    elif f.narrows_lines:
        line_where, line_values = _line_where(f, "xl", "xp")
        where.append(
            "EXISTS (SELECT 1 FROM return_line xl JOIN product xp ON xp.id = xl.product_id"
            f" WHERE xl.ticket_id = t.id AND {' AND '.join(line_where)})"
        )
        values += line_values
    return " AND ".join(where), values


def _shipped_where(f: ResolvedFilter) -> tuple[str, list[Any]]:
    where = ["1 = 1"]
    values: list[Any] = []
    if f.created_from is not None:
        where.append("s.shipped_at >= ?")
        values.append(f.created_from)
    if f.created_to is not None:
        where.append("s.shipped_at < ?")
        values.append(f.created_to)
    if f.warehouse_id is not None:
        where.append(
            "sl.movement_id IN (SELECT m.id FROM stock_movement m"
            " JOIN location lo ON lo.id = m.from_location_id WHERE lo.warehouse_id = ?)"
        )
        values.append(f.warehouse_id)
    line_where, line_values = _line_where(f, "sl", "p")
    return " AND ".join(where + line_where), values + line_values


@dataclass(frozen=True, slots=True)
class Totals:
    tickets: int
    units: int
    shipped_units: int


async def totals(f: ResolvedFilter) -> Totals:
    where, values = _ticket_where(f, returned_only=True, lines_joined=True)
    shipped_where, shipped_values = _shipped_where(f)
    rows = await transaction.fetch(
        "SELECT (SELECT COUNT(DISTINCT t.id) FROM return_line l"
        " JOIN return_ticket t ON t.id = l.ticket_id JOIN product p ON p.id = l.product_id"
        f" WHERE {where}) AS tickets,"
        " (SELECT COALESCE(SUM(l.quantity), 0) FROM return_line l"
        " JOIN return_ticket t ON t.id = l.ticket_id JOIN product p ON p.id = l.product_id"
        f" WHERE {where}) AS units,"
        " (SELECT COALESCE(SUM(sl.quantity), 0) FROM shipment_line sl"
        " JOIN shipment s ON s.id = sl.shipment_id JOIN product p ON p.id = sl.product_id"
        f" WHERE {shipped_where}) AS shipped",
        [*values, *values, *shipped_values],
    )
    row = rows[0]
    return Totals(int(row["tickets"]), int(row["units"]), int(row["shipped"]))


# Per dimension: the returned line's key and names, the joins they need, and the shipped
# lines' key (None: every group is compared with all units shipped).
_COURIER_OF_LINE = (
    "(SELECT MIN(os.courier) FROM shipment os JOIN shipment_line osl ON osl.shipment_id = os.id"
    " WHERE os.order_id = t.order_id AND osl.product_id = l.product_id)"
)
_RETURNED: dict[Dimension, tuple[str, str, str, str]] = {
    Dimension.REASON: (
        "r.code",
        "r.name_zh",
        "r.name_en",
        "LEFT JOIN return_reason r ON r.id = t.reason_id",
    ),
    Dimension.PRODUCT: ("p.sku", "p.name_zh", "p.name_en", ""),
    Dimension.CATEGORY: (
        "c.code",
        "c.name_zh",
        "c.name_en",
        "JOIN category c ON c.id = p.category_id",
    ),
    Dimension.COURIER: (_COURIER_OF_LINE, _COURIER_OF_LINE, _COURIER_OF_LINE, ""),
    Dimension.SUPPLIER: (
        "su.code",
        "su.name",
        "su.name",
        "LEFT JOIN supplier su ON su.id = p.supplier_id",
    ),
}
_SHIPPED: dict[Dimension, tuple[str, str] | None] = {
    Dimension.REASON: None,
    Dimension.PRODUCT: ("p.sku", ""),
    Dimension.CATEGORY: ("c.code", "JOIN category c ON c.id = p.category_id"),
    Dimension.COURIER: ("s.courier", ""),
    Dimension.SUPPLIER: ("su.code", "LEFT JOIN supplier su ON su.id = p.supplier_id"),
}


@dataclass(frozen=True, slots=True)
class NamedGroup:
    count: GroupCount
    name_zh: str
    name_en: str


async def groups(f: ResolvedFilter, dimension: Dimension) -> list[NamedGroup]:
    """Returned units and tickets per group, with the units shipped of the same group, in
    one statement."""
    key, name_zh, name_en, joins = _RETURNED[dimension]
    where, values = _ticket_where(f, returned_only=True, lines_joined=True)
    shipped_where, shipped_values = _shipped_where(f)
    shipped = _SHIPPED[dimension]
    returned_sql = (
        "SELECT k, MIN(name_zh) AS name_zh, MIN(name_en) AS name_en, SUM(quantity) AS units,"
        " COUNT(DISTINCT ticket_id) AS tickets FROM ("
        f" SELECT {key} AS k, {name_zh} AS name_zh, {name_en} AS name_en, l.quantity,"
        " t.id AS ticket_id FROM return_line l JOIN return_ticket t ON t.id = l.ticket_id"
        f" JOIN product p ON p.id = l.product_id {joins} WHERE {where}) AS lines GROUP BY k"
    )
    shipped_from = (
        "FROM shipment_line sl JOIN shipment s ON s.id = sl.shipment_id"
        " JOIN product p ON p.id = sl.product_id"
    )
    if shipped is None:
        sql = (
            f"WITH returned AS ({returned_sql}),"
            f" shipped AS (SELECT COALESCE(SUM(sl.quantity), 0) AS units {shipped_from}"
            f" WHERE {shipped_where})"
            " SELECT returned.*, shipped.units AS shipped FROM returned CROSS JOIN shipped"
        )
    else:
        shipped_key, shipped_joins = shipped
        sql = (
            f"WITH returned AS ({returned_sql}),"
            f" shipped AS (SELECT {shipped_key} AS k, SUM(sl.quantity) AS units {shipped_from}"
            f" {shipped_joins} WHERE {shipped_where} GROUP BY {shipped_key})"
            " SELECT returned.*, COALESCE(shipped.units, 0) AS shipped FROM returned"
            " LEFT JOIN shipped ON shipped.k = returned.k"
            " OR (shipped.k IS NULL AND returned.k IS NULL)"
        )
    rows = await transaction.fetch(sql, [*values, *shipped_values])
    return [
        NamedGroup(
            count=GroupCount(
                key=None if row["k"] is None else str(row["k"]),
                label=str(row["name_en"] or row["k"] or ""),
                units=int(row["units"]),
                tickets=int(row["tickets"]),
                shipped_units=int(row["shipped"]),
            ),
            name_zh=str(row["name_zh"] or ""),
            name_en=str(row["name_en"] or ""),
        )
        for row in rows
    ]


async def inspection_groups(f: ResolvedFilter) -> list[InspectedCount]:
    """Inspected units per stage, verdict, grade and responsibility."""
    where, values = _ticket_where(f, returned_only=False, lines_joined=True)
    rows = await transaction.fetch(
        "SELECT i.stage, i.passed, i.grade, i.responsibility, SUM(i.quantity) AS units"
        " FROM inspection i JOIN return_ticket t ON t.id = i.ticket_id"
        " JOIN return_line l ON l.id = i.line_id JOIN product p ON p.id = l.product_id"
        f" WHERE {where} GROUP BY i.stage, i.passed, i.grade, i.responsibility",
        values,
    )
    return [
        InspectedCount(
            stage=InspectionStage(row["stage"]),
            passed=bool(row["passed"]),
            grade=None if row["grade"] is None else Grade(row["grade"]),
            responsibility=Responsibility(row["responsibility"]),
            units=int(row["units"]),
        )
        for row in rows
    ]


@dataclass(frozen=True, slots=True)
class StageTimes:
    stage: CycleStage
    tickets: int
    median_seconds: float
    p90_seconds: float
    average_seconds: float


def _percentile_rank(percent: int) -> str:
    # Nearest rank, ceil(percent * n / 100), in integer arithmetic (domain nearest_rank).
    return f"(n * {percent} + 99) / 100"


async def cycle_times(f: ResolvedFilter) -> list[StageTimes]:
    """Per stage: how many tickets were measured, and the median, 90th percentile (both
    nearest-rank) and average of their durations in seconds. One statement: the moments
    per ticket, the durations, a ROW_NUMBER / COUNT window, the ranked rows picked."""
    where, values = _ticket_where(f, returned_only=False, lines_joined=False)
    decided = (Action.APPROVE.value, Action.DECLINE.value)
    sql = f"""
WITH picked AS (
    SELECT t.id, t.created_at, t.status FROM return_ticket t WHERE {where}
), moments AS (
    SELECT e.ticket_id,
           MIN(CASE WHEN e.action IN (?, ?) THEN e.at END) AS decided,
           MIN(CASE WHEN e.to_status = ? THEN e.at END) AS arrived,
           MIN(CASE WHEN e.action = ? THEN e.at END) AS inspected,
           MAX(CASE WHEN e.to_status = ? THEN e.at END) AS closed
      FROM ticket_event e JOIN picked ON picked.id = e.ticket_id
     WHERE e.action IN (?, ?, ?) OR e.to_status IN (?, ?)
     GROUP BY e.ticket_id
), refunded AS (
    SELECT r.ticket_id, MIN(r.at) AS first_refund
      FROM refund r JOIN picked ON picked.id = r.ticket_id
     GROUP BY r.ticket_id
), spans AS (
    SELECT '{CycleStage.APPLICATION_TO_DECISION}' AS stage,
           {_seconds("picked.created_at", "m.decided")} AS d
      FROM picked JOIN moments m ON m.ticket_id = picked.id WHERE m.decided IS NOT NULL
    UNION ALL
    SELECT '{CycleStage.ARRIVAL_TO_QC}', {_seconds("m.arrived", "m.inspected")}
      FROM moments m WHERE m.arrived IS NOT NULL AND m.inspected IS NOT NULL
    UNION ALL
    SELECT '{CycleStage.QC_TO_REFUND}', {_seconds("m.inspected", "rf.first_refund")}
      FROM moments m JOIN refunded rf ON rf.ticket_id = m.ticket_id
     WHERE m.inspected IS NOT NULL
    UNION ALL
    SELECT '{CycleStage.WHOLE_TICKET}', {_seconds("picked.created_at", "m.closed")}
      FROM picked JOIN moments m ON m.ticket_id = picked.id
     WHERE picked.status = ? AND m.closed IS NOT NULL
), ranked AS (
    SELECT stage, d,
           ROW_NUMBER() OVER (PARTITION BY stage ORDER BY d) AS rn,
           COUNT(*) OVER (PARTITION BY stage) AS n
      FROM spans
)
SELECT stage, MAX(n) AS tickets,
       MAX(CASE WHEN rn = {_percentile_rank(MEDIAN)} THEN d END) AS median,
       MAX(CASE WHEN rn = {_percentile_rank(P90)} THEN d END) AS p90,
       AVG(d) AS average
  FROM ranked GROUP BY stage
"""
    rows = await transaction.fetch(
        sql,
        [
            *values,
            *decided,
            TicketStatus.RECEIVED.value,
            Action.INSPECT_QC.value,
            TicketStatus.CLOSED.value,
            *decided,
            Action.INSPECT_QC.value,
            TicketStatus.RECEIVED.value,
            TicketStatus.CLOSED.value,
            TicketStatus.CLOSED.value,
        ],
    )
    return [
        StageTimes(
            stage=CycleStage(row["stage"]),
            tickets=int(row["tickets"]),
            median_seconds=float(row["median"]),
            p90_seconds=float(row["p90"]),
            average_seconds=float(row["average"]),
        )
        for row in rows
    ]


@dataclass(frozen=True, slots=True)
class FeeTotal:
    payer: str
    tickets: int
    amount: Decimal


async def shipping_fees(f: ResolvedFilter) -> list[FeeTotal]:
    """Tickets' shipping fees summed per payer (customer or merchant)."""
    where, values = _ticket_where(f, returned_only=True, lines_joined=False)
    rows = await transaction.fetch(
        f"SELECT t.shipping_payer AS payer, COUNT(*) AS tickets, {_cents('t.shipping_fee')}"
        f" AS cents FROM return_ticket t WHERE {where} GROUP BY t.shipping_payer",
        values,
    )
    return [FeeTotal(str(row["payer"]), int(row["tickets"]), _money(row["cents"])) for row in rows]


@dataclass(frozen=True, slots=True)
class RefundTotal:
    refunds: int
    tickets: int
    amount: Decimal


async def refunds(f: ResolvedFilter) -> RefundTotal:
    """Refunds paid on the filter's tickets: how many, on how many tickets, how much."""
    where, values = _ticket_where(f, returned_only=False, lines_joined=False)
    rows = await transaction.fetch(
        "SELECT COUNT(*) AS refunds, COUNT(DISTINCT r.ticket_id) AS tickets,"
        f" {_cents('r.amount')} AS cents"
        f" FROM refund r JOIN return_ticket t ON t.id = r.ticket_id WHERE {where}",
        values,
    )
    row = rows[0]
    return RefundTotal(int(row["refunds"]), int(row["tickets"]), _money(row["cents"]))


@dataclass(frozen=True, slots=True)
class SatisfactionTotal:
    calls: int
    tickets: int
    reached: int
    unreachable: int
    rated: int
    average: float | None
    by_score: dict[int, int]


async def satisfaction(f: ResolvedFilter) -> SatisfactionTotal:
    """Follow-up calls on the filter's tickets: how many, how many reached the customer or
    ended unreachable, and the satisfaction the reached ones gave (1-5)."""
    where, values = _ticket_where(f, returned_only=False, lines_joined=False)
    scores = ", ".join(
        f"SUM(CASE WHEN c.satisfaction = {n} THEN 1 ELSE 0 END) AS s{n}" for n in range(1, 6)
    )
    rows = await transaction.fetch(
        "SELECT COUNT(*) AS calls, COUNT(DISTINCT c.ticket_id) AS tickets,"
        " SUM(CASE WHEN c.outcome = 'REACHED' THEN 1 ELSE 0 END) AS reached,"
        " SUM(CASE WHEN c.outcome = 'UNREACHABLE' THEN 1 ELSE 0 END) AS unreachable,"
        " COUNT(c.satisfaction) AS rated, AVG(c.satisfaction * 1.0) AS average,"
        f" {scores} FROM follow_up_call c JOIN return_ticket t ON t.id = c.ticket_id"
        f" WHERE {where}",
        values,
    )
    row = rows[0]
    return SatisfactionTotal(
        calls=int(row["calls"]),
        tickets=int(row["tickets"]),
        reached=int(row["reached"] or 0),
        unreachable=int(row["unreachable"] or 0),
        rated=int(row["rated"]),
        average=None if row["average"] is None else float(row["average"]),
        by_score={n: int(row[f"s{n}"] or 0) for n in range(1, 6)},
    )
