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

Written for 200,000 tickets (tests/bench/analytics_bench.py), on columns the services keep
for it (migration 0010): cycle times read the tickets' stage-seconds columns, never the
history; a return line keeps its courier; a shipment line its shipment's time and courier
and its warehouse, so the shipped side reads the lines alone. Groups are formed on ids and
named afterwards. Each side reads from an index that covers it: a period's tickets from
return_ticket(created_at, warehouse_id, status, reason_id, source, kind), their lines from
return_line(ticket_id, product_id, courier, quantity), a period's shipped lines from
shipment_line(shipped_at, ...). SQLite plans without statistics, so the SQL steers it where
it would otherwise drive a query from a poor index: a unary plus on a column keeps its
index out (`_unindexed`), CROSS JOIN keeps the written join order (`_in_order`). Check with
EXPLAIN QUERY PLAN.
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
    InspectionStage,
    ReturnKind,
    ReturnSource,
    TicketStatus,
)
from backend.domain.returns.policies import Grade, Payer, Responsibility
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

    @property
    def unfiltered(self) -> bool:
        """Every ticket counts (no period, code, source or kind)."""
        return self == ResolvedFilter()


async def id_of(table: str, column: str, value: str) -> int | None:
    """The id of the row of `table` (a fixed name, never user input) whose `column` is
    `value`."""
    rows = await transaction.fetch(f"SELECT id FROM {table} WHERE {column} = ?", [value])
    return int(rows[0]["id"]) if rows else None


def _cents(column: str) -> str:
    """SUM of a money column in cents, exact on both databases."""
    if transaction.postgres():
        return f"COALESCE(SUM({column} * 100), 0)"
    return f"COALESCE(SUM(CAST(ROUND(CAST({column} AS REAL) * 100) AS INTEGER)), 0)"


def _money(cents: Any) -> Decimal:
    return (Decimal(str(cents)) / 100).quantize(Decimal("0.01"))


def _unindexed(column: str) -> str:
    """`column` as an expression SQLite reads no index for: a unary plus (a no-op on any
    type there); the column itself on PostgreSQL, which has no such operator for text."""
    return column if transaction.postgres() else f"+{column}"


def _in_order() -> str:
    """A join SQLite must take in the written order (its planner has no statistics and
    could otherwise drive a join from a low-selectivity index); a plain JOIN on
    PostgreSQL, whose planner does."""
    return "JOIN" if transaction.postgres() else "CROSS JOIN"


def _line_where(
    f: ResolvedFilter, line: str, *, by_product: bool = True
) -> tuple[list[str], list[Any]]:
    """Category and SKU on a line alias (a return line or a shipment line). Without
    `by_product`, SQLite does not look the SKU's lines up by their product index (when a
    narrow period should drive the query instead)."""
    where: list[str] = []
    values: list[Any] = []
    if f.product_id is not None:
        where.append(f"{'' if by_product else '+'}{line}.product_id = ?")
        values.append(f.product_id)
    if f.category_id is not None:
        # a unary plus: a category holds many products, whose lines SQLite should read in
        # a scan rather than one index lookup each
        where.append(f"+{line}.product_id IN (SELECT id FROM product WHERE category_id = ?)")
        values.append(f.category_id)
    return where, values


def _period(
    f: ResolvedFilter, column: str, bounds: tuple[str, str] | None
) -> tuple[list[str], list[Any]]:
    """`column` within the filter's period, or within `bounds` (two SQL expressions, from
    inclusive, to exclusive) instead when given."""
    if bounds is not None:
        return [f"{column} >= {bounds[0]}", f"{column} < {bounds[1]}"], []
    where: list[str] = []
    values: list[Any] = []
    if f.created_from is not None:
        where.append(f"{column} >= ?")
        values.append(f.created_from)
    if f.created_to is not None:
        where.append(f"{column} < ?")
        values.append(f.created_to)
    return where, values


def ticket_where(
    f: ResolvedFilter,
    *,
    returned_only: bool,
    lines_joined: bool,
    bounds: tuple[str, str] | None = None,
    one_pass: bool = False,
) -> tuple[str, list[Any]]:
    """The WHERE clause on ticket `t`; with `lines_joined` the query joins return line `l`
    and is narrowed per line, else a matching line must exist: checked per ticket (for a
    statement that visits few tickets, a keyset page), or with `one_pass` found in one
    pass over the lines (for an aggregate over many). `bounds` replace the filter's
    period (see `_period`)."""
    where = ["1 = 1"]
    values: list[Any] = []
    if returned_only:
        where.append(f"t.status NOT IN ({', '.join('?' for _ in _NOT_RETURNED)})")
        values.extend(_NOT_RETURNED)
    period, period_values = _period(f, "t.created_at", bounds)
    where += period
    values += period_values
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
        line_where, line_values = _line_where(f, "l", by_product=bounds is None)
        where += line_where
        values += line_values
    elif f.narrows_lines and one_pass:
        line_where, line_values = _line_where(f, "xl")
        where.append(
            f"t.id IN (SELECT xl.ticket_id FROM return_line xl WHERE {' AND '.join(line_where)})"
        )
        values += line_values
    elif f.narrows_lines:
        # the ticket's own lines by their ticket index, never the SKU's by the product index
        line_where, line_values = _line_where(f, "xl", by_product=False)
        where.append(
            "EXISTS (SELECT 1 FROM return_line xl WHERE xl.ticket_id = t.id"
            f" AND {' AND '.join(line_where)})"
        )
        values += line_values
    return " AND ".join(where), values


def returned_lines(
    f: ResolvedFilter, joins: str = "", bounds: tuple[str, str] | None = None
) -> tuple[str, list[Any]]:
    """FROM and WHERE of the returned lines `l` of tickets `t` in the filter (`joins`
    adds tables joined to them; `bounds` replace the period)."""
    where, values = ticket_where(f, returned_only=True, lines_joined=True, bounds=bounds)
    # a period picks the tickets by the created_at index, their lines by theirs (SQLite
    # would otherwise read every line when a product is joined to them)
    periodic = bounds is not None or f.created_from is not None or f.created_to is not None
    join = _in_order() if periodic else "JOIN"
    return (
        f"FROM return_ticket t {join} return_line l ON l.ticket_id = t.id {joins} WHERE {where}",
        values,
    )


def shipped_lines(
    f: ResolvedFilter, bounds: tuple[str, str] | None = None
) -> tuple[str, list[Any]]:
    """FROM and WHERE of the shipment lines `sl` in the filter (`bounds` replace the
    period). A line keeps its shipment's time and courier and the warehouse its goods left
    from, so the lines are read alone, from one of their indexes."""
    where, values = _period(f, "sl.shipped_at", bounds)
    if f.warehouse_id is not None:
        where.append("sl.warehouse_id = ?")
        values.append(f.warehouse_id)
    line_where, line_values = _line_where(f, "sl")
    return (
        f"FROM shipment_line sl WHERE {' AND '.join(['1 = 1', *where, *line_where])}",
        values + line_values,
    )


@dataclass(frozen=True, slots=True)
class Totals:
    tickets: int
    units: int
    shipped_units: int


async def totals(f: ResolvedFilter) -> Totals:
    returned, values = returned_lines(f)
    shipped, shipped_values = shipped_lines(f)
    rows = await transaction.fetch(
        "SELECT r.tickets, r.units,"
        f" (SELECT COALESCE(SUM(sl.quantity), 0) {shipped}) AS shipped"
        " FROM (SELECT COUNT(DISTINCT l.ticket_id) AS tickets,"
        f" COALESCE(SUM(l.quantity), 0) AS units {returned}) r",
        [*shipped_values, *values],
    )
    row = rows[0]
    return Totals(int(row["tickets"]), int(row["units"]), int(row["shipped"]))


# Per dimension, the returned side grouped by an id (or the line's courier) first, named
# after: (the returned line's group key, the joins it needs, the naming FROM with `g.k`
# the key, the name columns: code, zh, en). The key is read `_unindexed`: SQLite would
# otherwise read the lines in the order of an index on it (a random access per line) to
# skip one sort.
_RETURNED: dict[Dimension, tuple[str, str, str, tuple[str, str, str]]] = {
    Dimension.REASON: (
        "t.reason_id",
        "",
        "LEFT JOIN return_reason n ON n.id = g.k",
        ("n.code", "n.name_zh", "n.name_en"),
    ),
    Dimension.PRODUCT: (
        "l.product_id",
        "",
        "JOIN product n ON n.id = g.k",
        ("n.sku", "n.name_zh", "n.name_en"),
    ),
    Dimension.CATEGORY: (
        "p.category_id",
        "JOIN product p ON p.id = l.product_id",
        "JOIN category n ON n.id = g.k",
        ("n.code", "n.name_zh", "n.name_en"),
    ),
    Dimension.SUPPLIER: (
        "p.supplier_id",
        "JOIN product p ON p.id = l.product_id",
        "LEFT JOIN supplier n ON n.id = g.k",
        ("n.code", "n.name", "n.name"),
    ),
    Dimension.COURIER: ("l.courier", "", "", ("g.k", "g.k", "g.k")),
}


def _shipped_groups(f: ResolvedFilter, dimension: Dimension) -> tuple[str | None, list[Any]]:
    """Shipped units per group, keyed like the returned groups (`k`, `units`); None for a
    dimension whose every group is compared with all units shipped (REASON)."""
    if dimension is Dimension.REASON:
        return None, []
    if dimension is Dimension.COURIER:
        shipped, values = shipped_lines(f)
        # within a period, SQLite must read the period's lines by their index rather than
        # every line in the order of the courier index (to skip a sort)
        key = _unindexed("sl.courier") if f.created_from or f.created_to else "sl.courier"
        return f"SELECT {key} AS k, SUM(sl.quantity) AS units {shipped} GROUP BY {key}", values
    shipped, values = shipped_lines(f)
    by_product = (
        f"SELECT sl.product_id AS k, SUM(sl.quantity) AS units {shipped} GROUP BY sl.product_id"
    )
    if dimension is Dimension.PRODUCT:
        return by_product, values
    column = "category_id" if dimension is Dimension.CATEGORY else "supplier_id"
    return (
        f"SELECT p.{column} AS k, SUM(x.units) AS units FROM ({by_product}) x"
        f" JOIN product p ON p.id = x.k GROUP BY p.{column}",
        values,
    )


@dataclass(frozen=True, slots=True)
class NamedGroup:
    count: GroupCount
    name_zh: str
    name_en: str


async def groups(f: ResolvedFilter, dimension: Dimension) -> list[NamedGroup]:
    """Returned units and tickets per group, with the units shipped of the same group, in
    one statement: both sides grouped by id (product, category, supplier, reason) or by
    courier, then named."""
    key, joins, naming, (code, name_zh, name_en) = _RETURNED[dimension]
    key = _unindexed(key)
    returned, values = returned_lines(f, joins)
    lines = f"lines AS (SELECT {key} AS k, l.quantity, l.ticket_id {returned})"
    grouped = (
        f"{lines}, g AS (SELECT k, SUM(quantity) AS units, COUNT(DISTINCT ticket_id) AS tickets"
        " FROM lines GROUP BY k)"
    )
    shipped_sql, shipped_values = _shipped_groups(f, dimension)
    if shipped_sql is None:
        shipped_total, total_values = shipped_lines(f)
        shipped = f"(SELECT COALESCE(SUM(sl.quantity), 0) {shipped_total})"
        sql = (
            f"WITH {grouped} SELECT {code} AS k, {name_zh} AS name_zh, {name_en} AS name_en,"
            f" g.units, g.tickets, {shipped} AS shipped FROM g {naming}"
        )
        params = [*values, *total_values]
    else:
        sql = (
            f"WITH {grouped}, shipped AS ({shipped_sql})"
            f" SELECT {code} AS k, {name_zh} AS name_zh, {name_en} AS name_en, g.units,"
            " g.tickets, COALESCE(shipped.units, 0) AS shipped FROM g"
            f" {naming} LEFT JOIN shipped ON shipped.k = g.k"
            " OR (shipped.k IS NULL AND g.k IS NULL)"
        )
        params = [*values, *shipped_values]
    rows = await transaction.fetch(sql, params)
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


_STAGES_SEEN = list(InspectionStage)
_GRADES_SEEN: list[Grade | None] = [None, *Grade]
_RESPONSIBILITIES = list(Responsibility)


def _index_of(column: str, values: list[Any]) -> str:
    """A CASE giving a value's position in `values` (NULL for one not listed)."""
    cases = " ".join(
        f"WHEN {column} IS NULL THEN {n}"
        if value is None
        else f"WHEN {column} = '{value}' THEN {n}"
        for n, value in enumerate(values)
    )
    return f"(CASE {cases} END)"


def _inspection_code() -> str:
    """Stage, verdict, grade and responsibility of an inspection `i` as one small integer:
    SQLite groups (sorts) one integer per row much faster than four columns."""
    grades, people = len(_GRADES_SEEN), len(_RESPONSIBILITIES)
    return (
        f"{_index_of('i.stage', list(_STAGES_SEEN))} * {2 * grades * people}"
        f" + (CASE WHEN i.passed THEN {grades * people} ELSE 0 END)"
        f" + {_index_of('i.grade', list(_GRADES_SEEN))} * {people}"
        f" + {_index_of('i.responsibility', list(_RESPONSIBILITIES))}"
    )


def _inspected(code: int, units: int) -> InspectedCount:
    grades, people = len(_GRADES_SEEN), len(_RESPONSIBILITIES)
    stage, rest = divmod(code, 2 * grades * people)
    passed, rest = divmod(rest, grades * people)
    grade, responsibility = divmod(rest, people)
    return InspectedCount(
        stage=_STAGES_SEEN[stage],
        passed=bool(passed),
        grade=_GRADES_SEEN[grade],
        responsibility=_RESPONSIBILITIES[responsibility],
        units=units,
    )


async def inspection_groups(f: ResolvedFilter) -> list[InspectedCount]:
    """Inspected units per stage, verdict, grade and responsibility (grouped by their
    code, decoded here)."""
    where, values = ticket_where(f, returned_only=False, lines_joined=f.narrows_lines)
    lines = " JOIN return_line l ON l.id = i.line_id" if f.narrows_lines else ""
    # every inspection counts without a filter: no ticket to look up for each
    source = "inspection i"
    if not f.unfiltered:
        source = "return_ticket t JOIN inspection i ON i.ticket_id = t.id"
    rows = await transaction.fetch(
        f"SELECT code, SUM(units) AS units FROM (SELECT {_inspection_code()} AS code,"
        f" i.quantity AS units FROM {source}{lines} WHERE {where}) inspected GROUP BY code",
        values,
    )
    return [_inspected(int(row["code"]), int(row["units"])) for row in rows]


@dataclass(frozen=True, slots=True)
class StageTimes:
    stage: CycleStage
    tickets: int
    median_seconds: float
    p90_seconds: float
    average_seconds: float


# Per stage: its number in the statement, and the ticket's column of its seconds.
_STAGES: dict[CycleStage, tuple[int, str]] = {
    CycleStage.APPLICATION_TO_DECISION: (1, "seconds_to_decision"),
    CycleStage.ARRIVAL_TO_QC: (2, "seconds_arrival_to_qc"),
    CycleStage.QC_TO_REFUND: (3, "seconds_qc_to_refund"),
    CycleStage.WHOLE_TICKET: (4, "seconds_whole"),
}


def _ranked(n: int, column: str, source: str, percent: int) -> str:
    """The nearest-rank `percent` duration of stage `n`: its rank's row of the `column`
    values of `source` in order (the 90th counted from the top, so that a sort keeps a
    tenth of them; reading `return_ticket` itself, the column's index gives the order)."""
    rank = f"(c.n{n} * {percent} + 99) / 100"
    if percent > 50:
        order, offset = f"{column} DESC", f"c.n{n} - {rank}"
    else:
        order, offset = column, f"CASE WHEN c.n{n} = 0 THEN 0 ELSE {rank} - 1 END"
    return (
        f"(SELECT {column} FROM {source} WHERE {column} IS NOT NULL ORDER BY {order}"
        f" LIMIT 1 OFFSET (SELECT {offset} FROM counts c))"
    )


async def cycle_times(f: ResolvedFilter) -> list[StageTimes]:
    """Per stage: how many tickets were measured, and the median, 90th percentile (both
    nearest-rank) and average of their durations in seconds. One statement over the
    tickets' stage-duration columns (no history scan): their count and average per stage
    in one pass; each percentile the row at its rank of the stage's durations in order
    (ORDER BY ... LIMIT 1 OFFSET rank). For every ticket that order is the column's index;
    for a narrower filter, the filter's durations are materialized once and sorted."""
    where, values = ticket_where(f, returned_only=False, lines_joined=False, one_pass=True)
    columns = [column for _n, column in _STAGES.values()]
    source = "return_ticket" if f.unfiltered else "durations"
    counts = ", ".join(
        f"COUNT({column}) AS n{n}, AVG({column}) AS a{n}" for n, column in _STAGES.values()
    )
    picks = ", ".join(
        f"{_ranked(n, column, source, MEDIAN)} AS m{n}, {_ranked(n, column, source, P90)} AS p{n}"
        for n, column in _STAGES.values()
    )
    sql = f"""
WITH durations AS MATERIALIZED (
    SELECT {", ".join(f"t.{column} AS {column}" for column in columns)}
      FROM return_ticket t WHERE {where}
), counts AS MATERIALIZED (SELECT {counts} FROM durations)
SELECT {picks}, counts.* FROM counts
"""
    rows = await transaction.fetch(sql, values)
    row = rows[0]
    return [
        StageTimes(
            stage=stage,
            tickets=int(row[f"n{n}"]),
            median_seconds=float(row[f"m{n}"]),
            p90_seconds=float(row[f"p{n}"]),
            average_seconds=float(row[f"a{n}"]),
        )
        for stage, (n, _column) in _STAGES.items()
        if int(row[f"n{n}"])
    ]


@dataclass(frozen=True, slots=True)
class FeeTotal:
    payer: str
    tickets: int
    amount: Decimal


async def shipping_fees(f: ResolvedFilter) -> list[FeeTotal]:
    """Tickets' shipping fees summed per payer (customer or merchant): one pass, a
    conditional sum per payer (no sort)."""
    where, values = ticket_where(f, returned_only=True, lines_joined=False, one_pass=True)
    payers = [payer.value for payer in Payer]
    columns = ", ".join(
        f"SUM(CASE WHEN t.shipping_payer = ? THEN 1 ELSE 0 END) AS tickets_{n},"
        f" {_cents('CASE WHEN t.shipping_payer = ? THEN t.shipping_fee END')} AS cents_{n}"
        for n, _ in enumerate(payers)
    )
    rows = await transaction.fetch(
        f"SELECT {columns} FROM return_ticket t WHERE {where}",
        [*(p for payer in payers for p in (payer, payer)), *values],
    )
    row = rows[0]
    return [
        FeeTotal(payer, int(row[f"tickets_{n}"]), _money(row[f"cents_{n}"]))
        for n, payer in enumerate(payers)
        if row[f"tickets_{n}"]
    ]


@dataclass(frozen=True, slots=True)
class RefundTotal:
    refunds: int
    tickets: int
    amount: Decimal


async def refunds(f: ResolvedFilter) -> RefundTotal:
    """Refunds paid on the filter's tickets: how many, on how many tickets, how much."""
    where, values = ticket_where(f, returned_only=False, lines_joined=False, one_pass=True)
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
    where, values = ticket_where(f, returned_only=False, lines_joined=False, one_pass=True)
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
