"""Bad input of every kind gets a clear error, never a 500 and never a write."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest

from backend.domain.auth.roles import Role
from backend.domain.stock.kinds import ZoneKind
from backend.persistence.models import AuthToken
from backend.services.stock import booking
from tests.api.ledger_helpers import RECEIVE, SHIP, counts, receive, snapshot

SIMPLE_RECEIVE = """
mutation($input: ReceiveStockInput!) {
  receiveStock(input: $input) { movement { id } userErrors { field code message } }
}
"""


@pytest.fixture
def clerk(actors):
    return actors[Role.WAREHOUSE]


@pytest.fixture
async def stocked(gql, clerk, catalogue):
    """Some stock already booked, so 'nothing changed' compares against real rows."""
    await receive(gql, clerk, "SKU-1", catalogue.bin(ZoneKind.SELLABLE), 5)
    return await counts(), await snapshot()


def _input(catalogue, **overrides):
    return {
        "idempotencyKey": "bad-1",
        "sku": "SKU-1",
        "locationCode": catalogue.bin(ZoneKind.SELLABLE),
        "quantity": 1,
        **overrides,
    }


async def _unchanged(stocked):
    before_counts, before_rows = stocked
    assert await counts() == before_counts
    assert await snapshot() == before_rows


async def test_a_syntax_error_is_answered_with_errors_and_changes_nothing(
    gql, clerk, catalogue, stocked
):
    body = await gql("mutation { receiveStock(input: { sku: ", None, clerk)

    assert body.get("data") is None
    assert "Syntax Error" in body["errors"][0]["message"]
    await _unchanged(stocked)


async def test_a_quantity_of_the_wrong_type_is_a_validation_error(gql, clerk, catalogue, stocked):
    as_variable = await gql(SIMPLE_RECEIVE, {"input": _input(catalogue, quantity="five")}, clerk)
    inline = await gql(
        'mutation { receiveStock(input: {idempotencyKey: "x", sku: "SKU-1",'
        ' locationCode: "W1-SEL-1", quantity: "five"}) { userErrors { code } } }',
        None,
        clerk,
    )

    for body in (as_variable, inline):
        assert body.get("data") is None
        assert "Int" in body["errors"][0]["message"]
    await _unchanged(stocked)


@pytest.mark.parametrize("quantity", [0, -1, 10**9])
async def test_zero_negative_and_absurd_quantities_are_invalid(
    gql, clerk, catalogue, stocked, quantity
):
    body = await gql(SIMPLE_RECEIVE, {"input": _input(catalogue, quantity=quantity)}, clerk)

    errors = body["data"]["receiveStock"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [("quantity", "INVALID_QUANTITY")]
    await _unchanged(stocked)


@pytest.mark.parametrize("quantity", [2**31, -(2**31) - 1, 1.5])
async def test_a_quantity_beyond_graphql_int_is_rejected_before_any_resolver(
    gql, clerk, catalogue, stocked, quantity
):
    body = await gql(SIMPLE_RECEIVE, {"input": _input(catalogue, quantity=quantity)}, clerk)

    assert body.get("data") is None
    assert "Int" in body["errors"][0]["message"]
    await _unchanged(stocked)


@pytest.mark.parametrize(
    ("document", "overrides", "field"),
    [
        (SIMPLE_RECEIVE, {"sku": "S" * 10_000}, "sku"),
        (SIMPLE_RECEIVE, {"locationCode": "B" * 10_000}, "locationCode"),
        (SIMPLE_RECEIVE, {"note": "n" * 5_000}, "note"),
        (SIMPLE_RECEIVE, {"reference": "R" * 100}, "reference"),
        (SIMPLE_RECEIVE, {"idempotencyKey": "k" * 1_000}, "idempotencyKey"),
        (SHIP, {"reference": "R" * 100}, "reference"),
        (SHIP, {"note": "n" * 5_000}, "note"),
    ],
)
async def test_over_long_strings_are_user_errors(
    gql, clerk, catalogue, stocked, document, overrides, field
):
    body = await gql(document, {"input": _input(catalogue, **overrides)}, clerk)

    payload = next(iter(body["data"].values()))
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, "TOO_LONG")]
    await _unchanged(stocked)


@pytest.mark.parametrize("sku", ["SKU 1", "<script>", "SKU-1'; DROP TABLE product;--", "-x"])
async def test_codes_with_odd_characters_are_invalid(gql, clerk, catalogue, stocked, sku):
    body = await gql(SIMPLE_RECEIVE, {"input": _input(catalogue, sku=sku)}, clerk)

    errors = body["data"]["receiveStock"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [("sku", "INVALID")]
    await _unchanged(stocked)


async def _expired_token(actor) -> str:
    token = "expired-token-for-tests"
    await AuthToken.create(
        user=actor.user,
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        expires_at=datetime.now(UTC) - timedelta(minutes=1),
    )
    return token


@pytest.mark.parametrize("credential", ["none", "garbage", "expired", "not-bearer"])
async def test_requests_without_a_valid_token_are_unauthenticated(
    client, clerk, catalogue, stocked, credential
):
    headers = {
        "none": {},
        "garbage": {"Authorization": "Bearer not-a-real-token"},
        "expired": {"Authorization": f"Bearer {await _expired_token(clerk)}"},
        "not-bearer": {"Authorization": f"Basic {clerk.token}"},
    }[credential]

    response = await client.post(
        "/graphql",
        json={"query": SIMPLE_RECEIVE, "variables": {"input": _input(catalogue)}},
        headers=headers,
    )

    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    await _unchanged(stocked)


async def test_a_body_that_is_not_json_is_refused_with_a_client_error(
    client, clerk, catalogue, stocked
):
    for content_type, content in [
        ("application/json", b'{"query": "mutation {'),
        ("application/json", b"\xff\xfe not utf-8"),
        ("text/plain", b"mutation { receiveStock }"),
    ]:
        response = await client.post(
            "/graphql",
            content=content,
            headers={**clerk.headers, "Content-Type": content_type},
        )
        assert 400 <= response.status_code < 500, (content, response.status_code)
    await _unchanged(stocked)


async def test_a_mutation_over_get_is_refused(client, clerk, catalogue, stocked):
    document = (
        'mutation { receiveStock(input: {idempotencyKey: "g", sku: "SKU-1",'
        ' locationCode: "W1-SEL-1", quantity: 1}) { userErrors { code } } }'
    )

    response = await client.get("/graphql", params={"query": document}, headers=clerk.headers)

    assert 400 <= response.status_code < 500
    await _unchanged(stocked)


async def test_a_body_above_one_megabyte_is_refused(client, clerk, catalogue, stocked):
    variables = {"input": _input(catalogue, note="n" * 1_100_000)}
    content = json.dumps({"query": SIMPLE_RECEIVE, "variables": variables}).encode()

    response = await client.post(
        "/graphql",
        content=content,
        headers={**clerk.headers, "Content-Type": "application/json"},
    )

    assert response.status_code == 413
    await _unchanged(stocked)


def _nested(depth: int) -> str:
    """stockMovements -> nodes -> corrects ... -> id, `depth` selection sets deep."""
    corrects = depth - 2
    return (
        "{ stockMovements { nodes { " + "corrects { " * corrects + "id" + " }" * corrects + " } } }"
    )


async def test_a_query_deeper_than_ten_levels_is_refused(gql, clerk, catalogue):
    refused = await gql(_nested(11), None, clerk)
    allowed = await gql(_nested(10), None, clerk)

    assert refused.get("data") is None
    assert "exceeds maximum operation depth of 10" in refused["errors"][0]["message"]
    assert allowed == {"data": {"stockMovements": {"nodes": []}}}


async def test_a_malformed_date_in_a_filter_is_a_clear_error(gql, clerk, catalogue):
    query = "query($f: StockMovementFilter) { stockMovements(filter: $f) { nodes { id } } }"

    body = await gql(query, {"f": {"since": "yesterday"}}, clerk)

    assert body.get("data") is None
    message = body["errors"][0]["message"]
    assert "since" in message
    assert message != "Unexpected error."


async def test_more_than_fifteen_aliases_are_refused(gql, clerk, catalogue):
    def aliased(n: int) -> str:
        return "{ " + " ".join(f"a{i}: warehouses {{ code }}" for i in range(n)) + " }"

    refused = await gql(aliased(16), None, clerk)
    allowed = await gql(aliased(15), None, clerk)

    assert refused.get("data") is None
    assert "aliases" in refused["errors"][0]["message"]
    assert len(allowed["data"]) == 15


async def test_an_unexpected_exception_is_masked_in_production(
    gql, clerk, catalogue, stocked, monkeypatch
):
    async def broken(*args, **kwargs):
        raise RuntimeError("secret internals: /srv/app/booking.py line 42")

    monkeypatch.setattr(booking, "receive_stock", broken)

    body = await gql(RECEIVE, {"input": _input(catalogue)}, clerk)

    assert body["data"] is None
    assert [e["message"] for e in body["errors"]] == ["Unexpected error."]
    text = json.dumps(body)
    assert "secret internals" not in text
    assert "Traceback" not in text
    assert "RuntimeError" not in text
    await _unchanged(stocked)
