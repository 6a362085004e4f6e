"""Inputs of the returns operations. Every one carries an idempotencyKey: handhelds retry
on flaky Wi-Fi, and nothing on a ticket may happen twice."""

from __future__ import annotations

import strawberry

from backend.api.enums import (
    Decision,
    DeclineCode,
    Grade,
    InspectionStage,
    NewProblem,
    Payer,
    Responsibility,
    ReturnKind,
)

_KEY = "Same key, same answer: a retry replays the first result and changes nothing."
_MONEY = 'Decimal as text, e.g. "12.00".'


@strawberry.input
class ReturnApplicationLineInput:
    sku: str
    quantity: int
    wanted_sku: str = strawberry.field(default="", description="Exchange: the SKU wanted.")
    wanted_model: str = ""
    wanted_style: str = ""
    wanted_colour: str = ""
    wanted_size: str = ""


@strawberry.input
class RequestReturnInput:
    idempotency_key: str = strawberry.field(description=_KEY)
    order_number: str
    kind: ReturnKind  # type: ignore[valid-type]
    reason_code: str
    details: str = ""
    lines: list[ReturnApplicationLineInput]
    return_waybill: str = strawberry.field(
        default="", description="The waybill the customer sends the goods back on, if known."
    )
    return_courier: str = ""
    window_override_reason: str = strawberry.field(
        default="", description="Customer service only: why a late application is accepted."
    )
    assignee: str = strawberry.field(default="", description="Username; default: you.")


@strawberry.input
class TicketNoteInput:
    idempotency_key: str = strawberry.field(description=_KEY)
    ticket_number: str
    note: str = ""


@strawberry.input
class DeclineReturnInput:
    idempotency_key: str = strawberry.field(description=_KEY)
    ticket_number: str
    code: DeclineCode  # type: ignore[valid-type]
    note: str = strawberry.field(default="", description="Required with OTHER.")


@strawberry.input
class ParcelLineInput:
    sku: str
    quantity: int


@strawberry.input
class RegisterParcelInput:
    idempotency_key: str = strawberry.field(description=_KEY)
    code: str = strawberry.field(description="The parcel's waybill or the ticket number on it.")
    courier: str = ""
    shipping_fee: str = strawberry.field(default="", description=f"Inbound freight. {_MONEY}")
    lines: list[ParcelLineInput] = strawberry.field(
        default_factory=list, description="What a parcel nobody applied for holds."
    )
    note: str = ""


@strawberry.input
class RecordRefusedParcelInput:
    idempotency_key: str = strawberry.field(description=_KEY)
    waybill: str = strawberry.field(description="The original shipment's waybill.")
    courier_person: str = strawberry.field(description="Who handed it over for the courier.")
    staff_person: str = strawberry.field(description="Who took it over for us.")
    reason_code: str = ""
    shipping_fee: str = ""
    note: str = ""


@strawberry.input
class ReportUndeliverableInput:
    idempotency_key: str = strawberry.field(description=_KEY)
    waybill: str = strawberry.field(description="The original shipment's waybill.")
    remote: bool = strawberry.field(
        description="Stranded in another city: reship from stock before the goods come back."
    )
    note: str = ""
    shipping_fee: str = ""


@strawberry.input
class UnpackedLineInput:
    line_id: strawberry.ID
    quantity_received: int


@strawberry.input
class UnpackReturnInput:
    idempotency_key: str = strawberry.field(description=_KEY)
    ticket_number: str
    pending_location_code: str = strawberry.field(
        default="", description="A PENDING bin of the ticket's warehouse; default: the first."
    )
    lines: list[UnpackedLineInput] = strawberry.field(
        default_factory=list, description="Units found per line; default: as applied for."
    )


@strawberry.input
class ChecklistAnswerInput:
    code: str
    ok: bool
    note: str = ""


@strawberry.input
class InspectionResultInput:
    line_id: strawberry.ID
    quantity: int
    passed: bool
    grade: Grade | None = None  # type: ignore[valid-type]
    responsibility: Responsibility = Responsibility.UNKNOWN  # type: ignore[valid-type]
    defect_tags: list[str] = strawberry.field(default_factory=list)
    defect_text: str = ""
    checklist: list[ChecklistAnswerInput] = strawberry.field(default_factory=list)
    photos: list[str] = strawberry.field(
        default_factory=list, description="SHA-256 of photos uploaded to POST /photos."
    )
    note: str = ""


@strawberry.input
class RecordInspectionInput:
    idempotency_key: str = strawberry.field(description=_KEY)
    ticket_number: str
    stage: InspectionStage  # type: ignore[valid-type]
    results: list[InspectionResultInput]
    note: str = ""


@strawberry.input
class GradePlaceInput:
    grade: Grade  # type: ignore[valid-type]
    location_code: str


@strawberry.input
class DecideReturnInput:
    idempotency_key: str = strawberry.field(description=_KEY)
    ticket_number: str
    decision: Decision  # type: ignore[valid-type]
    note: str = strawberry.field(default="", description="Required to reject.")
    put_away: list[GradePlaceInput] = strawberry.field(
        default_factory=list,
        description="Bins per grade; default: the first bin of the grade's zone.",
    )


@strawberry.input
class PutAwayReturnInput:
    idempotency_key: str = strawberry.field(description=_KEY)
    ticket_number: str
    put_away: list[GradePlaceInput] = strawberry.field(default_factory=list)
    note: str = ""


@strawberry.input
class IssueRefundInput:
    idempotency_key: str = strawberry.field(description=_KEY)
    ticket_number: str
    amount: str = strawberry.field(description=_MONEY)
    payment_reference: str = ""
    note: str = ""


@strawberry.input
class ShipWithWaybillInput:
    idempotency_key: str = strawberry.field(description=_KEY)
    ticket_number: str
    waybill: str = strawberry.field(description="The new waybill.")
    courier: str
    note: str = ""


@strawberry.input
class ReshipInput:
    idempotency_key: str = strawberry.field(description=_KEY)
    ticket_number: str
    waybill: str = strawberry.field(description="The new waybill.")
    courier: str
    from_location_code: str = strawberry.field(
        default="", description="Remote: the sellable bin the goods leave from."
    )


@strawberry.input
class OpenCourierClaimInput:
    idempotency_key: str = strawberry.field(description=_KEY)
    ticket_number: str
    amount_claimed: str = strawberry.field(description=_MONEY)
    description: str
    photos: list[str]
    courier: str = ""
    waybill: str = ""


@strawberry.input
class SettleCourierClaimInput:
    idempotency_key: str = strawberry.field(description=_KEY)
    claim_id: strawberry.ID
    amount_settled: str = strawberry.field(description=f"0 when the courier refuses. {_MONEY}")
    note: str = ""


@strawberry.input
class AssignTicketInput:
    idempotency_key: str = strawberry.field(description=_KEY)
    ticket_number: str
    assignee: str = strawberry.field(description="Username of the staff member.")
    note: str = ""


@strawberry.input
class AddTicketNoteInput:
    idempotency_key: str = strawberry.field(description=_KEY)
    ticket_number: str
    text: str
    photos: list[str] = strawberry.field(default_factory=list)


@strawberry.input
class ChangeTicketInput:
    idempotency_key: str = strawberry.field(description=_KEY)
    ticket_number: str
    reason: str = ""


@strawberry.input
class SetShippingPayerInput:
    idempotency_key: str = strawberry.field(description=_KEY)
    ticket_number: str
    payer: Payer  # type: ignore[valid-type]
    note: str = strawberry.field(description="Why the derived payer is overridden (recorded).")
    shipping_fee: str = ""


@strawberry.input
class LinkExceptionParcelInput:
    idempotency_key: str = strawberry.field(description=_KEY)
    ticket_number: str = strawberry.field(description="The exception ticket.")
    application_number: str = strawberry.field(description="The approved ticket it belongs to.")
    note: str = ""


@strawberry.input
class NewProblemTicketInput:
    """The application a reached customer asked for in a follow-up call."""

    kind: ReturnKind  # type: ignore[valid-type]
    reason_code: str
    details: str = ""
    lines: list[ReturnApplicationLineInput]
    order_number: str = strawberry.field(
        default="",
        description="Default: this ticket's order; or another order of the same customer "
        "(an exchange's replacement).",
    )
    window_override_reason: str = strawberry.field(
        default="", description="Why a late application is accepted."
    )


@strawberry.input
class RecordFollowUpInput:
    idempotency_key: str = strawberry.field(description=_KEY)
    ticket_number: str
    reached: bool = strawberry.field(description="Whether the customer answered.")
    satisfaction: int | None = strawberry.field(
        default=None, description="1 to 5; required when reached, refused when not."
    )
    feedback: str = strawberry.field(
        default="", description="What the customer said; required with a new problem."
    )
    new_problem: NewProblem = strawberry.field(  # type: ignore[valid-type]
        default=NewProblem.NONE,
        description="REOPEN this ticket, or open a NEW_TICKET linked to it.",
    )
    new_ticket: NewProblemTicketInput | None = strawberry.field(
        default=None, description="With NEW_TICKET: the new application."
    )
