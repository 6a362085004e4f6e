"""A partner cannot see or touch another partner's tickets, nor file one against another
partner's order; staff see every ticket."""

from __future__ import annotations

import secrets

import pytest

from backend.domain.auth.roles import Role
from backend.persistence.models import ReturnTicket
from tests.api.returns_helpers import Desk, document


@pytest.fixture
async def ticket_number(gql, actors, catalogue) -> str:
    desk = Desk(gql, actors, catalogue)
    await desk.delivered_order("SO-S1", [("SKU-1", 1, "50.00")])
    ticket = await desk.do(
        "requestReturn",
        Role.PARTNER,
        orderNumber="SO-S1",
        kind="RETURN",
        reasonCode="CHANGED_MIND",
        lines=[{"sku": "SKU-1", "quantity": 1}],
    )
    return str(ticket["number"])


async def _as(gql, actor, operation, **fields):
    body = await gql(
        document(operation), {"input": {"idempotencyKey": secrets.token_hex(4), **fields}}, actor
    )
    assert "errors" not in body, body
    return body["data"][operation]


async def test_another_partner_cannot_see_the_ticket(gql, actors, outsider, ticket_number):
    query = "query($n: String) { returnTicket(number: $n) { number } }"
    mine = await gql(query, {"n": ticket_number}, actors[Role.PARTNER])
    assert mine["data"]["returnTicket"] == {"number": ticket_number}
    theirs = await gql(query, {"n": ticket_number}, outsider)
    assert theirs["data"]["returnTicket"] is None
    listed = await gql("{ returnTickets { nodes { number } } }", None, outsider)
    assert listed["data"]["returnTickets"]["nodes"] == []
    staff = await gql(query, {"n": ticket_number}, actors[Role.WAREHOUSE])
    assert staff["data"]["returnTicket"] == {"number": ticket_number}


async def test_another_partner_cannot_cancel_the_ticket(gql, actors, outsider, ticket_number):
    payload = await _as(
        gql, outsider, "cancelTicket", ticketNumber=ticket_number, reason="not mine"
    )
    assert payload["userErrors"][0]["code"] == "UNKNOWN_TICKET"
    assert (await ReturnTicket.get(number=ticket_number)).status.value == "REQUESTED"
    # Its own partner may withdraw the application before the goods arrive.
    payload = await _as(
        gql, actors[Role.PARTNER], "cancelTicket", ticketNumber=ticket_number, reason="kept it"
    )
    assert payload["ticket"]["status"] == "CANCELLED"


async def test_another_partner_cannot_file_a_return_on_the_order(gql, outsider, ticket_number):
    payload = await _as(
        gql,
        outsider,
        "requestReturn",
        orderNumber="SO-S1",
        kind="RETURN",
        reasonCode="CHANGED_MIND",
        lines=[{"sku": "SKU-1", "quantity": 1}],
    )
    assert payload["userErrors"][0]["code"] == "UNKNOWN_ORDER"
    assert await ReturnTicket.all().count() == 1
