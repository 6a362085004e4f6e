"""One database transaction per use case, and raw SQL that works on both dialects."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any, cast

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient, TransactionContext
from tortoise.transactions import in_transaction


def transaction() -> TransactionContext:
    return in_transaction("default")


def current() -> BaseDBAsyncClient:
    """The connection of the running transaction (or the pool outside one)."""
    client: BaseDBAsyncClient = connections.get("default")
    return client


@lru_cache(maxsize=512)
def _placeholders(sql: str, postgres: bool) -> str:
    if not postgres:
        return sql
    parts = sql.split("?")
    return "".join(f"{part}${i}" if i < len(parts) else part for i, part in enumerate(parts, 1))


def _is_postgres(conn: BaseDBAsyncClient) -> bool:
    return conn.capabilities.dialect == "postgres"


def postgres() -> bool:
    """Whether the current connection is PostgreSQL's (else SQLite's): for the few
    statements written per dialect."""
    return _is_postgres(current())


async def execute(sql: str, values: Sequence[Any] = ()) -> None:
    """Run one statement written with `?` placeholders."""
    conn = current()
    await conn.execute_query(_placeholders(sql, _is_postgres(conn)), list(values))


async def fetch(sql: str, values: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """Rows of one statement (a SELECT, or a write with RETURNING) as dicts."""
    conn = current()
    return await conn.execute_query_dict(_placeholders(sql, _is_postgres(conn)), list(values))


async def fetch_tuples(sql: str, values: Sequence[Any] = ()) -> Sequence[Sequence[Any]]:
    """Rows of one SELECT as positional tuples, no dict per row (for reads of millions)."""
    conn = current()
    _, rows = await conn.execute_query(_placeholders(sql, _is_postgres(conn)), list(values))
    return cast(Sequence[Sequence[Any]], rows)  # sqlite3.Row or asyncpg Record
