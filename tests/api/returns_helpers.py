"""Driving the returns desk through GraphQL in tests: a delivered order to return against,
one call per operation, and readings of ticket, stock by zone and ledger afterwards."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from backend.domain.auth.roles import Role
from backend.domain.stock.kinds import ZoneKind
from backend.persistence.models import StockBalance
from tests.api.ledger_helpers import receive
from tests.conftest import Actor, Catalogue

TICKET = """
  id number kind source remote status allowedActions customerName shippingFeePayer
  shippingFee refundDue refunded replacementReserved declineCode windowOverrideReason
  pendingLocationCode assignee { username }
  lines { id quantity quantityReceived quantityGraded quantityDispositioned quantityRefunded
          product { sku } wantedProduct { sku } }
  history { action fromStatus toStatus actor { username } detail }
  inspections { stage quantity passed grade responsibility defectTags }
  refunds { amount }
  shipments { purpose status waybill orderNumber }
  inboundWaybills { waybill status replacedBy }
  courierClaims { id status amountClaimed amountSettled }
  label { ticketNumber customerName exchangeNeed printUrl }
"""

_keys = itertools.count(1)

OPERATIONS = {
    "requestReturn": "RequestReturnInput",
    "approveReturn": "TicketNoteInput",
    "declineReturn": "DeclineReturnInput",
    "recordRefusedParcel": "RecordRefusedParcelInput",
    "reportUndeliverable": "ReportUndeliverableInput",
    "unpackReturn": "UnpackReturnInput",
    "recordInspection": "RecordInspectionInput",
    "decideReturn": "DecideReturnInput",
    "putAwayReturn": "PutAwayReturnInput",
    "issueRefund": "IssueRefundInput",
    "reship": "ReshipInput",
    "swapWaybill": "TicketNoteInput",
    "createReplacementOrder": "TicketNoteInput",
    "shipReplacement": "ShipWithWaybillInput",
    "returnToCustomer": "ShipWithWaybillInput",
    "openCourierClaim": "OpenCourierClaimInput",
    "settleCourierClaim": "SettleCourierClaimInput",
    "assignTicket": "AssignTicketInput",
    "addTicketNote": "AddTicketNoteInput",
    "holdTicket": "ChangeTicketInput",
    "resumeTicket": "ChangeTicketInput",
    "cancelTicket": "ChangeTicketInput",
    "reopenTicket": "ChangeTicketInput",
    "closeTicket": "ChangeTicketInput",
    "setShippingPayer": "SetShippingPayerInput",
    "linkExceptionParcel": "LinkExceptionParcelInput",
}


def document(operation: str) -> str:
    if operation == "registerParcel":
        return (
            "mutation($input: RegisterParcelInput!) { registerParcel(input: $input) {"
            f" ticket {{ {TICKET} }} exception replayed userErrors {{ field code message }} }} }}"
        )
    return (
        f"mutation($input: {OPERATIONS[operation]}!) {{ {operation}(input: $input) {{"
        f" ticket {{ {TICKET} }} replayed userErrors {{ field code message }} }} }}"
    )


class Desk:
    """The returns desk as the API offers it to each role."""

    def __init__(self, gql: Any, actors: dict[Role, Actor], catalogue: Catalogue) -> None:
        self.gql = gql
        self.actors = actors
        self.catalogue = catalogue

    async def call(
        self, operation: str, role: Role, key: str | None = None, **fields: Any
    ) -> dict[str, Any]:
        """The payload; fields go into `input` with a fresh idempotency key unless given."""
        body = await self.gql(
            document(operation),
            {"input": {"idempotencyKey": key or f"k-{next(_keys)}", **fields}},
            self.actors[role],
        )
        assert "errors" not in body, body
        payload: dict[str, Any] = body["data"][operation]
        return payload

    async def do(self, operation: str, role: Role, **fields: Any) -> dict[str, Any]:
        """The ticket after an operation that must succeed."""
        payload = await self.call(operation, role, **fields)
        assert payload["userErrors"] == [], payload["userErrors"]
        ticket: dict[str, Any] = payload["ticket"]
        return ticket

    async def refused(self, operation: str, role: Role, **fields: Any) -> dict[str, Any]:
        """The one user error of an operation that must be refused."""
        payload = await self.call(operation, role, **fields)
        assert payload["ticket"] is None, payload
        assert len(payload["userErrors"]) == 1, payload
        error: dict[str, Any] = payload["userErrors"][0]
        return error

    async def ticket(self, number: str, role: Role = Role.ADMIN) -> dict[str, Any]:
        body = await self.gql(
            f"query($n: String) {{ returnTicket(number: $n) {{ {TICKET} }} }}",
            {"n": number},
            self.actors[role],
        )
        assert "errors" not in body, body
        found: dict[str, Any] = body["data"]["returnTicket"]
        return found

    async def delivered_order(
        self,
        number: str,
        lines: list[tuple[str, int, str]],
        *,
        days_ago: int = 2,
        waybill: str | None = None,
    ) -> str:
        """Stock received, the order created by the partner, shipped and delivered
        `days_ago` days ago. Returns the shipment's waybill."""
        admin = self.actors[Role.ADMIN]
        sellable = self.catalogue.bin(ZoneKind.SELLABLE)
        for sku, quantity, _ in lines:
            await receive(self.gql, admin, sku, sellable, quantity)
        placed = datetime.now(UTC) - timedelta(days=days_ago + 2)
        body = await self.gql(
            "mutation($input: CreateOrderInput!) { createOrder(input: $input) {"
            " userErrors { code } } }",
            {
                "input": {
                    "idempotencyKey": f"order-{number}",
                    "number": number,
                    "customer": {"name": "陈晓", "phone": "13800000001", "address": "上海市"},
                    "lines": [
                        {"sku": sku, "quantity": quantity, "unitPricePaid": price}
                        for sku, quantity, price in lines
                    ],
                    "placedAt": placed.isoformat(),
                }
            },
            self.actors[Role.PARTNER],
        )
        assert body["data"]["createOrder"]["userErrors"] == [], body
        waybill = waybill or f"SF{number}"
        body = await self.gql(
            "mutation($input: RecordShipmentInput!) { recordShipment(input: $input) {"
            " userErrors { code message } } }",
            {
                "input": {
                    "idempotencyKey": f"ship-{number}",
                    "orderNumber": number,
                    "waybill": waybill,
                    "courier": "SF",
                    "shippedAt": (placed + timedelta(hours=1)).isoformat(),
                    "lines": [
                        {"sku": sku, "locationCode": sellable, "quantity": quantity}
                        for sku, quantity, _ in lines
                    ],
                }
            },
            admin,
        )
        assert body["data"]["recordShipment"]["userErrors"] == [], body
        delivered = datetime.now(UTC) - timedelta(days=days_ago)
        body = await self.gql(
            "mutation($input: MarkDeliveredInput!) { markDelivered(input: $input) {"
            " userErrors { code message } } }",
            {"input": {"waybill": waybill, "deliveredAt": delivered.isoformat()}},
            self.actors[Role.LOGISTICS],
        )
        assert body["data"]["markDelivered"]["userErrors"] == [], body
        return waybill


async def on_hand_by_zone(sku: str) -> dict[str, int]:
    """Units of a SKU on hand per zone kind (zero zones left out)."""
    rows = await StockBalance.filter(product__sku=sku).prefetch_related("location")
    found: dict[str, int] = {}
    for row in rows:
        if row.on_hand:
            zone = row.location.zone_kind.value
            found[zone] = found.get(zone, 0) + row.on_hand
    return found


async def ledger_is_consistent(gql: Any, actor: Actor) -> bool:
    body = await gql("{ ledgerCheck { ok } }", None, actor)
    assert "errors" not in body, body
    return bool(body["data"]["ledgerCheck"]["ok"])


def moves(ticket: dict[str, Any]) -> list[tuple[str | None, str | None]]:
    """The status steps of a ticket's history, in order."""
    return [(e["fromStatus"], e["toStatus"]) for e in ticket["history"] if e["toStatus"]]


def freeze_ticket_clock(monkeypatch: pytest.MonkeyPatch, now: Callable[[], datetime]) -> None:
    """Make `datetime.now` answer `now()` where history rows and refunds are stamped."""

    class Frozen(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
            return now()

    import backend.persistence.repositories.tickets as ticket_repo
    import backend.services.returns.money as money

    monkeypatch.setattr(ticket_repo, "datetime", Frozen)
    monkeypatch.setattr(money, "datetime", Frozen)
