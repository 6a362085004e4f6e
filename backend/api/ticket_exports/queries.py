"""ticketExports: the caller's exports (an admin's: everyone's), newest first."""

from __future__ import annotations

import strawberry

from backend.api.context import Info
from backend.api.pagination import Connection, connection, decode_cursor, page_size
from backend.api.permissions import gated
from backend.api.ticket_exports.types import TicketExport
from backend.services import ticket_exports as service


@strawberry.type
class TicketExportQuery:
    @strawberry.field(
        description="Ticket exports, newest first: the caller's own; an admin sees all."
    )
    @gated
    async def ticket_exports(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[TicketExport]:
        principal = info.context.principal
        assert principal is not None
        found = await service.visible_exports(principal, page_size(first), decode_cursor(after))
        return connection(found, [TicketExport.from_model(row) for row in found.rows])
