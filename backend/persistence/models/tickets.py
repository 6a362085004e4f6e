"""Return tickets and what hangs off them: lines, history, inspections, refunds, outbound
shipments, inbound waybills, courier claims, notes and photos."""

from typing import TYPE_CHECKING, Any

from tortoise import fields, models

from backend.domain.returns.kinds import (
    ClaimStatus,
    InspectionStage,
    OutboundPurpose,
    OutboundStatus,
    ReturnKind,
    ReturnSource,
    TicketStatus,
    WaybillStatus,
)
from backend.domain.returns.policies import DeclineCode, Grade, Payer, Responsibility

if TYPE_CHECKING:
    from backend.persistence.models.auth import User
    from backend.persistence.models.catalogue import Product
    from backend.persistence.models.orders import Customer, OrderLine, Partner, SalesOrder
    from backend.persistence.models.places import Location, Warehouse
    from backend.persistence.models.returns import ReturnReason


class Counter(models.Model):
    """A named sequence, advanced by one conditional UPDATE (readable ticket numbers)."""

    name = fields.CharField(max_length=64, primary_key=True)
    value = fields.BigIntField(default=0)

    class Meta:
        table = "counter"


class ReturnTicket(models.Model):
    """One case (工单): a return, an exchange, a parcel back from the courier or an exception,
    with exactly one responsible person."""

    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=32, unique=True)
    kind = fields.CharEnumField(ReturnKind, max_length=16)
    source = fields.CharEnumField(ReturnSource, max_length=24)
    remote = fields.BooleanField(default=False)
    status = fields.CharEnumField(TicketStatus, max_length=24, db_index=True)
    resume_to = fields.CharEnumField(TicketStatus, max_length=24, null=True)
    status_since = fields.DatetimeField()  # when it entered its status: a queue's age
    version = fields.IntField(default=1)
    partner: fields.ForeignKeyNullableRelation["Partner"] = fields.ForeignKeyField(
        "models.Partner", related_name="return_tickets", null=True, on_delete=fields.RESTRICT
    )
    partner_id: int | None
    order: fields.ForeignKeyNullableRelation["SalesOrder"] = fields.ForeignKeyField(
        "models.SalesOrder", related_name="return_tickets", null=True, on_delete=fields.RESTRICT
    )
    order_id: int | None
    customer: fields.ForeignKeyNullableRelation["Customer"] = fields.ForeignKeyField(
        "models.Customer", related_name="return_tickets", null=True, on_delete=fields.RESTRICT
    )
    customer_id: int | None
    customer_name = fields.CharField(max_length=200, default="", db_index=True)
    customer_phone = fields.CharField(max_length=32, default="", db_index=True)
    warehouse: fields.ForeignKeyRelation["Warehouse"] = fields.ForeignKeyField(
        "models.Warehouse", related_name="return_tickets", on_delete=fields.RESTRICT
    )
    warehouse_id: int
    reason: fields.ForeignKeyNullableRelation["ReturnReason"] = fields.ForeignKeyField(
        "models.ReturnReason", related_name="tickets", null=True, on_delete=fields.RESTRICT
    )
    reason_id: int | None
    details = fields.TextField(default="")
    assignee: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="assigned_tickets", on_delete=fields.RESTRICT
    )
    assignee_id: int
    shipping_payer = fields.CharEnumField(Payer, max_length=16)
    shipping_payer_note = fields.TextField(default="")  # why CS overrode the derived payer
    shipping_fee = fields.DecimalField(default=0, max_digits=12, decimal_places=2)
    window_deadline = fields.DatetimeField(null=True)
    window_override_reason = fields.TextField(default="")
    decline_code = fields.CharEnumField(DeclineCode, max_length=32, null=True)
    decline_note = fields.TextField(default="")
    refund_due = fields.DecimalField(null=True, max_digits=12, decimal_places=2)
    refunded = fields.DecimalField(default=0, max_digits=12, decimal_places=2)
    handover_courier_person = fields.CharField(max_length=200, default="")
    handover_staff_person = fields.CharField(max_length=200, default="")
    pending_location: fields.ForeignKeyNullableRelation["Location"] = fields.ForeignKeyField(
        "models.Location", related_name="pending_tickets", null=True, on_delete=fields.RESTRICT
    )
    pending_location_id: int | None
    replacement_reserved = fields.BooleanField(default=False)
    created_by: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="created_tickets", on_delete=fields.RESTRICT
    )
    created_by_id: int
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    updated_at = fields.DatetimeField(auto_now_add=True)
    # Milestones, kept with each move so cycle-time analytics need no scan of the history:
    # first approve or decline, first arrival, first QC inspection, first refund, last close.
    decided_at = fields.DatetimeField(null=True)
    arrived_at = fields.DatetimeField(null=True)
    qc_inspected_at = fields.DatetimeField(null=True)
    first_refund_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    # Each cycle-time stage's seconds, set with the milestone that ends it (None until
    # then); indexed so that the percentiles of all tickets are read in order, not sorted.
    seconds_to_decision = fields.FloatField(null=True)
    seconds_arrival_to_qc = fields.FloatField(null=True)
    seconds_qc_to_refund = fields.FloatField(null=True)
    seconds_whole = fields.FloatField(null=True)

    class Meta:
        table = "return_ticket"
        # analytics read a period's tickets from the first index alone (it covers every
        # column their filter and groups use)
        indexes = (
            ("created_at", "warehouse_id", "status", "reason_id", "source", "kind"),
            ("seconds_to_decision",),
            ("seconds_arrival_to_qc",),
            ("seconds_qc_to_refund",),
            ("seconds_whole",),
        )


class ReturnLine(models.Model):
    """A product on a ticket, with quantities that can split as the goods move on."""

    id = fields.IntField(primary_key=True)
    ticket: fields.ForeignKeyRelation["ReturnTicket"] = fields.ForeignKeyField(
        "models.ReturnTicket", related_name="lines", on_delete=fields.RESTRICT
    )
    ticket_id: int
    product: fields.ForeignKeyRelation["Product"] = fields.ForeignKeyField(
        "models.Product", related_name="return_lines", on_delete=fields.RESTRICT
    )
    product_id: int
    order_line: fields.ForeignKeyNullableRelation["OrderLine"] = fields.ForeignKeyField(
        "models.OrderLine", related_name="return_lines", null=True, on_delete=fields.RESTRICT
    )
    order_line_id: int | None
    quantity = fields.IntField()
    unit_price_paid = fields.DecimalField(default=0, max_digits=12, decimal_places=2)
    quantity_received = fields.IntField(default=0)
    quantity_graded = fields.IntField(default=0)
    quantity_dispositioned = fields.IntField(default=0)
    quantity_refunded = fields.IntField(default=0)
    wanted_product: fields.ForeignKeyNullableRelation["Product"] = fields.ForeignKeyField(
        "models.Product", related_name="wanted_on_lines", null=True, on_delete=fields.RESTRICT
    )
    wanted_product_id: int | None
    wanted_model = fields.CharField(max_length=64, default="")
    wanted_style = fields.CharField(max_length=64, default="")
    wanted_colour = fields.CharField(max_length=64, default="")
    wanted_size = fields.CharField(max_length=32, default="")
    # the courier that carried the line's goods to the customer (the first of the order's
    # shipments with its product), fixed when the ticket opens: analytics group by it
    courier = fields.CharField(max_length=64, null=True)

    class Meta:
        table = "return_line"
        # a ticket's lines as analytics read them, from the index alone
        indexes = (("ticket_id", "product_id", "courier", "quantity"),)


class TicketEvent(models.Model):
    """One step of a ticket's history: who, when, which move, from and to which state, what."""

    id = fields.BigIntField(primary_key=True)
    ticket: fields.ForeignKeyRelation["ReturnTicket"] = fields.ForeignKeyField(
        "models.ReturnTicket", related_name="events", on_delete=fields.RESTRICT
    )
    ticket_id: int
    at = fields.DatetimeField()
    actor: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="ticket_events", on_delete=fields.RESTRICT
    )
    actor_id: int
    action = fields.CharField(max_length=32)
    from_status = fields.CharEnumField(TicketStatus, max_length=24, null=True)
    to_status = fields.CharEnumField(TicketStatus, max_length=24, null=True)
    detail: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)

    class Meta:
        table = "ticket_event"


class Inspection(models.Model):
    """The result for some units of one line at one stage (初检 or 复检)."""

    id = fields.IntField(primary_key=True)
    ticket: fields.ForeignKeyRelation["ReturnTicket"] = fields.ForeignKeyField(
        "models.ReturnTicket", related_name="inspections", on_delete=fields.RESTRICT
    )
    ticket_id: int
    line: fields.ForeignKeyRelation["ReturnLine"] = fields.ForeignKeyField(
        "models.ReturnLine", related_name="inspections", on_delete=fields.RESTRICT
    )
    line_id: int
    stage = fields.CharEnumField(InspectionStage, max_length=16)
    quantity = fields.IntField()
    passed = fields.BooleanField()
    grade = fields.CharEnumField(Grade, max_length=1, null=True)
    responsibility = fields.CharEnumField(Responsibility, max_length=16)
    defect_tags: fields.JSONField[list[Any]] = fields.JSONField(default=list)
    defect_text = fields.TextField(default="")
    checklist: fields.JSONField[list[Any]] = fields.JSONField(default=list)
    photos: fields.JSONField[list[Any]] = fields.JSONField(default=list)
    note = fields.TextField(default="")
    inspector: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="inspections", on_delete=fields.RESTRICT
    )
    inspector_id: int
    at = fields.DatetimeField()

    class Meta:
        table = "inspection"
        indexes = (("line_id",),)


class Refund(models.Model):
    id = fields.IntField(primary_key=True)
    ticket: fields.ForeignKeyRelation["ReturnTicket"] = fields.ForeignKeyField(
        "models.ReturnTicket", related_name="refunds", on_delete=fields.RESTRICT
    )
    ticket_id: int
    amount = fields.DecimalField(max_digits=12, decimal_places=2)
    payment_reference = fields.CharField(max_length=128, default="")
    note = fields.TextField(default="")
    issued_by: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="refunds", on_delete=fields.RESTRICT
    )
    issued_by_id: int
    at = fields.DatetimeField()

    class Meta:
        table = "refund"


class OutboundShipment(models.Model):
    """Goods leaving again under a ticket: a reship, a replacement, or goods sent back."""

    id = fields.IntField(primary_key=True)
    ticket: fields.ForeignKeyRelation["ReturnTicket"] = fields.ForeignKeyField(
        "models.ReturnTicket", related_name="outbound", on_delete=fields.RESTRICT
    )
    ticket_id: int
    purpose = fields.CharEnumField(OutboundPurpose, max_length=24)
    status = fields.CharEnumField(OutboundStatus, max_length=16)
    order: fields.ForeignKeyNullableRelation["SalesOrder"] = fields.ForeignKeyField(
        "models.SalesOrder", related_name="ticket_shipments", null=True, on_delete=fields.RESTRICT
    )
    order_id: int | None
    waybill = fields.CharField(max_length=64, null=True, unique=True)
    courier = fields.CharField(max_length=64, default="")
    shipped_at = fields.DatetimeField(null=True)
    created_by: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="ticket_shipments", on_delete=fields.RESTRICT
    )
    created_by_id: int
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "outbound_shipment"


class InboundWaybill(models.Model):
    """A waybill a parcel comes back on. Voided, never deleted, when finance swaps it."""

    id = fields.IntField(primary_key=True)
    ticket: fields.ForeignKeyRelation["ReturnTicket"] = fields.ForeignKeyField(
        "models.ReturnTicket", related_name="inbound_waybills", on_delete=fields.RESTRICT
    )
    ticket_id: int
    waybill = fields.CharField(max_length=64, db_index=True)
    courier = fields.CharField(max_length=64, default="")
    status = fields.CharEnumField(WaybillStatus, max_length=16)
    arrived_at = fields.DatetimeField(null=True)
    replaced_by = fields.CharField(max_length=64, default="")
    voided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "inbound_waybill"


class CourierClaim(models.Model):
    """A damage claim against the courier, with its evidence (photos and waybill)."""

    id = fields.IntField(primary_key=True)
    ticket: fields.ForeignKeyRelation["ReturnTicket"] = fields.ForeignKeyField(
        "models.ReturnTicket", related_name="claims", on_delete=fields.RESTRICT
    )
    ticket_id: int
    courier = fields.CharField(max_length=64)
    waybill = fields.CharField(max_length=64)
    amount_claimed = fields.DecimalField(max_digits=12, decimal_places=2)
    amount_settled = fields.DecimalField(null=True, max_digits=12, decimal_places=2)
    description = fields.TextField(default="")
    photos: fields.JSONField[list[Any]] = fields.JSONField(default=list)
    status = fields.CharEnumField(ClaimStatus, max_length=16)
    opened_by: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="claims_opened", on_delete=fields.RESTRICT
    )
    opened_by_id: int
    opened_at = fields.DatetimeField()
    settled_by: fields.ForeignKeyNullableRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="claims_settled", null=True, on_delete=fields.RESTRICT
    )
    settled_by_id: int | None
    settled_at = fields.DatetimeField(null=True)
    settlement_note = fields.TextField(default="")

    class Meta:
        table = "courier_claim"


class TicketNote(models.Model):
    id = fields.IntField(primary_key=True)
    ticket: fields.ForeignKeyRelation["ReturnTicket"] = fields.ForeignKeyField(
        "models.ReturnTicket", related_name="notes", on_delete=fields.RESTRICT
    )
    ticket_id: int
    author: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="ticket_notes", on_delete=fields.RESTRICT
    )
    author_id: int
    text = fields.TextField()
    photos: fields.JSONField[list[Any]] = fields.JSONField(default=list)
    at = fields.DatetimeField()

    class Meta:
        table = "ticket_note"


class Photo(models.Model):
    """An uploaded photo's record. The bytes live on disk under their SHA-256."""

    sha256 = fields.CharField(max_length=64, primary_key=True)
    content_type = fields.CharField(max_length=32)
    size = fields.IntField()
    uploaded_by: fields.ForeignKeyRelation["User"] = fields.ForeignKeyField(
        "models.User", related_name="photos", on_delete=fields.RESTRICT
    )
    uploaded_by_id: int
    uploaded_at = fields.DatetimeField()

    class Meta:
        table = "photo"
