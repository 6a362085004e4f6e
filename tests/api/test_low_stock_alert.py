"""lowStockAlert over a real WebSocket (`backend.cli serve` on demo data): an alert once per
crossing of the reorder point, none while stock stays low, another after it recovered and
drops again; other warehouses' alerts filtered out; partners refused."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection

from tests.api.live_server import WAIT, Server, live_server, next_message, signed_in

# Demo products (backend/services/demo_data.py) with no demo reorder policy in SH1.
SKU, PRIMER = "APP-001-BLK-S", "APP-002-BLK-M"
BIN, PRIMER_BIN, OTHER_BIN = "SH1-A-03", "SH1-A-04", "CG1-A-01"  # SKU is shelved in CG1-A-01
USERS = ("warehouse", "supervisor", "partner")

ALERT = """
subscription Watch($warehouseCode: String) {
  lowStockAlert(warehouseCode: $warehouseCode) {
    product { sku } warehouse { code } available reorderPoint safetyStock belowSince
    dailyDemand suggestedQuantity
  }
}
"""
SET_POLICY = """
mutation($input: SetReorderPolicyInput!) {
  setReorderPolicy(input: $input) { policy { below } userErrors { code message } }
}
"""
RECEIVE = """
mutation($input: ReceiveStockInput!) { receiveStock(input: $input) { userErrors { code } } }
"""
SHIP = """
mutation($input: ShipStockInput!) { shipStock(input: $input) { userErrors { code } } }
"""
AVAILABLE = """
query($sku: String!) {
  stockLevels(filter: {sku: $sku, warehouseCode: "SH1", zoneKind: SELLABLE}) {
    nodes { available }
  }
}
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with live_server(
        tmp_path_factory.mktemp("server"), {user: f"{user}-demo-2026" for user in USERS}
    ) as running:
        yield running


_keys = itertools.count()


async def call(server: Server, user: str, query: str, **fields: Any) -> dict[str, Any]:
    variables = {"input": {"idempotencyKey": f"alert-{time.time_ns()}-{next(_keys)}", **fields}}
    headers = {"Authorization": f"Bearer {server.tokens[user]}"}
    async with httpx.AsyncClient(base_url=server.url, timeout=WAIT) as http:
        response = await http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
    payload: dict[str, Any] = next(iter(response.json()["data"].values()))
    assert payload["userErrors"] == [], payload
    return payload


async def available(server: Server, sku: str) -> int:
    headers = {"Authorization": f"Bearer {server.tokens['warehouse']}"}
    async with httpx.AsyncClient(base_url=server.url, timeout=WAIT) as http:
        response = await http.post(
            "/graphql", json={"query": AVAILABLE, "variables": {"sku": sku}}, headers=headers
        )
    return sum(n["available"] for n in response.json()["data"]["stockLevels"]["nodes"])


async def policy(server: Server, sku: str, point: int, warehouse: str = "SH1") -> None:
    await call(
        server,
        "supervisor",
        SET_POLICY,
        sku=sku,
        warehouseCode=warehouse,
        reorderPoint=point,
        safetyStock=0,
    )


async def next_alert(ws: ClientConnection, patience: float = WAIT) -> dict[str, Any]:
    async with asyncio.timeout(patience):
        message = await next_message(ws)
    assert message["type"] == "next", message
    alert: dict[str, Any] = message["payload"]["data"]["lowStockAlert"]
    return alert


async def watch(server: Server, ws: ClientConnection, **variables: Any) -> None:
    """Subscribe, then prove the subscription is live: set the primer's reorder point above
    its stock (an alert at once) and back below, until its alert arrives."""
    message = {"id": "1", "type": "subscribe", "payload": {"query": ALERT, "variables": variables}}
    await ws.send(json.dumps(message))
    await call(server, "warehouse", RECEIVE, sku=PRIMER, locationCode=PRIMER_BIN, quantity=5)
    for patience in (0.5, 1, 2, 4, 8, WAIT):  # a retry budget, not an assertion on speed
        await policy(server, PRIMER, 100_000)
        try:
            while (await next_alert(ws, patience))["product"]["sku"] != PRIMER:
                pass
            await policy(server, PRIMER, 0)  # recovered: the next priming alerts again
            return
        except TimeoutError:
            await policy(server, PRIMER, 0)
    pytest.fail("the subscription never delivered a priming alert")


async def test_an_alert_fires_once_per_crossing_and_again_after_recovery(server):
    await call(server, "warehouse", RECEIVE, sku=SKU, locationCode=BIN, quantity=10)
    start = await available(server, SKU)
    async with signed_in(server, "warehouse") as ws:
        await watch(server, ws, warehouseCode="SH1")
        await policy(server, SKU, start - 2)  # above: nothing
        await policy(server, SKU, 100_000, warehouse="CG1")  # alerts in CG1: filtered out
        await call(server, "warehouse", SHIP, sku=SKU, locationCode=OTHER_BIN, quantity=1)
        await call(server, "warehouse", SHIP, sku=SKU, locationCode=BIN, quantity=1)  # start-1
        await call(server, "warehouse", SHIP, sku=SKU, locationCode=BIN, quantity=1)  # at point
        first = await next_alert(ws)
        await call(server, "warehouse", SHIP, sku=SKU, locationCode=BIN, quantity=2)  # still low
        await call(server, "warehouse", RECEIVE, sku=SKU, locationCode=BIN, quantity=5)  # above
        await call(server, "warehouse", SHIP, sku=SKU, locationCode=BIN, quantity=4)  # low again
        second = await next_alert(ws)
    assert first.pop("belowSince") is not None
    assert first == {
        "product": {"sku": SKU},
        "warehouse": {"code": "SH1"},
        "available": start - 2,
        "reorderPoint": start - 2,
        "safetyStock": 0,
        "dailyDemand": pytest.approx(2 / 30),  # the two units shipped from SH1 so far
        "suggestedQuantity": 0,  # ceil(2/30 x 30) = 2, + 0 - (start - 2)
    }
    # Had the drop to start - 4 alerted, it would have come before this one.
    assert (second["available"], second["dailyDemand"]) == (start - 3, pytest.approx(8 / 30))


async def test_partners_may_not_subscribe_to_low_stock(server):
    async with signed_in(server, "partner") as ws:
        message = {"id": "1", "type": "subscribe", "payload": {"query": ALERT, "variables": {}}}
        await ws.send(json.dumps(message))
        answer = await next_message(ws)
    assert answer["type"] in {"error", "next"}, answer
    errors = answer["payload"] if answer["type"] == "error" else answer["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
