"""Recorded ticket exports (Art. 25.2): the request row, each completed download, pages of a
user's exports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from backend.domain.returns.archive import ExportFormat
from backend.persistence import transaction
from backend.persistence.models import TicketExport
from backend.persistence.queries.pages import Page


async def create(
    *,
    public_id: str,
    format: ExportFormat,
    filter_spec: dict[str, Any],
    requested_by: int,
    created_at: datetime,
    expires_at: datetime,
) -> TicketExport:
    return await TicketExport.create(
        public_id=public_id,
        format=format,
        filter_spec=filter_spec,
        requested_by_id=requested_by,
        created_at=created_at,
        expires_at=expires_at,
    )


async def by_public_id(public_id: str) -> TicketExport | None:
    return await TicketExport.get_or_none(public_id=public_id)


async def record_download(export_id: int, tickets: int, at: datetime) -> None:
    """One more completed download, when, and how many tickets it held: one UPDATE, so
    two downloads finishing at once are both counted."""
    async with transaction.transaction():
        await transaction.execute(
            "UPDATE ticket_export SET downloads = downloads + 1, last_downloaded_at = ?,"
            " tickets_exported = ? WHERE id = ?",
            [at, tickets, export_id],
        )


async def newest_first(
    requested_by: int | None, first: int, before_id: int | None
) -> Page[TicketExport]:
    """A page of exports, newest first, with their requesters; all users' when
    `requested_by` is None."""
    query = TicketExport.all().select_related("requested_by")
    if requested_by is not None:
        query = query.filter(requested_by_id=requested_by)
    if before_id is not None:
        query = query.filter(id__lt=before_id)
    rows = await query.order_by("-id").limit(first + 1)
    return Page(rows=rows[:first], has_next=len(rows) > first)
