"""Return tickets as the API shows them. Every nested list is one batched load per request
(DataLoaders keyed by ticket), so a page of tickets costs the same statements at any size."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON

from backend.api.auth.types import UserRef
from backend.api.catalogue.types import Product
from backend.api.context import Info
from backend.api.enums import (
    ClaimStatus,
    DeclineCode,
    Grade,
    InspectionStage,
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
from backend.api.hydrate import Hydrator
from backend.api.orders.types import Order
from backend.api.returns.lists import ReturnReason
from backend.domain.returns import labels, workflow
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
class ReturnLabel:
    """What the clerk prints and sticks on the goods (Art. 10, 20)."""

    ticket_number: str
    customer_name: str
    exchange_need: str = strawberry.field(description="In Chinese, as printed.")
    exchange_need_en: str
    print_url: str = strawberry.field(description="SVG label; add ?format=html to print.")


@strawberry.type
class ReturnTicket:
    id: strawberry.ID
    number: str
    kind: ReturnKind  # type: ignore[valid-type]
    source: ReturnSource  # type: ignore[valid-type]
    remote: bool
    status: TicketStatus  # type: ignore[valid-type]
    status_since: datetime
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
    pk: strawberry.Private[int]
    m: strawberry.Private[Any]

    @classmethod
    def from_model(cls, m: models.ReturnTicket) -> ReturnTicket:
        return cls(
            id=strawberry.ID(str(m.id)),
            number=m.number,
            kind=m.kind,
            source=m.source,
            remote=m.remote,
            status=m.status,
            status_since=m.status_since,
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
            m=m,
        )

    @strawberry.field(description="Seconds since the ticket entered its status.")
    def age_seconds(self) -> int:
        return max(0, int((datetime.now(UTC) - self.status_since).total_seconds()))

    @strawberry.field(description="The moves its flow allows from here.")
    def allowed_actions(self) -> list[TicketAction]:  # type: ignore[valid-type]
        flow = workflow.flow_for(self.m.source, self.m.kind, self.m.remote)
        return workflow.allowed_moves(flow, self.m.status)

    @strawberry.field
    async def order(self, info: Info) -> Order | None:
        if self.m.order_id is None:
            return None
        found = await info.context.loaders.order.load(self.m.order_id)
        return Order.from_model(found) if found else None

    @strawberry.field
    async def reason(self, info: Info) -> ReturnReason | None:
        if self.m.reason_id is None:
            return None
        found = await info.context.loaders.return_reason.load(self.m.reason_id)
        return ReturnReason.from_model(found) if found else None

    @strawberry.field(description="The one person responsible (责任到人).")
    async def assignee(self, info: Info) -> UserRef:
        return _user(await Hydrator(info).users([self.m.assignee_id]), self.m.assignee_id)

    @strawberry.field
    async def warehouse_code(self, info: Info) -> str:
        found = await info.context.loaders.warehouse.load(self.m.warehouse_id)
        return found.code if found else ""

    @strawberry.field(description="The pending-zone bin the goods wait in, once unpacked.")
    async def pending_location_code(self, info: Info) -> str | None:
        if self.m.pending_location_id is None:
            return None
        found = await info.context.loaders.location.load(self.m.pending_location_id)
        return found.code if found else None

    @strawberry.field
    async def lines(self, info: Info) -> list[ReturnLine]:
        lines = await info.context.loaders.ticket_lines.load(self.pk)
        h = Hydrator(info)
        wanted = h.wants("product", "wantedProduct")
        ids = [line.product_id for line in lines] + [
            line.wanted_product_id for line in lines if line.wanted_product_id
        ]
        products = await h.products(ids) if wanted else {}
        return [
            ReturnLine(
                id=strawberry.ID(str(line.id)),
                quantity=line.quantity,
                unit_price_paid=line.unit_price_paid,
                quantity_received=line.quantity_received,
                quantity_graded=line.quantity_graded,
                quantity_dispositioned=line.quantity_dispositioned,
                quantity_refunded=line.quantity_refunded,
                wanted_model=line.wanted_model,
                wanted_style=line.wanted_style,
                wanted_colour=line.wanted_colour,
                wanted_size=line.wanted_size,
                product=cast(Product, products.get(line.product_id)),
                wanted_product=products.get(line.wanted_product_id)
                if line.wanted_product_id
                else None,
            )
            for line in lines
        ]

    @strawberry.field(description="Every step: who, when, which move, from and to which state.")
    async def history(self, info: Info) -> list[TicketEvent]:
        events = await info.context.loaders.ticket_events.load(self.pk)
        users = await Hydrator(info).users(e.actor_id for e in events)
        return [
            TicketEvent(
                at=e.at,
                actor=_user(users, e.actor_id),
                action=e.action,
                from_status=e.from_status,
                to_status=e.to_status,
                detail=cast(Any, e.detail),
            )
            for e in events
        ]

    @strawberry.field
    async def inspections(self, info: Info) -> list[Inspection]:
        rows = await info.context.loaders.ticket_inspections.load(self.pk)
        users = await Hydrator(info).users(r.inspector_id for r in rows)
        return [
            Inspection(
                id=strawberry.ID(str(r.id)),
                line_id=strawberry.ID(str(r.line_id)),
                stage=r.stage,
                quantity=r.quantity,
                passed=r.passed,
                grade=r.grade,
                responsibility=r.responsibility,
                defect_tags=list(r.defect_tags),
                defect_text=r.defect_text,
                checklist=[ChecklistAnswer(**answer) for answer in r.checklist],
                photos=list(r.photos),
                note=r.note,
                inspector=_user(users, r.inspector_id),
                at=r.at,
            )
            for r in rows
        ]

    @strawberry.field
    async def refunds(self, info: Info) -> list[Refund]:
        rows = await info.context.loaders.ticket_refunds.load(self.pk)
        users = await Hydrator(info).users(r.issued_by_id for r in rows)
        return [
            Refund(
                id=strawberry.ID(str(r.id)),
                amount=r.amount,
                payment_reference=r.payment_reference,
                note=r.note,
                issued_by=_user(users, r.issued_by_id),
                at=r.at,
            )
            for r in rows
        ]

    @strawberry.field(description="Reships, the replacement and goods sent back.")
    async def shipments(self, info: Info) -> list[OutboundShipment]:
        rows = await info.context.loaders.ticket_outbound.load(self.pk)
        orders = await info.context.loaders.order.load_many(
            [r.order_id for r in rows if r.order_id]
        )
        numbers = {o.id: o.number for o in orders if o is not None}
        return [
            OutboundShipment(
                id=strawberry.ID(str(r.id)),
                purpose=r.purpose,
                status=r.status,
                waybill=r.waybill,
                courier=r.courier,
                shipped_at=r.shipped_at,
                order_number=numbers.get(r.order_id) if r.order_id else None,
            )
            for r in rows
        ]

    @strawberry.field
    async def inbound_waybills(self, info: Info) -> list[InboundWaybill]:
        rows = await info.context.loaders.ticket_inbound.load(self.pk)
        return [
            InboundWaybill(
                waybill=r.waybill,
                courier=r.courier,
                status=r.status,
                arrived_at=r.arrived_at,
                replaced_by=r.replaced_by,
                voided_at=r.voided_at,
            )
            for r in rows
        ]

    @strawberry.field
    async def courier_claims(self, info: Info) -> list[CourierClaim]:
        rows = await info.context.loaders.ticket_claims.load(self.pk)
        users = await Hydrator(info).users(r.opened_by_id for r in rows)
        return [
            CourierClaim(
                id=strawberry.ID(str(r.id)),
                courier=r.courier,
                waybill=r.waybill,
                amount_claimed=r.amount_claimed,
                amount_settled=r.amount_settled,
                description=r.description,
                photos=list(r.photos),
                status=r.status,
                opened_by=_user(users, r.opened_by_id),
                opened_at=r.opened_at,
                settled_at=r.settled_at,
                settlement_note=r.settlement_note,
            )
            for r in rows
        ]

    @strawberry.field
    async def notes(self, info: Info) -> list[TicketNote]:
        rows = await info.context.loaders.ticket_notes.load(self.pk)
        users = await Hydrator(info).users(r.author_id for r in rows)
        return [
            TicketNote(
                text=r.text, photos=list(r.photos), author=_user(users, r.author_id), at=r.at
            )
            for r in rows
        ]

    @strawberry.field(description="The label printed when the goods are unpacked.")
    async def label(self, info: Info) -> ReturnLabel:
        lines = await info.context.loaders.ticket_lines.load(self.pk)
        wanted_ids = [line.wanted_product_id for line in lines if line.wanted_product_id]
        products = await info.context.loaders.product.load_many(wanted_ids)
        skus = {p.id: p.sku for p in products if p is not None}
        text = labels.label_text(
            self.number,
            self.customer_name,
            self.m.kind,
            [
                labels.WantedItem(
                    sku=skus.get(line.wanted_product_id or 0, ""),
                    colour=line.wanted_colour,
                    size=line.wanted_size,
                    quantity=line.quantity,
                )
                for line in lines
            ],
        )
        return ReturnLabel(
            ticket_number=text.ticket_number,
            customer_name=text.customer_name,
            exchange_need=text.exchange_need_zh,
            exchange_need_en=text.exchange_need_en,
            print_url=f"/labels/{self.number}",
        )
