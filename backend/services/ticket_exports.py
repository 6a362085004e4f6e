"""The archive export of tickets (Art. 25.2): request one (a keyed, recorded request for a
filter and a format), list them, download one.

A request is checked (the filter as return analytics checks it, codes resolved) and
recorded with an unguessable id; the file is written while it downloads
(`archive_files`), from the tickets as they are then, so a request costs nothing until
someone downloads it. Each completed download is recorded on the export: the count, when,
and how many tickets it held.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from backend.domain.auth.permissions import may
from backend.domain.auth.roles import Principal, Role
from backend.domain.errors import DomainError, ErrorCode
from backend.domain.returns import archive as rules
from backend.domain.returns.analytics import AnalyticsFilter, check_filter
from backend.domain.returns.archive import DownloadRefusal, ExportFormat
from backend.persistence.models import TicketExport
from backend.persistence.queries.pages import Page
from backend.persistence.repositories import exports as repo
from backend.pubsub.base import PubSub
from backend.services import analytics
from backend.services.archive_files import Tally, csv_zip, xlsx
from backend.services.idempotency import Answer, run_once
from backend.services.unit_of_work import UnitOfWork

OPERATION = "requestTicketExport"


@dataclass(frozen=True, slots=True)
class RequestTicketExport:
    idempotency_key: str
    filter: AnalyticsFilter
    format: ExportFormat


async def request_export(pubsub: PubSub, actor: Principal, cmd: RequestTicketExport) -> Answer:
    """Record an export of the filter's tickets; the same key answers the same export."""
    if not may(actor.role, OPERATION):
        raise DomainError(ErrorCode.NOT_ALLOWED, "Your role may not export tickets.")
    checked = check_filter(cmd.filter)
    request = {"format": cmd.format.value, "filter": rules.filter_spec(checked)}

    async def work(uow: UnitOfWork) -> dict[str, Any]:
        await analytics.resolve(checked)  # an unknown code is refused now, not at download
        now = datetime.now(UTC)
        export = await repo.create(
            public_id=secrets.token_urlsafe(32),
            format=cmd.format,
            filter_spec=rules.filter_spec(checked),
            requested_by=actor.user_id,
            created_at=now,
            expires_at=now + rules.EXPIRES_AFTER,
        )
        return {"exportId": export.id}

    return await run_once(pubsub, actor, cmd.idempotency_key, OPERATION, request, work)


async def visible_exports(
    caller: Principal, first: int, before_id: int | None
) -> Page[TicketExport]:
    """The caller's own exports, newest first; an admin sees everyone's."""
    owner = None if caller.role is Role.ADMIN else caller.user_id
    return await repo.newest_first(owner, first, before_id)


# --- the download ------------------------------------------------------------------------


class DownloadRefused(Exception):
    def __init__(self, refusal: DownloadRefusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


@dataclass(frozen=True, slots=True)
class Download:
    file_name: str
    media_type: str
    chunks: AsyncGenerator[bytes, None]


async def open_download(public_id: str, caller: Principal | None) -> Download:
    """The export's file as a stream of chunks, or why the caller may not have it
    (DownloadRefused). A filter code that no longer resolves is a DomainError."""
    if caller is None:
        raise DownloadRefused(DownloadRefusal.UNAUTHENTICATED)
    export = await repo.by_public_id(public_id)
    if export is None:
        raise DownloadRefused(DownloadRefusal.NOT_FOUND)
    refusal = rules.download_refusal(
        caller, export.requested_by_id, export.expires_at, datetime.now(UTC)
    )
    if refusal is not None:
        raise DownloadRefused(refusal)
    resolved = await analytics.resolve(rules.filter_from_spec(export.filter_spec))
    tally = Tally()
    if export.format is ExportFormat.CSV:
        chunks = csv_zip(resolved, export.created_at, tally)
    else:
        chunks = xlsx(resolved, tally)
    return Download(
        file_name=rules.file_name(export.id, export.created_at, export.format),
        media_type=rules.media_type(export.format),
        chunks=_recorded(export.id, chunks, tally),
    )


async def _recorded(
    export_id: int, chunks: AsyncGenerator[bytes, None], tally: Tally
) -> AsyncGenerator[bytes, None]:
    """The chunks; once the last was taken, the download is recorded on the export."""
    async with aclosing(chunks):
        async for chunk in chunks:
            yield chunk
    await repo.record_download(export_id, tally.tickets, datetime.now(UTC))
