"""Many people acting on one ticket at once: the stock is booked once and no money is paid
twice. On SQLite transactions are serialised; on PostgreSQL they truly race, and the
ticket's version makes every loser refuse cleanly."""

from __future__ import annotations

import asyncio
from collections import Counter
from decimal import Decimal

import pytest

from backend.domain.auth.roles import Role
from backend.domain.stock.kinds import ZoneKind
from backend.persistence.models import Refund, ReturnTicket, StockMovement
from tests.api.returns_helpers import Desk, ledger_is_consistent, on_hand_by_zone


@pytest.fixture
async def desk(gql, actors, catalogue) -> Desk:
    return Desk(gql, actors, catalogue)


async def _arrived(desk: Desk) -> str:
    await desk.delivered_order("SO-C1", [("SKU-1", 3, "40.00")])
    ticket = await desk.do(
        "requestReturn",
        Role.CUSTOMER_SERVICE,
        orderNumber="SO-C1",
        kind="RETURN",
        reasonCode="QUALITY_DEFECT",
        lines=[{"sku": "SKU-1", "quantity": 3}],
    )
    await desk.do("approveReturn", Role.CUSTOMER_SERVICE, ticketNumber=ticket["number"])
    await desk.do("registerParcel", Role.WAREHOUSE, code=ticket["number"])
    return str(ticket["number"])


def _outcomes(payloads) -> Counter[str]:
    return Counter(p["userErrors"][0]["code"] if p["userErrors"] else "ok" for p in payloads)


async def test_ten_clerks_unpacking_one_parcel_book_its_goods_once(desk, gql, actors):
    number = await _arrived(desk)
    pending = desk.catalogue.bin(ZoneKind.PENDING)
    payloads = await asyncio.gather(
        *(
            desk.call(
                "unpackReturn", Role.WAREHOUSE, ticketNumber=number, pendingLocationCode=pending
            )
            for _ in range(10)
        )
    )
    outcomes = _outcomes(payloads)
    assert outcomes["ok"] == 1
    assert set(outcomes) <= {"ok", "INVALID_TRANSITION", "CONCURRENT_CHANGE"}
    assert await on_hand_by_zone("SKU-1") == {"PENDING": 3}
    assert await StockMovement.filter(reference=number).count() == 1
    assert await ledger_is_consistent(gql, actors[Role.ADMIN])


async def test_racing_refunds_never_pay_more_than_is_due(desk):
    number = await _arrived(desk)
    await desk.do("unpackReturn", Role.WAREHOUSE, ticketNumber=number)
    ticket = await desk.ticket(number)
    line = ticket["lines"][0]["id"]
    for stage, role, grade in (("INITIAL", Role.WAREHOUSE, None), ("QC", Role.QC, "A")):
        await desk.do(
            "recordInspection",
            role,
            ticketNumber=number,
            stage=stage,
            results=[{"lineId": line, "quantity": 3, "passed": True, "grade": grade}],
        )
    decided = await desk.do(
        "decideReturn", Role.CUSTOMER_SERVICE, ticketNumber=number, decision="ACCEPT"
    )
    assert Decimal(decided["refundDue"]) == Decimal("120.00")
    payloads = await asyncio.gather(
        *(
            desk.call("issueRefund", Role.FINANCE, ticketNumber=number, amount="50.00")
            for _ in range(8)
        )
    )
    outcomes = _outcomes(payloads)
    assert 1 <= outcomes["ok"] <= 2  # 50 + 50 fit in 120; a third 50 does not
    assert set(outcomes) <= {"ok", "REFUND_EXCEEDS_DUE", "CONCURRENT_CHANGE"}
    paid = sum((r.amount for r in await Refund.filter(ticket__number=number)), Decimal("0"))
    stored = await ReturnTicket.get(number=number)
    assert paid == stored.refunded == Decimal("50.00") * outcomes["ok"]
    assert stored.refunded <= stored.refund_due
