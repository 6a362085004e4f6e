"""Custody-fee figures from the stock ledger, in SQL on both dialects (rules in
domain/inventory/custody.py).

One statement gives every line, grouped by warehouse and product: the period's movements
into (+) or out of (-) the custodian's warehouses give units in and out and, times the
whole seconds left to the period's end, the integral's second part; the opening units
come either from the movements before the period (Plan.BEFORE) or from today's balances
less every movement since the period began (Plan.AFTER). Both are the ledger: a balance
is kept equal to the sum of its movements in the movement's own transaction. Movements
are read bin by bin of those warehouses on the ledger's (to_location_id, created_at) and
(from_location_id, created_at) indexes; the movement list reads the created_at index in
time order.

Timestamps: ISO text on SQLite (always UTC, compared as text, seconds by strftime('%s')),
timestamptz on PostgreSQL (seconds by EXTRACT(EPOCH), floored).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from backend.domain.stock.kinds import WarehouseKind
from backend.persistence import transaction
from backend.persistence.repositories.stock import moment


@dataclass(frozen=True, slots=True)
class CustodyWarehouse:
    id: int
    code: str
    fee_per_unit_day: Decimal


@dataclass(frozen=True, slots=True)
class LineRow:
    warehouse_id: int
    product_id: int
    opening_units: int
    units_in: int
    units_out: int
    period_unit_seconds: int  # the period's movements' part of the integral


@dataclass(frozen=True, slots=True)
class MovementRow:
    movement_id: int
    warehouse_id: int
    product_id: int
    signed_quantity: int
    moved_at: datetime


def epoch_seconds(column: str) -> str:
    """Whole seconds since 1970 of a timestamp column."""
    if transaction.postgres():
        return f"CAST(FLOOR(EXTRACT(EPOCH FROM {column})) AS BIGINT)"
    return f"CAST(strftime('%s', {column}) AS INTEGER)"


async def consignment_warehouses(custodian: str) -> list[CustodyWarehouse]:
    """The custodian's consignment warehouses, retired ones too (they held stock once)."""
    rows = await transaction.fetch(
        "SELECT id, code, custody_fee_per_unit_day AS fee FROM warehouse"
        " WHERE custodian = ? AND kind = ? ORDER BY code",
        [custodian, WarehouseKind.CONSIGNMENT.value],
    )
    return [
        CustodyWarehouse(
            int(row["id"]),
            str(row["code"]),
            Decimal(str(row["fee"] or "0")).quantize(Decimal("0.0001")),
        )
        for row in rows
    ]


def _marks(ids: list[int]) -> str:
    return ", ".join("?" for _ in ids)


class Plan(StrEnum):
    """Where the opening units come from; both give the same figures (balance = ledger)."""

    BEFORE = "BEFORE"  # the ledger's movements before the period
    AFTER = "AFTER"  # today's balances less what moved since the period began


def _moves(direction: str, ids: list[int], columns: str, when: str, *, other: bool) -> str:
    """Movements entering (IN) or leaving (OUT) the warehouses `ids` at times `when`;
    with `other`, those between two bins of one warehouse are left out."""
    here, there = (
        ("to_location_id", "from_location_id")
        if direction == "IN"
        else ("from_location_id", "to_location_id")
    )
    join = f" LEFT JOIN location o ON o.id = m.{there}" if other else ""
    skip = " AND (o.warehouse_id IS NULL OR o.warehouse_id <> l.warehouse_id)" if other else ""
    return (
        f"SELECT l.warehouse_id AS warehouse_id, m.product_id AS product_id, {columns}"
        f" FROM location l JOIN stock_movement m ON m.{here} = l.id{join}"
        f" WHERE l.warehouse_id IN ({_marks(ids)}) AND {when}{skip}"
    )


def _parts(ids: list[int], start: datetime, end: datetime, plan: Plan) -> tuple[str, list[Any]]:
    """UNION ALL of rows (warehouse, product, base, in, out, seconds): SUM(base) is the
    opening, the period's rows give units in and out and the integral's second part."""
    end_seconds = int(end.timestamp())
    seconds_left = f"(? - {epoch_seconds('m.created_at')})"
    in_period = "m.created_at >= ? AND m.created_at < ?"
    after = plan is Plan.AFTER
    parts = [
        _moves(
            "IN",
            ids,
            f"{'-m.quantity' if after else '0'} AS base, m.quantity AS units_in,"
            f" 0 AS units_out, m.quantity * {seconds_left} AS unit_seconds",
            in_period,
            other=True,
        ),
        _moves(
            "OUT",
            ids,
            f"{'m.quantity' if after else '0'} AS base, 0 AS units_in,"
            f" m.quantity AS units_out, -m.quantity * {seconds_left} AS unit_seconds",
            in_period,
            other=True,
        ),
    ]
    values: list[Any] = [end_seconds, *ids, start, end, end_seconds, *ids, start, end]
    rest = "0 AS units_in, 0 AS units_out, 0 AS unit_seconds"
    if after:
        parts.append(
            f"SELECT warehouse_id, product_id, on_hand AS base, {rest} FROM stock_balance"
            f" WHERE warehouse_id IN ({_marks(ids)})"
        )
        parts.append(
            _moves("IN", ids, f"-m.quantity AS base, {rest}", "m.created_at >= ?", other=False)
        )
        parts.append(
            _moves("OUT", ids, f"m.quantity AS base, {rest}", "m.created_at >= ?", other=False)
        )
        values += [*ids, *ids, end, *ids, end]
    else:
        parts.append(
            _moves("IN", ids, f"m.quantity AS base, {rest}", "m.created_at < ?", other=False)
        )
        parts.append(
            _moves("OUT", ids, f"-m.quantity AS base, {rest}", "m.created_at < ?", other=False)
        )
        values += [*ids, start, *ids, start]
    return " UNION ALL ".join(parts), values


async def line_rows(ids: list[int], start: datetime, end: datetime, plan: Plan) -> list[LineRow]:
    """Per warehouse and product: opening units, units in and out, and the period's
    movements' part of the integral (signed quantity x seconds left to `end`). One
    statement, so one snapshot of ledger and balances."""
    if not ids:
        return []
    union, values = _parts(ids, start, end, plan)
    rows = await transaction.fetch(
        "SELECT warehouse_id, product_id, SUM(base) AS opening_units,"
        " SUM(units_in) AS units_in, SUM(units_out) AS units_out,"
        " SUM(unit_seconds) AS period_unit_seconds"
        f" FROM ({union}) AS parts GROUP BY warehouse_id, product_id",
        values,
    )
    return [
        LineRow(
            warehouse_id=int(row["warehouse_id"]),
            product_id=int(row["product_id"]),
            opening_units=int(row["opening_units"]),
            units_in=int(row["units_in"]),
            units_out=int(row["units_out"]),
            period_unit_seconds=int(row["period_unit_seconds"]),
        )
        for row in rows
    ]


async def skus(product_ids: list[int]) -> dict[int, str]:
    if not product_ids:
        return {}
    rows = await transaction.fetch(
        f"SELECT id, sku FROM product WHERE id IN ({_marks(product_ids)})", product_ids
    )
    return {int(row["id"]): str(row["sku"]) for row in rows}


async def first_movement_at() -> datetime | None:
    """When the ledger begins (the created_at index answers it at once)."""
    rows = await transaction.fetch("SELECT MIN(created_at) AS first FROM stock_movement")
    return moment(rows[0]["first"]) if rows and rows[0]["first"] is not None else None


@dataclass(frozen=True, slots=True)
class MovementCursor:
    moved_at: datetime
    movement_id: int
    side: int  # 0 in, 1 out (a transfer between two of the warehouses has both)


async def _locations(ids: list[int]) -> dict[int, int]:
    """The warehouses' bins: location id -> warehouse id."""
    rows = await transaction.fetch(
        f"SELECT id, warehouse_id FROM location WHERE warehouse_id IN ({_marks(ids)})", ids
    )
    return {int(row["id"]): int(row["warehouse_id"]) for row in rows}


def _sides(row: dict[str, Any], bins: dict[int, int]) -> list[tuple[int, int, int]]:
    """(side, warehouse, signed quantity) of one movement for the warehouses: into one,
    out of one, or both for a transfer between two of them; none inside one warehouse."""
    into = bins.get(row["to_location_id"]) if row["to_location_id"] is not None else None
    out_of = bins.get(row["from_location_id"]) if row["from_location_id"] is not None else None
    if into == out_of:
        return []
    quantity = int(row["quantity"])
    found = [] if into is None else [(0, into, quantity)]
    return found if out_of is None else [*found, (1, out_of, -quantity)]


async def movement_rows(
    ids: list[int],
    start: datetime,
    end: datetime,
    first: int,
    after: MovementCursor | None,
) -> tuple[list[tuple[MovementCursor, MovementRow]], bool]:
    """The period's movements into and out of the warehouses, in time order, one page
    after `after`; and whether more follow. Read in time order along the created_at
    index (the `+` keeps the bin columns off their indexes), batch by batch, so a page
    reads about as many ledger lines as it shows."""
    if not ids:
        return [], False
    bins = await _locations(ids)
    if not bins:
        return [], False
    marks = _marks(list(bins))
    found: list[tuple[MovementCursor, MovementRow]] = []
    cursor = after
    batch = 2 * first + 2
    while len(found) <= first:
        values: list[Any] = [start, end, *bins, *bins]
        later = ""
        if cursor is not None:
            later = " AND (m.created_at > ? OR (m.created_at = ? AND m.id >= ?))"
            values += [cursor.moved_at, cursor.moved_at, cursor.movement_id]
        rows = await transaction.fetch(
            "SELECT m.id, m.product_id, m.quantity, m.from_location_id, m.to_location_id,"
            " m.created_at FROM stock_movement m WHERE m.created_at >= ? AND m.created_at < ?"
            f" AND (+m.to_location_id IN ({marks}) OR +m.from_location_id IN ({marks})){later}"
            f" ORDER BY m.created_at, m.id LIMIT {batch}",
            values,
        )
        for row in rows:
            at = moment(row["created_at"])
            for side, warehouse_id, signed in _sides(row, bins):
                here = MovementCursor(at, int(row["id"]), side)
                if (
                    cursor is not None
                    and (here.movement_id, here.side)
                    <= (
                        cursor.movement_id,
                        cursor.side,
                    )
                    and at == cursor.moved_at
                ):
                    continue  # shown on an earlier page (or the cursor itself)
                found.append(
                    (
                        here,
                        MovementRow(
                            int(row["id"]), warehouse_id, int(row["product_id"]), signed, at
                        ),
                    )
                )
        if len(rows) < batch:
            break
        last = rows[-1]
        cursor = MovementCursor(moment(last["created_at"]), int(last["id"]), 1)
    return found[:first], len(found) > first
