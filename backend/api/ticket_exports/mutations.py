"""requestTicketExport: input -> command -> service -> payload with the export, or
userErrors (a bad filter, an unknown code, a reused key)."""

from __future__ import annotations

import strawberry

from backend.api.analytics.types import AnalyticsFilter
from backend.api.context import Info
from backend.api.errors import UserError, answer_or_errors
from backend.api.permissions import gated
from backend.api.ticket_exports.types import ExportFormat, TicketExport
from backend.domain.returns import archive as rules
from backend.persistence import models
from backend.services import ticket_exports as service


@strawberry.input
class RequestTicketExportInput:
    idempotency_key: str
    filter: AnalyticsFilter
    format: ExportFormat  # type: ignore[valid-type]


@strawberry.type
class RequestTicketExportPayload:
    export: TicketExport | None
    replayed: bool
    user_errors: list[UserError]


@strawberry.type
class TicketExportMutation:
    @strawberry.mutation(
        description="Record an export of a filter's tickets (the analytics filter, the same"
        " semantics) as CSV files in a ZIP or one XLSX workbook; download it from the"
        " export's `url` within 24 hours. The same key answers the same export."
    )
    @gated
    async def request_ticket_export(
        self, info: Info, input: RequestTicketExportInput
    ) -> RequestTicketExportPayload:
        cmd = service.RequestTicketExport(
            idempotency_key=input.idempotency_key,
            filter=input.filter.to_domain(),
            format=rules.ExportFormat(input.format),
        )
        answer, errors = await answer_or_errors(
            info, lambda bus, who: service.request_export(bus, who, cmd)
        )
        if answer is None:
            return RequestTicketExportPayload(export=None, replayed=False, user_errors=errors)
        row = (
            await models.TicketExport.filter(id=answer.response["exportId"])
            .select_related("requested_by")
            .get()
        )
        return RequestTicketExportPayload(
            export=TicketExport.from_model(row), replayed=answer.replayed, user_errors=[]
        )
