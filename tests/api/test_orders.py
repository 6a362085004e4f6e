"""Orders from shop fronts, shipped through the ledger, delivered by the courier."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from backend.domain.auth.roles import Role
from backend.domain.stock.kinds import ZoneKind
from backend.persistence.models import (
    SalesOrder,
    Shipment,
    StockBalance,
    StockMovement,
)
from tests.api.ledger_helpers import receive

CREATE = """
mutation C($input: CreateOrderInput!) { createOrder(input: $input) {
  order { number deliveredAt lines { quantity unitPricePaid product { sku } }
          customer { name phone } shipments { waybill } }
  replayed userErrors { field code message } } }
"""
SHIP = """
mutation S($input: RecordShipmentInput!) { recordShipment(input: $input) {
  shipment { waybill courier status lines { quantity product { sku } } }
  order { number shipments { waybill status } }
  replayed userErrors { field code message } } }
"""
DELIVER = """
mutation D($input: MarkDeliveredInput!) { markDelivered(input: $input) {
  shipment { status deliveredAt } order { deliveredAt } userErrors { field code } } }
"""


def order_input(number: str = "SO-1", **extra):
    return {
        "idempotencyKey": f"create-{number}",
        "number": number,
        "customer": {"name": "陈晓", "phone": "13800000001", "address": "上海市"},
        "lines": [
            {"sku": "SKU-1", "quantity": 2, "unitPricePaid": "99.00"},
            {"sku": "SKU-2", "quantity": 1, "unitPricePaid": "59.90"},
        ],
        **extra,
    }


async def test_a_partner_places_an_order_for_itself(gql, actors, catalogue):
    body = await gql(CREATE, {"input": order_input()}, actors[Role.PARTNER])
    payload = body["data"]["createOrder"]
    assert payload["userErrors"] == []
    assert payload["order"]["customer"] == {"name": "陈晓", "phone": "13800000001"}
    assert [(line["product"]["sku"], line["quantity"]) for line in payload["order"]["lines"]] == [
        ("SKU-1", 2),
        ("SKU-2", 1),
    ]
    order = await SalesOrder.get(number="SO-1")
    assert order.partner_id == actors[Role.PARTNER].user.partner_id


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"lines": []}, "lines", "REQUIRED"),
        (
            {"lines": [{"sku": "NOPE", "quantity": 1, "unitPricePaid": "1"}]},
            "sku",
            "UNKNOWN_PRODUCT",
        ),
        (
            {"lines": [{"sku": "SKU-1", "quantity": 1, "unitPricePaid": "1.999"}]},
            "unitPricePaid",
            "INVALID",
        ),
        (
            {"lines": [{"sku": "SKU-1", "quantity": 1, "unitPricePaid": "-1"}]},
            "unitPricePaid",
            "INVALID",
        ),
        (
            {"lines": [{"sku": "SKU-1", "quantity": 1, "unitPricePaid": "1"}] * 2},
            "lines",
            "DUPLICATE",
        ),
    ],
)
async def test_bad_orders_are_refused_and_nothing_is_stored(
    gql, actors, catalogue, change, field, code
):
    body = await gql(CREATE, {"input": order_input(**change)}, actors[Role.PARTNER])
    error = body["data"]["createOrder"]["userErrors"][0]
    assert (error["field"], error["code"]) == (field, code)
    assert await SalesOrder.all().count() == 0


async def test_an_order_number_is_taken_once(gql, actors, catalogue):
    await gql(CREATE, {"input": order_input()}, actors[Role.PARTNER])
    again = order_input(idempotencyKey="another-key")
    body = await gql(CREATE, {"input": again}, actors[Role.PARTNER])
    assert body["data"]["createOrder"]["userErrors"][0]["code"] == "DUPLICATE"


async def test_staff_enter_an_order_for_a_named_partner(gql, actors, catalogue, partner):
    body = await gql(
        CREATE, {"input": order_input(partnerCode="SHOP")}, actors[Role.CUSTOMER_SERVICE]
    )
    assert body["data"]["createOrder"]["userErrors"] == []
    assert (await SalesOrder.get(number="SO-1")).partner_id == partner.id


async def _stocked_order(gql, actors, catalogue, number="SO-1"):
    clerk = actors[Role.WAREHOUSE]
    await receive(gql, clerk, "SKU-1", catalogue.bin(ZoneKind.SELLABLE), 5)
    await receive(gql, clerk, "SKU-2", catalogue.bin(ZoneKind.SELLABLE), 5)
    await gql(CREATE, {"input": order_input(number)}, actors[Role.PARTNER])


def ship_input(catalogue, key="ship-1", waybill="SF100", lines=None):
    bin_code = catalogue.bin(ZoneKind.SELLABLE)
    return {
        "idempotencyKey": key,
        "orderNumber": "SO-1",
        "waybill": waybill,
        "courier": "SF Express",
        "lines": lines or [{"sku": "SKU-1", "locationCode": bin_code, "quantity": 2}],
    }


async def test_shipping_books_the_ledger_and_keeps_the_waybill(gql, actors, catalogue):
    await _stocked_order(gql, actors, catalogue)
    body = await gql(SHIP, {"input": ship_input(catalogue)}, actors[Role.LOGISTICS])
    payload = body["data"]["recordShipment"]
    assert payload["userErrors"] == []
    assert payload["shipment"]["status"] == "SHIPPED"
    assert payload["order"]["shipments"] == [{"waybill": "SF100", "status": "SHIPPED"}]
    shipped = await StockMovement.filter(kind="SHIPMENT").values_list("reference", "quantity")
    assert shipped == [("SO-1", 2)]
    assert (await StockBalance.get(product__sku="SKU-1")).on_hand == 3

    replay = await gql(SHIP, {"input": ship_input(catalogue)}, actors[Role.LOGISTICS])
    assert replay["data"]["recordShipment"]["replayed"] is True
    assert await StockMovement.filter(kind="SHIPMENT").count() == 1


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ([{"sku": "SKU-1", "quantity": 3}], "OVER_SHIPPED"),
        ([{"sku": "SKU-3", "quantity": 1}], "INVALID"),
    ],
)
async def test_a_shipment_carries_only_what_the_order_awaits(gql, actors, catalogue, lines, code):
    await _stocked_order(gql, actors, catalogue)
    bin_code = catalogue.bin(ZoneKind.SELLABLE)
    lines = [{**line, "locationCode": bin_code} for line in lines]
    body = await gql(SHIP, {"input": ship_input(catalogue, lines=lines)}, actors[Role.LOGISTICS])
    assert body["data"]["recordShipment"]["userErrors"][0]["code"] == code
    assert await Shipment.all().count() == 0
    assert await StockMovement.filter(kind="SHIPMENT").count() == 0


async def test_a_shipment_without_stock_writes_nothing(gql, actors, catalogue):
    await gql(CREATE, {"input": order_input()}, actors[Role.PARTNER])
    body = await gql(SHIP, {"input": ship_input(catalogue)}, actors[Role.LOGISTICS])
    assert body["data"]["recordShipment"]["userErrors"][0]["code"] == "INSUFFICIENT_STOCK"
    assert await Shipment.all().count() == 0


async def test_a_waybill_is_used_once(gql, actors, catalogue):
    await _stocked_order(gql, actors, catalogue)
    await gql(SHIP, {"input": ship_input(catalogue)}, actors[Role.LOGISTICS])
    second = ship_input(
        catalogue,
        key="ship-2",
        lines=[{"sku": "SKU-2", "locationCode": catalogue.bin(ZoneKind.SELLABLE), "quantity": 1}],
    )
    body = await gql(SHIP, {"input": second}, actors[Role.LOGISTICS])
    assert body["data"]["recordShipment"]["userErrors"][0]["code"] == "DUPLICATE"
    assert await StockMovement.filter(kind="SHIPMENT").count() == 1


async def test_delivery_is_recorded_once_and_dates_the_order(gql, actors, catalogue):
    await _stocked_order(gql, actors, catalogue)
    await gql(SHIP, {"input": ship_input(catalogue)}, actors[Role.LOGISTICS])
    first = await gql(DELIVER, {"input": {"waybill": "SF100"}}, actors[Role.LOGISTICS])
    payload = first["data"]["markDelivered"]
    assert payload["shipment"]["status"] == "DELIVERED"
    assert payload["order"]["deliveredAt"] == payload["shipment"]["deliveredAt"]
    again = await gql(DELIVER, {"input": {"waybill": "SF100"}}, actors[Role.PARTNER])
    assert again["data"]["markDelivered"]["shipment"] == payload["shipment"]


async def test_another_partner_cannot_see_or_touch_the_order(gql, actors, catalogue, outsider):
    await _stocked_order(gql, actors, catalogue)
    await gql(SHIP, {"input": ship_input(catalogue)}, actors[Role.LOGISTICS])
    body = await gql(DELIVER, {"input": {"waybill": "SF100"}}, outsider)
    assert body["data"]["markDelivered"]["userErrors"][0]["code"] == "UNKNOWN_SHIPMENT"
    seen = await gql('{ order(number: "SO-1") { number } }', None, outsider)
    assert seen["data"]["order"] is None


async def test_a_shipment_recorded_afterwards_keeps_its_time_but_not_a_future_one(
    gql, actors, catalogue
):
    await _stocked_order(gql, actors, catalogue)
    future = ship_input(catalogue, key="future")
    future["shippedAt"] = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    body = await gql(SHIP, {"input": future}, actors[Role.LOGISTICS])
    assert body["data"]["recordShipment"]["userErrors"][0]["field"] == "shippedAt"
    assert await Shipment.all().count() == 0
    past = ship_input(catalogue, key="past")
    past["shippedAt"] = datetime.now(UTC).isoformat()
    body = await gql(SHIP, {"input": past}, actors[Role.LOGISTICS])
    assert body["data"]["recordShipment"]["userErrors"] == []


async def test_a_scanned_waybill_finds_its_shipment_and_order(gql, actors, catalogue):
    await _stocked_order(gql, actors, catalogue)
    await gql(SHIP, {"input": ship_input(catalogue)}, actors[Role.LOGISTICS])
    body = await gql(
        '{ scan(code: " ＳＦ100 ") { kind shipment { waybill status order { number } } } }',
        None,
        actors[Role.WAREHOUSE],
    )
    assert body["data"]["scan"] == {
        "kind": "WAYBILL",
        "shipment": {"waybill": "SF100", "status": "SHIPPED", "order": {"number": "SO-1"}},
    }
