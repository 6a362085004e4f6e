"""Optimistic concurrency for rows with a `version` column (return tickets, corrective
actions): a change applies only if nobody changed the row since it was read."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tortoise.expressions import F
from tortoise.models import Model


async def change(row: Model, /, **changes: Any) -> bool:
    """Apply `changes` in one conditional UPDATE; bumps the version and `updated_at`, and
    mirrors them on `row`. False when the row moved on meanwhile."""
    now = datetime.now(UTC)
    version = row.version  # type: ignore[attr-defined]
    updated = (
        await type(row)
        .filter(id=row.pk, version=version)
        .update(version=F("version") + 1, updated_at=now, **changes)
    )
    if updated != 1:
        return False
    for name, value in changes.items():
        setattr(row, name, value)
    row.version = version + 1
    row.updated_at = now
    return True
