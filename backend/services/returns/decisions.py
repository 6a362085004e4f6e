"""After QC: customer service decides (Art. 14) and the goods leave the pending bin by
grade (A sellable, B rework, C defective); refused and stranded parcels are put away by the
warehouse (Art. 16.2, 17). The refund due is fixed here; paying it is finance's step."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from backend.domain import validation
from backend.domain.auth.roles import Principal
from backend.domain.errors import DomainError, ErrorCode
from backend.domain.returns import inspection, policies, workflow
from backend.domain.returns.kinds import Action, Decision, ReturnKind, ReturnSource
from backend.domain.returns.policies import Grade
from backend.domain.stock.kinds import MovementKind, ZoneKind
from backend.persistence.models import OrderLine, ReturnLine, ReturnTicket
from backend.persistence.repositories import stock as stock_repo
from backend.persistence.repositories import tickets as repo
from backend.persistence.repositories.stock import LocationRef
from backend.pubsub.base import PubSub
from backend.services.idempotency import Answer, run_once
from backend.services.returns import casefile, goods
from backend.services.returns.inspections import qc_results
from backend.services.returns.shipping import cancel_replacement, follow_up_if_done
from backend.services.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class GradePlace:
    grade: Grade
    location_code: str


@dataclass(frozen=True, slots=True)
class DecideReturn:
    idempotency_key: str
    ticket_number: str
    decision: Decision
    note: str = ""
    put_away: list[GradePlace] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PutAwayReturn:
    idempotency_key: str
    ticket_number: str
    put_away: list[GradePlace] = field(default_factory=list)
    note: str = ""


async def _places(ticket: ReturnTicket, given: list[GradePlace]) -> dict[Grade, LocationRef]:
    named = {}
    for n, entry in enumerate(given):
        zone, _ = policies.place_for_grade(entry.grade)
        named[entry.grade] = await goods.bin_in_zone(
            ticket, zone, entry.location_code, f"putAway.{n}.locationCode"
        )
    return named


async def _dispose_by_grade(
    uow: UnitOfWork, actor: Principal, ticket: ReturnTicket, given: list[GradePlace]
) -> dict[str, int]:
    """Move every QC-graded unit out of the pending bin to its grade's zone."""
    if ticket.pending_location_id is None:
        raise DomainError(ErrorCode.INVALID, "The goods were never unpacked.", "ticketNumber")
    pending = await stock_repo.location_by_id(ticket.pending_location_id)
    assert pending is not None
    named = await _places(ticket, given)
    units = inspection.graded_units(
        inspection.UnitResult(
            line_id=row.line_id, quantity=row.quantity, passed=row.passed, grade=row.grade
        )
        for row in await qc_results(ticket.id)
    )
    lines = {line.id: line for line in await repo.lines(ticket.id)}
    moved: dict[str, int] = {}
    for (line_id, grade), quantity in sorted(units.items()):
        zone, kind = policies.place_for_grade(grade)
        target = named.get(grade) or await goods.bin_in_zone(ticket, zone, None, "putAway")
        line = lines[line_id]
        await goods.book(uow, actor, ticket, kind, line.product_id, pending, target, quantity)
        await ReturnLine.filter(id=line_id).update(
            quantity_dispositioned=line.quantity_dispositioned + quantity
        )
        line.quantity_dispositioned += quantity
        moved[grade.value] = moved.get(grade.value, 0) + quantity
    return moved


async def refund_due(ticket: ReturnTicket) -> Decimal:
    """The accepted lines' value less the customer's shipping, within what the order paid
    and other tickets of it have not already claimed."""
    lines = await repo.lines(ticket.id)
    value = sum((line.unit_price_paid * line.quantity_received for line in lines), Decimal("0"))
    paid = value
    if ticket.order_id is not None:
        order_total = sum(
            (
                line.unit_price_paid * line.quantity
                for line in await OrderLine.filter(order_id=ticket.order_id)
            ),
            Decimal("0"),
        )
        claimed = Decimal(str(await repo.refunds_promised_elsewhere(ticket.order_id, ticket.id)))
        paid = min(value, order_total - claimed)
    return policies.refund_due(
        accepted_value=value,
        shipping_fee=ticket.shipping_fee,
        payer=ticket.shipping_payer,
        paid=max(paid, Decimal("0")),
    )


async def decide_return(pubsub: PubSub, actor: Principal, cmd: DecideReturn) -> Answer:
    async def work(uow: UnitOfWork) -> dict[str, Any]:
        ticket = await casefile.visible_ticket(actor, cmd.ticket_number)
        action = Action.ACCEPT if cmd.decision is Decision.ACCEPT else Action.REJECT
        workflow.next_status(casefile.flow_of(ticket), ticket.status, action)
        note = validation.text(
            cmd.note,
            "note",
            max_length=validation.LONG_TEXT,
            required=cmd.decision is Decision.REJECT,
        )
        if cmd.decision is Decision.REJECT:
            found = {row.responsibility for row in await qc_results(ticket.id)}
            if not policies.may_reject(found):
                raise DomainError(
                    ErrorCode.REJECT_NEEDS_CUSTOMER_DAMAGE,
                    "A return is rejected only when QC found customer-caused damage (Art. 14).",
                    "decision",
                )
            detail: dict[str, Any] = {"decision": "REJECT", "note": note}
            rejected: dict[str, Any] = {"shipping_payer": policies.Payer.CUSTOMER}
            if ticket.kind is ReturnKind.EXCHANGE:
                released = await cancel_replacement(uow, actor, ticket)
                detail["replacementCancelled"] = released
                if released:
                    rejected["replacement_reserved"] = False
            await casefile.move(uow, actor, ticket, action, detail, **rejected)
            return {"ticketId": ticket.id}
        moved = await _dispose_by_grade(uow, actor, ticket, cmd.put_away)
        changes: dict[str, Any] = {}
        if ticket.kind is ReturnKind.RETURN:
            changes["refund_due"] = await refund_due(ticket)
        await casefile.move(
            uow,
            actor,
            ticket,
            action,
            {
                "decision": "ACCEPT",
                "note": note,
                "byGrade": moved,
                "refundDue": str(changes.get("refund_due", "")),
            },
            **changes,
        )
        await follow_up_if_done(uow, actor, ticket)
        return {"ticketId": ticket.id}

    return await run_once(
        pubsub, actor, cmd.idempotency_key, "decideReturn", casefile.request_of(cmd), work
    )


async def put_away_return(pubsub: PubSub, actor: Principal, cmd: PutAwayReturn) -> Answer:
    """A refused parcel after QC, by grade; a stranded parcel back from another city,
    unopened, straight to sellable stock."""

    async def work(uow: UnitOfWork) -> dict[str, Any]:
        ticket = await casefile.visible_ticket(actor, cmd.ticket_number)
        workflow.next_status(casefile.flow_of(ticket), ticket.status, Action.PUT_AWAY)
        note = validation.text(cmd.note, "note", max_length=validation.LONG_TEXT)
        changes: dict[str, Any] = {}
        if ticket.source is ReturnSource.UNDELIVERABLE:
            moved = await _restock_stranded(uow, actor, ticket, cmd.put_away)
        else:
            moved = await _dispose_by_grade(uow, actor, ticket, cmd.put_away)
            changes["refund_due"] = await refund_due(ticket)
        await casefile.move(
            uow, actor, ticket, Action.PUT_AWAY, {"note": note, "byGrade": moved}, **changes
        )
        return {"ticketId": ticket.id}

    return await run_once(
        pubsub, actor, cmd.idempotency_key, "putAwayReturn", casefile.request_of(cmd), work
    )


async def _restock_stranded(
    uow: UnitOfWork, actor: Principal, ticket: ReturnTicket, given: list[GradePlace]
) -> dict[str, int]:
    named = await _places(ticket, [entry for entry in given if entry.grade is Grade.A])
    target = named.get(Grade.A) or await goods.bin_in_zone(
        ticket, ZoneKind.SELLABLE, None, "putAway"
    )
    total = 0
    for line in await repo.lines(ticket.id):
        await goods.book(
            uow,
            actor,
            ticket,
            MovementKind.RETURN_TO_STOCK,
            line.product_id,
            None,
            target,
            line.quantity,
        )
        await ReturnLine.filter(id=line.id).update(
            quantity_received=line.quantity, quantity_dispositioned=line.quantity
        )
        total += line.quantity
    return {Grade.A.value: total}
