"""A recorded ticket export as the API shows it: what it covers, who asked, its downloads,
and where to download it."""

from __future__ import annotations

from datetime import datetime

import strawberry

from backend.api.auth.types import UserRef
from backend.api.enums import ReturnKind, ReturnSource
from backend.domain.returns import archive as rules
from backend.persistence import models

ExportFormat = strawberry.enum(rules.ExportFormat, name="ExportFormat")


@strawberry.type(
    description="The analytics filter an export was requested for (codes and times as"
    " checked: trimmed, UTC)."
)
class TicketExportFilter:
    created_from: datetime | None
    created_to: datetime | None
    warehouse_code: str | None
    category_code: str | None
    sku: str | None
    reason_code: str | None
    sources: list[ReturnSource]  # type: ignore[valid-type]
    kinds: list[ReturnKind]  # type: ignore[valid-type]


@strawberry.type(
    description="An archive export of tickets (Art. 25.2): the tickets of a filter with their"
    " lines, full history, inspections, refunds, follow-up calls, notes, shipments, waybills"
    " and courier claims. The file is written as it downloads: GET `url` with the"
    " requester's (or an admin's) bearer token, until `expiresAt`."
)
class TicketExport:
    id: strawberry.ID
    format: ExportFormat  # type: ignore[valid-type]
    filter: TicketExportFilter
    requested_by: UserRef
    created_at: datetime
    expires_at: datetime
    downloads: int = strawberry.field(description="Completed downloads.")
    last_downloaded_at: datetime | None
    tickets_exported: int | None = strawberry.field(
        description="Tickets in the last completed download."
    )
    url: str = strawberry.field(description="Relative: /exports/<id>.")
    file_name: str

    @classmethod
    def from_model(cls, row: models.TicketExport) -> TicketExport:
        """`row` with its requester loaded (select_related or fetch_related)."""
        f = rules.filter_from_spec(row.filter_spec)
        return cls(
            id=strawberry.ID(str(row.id)),
            format=row.format,
            filter=TicketExportFilter(
                created_from=f.created_from,
                created_to=f.created_to,
                warehouse_code=f.warehouse_code,
                category_code=f.category_code,
                sku=f.sku,
                reason_code=f.reason_code,
                sources=list(f.sources),
                kinds=list(f.kinds),
            ),
            requested_by=UserRef.from_model(row.requested_by),
            created_at=row.created_at,
            expires_at=row.expires_at,
            downloads=row.downloads,
            last_downloaded_at=row.last_downloaded_at,
            tickets_exported=row.tickets_exported,
            url=rules.url(row.public_id),
            file_name=rules.file_name(row.id, row.created_at, row.format),
        )
