"""JSON POSTs are served by the fast path; whatever it does not handle, Strawberry's view
answers exactly as before, with the request body intact."""

from __future__ import annotations

import pytest

from backend.domain.auth.roles import Role


async def _post(client, actor, body: bytes):
    return await client.post(
        "/graphql",
        content=body,
        headers={**actor.headers, "content-type": "application/json"},
    )


async def test_an_ordinary_query_is_answered(client, actors):
    response = await _post(client, actors[Role.ADMIN], b'{"query": "{ me { username } }"}')
    assert response.status_code == 200
    assert response.json() == {"data": {"me": {"username": "admin"}}}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b'{"query": "subscription { stockChanged { sku } }"}', 400),  # not over POST
        (b'{"query": ""}', 400),  # no query
        (b"[1, 2]", 400),  # not one operation
        (b'{"query": "{ me { username } }", "variables": [1]}', 400),  # variables not a map
        (b'{"query": "{ me ', 400),  # malformed JSON
    ],
)
async def test_unusual_requests_get_strawberrys_answers(client, actors, body, status):
    response = await _post(client, actors[Role.ADMIN], body)
    assert response.status_code == status


async def test_a_request_with_extensions_is_still_executed_by_the_view(client, actors):
    body = b'{"query": "{ me { username } }", "extensions": {"trace": false}}'
    response = await _post(client, actors[Role.ADMIN], body)
    assert response.status_code == 200
    assert response.json()["data"] == {"me": {"username": "admin"}}
