"""The follow-up call (回访, Art. 25.1): CS calls the customer once a case is done and
records the call; the rules are in domain/returns/follow_up.py.

A reached call, or the third failed attempt, closes the ticket in the same transaction
(the flow's CLOSE, its history row carrying the call). A failed attempt before that is a
history row of its own. A new problem raised on a reached call either reopens this ticket
(CLOSE, then the flow's REOPEN back to FOLLOW_UP: the case stays in CS's queue until a later
call closes it) or opens a new application, through the same checks as `requestReturn`,
linked to this ticket: the call row points at it and its first history row names this one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from backend.domain.auth.roles import Principal
from backend.domain.errors import DomainError, ErrorCode
from backend.domain.returns import follow_up as rules
from backend.domain.returns import workflow
from backend.domain.returns.follow_up import NewProblem
from backend.domain.returns.kinds import Action, ReturnKind, TicketStatus
from backend.persistence.models import FollowUpCall, ReturnTicket, SalesOrder
from backend.pubsub.base import PubSub
from backend.services.idempotency import Answer, run_once
from backend.services.returns import casefile
from backend.services.returns.applications import ApplicationLine, RequestReturn, open_application
from backend.services.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class NewProblemTicket:
    """The new application a reached customer asked for: on this ticket's order unless
    `order_number` names another order of the same customer (an exchange's replacement)."""

    kind: ReturnKind
    reason_code: str
    details: str
    lines: list[ApplicationLine] = field(default_factory=list)
    order_number: str = ""
    window_override_reason: str = ""


@dataclass(frozen=True, slots=True)
class RecordFollowUp:
    idempotency_key: str
    ticket_number: str
    reached: bool
    satisfaction: int | None = None
    feedback: str = ""
    new_problem: NewProblem = NewProblem.NONE
    new_ticket: NewProblemTicket | None = None


async def record_follow_up(pubsub: PubSub, actor: Principal, cmd: RecordFollowUp) -> Answer:
    async def work(uow: UnitOfWork) -> dict[str, Any]:
        ticket = await casefile.visible_ticket(actor, cmd.ticket_number)
        if ticket.status is not TicketStatus.FOLLOW_UP:
            allowed = workflow.allowed_moves(casefile.flow_of(ticket), ticket.status)
            raise DomainError(
                ErrorCode.INVALID_TRANSITION,
                f"A follow-up call is recorded while the ticket is FOLLOW_UP; it is "
                f"{ticket.status}, allowed: {', '.join(allowed) or 'none'}.",
                "status",
            )
        earlier = (
            await FollowUpCall.filter(ticket_id=ticket.id)
            .order_by("id")
            .values_list("outcome", flat=True)
        )
        verdict = rules.judge_call(
            earlier=[rules.FollowUpOutcome(str(outcome)) for outcome in earlier],
            reached=cmd.reached,
            satisfaction=cmd.satisfaction,
            feedback=cmd.feedback,
            new_problem=cmd.new_problem,
        )
        if (cmd.new_ticket is not None) != (verdict.new_problem is NewProblem.NEW_TICKET):
            raise DomainError(
                ErrorCode.INVALID,
                "The new ticket's details come with newProblem NEW_TICKET, and only then.",
                "newTicket",
            )
        linked = None
        if cmd.new_ticket is not None:
            linked = await _open_linked(uow, actor, ticket, cmd.new_ticket)
        call = await FollowUpCall.create(
            ticket_id=ticket.id,
            attempt=verdict.attempt,
            reached=cmd.reached,
            outcome=verdict.outcome,
            satisfaction=verdict.satisfaction,
            feedback=verdict.feedback,
            new_problem=verdict.new_problem,
            linked_ticket_id=linked.id if linked else None,
            caller_id=actor.user_id,
            at=datetime.now(UTC),
        )
        detail = {
            "followUpCallId": call.id,
            "attempt": verdict.attempt,
            "outcome": verdict.outcome.value,
            "satisfaction": verdict.satisfaction,
            "feedback": verdict.feedback,
            "newProblem": verdict.new_problem.value,
            "linkedTicket": linked.number if linked else None,
        }
        if not verdict.closes:
            await casefile.record(uow, actor, ticket, "FOLLOW_UP_CALL", detail)
            return {"ticketId": ticket.id}
        await casefile.move(uow, actor, ticket, Action.CLOSE, detail)
        if verdict.new_problem is NewProblem.REOPEN:
            await casefile.move(
                uow,
                actor,
                ticket,
                Action.REOPEN,
                {"reason": verdict.feedback, "followUpCallId": call.id},
            )
        return {"ticketId": ticket.id}

    return await run_once(
        pubsub, actor, cmd.idempotency_key, "recordFollowUp", casefile.request_of(cmd), work
    )


async def _open_linked(
    uow: UnitOfWork, actor: Principal, ticket: ReturnTicket, wanted: NewProblemTicket
) -> ReturnTicket:
    if wanted.order_number:
        order = await SalesOrder.get_or_none(number=wanted.order_number.strip())
        if order is None or order.customer_id != ticket.customer_id:
            raise DomainError(
                ErrorCode.INVALID,
                "The new ticket is for an order of the same customer.",
                "newTicket.orderNumber",
            )
        number = order.number
    else:
        if ticket.order_id is None:
            raise DomainError(
                ErrorCode.INVALID,
                "This ticket has no order; name the order the new problem is about.",
                "newTicket.orderNumber",
            )
        number = (await SalesOrder.get(id=ticket.order_id)).number
    application = RequestReturn(
        idempotency_key="",
        order_number=number,
        kind=wanted.kind,
        reason_code=wanted.reason_code,
        details=wanted.details,
        lines=wanted.lines,
        window_override_reason=wanted.window_override_reason,
    )
    try:
        return await open_application(
            uow, actor, application, {"raisedInFollowUpOf": ticket.number}
        )
    except DomainError as refused:
        where = f"newTicket.{refused.field}" if refused.field else "newTicket"
        raise DomainError(refused.code, refused.message, where) from refused
