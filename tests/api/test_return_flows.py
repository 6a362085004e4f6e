"""One end-to-end API test per flow (issue 3, item 7): ticket status, history, stock by
zone and the ledger afterwards."""

from __future__ import annotations

from decimal import Decimal

import pytest

from backend.domain.auth.roles import Role
from backend.domain.stock.kinds import ZoneKind
from backend.persistence.models import StockMovement
from tests.api.returns_helpers import Desk, ledger_is_consistent, moves, on_hand_by_zone

CS, WH, QC, LOG, FIN = (
    Role.CUSTOMER_SERVICE,
    Role.WAREHOUSE,
    Role.QC,
    Role.LOGISTICS,
    Role.FINANCE,
)


@pytest.fixture
def desk(gql, actors, catalogue) -> Desk:
    return Desk(gql, actors, catalogue)


def _results(ticket, *verdicts):
    """Inspection results: one (line index, quantity, passed, grade, responsibility, tags)
    per group."""
    return [
        {
            "lineId": ticket["lines"][line]["id"],
            "quantity": quantity,
            "passed": passed,
            "grade": grade,
            "responsibility": responsibility,
            "defectTags": tags,
        }
        for line, quantity, passed, grade, responsibility, tags in verdicts
    ]


async def test_customer_return_accepted_with_one_good_and_one_defective_unit(desk, gql, actors):
    await desk.delivered_order("SO-R1", [("SKU-1", 2, "99.00")])
    ticket = await desk.do(
        "requestReturn",
        Role.PARTNER,
        orderNumber="SO-R1",
        kind="RETURN",
        reasonCode="QUALITY_DEFECT",
        details="Seam opened after one wash",
        lines=[{"sku": "SKU-1", "quantity": 2}],
        returnWaybill="YT-BACK-1",
        returnCourier="YTO",
    )
    number = ticket["number"]
    assert ticket["status"] == "REQUESTED"
    assert ticket["shippingFeePayer"] == "MERCHANT"  # a quality reason (Art. 24)
    assert ticket["assignee"]["username"] == "customer_service"  # a partner's goes to CS

    await desk.do("approveReturn", CS, ticketNumber=number)
    arrived = await desk.do("registerParcel", WH, code="YT-BACK-1", courier="YTO")
    assert arrived["status"] == "RECEIVED"
    unpacked = await desk.do(
        "unpackReturn", WH, ticketNumber=number, pendingLocationCode=desk.catalogue.bin(
            ZoneKind.PENDING
        )
    )
    assert unpacked["status"] == "UNPACKED"
    assert unpacked["label"]["ticketNumber"] == number
    assert unpacked["label"]["customerName"] == "陈晓"
    assert await on_hand_by_zone("SKU-1") == {"PENDING": 2}

    await desk.do(
        "recordInspection",
        WH,
        ticketNumber=number,
        stage="INITIAL",
        results=_results(unpacked, (0, 2, True, None, "UNKNOWN", [])),
    )
    decided_by_qc = await desk.do(
        "recordInspection",
        QC,
        ticketNumber=number,
        stage="QC",
        results=_results(
            unpacked,
            (0, 1, True, "A", "UNKNOWN", []),
            (0, 1, False, "C", "PRODUCT", ["SEAM"]),
        ),
    )
    assert decided_by_qc["status"] == "QC_INSPECTED"
    assert decided_by_qc["lines"][0]["quantityGraded"] == 2
    # Nothing left the pending zone before the decision.
    assert await on_hand_by_zone("SKU-1") == {"PENDING": 2}

    accepted = await desk.do("decideReturn", CS, ticketNumber=number, decision="ACCEPT")
    assert accepted["status"] == "REFUND_PENDING"
    assert Decimal(accepted["refundDue"]) == Decimal("198.00")
    assert await on_hand_by_zone("SKU-1") == {"SELLABLE": 1, "DEFECTIVE": 1}

    partly = await desk.do("issueRefund", FIN, ticketNumber=number, amount="100.00")
    assert partly["status"] == "REFUND_PENDING"
    over = await desk.refused("issueRefund", FIN, ticketNumber=number, amount="98.01")
    assert over["code"] == "REFUND_EXCEEDS_DUE"
    refunded = await desk.do("issueRefund", FIN, ticketNumber=number, amount="98.00")
    assert refunded["status"] == "FOLLOW_UP"  # the follow-up call waits for CS (Art. 25)
    assert Decimal(refunded["refunded"]) == Decimal("198.00")
    assert refunded["lines"][0]["quantityRefunded"] == 2
    closed = await desk.do("closeTicket", CS, ticketNumber=number, reason="Customer satisfied")
    assert closed["status"] == "CLOSED"

    assert moves(closed) == [
        (None, "REQUESTED"),
        ("REQUESTED", "APPROVED"),
        ("APPROVED", "RECEIVED"),
        ("RECEIVED", "UNPACKED"),
        ("UNPACKED", "INITIAL_INSPECTED"),
        ("INITIAL_INSPECTED", "QC_INSPECTED"),
        ("QC_INSPECTED", "REFUND_PENDING"),
        ("REFUND_PENDING", "REFUNDED"),
        ("REFUNDED", "FOLLOW_UP"),
        ("FOLLOW_UP", "CLOSED"),
    ]
    people = {e["action"]: e["actor"]["username"] for e in closed["history"]}
    assert people["INSPECT_QC"] == "qc" and people["REFUND"] == "finance"
    kinds = sorted(
        (m.kind.value, m.quantity)
        for m in await StockMovement.filter(reference=number, reference_type="TICKET")
    )
    assert kinds == [("MOVE_TO_DEFECTIVE", 1), ("MOVE_TO_PENDING", 2), ("RETURN_TO_STOCK", 1)]
    assert await ledger_is_consistent(gql, actors[Role.ADMIN])
