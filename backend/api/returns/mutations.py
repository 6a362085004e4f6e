"""Returns operations: input -> command -> service -> payload with the ticket as it now is."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import strawberry

from backend.api.context import Info
from backend.api.errors import UserError, user_errors
from backend.api.permissions import gated
from backend.api.returns import inputs
from backend.api.returns.build import build_ticket
from backend.api.returns.types import ReturnTicket
from backend.domain.auth.roles import Principal
from backend.domain.errors import DomainError, ErrorCode
from backend.domain.returns.inspection import ChecklistAnswer, UnitResult
from backend.domain.returns.kinds import Action
from backend.persistence import models
from backend.pubsub.base import PubSub
from backend.services.idempotency import Answer
from backend.services.returns import (
    applications,
    arrivals,
    casework,
    decisions,
    follow_up,
    inspections,
    money,
    shipping,
)

Call = Callable[[PubSub, Principal], Awaitable[Answer]]


@strawberry.type
class ReturnTicketPayload:
    ticket: ReturnTicket | None
    replayed: bool
    user_errors: list[UserError]


@strawberry.type
class RegisterParcelPayload:
    ticket: ReturnTicket | None
    exception: bool = strawberry.field(
        description="No application matched: an exception ticket waits for customer service."
    )
    replayed: bool
    user_errors: list[UserError]


def _id(value: strawberry.ID, field: str) -> int:
    try:
        number = int(str(value))
    except ValueError:
        number = 0
    if number <= 0:
        raise DomainError(ErrorCode.INVALID, "Not an id.", field)
    return number


def _application_line(line: inputs.ReturnApplicationLineInput) -> applications.ApplicationLine:
    return applications.ApplicationLine(
        line.sku,
        line.quantity,
        line.wanted_sku,
        line.wanted_model,
        line.wanted_style,
        line.wanted_colour,
        line.wanted_size,
    )


async def _answer(info: Info, call: Call) -> tuple[Answer | None, list[UserError]]:
    principal = info.context.principal
    assert principal is not None
    try:
        return await call(info.context.pubsub, principal), []
    except DomainError as error:
        return None, user_errors(error)


async def _run(info: Info, call: Call) -> ReturnTicketPayload:
    answer, errors = await _answer(info, call)
    if answer is None:
        return ReturnTicketPayload(ticket=None, replayed=False, user_errors=errors)
    ticket = await models.ReturnTicket.get(id=answer.response["ticketId"])
    return ReturnTicketPayload(
        ticket=await build_ticket(info, ticket), replayed=answer.replayed, user_errors=[]
    )


def _results(given: list[inputs.InspectionResultInput]) -> list[UnitResult]:
    return [
        UnitResult(
            line_id=_id(r.line_id, f"results.{n}.lineId"),
            quantity=r.quantity,
            passed=r.passed,
            grade=r.grade,
            responsibility=r.responsibility,
            defect_tags=tuple(r.defect_tags),
            defect_text=r.defect_text,
            checklist=tuple(ChecklistAnswer(a.code, a.ok, a.note) for a in r.checklist),
            photos=tuple(r.photos),
            note=r.note,
        )
        for n, r in enumerate(given)
    ]


def _places(given: list[inputs.GradePlaceInput]) -> list[decisions.GradePlace]:
    return [decisions.GradePlace(p.grade, p.location_code) for p in given]


def _change(action: Action, input: inputs.ChangeTicketInput) -> casework.ChangeTicket:
    return casework.ChangeTicket(input.idempotency_key, input.ticket_number, action, input.reason)


@strawberry.type
class ReturnsMutation:
    @strawberry.mutation(description="A customer's return or exchange application (Art. 6-8, 18).")
    @gated
    async def request_return(
        self, info: Info, input: inputs.RequestReturnInput
    ) -> ReturnTicketPayload:
        cmd = applications.RequestReturn(
            idempotency_key=input.idempotency_key,
            order_number=input.order_number,
            kind=input.kind,
            reason_code=input.reason_code,
            details=input.details,
            lines=[_application_line(line) for line in input.lines],
            return_waybill=input.return_waybill,
            return_courier=input.return_courier,
            window_override_reason=input.window_override_reason,
            assignee=input.assignee,
        )
        return await _run(info, lambda bus, who: applications.request_return(bus, who, cmd))

    @strawberry.mutation(
        description="Approve an application; an exchange's wanted goods are reserved."
    )
    @gated
    async def approve_return(
        self, info: Info, input: inputs.TicketNoteInput
    ) -> ReturnTicketPayload:
        cmd = applications.ApproveReturn(input.idempotency_key, input.ticket_number, input.note)
        return await _run(info, lambda bus, who: applications.approve_return(bus, who, cmd))

    @strawberry.mutation(description="Decline an application with a code (Art. 26).")
    @gated
    async def decline_return(
        self, info: Info, input: inputs.DeclineReturnInput
    ) -> ReturnTicketPayload:
        cmd = applications.DeclineReturn(
            input.idempotency_key, input.ticket_number, input.code, input.note
        )
        return await _run(info, lambda bus, who: applications.decline_return(bus, who, cmd))

    @strawberry.mutation(
        description="Arrival scan by waybill or ticket number; an unknown parcel becomes an "
        "exception ticket (Art. 26.1)."
    )
    @gated
    async def register_parcel(
        self, info: Info, input: inputs.RegisterParcelInput
    ) -> RegisterParcelPayload:
        cmd = arrivals.RegisterParcel(
            idempotency_key=input.idempotency_key,
            code=input.code,
            courier=input.courier,
            shipping_fee=input.shipping_fee,
            lines=[arrivals.ParcelLine(line.sku, line.quantity) for line in input.lines],
            note=input.note,
        )
        answer, errors = await _answer(
            info, lambda bus, who: arrivals.register_parcel(bus, who, cmd)
        )
        if answer is None:
            return RegisterParcelPayload(
                ticket=None, exception=False, replayed=False, user_errors=errors
            )
        ticket = await models.ReturnTicket.get(id=answer.response["ticketId"])
        return RegisterParcelPayload(
            ticket=await build_ticket(info, ticket),
            exception=bool(answer.response["exception"]),
            replayed=answer.replayed,
            user_errors=[],
        )

    @strawberry.mutation(description="拒收件: the courier hands a refused parcel over (Art. 17).")
    @gated
    async def record_refused_parcel(
        self, info: Info, input: inputs.RecordRefusedParcelInput
    ) -> ReturnTicketPayload:
        cmd = arrivals.RecordRefusedParcel(
            input.idempotency_key,
            input.waybill,
            input.courier_person,
            input.staff_person,
            input.reason_code,
            input.shipping_fee,
            input.note,
        )
        return await _run(info, lambda bus, who: arrivals.record_refused_parcel(bus, who, cmd))

    @strawberry.mutation(description="在途退件: the courier could not deliver (Art. 16).")
    @gated
    async def report_undeliverable(
        self, info: Info, input: inputs.ReportUndeliverableInput
    ) -> ReturnTicketPayload:
        cmd = arrivals.ReportUndeliverable(
            input.idempotency_key, input.waybill, input.remote, input.note, input.shipping_fee
        )
        return await _run(info, lambda bus, who: arrivals.report_undeliverable(bus, who, cmd))

    @strawberry.mutation(description="Unpack, label and book the goods into a pending bin.")
    @gated
    async def unpack_return(
        self, info: Info, input: inputs.UnpackReturnInput
    ) -> ReturnTicketPayload:
        try:
            lines = [
                arrivals.UnpackedLine(
                    _id(line.line_id, f"lines.{n}.lineId"), line.quantity_received
                )
                for n, line in enumerate(input.lines)
            ]
        except DomainError as error:
            return ReturnTicketPayload(ticket=None, replayed=False, user_errors=user_errors(error))
        cmd = arrivals.UnpackReturn(
            input.idempotency_key, input.ticket_number, input.pending_location_code, lines
        )
        return await _run(info, lambda bus, who: arrivals.unpack_return(bus, who, cmd))

    @strawberry.mutation(
        description="初检 (warehouse) or 复检 (QC, after the first) of every unit."
    )
    @gated
    async def record_inspection(
        self, info: Info, input: inputs.RecordInspectionInput
    ) -> ReturnTicketPayload:
        try:
            results = _results(input.results)
        except DomainError as error:
            return ReturnTicketPayload(ticket=None, replayed=False, user_errors=user_errors(error))
        cmd = inspections.RecordInspection(
            input.idempotency_key, input.ticket_number, input.stage, results, input.note
        )
        return await _run(info, lambda bus, who: inspections.record_inspection(bus, who, cmd))

    @strawberry.mutation(
        description="CS decides after QC (Art. 14): accept (stock leaves pending by grade) "
        "or reject for customer-caused damage."
    )
    @gated
    async def decide_return(
        self, info: Info, input: inputs.DecideReturnInput
    ) -> ReturnTicketPayload:
        cmd = decisions.DecideReturn(
            input.idempotency_key,
            input.ticket_number,
            input.decision,
            input.note,
            _places(input.put_away),
        )
        return await _run(info, lambda bus, who: decisions.decide_return(bus, who, cmd))

    @strawberry.mutation(
        description="Put away a refused parcel by grade after QC, or stranded goods back to stock."
    )
    @gated
    async def put_away_return(
        self, info: Info, input: inputs.PutAwayReturnInput
    ) -> ReturnTicketPayload:
        cmd = decisions.PutAwayReturn(
            input.idempotency_key, input.ticket_number, _places(input.put_away), input.note
        )
        return await _run(info, lambda bus, who: decisions.put_away_return(bus, who, cmd))

    @strawberry.mutation(description="Finance pays (part of) the refund due (Art. 15).")
    @gated
    async def issue_refund(self, info: Info, input: inputs.IssueRefundInput) -> ReturnTicketPayload:
        cmd = money.IssueRefund(
            input.idempotency_key,
            input.ticket_number,
            input.amount,
            input.payment_reference,
            input.note,
        )
        return await _run(info, lambda bus, who: money.issue_refund(bus, who, cmd))

    @strawberry.mutation(description="Send an undeliverable parcel again with a new waybill.")
    @gated
    async def reship(self, info: Info, input: inputs.ReshipInput) -> ReturnTicketPayload:
        cmd = shipping.Reship(
            input.idempotency_key,
            input.ticket_number,
            input.waybill,
            input.courier,
            input.from_location_code,
        )
        return await _run(info, lambda bus, who: shipping.reship(bus, who, cmd))

    @strawberry.mutation(description="Finance voids the stranded parcel's old waybill (Art. 16.2).")
    @gated
    async def swap_waybill(self, info: Info, input: inputs.TicketNoteInput) -> ReturnTicketPayload:
        cmd = shipping.SwapWaybill(input.idempotency_key, input.ticket_number, input.note)
        return await _run(info, lambda bus, who: shipping.swap_waybill(bus, who, cmd))

    @strawberry.mutation(description="CS creates the exchange's replacement order (Art. 21).")
    @gated
    async def create_replacement_order(
        self, info: Info, input: inputs.TicketNoteInput
    ) -> ReturnTicketPayload:
        cmd = shipping.CreateReplacementOrder(
            input.idempotency_key, input.ticket_number, input.note
        )
        return await _run(info, lambda bus, who: shipping.create_replacement_order(bus, who, cmd))

    @strawberry.mutation(description="The reserved replacement ships through the ledger (Art. 22).")
    @gated
    async def ship_replacement(
        self, info: Info, input: inputs.ShipWithWaybillInput
    ) -> ReturnTicketPayload:
        cmd = shipping.ShipReplacement(
            input.idempotency_key, input.ticket_number, input.waybill, input.courier, input.note
        )
        return await _run(info, lambda bus, who: shipping.ship_replacement(bus, who, cmd))

    @strawberry.mutation(
        description="Rejected goods (at the customer's cost) or an unexpected parcel go back."
    )
    @gated
    async def return_to_customer(
        self, info: Info, input: inputs.ShipWithWaybillInput
    ) -> ReturnTicketPayload:
        cmd = shipping.ReturnToCustomer(
            input.idempotency_key, input.ticket_number, input.waybill, input.courier, input.note
        )
        return await _run(info, lambda bus, who: shipping.return_to_customer(bus, who, cmd))

    @strawberry.mutation(description="A damage claim against the courier, with photo evidence.")
    @gated
    async def open_courier_claim(
        self, info: Info, input: inputs.OpenCourierClaimInput
    ) -> ReturnTicketPayload:
        cmd = money.OpenCourierClaim(
            input.idempotency_key,
            input.ticket_number,
            input.amount_claimed,
            input.description,
            list(input.photos),
            input.courier,
            input.waybill,
        )
        return await _run(info, lambda bus, who: money.open_courier_claim(bus, who, cmd))

    @strawberry.mutation(description="What the courier agreed to pay (0: refused).")
    @gated
    async def settle_courier_claim(
        self, info: Info, input: inputs.SettleCourierClaimInput
    ) -> ReturnTicketPayload:
        try:
            claim_id = _id(input.claim_id, "claimId")
        except DomainError as error:
            return ReturnTicketPayload(ticket=None, replayed=False, user_errors=user_errors(error))
        cmd = money.SettleCourierClaim(
            input.idempotency_key, claim_id, input.amount_settled, input.note
        )
        return await _run(info, lambda bus, who: money.settle_courier_claim(bus, who, cmd))

    @strawberry.mutation(description="Hand the ticket to another responsible person.")
    @gated
    async def assign_ticket(
        self, info: Info, input: inputs.AssignTicketInput
    ) -> ReturnTicketPayload:
        cmd = casework.AssignTicket(
            input.idempotency_key, input.ticket_number, input.assignee, input.note
        )
        return await _run(info, lambda bus, who: casework.assign_ticket(bus, who, cmd))

    @strawberry.mutation
    @gated
    async def add_ticket_note(
        self, info: Info, input: inputs.AddTicketNoteInput
    ) -> ReturnTicketPayload:
        cmd = casework.AddTicketNote(
            input.idempotency_key, input.ticket_number, input.text, list(input.photos)
        )
        return await _run(info, lambda bus, who: casework.add_ticket_note(bus, who, cmd))

    @strawberry.mutation(
        description="Record a follow-up call (Art. 25.1): a reached call or the third failed "
        "attempt closes the ticket; a new problem reopens it or opens a linked ticket."
    )
    @gated
    async def record_follow_up(
        self, info: Info, input: inputs.RecordFollowUpInput
    ) -> ReturnTicketPayload:
        wanted = input.new_ticket
        cmd = follow_up.RecordFollowUp(
            idempotency_key=input.idempotency_key,
            ticket_number=input.ticket_number,
            reached=input.reached,
            satisfaction=input.satisfaction,
            feedback=input.feedback,
            new_problem=input.new_problem,
            new_ticket=None
            if wanted is None
            else follow_up.NewProblemTicket(
                kind=wanted.kind,
                reason_code=wanted.reason_code,
                details=wanted.details,
                lines=[_application_line(line) for line in wanted.lines],
                order_number=wanted.order_number,
                window_override_reason=wanted.window_override_reason,
            ),
        )
        return await _run(info, lambda bus, who: follow_up.record_follow_up(bus, who, cmd))

    @strawberry.mutation(description="Put the ticket on hold, with a reason.")
    @gated
    async def hold_ticket(self, info: Info, input: inputs.ChangeTicketInput) -> ReturnTicketPayload:
        cmd = _change(Action.HOLD, input)
        return await _run(info, lambda bus, who: casework.change_ticket(bus, who, cmd))

    @strawberry.mutation(description="Take a held ticket back to where it was.")
    @gated
    async def resume_ticket(
        self, info: Info, input: inputs.ChangeTicketInput
    ) -> ReturnTicketPayload:
        cmd = _change(Action.RESUME, input)
        return await _run(info, lambda bus, who: casework.change_ticket(bus, who, cmd))

    @strawberry.mutation(description="Cancel before the goods arrive, with a reason.")
    @gated
    async def cancel_ticket(
        self, info: Info, input: inputs.ChangeTicketInput
    ) -> ReturnTicketPayload:
        cmd = _change(Action.CANCEL, input)
        return await _run(info, lambda bus, who: casework.change_ticket(bus, who, cmd))

    @strawberry.mutation(description="A manager reopens a closed, declined or cancelled ticket.")
    @gated
    async def reopen_ticket(
        self, info: Info, input: inputs.ChangeTicketInput
    ) -> ReturnTicketPayload:
        cmd = _change(Action.REOPEN, input)
        return await _run(info, lambda bus, who: casework.change_ticket(bus, who, cmd))

    @strawberry.mutation(description="Close a finished ticket; refused while a shipment is open.")
    @gated
    async def close_ticket(
        self, info: Info, input: inputs.ChangeTicketInput
    ) -> ReturnTicketPayload:
        cmd = _change(Action.CLOSE, input)
        return await _run(info, lambda bus, who: casework.change_ticket(bus, who, cmd))

    @strawberry.mutation(description="Override who pays the shipping (Art. 24), with a note.")
    @gated
    async def set_shipping_payer(
        self, info: Info, input: inputs.SetShippingPayerInput
    ) -> ReturnTicketPayload:
        cmd = casework.SetShippingPayer(
            input.idempotency_key,
            input.ticket_number,
            input.payer,
            input.note,
            input.shipping_fee,
        )
        return await _run(info, lambda bus, who: casework.set_shipping_payer(bus, who, cmd))

    @strawberry.mutation(description="An exception parcel belongs to an approved application.")
    @gated
    async def link_exception_parcel(
        self, info: Info, input: inputs.LinkExceptionParcelInput
    ) -> ReturnTicketPayload:
        cmd = casework.LinkExceptionParcel(
            input.idempotency_key, input.ticket_number, input.application_number, input.note
        )
        return await _run(info, lambda bus, who: casework.link_exception_parcel(bus, who, cmd))
