"""One database transaction per use case, and raw SQL that works on both dialects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient, TransactionContext
from tortoise.transactions import in_transaction


def transaction() -> TransactionContext:
    return in_transaction("default")


def current() -> BaseDBAsyncClient:
    """The connection of the running transaction (or the pool outside one)."""
    return connections.get("default")


def dialect() -> str:
    return str(current().capabilities.dialect)


def _placeholders(sql: str, postgres: bool) -> str:
    if not postgres:
        return sql
    parts = sql.split("?")
    return "".join(f"{part}${i}" if i < len(parts) else part for i, part in enumerate(parts, 1))


async def execute(sql: str, values: Sequence[Any] = ()) -> int:
    """Run one statement written with `?` placeholders; returns the rows it changed."""
    conn = current()
    rows, _ = await conn.execute_query(_placeholders(sql, dialect() == "postgres"), list(values))
    return int(rows)


async def fetch(sql: str, values: Sequence[Any] = ()) -> list[dict[str, Any]]:
    conn = current()
    _, rows = await conn.execute_query(_placeholders(sql, dialect() == "postgres"), list(values))
    return [dict(row) for row in rows]
