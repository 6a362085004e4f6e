"""Corrective and preventive actions (issue 5, item 3; Art. 25.3) over GraphQL: the whole
path with the right roles, every wrong role refused, send-backs with a reason and a
revision, the effect's before and after figures stored on verification, bad input and
replays changing nothing, and two approvers at once of whom one wins."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from backend.domain.auth.roles import Role
from backend.domain.stock.kinds import ZoneKind
from backend.persistence.models import (
    CorrectiveAction,
    CorrectiveActionEvent,
    ReturnTicket,
    SalesOrder,
    Shipment,
    ShipmentLine,
)
from tests.api.returns_helpers import Desk

SUP, MGR, DIR = Role.SUPERVISOR, Role.CS_MANAGER, Role.CS_DIRECTOR
CS, WH, QC, ADMIN = Role.CUSTOMER_SERVICE, Role.WAREHOUSE, Role.QC, Role.ADMIN

ACTION = """
  number status rootCause action owner { username } dueDate proposedBy { username }
  proposedAt implementedAt verifiedAt
  reasons { code } products { sku } exampleTickets myActions
  history { move fromStatus toStatus note actor { username } }
  effectNote
  effect { beforeFrom beforeTo afterFrom afterTo
    rows { dimension key
      before { tickets units shippedUnits returnRate qcUnits customerUnits customerDamageShare }
      after { tickets units shippedUnits returnRate qcUnits customerUnits customerDamageShare } } }
"""

INPUTS = {
    "proposeCorrectiveAction": "ProposeCorrectiveActionInput",
    "reviseCorrectiveAction": "ReviseCorrectiveActionInput",
    "approveCorrectiveAction": "ApproveCorrectiveActionInput",
    "sendBackCorrectiveAction": "SendBackCorrectiveActionInput",
    "markCorrectiveActionImplemented": "MarkCorrectiveActionImplementedInput",
    "verifyCorrectiveAction": "VerifyCorrectiveActionInput",
}

_keys = itertools.count(1)


@pytest.fixture
def desk(gql, actors, catalogue) -> Desk:
    return Desk(gql, actors, catalogue)


def fields(**given: Any) -> dict[str, Any]:
    found: dict[str, Any] = {
        "rootCause": "The supplier's seams tear after one wash.",
        "action": "Seam strength test on every incoming lot.",
        "owner": "warehouse",
        "dueDate": (datetime.now(UTC).date() + timedelta(days=30)).isoformat(),
        "reasonCodes": ["QUALITY_DEFECT"],
        "skus": ["SKU-1"],
    }
    found.update(given)
    return found


async def body(desk: Desk, operation: str, role: Role, key: str | None = None, **given: Any):
    return await desk.gql(
        f"mutation($input: {INPUTS[operation]}!) {{ {operation}(input: $input) {{"
        f" correctiveAction {{ {ACTION} }} replayed userErrors {{ field code message }} }} }}",
        {"input": {"idempotencyKey": key or f"ca-{next(_keys)}", **given}},
        desk.actors[role],
    )


async def call(desk: Desk, operation: str, role: Role, key: str | None = None, **given: Any):
    found = await body(desk, operation, role, key, **given)
    assert "errors" not in found, found
    payload: dict[str, Any] = found["data"][operation]
    return payload


async def do(desk: Desk, operation: str, role: Role, **given: Any) -> dict[str, Any]:
    payload = await call(desk, operation, role, **given)
    assert payload["userErrors"] == [], payload["userErrors"]
    action: dict[str, Any] = payload["correctiveAction"]
    return action


async def refused(desk: Desk, operation: str, role: Role, **given: Any) -> dict[str, Any]:
    payload = await call(desk, operation, role, **given)
    assert payload["correctiveAction"] is None, payload
    [error] = payload["userErrors"]
    return dict(error)


async def forbidden(desk: Desk, operation: str, role: Role, **given: Any) -> None:
    found = await body(desk, operation, role, **given)
    assert [e["extensions"]["code"] for e in found["errors"]] == ["FORBIDDEN"], found


async def read(desk: Desk, number: str, role: Role = ADMIN) -> dict[str, Any]:
    found = await desk.gql(
        f"query($n: String!) {{ correctiveAction(number: $n) {{ {ACTION} }} }}",
        {"n": number},
        desk.actors[role],
    )
    assert "errors" not in found, found
    action: dict[str, Any] = found["data"]["correctiveAction"]
    return action


def moves(action: dict[str, Any]) -> list[tuple[str, str | None, str, str]]:
    return [
        (e["move"], e["fromStatus"], e["toStatus"], e["actor"]["username"])
        for e in action["history"]
    ]


async def test_the_whole_path_with_the_right_roles(desk):
    year = datetime.now(UTC).year
    proposed = await do(desk, "proposeCorrectiveAction", SUP, fields=fields())
    number = proposed["number"]
    assert number == f"CA-{year}-0001"
    assert proposed["status"] == "PROPOSED"
    assert proposed["owner"]["username"] == "warehouse"
    assert [r["code"] for r in proposed["reasons"]] == ["QUALITY_DEFECT"]
    assert [p["sku"] for p in proposed["products"]] == ["SKU-1"]
    assert proposed["myActions"] == []  # the supervisor waits for the manager
    assert (await read(desk, number, MGR))["myActions"] == ["APPROVE", "SEND_BACK"]
    assert (await read(desk, number, DIR))["myActions"] == []

    approved = await do(desk, "approveCorrectiveAction", MGR, number=number, note="Good.")
    assert approved["status"] == "MANAGER_APPROVED"
    assert (await read(desk, number, DIR))["myActions"] == ["APPROVE", "SEND_BACK"]
    approved = await do(desk, "approveCorrectiveAction", DIR, number=number)
    assert approved["status"] == "DIRECTOR_APPROVED"
    assert (await read(desk, number, WH))["myActions"] == ["MARK_IMPLEMENTED"]  # the owner
    assert (await read(desk, number, QC))["myActions"] == []

    done = await do(desk, "markCorrectiveActionImplemented", WH, number=number)
    assert done["status"] == "IMPLEMENTED"
    assert done["implementedAt"] is not None
    assert (await read(desk, number, SUP))["myActions"] == ["VERIFY"]
    verified = await do(
        desk, "verifyCorrectiveAction", SUP, number=number, effectNote="Fewer tears."
    )
    assert verified["status"] == "VERIFIED"
    assert verified["effectNote"] == "Fewer tears."
    assert verified["myActions"] == []
    assert moves(verified) == [
        ("PROPOSE", None, "PROPOSED", "supervisor"),
        ("APPROVE", "PROPOSED", "MANAGER_APPROVED", "cs_manager"),
        ("APPROVE", "MANAGER_APPROVED", "DIRECTOR_APPROVED", "cs_director"),
        ("MARK_IMPLEMENTED", "DIRECTOR_APPROVED", "IMPLEMENTED", "warehouse"),
        ("VERIFY", "IMPLEMENTED", "VERIFIED", "supervisor"),
    ]
    assert verified["history"][1]["note"] == "Good."
    assert verified["history"][4]["note"] == "Fewer tears."
    # the history is append-only in the database too
    with pytest.raises(Exception, match="corrective_action_event is append-only"):
        await CorrectiveActionEvent.filter(note="Good.").update(note="Changed.")
    listed = await desk.gql(
        "query { correctiveActions(status: VERIFIED, first: 10) {"
        " nodes { number } pageInfo { hasNextPage } } }",
        {},
        desk.actors[QC],
    )
    assert listed["data"]["correctiveActions"]["nodes"] == [{"number": number}]


async def test_each_wrong_role_is_refused_at_each_step(desk):
    for role in (MGR, DIR, CS, WH, QC, Role.FINANCE, Role.LOGISTICS, Role.PARTNER):
        await forbidden(desk, "proposeCorrectiveAction", role, fields=fields())
    number = (await do(desk, "proposeCorrectiveAction", SUP, fields=fields()))["number"]
    for role in (SUP, CS, WH, QC):
        await forbidden(desk, "approveCorrectiveAction", role, number=number)
        await forbidden(desk, "sendBackCorrectiveAction", role, number=number, reason="No.")
    error = await refused(desk, "approveCorrectiveAction", DIR, number=number)
    assert error["code"] == "NOT_ALLOWED"  # the manager approves first
    error = await refused(desk, "sendBackCorrectiveAction", DIR, number=number, reason="No.")
    assert error["code"] == "NOT_ALLOWED"
    error = await refused(desk, "markCorrectiveActionImplemented", WH, number=number)
    assert error["code"] == "INVALID_TRANSITION"

    await do(desk, "approveCorrectiveAction", MGR, number=number)
    error = await refused(desk, "approveCorrectiveAction", MGR, number=number)
    assert error["code"] == "NOT_ALLOWED"  # the second approval is the director's
    error = await refused(desk, "sendBackCorrectiveAction", MGR, number=number, reason="No.")
    assert error["code"] == "NOT_ALLOWED"
    error = await refused(
        desk, "reviseCorrectiveAction", SUP, number=number, fields=fields(action="Other")
    )
    assert error["code"] == "INVALID_TRANSITION"

    await do(desk, "approveCorrectiveAction", DIR, number=number)
    error = await refused(desk, "markCorrectiveActionImplemented", QC, number=number)
    assert error["code"] == "NOT_ALLOWED"  # neither the owner nor a supervisor
    error = await refused(desk, "verifyCorrectiveAction", SUP, number=number, effectNote="x")
    assert error["code"] == "INVALID_TRANSITION"
    for role in (MGR, DIR, WH):
        await forbidden(desk, "verifyCorrectiveAction", role, number=number, effectNote="x")
    await do(desk, "markCorrectiveActionImplemented", SUP, number=number)  # a supervisor may
    found = await desk.gql(
        "query { correctiveActions { nodes { number } } }", {}, desk.actors[Role.PARTNER]
    )
    assert [e["extensions"]["code"] for e in found["errors"]] == ["FORBIDDEN"]
    action = await read(desk, number)
    assert [m[0] for m in moves(action)] == ["PROPOSE", "APPROVE", "APPROVE", "MARK_IMPLEMENTED"]


async def test_send_back_by_manager_and_by_director_then_revise_and_resubmit(desk):
    number = (await do(desk, "proposeCorrectiveAction", SUP, fields=fields()))["number"]
    error = await refused(desk, "sendBackCorrectiveAction", MGR, number=number, reason="  ")
    assert (error["field"], error["code"]) == ("reason", "REQUIRED")
    back = await do(
        desk, "sendBackCorrectiveAction", MGR, number=number, reason="Name the supplier."
    )
    assert back["status"] == "SENT_BACK"
    assert back["history"][-1]["note"] == "Name the supplier."
    assert (await read(desk, number, SUP))["myActions"] == ["RESUBMIT"]
    error = await refused(desk, "approveCorrectiveAction", MGR, number=number)
    assert error["code"] == "INVALID_TRANSITION"

    revised = await do(
        desk,
        "reviseCorrectiveAction",
        SUP,
        number=number,
        fields=fields(rootCause="Supplier ACME's seams tear.", skus=["SKU-1", "SKU-2"]),
        note="Supplier named.",
    )
    assert revised["status"] == "PROPOSED"
    assert revised["rootCause"] == "Supplier ACME's seams tear."
    assert [p["sku"] for p in revised["products"]] == ["SKU-1", "SKU-2"]

    await do(desk, "approveCorrectiveAction", MGR, number=number)
    back = await do(desk, "sendBackCorrectiveAction", DIR, number=number, reason="Too costly.")
    assert back["status"] == "SENT_BACK"
    await do(desk, "reviseCorrectiveAction", SUP, number=number, fields=fields(action="Sample."))
    await do(desk, "approveCorrectiveAction", MGR, number=number)
    final = await do(desk, "approveCorrectiveAction", DIR, number=number)
    assert final["status"] == "DIRECTOR_APPROVED"
    assert final["action"] == "Sample."
    assert moves(final) == [
        ("PROPOSE", None, "PROPOSED", "supervisor"),
        ("SEND_BACK", "PROPOSED", "SENT_BACK", "cs_manager"),
        ("RESUBMIT", "SENT_BACK", "PROPOSED", "supervisor"),
        ("APPROVE", "PROPOSED", "MANAGER_APPROVED", "cs_manager"),
        ("SEND_BACK", "MANAGER_APPROVED", "SENT_BACK", "cs_director"),
        ("RESUBMIT", "SENT_BACK", "PROPOSED", "supervisor"),
        ("APPROVE", "PROPOSED", "MANAGER_APPROVED", "cs_manager"),
        ("APPROVE", "MANAGER_APPROVED", "DIRECTOR_APPROVED", "cs_director"),
    ]
    assert [e["note"] for e in final["history"]][1:3] == ["Name the supplier.", "Supplier named."]


Verdict = tuple[int, bool, str | None, str, list[str]]


async def _return(
    desk: Desk,
    order: str,
    reason: str,
    quantity: int,
    created: datetime,
    qc: list[Verdict] | None = None,
) -> None:
    """A return of SKU-1 created at `created`; with `qc`, through both inspections."""
    ticket = await desk.do(
        "requestReturn",
        CS,
        orderNumber=order,
        kind="RETURN",
        reasonCode=reason,
        lines=[{"sku": "SKU-1", "quantity": quantity}],
    )
    number = ticket["number"]
    if qc is not None:
        await desk.do("approveReturn", CS, ticketNumber=number)
        await desk.do("registerParcel", WH, code=number)
        unpacked = await desk.do(
            "unpackReturn",
            WH,
            ticketNumber=number,
            pendingLocationCode=desk.catalogue.bin(ZoneKind.PENDING),
        )
        line = unpacked["lines"][0]["id"]
        await desk.do(
            "recordInspection",
            WH,
            ticketNumber=number,
            stage="INITIAL",
            results=[{"lineId": line, "quantity": quantity, "passed": True}],
        )
        results = [
            {
                "lineId": line,
                "quantity": units,
                "passed": passed,
                "grade": grade,
                "responsibility": responsibility,
                "defectTags": tags,
            }
            for units, passed, grade, responsibility, tags in qc
        ]
        await desk.do("recordInspection", QC, ticketNumber=number, stage="QC", results=results)
    await ReturnTicket.filter(number=number).update(created_at=created)


async def _shipped(desk: Desk, order: str, quantity: int, at: datetime) -> None:
    await desk.delivered_order(order, [("SKU-1", quantity, "40.00")])
    found = await SalesOrder.get(number=order)
    await Shipment.filter(order_id=found.id).update(shipped_at=at)
    # a line keeps its shipment's time (analytics read it there)
    shipments = await Shipment.filter(order_id=found.id).values_list("id", flat=True)
    await ShipmentLine.filter(shipment_id__in=shipments).update(shipped_at=at)


async def test_verify_stores_the_before_and_after_figures(desk):
    now = datetime.now(UTC)
    # before the proposal: 4 units shipped; 2 returned for a defect, 1 for the wrong size
    await _shipped(desk, "SO-B", 4, now - timedelta(days=25))
    # QC: of the 2 defect units, 1 passed, 1 damaged by the customer
    await _return(
        desk,
        "SO-B",
        "QUALITY_DEFECT",
        2,
        now - timedelta(days=24),
        qc=[(1, True, "A", "UNKNOWN", []), (1, False, "C", "CUSTOMER", ["STAIN"])],
    )
    await _return(desk, "SO-B", "WRONG_SIZE", 1, now - timedelta(days=23))
    # after the implementation: 5 shipped, 1 returned for a defect
    await _shipped(desk, "SO-A", 5, now - timedelta(days=5))
    # QC: the one unit is a product defect, not the customer's doing
    await _return(
        desk,
        "SO-A",
        "QUALITY_DEFECT",
        1,
        now - timedelta(days=4),
        qc=[(1, False, "C", "PRODUCT", ["SEAM"])],
    )
    # between the proposal and the implementation: counted in neither period
    await _shipped(desk, "SO-M", 3, now - timedelta(days=15))
    await _return(desk, "SO-M", "QUALITY_DEFECT", 3, now - timedelta(days=14))

    number = (await do(desk, "proposeCorrectiveAction", SUP, fields=fields()))["number"]
    await do(desk, "approveCorrectiveAction", MGR, number=number)
    await do(desk, "approveCorrectiveAction", DIR, number=number)
    await do(desk, "markCorrectiveActionImplemented", WH, number=number)
    # the proposal 20 days ago, the implementation 10 days ago: both periods are 10 days
    await CorrectiveAction.filter(number=number).update(
        proposed_at=now - timedelta(days=20), implemented_at=now - timedelta(days=10)
    )
    verified = await do(
        desk, "verifyCorrectiveAction", SUP, number=number, effectNote="Defects down."
    )
    effect = verified["effect"]
    before_from = datetime.fromisoformat(effect["beforeFrom"])
    before_to = datetime.fromisoformat(effect["beforeTo"])
    after_from = datetime.fromisoformat(effect["afterFrom"])
    after_to = datetime.fromisoformat(effect["afterTo"])
    assert before_to - before_from == after_to - after_from
    assert before_to == now - timedelta(days=20)
    assert after_from == now - timedelta(days=10)

    def figures(
        tickets: int, units: int, shipped: int, qc_units: int, customer: int
    ) -> dict[str, Any]:
        return {
            "tickets": tickets,
            "units": units,
            "shippedUnits": shipped,
            "returnRate": units / shipped,
            "qcUnits": qc_units,
            "customerUnits": customer,
            "customerDamageShare": customer / qc_units,
        }

    assert effect["rows"] == [
        {
            "dimension": "REASON",
            "key": "QUALITY_DEFECT",
            "before": figures(1, 2, 4, 2, 1),  # rate 2 / 4 = 0.5, damage 1 / 2 = 0.5
            "after": figures(1, 1, 5, 1, 0),  # rate 1 / 5 = 0.2, damage 0 / 1 = 0.0
        },
        {
            "dimension": "PRODUCT",
            "key": "SKU-1",
            "before": figures(2, 3, 4, 2, 1),  # the wrong size too: 3 / 4 = 0.75
            "after": figures(1, 1, 5, 1, 0),
        },
    ]
    # stored: later returns do not change the record
    await _return(desk, "SO-A", "QUALITY_DEFECT", 2, now - timedelta(days=3))
    assert (await read(desk, number))["effect"] == effect


async def test_bad_input_changes_nothing(desk):
    past = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    cases = [
        (fields(dueDate=past), "dueDate", "INVALID"),
        (fields(rootCause=""), "rootCause", "REQUIRED"),
        (fields(action="x" * 2001), "action", "TOO_LONG"),
        (fields(reasonCodes=[], skus=[]), "reasonCodes", "REQUIRED"),
        (fields(reasonCodes=["NO_SUCH_REASON"]), "reasonCodes.0", "NOT_FOUND"),
        (fields(skus=["SKU-404"]), "skus.0", "UNKNOWN_PRODUCT"),
        (fields(exampleTickets=["RT2026999999"]), "exampleTickets.0", "UNKNOWN_TICKET"),
        (fields(owner="nobody"), "owner", "UNKNOWN_USER"),
        (fields(owner="partner"), "owner", "UNKNOWN_USER"),  # partners own no actions
    ]
    for given, field, code in cases:
        error = await refused(desk, "proposeCorrectiveAction", SUP, fields=given)
        assert (error["field"], error["code"]) == (field, code), given
    assert await CorrectiveAction.all().count() == 0
    assert await CorrectiveActionEvent.all().count() == 0
    number = (await do(desk, "proposeCorrectiveAction", SUP, fields=fields()))["number"]
    assert number.endswith("-0001")  # the refused proposals took no number

    error = await refused(
        desk, "verifyCorrectiveAction", SUP, number="CA-2026-9999", effectNote="x"
    )
    assert error["code"] == "NOT_FOUND"
    await do(desk, "approveCorrectiveAction", MGR, number=number)
    await do(desk, "approveCorrectiveAction", DIR, number=number)
    await do(desk, "markCorrectiveActionImplemented", WH, number=number)
    error = await refused(desk, "verifyCorrectiveAction", SUP, number=number, effectNote=" ")
    assert (error["field"], error["code"]) == ("effectNote", "REQUIRED")
    action = await read(desk, number)
    assert action["status"] == "IMPLEMENTED"
    assert action["effect"] is None
    assert len(action["history"]) == 4


async def test_a_replayed_key_books_once(desk):
    first = await call(desk, "proposeCorrectiveAction", SUP, key="p-1", fields=fields())
    again = await call(desk, "proposeCorrectiveAction", SUP, key="p-1", fields=fields())
    assert (first["replayed"], again["replayed"]) == (False, True)
    assert again["correctiveAction"]["number"] == first["correctiveAction"]["number"]
    reused = await call(
        desk, "proposeCorrectiveAction", SUP, key="p-1", fields=fields(action="Other")
    )
    assert reused["userErrors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"
    number = first["correctiveAction"]["number"]
    one = await call(desk, "approveCorrectiveAction", MGR, key="a-1", number=number)
    two = await call(desk, "approveCorrectiveAction", MGR, key="a-1", number=number)
    assert (one["replayed"], two["replayed"]) == (False, True)
    assert two["userErrors"] == []
    assert await CorrectiveAction.all().count() == 1
    assert [m[0] for m in moves(await read(desk, number))] == ["PROPOSE", "APPROVE"]


async def test_two_approvals_at_once_one_wins(desk):
    number = (await do(desk, "proposeCorrectiveAction", SUP, fields=fields()))["number"]
    payloads = await asyncio.gather(
        call(desk, "approveCorrectiveAction", MGR, number=number),
        call(desk, "approveCorrectiveAction", MGR, number=number),
        call(desk, "sendBackCorrectiveAction", MGR, number=number, reason="Wait."),
        call(desk, "approveCorrectiveAction", MGR, number=number),
    )
    outcomes = Counter(p["userErrors"][0]["code"] if p["userErrors"] else "ok" for p in payloads)
    assert outcomes["ok"] == 1, outcomes
    assert set(outcomes) <= {"ok", "CONCURRENT_CHANGE", "NOT_ALLOWED", "INVALID_TRANSITION"}
    action = await read(desk, number)
    assert len(action["history"]) == 2
    assert action["status"] in {"MANAGER_APPROVED", "SENT_BACK"}
