"""The archive export's reads (Art. 25.2): the tickets of an analytics filter in keyset
pages, and each page's records of one kind, one statement each.

Which tickets: `analytics.ticket_where` without `returned_only`, so an export holds
exactly the tickets analytics counts for the same filter, declined and cancelled ones
included (the archive keeps everything). A category or SKU takes a ticket when one of its
lines matches, and then all its lines come along.

Rows come back as tuples of Python values in the sheet's column order: times as aware
UTC datetimes, money as Decimal, flags as bool, JSON compact with readable Chinese; the
same on SQLite (where they are stored as text and integers) and PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from backend.domain.returns import archive as sheets
from backend.domain.returns.archive import Cell, Sheet
from backend.persistence import transaction
from backend.persistence.queries import archive_columns as sources
from backend.persistence.queries.analytics import ResolvedFilter, ticket_where

# --- values as both databases give them -------------------------------------------------
# Only what needs it is converted: text and integers come back as they are.


def _time(value: Any) -> datetime:
    found = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if found.tzinfo is None:
        return found.replace(tzinfo=UTC)
    return found.astimezone(UTC) if found.utcoffset() else found


def _money(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _json(value: Any) -> str:
    """Compact, with readable Chinese (PostgreSQL answers jsonb spaced out)."""
    found = json.loads(value) if isinstance(value, str | bytes) else value
    return json.dumps(found, ensure_ascii=False, separators=(",", ":"))


def _sqlite_json(value: Any) -> str:
    """SQLite holds JSON compact already (as Tortoise and the services write it), escaped
    only where it has non-ASCII text: only that is rewritten."""
    return _json(value) if "\\u" in value else str(value)


_READ: dict[Cell, Callable[[Any], Any]] = {
    Cell.MONEY: _money,
    Cell.TIME: _time,
    Cell.BOOL: bool,
    Cell.JSON: _json,
}
_READ_SQLITE = {**_READ, Cell.JSON: _sqlite_json}


def _select(sheet: Sheet, sql_of: dict[str, str]) -> str:
    return ", ".join(sql_of[c.name] for c in sheet.columns)


def _reader(sheet: Sheet, skip: int = 0) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """What turns a row as the database gives it (its first `skip` columns not the
    sheet's) into the sheet's values."""
    given = _READ if transaction.postgres() else _READ_SQLITE
    conversions = [(i, given[c.cell]) for i, c in enumerate(sheet.columns) if c.cell in given]

    def read(raw: Sequence[Any]) -> tuple[Any, ...]:
        row = list(raw[skip:])
        for i, convert in conversions:
            value = row[i]
            if value is not None:
                row[i] = convert(value)
        return tuple(row)

    return read


# --- the reads ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TicketPage:
    """A page of tickets: its rows (the tickets sheet) and the range of ids it spans."""

    first_id: int
    last_id: int
    rows: list[tuple[Any, ...]]


async def last_ticket_id() -> int:
    """The newest ticket's id: an export reads no ticket made after it started."""
    rows = await transaction.fetch("SELECT COALESCE(MAX(id), 0) AS last FROM return_ticket")
    return int(rows[0]["last"])


async def ticket_pages(
    f: ResolvedFilter, *, up_to: int, size: int | None = None
) -> AsyncIterator[TicketPage]:
    """The filter's tickets with ids up to `up_to`, oldest first, `size` (by default
    PAGE_SIZE) at a time: one keyset statement per page."""
    size = size or sheets.PAGE_SIZE
    where, values = ticket_where(f, returned_only=False, lines_joined=False)
    sql = (
        f"SELECT t.id, {_select(sheets.TICKETS, sources.TICKET_COLUMNS)}"
        f" FROM return_ticket t{sources.TICKET_JOINS}"
        f" WHERE {where} AND t.id > ? AND t.id <= ? ORDER BY t.id LIMIT ?"
    )
    read = _reader(sheets.TICKETS, skip=1)
    after = 0
    while True:
        found = await transaction.fetch_tuples(sql, [*values, after, up_to, size])
        if not found:
            return
        first, last = int(found[0][0]), int(found[-1][0])
        yield TicketPage(first, last, [read(row) for row in found])
        if len(found) < size:
            return
        after = last


async def records(
    sheet: Sheet, f: ResolvedFilter, first_id: int, last_id: int
) -> list[tuple[Any, ...]]:
    """A sheet's records of the filter's tickets with ids from `first_id` to `last_id`,
    by ticket then in the order they were made: one statement."""
    source = sources.RECORDS[sheet.name]
    where, values = ticket_where(f, returned_only=False, lines_joined=False)
    sql_of = {"ticket_number": "t.number", **source.columns}
    sql = (
        f"SELECT {_select(sheet, sql_of)} FROM {source.table} x"
        f" JOIN return_ticket t ON t.id = x.ticket_id{source.joins}"
        f" WHERE {where} AND t.id >= ? AND t.id <= ? ORDER BY x.ticket_id, x.id"
    )
    read = _reader(sheet)
    return [read(row) for row in await transaction.fetch_tuples(sql, [*values, first_id, last_id])]
