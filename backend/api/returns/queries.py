"""Reading tickets: one by id or number, filtered and searched pages, my role's queue,
inspection checklists; and the live subscriptions, each scoped to what the caller may see."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry

from backend.api.context import Info
from backend.api.enums import ReturnKind, ReturnSource, TicketStatus
from backend.api.errors import bad_input
from backend.api.loaders import Loaders
from backend.api.pagination import Connection, connection, decode_cursor, page_size
from backend.api.permissions import gated
from backend.api.returns.build import build_ticket, build_tickets
from backend.api.returns.lists import ChecklistQuestion
from backend.api.returns.types import ReturnTicket
from backend.domain.auth.scope import scope_of
from backend.domain.returns.queues import waiting_for
from backend.persistence import models
from backend.persistence.queries import tickets as q
from backend.persistence.queries.pages import page
from backend.services.returns.casefile import INSPECTIONS_TOPIC, TICKETS_TOPIC


@strawberry.type
class TicketQueue:
    total: int
    tickets: list[ReturnTicket] = strawberry.field(description="Oldest in its status first.")


@strawberry.type
class TicketChange:
    ticket_id: strawberry.ID
    number: str
    status: TicketStatus  # type: ignore[valid-type]
    previous_status: TicketStatus | None  # type: ignore[valid-type]
    action: str

    @strawberry.field(description="The ticket as it is now (read fresh).")
    async def ticket(self, info: Info) -> ReturnTicket | None:
        # Fresh loaders: a long subscription must not serve the connection's cached rows.
        found = await models.ReturnTicket.get_or_none(id=int(self.ticket_id))
        return await build_ticket(info, found, Loaders())


@strawberry.type
class InspectionRecorded:
    ticket_id: strawberry.ID
    number: str
    stage: str
    inspection_ids: list[strawberry.ID]

    @strawberry.field(description="The ticket with its inspections (read fresh).")
    async def ticket(self, info: Info) -> ReturnTicket | None:
        found = await models.ReturnTicket.get_or_none(id=int(self.ticket_id))
        return await build_ticket(info, found, Loaders())


def _ticket_id(value: strawberry.ID | None) -> int | None:
    if value is None:
        return None
    if not str(value).isdigit():
        raise bad_input("ticketId is a number.")
    return int(str(value))


@strawberry.type
class ReturnsQuery:
    @strawberry.field(description="By id or number; partners see their own tickets only.")
    @gated
    async def return_ticket(
        self, info: Info, id: strawberry.ID | None = None, number: str | None = None
    ) -> ReturnTicket | None:
        principal = info.context.principal
        assert principal is not None
        if (id is None) == (number is None):
            raise bad_input("Give either id or number.")
        query = q.tickets(scope_of(principal), q.TicketFilter())
        ticket_id = _ticket_id(id)
        found = await (
            query.get_or_none(id=ticket_id) if ticket_id else query.get_or_none(number=number)
        )
        return await build_ticket(info, found)

    @strawberry.field(
        description="Filtered, searched (customer, phone, waybill, order, SKU, number) pages."
    )
    @gated
    async def return_tickets(
        self,
        info: Info,
        statuses: list[TicketStatus] | None = None,  # type: ignore[valid-type]
        kinds: list[ReturnKind] | None = None,  # type: ignore[valid-type]
        sources: list[ReturnSource] | None = None,  # type: ignore[valid-type]
        assignee: str | None = None,
        reason_code: str | None = None,
        created_from: datetime | None = None,
        created_to: datetime | None = None,
        search: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ReturnTicket]:
        principal = info.context.principal
        assert principal is not None
        assignee_id = None
        if assignee:
            person = await models.User.get_or_none(username=assignee)
            assignee_id = person.id if person else -1
        if search is not None and len(search) > 100:
            raise bad_input("search is at most 100 characters.")
        found = await page(
            q.tickets(
                scope_of(principal),
                q.TicketFilter(
                    statuses=list(statuses or []),
                    kinds=list(kinds or []),
                    sources=list(sources or []),
                    assignee_id=assignee_id,
                    reason_code=reason_code,
                    created_from=created_from,
                    created_to=created_to,
                    search=search or "",
                ),
            ),
            page_size(first),
            decode_cursor(after),
        )
        return connection(found, await build_tickets(info, found.rows))

    @strawberry.field(description="What waits for my role, oldest first, with its age.")
    @gated
    async def my_queue(self, info: Info, first: int | None = None) -> TicketQueue:
        principal = info.context.principal
        assert principal is not None
        query = q.queue(waiting_for(principal.role), principal.user_id)
        rows = await query.limit(page_size(first))
        return TicketQueue(total=await query.count(), tickets=await build_tickets(info, rows))

    @strawberry.field(description="The inspection questions for a category (and for all).")
    @gated
    async def checklists(
        self, info: Info, category_code: str | None = None
    ) -> list[ChecklistQuestion]:
        category_id = None
        if category_code:
            category = await models.Category.get_or_none(code=category_code)
            if category is None:
                return []
            category_id = category.id
        items = await q.checklist(category_id)
        return [
            ChecklistQuestion(
                code=item.code,
                question_zh=item.question_zh,
                question_en=item.question_en,
                category_code=category_code if item.category_id else None,
                position=item.position,
                active=item.active,
            )
            for item in items
        ]


@strawberry.type
class ReturnsSubscription:
    @strawberry.subscription(description="Status changes of tickets the caller may see.")
    @gated
    async def return_ticket_changed(
        self,
        info: Info,
        ticket_id: strawberry.ID | None = None,
        statuses: list[TicketStatus] | None = None,  # type: ignore[valid-type]
        kinds: list[ReturnKind] | None = None,  # type: ignore[valid-type]
    ) -> AsyncGenerator[TicketChange, None]:
        principal = info.context.principal
        assert principal is not None
        scope = scope_of(principal)
        wanted_id = _ticket_id(ticket_id)
        async with info.context.pubsub.subscribe(TICKETS_TOPIC) as messages:
            async for m in messages:
                if not scope.sees(m["partnerId"]):
                    continue
                if wanted_id is not None and m["ticketId"] != wanted_id:
                    continue
                if statuses and m["status"] not in statuses:
                    continue
                if kinds and m["kind"] not in kinds:
                    continue
                yield TicketChange(
                    ticket_id=strawberry.ID(str(m["ticketId"])),
                    number=m["number"],
                    status=m["status"],
                    previous_status=m["previousStatus"],
                    action=m["action"],
                )

    @strawberry.subscription(description="New inspection results on tickets the caller may see.")
    @gated
    async def inspection_recorded(
        self, info: Info, ticket_id: strawberry.ID | None = None
    ) -> AsyncGenerator[InspectionRecorded, None]:
        principal = info.context.principal
        assert principal is not None
        scope = scope_of(principal)
        wanted_id = _ticket_id(ticket_id)
        async with info.context.pubsub.subscribe(INSPECTIONS_TOPIC) as messages:
            async for m in messages:
                if not scope.sees(m["partnerId"]):
                    continue
                if wanted_id is not None and m["ticketId"] != wanted_id:
                    continue
                yield InspectionRecorded(
                    ticket_id=strawberry.ID(str(m["ticketId"])),
                    number=m["number"],
                    stage=m["stage"],
                    inspection_ids=[strawberry.ID(str(i)) for i in m["inspectionIds"]],
                )
