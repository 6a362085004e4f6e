from __future__ import annotations

from backend.domain.auth.roles import Role
from backend.domain.stock.kinds import ZoneKind
from backend.persistence.models import StockBalance, StockMovement

RECEIVE = """
mutation Receive($input: ReceiveStockInput!) {
  receiveStock(input: $input) {
    movement { id kind quantity reference actor { username } toLocation { code } }
    levels { onHand reserved available location { code } }
    replayed
    userErrors { field code message }
  }
}
"""


async def test_receiving_books_a_movement_and_raises_the_balance(gql, actors, catalogue):
    bin_code = catalogue.bin(ZoneKind.SELLABLE)
    body = await gql(
        RECEIVE,
        {
            "input": {
                "idempotencyKey": "r-1",
                "sku": "SKU-1",
                "locationCode": bin_code,
                "quantity": 5,
                "reference": "PO-7",
            }
        },
        actors[Role.WAREHOUSE],
    )
    payload = body["data"]["receiveStock"]
    assert payload["userErrors"] == []
    assert payload["movement"]["kind"] == "RECEIPT"
    assert payload["movement"]["actor"]["username"] == "warehouse"
    assert payload["levels"] == [
        {"onHand": 5, "reserved": 0, "available": 5, "location": {"code": bin_code}}
    ]
    assert await StockMovement.filter(product__sku="SKU-1").count() == 1
    balance = await StockBalance.get(product__sku="SKU-1", location__code=bin_code)
    assert balance.on_hand == 5


async def test_a_replayed_key_answers_the_same_and_books_nothing(gql, actors, catalogue):
    variables = {
        "input": {
            "idempotencyKey": "r-2",
            "sku": "SKU-1",
            "locationCode": catalogue.bin(ZoneKind.SELLABLE),
            "quantity": 2,
        }
    }
    first = (await gql(RECEIVE, variables, actors[Role.WAREHOUSE]))["data"]["receiveStock"]
    again = (await gql(RECEIVE, variables, actors[Role.WAREHOUSE]))["data"]["receiveStock"]
    assert again["replayed"] is True
    assert again["movement"]["id"] == first["movement"]["id"]
    assert await StockMovement.all().count() == 1
    assert (await StockBalance.get(product__sku="SKU-1")).on_hand == 2


async def test_the_same_key_with_another_input_is_refused(gql, actors, catalogue):
    base = {
        "idempotencyKey": "r-3",
        "sku": "SKU-1",
        "locationCode": catalogue.bin(ZoneKind.SELLABLE),
        "quantity": 2,
    }
    await gql(RECEIVE, {"input": base}, actors[Role.WAREHOUSE])
    changed = await gql(RECEIVE, {"input": {**base, "quantity": 3}}, actors[Role.WAREHOUSE])
    errors = changed["data"]["receiveStock"]["userErrors"]
    assert errors[0]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert (await StockBalance.get(product__sku="SKU-1")).on_hand == 2


async def test_unknown_sku_and_bin_are_user_errors_and_change_nothing(gql, actors, catalogue):
    for sku, code, field in [
        ("NOPE", catalogue.bin(ZoneKind.SELLABLE), "sku"),
        ("SKU-1", "NO-BIN", "locationCode"),
    ]:
        body = await gql(
            RECEIVE,
            {
                "input": {
                    "idempotencyKey": f"bad-{field}",
                    "sku": sku,
                    "locationCode": code,
                    "quantity": 1,
                }
            },
            actors[Role.WAREHOUSE],
        )
        error = body["data"]["receiveStock"]["userErrors"][0]
        assert error["field"] == field
        assert error["code"] in {"UNKNOWN_PRODUCT", "UNKNOWN_LOCATION"}
    assert await StockMovement.all().count() == 0
    assert await StockBalance.all().count() == 0
