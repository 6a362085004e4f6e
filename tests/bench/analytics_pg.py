"""The analytics benchmark's data on PostgreSQL: the cached SQLite database
(tests/bench/analytics_data.py) copied row for row into a PostgreSQL database.

The target database is emptied (its public schema dropped), migrated with the app's own
migrations, its tables emptied again (the migrations fill the managed lists), then every
table is copied with COPY, foreign-key checks off for the copy only
(session_replication_role = replica; the rows come from a database that passed
`PRAGMA foreign_key_check`); the id sequences are moved past the copied ids and the tables
vacuumed and analysed. Use a database of your own: everything in it is replaced.

    .venv/bin/python -m tests.bench.analytics_pg postgres://postgres@127.0.0.1:5432/<db>
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
import time
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
from tortoise import Tortoise

from backend.persistence.db import tortoise_config
from tests.bench import analytics_data

BATCH = 50_000


def _converter(data_type: str) -> Callable[[Any], Any]:
    if data_type.startswith("timestamp"):
        return datetime.fromisoformat
    if data_type == "numeric":
        return lambda v: Decimal(str(v))
    if data_type == "boolean":
        return bool
    if data_type in ("integer", "bigint", "smallint"):
        return int
    if data_type in ("double precision", "real"):
        return float
    return str


async def _migrate(url: str) -> None:
    from tortoise.migrations.api.migrate import migrate

    try:
        await migrate(config=tortoise_config(url))
    finally:
        await Tortoise.close_connections()


async def load(sqlite_file: Path, url: str, say: Callable[[str], None]) -> dict[str, Any]:
    """Replace the database at `url` with the rows of `sqlite_file`; rows per table."""
    started = time.monotonic()
    dsn = url.replace("postgres://", "postgresql://", 1)
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()
    await _migrate(url)
    source = sqlite3.connect(f"file:{sqlite_file}?mode=ro", uri=True)
    conn = await asyncpg.connect(dsn)
    counts: dict[str, int] = {}
    try:
        tables = [
            r["table_name"]
            for r in await conn.fetch(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
                " AND table_name NOT LIKE 'tortoise%'"
            )
        ]
        await conn.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        await conn.execute("SET session_replication_role = replica")
        for table in tables:
            columns = {
                r["column_name"]: _converter(r["data_type"])
                for r in await conn.fetch(
                    "SELECT column_name, data_type FROM information_schema.columns"
                    " WHERE table_schema = 'public' AND table_name = $1",
                    table,
                )
            }
            names = list(columns)
            convert = [columns[n] for n in names]
            quoted = ", ".join(f'"{name}"' for name in names)
            cursor = source.execute(f"SELECT {quoted} FROM {table}")
            copied = 0
            while batch := cursor.fetchmany(BATCH):
                records = [
                    tuple(None if v is None else c(v) for c, v in zip(convert, row, strict=True))
                    for row in batch
                ]
                await conn.copy_records_to_table(table, records=records, columns=names)
                copied += len(records)
            counts[table] = copied
            if "id" in columns and copied:
                await conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" (SELECT MAX(id) FROM {table}))"
                )
            if copied > 100_000:
                say(f"  {table}: {copied:,} rows")
        await conn.execute("SET session_replication_role = DEFAULT")
        await conn.execute("VACUUM ANALYZE")  # statistics, and the visibility map
    finally:
        await conn.close()
        source.close()
    return {"rows": counts, "load_s": round(time.monotonic() - started, 1)}


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not argv[0].startswith(("postgres://", "postgresql://")):
        sys.stderr.write(__doc__ or "")
        return 2
    say = _say
    sqlite_file, _info = analytics_data.ensure_database(say)
    say(f"copying {sqlite_file.name} into {argv[0]} ...")
    found = asyncio.run(load(sqlite_file, argv[0], say))
    say(json.dumps(found, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
