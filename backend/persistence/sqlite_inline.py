"""Tortoise's SQLite client without the per-statement thread hop.

aiosqlite runs every statement on a helper thread: two thread switches per statement, which
the profile showed costing more than the statements themselves (a receiveStock is nine
statements). SQLite statements on a local file take microseconds, so here they run inline on
the event loop; only COMMIT, which waits for fsync under synchronous=FULL, goes to a thread,
so the loop keeps serving other requests while the disk works. Tortoise already serialises
all use of the one connection behind an asyncio lock, so no two threads use it at once.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from tortoise.backends.sqlite.client import SqliteClient


class _Cursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class InlineConnection:
    """The part of aiosqlite.Connection's interface that Tortoise's SQLite client uses."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    @property
    def total_changes(self) -> int:
        return self._conn.total_changes

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> _Cursor:
        return _Cursor(self._conn.execute(sql, parameters or ()))

    async def execute_fetchall(
        self, sql: str, parameters: Sequence[Any] | None = None
    ) -> list[sqlite3.Row]:
        return self._conn.execute(sql, parameters or ()).fetchall()

    async def execute_insert(self, sql: str, parameters: Sequence[Any] | None = None) -> tuple[int]:
        cursor = self._conn.execute(sql, parameters or ())
        return (int(cursor.lastrowid or 0),)

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> None:
        self._conn.executemany(sql, parameters)

    async def executescript(self, script: str) -> None:
        self._conn.executescript(script)

    async def commit(self) -> None:
        if self._conn.in_transaction:
            await asyncio.to_thread(self._conn.commit)

    async def rollback(self) -> None:
        self._conn.rollback()

    async def close(self) -> None:
        self._conn.close()


class InlineSqliteClient(SqliteClient):
    async def create_connection(self, with_db: bool) -> None:
        if self._connection:
            return
        raw = sqlite3.connect(self.filename, isolation_level=None, check_same_thread=False)
        raw.row_factory = sqlite3.Row
        connection = InlineConnection(raw)
        for pragma, value in self.pragmas.items():
            cursor = await connection.execute(f"PRAGMA {pragma}={value}")
            await cursor.close()
        self._connection = connection  # type: ignore[assignment]
        await self._post_connect()


client_class = InlineSqliteClient
