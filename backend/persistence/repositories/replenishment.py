"""Writes of reorder policies and ABC classification.

A policy's below-state changes only by a conditional UPDATE on the state it was read in,
so two transactions can never both flip it. On PostgreSQL the policies a transaction
checks are first locked (in id order, after all of the transaction's balance changes), so
the availability read next sees every booking committed before, and a booking that raced
this one checks after it, against both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from backend.domain.inventory.abc import Classified, Cutoffs
from backend.domain.inventory.reorder import Levels
from backend.persistence import transaction
from backend.persistence.models import AbcRun


@dataclass(frozen=True, slots=True)
class PolicyState:
    id: int
    product_id: int
    warehouse_id: int
    reorder_point: int
    below: bool


def _postgres() -> bool:
    return bool(transaction.current().capabilities.dialect == "postgres")


async def warehouse_id(code: str) -> int | None:
    rows = await transaction.fetch(
        "SELECT id FROM warehouse WHERE code = ? AND active = ?", [code, True]
    )
    return int(rows[0]["id"]) if rows else None


async def save_policy(
    product_id: int, warehouse_id: int, levels: Levels, actor_id: int, now: datetime
) -> int:
    """Create the product's policy in the warehouse, or change its numbers (its below-state
    stays until the check that follows); the policy's id."""
    rows = await transaction.fetch(
        "INSERT INTO reorder_policy (product_id, warehouse_id, reorder_point, safety_stock,"
        " cover_days, below, below_since, updated_by_id, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?)"
        " ON CONFLICT (product_id, warehouse_id) DO UPDATE SET"
        " reorder_point = excluded.reorder_point, safety_stock = excluded.safety_stock,"
        " cover_days = excluded.cover_days, updated_by_id = excluded.updated_by_id,"
        " updated_at = excluded.updated_at"
        " RETURNING id",
        [
            product_id,
            warehouse_id,
            levels.reorder_point,
            levels.safety_stock,
            levels.cover_days,
            False,
            actor_id,
            now,
        ],
    )
    return int(rows[0]["id"])


async def lock_policies(pairs: Sequence[tuple[int, int]]) -> list[PolicyState]:
    """The policies of these (product, warehouse) pairs, locked until commit on PostgreSQL
    (SQLite runs one transaction at a time), in id order."""
    if not pairs:
        return []
    match = " OR ".join("(product_id = ? AND warehouse_id = ?)" for _ in pairs)
    lock = " FOR UPDATE" if _postgres() else ""
    rows = await transaction.fetch(
        "SELECT id, product_id, warehouse_id, reorder_point, below FROM reorder_policy"
        f" WHERE {match} ORDER BY id{lock}",
        [value for pair in pairs for value in pair],
    )
    return [
        PolicyState(
            id=int(row["id"]),
            product_id=int(row["product_id"]),
            warehouse_id=int(row["warehouse_id"]),
            reorder_point=int(row["reorder_point"]),
            below=bool(row["below"]),
        )
        for row in rows
    ]


async def flip(policy_id: int, was_below: bool, now: datetime) -> bool:
    """Set the policy below (with the moment) or back above, only if it is still in the
    state it was read in; True if this call changed it."""
    rows = await transaction.fetch(
        "UPDATE reorder_policy SET below = ?, below_since = ?"
        " WHERE id = ? AND below = ? RETURNING id",
        [not was_below, None if was_below else now, policy_id, was_below],
    )
    return bool(rows)


async def store_classes(classified: Sequence[Classified], at: datetime) -> None:
    """Every classified product's class, value and classification time."""
    if not classified:
        return
    marks = ("$1", "$2", "$3", "$4") if _postgres() else ("?", "?", "?", "?")
    sql = (
        f"UPDATE product SET abc_class = {marks[0]}, abc_value = {marks[1]},"
        f" abc_classified_at = {marks[2]} WHERE id = {marks[3]}"
    )
    await transaction.current().execute_many(
        sql, [[item.abc_class.value, item.value, at, item.product_id] for item in classified]
    )


async def record_run(
    *,
    period: tuple[datetime, datetime],
    cutoffs: Cutoffs,
    total_value: Decimal,
    counts: tuple[int, int, int],
    actor_id: int,
    at: datetime,
) -> AbcRun:
    return await AbcRun.create(
        period_from=period[0],
        period_to=period[1],
        cutoff_a=cutoffs.a,
        cutoff_b=cutoffs.b,
        total_value=total_value,
        a_products=counts[0],
        b_products=counts[1],
        c_products=counts[2],
        run_by_id=actor_id,
        at=at,
    )
