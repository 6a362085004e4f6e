"""Corrective actions: a cursor connection by status, and one by number."""

from __future__ import annotations

import strawberry

from backend.api.context import Info
from backend.api.corrective_actions.types import (
    CorrectiveAction,
    CorrectiveStatus,
    build_actions,
)
from backend.api.pagination import Connection, connection, decode_cursor, page_size
from backend.api.permissions import gated
from backend.persistence import models
from backend.persistence.queries.pages import page


@strawberry.type
class CorrectiveActionQuery:
    @strawberry.field(description="Corrective actions, oldest first, optionally by status.")
    @gated
    async def corrective_actions(
        self,
        info: Info,
        status: CorrectiveStatus | None = None,  # type: ignore[valid-type]
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[CorrectiveAction]:
        principal = info.context.principal
        assert principal is not None
        query = models.CorrectiveAction.all()
        if status is not None:
            query = query.filter(status=status)
        found = await page(query, page_size(first), decode_cursor(after))
        return connection(found, await build_actions(principal, found.rows))

    @strawberry.field(description="One corrective action by its number (CA-2026-0001).")
    @gated
    async def corrective_action(self, info: Info, number: str) -> CorrectiveAction | None:
        principal = info.context.principal
        assert principal is not None
        row = await models.CorrectiveAction.get_or_none(number=number.strip())
        if row is None:
            return None
        [built] = await build_actions(principal, [row])
        return built
