"""Where each column of the archive export comes from: the SQL behind every column of every
sheet (domain/returns/archive.py names them), on ticket `t` and a record table `x`."""

from __future__ import annotations

from dataclasses import dataclass

from backend.domain.returns import archive as sheets

TICKET_JOINS = (
    " JOIN warehouse w ON w.id = t.warehouse_id"
    " JOIN app_user assignee ON assignee.id = t.assignee_id"
    " JOIN app_user creator ON creator.id = t.created_by_id"
    " LEFT JOIN partner pa ON pa.id = t.partner_id"
    " LEFT JOIN sales_order so ON so.id = t.order_id"
    " LEFT JOIN return_reason r ON r.id = t.reason_id"
    " LEFT JOIN location pending ON pending.id = t.pending_location_id"
)
TICKET_COLUMNS = {
    "ticket_number": "t.number",
    "kind": "t.kind",
    "source": "t.source",
    "remote": "t.remote",
    "status": "t.status",
    "status_since": "t.status_since",
    "resume_to": "t.resume_to",
    "created_at": "t.created_at",
    "created_by": "creator.username",
    "partner": "pa.code",
    "order_number": "so.number",
    "customer_name": "t.customer_name",
    "customer_phone": "t.customer_phone",
    "warehouse": "w.code",
    "reason_code": "r.code",
    "reason_zh": "r.name_zh",
    "reason_en": "r.name_en",
    "details": "t.details",
    "assignee": "assignee.username",
    "shipping_payer": "t.shipping_payer",
    "shipping_payer_note": "t.shipping_payer_note",
    "shipping_fee": "t.shipping_fee",
    "refund_due": "t.refund_due",
    "refunded": "t.refunded",
    "window_deadline": "t.window_deadline",
    "window_override_reason": "t.window_override_reason",
    "decline_code": "t.decline_code",
    "decline_note": "t.decline_note",
    "courier_handover_person": "t.handover_courier_person",
    "staff_handover_person": "t.handover_staff_person",
    "pending_location": "pending.code",
    "replacement_reserved": "t.replacement_reserved",
    "decided_at": "t.decided_at",
    "arrived_at": "t.arrived_at",
    "qc_inspected_at": "t.qc_inspected_at",
    "first_refund_at": "t.first_refund_at",
    "closed_at": "t.closed_at",
    "updated_at": "t.updated_at",
}


@dataclass(frozen=True, slots=True)
class Records:
    """Where one kind of record comes from: its table `x` (with `ticket_id`), its joins,
    and each column's SQL."""

    table: str
    joins: str
    columns: dict[str, str]


RECORDS: dict[str, Records] = {
    sheets.LINES.name: Records(
        "return_line",
        " JOIN product p ON p.id = x.product_id"
        " LEFT JOIN product wanted ON wanted.id = x.wanted_product_id",
        {
            "line_id": "x.id",
            "sku": "p.sku",
            "product_zh": "p.name_zh",
            "product_en": "p.name_en",
            "quantity": "x.quantity",
            "unit_price_paid": "x.unit_price_paid",
            "quantity_received": "x.quantity_received",
            "quantity_graded": "x.quantity_graded",
            "quantity_dispositioned": "x.quantity_dispositioned",
            "quantity_refunded": "x.quantity_refunded",
            "wanted_sku": "wanted.sku",
            "wanted_model": "x.wanted_model",
            "wanted_style": "x.wanted_style",
            "wanted_colour": "x.wanted_colour",
            "wanted_size": "x.wanted_size",
        },
    ),
    sheets.EVENTS.name: Records(
        "ticket_event",
        " JOIN app_user u ON u.id = x.actor_id",
        {
            "event_id": "x.id",
            "at": "x.at",
            "actor": "u.username",
            "action": "x.action",
            "from_status": "x.from_status",
            "to_status": "x.to_status",
            "detail": "x.detail",
        },
    ),
    sheets.INSPECTIONS.name: Records(
        "inspection",
        " JOIN return_line l ON l.id = x.line_id JOIN product p ON p.id = l.product_id"
        " JOIN app_user u ON u.id = x.inspector_id",
        {
            "inspection_id": "x.id",
            "line_id": "x.line_id",
            "sku": "p.sku",
            "stage": "x.stage",
            "quantity": "x.quantity",
            "passed": "x.passed",
            "grade": "x.grade",
            "responsibility": "x.responsibility",
            "defect_tags": "x.defect_tags",
            "defect_text": "x.defect_text",
            "checklist": "x.checklist",
            "photos": "x.photos",
            "note": "x.note",
            "inspector": "u.username",
            "at": "x.at",
        },
    ),
    sheets.REFUNDS.name: Records(
        "refund",
        " JOIN app_user u ON u.id = x.issued_by_id",
        {
            "refund_id": "x.id",
            "at": "x.at",
            "amount": "x.amount",
            "payment_reference": "x.payment_reference",
            "note": "x.note",
            "issued_by": "u.username",
        },
    ),
    sheets.FOLLOW_UPS.name: Records(
        "follow_up_call",
        " JOIN app_user u ON u.id = x.caller_id"
        " LEFT JOIN return_ticket linked ON linked.id = x.linked_ticket_id",
        {
            "call_id": "x.id",
            "at": "x.at",
            "attempt": "x.attempt",
            "reached": "x.reached",
            "outcome": "x.outcome",
            "satisfaction": "x.satisfaction",
            "feedback": "x.feedback",
            "new_problem": "x.new_problem",
            "linked_ticket_number": "linked.number",
            "caller": "u.username",
        },
    ),
    sheets.NOTES.name: Records(
        "ticket_note",
        " JOIN app_user u ON u.id = x.author_id",
        {
            "note_id": "x.id",
            "at": "x.at",
            "author": "u.username",
            "text": "x.text",
            "photos": "x.photos",
        },
    ),
    sheets.SHIPMENTS.name: Records(
        "outbound_shipment",
        " JOIN app_user u ON u.id = x.created_by_id LEFT JOIN sales_order so ON so.id = x.order_id",
        {
            "shipment_id": "x.id",
            "purpose": "x.purpose",
            "status": "x.status",
            "order_number": "so.number",
            "waybill": "x.waybill",
            "courier": "x.courier",
            "shipped_at": "x.shipped_at",
            "created_by": "u.username",
            "created_at": "x.created_at",
        },
    ),
    sheets.WAYBILLS.name: Records(
        "inbound_waybill",
        "",
        {
            "waybill_id": "x.id",
            "waybill": "x.waybill",
            "courier": "x.courier",
            "status": "x.status",
            "arrived_at": "x.arrived_at",
            "replaced_by": "x.replaced_by",
            "voided_at": "x.voided_at",
        },
    ),
    sheets.COURIER_CLAIMS.name: Records(
        "courier_claim",
        " JOIN app_user opener ON opener.id = x.opened_by_id"
        " LEFT JOIN app_user settler ON settler.id = x.settled_by_id",
        {
            "claim_id": "x.id",
            "courier": "x.courier",
            "waybill": "x.waybill",
            "amount_claimed": "x.amount_claimed",
            "amount_settled": "x.amount_settled",
            "status": "x.status",
            "description": "x.description",
            "photos": "x.photos",
            "opened_by": "opener.username",
            "opened_at": "x.opened_at",
            "settled_by": "settler.username",
            "settled_at": "x.settled_at",
            "settlement_note": "x.settlement_note",
        },
    ),
}
