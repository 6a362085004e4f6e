"""One end-to-end API test per flow (issue 3, item 7): ticket status, history, stock by
zone and the ledger afterwards."""

from __future__ import annotations

import struct
import zlib
from decimal import Decimal

import pytest

from backend.domain.auth.roles import Role
from backend.domain.stock.kinds import ZoneKind
from backend.persistence.models import Product, ReturnTicket, StockMovement
from tests.api.ledger_helpers import receive
from tests.api.returns_helpers import (
    Desk,
    document,
    ledger_is_consistent,
    moves,
    on_hand_by_zone,
)
from tests.conftest import test_settings as make_settings

CS, WH, QC, LOG, FIN = (
    Role.CUSTOMER_SERVICE,
    Role.WAREHOUSE,
    Role.QC,
    Role.LOGISTICS,
    Role.FINANCE,
)


@pytest.fixture
def desk(gql, actors, catalogue) -> Desk:
    return Desk(gql, actors, catalogue)


def _results(ticket, *verdicts):
    """Inspection results: one (line index, quantity, passed, grade, responsibility, tags)
    per group."""
    return [
        {
            "lineId": ticket["lines"][line]["id"],
            "quantity": quantity,
            "passed": passed,
            "grade": grade,
            "responsibility": responsibility,
            "defectTags": tags,
        }
        for line, quantity, passed, grade, responsibility, tags in verdicts
    ]


async def test_customer_return_accepted_with_one_good_and_one_defective_unit(desk, gql, actors):
    await desk.delivered_order("SO-R1", [("SKU-1", 2, "99.00")])
    ticket = await desk.do(
        "requestReturn",
        Role.PARTNER,
        orderNumber="SO-R1",
        kind="RETURN",
        reasonCode="QUALITY_DEFECT",
        details="Seam opened after one wash",
        lines=[{"sku": "SKU-1", "quantity": 2}],
        returnWaybill="YT-BACK-1",
        returnCourier="YTO",
    )
    number = ticket["number"]
    assert ticket["status"] == "REQUESTED"
    assert ticket["shippingFeePayer"] == "MERCHANT"  # a quality reason (Art. 24)
    assert ticket["assignee"]["username"] == "customer_service"  # a partner's goes to CS

    await desk.do("approveReturn", CS, ticketNumber=number)
    arrived = await desk.do("registerParcel", WH, code="YT-BACK-1", courier="YTO")
    assert arrived["status"] == "RECEIVED"
    unpacked = await desk.do(
        "unpackReturn",
        WH,
        ticketNumber=number,
        pendingLocationCode=desk.catalogue.bin(ZoneKind.PENDING),
    )
    assert unpacked["status"] == "UNPACKED"
    assert unpacked["label"]["ticketNumber"] == number
    assert unpacked["label"]["customerName"] == "陈晓"
    assert await on_hand_by_zone("SKU-1") == {"PENDING": 2}

    await desk.do(
        "recordInspection",
        WH,
        ticketNumber=number,
        stage="INITIAL",
        results=_results(unpacked, (0, 2, True, None, "UNKNOWN", [])),
    )
    decided_by_qc = await desk.do(
        "recordInspection",
        QC,
        ticketNumber=number,
        stage="QC",
        results=_results(
            unpacked,
            (0, 1, True, "A", "UNKNOWN", []),
            (0, 1, False, "C", "PRODUCT", ["SEAM"]),
        ),
    )
    assert decided_by_qc["status"] == "QC_INSPECTED"
    assert decided_by_qc["lines"][0]["quantityGraded"] == 2
    # Nothing left the pending zone before the decision.
    assert await on_hand_by_zone("SKU-1") == {"PENDING": 2}

    accepted = await desk.do("decideReturn", CS, ticketNumber=number, decision="ACCEPT")
    assert accepted["status"] == "REFUND_PENDING"
    assert Decimal(accepted["refundDue"]) == Decimal("198.00")
    assert await on_hand_by_zone("SKU-1") == {"SELLABLE": 1, "DEFECTIVE": 1}

    partly = await desk.do("issueRefund", FIN, ticketNumber=number, amount="100.00")
    assert partly["status"] == "REFUND_PENDING"
    over = await desk.refused("issueRefund", FIN, ticketNumber=number, amount="98.01")
    assert over["code"] == "REFUND_EXCEEDS_DUE"
    refunded = await desk.do("issueRefund", FIN, ticketNumber=number, amount="98.00")
    assert refunded["status"] == "FOLLOW_UP"  # the follow-up call waits for CS (Art. 25)
    assert Decimal(refunded["refunded"]) == Decimal("198.00")
    assert refunded["lines"][0]["quantityRefunded"] == 2
    closed = await desk.do("closeTicket", CS, ticketNumber=number, reason="Customer satisfied")
    assert closed["status"] == "CLOSED"

    assert moves(closed) == [
        (None, "REQUESTED"),
        ("REQUESTED", "APPROVED"),
        ("APPROVED", "RECEIVED"),
        ("RECEIVED", "UNPACKED"),
        ("UNPACKED", "INITIAL_INSPECTED"),
        ("INITIAL_INSPECTED", "QC_INSPECTED"),
        ("QC_INSPECTED", "REFUND_PENDING"),
        ("REFUND_PENDING", "REFUNDED"),
        ("REFUNDED", "FOLLOW_UP"),
        ("FOLLOW_UP", "CLOSED"),
    ]
    people = {e["action"]: e["actor"]["username"] for e in closed["history"]}
    assert (people["INSPECT_QC"], people["REFUND"]) == ("qc", "finance")
    kinds = sorted(
        (m.kind.value, m.quantity)
        for m in await StockMovement.filter(reference=number, reference_type="TICKET")
    )
    assert kinds == [("MOVE_TO_DEFECTIVE", 1), ("MOVE_TO_PENDING", 2), ("RETURN_TO_STOCK", 1)]
    assert await ledger_is_consistent(gql, actors[Role.ADMIN])


# --- helpers for the flows below ---------------------------------------------------------

ORDER_SHIPMENTS = "query($n: String!) { order(number: $n) { number shipments { waybill } } }"
LEVELS = """
query($sku: String!) { stockLevels(filter: {sku: $sku, includeEmpty: true}) {
  nodes { onHand reserved available location { code } } } }
"""


async def shipped_order(desk, number, lines, *, extra=0):
    """Stock received (plus `extra` units per SKU that stay on the shelf), the order created
    by the partner and shipped today, not delivered. Returns the shipment's waybill."""
    sellable = desk.catalogue.bin(ZoneKind.SELLABLE)
    for sku, quantity, _ in lines:
        await receive(desk.gql, desk.actors[Role.ADMIN], sku, sellable, quantity + extra)
    customer = {"name": "陈晓", "phone": "13800000001", "address": "上海市"}
    order = {
        "idempotencyKey": f"order-{number}",
        "number": number,
        "customer": customer,
        "lines": [{"sku": s, "quantity": q, "unitPricePaid": p} for s, q, p in lines],
    }
    shipment = {
        "idempotencyKey": f"ship-{number}",
        "orderNumber": number,
        "waybill": f"SF{number}",
        "courier": "SF",
        "lines": [{"sku": s, "locationCode": sellable, "quantity": q} for s, q, _ in lines],
    }
    # The partner places the order; the warehouse (here the admin) ships it.
    body = await desk.gql(
        "mutation($input: CreateOrderInput!) { createOrder(input: $input) {"
        " userErrors { code message } } }",
        {"input": order},
        desk.actors[Role.PARTNER],
    )
    assert body["data"]["createOrder"]["userErrors"] == [], body
    body = await desk.gql(
        "mutation($input: RecordShipmentInput!) { recordShipment(input: $input) {"
        " userErrors { code message } } }",
        {"input": shipment},
        desk.actors[Role.ADMIN],
    )
    assert body["data"]["recordShipment"]["userErrors"] == [], body
    return f"SF{number}"


async def unpacked_return(desk, order, sku, quantity, *, reason="QUALITY_DEFECT", price="99.00"):
    """A delivered order, its return applied for by CS, approved, registered and unpacked
    into the first pending bin. Returns the unpacked ticket."""
    await desk.delivered_order(order, [(sku, quantity, price)])
    ticket = await desk.do(
        "requestReturn",
        CS,
        orderNumber=order,
        kind="RETURN",
        reasonCode=reason,
        details="Applied by phone",
        lines=[{"sku": sku, "quantity": quantity}],
    )
    number = ticket["number"]
    await desk.do("approveReturn", CS, ticketNumber=number)
    await desk.do("registerParcel", WH, code=number, courier="YTO")
    return await desk.do("unpackReturn", WH, ticketNumber=number)


async def inspected(desk, ticket, *qc_verdicts):
    """The initial inspection passes every unit; QC gives `qc_verdicts` (see _results)."""
    number = ticket["number"]
    everything = [
        (n, line["quantityReceived"], True, None, "UNKNOWN", [])
        for n, line in enumerate(ticket["lines"])
    ]
    await desk.do(
        "recordInspection",
        WH,
        ticketNumber=number,
        stage="INITIAL",
        results=_results(ticket, *everything),
    )
    return await desk.do(
        "recordInspection",
        QC,
        ticketNumber=number,
        stage="QC",
        results=_results(ticket, *qc_verdicts),
    )


async def ticket_movements(number):
    return sorted(
        (m.kind.value, m.quantity)
        for m in await StockMovement.filter(reference=number, reference_type="TICKET")
    )


MOVEMENTS = """
query($ref: String!) { stockMovements(filter: {reference: $ref}) { nodes {
  id kind quantity product { sku } fromLocation { code } toLocation { code } } } }
"""


async def ledger_lines(gql, actor, reference):
    """The stock movements filed under `reference`, oldest first, as a user lists them."""
    body = await gql(MOVEMENTS, {"ref": reference}, actor)
    nodes = sorted(body["data"]["stockMovements"]["nodes"], key=lambda n: int(n["id"]))
    return [
        (
            n["kind"],
            n["product"]["sku"],
            (n["fromLocation"] or {}).get("code"),
            (n["toLocation"] or {}).get("code"),
            n["quantity"],
        )
        for n in nodes
    ]


def up_to_qc(*steps):
    return [
        (None, "REQUESTED"),
        ("REQUESTED", "APPROVED"),
        ("APPROVED", "RECEIVED"),
        ("RECEIVED", "UNPACKED"),
        ("UNPACKED", "INITIAL_INSPECTED"),
        ("INITIAL_INSPECTED", "QC_INSPECTED"),
        *steps,
    ]


# --- 1. customer return rejected for customer damage --------------------------------------


async def test_customer_return_rejected_for_customer_damage_goes_back_at_the_customers_cost(
    desk, gql, actors
):
    unpacked = await unpacked_return(desk, "SO-REJ", "SKU-1", 1)
    number = unpacked["number"]
    assert unpacked["shippingFeePayer"] == "MERCHANT"  # the customer claimed a defect
    qc = await inspected(desk, unpacked, (0, 1, False, "C", "CUSTOMER", ["WORN"]))
    assert qc["status"] == "QC_INSPECTED"

    no_note = await desk.refused("decideReturn", CS, ticketNumber=number, decision="REJECT")
    assert (no_note["code"], no_note["field"]) == ("REQUIRED", "note")
    rejected = await desk.do(
        "decideReturn", CS, ticketNumber=number, decision="REJECT", note="Worn and washed"
    )
    assert rejected["status"] == "REJECTED"
    assert rejected["shippingFeePayer"] == "CUSTOMER"  # not a quality cause after all
    assert rejected["refundDue"] is None
    # Rejected goods wait in the pending bin until they are sent back.
    assert await on_hand_by_zone("SKU-1") == {"PENDING": 1}

    sent = await desk.do(
        "returnToCustomer", LOG, ticketNumber=number, waybill="SF-BACK-1", courier="SF"
    )
    assert sent["status"] == "FOLLOW_UP"  # the follow-up call waits for CS
    assert sent["shipments"] == [
        {
            "purpose": "BACK_TO_CUSTOMER",
            "status": "SHIPPED",
            "waybill": "SF-BACK-1",
            "orderNumber": None,
        }
    ]
    assert sent["lines"][0]["quantityDispositioned"] == 1
    assert await on_hand_by_zone("SKU-1") == {}
    shipped = await StockMovement.get(reference=number, kind="SHIPMENT")
    assert shipped.from_location_id == desk.catalogue.bins[ZoneKind.PENDING][0].id
    assert shipped.to_location_id is None

    closed = await desk.do("closeTicket", CS, ticketNumber=number, reason="Customer informed")
    assert closed["status"] == "CLOSED"
    assert moves(closed) == up_to_qc(
        ("QC_INSPECTED", "REJECTED"),
        ("REJECTED", "RETURNED_TO_CUSTOMER"),
        ("RETURNED_TO_CUSTOMER", "FOLLOW_UP"),
        ("FOLLOW_UP", "CLOSED"),
    )
    assert closed["refunds"] == []
    assert await ticket_movements(number) == [("MOVE_TO_PENDING", 1), ("SHIPMENT", 1)]
    assert await ledger_is_consistent(gql, actors[Role.ADMIN])


async def test_a_return_without_customer_damage_cannot_be_rejected(desk, gql, actors):
    unpacked = await unpacked_return(desk, "SO-NOREJ", "SKU-1", 2)
    number = unpacked["number"]
    await inspected(
        desk,
        unpacked,
        (0, 1, True, "A", "UNKNOWN", []),
        (0, 1, False, "C", "PRODUCT", ["SEAM"]),
    )
    error = await desk.refused(
        "decideReturn", CS, ticketNumber=number, decision="REJECT", note="Looks used"
    )
    assert error["code"] == "REJECT_NEEDS_CUSTOMER_DAMAGE"
    after = await desk.ticket(number)
    assert after["status"] == "QC_INSPECTED"
    assert after["shippingFeePayer"] == "MERCHANT"
    assert moves(after) == up_to_qc()
    assert await on_hand_by_zone("SKU-1") == {"PENDING": 2}
    assert await ledger_is_consistent(gql, actors[Role.ADMIN])


# --- 2. and 3. undeliverable in transit ---------------------------------------------------


async def test_a_local_undeliverable_parcel_is_reshipped_as_it_is_with_a_new_waybill(
    desk, gql, actors
):
    waybill = await shipped_order(desk, "SO-UL", [("SKU-1", 1, "99.00")])
    assert await on_hand_by_zone("SKU-1") == {}
    ticket = await desk.do("reportUndeliverable", LOG, waybill=waybill, remote=False)
    number = ticket["number"]
    assert (ticket["source"], ticket["remote"], ticket["status"]) == (
        "UNDELIVERABLE",
        False,
        "RECEIVED",
    )
    assert ticket["lines"][0]["product"]["sku"] == "SKU-1"
    assert ticket["inboundWaybills"] == [{"waybill": waybill, "status": "ACTIVE", "replacedBy": ""}]
    again = await desk.refused("reportUndeliverable", LOG, waybill=waybill, remote=False)
    assert again["code"] == "DUPLICATE"  # one ticket per returning parcel
    delivered = await desk.delivered_order("SO-UL-D", [("SKU-1", 1, "99.00")])
    late = await desk.refused("reportUndeliverable", LOG, waybill=delivered, remote=False)
    assert late["code"] == "ALREADY_DELIVERED"  # the customer applies for a return instead

    reshipped = await desk.do(
        "reship", LOG, ticketNumber=number, waybill="SF-AGAIN-1", courier="SF"
    )
    assert reshipped["status"] == "RESHIPPED"
    assert reshipped["shipments"] == [
        {"purpose": "RESHIP", "status": "SHIPPED", "waybill": "SF-AGAIN-1", "orderNumber": None}
    ]
    # The same goods went out again: nothing was booked in or out.
    assert await ticket_movements(number) == []
    assert await on_hand_by_zone("SKU-1") == {}

    closed = await desk.do("closeTicket", LOG, ticketNumber=number)
    assert closed["status"] == "CLOSED"
    assert moves(closed) == [
        (None, "RECEIVED"),
        ("RECEIVED", "RESHIPPED"),
        ("RESHIPPED", "CLOSED"),
    ]
    assert {e["actor"]["username"] for e in closed["history"]} == {"logistics"}
    assert await ledger_is_consistent(gql, actors[Role.ADMIN])


async def test_a_remote_undeliverable_parcel_is_reshipped_from_stock_and_its_waybill_swapped(
    desk, gql, actors
):
    waybill = await shipped_order(desk, "SO-UR", [("SKU-1", 1, "99.00")], extra=1)
    assert await on_hand_by_zone("SKU-1") == {"SELLABLE": 1}
    ticket = await desk.do("reportUndeliverable", LOG, waybill=waybill, remote=True)
    number = ticket["number"]
    assert (ticket["remote"], ticket["status"]) == (True, "REPORTED")

    reshipped = await desk.do("reship", LOG, ticketNumber=number, waybill="SF-NEW-1", courier="SF")
    assert reshipped["status"] == "RESHIPPED"
    # The stranded goods are elsewhere: the same goods leave from the shelf first.
    assert await on_hand_by_zone("SKU-1") == {}
    shipped = await StockMovement.get(reference=number, kind="SHIPMENT")
    assert shipped.from_location_id == desk.catalogue.bins[ZoneKind.SELLABLE][0].id

    back = await desk.do("registerParcel", WH, code=waybill, courier="SF")
    assert back["status"] == "RECEIVED"
    early = await desk.refused("swapWaybill", FIN, ticketNumber=number)
    assert early["code"] == "INVALID_TRANSITION"  # the goods are not back in stock yet
    put_away = await desk.do("putAwayReturn", WH, ticketNumber=number)
    assert put_away["status"] == "PUT_AWAY"
    assert put_away["lines"][0]["quantityDispositioned"] == 1
    assert await on_hand_by_zone("SKU-1") == {"SELLABLE": 1}

    swapped = await desk.do("swapWaybill", FIN, ticketNumber=number, note="Old bill voided")
    assert swapped["status"] == "WAYBILL_SWAPPED"
    assert swapped["inboundWaybills"] == [
        {"waybill": waybill, "status": "VOIDED", "replacedBy": "SF-NEW-1"}
    ]
    # The original order keeps its shipment and tracking number (saleor#17712).
    order = await gql(ORDER_SHIPMENTS, {"n": "SO-UR"}, actors[Role.ADMIN])
    assert order["data"]["order"]["shipments"] == [{"waybill": waybill}]

    closed = await desk.do("closeTicket", FIN, ticketNumber=number)
    assert closed["status"] == "CLOSED"
    assert moves(closed) == [
        (None, "REPORTED"),
        ("REPORTED", "RESHIPPED"),
        ("RESHIPPED", "RECEIVED"),
        ("RECEIVED", "PUT_AWAY"),
        ("PUT_AWAY", "WAYBILL_SWAPPED"),
        ("WAYBILL_SWAPPED", "CLOSED"),
    ]
    people = {e["action"]: e["actor"]["username"] for e in closed["history"]}
    assert (people["SWAP_WAYBILL"], people["PUT_AWAY"]) == ("finance", "warehouse")
    assert await ticket_movements(number) == [("RETURN_TO_STOCK", 1), ("SHIPMENT", 1)]
    assert await ledger_is_consistent(gql, actors[Role.ADMIN])


# --- 4. refused parcel --------------------------------------------------------------------


async def test_a_refused_parcel_is_inspected_put_away_by_grade_and_refunded_less_shipping(
    desk, gql, actors
):
    waybill = await shipped_order(desk, "SO-RF", [("SKU-1", 2, "99.00")])
    missing = await desk.refused(
        "recordRefusedParcel", LOG, waybill=waybill, courierPerson="顺丰 王师傅", staffPerson=" "
    )
    assert (missing["code"], missing["field"]) == ("REQUIRED", "staffPerson")
    missing = await desk.refused(
        "recordRefusedParcel", LOG, waybill=waybill, courierPerson="", staffPerson="李强"
    )
    assert (missing["code"], missing["field"]) == ("REQUIRED", "courierPerson")

    ticket = await desk.do(
        "recordRefusedParcel",
        LOG,
        waybill=waybill,
        courierPerson="顺丰 王师傅",
        staffPerson="李强",
        shippingFee="12.00",
    )
    number = ticket["number"]
    assert (ticket["source"], ticket["status"]) == ("REFUSED", "RECEIVED")
    assert ticket["shippingFeePayer"] == "CUSTOMER"  # a refusal is not a quality cause
    assert Decimal(ticket["shippingFee"]) == Decimal("12.00")
    refused = await gql(
        "query($n: String) { returnTicket(number: $n) {"
        " handoverCourierPerson handoverStaffPerson } }",
        {"n": number},
        actors[Role.ADMIN],
    )
    assert refused["data"]["returnTicket"] == {
        "handoverCourierPerson": "顺丰 王师傅",
        "handoverStaffPerson": "李强",
    }

    unpacked = await desk.do("unpackReturn", WH, ticketNumber=number)
    assert unpacked["status"] == "UNPACKED"
    assert await on_hand_by_zone("SKU-1") == {"PENDING": 2}
    qc = await inspected(
        desk,
        unpacked,
        (0, 1, True, "A", "UNKNOWN", []),
        (0, 1, False, "B", "UNKNOWN", ["PACKAGING"]),
    )
    assert qc["status"] == "QC_INSPECTED"

    put_away = await desk.do("putAwayReturn", WH, ticketNumber=number)
    assert put_away["status"] == "REFUND_PENDING"
    assert await on_hand_by_zone("SKU-1") == {"SELLABLE": 1, "REWORK": 1}
    # Two units at 99.00, less the 12.00 the customer pays for sending them back.
    assert Decimal(put_away["refundDue"]) == Decimal("186.00")

    refunded = await desk.do(
        "issueRefund", FIN, ticketNumber=number, amount="186.00", paymentReference="PAY-1"
    )
    assert refunded["status"] == "REFUNDED"
    assert [Decimal(r["amount"]) for r in refunded["refunds"]] == [Decimal("186.00")]
    closed = await desk.do("closeTicket", CS, ticketNumber=number)
    assert closed["status"] == "CLOSED"
    assert moves(closed) == [
        (None, "RECEIVED"),
        ("RECEIVED", "UNPACKED"),
        ("UNPACKED", "INITIAL_INSPECTED"),
        ("INITIAL_INSPECTED", "QC_INSPECTED"),
        ("QC_INSPECTED", "REFUND_PENDING"),
        ("REFUND_PENDING", "REFUNDED"),
        ("REFUNDED", "CLOSED"),
    ]
    first = closed["history"][0]
    assert first["actor"]["username"] == "logistics"
    assert (first["detail"]["courierPerson"], first["detail"]["staffPerson"]) == (
        "顺丰 王师傅",
        "李强",
    )
    assert await ticket_movements(number) == [
        ("MOVE_TO_PENDING", 2),
        ("MOVE_TO_REWORK", 1),
        ("RETURN_TO_STOCK", 1),
    ]
    assert await ledger_is_consistent(gql, actors[Role.ADMIN])


# --- 5. exchange for another colour -------------------------------------------------------


@pytest.fixture
async def red_tee(desk, catalogue):
    """SKU-1 in red: same model, style and size; one unit on the shelf."""
    await Product.create(
        sku="SKU-1-RED",
        name_zh="商品1 红色",
        name_en="Product 1 red",
        model="M1",
        style="Tee",
        colour="红色",
        size="M",
        category_id=catalogue.products[0].category_id,
        unit_price=Decimal("99.00"),
    )
    await receive(
        desk.gql, desk.actors[Role.ADMIN], "SKU-1-RED", catalogue.bin(ZoneKind.SELLABLE), 1
    )


async def levels(gql, actor, sku):
    body = await gql(LEVELS, {"sku": sku}, actor)
    return [
        (n["location"]["code"], n["onHand"], n["reserved"])
        for n in body["data"]["stockLevels"]["nodes"]
    ]


async def test_an_exchange_for_another_colour_ships_the_reserved_replacement(
    desk, gql, actors, red_tee
):
    admin = actors[Role.ADMIN]
    shelf = desk.catalogue.bin(ZoneKind.SELLABLE)
    await desk.delivered_order("SO-EX", [("SKU-1", 1, "99.00")])
    ticket = await desk.do(
        "requestReturn",
        CS,
        orderNumber="SO-EX",
        kind="EXCHANGE",
        reasonCode="CHANGED_MIND",
        details="Wants it in red",
        lines=[{"sku": "SKU-1", "quantity": 1, "wantedColour": "红色"}],
    )
    number = ticket["number"]
    assert ticket["kind"] == "EXCHANGE"
    assert ticket["lines"][0]["wantedProduct"] == {"sku": "SKU-1-RED"}
    assert ticket["shippingFeePayer"] == "CUSTOMER"

    approved = await desk.do("approveReturn", CS, ticketNumber=number)
    assert approved["status"] == "APPROVED"
    assert approved["replacementReserved"] is True
    assert await levels(gql, admin, "SKU-1-RED") == [(shelf, 1, 1)]

    await desk.do("registerParcel", WH, code=number)
    unpacked = await desk.do("unpackReturn", WH, ticketNumber=number)
    assert unpacked["status"] == "UNPACKED"
    assert "红色" in unpacked["label"]["exchangeNeed"]
    assert "SKU-1-RED" in unpacked["label"]["exchangeNeed"]

    ordered = await desk.do("createReplacementOrder", CS, ticketNumber=number)
    assert ordered["status"] == "UNPACKED"  # a record of its own, not a status move
    assert ordered["shipments"] == [
        {"purpose": "REPLACEMENT", "status": "OPEN", "waybill": None, "orderNumber": f"{number}-R"}
    ]
    twice = await desk.refused("createReplacementOrder", CS, ticketNumber=number)
    assert twice["code"] == "DUPLICATE"
    early = await desk.refused("closeTicket", CS, ticketNumber=number)
    assert early["code"] == "INVALID_TRANSITION"  # the flow does not allow closing yet

    await inspected(desk, unpacked, (0, 1, True, "A", "UNKNOWN", []))
    accepted = await desk.do("decideReturn", CS, ticketNumber=number, decision="ACCEPT")
    assert accepted["status"] == "PUT_AWAY"  # waits for the replacement to ship
    assert accepted["refundDue"] is None  # an exchange refunds nothing
    assert await on_hand_by_zone("SKU-1") == {"SELLABLE": 1}
    assert await on_hand_by_zone("SKU-1-RED") == {"SELLABLE": 1}

    shipped = await desk.do(
        "shipReplacement",
        WH,
        ticketNumber=number,
        waybill="SF-RED-1",
        courier="SF",
        note="Gift wrapped",
    )
    assert shipped["status"] == "FOLLOW_UP"  # both halves done: the follow-up call is due
    sent = [e for e in shipped["history"] if e["action"] == "SHIP_REPLACEMENT"]
    assert [e["detail"]["note"] for e in sent] == ["Gift wrapped"]
    assert shipped["shipments"] == [
        {
            "purpose": "REPLACEMENT",
            "status": "SHIPPED",
            "waybill": "SF-RED-1",
            "orderNumber": f"{number}-R",
        }
    ]
    assert await on_hand_by_zone("SKU-1-RED") == {}
    assert await levels(gql, admin, "SKU-1-RED") == [(shelf, 0, 0)]
    replacement = await gql(ORDER_SHIPMENTS, {"n": f"{number}-R"}, admin)
    assert replacement["data"]["order"]["shipments"] == [{"waybill": "SF-RED-1"}]

    closed = await desk.do("closeTicket", CS, ticketNumber=number, reason="Happy with red")
    assert closed["status"] == "CLOSED"
    assert moves(closed) == up_to_qc(
        ("QC_INSPECTED", "PUT_AWAY"),
        ("PUT_AWAY", "FOLLOW_UP"),
        ("FOLLOW_UP", "CLOSED"),
    )
    actions = [e["action"] for e in closed["history"]]
    assert actions.index("CREATE_REPLACEMENT") < actions.index("SHIP_REPLACEMENT")
    # The ledger under the ticket's number: the original in and back to stock, the
    # reserved replacement out of the shelf it was held on.
    pending = desk.catalogue.bin(ZoneKind.PENDING)
    assert await ledger_lines(gql, admin, number) == [
        ("MOVE_TO_PENDING", "SKU-1", None, pending, 1),
        ("RETURN_TO_STOCK", "SKU-1", pending, shelf, 1),
        ("SHIPMENT", "SKU-1-RED", shelf, None, 1),
    ]
    assert await ledger_is_consistent(gql, admin)


async def test_a_rejected_exchange_cancels_its_replacement_and_lets_go_of_its_stock(
    desk, gql, actors, red_tee
):
    """The replacement order was created but had not shipped when QC found customer damage:
    the replacement is cancelled, the unit held for it is free again, and the case closes."""
    admin = actors[Role.ADMIN]
    await desk.delivered_order("SO-EXR", [("SKU-1", 1, "99.00")])
    ticket = await desk.do(
        "requestReturn",
        CS,
        orderNumber="SO-EXR",
        kind="EXCHANGE",
        reasonCode="WRONG_SIZE",
        lines=[{"sku": "SKU-1", "quantity": 1, "wantedSku": "SKU-1-RED"}],
    )
    number = ticket["number"]
    await desk.do("approveReturn", CS, ticketNumber=number)
    await desk.do("registerParcel", WH, code=number)
    unpacked = await desk.do("unpackReturn", WH, ticketNumber=number)
    await desk.do("createReplacementOrder", CS, ticketNumber=number)
    assert await levels(gql, admin, "SKU-1-RED") == [(desk.catalogue.bin(ZoneKind.SELLABLE), 1, 1)]
    await inspected(desk, unpacked, (0, 1, False, "C", "CUSTOMER", ["STAIN"]))
    rejected = await desk.do(
        "decideReturn", CS, ticketNumber=number, decision="REJECT", note="Stained"
    )
    assert rejected["replacementReserved"] is False
    assert await levels(gql, admin, "SKU-1-RED") == [(desk.catalogue.bin(ZoneKind.SELLABLE), 1, 0)]
    late = await desk.refused(
        "shipReplacement", WH, ticketNumber=number, waybill="SF-LATE", courier="SF"
    )
    assert late["code"] == "DUPLICATE"  # the replacement is CANCELLED
    sent = await desk.do(
        "returnToCustomer", WH, ticketNumber=number, waybill="SF-BACK-X", courier="SF"
    )
    assert sent["status"] == "FOLLOW_UP"
    assert {(s["purpose"], s["status"]) for s in sent["shipments"]} == {
        ("REPLACEMENT", "CANCELLED"),
        ("BACK_TO_CUSTOMER", "SHIPPED"),
    }
    closed = await desk.do("closeTicket", CS, ticketNumber=number)
    assert moves(closed) == up_to_qc(
        ("QC_INSPECTED", "REJECTED"),
        ("REJECTED", "RETURNED_TO_CUSTOMER"),
        ("RETURNED_TO_CUSTOMER", "FOLLOW_UP"),
        ("FOLLOW_UP", "CLOSED"),
    )
    assert await on_hand_by_zone("SKU-1") == {}
    assert await ledger_is_consistent(gql, admin)


# --- 6. a parcel nobody applied for -------------------------------------------------------


async def test_an_unexpected_parcel_is_an_exception_that_cs_links_to_its_application(
    desk, gql, actors
):
    parcel = await desk.call(
        "registerParcel",
        WH,
        code="ZTO-STRAY-1",
        courier="ZTO",
        lines=[{"sku": "SKU-2", "quantity": 1}],
        note="No slip inside",
    )
    assert parcel["userErrors"] == []
    assert parcel["exception"] is True
    stray = parcel["ticket"]
    assert (stray["source"], stray["status"]) == ("EXCEPTION", "EXCEPTION")
    assert stray["assignee"]["username"] == "customer_service"
    assert [(line["product"]["sku"], line["quantity"]) for line in stray["lines"]] == [("SKU-2", 1)]
    assert await on_hand_by_zone("SKU-2") == {}  # registered, never booked into stock
    assert await ticket_movements(stray["number"]) == []

    await desk.delivered_order("SO-LINK", [("SKU-2", 1, "59.00")])
    application = await desk.do(
        "requestReturn",
        CS,
        orderNumber="SO-LINK",
        kind="RETURN",
        reasonCode="CHANGED_MIND",
        lines=[{"sku": "SKU-2", "quantity": 1}],
    )
    early = await desk.refused(
        "linkExceptionParcel",
        CS,
        ticketNumber=stray["number"],
        applicationNumber=application["number"],
    )
    assert early["code"] == "INVALID_TRANSITION"  # not approved yet: nothing to receive
    await desk.do("approveReturn", CS, ticketNumber=application["number"])

    linked = await desk.do(
        "linkExceptionParcel",
        CS,
        ticketNumber=stray["number"],
        applicationNumber=application["number"],
        note="Customer called: it is hers",
    )
    assert linked["status"] == "CLOSED"
    assert linked["inboundWaybills"] == [
        {"waybill": "ZTO-STRAY-1", "status": "VOIDED", "replacedBy": application["number"]}
    ]
    assert moves(linked) == [(None, "EXCEPTION"), ("EXCEPTION", "CLOSED")]
    received = await desk.ticket(application["number"])
    assert received["status"] == "RECEIVED"
    assert received["inboundWaybills"] == [
        {"waybill": "ZTO-STRAY-1", "status": "ACTIVE", "replacedBy": ""}
    ]
    assert moves(received) == [
        (None, "REQUESTED"),
        ("REQUESTED", "APPROVED"),
        ("APPROVED", "RECEIVED"),
    ]
    assert received["history"][-1]["detail"]["linkedFrom"] == stray["number"]
    assert await on_hand_by_zone("SKU-2") == {}
    assert await ledger_is_consistent(gql, actors[Role.ADMIN])


async def test_an_unexpected_parcel_can_be_sent_back_and_closed(desk, gql, actors):
    parcel = await desk.call(
        "registerParcel", LOG, code="ZTO-STRAY-2", lines=[{"sku": "SKU-3", "quantity": 2}]
    )
    assert parcel["exception"] is True
    number = parcel["ticket"]["number"]
    sent = await desk.do(
        "returnToCustomer", LOG, ticketNumber=number, waybill="ZTO-BACK-2", courier="ZTO"
    )
    assert sent["status"] == "RETURNED_TO_CUSTOMER"
    assert sent["shipments"] == [
        {
            "purpose": "BACK_TO_CUSTOMER",
            "status": "SHIPPED",
            "waybill": "ZTO-BACK-2",
            "orderNumber": None,
        }
    ]
    closed = await desk.do("closeTicket", CS, ticketNumber=number)
    assert closed["status"] == "CLOSED"
    assert moves(closed) == [
        (None, "EXCEPTION"),
        ("EXCEPTION", "RETURNED_TO_CUSTOMER"),
        ("RETURNED_TO_CUSTOMER", "CLOSED"),
    ]
    # The parcel was never booked in, so nothing is booked out either.
    assert await ticket_movements(number) == []
    assert await on_hand_by_zone("SKU-3") == {}
    assert await ledger_is_consistent(gql, actors[Role.ADMIN])


# --- 7. and 8. applications refused outright (Art. 26) ------------------------------------


async def test_an_application_past_the_window_needs_customer_service_and_a_reason(
    desk, gql, actors
):
    await desk.delivered_order("SO-LATE", [("SKU-1", 1, "99.00")], days_ago=30)
    application = {
        "orderNumber": "SO-LATE",
        "kind": "RETURN",
        "reasonCode": "QUALITY_DEFECT",
        "lines": [{"sku": "SKU-1", "quantity": 1}],
    }
    late = await desk.refused("requestReturn", CS, **application)
    assert late["code"] == "WINDOW_EXPIRED"
    assert await ReturnTicket.all().count() == 0  # nothing written
    partner = await desk.refused(
        "requestReturn", Role.PARTNER, windowOverrideReason="VIP customer", **application
    )
    assert (partner["code"], partner["field"]) == ("NOT_ALLOWED", "windowOverrideReason")
    assert await ReturnTicket.all().count() == 0

    ticket = await desk.do(
        "requestReturn", CS, windowOverrideReason="Was abroad; manager agreed", **application
    )
    assert ticket["status"] == "REQUESTED"
    assert ticket["windowOverrideReason"] == "Was abroad; manager agreed"
    assert ticket["history"][0]["detail"]["windowOverridden"] is True
    assert ticket["history"][0]["actor"]["username"] == "customer_service"
    assert moves(ticket) == [(None, "REQUESTED")]
    assert await on_hand_by_zone("SKU-1") == {}
    assert await ledger_is_consistent(gql, actors[Role.ADMIN])


async def test_an_application_without_reason_or_products_is_refused_and_writes_nothing(
    desk, gql, actors
):
    await desk.delivered_order("SO-BARE", [("SKU-1", 1, "99.00")])
    base = {"orderNumber": "SO-BARE", "kind": "RETURN"}
    no_reason = await desk.refused(
        "requestReturn", CS, reasonCode=" ", lines=[{"sku": "SKU-1", "quantity": 1}], **base
    )
    assert (no_reason["code"], no_reason["field"]) == ("MISSING_DETAILS", "reasonCode")
    no_lines = await desk.refused(
        "requestReturn", Role.PARTNER, reasonCode="CHANGED_MIND", lines=[], **base
    )
    assert (no_lines["code"], no_lines["field"]) == ("MISSING_DETAILS", "lines")
    no_wish = await desk.refused(
        "requestReturn",
        CS,
        orderNumber="SO-BARE",
        kind="EXCHANGE",
        reasonCode="WRONG_SIZE",
        lines=[{"sku": "SKU-1", "quantity": 1}],
    )
    assert (no_wish["code"], no_wish["field"]) == ("MISSING_DETAILS", "lines.0")
    assert await ReturnTicket.all().count() == 0
    assert await ledger_is_consistent(gql, actors[Role.ADMIN])


async def test_a_declined_application_is_reopened_by_a_manager_not_by_customer_service(
    desk, gql, actors
):
    await desk.delivered_order("SO-DECL", [("SKU-1", 1, "99.00")])
    ticket = await desk.do(
        "requestReturn",
        Role.PARTNER,
        orderNumber="SO-DECL",
        kind="RETURN",
        reasonCode="QUALITY_DEFECT",
        lines=[{"sku": "SKU-1", "quantity": 1}],
    )
    number = ticket["number"]
    declined = await desk.do(
        "declineReturn", CS, ticketNumber=number, code="MISSING_DETAILS", note="No photos"
    )
    assert declined["status"] == "DECLINED"
    assert declined["declineCode"] == "MISSING_DETAILS"
    assert declined["allowedActions"] == ["REOPEN"]

    body = await gql(
        document("reopenTicket"),
        {"input": {"idempotencyKey": "reopen-cs", "ticketNumber": number, "reason": "Photos"}},
        actors[CS],
    )
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    assert (await desk.ticket(number))["status"] == "DECLINED"

    no_reason = await desk.refused("reopenTicket", Role.CS_MANAGER, ticketNumber=number)
    assert (no_reason["code"], no_reason["field"]) == ("REQUIRED", "reason")
    reopened = await desk.do(
        "reopenTicket", Role.CS_MANAGER, ticketNumber=number, reason="Photos arrived by mail"
    )
    assert reopened["status"] == "REQUESTED"  # back where it was declined from
    assert moves(reopened) == [
        (None, "REQUESTED"),
        ("REQUESTED", "DECLINED"),
        ("DECLINED", "REQUESTED"),
    ]
    assert reopened["history"][-1]["actor"]["username"] == "cs_manager"
    approved = await desk.do("approveReturn", CS, ticketNumber=number)
    assert approved["status"] == "APPROVED"
    assert await on_hand_by_zone("SKU-1") == {}
    assert await ledger_is_consistent(gql, actors[Role.ADMIN])


# --- 9. courier damage --------------------------------------------------------------------


@pytest.fixture
def settings(tmp_path):
    """Photos uploaded in these tests land in the test's own folder."""
    return make_settings(photo_dir=tmp_path / "photos")


def png() -> bytes:
    """A valid 1x1 PNG, built by hand."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xc8\x1e\x1e"))
        + chunk(b"IEND", b"")
    )


async def test_courier_damage_goes_to_a_claim_with_photos_that_finance_settles(
    desk, gql, actors, client
):
    await desk.delivered_order("SO-CLAIM", [("SKU-1", 1, "99.00")])
    ticket = await desk.do(
        "requestReturn",
        CS,
        orderNumber="SO-CLAIM",
        kind="RETURN",
        reasonCode="DAMAGED_IN_TRANSIT",
        lines=[{"sku": "SKU-1", "quantity": 1}],
        returnWaybill="YT-CLAIM-1",
        returnCourier="YTO",
    )
    number = ticket["number"]
    await desk.do("approveReturn", CS, ticketNumber=number)
    await desk.do("registerParcel", WH, code="YT-CLAIM-1")
    unpacked = await desk.do("unpackReturn", WH, ticketNumber=number)
    await desk.do(
        "recordInspection",
        WH,
        ticketNumber=number,
        stage="INITIAL",
        results=_results(unpacked, (0, 1, False, None, "UNKNOWN", ["TEAR"])),
    )
    upload = await client.post(
        "/photos",
        content=png(),
        headers={"Content-Type": "image/png", **actors[QC].headers},
    )
    assert upload.status_code == 201, upload.text
    photo = upload.json()["sha256"]
    claim = {"ticketNumber": number, "amountClaimed": "80.00", "description": "Box crushed"}

    nobody_blamed = await desk.refused("openCourierClaim", LOG, photos=[photo], **claim)
    assert nobody_blamed["code"] == "NO_COURIER_DAMAGE"

    await desk.do(
        "recordInspection",
        QC,
        ticketNumber=number,
        stage="QC",
        results=[
            {
                "lineId": unpacked["lines"][0]["id"],
                "quantity": 1,
                "passed": False,
                "grade": "C",
                "responsibility": "COURIER",
                "defectTags": ["TEAR", "PACKAGING"],
                "photos": [photo],
            }
        ],
    )
    no_photo = await desk.refused("openCourierClaim", LOG, photos=[], **claim)
    assert (no_photo["code"], no_photo["field"]) == ("REQUIRED", "photos")
    opened = await desk.do("openCourierClaim", LOG, photos=[photo], **claim)
    [open_claim] = opened["courierClaims"]
    assert open_claim["status"] == "OPEN"
    assert Decimal(open_claim["amountClaimed"]) == Decimal("80.00")
    claimed = await gql(
        "query($n: String) { returnTicket(number: $n) {"
        " courierClaims { courier waybill photos } } }",
        {"n": number},
        actors[FIN],
    )
    assert claimed["data"]["returnTicket"]["courierClaims"] == [
        {"courier": "YTO", "waybill": "YT-CLAIM-1", "photos": [photo]}
    ]

    too_much = await desk.refused(
        "settleCourierClaim", FIN, claimId=open_claim["id"], amountSettled="80.01"
    )
    assert (too_much["code"], too_much["field"]) == ("EXCEEDS_CLAIM", "amountSettled")
    settled = await desk.do(
        "settleCourierClaim", FIN, claimId=open_claim["id"], amountSettled="50.00"
    )
    [done] = settled["courierClaims"]
    assert (done["status"], Decimal(done["amountSettled"])) == ("SETTLED", Decimal("50.00"))
    again = await desk.refused(
        "settleCourierClaim", FIN, claimId=open_claim["id"], amountSettled="10.00"
    )
    assert (again["code"], again["field"]) == ("CLAIM_CLOSED", "claimId")
    assert (await desk.ticket(number))["courierClaims"][0]["amountSettled"] == done["amountSettled"]

    after = await desk.ticket(number)
    assert after["status"] == "QC_INSPECTED"  # the claim is money; the goods wait for CS
    assert moves(after) == up_to_qc()
    steps = [e["action"] for e in after["history"] if e["toStatus"] is None]
    assert steps == ["OPEN_CLAIM", "SETTLE_CLAIM"]
    assert await on_hand_by_zone("SKU-1") == {"PENDING": 1}
    assert await ledger_is_consistent(gql, actors[Role.ADMIN])


# --- retries and moves out of turn --------------------------------------------------------


async def test_a_retried_unpack_is_replayed_and_books_nothing_twice(desk, gql, actors):
    await desk.delivered_order("SO-RETRY", [("SKU-1", 2, "99.00")])
    ticket = await desk.do(
        "requestReturn",
        CS,
        orderNumber="SO-RETRY",
        kind="RETURN",
        reasonCode="QUALITY_DEFECT",
        lines=[{"sku": "SKU-1", "quantity": 2}],
    )
    number = ticket["number"]
    await desk.do("approveReturn", CS, ticketNumber=number)
    await desk.do("registerParcel", WH, code=number)
    pending = desk.catalogue.bin(ZoneKind.PENDING, 1)
    first = await desk.call(
        "unpackReturn", WH, key="unpack-once", ticketNumber=number, pendingLocationCode=pending
    )
    assert (first["userErrors"], first["replayed"]) == ([], False)
    assert await on_hand_by_zone("SKU-1") == {"PENDING": 2}

    again = await desk.call(
        "unpackReturn", WH, key="unpack-once", ticketNumber=number, pendingLocationCode=pending
    )
    assert (again["userErrors"], again["replayed"]) == ([], True)
    assert again["ticket"]["status"] == "UNPACKED"
    assert again["ticket"]["pendingLocationCode"] == pending
    assert await on_hand_by_zone("SKU-1") == {"PENDING": 2}
    assert await ticket_movements(number) == [("MOVE_TO_PENDING", 2)]

    other = await desk.call("unpackReturn", WH, key="unpack-once", ticketNumber=number)
    assert [e["code"] for e in other["userErrors"]] == ["IDEMPOTENCY_KEY_REUSED"]
    after = await desk.ticket(number)
    assert moves(after) == [
        (None, "REQUESTED"),
        ("REQUESTED", "APPROVED"),
        ("APPROVED", "RECEIVED"),
        ("RECEIVED", "UNPACKED"),
    ]
    assert await ledger_is_consistent(gql, actors[Role.ADMIN])


async def test_a_step_out_of_turn_names_the_state_and_the_allowed_moves(desk, gql, actors):
    unpacked = await unpacked_return(desk, "SO-TURN", "SKU-1", 1)
    number = unpacked["number"]
    error = await desk.refused(
        "recordInspection",
        QC,
        ticketNumber=number,
        stage="QC",
        results=_results(unpacked, (0, 1, True, "A", "UNKNOWN", [])),
    )
    assert error["code"] == "INVALID_TRANSITION"
    assert "UNPACKED" in error["message"]
    assert "INSPECT_INITIAL" in error["message"]
    assert "HOLD" in error["message"]
    after = await desk.ticket(number)
    assert after["status"] == "UNPACKED"
    assert after["inspections"] == []
    assert after["allowedActions"] == ["INSPECT_INITIAL", "HOLD"]
    assert await on_hand_by_zone("SKU-1") == {"PENDING": 1}
    assert await ledger_is_consistent(gql, actors[Role.ADMIN])


async def test_a_withdrawn_application_is_not_reopened_over_a_newer_one(desk):
    await desk.delivered_order("SO-RO", [("SKU-1", 2, "99.00")])
    application = {
        "orderNumber": "SO-RO",
        "kind": "RETURN",
        "reasonCode": "CHANGED_MIND",
        "lines": [{"sku": "SKU-1", "quantity": 2}],
    }
    first = await desk.do("requestReturn", CS, **application)
    await desk.do("cancelTicket", CS, ticketNumber=first["number"], reason="Customer withdrew")
    await desk.do("requestReturn", CS, **application)  # the same units, applied for again
    refused = await desk.refused(
        "reopenTicket", Role.CS_MANAGER, ticketNumber=first["number"], reason="Mistake"
    )
    assert refused["code"] == "OVER_RETURNED"
    assert (await desk.ticket(first["number"]))["status"] == "CANCELLED"


async def test_a_delivered_parcel_cannot_be_recorded_as_refused(desk):
    waybill = await desk.delivered_order("SO-RD", [("SKU-1", 1, "99.00")])
    refused = await desk.refused(
        "recordRefusedParcel", LOG, waybill=waybill, courierPerson="吴", staffPerson="陈"
    )
    assert refused["code"] == "ALREADY_DELIVERED"
