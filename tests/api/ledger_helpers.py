"""GraphQL documents and small steps shared by the stock ledger API tests."""

from __future__ import annotations

import itertools
from typing import Any

from backend.persistence.models import StockBalance, StockMovement

PAYLOAD = """
    movement {
      id kind quantity reference reason
      fromLocation { code } toLocation { code }
      corrects { id kind }
    }
    levels { onHand reserved available location { code } }
    replayed
    userErrors { field code message }
"""

RECEIVE = f"""
mutation($input: ReceiveStockInput!) {{ receiveStock(input: $input) {{ {PAYLOAD} }} }}
"""
TRANSFER = f"""
mutation($input: TransferStockInput!) {{ transferStock(input: $input) {{ {PAYLOAD} }} }}
"""
SHIP = f"""
mutation($input: ShipStockInput!) {{ shipStock(input: $input) {{ {PAYLOAD} }} }}
"""
ADJUST = f"""
mutation($input: AdjustStockInput!) {{ adjustStock(input: $input) {{ {PAYLOAD} }} }}
"""
CORRECT = f"""
mutation($input: CorrectMovementInput!) {{ correctMovement(input: $input) {{ {PAYLOAD} }} }}
"""

HOLD_PAYLOAD = """
    reservation { id reference quantity product { sku } location { code } }
    levels { onHand reserved available location { code } }
    replayed
    userErrors { field code message }
"""
RESERVE = f"""
mutation($input: ReserveStockInput!) {{ reserveStock(input: $input) {{ {HOLD_PAYLOAD} }} }}
"""
RELEASE = f"""
mutation($input: ReleaseStockInput!) {{ releaseStock(input: $input) {{ {HOLD_PAYLOAD} }} }}
"""

LEVEL = """
query($sku: String!, $bin: String!) {
  stockLevels(filter: {sku: $sku, locationCode: $bin, includeEmpty: true}) {
    nodes { onHand reserved available }
  }
}
"""

LEDGER_CHECK = "{ ledgerCheck { ok balancesChecked mismatches { sku locationCode } } }"

_keys = itertools.count(1)


def key() -> str:
    """A fresh idempotency key."""
    return f"k-{next(_keys)}"


async def mutate(gql: Any, document: str, actor: Any, **fields: Any) -> dict[str, Any]:
    """Run one stock mutation with a fresh key; return its payload."""
    body = await gql(document, {"input": {"idempotencyKey": key(), **fields}}, actor)
    assert "errors" not in body, body
    payload: dict[str, Any] = next(iter(body["data"].values()))
    return payload


async def receive(gql: Any, actor: Any, sku: str, bin_code: str, quantity: int) -> dict[str, Any]:
    payload = await mutate(gql, RECEIVE, actor, sku=sku, locationCode=bin_code, quantity=quantity)
    assert payload["userErrors"] == [], payload
    return payload


async def reserve(
    gql: Any, actor: Any, sku: str, bin_code: str, quantity: int, reference: str
) -> dict[str, Any]:
    payload = await mutate(
        gql, RESERVE, actor, sku=sku, locationCode=bin_code, quantity=quantity, reference=reference
    )
    assert payload["userErrors"] == [], payload
    return payload


async def level(gql: Any, actor: Any, sku: str, bin_code: str) -> dict[str, int] | None:
    body = await gql(LEVEL, {"sku": sku, "bin": bin_code}, actor)
    nodes = body["data"]["stockLevels"]["nodes"]
    return nodes[0] if nodes else None


async def ledger_ok(gql: Any, actor: Any) -> bool:
    body = await gql(LEDGER_CHECK, None, actor)
    return bool(body["data"]["ledgerCheck"]["ok"])


def codes(payload: dict[str, Any]) -> list[str]:
    return [error["code"] for error in payload["userErrors"]]


async def counts() -> tuple[int, int]:
    """(movements, balances): what a refused request must leave untouched."""
    return await StockMovement.all().count(), await StockBalance.all().count()


async def snapshot() -> list[tuple[int, int, int, int]]:
    """Every balance row as (product, location, on hand, reserved)."""
    rows = await StockBalance.all().order_by("id")
    return [(b.product_id, b.location_id, b.on_hand, b.reserved) for b in rows]
