"""Money on a ticket: refunds by finance (Art. 15), which add up to at most what is due,
and damage claims against the courier (with photo evidence) and their settlement."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from backend.domain import validation
from backend.domain.auth.roles import Principal
from backend.domain.errors import DomainError, ErrorCode
from backend.domain.orders import rules as order_rules
from backend.domain.returns import milestones, policies, workflow
from backend.domain.returns.kinds import Action, ClaimStatus
from backend.domain.returns.kinds import TicketStatus as S
from backend.persistence.models import (
    CourierClaim,
    InboundWaybill,
    Inspection,
    Refund,
    ReturnLine,
)
from backend.persistence.repositories import tickets as repo
from backend.pubsub.base import PubSub
from backend.services.idempotency import Answer, run_once
from backend.services.returns import casefile
from backend.services.returns.shipping import follow_up_if_done
from backend.services.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class IssueRefund:
    idempotency_key: str
    ticket_number: str
    amount: str
    payment_reference: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class OpenCourierClaim:
    idempotency_key: str
    ticket_number: str
    amount_claimed: str
    description: str
    photos: list[str] = field(default_factory=list)
    courier: str = ""
    waybill: str = ""


@dataclass(frozen=True, slots=True)
class SettleCourierClaim:
    idempotency_key: str
    claim_id: int
    amount_settled: str
    note: str = ""


async def issue_refund(pubsub: PubSub, actor: Principal, cmd: IssueRefund) -> Answer:
    async def work(uow: UnitOfWork) -> dict[str, Any]:
        ticket = await casefile.visible_ticket(actor, cmd.ticket_number)
        if ticket.status is not S.REFUND_PENDING or ticket.refund_due is None:
            raise workflow.invalid_transition(
                casefile.flow_of(ticket), ticket.status, Action.REFUND
            )
        amount = order_rules.unit_price(cmd.amount, "amount")
        reference = validation.text(cmd.payment_reference, "paymentReference", max_length=128)
        note = validation.text(cmd.note, "note", max_length=validation.LONG_TEXT)
        due, so_far = ticket.refund_due, ticket.refunded
        if amount == 0 and due == so_far:
            remaining = Decimal("0")  # nothing was due (the shipping ate it): close the step
        else:
            remaining = policies.check_refund(amount, due, so_far)
        refund = await Refund.create(
            ticket_id=ticket.id,
            amount=amount,
            payment_reference=reference,
            note=note,
            issued_by_id=actor.user_id,
            at=datetime.now(UTC),
        )
        detail = {"amount": str(amount), "remaining": str(remaining), "reference": reference}
        paid = {"refunded": so_far + amount, **milestones.on_refund(ticket, refund.at)}
        if remaining:
            await casefile.record(uow, actor, ticket, "REFUND_PART", detail, **paid)
            return {"ticketId": ticket.id, "refundId": refund.id}
        for line in await repo.lines(ticket.id):
            await ReturnLine.filter(id=line.id).update(quantity_refunded=line.quantity_received)
        await casefile.move(uow, actor, ticket, Action.REFUND, detail, **paid)
        await follow_up_if_done(uow, actor, ticket)
        return {"ticketId": ticket.id, "refundId": refund.id}

    return await run_once(
        pubsub, actor, cmd.idempotency_key, "issueRefund", casefile.request_of(cmd), work
    )


async def open_courier_claim(pubsub: PubSub, actor: Principal, cmd: OpenCourierClaim) -> Answer:
    async def work(uow: UnitOfWork) -> dict[str, Any]:
        ticket = await casefile.visible_ticket(actor, cmd.ticket_number)
        found = await Inspection.exists(
            ticket_id=ticket.id, responsibility=policies.Responsibility.COURIER
        )
        if not found:
            raise DomainError(
                ErrorCode.NO_COURIER_DAMAGE,
                "No inspection of this ticket found courier-caused damage.",
                "ticketNumber",
            )
        amount = order_rules.unit_price(cmd.amount_claimed, "amountClaimed")
        if amount <= 0:
            raise DomainError(ErrorCode.INVALID, "A claim is a positive amount.", "amountClaimed")
        description = validation.text(
            cmd.description, "description", max_length=validation.LONG_TEXT, required=True
        )
        photos = set(cmd.photos)
        if not photos:
            raise DomainError(ErrorCode.REQUIRED, "A claim needs photo evidence.", "photos")
        missing = photos - await repo.known_photos(photos)
        if missing:
            raise DomainError(
                ErrorCode.INVALID, f"No uploaded photo {sorted(missing)[0]}.", "photos"
            )
        inbound = await InboundWaybill.filter(ticket_id=ticket.id).order_by("id").first()
        waybill = (
            validation.code(cmd.waybill, "waybill")
            if cmd.waybill
            else (inbound.waybill if inbound else "")
        )
        courier = validation.text(cmd.courier, "courier", max_length=64) or (
            inbound.courier if inbound else ""
        )
        if not waybill or not courier:
            raise DomainError(ErrorCode.REQUIRED, "Name the courier and the waybill.", "waybill")
        claim = await CourierClaim.create(
            ticket_id=ticket.id,
            courier=courier,
            waybill=waybill,
            amount_claimed=amount,
            description=description,
            photos=list(cmd.photos),
            status=ClaimStatus.OPEN,
            opened_by_id=actor.user_id,
            opened_at=datetime.now(UTC),
        )
        await casefile.record(
            uow,
            actor,
            ticket,
            "OPEN_CLAIM",
            {"claimId": claim.id, "courier": courier, "waybill": waybill, "amount": str(amount)},
        )
        return {"ticketId": ticket.id, "claimId": claim.id}

    return await run_once(
        pubsub, actor, cmd.idempotency_key, "openCourierClaim", casefile.request_of(cmd), work
    )


async def settle_courier_claim(pubsub: PubSub, actor: Principal, cmd: SettleCourierClaim) -> Answer:
    async def work(uow: UnitOfWork) -> dict[str, Any]:
        claim = await CourierClaim.get_or_none(id=cmd.claim_id)
        ticket = await repo.ticket_by_id(claim.ticket_id) if claim else None
        if claim is None or ticket is None:
            raise DomainError(ErrorCode.NOT_FOUND, "No such claim.", "claimId")
        if claim.status is not ClaimStatus.OPEN:
            raise DomainError(
                ErrorCode.CLAIM_CLOSED, f"The claim is {claim.status} already.", "claimId"
            )
        amount = order_rules.unit_price(cmd.amount_settled, "amountSettled")
        if amount > claim.amount_claimed:
            raise DomainError(
                ErrorCode.EXCEEDS_CLAIM,
                f"The courier cannot pay more than the {claim.amount_claimed} claimed.",
                "amountSettled",
            )
        note = validation.text(cmd.note, "note", max_length=validation.LONG_TEXT)
        status = ClaimStatus.SETTLED if amount > 0 else ClaimStatus.REJECTED
        updated = await CourierClaim.filter(id=claim.id, status=ClaimStatus.OPEN).update(
            status=status,
            amount_settled=amount,
            settled_by_id=actor.user_id,
            settled_at=datetime.now(UTC),
            settlement_note=note,
        )
        if updated != 1:
            raise casefile.concurrent_change()
        await casefile.record(
            uow,
            actor,
            ticket,
            "SETTLE_CLAIM",
            {"claimId": claim.id, "status": status.value, "amount": str(amount)},
        )
        return {"ticketId": ticket.id, "claimId": claim.id}

    return await run_once(
        pubsub, actor, cmd.idempotency_key, "settleCourierClaim", casefile.request_of(cmd), work
    )
