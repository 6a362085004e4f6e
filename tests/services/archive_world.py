"""Tickets for the archive export's tests, made through the API and its services, in several
states, with history, inspections, refunds, follow-up calls, notes and shipments; text that
a spreadsheet would take for a formula in a few places; and helpers that read an export.

  T1  SO-A  RETURN of SKU-1 x2 + SKU-2 x1, QUALITY_DEFECT, details "=HYPERLINK(...)": approved,
      arrived (fee 12.50), both inspections, accepted, refunded 100.00 (reference "+PAY-1")
      and 148.00, a note "-5 ...", a reached follow-up call "@..." that closed it
  T2  SO-B  RETURN of SKU-1 x1, WRONG_SIZE: QC found customer damage, rejected, sent back,
      one unanswered follow-up call (still FOLLOW_UP)
  T3  SO-C  RETURN of SKU-2 x1, CHANGED_MIND: declined
  T4  SO-D  EXCHANGE of SKU-3 x1 for SKU-2 in red, WRONG_SIZE: requested, then on hold
  T5  SO-E  a REFUSED parcel of SKU-1 x1 (the courier's hand-over recorded)

Creation times are set apart (T1 oldest, a day between each) so periods can be filtered.
"""

from __future__ import annotations

import csv
import io
import itertools
import zipfile
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook

from backend.domain.auth.roles import Role
from backend.domain.stock.kinds import ZoneKind
from backend.persistence import transaction
from tests.api.ledger_helpers import receive
from tests.api.returns_helpers import Desk

CS, WH, QC, LOG, FIN = (
    Role.CUSTOMER_SERVICE,
    Role.WAREHOUSE,
    Role.QC,
    Role.LOGISTICS,
    Role.FINANCE,
)
BASE = (datetime.now(UTC) - timedelta(days=10)).replace(microsecond=0)
FOLLOW_UP = (
    "mutation($input: RecordFollowUpInput!) { recordFollowUp(input: $input) {"
    " ticket { status } userErrors { field code message } } }"
)
_keys = itertools.count(1)


async def _follow_up(desk: Desk, number: str, **fields: Any) -> str:
    body = await desk.gql(
        FOLLOW_UP,
        {"input": {"idempotencyKey": f"aw-fu-{next(_keys)}", "ticketNumber": number, **fields}},
        desk.actors[CS],
    )
    payload = body["data"]["recordFollowUp"]
    assert payload["userErrors"] == [], payload
    status: str = payload["ticket"]["status"]
    return status


async def _shipped_order(desk: Desk, number: str, sku: str, price: str) -> str:
    """An order of one unit shipped today and not delivered (for a refused parcel)."""
    sellable = desk.catalogue.bin(ZoneKind.SELLABLE)
    await receive(desk.gql, desk.actors[Role.ADMIN], sku, sellable, 1)
    body = await desk.gql(
        "mutation($input: CreateOrderInput!) { createOrder(input: $input) {"
        " userErrors { code } } }",
        {
            "input": {
                "idempotencyKey": f"order-{number}",
                "number": number,
                "customer": {"name": "+王芳", "phone": "+8613900000002", "address": "北京市"},
                "lines": [{"sku": sku, "quantity": 1, "unitPricePaid": price}],
            }
        },
        desk.actors[Role.PARTNER],
    )
    assert body["data"]["createOrder"]["userErrors"] == [], body
    body = await desk.gql(
        "mutation($input: RecordShipmentInput!) { recordShipment(input: $input) {"
        " userErrors { code message } } }",
        {
            "input": {
                "idempotencyKey": f"ship-{number}",
                "orderNumber": number,
                "waybill": f"SF{number}",
                "courier": "SF",
                "lines": [{"sku": sku, "locationCode": sellable, "quantity": 1}],
            }
        },
        desk.actors[Role.ADMIN],
    )
    assert body["data"]["recordShipment"]["userErrors"] == [], body
    return f"SF{number}"


def _verdict(line: str, quantity: int, passed: bool, grade: str | None, who: str, tags=()):
    return {
        "lineId": line,
        "quantity": quantity,
        "passed": passed,
        "grade": grade,
        "responsibility": who,
        "defectTags": list(tags),
    }


async def _inspected(desk: Desk, number: str, qc: list[dict[str, Any]]) -> dict[str, Any]:
    unpacked = await desk.do("unpackReturn", WH, ticketNumber=number)
    initial = [
        _verdict(line["id"], line["quantityReceived"], True, None, "UNKNOWN")
        for line in unpacked["lines"]
    ]
    await desk.do("recordInspection", WH, ticketNumber=number, stage="INITIAL", results=initial)
    ids = {line["product"]["sku"]: line["id"] for line in unpacked["lines"]}
    results = [{**r, "lineId": ids[r["lineId"]]} for r in qc]
    return await desk.do("recordInspection", QC, ticketNumber=number, stage="QC", results=results)


async def make_world(desk: Desk) -> dict[str, str]:
    """The tickets of the module docstring, by name."""
    await desk.delivered_order("SO-A", [("SKU-1", 2, "99.00"), ("SKU-2", 1, "50.00")])
    await desk.delivered_order("SO-B", [("SKU-1", 1, "99.00")])
    await desk.delivered_order("SO-C", [("SKU-2", 1, "50.00")])
    await desk.delivered_order("SO-D", [("SKU-3", 1, "80.00")])
    t: dict[str, str] = {}

    ticket = await desk.do(
        "requestReturn",
        CS,
        orderNumber="SO-A",
        kind="RETURN",
        reasonCode="QUALITY_DEFECT",
        details='=HYPERLINK("http://evil.example","拉链坏了")',
        lines=[{"sku": "SKU-1", "quantity": 2}, {"sku": "SKU-2", "quantity": 1}],
    )
    t["T1"] = number = ticket["number"]
    await desk.do("approveReturn", CS, ticketNumber=number)
    await desk.do("registerParcel", WH, code=number, courier="YTO", shippingFee="12.50")
    await _inspected(
        desk,
        number,
        [
            _verdict("SKU-1", 1, True, "A", "UNKNOWN"),
            _verdict("SKU-1", 1, False, "C", "PRODUCT", ["SEAM", "STAIN"]),
            _verdict("SKU-2", 1, True, "B", "UNKNOWN"),
        ],
    )
    accepted = await desk.do("decideReturn", CS, ticketNumber=number, decision="ACCEPT")
    assert Decimal(accepted["refundDue"]) == Decimal("248.00"), accepted
    await desk.do("addTicketNote", CS, ticketNumber=number, text="-5 件? 客户说少了一件")
    await desk.do(
        "issueRefund", FIN, ticketNumber=number, amount="100.00", paymentReference="+PAY-1"
    )
    refunded = await desk.do("issueRefund", FIN, ticketNumber=number, amount="148.00")
    assert refunded["status"] == "FOLLOW_UP", refunded["status"]
    status = await _follow_up(
        desk, number, reached=True, satisfaction=5, feedback="@客服 很满意, thanks"
    )
    assert status == "CLOSED"

    ticket = await desk.do(
        "requestReturn",
        CS,
        orderNumber="SO-B",
        kind="RETURN",
        reasonCode="WRONG_SIZE",
        lines=[{"sku": "SKU-1", "quantity": 1}],
    )
    t["T2"] = number = ticket["number"]
    await desk.do("approveReturn", CS, ticketNumber=number)
    await desk.do("registerParcel", WH, code=number, courier="YTO")
    await _inspected(desk, number, [_verdict("SKU-1", 1, False, "C", "CUSTOMER", ["WORN"])])
    await desk.do("decideReturn", CS, ticketNumber=number, decision="REJECT", note="Worn")
    sent = await desk.do(
        "returnToCustomer", LOG, ticketNumber=number, waybill="SF-BACK-B", courier="SF"
    )
    assert sent["status"] == "FOLLOW_UP"
    assert await _follow_up(desk, number, reached=False) == "FOLLOW_UP"

    ticket = await desk.do(
        "requestReturn",
        CS,
        orderNumber="SO-C",
        kind="RETURN",
        reasonCode="CHANGED_MIND",
        lines=[{"sku": "SKU-2", "quantity": 1}],
    )
    t["T3"] = number = ticket["number"]
    await desk.do("declineReturn", CS, ticketNumber=number, code="OTHER", note="No photos")

    ticket = await desk.do(
        "requestReturn",
        CS,
        orderNumber="SO-D",
        kind="EXCHANGE",
        reasonCode="WRONG_SIZE",
        lines=[{"sku": "SKU-3", "quantity": 1, "wantedSku": "SKU-2", "wantedColour": "红"}],
    )
    t["T4"] = number = ticket["number"]
    held = await desk.do("holdTicket", Role.CS_MANAGER, ticketNumber=number, reason="客户出差")
    assert held["status"] == "ON_HOLD"

    waybill = await _shipped_order(desk, "SO-E", "SKU-1", "99.00")
    ticket = await desk.do(
        "recordRefusedParcel",
        LOG,
        waybill=waybill,
        courierPerson="顺丰 王师傅",
        staffPerson="李强",
        shippingFee="8.00",
    )
    t["T5"] = ticket["number"]

    for n, name in enumerate(("T1", "T2", "T3", "T4", "T5")):
        await transaction.execute(
            "UPDATE return_ticket SET created_at = ? WHERE number = ?",
            [BASE + timedelta(days=n), t[name]],
        )
    return t


# --- reading an export -------------------------------------------------------------------


def csv_sheets(body: bytes) -> dict[str, list[list[str]]]:
    """The ZIP's CSV files by name (without .csv), each a list of rows, header first; each
    file must start with the UTF-8 byte-order mark."""
    found: dict[str, list[list[str]]] = {}
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        assert archive.testzip() is None
        for info in archive.infolist():
            assert info.compress_type == zipfile.ZIP_DEFLATED, info.filename
            raw = archive.read(info)
            assert raw.startswith(b"\xef\xbb\xbf"), info.filename
            text = raw[3:].decode("utf-8")
            found[info.filename.removesuffix(".csv")] = list(csv.reader(io.StringIO(text)))
    return found


def xlsx_sheets(body: bytes) -> dict[str, list[list[Any]]]:
    """The workbook's worksheets by title, each a list of rows of cell values (empty cells at
    a row's end read as None, as many as the header has columns)."""
    book = load_workbook(io.BytesIO(body), read_only=True)
    try:
        found: dict[str, list[list[Any]]] = {}
        for ws in book.worksheets:
            rows = [list(row) for row in ws.iter_rows(values_only=True)]
            width = len(rows[0])
            found[ws.title] = [row + [None] * (width - len(row)) for row in rows]
        return found
    finally:
        book.close()


def as_dicts(rows: list[list[Any]]) -> list[dict[str, Any]]:
    header, *data = rows
    return [dict(zip(header, row, strict=True)) for row in data]
