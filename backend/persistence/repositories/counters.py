"""Named counters behind readable numbers (tickets, corrective actions)."""

from __future__ import annotations

from backend.persistence import transaction


async def advance(name: str) -> int:
    """The counter's next value: created at 0 if new, advanced by one atomic statement, so
    two transactions never get the same value."""
    await transaction.execute(
        "INSERT INTO counter (name, value) VALUES (?, 0) ON CONFLICT (name) DO NOTHING", [name]
    )
    rows = await transaction.fetch(
        "UPDATE counter SET value = value + 1 WHERE name = ? RETURNING value", [name]
    )
    return int(rows[0]["value"])
