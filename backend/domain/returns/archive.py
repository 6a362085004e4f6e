"""The archive export of tickets (Art. 25.2): formats, what goes in them, who may download
an export and for how long.

An export covers the tickets of an analytics filter (the same period, warehouse, category,
product, reason, source and kind semantics as return analytics, declined and cancelled
tickets included: the archive keeps everything) with everything recorded about them: one
sheet per kind of record, each row naming its ticket. How a value is written to a cell is
in `archive_cells.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from backend.domain.auth.permissions import may
from backend.domain.auth.roles import Principal, Role
from backend.domain.returns.analytics import AnalyticsFilter
from backend.domain.returns.kinds import ReturnKind, ReturnSource

# A download URL answers for this long after the request (then 410 Gone).
EXPIRES_AFTER = timedelta(hours=24)
# Tickets read per page; each page's records are read with one statement per sheet.
PAGE_SIZE = 1_000
# Who may list and download exports at all (the requester still must be the caller).
LIST_OPERATION = "ticketExports"


class ExportFormat(StrEnum):
    CSV = "CSV"  # a ZIP of UTF-8 (with BOM) CSV files, one per sheet
    XLSX = "XLSX"  # one workbook, one worksheet per sheet


class Cell(StrEnum):
    """How a column's values are written."""

    TEXT = "TEXT"  # free text and codes: guarded against formula injection
    INT = "INT"
    MONEY = "MONEY"  # a plain decimal with two places
    TIME = "TIME"  # UTC, ISO 8601 to the second: 2026-11-27T18:15:09Z
    BOOL = "BOOL"
    JSON = "JSON"  # structured detail (history details, defect tags, photos) as JSON text


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    cell: Cell


@dataclass(frozen=True, slots=True)
class Sheet:
    """One CSV file of the ZIP, one worksheet of the workbook."""

    name: str
    columns: tuple[Column, ...]

    @property
    def csv_name(self) -> str:
        return f"{self.name}.csv"

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]


def _sheet(name: str, *columns: str) -> Sheet:
    """Columns written as `name` (text) or `name:KIND`."""
    found = []
    for spec in columns:
        column, _, kind = spec.partition(":")
        found.append(Column(column, Cell(kind or Cell.TEXT)))
    return Sheet(name, tuple(found))


TICKETS = _sheet(
    "tickets",
    "ticket_number", "kind", "source", "remote:BOOL", "status", "status_since:TIME",
    "resume_to", "created_at:TIME", "created_by", "partner", "order_number",
    "customer_name", "customer_phone", "warehouse", "reason_code", "reason_zh", "reason_en",
    "details", "assignee", "shipping_payer", "shipping_payer_note", "shipping_fee:MONEY",
    "refund_due:MONEY", "refunded:MONEY", "window_deadline:TIME", "window_override_reason",
    "decline_code", "decline_note", "courier_handover_person", "staff_handover_person",
    "pending_location", "replacement_reserved:BOOL", "decided_at:TIME", "arrived_at:TIME",
    "qc_inspected_at:TIME", "first_refund_at:TIME", "closed_at:TIME", "updated_at:TIME",
)  # fmt: skip
LINES = _sheet(
    "lines",
    "ticket_number", "line_id:INT", "sku", "product_zh", "product_en", "quantity:INT",
    "unit_price_paid:MONEY", "quantity_received:INT", "quantity_graded:INT",
    "quantity_dispositioned:INT", "quantity_refunded:INT", "wanted_sku", "wanted_model",
    "wanted_style", "wanted_colour", "wanted_size",
)  # fmt: skip
EVENTS = _sheet(
    "events",
    "ticket_number", "event_id:INT", "at:TIME", "actor", "action", "from_status",
    "to_status", "detail:JSON",
)  # fmt: skip
INSPECTIONS = _sheet(
    "inspections",
    "ticket_number", "inspection_id:INT", "line_id:INT", "sku", "stage", "quantity:INT",
    "passed:BOOL", "grade", "responsibility", "defect_tags:JSON", "defect_text",
    "checklist:JSON", "photos:JSON", "note", "inspector", "at:TIME",
)  # fmt: skip
REFUNDS = _sheet(
    "refunds",
    "ticket_number", "refund_id:INT", "at:TIME", "amount:MONEY", "payment_reference", "note",
    "issued_by",
)  # fmt: skip
FOLLOW_UPS = _sheet(
    "follow_ups",
    "ticket_number", "call_id:INT", "at:TIME", "attempt:INT", "reached:BOOL", "outcome",
    "satisfaction:INT", "feedback", "new_problem", "linked_ticket_number", "caller",
)  # fmt: skip
NOTES = _sheet("notes", "ticket_number", "note_id:INT", "at:TIME", "author", "text", "photos:JSON")
SHIPMENTS = _sheet(
    "shipments",
    "ticket_number", "shipment_id:INT", "purpose", "status", "order_number", "waybill",
    "courier", "shipped_at:TIME", "created_by", "created_at:TIME",
)  # fmt: skip
WAYBILLS = _sheet(
    "waybills",
    "ticket_number", "waybill_id:INT", "waybill", "courier", "status", "arrived_at:TIME",
    "replaced_by", "voided_at:TIME",
)  # fmt: skip
COURIER_CLAIMS = _sheet(
    "courier_claims",
    "ticket_number", "claim_id:INT", "courier", "waybill", "amount_claimed:MONEY",
    "amount_settled:MONEY", "status", "description", "photos:JSON", "opened_by",
    "opened_at:TIME", "settled_by", "settled_at:TIME", "settlement_note",
)  # fmt: skip

# What hangs off a ticket, in the order the files and worksheets come.
RECORD_SHEETS = (
    LINES,
    EVENTS,
    INSPECTIONS,
    REFUNDS,
    FOLLOW_UPS,
    NOTES,
    SHIPMENTS,
    WAYBILLS,
    COURIER_CLAIMS,
)
SHEETS = (TICKETS, *RECORD_SHEETS)


# --- the request -------------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


def filter_spec(f: AnalyticsFilter) -> dict[str, Any]:
    """A checked filter as the JSON an export is recorded with."""
    return {
        "createdFrom": _iso(f.created_from),
        "createdTo": _iso(f.created_to),
        "warehouseCode": f.warehouse_code,
        "categoryCode": f.category_code,
        "sku": f.sku,
        "reasonCode": f.reason_code,
        "sources": [s.value for s in f.sources],
        "kinds": [k.value for k in f.kinds],
    }


def _time(value: Any) -> datetime | None:
    return None if value is None else datetime.fromisoformat(str(value))


def filter_from_spec(spec: dict[str, Any]) -> AnalyticsFilter:
    return AnalyticsFilter(
        created_from=_time(spec.get("createdFrom")),
        created_to=_time(spec.get("createdTo")),
        warehouse_code=spec.get("warehouseCode"),
        category_code=spec.get("categoryCode"),
        sku=spec.get("sku"),
        reason_code=spec.get("reasonCode"),
        sources=tuple(ReturnSource(s) for s in spec.get("sources") or ()),
        kinds=tuple(ReturnKind(k) for k in spec.get("kinds") or ()),
    )


# --- the download ------------------------------------------------------------------------


class DownloadRefusal(StrEnum):
    UNAUTHENTICATED = "UNAUTHENTICATED"  # no or an invalid credential
    NOT_FOUND = "NOT_FOUND"  # no export has that id
    FORBIDDEN = "FORBIDDEN"  # someone else's export, or a role that may not export
    EXPIRED = "EXPIRED"  # past its expiry


def download_refusal(
    caller: Principal | None, requested_by: int, expires_at: datetime, now: datetime
) -> DownloadRefusal | None:
    """Why `caller` may not download an export now, or None. Only its requester or an
    admin may, while their role may still list exports; nobody after it expired."""
    if caller is None:
        return DownloadRefusal.UNAUTHENTICATED
    if not may(caller.role, LIST_OPERATION):
        return DownloadRefusal.FORBIDDEN
    if caller.role is not Role.ADMIN and caller.user_id != requested_by:
        return DownloadRefusal.FORBIDDEN
    if now >= expires_at:
        return DownloadRefusal.EXPIRED
    return None


def url(public_id: str) -> str:
    return f"/exports/{public_id}"


def file_name(export_id: int, created_at: datetime, format: ExportFormat) -> str:
    extension = "zip" if format is ExportFormat.CSV else "xlsx"
    stamp = created_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"tickets-{export_id}-{stamp}.{extension}"


def media_type(format: ExportFormat) -> str:
    if format is ExportFormat.CSV:
        return "application/zip"
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
