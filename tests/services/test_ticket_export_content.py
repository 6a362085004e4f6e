"""The archive export (issue 5, item 4; Art. 25.2): what a download holds equals what the
database holds, field by field, in both formats; the filter takes the tickets return
analytics counts; text that would start a formula is made inert; a completed download is
recorded.

The expectations are read back with the ORM and written out here by the export's stated
rules (times UTC ISO 8601 to the second, money with two decimals, a leading apostrophe
before =, +, -, @), independently of the export's own code."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from backend.domain.auth.roles import Principal, Role
from backend.domain.returns.analytics import AnalyticsFilter
from backend.domain.returns.archive import ExportFormat
from backend.domain.returns.kinds import ReturnKind, ReturnSource
from backend.persistence import models as m
from backend.persistence.queries import analytics as analytics_queries
from backend.pubsub.memory import MemoryPubSub
from backend.services import analytics, archive_files, ticket_exports
from tests.api.returns_helpers import Desk
from tests.conftest import Actor
from tests.services.archive_world import BASE, as_dicts, csv_sheets, make_world, xlsx_sheets

SHEETS = [
    "tickets",
    "lines",
    "events",
    "inspections",
    "refunds",
    "follow_ups",
    "notes",
    "shipments",
    "waybills",
    "courier_claims",
]


@pytest.fixture
def desk(gql, actors, catalogue) -> Desk:
    return Desk(gql, actors, catalogue)


@pytest.fixture
async def world(desk: Desk) -> dict[str, str]:
    return await make_world(desk)


def principal(actor: Actor) -> Principal:
    user = actor.user
    return Principal(user.id, user.username, user.role, None, None)


async def export(actor: Actor, fmt: ExportFormat, key: str, **filter: Any) -> tuple[bytes, int]:
    """Request and download an export through the services: its bytes and its id."""
    who = principal(actor)
    cmd = ticket_exports.RequestTicketExport(key, AnalyticsFilter(**filter), fmt)
    answer = await ticket_exports.request_export(MemoryPubSub(), who, cmd)
    row = await m.TicketExport.get(id=answer.response["exportId"])
    download = await ticket_exports.open_download(row.public_id, who)
    body = b"".join([chunk async for chunk in download.chunks])
    return body, row.id


# --- the database, written out by the rules ------------------------------------------------


def utc(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def text(value: str | None) -> str | None:
    if value is None:
        return None
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") and value else value


def money(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def js(value: Any) -> str:
    return text(json.dumps(value, ensure_ascii=False, separators=(",", ":"))) or ""


def enum(value: Any) -> str | None:
    return None if value is None else str(value.value)


async def expected_tickets(numbers: list[str]) -> dict[str, list[dict[str, Any]]]:
    tickets = (
        await m.ReturnTicket.filter(number__in=numbers)
        .order_by("id")
        .prefetch_related(
            "warehouse", "assignee", "created_by", "partner", "order", "reason", "pending_location"
        )
    )
    ids = [t.id for t in tickets]
    number = {t.id: t.number for t in tickets}
    users = {u.id: u.username for u in await m.User.all()}
    skus = {p.id: p for p in await m.Product.all()}
    found: dict[str, list[dict[str, Any]]] = {name: [] for name in SHEETS}
    for t in tickets:
        found["tickets"].append(
            {
                "ticket_number": t.number,
                "kind": t.kind.value,
                "source": t.source.value,
                "remote": t.remote,
                "status": t.status.value,
                "status_since": utc(t.status_since),
                "resume_to": enum(t.resume_to),
                "created_at": utc(t.created_at),
                "created_by": t.created_by.username,
                "partner": t.partner.code if t.partner else None,
                "order_number": t.order.number if t.order else None,
                "customer_name": text(t.customer_name),
                "customer_phone": text(t.customer_phone),
                "warehouse": t.warehouse.code,
                "reason_code": t.reason.code if t.reason else None,
                "reason_zh": t.reason.name_zh if t.reason else None,
                "reason_en": t.reason.name_en if t.reason else None,
                "details": text(t.details),
                "assignee": t.assignee.username,
                "shipping_payer": t.shipping_payer.value,
                "shipping_payer_note": text(t.shipping_payer_note),
                "shipping_fee": money(t.shipping_fee),
                "refund_due": money(t.refund_due),
                "refunded": money(t.refunded),
                "window_deadline": utc(t.window_deadline),
                "window_override_reason": text(t.window_override_reason),
                "decline_code": enum(t.decline_code),
                "decline_note": text(t.decline_note),
                "courier_handover_person": text(t.handover_courier_person),
                "staff_handover_person": text(t.handover_staff_person),
                "pending_location": t.pending_location.code if t.pending_location else None,
                "replacement_reserved": t.replacement_reserved,
                "decided_at": utc(t.decided_at),
                "arrived_at": utc(t.arrived_at),
                "qc_inspected_at": utc(t.qc_inspected_at),
                "first_refund_at": utc(t.first_refund_at),
                "closed_at": utc(t.closed_at),
                "updated_at": utc(t.updated_at),
            }
        )
    by_ticket = {"ticket_id__in": ids}
    for line in await m.ReturnLine.filter(**by_ticket).order_by("ticket_id", "id"):
        wanted = skus.get(line.wanted_product_id) if line.wanted_product_id else None
        found["lines"].append(
            {
                "ticket_number": number[line.ticket_id],
                "line_id": line.id,
                "sku": skus[line.product_id].sku,
                "product_zh": skus[line.product_id].name_zh,
                "product_en": skus[line.product_id].name_en,
                "quantity": line.quantity,
                "unit_price_paid": money(line.unit_price_paid),
                "quantity_received": line.quantity_received,
                "quantity_graded": line.quantity_graded,
                "quantity_dispositioned": line.quantity_dispositioned,
                "quantity_refunded": line.quantity_refunded,
                "wanted_sku": wanted.sku if wanted else None,
                "wanted_model": text(line.wanted_model),
                "wanted_style": text(line.wanted_style),
                "wanted_colour": text(line.wanted_colour),
                "wanted_size": text(line.wanted_size),
            }
        )
    for e in await m.TicketEvent.filter(**by_ticket).order_by("ticket_id", "id"):
        found["events"].append(
            {
                "ticket_number": number[e.ticket_id],
                "event_id": e.id,
                "at": utc(e.at),
                "actor": users[e.actor_id],
                "action": e.action,
                "from_status": enum(e.from_status),
                "to_status": enum(e.to_status),
                "detail": js(e.detail),
            }
        )
    lines = {line.id: line for line in await m.ReturnLine.filter(**by_ticket)}
    for i in await m.Inspection.filter(**by_ticket).order_by("ticket_id", "id"):
        found["inspections"].append(
            {
                "ticket_number": number[i.ticket_id],
                "inspection_id": i.id,
                "line_id": i.line_id,
                "sku": skus[lines[i.line_id].product_id].sku,
                "stage": i.stage.value,
                "quantity": i.quantity,
                "passed": i.passed,
                "grade": enum(i.grade),
                "responsibility": i.responsibility.value,
                "defect_tags": js(i.defect_tags),
                "defect_text": text(i.defect_text),
                "checklist": js(i.checklist),
                "photos": js(i.photos),
                "note": text(i.note),
                "inspector": users[i.inspector_id],
                "at": utc(i.at),
            }
        )
    for r in await m.Refund.filter(**by_ticket).order_by("ticket_id", "id"):
        found["refunds"].append(
            {
                "ticket_number": number[r.ticket_id],
                "refund_id": r.id,
                "at": utc(r.at),
                "amount": money(r.amount),
                "payment_reference": text(r.payment_reference),
                "note": text(r.note),
                "issued_by": users[r.issued_by_id],
            }
        )
    all_numbers = {t.id: t.number for t in await m.ReturnTicket.all()}
    for c in await m.FollowUpCall.filter(**by_ticket).order_by("ticket_id", "id"):
        found["follow_ups"].append(
            {
                "ticket_number": number[c.ticket_id],
                "call_id": c.id,
                "at": utc(c.at),
                "attempt": c.attempt,
                "reached": c.reached,
                "outcome": c.outcome.value,
                "satisfaction": c.satisfaction,
                "feedback": text(c.feedback),
                "new_problem": c.new_problem.value,
                "linked_ticket_number": all_numbers.get(c.linked_ticket_id or 0),
                "caller": users[c.caller_id],
            }
        )
    for n in await m.TicketNote.filter(**by_ticket).order_by("ticket_id", "id"):
        found["notes"].append(
            {
                "ticket_number": number[n.ticket_id],
                "note_id": n.id,
                "at": utc(n.at),
                "author": users[n.author_id],
                "text": text(n.text),
                "photos": js(n.photos),
            }
        )
    orders = {o.id: o.number for o in await m.SalesOrder.all()}
    for s in await m.OutboundShipment.filter(**by_ticket).order_by("ticket_id", "id"):
        found["shipments"].append(
            {
                "ticket_number": number[s.ticket_id],
                "shipment_id": s.id,
                "purpose": s.purpose.value,
                "status": s.status.value,
                "order_number": orders.get(s.order_id or 0),
                "waybill": text(s.waybill),
                "courier": text(s.courier),
                "shipped_at": utc(s.shipped_at),
                "created_by": users[s.created_by_id],
                "created_at": utc(s.created_at),
            }
        )
    for w in await m.InboundWaybill.filter(**by_ticket).order_by("ticket_id", "id"):
        found["waybills"].append(
            {
                "ticket_number": number[w.ticket_id],
                "waybill_id": w.id,
                "waybill": text(w.waybill),
                "courier": text(w.courier),
                "status": w.status.value,
                "arrived_at": utc(w.arrived_at),
                "replaced_by": text(w.replaced_by),
                "voided_at": utc(w.voided_at),
            }
        )
    for c in await m.CourierClaim.filter(**by_ticket).order_by("ticket_id", "id"):
        found["courier_claims"].append(
            {
                "ticket_number": number[c.ticket_id],
                "claim_id": c.id,
                "courier": text(c.courier),
                "waybill": text(c.waybill),
                "amount_claimed": money(c.amount_claimed),
                "amount_settled": money(c.amount_settled),
                "status": c.status.value,
                "description": text(c.description),
                "photos": js(c.photos),
                "opened_by": users[c.opened_by_id],
                "opened_at": utc(c.opened_at),
                "settled_by": users.get(c.settled_by_id or 0),
                "settled_at": utc(c.settled_at),
                "settlement_note": text(c.settlement_note),
            }
        )
    return found


def as_csv(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def as_cell(value: Any) -> Any:
    """A worksheet value and an expected value made comparable: empty is None, numbers
    exact decimals."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value)).quantize(Decimal("0.01"))
    return value


# --- the tests -----------------------------------------------------------------------------


async def test_the_csv_zip_holds_every_ticket_and_record_field_by_field(actors, world):
    body, _ = await export(actors[Role.FINANCE], ExportFormat.CSV, "csv-all")
    found = csv_sheets(body)
    assert list(found) == [f"{name}" for name in SHEETS]
    expected = await expected_tickets(list(world.values()))
    for name in SHEETS:
        header = found[name][0]
        assert header[0] == "ticket_number", name
        if expected[name]:
            assert header == list(expected[name][0]), name
        rows = [{k: as_csv(v) for k, v in row.items()} for row in expected[name]]
        assert as_dicts(found[name]) == rows, name
    # the world has something in every sheet but the claims, so each comparison counted
    assert all(expected[name] for name in SHEETS if name != "courier_claims")
    counts = {name: len(found[name]) - 1 for name in SHEETS}
    assert counts["tickets"] == 5
    assert counts["inspections"] == 2 + 3 + 1 + 1  # T1 initial 2 lines, QC 3; T2 1 + 1


async def test_the_workbook_holds_the_same_values_as_typed_cells(actors, world):
    body, _ = await export(actors[Role.FINANCE], ExportFormat.XLSX, "xlsx-all")
    found = xlsx_sheets(body)
    assert list(found) == SHEETS
    expected = await expected_tickets(list(world.values()))
    for name in SHEETS:
        header, *rows = found[name]
        if expected[name]:
            assert header == list(expected[name][0]), name
        assert [[as_cell(v) for v in row] for row in rows] == [
            [as_cell(v) for v in row.values()] for row in expected[name]
        ], name
    tickets = {row[0]: row for row in found["tickets"][1:]}
    header = found["tickets"][0]
    t1 = dict(zip(header, tickets[world["T1"]], strict=True))
    # typed cells: money and counts are numbers, flags booleans, times ISO text in UTC
    assert isinstance(t1["refunded"], int | float)
    assert t1["refunded"] == 248
    assert t1["remote"] is False
    assert t1["created_at"] == BASE.strftime("%Y-%m-%dT%H:%M:%SZ")


async def test_text_that_would_start_a_formula_is_made_inert(actors, world):
    body, _ = await export(actors[Role.ADMIN], ExportFormat.CSV, "csv-inject")
    found = {name: as_dicts(rows) for name, rows in csv_sheets(body).items()}
    t1 = next(row for row in found["tickets"] if row["ticket_number"] == world["T1"])
    assert t1["details"] == '\'=HYPERLINK("http://evil.example","拉链坏了")'
    t5 = next(row for row in found["tickets"] if row["ticket_number"] == world["T5"])
    assert (t5["customer_name"], t5["customer_phone"]) == ("'+王芳", "'+8613900000002")
    assert [r["payment_reference"] for r in found["refunds"]] == ["'+PAY-1", ""]
    assert found["notes"][0]["text"] == "'-5 件? 客户说少了一件"
    reached = [r for r in found["follow_ups"] if r["reached"] == "true"]
    assert reached[0]["feedback"] == "'@客服 很满意, thanks"
    # values that are numbers are not text: money stays a plain decimal
    assert [r["amount"] for r in found["refunds"]] == ["100.00", "148.00"]
    book = xlsx_sheets((await export(actors[Role.ADMIN], ExportFormat.XLSX, "x-inject"))[0])
    details = book["tickets"][0].index("details")
    assert book["tickets"][1][details] == '\'=HYPERLINK("http://evil.example","拉链坏了")'


async def test_a_completed_download_is_recorded_on_the_export(actors, world):
    before = datetime.now(UTC)
    _, export_id = await export(actors[Role.FINANCE], ExportFormat.CSV, "recorded")
    row = await m.TicketExport.get(id=export_id)
    assert (row.downloads, row.tickets_exported) == (1, 5)
    assert row.last_downloaded_at is not None
    assert row.last_downloaded_at >= before
    assert row.requested_by_id == actors[Role.FINANCE].user.id
    assert row.expires_at - row.created_at == timedelta(hours=24)


FILTERS: list[tuple[dict[str, Any], set[str]]] = [
    ({}, {"T1", "T2", "T3", "T4", "T5"}),
    ({"warehouse_code": "W1"}, {"T1", "T2", "T3", "T4", "T5"}),
    ({"reason_code": "WRONG_SIZE"}, {"T2", "T4"}),
    ({"sku": "SKU-2"}, {"T1", "T3"}),  # T4 only wants SKU-2; its line is SKU-3
    ({"kinds": (ReturnKind.EXCHANGE,)}, {"T4"}),
    ({"sources": (ReturnSource.REFUSED,)}, {"T5"}),
    ({"created_from": BASE + timedelta(days=1), "created_to": BASE + timedelta(days=3)},
     {"T2", "T3"}),
    ({"category_code": "APPAREL", "reason_code": "QUALITY_DEFECT"}, {"T1"}),
]  # fmt: skip


@pytest.mark.parametrize(("given", "names"), FILTERS)
async def test_the_filter_takes_the_tickets_analytics_counts(actors, world, given, names):
    body, _ = await export(actors[Role.SUPERVISOR], ExportFormat.CSV, f"f-{given}", **given)
    found = {name: as_dicts(rows) for name, rows in csv_sheets(body).items()}
    exported = [row["ticket_number"] for row in found["tickets"]]
    assert exported == sorted(world[n] for n in names)  # oldest first
    for name in SHEETS[1:]:
        assert {row["ticket_number"] for row in found[name]} <= set(exported), name
    # a ticket comes with all its lines, not only those matching a category or SKU
    expected = await expected_tickets(exported)
    assert [r["line_id"] for r in found["lines"]] == [str(r["line_id"]) for r in expected["lines"]]
    # analytics counts the same tickets (those with goods coming back: not declined)
    resolved = await analytics.resolve(AnalyticsFilter(**given))
    totals = await analytics_queries.totals(resolved)
    returned = [r for r in found["tickets"] if r["status"] not in ("DECLINED", "CANCELLED")]
    assert totals.tickets == len(returned)


async def test_a_sheet_past_a_worksheets_row_limit_goes_on_in_another(actors, world, monkeypatch):
    monkeypatch.setattr(archive_files, "XLSX_MAX_ROWS", 5)  # a header and four rows each
    body, _ = await export(actors[Role.ADMIN], ExportFormat.XLSX, "split")
    found = xlsx_sheets(body)
    expected = await expected_tickets(list(world.values()))
    for name in SHEETS:
        parts = [name] + [f"{name} ({n})" for n in range(2, 1 + len(found))]
        present = [p for p in parts if p in found]
        assert len(present) == max(1, math.ceil(len(expected[name]) / 4)), name
        header = found[name][0]
        assert all(found[p][0] == header for p in present), name
        rows = [row for p in present for row in found[p][1:]]
        assert [[as_cell(v) for v in row] for row in rows] == [
            [as_cell(v) for v in row.values()] for row in expected[name]
        ], name
    assert len(expected["events"]) > 8  # so events really went on in a third worksheet
