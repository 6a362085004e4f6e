"""stockChanged over a real WebSocket: `python -m backend.cli serve` on 127.0.0.1, demo data,
the graphql-transport-ws protocol spoken by the `websockets` client."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.api import live_server as live
from tests.api.live_server import PROTOCOL, WAIT, Server, live_server, next_message

# Deterministic names from backend/services/demo_data.py: stocked products, sellable bins of SH1.
SKU_A, SKU_B, SKU_C = "APP-001-BLK-S", "APP-002-BLK-M", "APP-003-BLK-L"
BIN_1, BIN_2 = "SH1-A-01", "SH1-A-02"

RECEIVE = """
mutation Receive($input: ReceiveStockInput!) {
  receiveStock(input: $input) {
    movement { id }
    levels { onHand location { code } }
    replayed
    userErrors { code message }
  }
}
"""
STOCK_CHANGED = """
subscription Watch($sku: String, $warehouseCode: String) {
  stockChanged(sku: $sku, warehouseCode: $warehouseCode) {
    sku locationCode warehouseCode kind delta movementId level { onHand }
  }
}
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    users = {user: f"{user}-demo-2026" for user in ("warehouse", "partner")}
    with live_server(tmp_path_factory.mktemp("server"), users) as running:
        yield running


_keys = itertools.count()


async def receive(server: Server, sku: str, bin_code: str, qty: int, key: str = "") -> dict:
    variables = {
        "input": {
            "idempotencyKey": key or f"ws-{time.time_ns()}-{next(_keys)}",
            "sku": sku,
            "locationCode": bin_code,
            "quantity": qty,
        }
    }
    headers = {"Authorization": f"Bearer {server.tokens['warehouse']}"}
    async with httpx.AsyncClient(base_url=server.url, timeout=WAIT) as http:
        response = await http.post(
            "/graphql", json={"query": RECEIVE, "variables": variables}, headers=headers
        )
    payload: dict[str, Any] = response.json()["data"]["receiveStock"]
    assert payload["userErrors"] == [], payload
    return payload


async def next_change(ws: ClientConnection) -> dict[str, Any]:
    message = await next_message(ws)
    assert message["type"] == "next", message
    change: dict[str, Any] = message["payload"]["data"]["stockChanged"]
    return change


def close_code(error: ConnectionClosed) -> int | None:
    return None if error.rcvd is None else error.rcvd.code


@asynccontextmanager
async def signed_in(server: Server, user: str = "warehouse") -> AsyncIterator[ClientConnection]:
    async with live.signed_in(server, user) as ws:
        yield ws


async def watch(server: Server, ws: ClientConnection, sku: str, bin_code: str) -> None:
    """Subscribe to `sku`, then prove the subscription is live by booking one unit until its
    event arrives; earlier priming events (if the subscription was late) are drained by id."""
    variables = {"sku": sku}
    await ws.send(
        json.dumps(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": STOCK_CHANGED, "variables": variables},
            }
        )
    )
    for patience in (0.5, 1, 2, 4, 8, WAIT):  # a retry budget, not an assertion on speed
        booked = await receive(server, sku, bin_code, 1)
        wanted = booked["movement"]["id"]
        try:
            while (await asyncio.wait_for(next_change(ws), patience))["movementId"] != wanted:
                pass
            return
        except TimeoutError:
            continue
    pytest.fail("the subscription never delivered a priming event")


async def test_connection_init_without_a_token_is_closed_with_4403(server):
    async with connect(server.ws_url, subprotocols=[PROTOCOL], open_timeout=WAIT) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        with pytest.raises(ConnectionClosed) as closed:
            await next_message(ws)
    assert close_code(closed.value) == 4403


async def test_connection_init_with_a_bad_token_is_closed_with_4403(server):
    async with connect(server.ws_url, subprotocols=[PROTOCOL], open_timeout=WAIT) as ws:
        payload = {"authorization": "Bearer not-a-real-token"}
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        with pytest.raises(ConnectionClosed) as closed:
            await next_message(ws)
    assert close_code(closed.value) == 4403


async def test_connection_init_with_a_bearer_token_is_acknowledged(server):
    async with signed_in(server, "partner") as ws:
        assert ws.subprotocol == PROTOCOL


async def test_a_receipt_is_pushed_with_the_bin_warehouse_and_fresh_balance(server):
    async with signed_in(server) as ws:
        await watch(server, ws, SKU_A, BIN_1)
        booked = await receive(server, SKU_A, BIN_1, 4)
        change = await next_change(ws)
    assert change == {
        "sku": SKU_A,
        "locationCode": BIN_1,
        "warehouseCode": "SH1",
        "kind": "RECEIPT",
        "delta": 4,
        "movementId": booked["movement"]["id"],
        "level": {"onHand": booked["levels"][0]["onHand"]},
    }


async def test_a_sku_filter_leaves_out_changes_of_other_skus(server):
    async with signed_in(server) as ws:
        await watch(server, ws, SKU_B, BIN_1)
        await receive(server, SKU_C, BIN_1, 3)  # another SKU: must not be delivered
        booked = await receive(server, SKU_B, BIN_1, 2)
        change = await next_change(ws)
    assert (change["sku"], change["movementId"]) == (SKU_B, booked["movement"]["id"])


async def test_a_replayed_idempotency_key_publishes_nothing(server):
    async with signed_in(server) as ws:
        await watch(server, ws, SKU_C, BIN_1)
        key = f"replay-{time.time_ns()}"
        first = await receive(server, SKU_C, BIN_1, 5, key=key)
        assert (await next_change(ws))["movementId"] == first["movement"]["id"]
        again = await receive(server, SKU_C, BIN_1, 5, key=key)
        assert again["replayed"] is True
        later = await receive(server, SKU_C, BIN_2, 1)
        change = await next_change(ws)
    # Had the replay published, its event (bin 1, delta 5) would have come first.
    assert (change["locationCode"], change["delta"]) == (BIN_2, 1)
    assert change["movementId"] == later["movement"]["id"]


async def try_legacy_protocol(server: Server) -> str | None:
    """Connect asking only for the legacy protocol; the subprotocol the server agreed to."""
    async with connect(server.ws_url, subprotocols=["graphql-ws"], open_timeout=WAIT) as ws:
        agreed = ws.subprotocol
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        await next_message(ws)
    return agreed


async def test_the_legacy_graphql_ws_protocol_is_refused(server):
    with pytest.raises(ConnectionClosed) as closed:
        await try_legacy_protocol(server)
    assert close_code(closed.value) == 4406  # "Subprotocol not acceptable"
