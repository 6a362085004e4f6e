"""Return tickets as the API shows them. Every nested list is one batched load per request
(DataLoaders keyed by ticket), so a page of tickets costs the same statements at any size."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry
from strawberry.scalars import JSON

from backend.api.auth.types import UserRef
from backend.api.catalogue.types import Product
from backend.api.context import Info
from backend.api.enums import (
    ClaimStatus,
    DeclineCode,
    FollowUpOutcome,
    Grade,
    InspectionStage,
    NewProblem,
    OutboundPurpose,
    OutboundStatus,
    Payer,
    Responsibility,
    ReturnKind,
    ReturnSource,
    TicketAction,
    TicketStatus,
    WaybillStatus,
)
from backend.api.inventory.supply_types import PurchaseRequest, build_purchase_requests
from backend.api.orders.types import Order
from backend.api.returns.lists import ReturnReason
from backend.domain.returns import workflow
from backend.persistence import models


def _user(found: dict[int, UserRef], user_id: int) -> UserRef:
    return found.get(user_id) or UserRef(username="?", display_name="?")


@strawberry.type
class ReturnLine:
    id: strawberry.ID
    quantity: int = strawberry.field(description="Units applied for (or in the parcel).")
    unit_price_paid: Decimal
    quantity_received: int
    quantity_graded: int
    quantity_dispositioned: int = strawberry.field(description="Units that left the pending bin.")
    quantity_refunded: int
    wanted_model: str
    wanted_style: str
    wanted_colour: str
    wanted_size: str
    product: Product
    wanted_product: Product | None


@strawberry.type
class TicketEvent:
    """One step of the ticket's history."""

    at: datetime
    actor: UserRef
    action: str
    from_status: TicketStatus | None  # type: ignore[valid-type]
    to_status: TicketStatus | None  # type: ignore[valid-type]
    detail: JSON


@strawberry.type
class ChecklistAnswer:
    code: str
    ok: bool
    note: str


@strawberry.type
class Inspection:
    id: strawberry.ID
    line_id: strawberry.ID
    stage: InspectionStage  # type: ignore[valid-type]
    quantity: int
    passed: bool
    grade: Grade | None  # type: ignore[valid-type]
    responsibility: Responsibility  # type: ignore[valid-type]
    defect_tags: list[str]
    defect_text: str
    checklist: list[ChecklistAnswer]
    photos: list[str] = strawberry.field(description="SHA-256 of uploaded photos (GET /photos/…).")
    note: str
    inspector: UserRef
    at: datetime


@strawberry.type
class Refund:
    id: strawberry.ID
    amount: Decimal
    payment_reference: str
    note: str
    issued_by: UserRef
    at: datetime


@strawberry.type
class OutboundShipment:
    """Goods leaving again under the ticket: a reship, the replacement, or goods sent back."""

    id: strawberry.ID
    purpose: OutboundPurpose  # type: ignore[valid-type]
    status: OutboundStatus  # type: ignore[valid-type]
    waybill: str | None
    courier: str
    shipped_at: datetime | None
    order_number: str | None


@strawberry.type
class InboundWaybill:
    waybill: str
    courier: str
    status: WaybillStatus  # type: ignore[valid-type]
    arrived_at: datetime | None
    replaced_by: str
    voided_at: datetime | None


@strawberry.type
class CourierClaim:
    id: strawberry.ID
    courier: str
    waybill: str
    amount_claimed: Decimal
    amount_settled: Decimal | None
    description: str
    photos: list[str]
    status: ClaimStatus  # type: ignore[valid-type]
    opened_by: UserRef
    opened_at: datetime
    settled_at: datetime | None
    settlement_note: str


@strawberry.type
class TicketNote:
    text: str
    photos: list[str]
    author: UserRef
    at: datetime


@strawberry.type
class FollowUpCall:
    """One follow-up call to the customer (回访, Art. 25.1), failed attempts included."""

    attempt: int = strawberry.field(description="The call's number in its round, from 1.")
    reached: bool
    outcome: FollowUpOutcome  # type: ignore[valid-type]
    satisfaction: int | None = strawberry.field(description="1 to 5, when reached.")
    feedback: str
    new_problem: NewProblem  # type: ignore[valid-type]
    linked_ticket_number: str | None = strawberry.field(
        description="The ticket opened for the new problem raised on this call."
    )
    caller: UserRef
    at: datetime


@strawberry.type
class ReturnLabel:
    """What the clerk prints and sticks on the goods (Art. 10, 20)."""

    ticket_number: str
    customer_name: str
    exchange_need: str = strawberry.field(description="In Chinese, as printed.")
    exchange_need_en: str
    print_url: str = strawberry.field(description="SVG label; add ?format=html to print.")


@strawberry.type
class ReturnTicket:
    """A case. Its relations are plain fields, filled by `returns.build.build_tickets` for a
    whole page at once (one batch per relation the query selects); unselected ones stay
    empty and are never shown."""

    id: strawberry.ID
    number: str
    kind: ReturnKind  # type: ignore[valid-type]
    source: ReturnSource  # type: ignore[valid-type]
    remote: bool
    status: TicketStatus  # type: ignore[valid-type]
    status_since: datetime
    age_seconds: int = strawberry.field(description="Seconds since it entered its status.")
    allowed_actions: list[TicketAction] = strawberry.field(  # type: ignore[valid-type]
        description="What the ticket offers here: its state's steps (the follow-up call of a"
        " FOLLOW_UP ticket), then the moves its flow allows."
    )
    my_actions: list[TicketAction] = strawberry.field(  # type: ignore[valid-type]
        default_factory=list,
        description="The allowed moves the caller's role may make (the handheld's buttons).",
    )
    customer_name: str
    customer_phone: str
    details: str
    shipping_fee_payer: Payer  # type: ignore[valid-type]
    shipping_fee_payer_note: str
    shipping_fee: Decimal
    window_deadline: datetime | None
    window_override_reason: str
    decline_code: DeclineCode | None  # type: ignore[valid-type]
    decline_note: str
    refund_due: Decimal | None
    refunded: Decimal
    handover_courier_person: str
    handover_staff_person: str
    replacement_reserved: bool
    created_at: datetime
    updated_at: datetime
    order: Order | None = None
    reason: ReturnReason | None = None
    assignee: UserRef = strawberry.field(
        default_factory=lambda: UserRef(username="", display_name=""),
        description="The one person responsible (责任到人).",
    )
    warehouse_code: str = ""
    pending_location_code: str | None = strawberry.field(
        default=None, description="The pending-zone bin the goods wait in, once unpacked."
    )
    lines: list[ReturnLine] = strawberry.field(default_factory=list)
    history: list[TicketEvent] = strawberry.field(
        default_factory=list,
        description="Every step: who, when, which move, from and to which state.",
    )
    inspections: list[Inspection] = strawberry.field(default_factory=list)
    refunds: list[Refund] = strawberry.field(default_factory=list)
    shipments: list[OutboundShipment] = strawberry.field(
        default_factory=list, description="Reships, the replacement and goods sent back."
    )
    inbound_waybills: list[InboundWaybill] = strawberry.field(default_factory=list)
    courier_claims: list[CourierClaim] = strawberry.field(default_factory=list)
    notes: list[TicketNote] = strawberry.field(default_factory=list)
    follow_ups: list[FollowUpCall] = strawberry.field(
        default_factory=list, description="The follow-up calls, in order (Art. 25.1)."
    )
    follow_up_tickets: list[str] = strawberry.field(
        default_factory=list,
        description="Numbers of the tickets opened for new problems raised in this ticket's "
        "follow-up calls.",
    )
    raised_in_follow_up_of: str | None = strawberry.field(
        default=None,
        description="The ticket in whose follow-up call this ticket's problem was raised.",
    )
    label: ReturnLabel = strawberry.field(
        default_factory=lambda: ReturnLabel(
            ticket_number="", customer_name="", exchange_need="", exchange_need_en="", print_url=""
        ),
        description="The label printed when the goods are unpacked.",
    )
    pk: strawberry.Private[int]

    @strawberry.field(
        description="Purchase requests for an exchange's just-in-time replacement products."
    )
    async def purchase_requests(self, info: Info) -> list[PurchaseRequest]:
        found = await info.context.loaders.purchase_requests_of_ticket.load(self.pk)
        return await build_purchase_requests(info, found)

    @classmethod
    def from_model(cls, m: models.ReturnTicket, now: datetime) -> ReturnTicket:
        """The ticket's own columns; `build_tickets` adds the selected relations."""
        flow = workflow.flow_for(m.source, m.kind, m.remote)
        return cls(
            id=strawberry.ID(str(m.id)),
            number=m.number,
            kind=m.kind,
            source=m.source,
            remote=m.remote,
            status=m.status,
            status_since=m.status_since,
            age_seconds=max(0, int((now - m.status_since).total_seconds())),
            allowed_actions=workflow.allowed_actions(flow, m.status),
            customer_name=m.customer_name,
            customer_phone=m.customer_phone,
            details=m.details,
            shipping_fee_payer=m.shipping_payer,
            shipping_fee_payer_note=m.shipping_payer_note,
            shipping_fee=m.shipping_fee,
            window_deadline=m.window_deadline,
            window_override_reason=m.window_override_reason,
            decline_code=m.decline_code,
            decline_note=m.decline_note,
            refund_due=m.refund_due,
            refunded=m.refunded,
            handover_courier_person=m.handover_courier_person,
            handover_staff_person=m.handover_staff_person,
            replacement_reserved=m.replacement_reserved,
            created_at=m.created_at,
            updated_at=m.updated_at,
            pk=m.id,
        )
