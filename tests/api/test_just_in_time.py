"""Just-in-time supply (issue 5, item 5): a supplier's stated availability, the purchase
request an order or an exchange makes instead of a stock reservation, and its life until
the supplier ships it (or customer service cancels it).

JIT-1 and JIT-2 (120.00) come from SUP-JIT, whose partner account is the SUPPLIER
partner; OTHER-1 comes from SUP-OTHER. SKU-1..3 are stocked products."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from backend.domain.auth.roles import Role
from backend.domain.stock.kinds import SupplyMode, ZoneKind
from backend.persistence import models as m
from tests.api.ledger_helpers import receive
from tests.api.returns_helpers import Desk
from tests.conftest import Actor, signed_in_user

CS, WH, QC, LOG = Role.CUSTOMER_SERVICE, Role.WAREHOUSE, Role.QC, Role.LOGISTICS
_keys = itertools.count(1)

REQUEST = """number status source quantity covered orderNumber ticketNumber courier waybill
  note shippedAt cancelledAt product { sku } supplier { code } createdBy { username }"""
SET = """
mutation($input: SetSupplierAvailabilityInput!) { setSupplierAvailability(input: $input) {
  supplierAvailability { supplier { code } items { product { sku } available } }
  replayed userErrors { field code message } } }
"""
AVAILABILITY = """
query($s: String!) { supplierAvailability(supplierCode: $s) {
  items { product { sku } available updatedBy { username } } } }
"""
SHIPPED = f"""
mutation($input: MarkPurchaseRequestShippedInput!) {{ markPurchaseRequestShipped(input: $input) {{
  purchaseRequest {{ {REQUEST} }} replayed userErrors {{ field code message }} }} }}
"""
CANCEL = f"""
mutation($input: CancelPurchaseRequestInput!) {{ cancelPurchaseRequest(input: $input) {{
  purchaseRequest {{ {REQUEST} }} replayed userErrors {{ field code message }} }} }}
"""
ORDER = f"""
mutation($input: CreateOrderInput!) {{ createOrder(input: $input) {{
  order {{ number purchaseRequests {{ {REQUEST} }} }} replayed userErrors {{ code message }} }} }}
"""
LIST = f"""
query($status: PurchaseRequestStatus, $s: String) {{
  purchaseRequests(status: $status, supplierCode: $s) {{ nodes {{ {REQUEST} }} }} }}
"""
ONE = f"query($n: String!) {{ purchaseRequest(number: $n) {{ {REQUEST} }} }}"


@pytest.fixture
async def supplier(db, password_hash, catalogue) -> Actor:
    """The supplier's partner account, signed in."""
    partner = await m.Partner.create(code="SUPPLIER", name="Hangzhou Weaving system")
    jit = await m.Supplier.create(code="SUP-JIT", name="Hangzhou Weaving", partner=partner)
    other = await m.Supplier.create(code="SUP-OTHER", name="Elsewhere")
    for sku, source in (("JIT-1", jit), ("JIT-2", jit), ("OTHER-1", other)):
        await m.Product.create(
            sku=sku,
            name_zh=sku,
            name_en=sku,
            category_id=catalogue.products[0].category_id,
            unit_price=Decimal("120.00"),
            supply_mode=SupplyMode.JUST_IN_TIME,
            supplier=source,
        )
    return await signed_in_user("supplier", Role.PARTNER, password_hash, partner)


async def _call(gql, document: str, actor: Actor, key: str | None = None, **fields: Any):
    body = await gql(
        document, {"input": {"idempotencyKey": key or f"jit-{next(_keys)}", **fields}}, actor
    )
    assert "errors" not in body, body
    payload: dict[str, Any] = next(iter(body["data"].values()))
    return payload


async def _available(gql, actor: Actor) -> dict[str, int]:
    body = await gql(AVAILABILITY, {"s": "SUP-JIT"}, actor)
    assert "errors" not in body, body
    items = body["data"]["supplierAvailability"]["items"]
    return {item["product"]["sku"]: item["available"] for item in items}


async def _state(gql, supplier: Actor, available: int) -> None:
    payload = await _call(
        gql, SET, supplier, supplierCode="SUP-JIT", items=[{"sku": "JIT-1", "available": available}]
    )
    assert payload["userErrors"] == [], payload


async def _order(gql, actor: Actor, number: str, lines: list[tuple[str, int]]) -> dict[str, Any]:
    payload = await _call(
        gql,
        ORDER,
        actor,
        key=f"order-{number}",
        number=number,
        customer={"name": "陈晓", "phone": "13800000001", "address": "上海市"},
        lines=[{"sku": sku, "quantity": q, "unitPricePaid": "120.00"} for sku, q in lines],
    )
    assert payload["userErrors"] == [], payload
    order: dict[str, Any] = payload["order"]
    return order


# --- availability --------------------------------------------------------------------------


async def test_the_suppliers_partner_states_its_availability(gql, actors, supplier):
    payload = await _call(
        gql,
        SET,
        supplier,
        key="avail-1",
        supplierCode="SUP-JIT",
        items=[{"sku": "JIT-1", "available": 5}, {"sku": "JIT-2", "available": 0}],
    )
    assert payload["userErrors"] == []
    assert payload["supplierAvailability"]["items"] == [
        {"product": {"sku": "JIT-1"}, "available": 5},
        {"product": {"sku": "JIT-2"}, "available": 0},
    ]
    again = await _call(
        gql,
        SET,
        supplier,
        key="avail-1",
        supplierCode="SUP-JIT",
        items=[{"sku": "JIT-1", "available": 5}, {"sku": "JIT-2", "available": 0}],
    )
    assert again["replayed"] is True
    body = await gql(AVAILABILITY, {"s": "SUP-JIT"}, actors[CS])  # staff read it too
    assert body["data"]["supplierAvailability"]["items"][0] == {
        "product": {"sku": "JIT-1"},
        "available": 5,
        "updatedBy": {"username": "supplier"},
    }


async def test_availability_refusals_write_nothing(gql, actors, supplier):
    await _state(gql, supplier, 5)
    not_its = await _call(
        gql,
        SET,
        supplier,
        supplierCode="SUP-JIT",
        items=[{"sku": "JIT-2", "available": 9}, {"sku": "OTHER-1", "available": 3}],
    )
    assert [(e["field"], e["code"]) for e in not_its["userErrors"]] == [("items.1.sku", "INVALID")]
    negative = await _call(
        gql, SET, supplier, supplierCode="SUP-JIT", items=[{"sku": "JIT-1", "available": -1}]
    )
    assert negative["userErrors"][0]["code"] == "INVALID_QUANTITY"
    shop = await _call(
        gql,
        SET,
        actors[Role.PARTNER],
        supplierCode="SUP-JIT",
        items=[{"sku": "JIT-1", "available": 50}],
    )
    assert shop["userErrors"][0]["code"] == "NOT_FOUND"  # not its supplier
    assert await _available(gql, actors[CS]) == {"JIT-1": 5, "JIT-2": 0}
    hidden = await gql(AVAILABILITY, {"s": "SUP-JIT"}, actors[Role.PARTNER])
    assert hidden["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    by_admin = await _call(
        gql,
        SET,
        actors[Role.ADMIN],
        supplierCode="SUP-JIT",
        items=[{"sku": "JIT-1", "available": 7}],
    )
    assert by_admin["userErrors"] == []


# --- orders --------------------------------------------------------------------------------


async def test_an_order_for_a_jit_product_requests_it_instead_of_reserving_stock(
    gql, actors, supplier, catalogue
):
    await _state(gql, supplier, 5)
    await receive(gql, actors[Role.ADMIN], "SKU-1", catalogue.bin(ZoneKind.SELLABLE), 4)
    balances = [(b.product_id, b.on_hand, b.reserved) for b in await m.StockBalance.all()]

    order = await _order(gql, actors[Role.PARTNER], "SO-J1", [("SKU-1", 1), ("JIT-1", 3)])
    [request] = order["purchaseRequests"]
    assert re.fullmatch(rf"PR-{datetime.now(UTC).year}-0000\d\d", request["number"])
    assert {k: request[k] for k in ("status", "source", "quantity", "covered", "orderNumber")} == {
        "status": "OPEN",
        "source": "ORDER",
        "quantity": 3,
        "covered": True,
        "orderNumber": "SO-J1",
    }
    assert (request["product"], request["supplier"]) == ({"sku": "JIT-1"}, {"code": "SUP-JIT"})
    assert await m.Reservation.all().count() == 0
    assert [(b.product_id, b.on_hand, b.reserved) for b in await m.StockBalance.all()] == balances
    assert await _available(gql, actors[CS]) == {"JIT-1": 2, "JIT-2": 0}

    short = await _order(gql, actors[CS], "SO-J2", [("JIT-1", 3)])
    assert [(r["covered"], r["quantity"]) for r in short["purchaseRequests"]] == [(False, 3)]
    assert await _available(gql, actors[CS]) == {"JIT-1": 2, "JIT-2": 0}  # nothing taken

    replay = await _order(gql, actors[CS], "SO-J2", [("JIT-1", 3)])
    assert [r["number"] for r in replay["purchaseRequests"]] == [
        r["number"] for r in short["purchaseRequests"]
    ]
    assert await m.PurchaseRequest.all().count() == 2


async def test_each_partner_sees_only_its_own_requests(gql, actors, supplier, outsider):
    await _state(gql, supplier, 5)
    order = await _order(gql, actors[Role.PARTNER], "SO-J3", [("JIT-1", 1)])
    number = order["purchaseRequests"][0]["number"]

    def numbers(body):
        return [n["number"] for n in body["data"]["purchaseRequests"]["nodes"]]

    assert numbers(await gql(LIST, {}, supplier)) == [number]
    assert numbers(await gql(LIST, {"status": "OPEN", "s": "SUP-JIT"}, actors[LOG])) == [number]
    assert numbers(await gql(LIST, {"status": "SHIPPED"}, actors[Role.ADMIN])) == []
    assert numbers(await gql(LIST, {}, outsider)) == []
    assert numbers(await gql(LIST, {}, actors[Role.PARTNER])) == []  # the shop: via its order
    assert (await gql(ONE, {"n": number}, outsider))["data"]["purchaseRequest"] is None
    found = (await gql(ONE, {"n": number}, supplier))["data"]["purchaseRequest"]
    assert found["createdBy"] == {"username": "partner"}


async def test_the_supplier_ships_its_request_once_and_no_stock_moves(gql, actors, supplier):
    await _state(gql, supplier, 5)
    order = await _order(gql, actors[Role.PARTNER], "SO-J4", [("JIT-1", 2)])
    number = order["purchaseRequests"][0]["number"]
    movements = await m.StockMovement.all().count()

    shop = await _call(
        gql, SHIPPED, actors[Role.PARTNER], number=number, courier="SF", waybill="W1"
    )
    assert shop["userErrors"][0]["code"] == "NOT_FOUND"  # not the supplier's partner
    shipped = await _call(
        gql, SHIPPED, supplier, key="ship-1", number=number, courier="顺丰", waybill="SF-JIT-1"
    )
    assert shipped["userErrors"] == []
    request = shipped["purchaseRequest"]
    assert (request["status"], request["courier"], request["waybill"]) == (
        "SHIPPED",
        "顺丰",
        "SF-JIT-1",
    )
    assert request["shippedAt"] is not None
    replay = await _call(
        gql, SHIPPED, supplier, key="ship-1", number=number, courier="顺丰", waybill="SF-JIT-1"
    )
    assert replay["replayed"] is True
    again = await _call(gql, SHIPPED, actors[LOG], number=number, courier="SF", waybill="SF-2")
    assert again["userErrors"][0]["code"] == "INVALID_TRANSITION"
    assert await m.StockMovement.all().count() == movements
    shipment = await m.Shipment.get(waybill="SF-JIT-1").prefetch_related("lines", "order")
    assert (shipment.order.number, shipment.courier) == ("SO-J4", "顺丰")
    assert [(line.quantity, line.movement_id) for line in shipment.lines] == [(2, None)]
    cancelled = await _call(gql, CANCEL, actors[CS], number=number, reason="Too late")
    assert cancelled["userErrors"][0]["code"] == "INVALID_TRANSITION"


async def test_a_waybill_in_use_is_refused(gql, actors, supplier):
    first = await _order(gql, actors[CS], "SO-J5", [("JIT-1", 1)])
    second = await _order(gql, actors[CS], "SO-J6", [("JIT-1", 1)])
    one = first["purchaseRequests"][0]["number"]
    two = second["purchaseRequests"][0]["number"]
    ok = await _call(gql, SHIPPED, actors[LOG], number=one, courier="SF", waybill="SF-SAME")
    assert ok["userErrors"] == []
    dup = await _call(gql, SHIPPED, actors[LOG], number=two, courier="SF", waybill="SF-SAME")
    assert dup["userErrors"][0]["code"] == "DUPLICATE"


async def test_cancelling_gives_back_what_the_request_had_taken(gql, actors, supplier):
    await _state(gql, supplier, 4)
    covered = (await _order(gql, actors[CS], "SO-J7", [("JIT-1", 3)]))["purchaseRequests"][0]
    uncovered = (await _order(gql, actors[CS], "SO-J8", [("JIT-1", 3)]))["purchaseRequests"][0]
    assert (covered["covered"], uncovered["covered"]) == (True, False)
    assert await _available(gql, actors[CS]) == {"JIT-1": 1, "JIT-2": 0}

    no_reason = await _call(gql, CANCEL, actors[CS], number=covered["number"], reason=" ")
    assert no_reason["userErrors"][0]["code"] == "REQUIRED"
    done = await _call(gql, CANCEL, actors[CS], number=covered["number"], reason="Customer left")
    assert done["purchaseRequest"]["status"] == "CANCELLED"
    assert done["purchaseRequest"]["note"] == "Customer left"
    assert await _available(gql, actors[CS]) == {"JIT-1": 4, "JIT-2": 0}
    await _call(gql, CANCEL, actors[Role.ADMIN], number=uncovered["number"], reason="Duplicate")
    assert await _available(gql, actors[CS]) == {"JIT-1": 4, "JIT-2": 0}  # it took nothing
    body = await gql(
        CANCEL,
        {"input": {"idempotencyKey": "x", "number": covered["number"], "reason": "r"}},
        supplier,
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_the_warehouse_does_not_ship_a_line_its_supplier_ships(
    gql, actors, supplier, catalogue
):
    shelf = catalogue.bin(ZoneKind.SELLABLE)
    order = await _order(gql, actors[CS], "SO-J9", [("JIT-1", 1)])
    body = await gql(
        "mutation($input: RecordShipmentInput!) { recordShipment(input: $input) {"
        " userErrors { code message } } }",
        {
            "input": {
                "idempotencyKey": "ship-jit",
                "orderNumber": "SO-J9",
                "waybill": "SF-WH-1",
                "courier": "SF",
                "lines": [{"sku": "JIT-1", "locationCode": shelf, "quantity": 1}],
            }
        },
        actors[WH],
    )
    [error] = body["data"]["recordShipment"]["userErrors"]
    assert error["code"] == "INVALID"
    assert order["purchaseRequests"][0]["number"] in error["message"]


# --- exchanges -----------------------------------------------------------------------------


def _results(ticket, stage_passed: bool, grade: str | None, who: str, tags: list[str]):
    return [
        {
            "lineId": line["id"],
            "quantity": line["quantityReceived"],
            "passed": stage_passed,
            "grade": grade,
            "responsibility": who,
            "defectTags": tags,
        }
        for line in ticket["lines"]
    ]


async def _exchange_for_jit(desk: Desk, order: str) -> tuple[str, dict[str, Any]]:
    """A delivered SKU-1 exchanged for JIT-1, approved, arrived and unpacked."""
    await desk.delivered_order(order, [("SKU-1", 1, "99.00")])
    ticket = await desk.do(
        "requestReturn",
        CS,
        orderNumber=order,
        kind="EXCHANGE",
        reasonCode="WRONG_SIZE",
        lines=[{"sku": "SKU-1", "quantity": 1, "wantedSku": "JIT-1"}],
    )
    number = ticket["number"]
    approved = await desk.do("approveReturn", CS, ticketNumber=number)
    assert approved["replacementReserved"] is True  # nothing to hold: the supplier ships it
    await desk.do("registerParcel", WH, code=number)
    unpacked = await desk.do("unpackReturn", WH, ticketNumber=number)
    await desk.do(
        "recordInspection",
        WH,
        ticketNumber=number,
        stage="INITIAL",
        results=_results(unpacked, True, None, "UNKNOWN", []),
    )
    return number, unpacked


TICKET_REQUESTS = f"""query($n: String) {{ returnTicket(number: $n) {{
  status purchaseRequests {{ {REQUEST} }}
  shipments {{ purpose status waybill orderNumber }} history {{ action detail }} }} }}"""


async def test_an_exchange_for_a_jit_product_ships_when_its_supplier_ships(
    gql, actors, supplier, catalogue
):
    desk = Desk(gql, actors, catalogue)
    await _state(gql, supplier, 2)
    number, unpacked = await _exchange_for_jit(desk, "SO-JX1")
    assert await m.Reservation.filter(quantity__gt=0).count() == 0

    ordered = await desk.do("createReplacementOrder", CS, ticketNumber=number)
    assert ordered["shipments"] == [
        {"purpose": "REPLACEMENT", "status": "OPEN", "waybill": None, "orderNumber": f"{number}-R"}
    ]
    found = (await gql(TICKET_REQUESTS, {"n": number}, actors[CS]))["data"]["returnTicket"]
    [request] = found["purchaseRequests"]
    assert {k: request[k] for k in ("status", "source", "quantity", "covered", "ticketNumber")} == {
        "status": "OPEN",
        "source": "EXCHANGE",
        "quantity": 1,
        "covered": True,
        "ticketNumber": number,
    }
    assert request["orderNumber"] == f"{number}-R"
    assert await _available(gql, actors[CS]) == {"JIT-1": 1, "JIT-2": 0}

    by_warehouse = await desk.refused(
        "shipReplacement", WH, ticketNumber=number, waybill="SF-X", courier="SF"
    )
    assert by_warehouse["code"] == "INVALID"
    assert request["number"] in by_warehouse["message"]

    await desk.do(
        "recordInspection",
        QC,
        ticketNumber=number,
        stage="QC",
        results=_results(unpacked, True, "A", "UNKNOWN", []),
    )
    accepted = await desk.do("decideReturn", CS, ticketNumber=number, decision="ACCEPT")
    assert accepted["status"] == "PUT_AWAY"  # waits for the replacement

    shipped = await _call(
        gql, SHIPPED, supplier, number=request["number"], courier="SF", waybill="SF-JIT-X1"
    )
    assert shipped["userErrors"] == []
    after = (await gql(TICKET_REQUESTS, {"n": number}, actors[CS]))["data"]["returnTicket"]
    assert after["status"] == "FOLLOW_UP"
    assert after["shipments"] == [
        {
            "purpose": "REPLACEMENT",
            "status": "SHIPPED",
            "waybill": "SF-JIT-X1",
            "orderNumber": f"{number}-R",
        }
    ]
    [sent] = [e for e in after["history"] if e["action"] == "SHIP_REPLACEMENT"]
    assert sent["detail"]["purchaseRequest"] == request["number"]
    again = await _call(
        gql, SHIPPED, supplier, number=request["number"], courier="SF", waybill="SF-JIT-X2"
    )
    assert again["userErrors"][0]["code"] == "INVALID_TRANSITION"
    closed = await desk.do("closeTicket", CS, ticketNumber=number, reason="Happy")
    assert closed["status"] == "CLOSED"


async def test_a_rejected_exchange_cancels_its_purchase_request(gql, actors, supplier, catalogue):
    desk = Desk(gql, actors, catalogue)
    await _state(gql, supplier, 2)
    number, unpacked = await _exchange_for_jit(desk, "SO-JX2")
    await desk.do("createReplacementOrder", CS, ticketNumber=number)
    assert await _available(gql, actors[CS]) == {"JIT-1": 1, "JIT-2": 0}
    await desk.do(
        "recordInspection",
        QC,
        ticketNumber=number,
        stage="QC",
        results=_results(unpacked, False, "C", "CUSTOMER", ["STAIN"]),
    )
    await desk.do("decideReturn", CS, ticketNumber=number, decision="REJECT", note="Stained")
    found = (await gql(TICKET_REQUESTS, {"n": number}, actors[CS]))["data"]["returnTicket"]
    assert [r["status"] for r in found["purchaseRequests"]] == ["CANCELLED"]
    assert await _available(gql, actors[CS]) == {"JIT-1": 2, "JIT-2": 0}


async def test_a_mixed_replacement_ships_when_both_parts_have_left(
    gql, actors, supplier, catalogue
):
    """Two exchanged lines: one wants stocked SKU-2 (reserved), one wants JIT-1."""
    desk = Desk(gql, actors, catalogue)
    shelf = catalogue.bin(ZoneKind.SELLABLE)
    await desk.delivered_order("SO-JX3", [("SKU-1", 1, "99.00"), ("SKU-3", 1, "99.00")])
    await receive(gql, actors[Role.ADMIN], "SKU-2", shelf, 1)
    ticket = await desk.do(
        "requestReturn",
        CS,
        orderNumber="SO-JX3",
        kind="EXCHANGE",
        reasonCode="WRONG_SIZE",
        lines=[
            {"sku": "SKU-1", "quantity": 1, "wantedSku": "SKU-2"},
            {"sku": "SKU-3", "quantity": 1, "wantedSku": "JIT-1"},
        ],
    )
    number = ticket["number"]
    await desk.do("approveReturn", CS, ticketNumber=number)
    await desk.do("registerParcel", WH, code=number)
    await desk.do("unpackReturn", WH, ticketNumber=number)
    await desk.do("createReplacementOrder", CS, ticketNumber=number)
    part = await desk.do("shipReplacement", WH, ticketNumber=number, waybill="SF-P1", courier="SF")
    assert part["shipments"][0]["status"] == "OPEN"  # the supplier's part has not left
    assert [e["action"] for e in part["history"]][-1] == "SHIP_REPLACEMENT_PART"
    twice = await desk.refused(
        "shipReplacement", WH, ticketNumber=number, waybill="SF-P2", courier="SF"
    )
    assert twice["code"] == "INVALID"
    found = (await gql(TICKET_REQUESTS, {"n": number}, actors[CS]))["data"]["returnTicket"]
    pr = found["purchaseRequests"][0]["number"]
    await _call(gql, SHIPPED, actors[LOG], number=pr, courier="SF", waybill="SF-P3")
    done = (await gql(TICKET_REQUESTS, {"n": number}, actors[CS]))["data"]["returnTicket"]
    assert [(s["status"], s["waybill"]) for s in done["shipments"]] == [("SHIPPED", "SF-P3")]


async def test_a_cancelled_request_leaves_the_replacement_to_the_warehouses_stock(
    gql, actors, supplier, catalogue
):
    desk = Desk(gql, actors, catalogue)
    number, _ = await _exchange_for_jit(desk, "SO-JX4")
    await desk.do("createReplacementOrder", CS, ticketNumber=number)
    found = (await gql(TICKET_REQUESTS, {"n": number}, actors[CS]))["data"]["returnTicket"]
    pr = found["purchaseRequests"][0]["number"]
    await _call(gql, CANCEL, actors[CS], number=pr, reason="The supplier ran out")
    history = (await gql(TICKET_REQUESTS, {"n": number}, actors[CS]))["data"]["returnTicket"]
    assert history["history"][-1]["action"] == "CANCEL_PURCHASE_REQUEST"

    empty = await desk.refused(
        "shipReplacement", WH, ticketNumber=number, waybill="S1", courier="SF"
    )
    assert empty["code"] == "INSUFFICIENT_STOCK"
    shelf = catalogue.bin(ZoneKind.SELLABLE)
    await receive(gql, actors[Role.ADMIN], "JIT-1", shelf, 1)
    shipped = await desk.do("shipReplacement", WH, ticketNumber=number, waybill="S2", courier="SF")
    assert [(s["status"], s["waybill"]) for s in shipped["shipments"]] == [("SHIPPED", "S2")]
    assert (await m.StockBalance.get(product__sku="JIT-1")).on_hand == 0


async def test_a_drop_shipped_line_is_delivered_and_returned_like_any_other(
    gql, actors, supplier, catalogue
):
    desk = Desk(gql, actors, catalogue)
    order = await _order(gql, actors[Role.PARTNER], "SO-J9", [("JIT-2", 1)])
    number = order["purchaseRequests"][0]["number"]
    shipped = await _call(gql, SHIPPED, supplier, number=number, courier="SF", waybill="SF-JIT-9")
    assert shipped["userErrors"] == []
    body = await gql(
        "mutation($input: MarkDeliveredInput!) { markDelivered(input: $input) {"
        " userErrors { code message } } }",
        {"input": {"waybill": "SF-JIT-9"}},
        actors[LOG],
    )
    assert body["data"]["markDelivered"]["userErrors"] == [], body

    ticket = await desk.do(
        "requestReturn",
        Role.PARTNER,
        orderNumber="SO-J9",
        kind="RETURN",
        reasonCode="QUALITY_DEFECT",
        lines=[{"sku": "JIT-2", "quantity": 1}],
    )
    assert ticket["status"] == "REQUESTED"
    assert [line["product"]["sku"] for line in ticket["lines"]] == ["JIT-2"]
