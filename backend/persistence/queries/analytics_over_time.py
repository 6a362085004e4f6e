"""Return rate over time: per calendar bucket (UTC day, ISO week or month) of the filter's
period, the returned tickets and units (tickets created in the bucket, counted as
`analytics.totals` counts them) and the units shipped in it (shipments of the bucket).

On SQLite one statement: the buckets are a VALUES list (every bucket present, zero-filled),
their ranges read by the indexes on return_ticket(created_at, ...) and
shipment_line(shipped_at, ...): no date arithmetic per row, no sort. On PostgreSQL each
row's bucket is its date_trunc, one hash aggregate per side, the two sides run at once,
and the empty buckets are filled in here.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from backend.domain.returns import over_time as rules
from backend.persistence import transaction
from backend.persistence.queries.analytics import (
    ResolvedFilter,
    returned_lines,
    shipped_lines,
    ticket_where,
)

_BOUNDS = ("b.period_from", "b.period_to")


@dataclass(frozen=True, slots=True)
class PeriodCount:
    start: datetime  # the bucket's calendar start (UTC)
    tickets: int
    units: int
    shipped_units: int


async def first_ticket_at(f: ResolvedFilter) -> datetime | None:
    """When the filter's first returned ticket was created (None: there is none)."""
    where, values = ticket_where(f, returned_only=True, lines_joined=False)
    rows = await transaction.fetch(
        f"SELECT t.created_at FROM return_ticket t WHERE {where} ORDER BY t.created_at LIMIT 1",
        values,
    )
    if not rows:
        return None
    found = rows[0]["created_at"]
    return found if isinstance(found, datetime) else datetime.fromisoformat(str(found))


def _bucket_values(count: int) -> str:
    return ", ".join("(?, ?, ?)" for _ in range(count))


async def _hashed(
    f: ResolvedFilter, interval: rules.Interval, starts: list[datetime]
) -> list[PeriodCount]:
    """PostgreSQL: each row's bucket by date_trunc (ISO weeks start on Monday), one hash
    aggregate per side over the period (`f` holds it); empty buckets filled here. The two
    sides are two statements run at once, each on a connection of the pool (serialised on
    the one connection inside a transaction): the slower side's time, not their sum."""
    returned, values = returned_lines(f)
    shipped, shipped_values = shipped_lines(f)
    unit = interval.value.lower()
    returned_rows, shipped_rows = await asyncio.gather(
        transaction.fetch(
            "SELECT date_trunc(?, t.created_at AT TIME ZONE 'UTC') AS bucket,"
            f" COUNT(DISTINCT l.ticket_id) AS tickets, SUM(l.quantity) AS units {returned}"
            " GROUP BY 1",
            [unit, *values],
        ),
        transaction.fetch(
            "SELECT date_trunc(?, sl.shipped_at AT TIME ZONE 'UTC') AS bucket,"
            f" SUM(sl.quantity) AS units {shipped} GROUP BY 1",
            [unit, *shipped_values],
        ),
    )
    returned_in = {
        row["bucket"].replace(tzinfo=UTC): (int(row["tickets"]), int(row["units"]))
        for row in returned_rows
    }
    shipped_in = {row["bucket"].replace(tzinfo=UTC): int(row["units"]) for row in shipped_rows}
    return [
        PeriodCount(
            start=start,
            tickets=returned_in.get(start, (0, 0))[0],
            units=returned_in.get(start, (0, 0))[1],
            shipped_units=shipped_in.get(start, 0),
        )
        for start in starts
    ]


async def over_time(
    f: ResolvedFilter, interval: rules.Interval, now: datetime
) -> list[PeriodCount]:
    """Every bucket of the period: from the filter's createdFrom (else from the start of
    the bucket of its first ticket) to its createdTo (else `now`); the first and last
    buckets count only their part inside the period. More than rules.MAX_BUCKETS buckets
    are refused (a DomainError)."""
    first = f.created_from
    if first is None:
        earliest = await first_ticket_at(f)
        if earliest is None:
            return []
        first = rules.bucket_start(earliest, interval)
    end = f.created_to or now
    starts = rules.buckets(first, end, interval)
    if not starts:
        return []
    if transaction.postgres():
        return await _hashed(replace(f, created_from=first, created_to=end), interval, starts)
    ranges = []
    for n, start in enumerate(starts):
        stop = rules.next_bucket(start, interval)
        ranges += [n, max(start, first), min(stop, end)]
    # per bucket a scalar subquery per side, each read by its range of the created_at and
    # shipped_at indexes (the returned side's two figures as one JSON pair, so that its
    # tickets are read once): no date arithmetic per row and no sort
    returned, values = returned_lines(f, bounds=_BOUNDS)
    shipped, shipped_values = shipped_lines(f, bounds=_BOUNDS)
    sql = (
        f"WITH b (n, period_from, period_to) AS (VALUES {_bucket_values(len(starts))})"
        " SELECT b.n, (SELECT json_array(COUNT(DISTINCT l.ticket_id),"
        f" COALESCE(SUM(l.quantity), 0)) {returned}) AS returned,"
        f" (SELECT COALESCE(SUM(sl.quantity), 0) {shipped}) AS shipped"
        " FROM b ORDER BY b.n"
    )
    params = [*ranges, *values, *shipped_values]
    rows = await transaction.fetch(sql, params)
    found = []
    for row in rows:
        tickets, units = json.loads(row["returned"])
        found.append(
            PeriodCount(
                start=starts[int(row["n"])],
                tickets=int(tickets),
                units=int(units),
                shipped_units=int(row["shipped"]),
            )
        )
    return found
