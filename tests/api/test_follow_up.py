"""The follow-up call (issue 5, item 1; Art. 25.1): recordFollowUp closes the ticket after a
reached call or the third failed attempt, refuses bad satisfaction before writing anything,
and a new problem reopens the ticket or opens a linked one."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from backend.domain.auth.roles import Role
from backend.persistence.models import FollowUpCall, ReturnTicket, TicketEvent
from tests.api.returns_helpers import Desk, moves

CS, WH, QC, LOG = Role.CUSTOMER_SERVICE, Role.WAREHOUSE, Role.QC, Role.LOGISTICS

FOLLOW_UP_FIELDS = """
  number status allowedActions orderNumber: order { number } followUpTickets raisedInFollowUpOf
  lines { quantity product { sku } }
  history { action fromStatus toStatus detail }
  followUps { attempt reached outcome satisfaction feedback newProblem linkedTicketNumber
              caller { username } at }
"""

RECORD = (
    "mutation($input: RecordFollowUpInput!) { recordFollowUp(input: $input) {"
    f" ticket {{ {FOLLOW_UP_FIELDS} }} replayed userErrors {{ field code message }} }} }}"
)

_keys = itertools.count(1)


@pytest.fixture
def desk(gql, actors, catalogue) -> Desk:
    return Desk(gql, actors, catalogue)


async def record(
    desk: Desk, number: str, role: Role = CS, key: str | None = None, **fields: Any
) -> dict[str, Any]:
    body = await desk.gql(
        RECORD,
        {
            "input": {
                "idempotencyKey": key or f"fu-{next(_keys)}",
                "ticketNumber": number,
                **fields,
            }
        },
        desk.actors[role],
    )
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["recordFollowUp"]
    return payload


async def recorded(desk: Desk, number: str, **fields: Any) -> dict[str, Any]:
    payload = await record(desk, number, **fields)
    assert payload["userErrors"] == [], payload["userErrors"]
    ticket: dict[str, Any] = payload["ticket"]
    return ticket


async def refused(desk: Desk, number: str, role: Role = CS, **fields: Any) -> dict[str, Any]:
    payload = await record(desk, number, role, **fields)
    assert payload["ticket"] is None, payload
    assert len(payload["userErrors"]) == 1, payload
    error: dict[str, Any] = payload["userErrors"][0]
    return error


async def read(desk: Desk, number: str) -> dict[str, Any]:
    body = await desk.gql(
        f"query($n: String) {{ returnTicket(number: $n) {{ {FOLLOW_UP_FIELDS} }} }}",
        {"n": number},
        desk.actors[Role.ADMIN],
    )
    assert "errors" not in body, body
    ticket: dict[str, Any] = body["data"]["returnTicket"]
    return ticket


async def in_follow_up(desk: Desk, order: str, *, ordered: int = 1) -> str:
    """A delivered order of `ordered` units of SKU-1; one unit applied for, received,
    rejected for customer damage and sent back: the ticket waits for its follow-up call."""
    await desk.delivered_order(order, [("SKU-1", ordered, "99.00")])
    ticket = await desk.do(
        "requestReturn",
        CS,
        orderNumber=order,
        kind="RETURN",
        reasonCode="QUALITY_DEFECT",
        details="Applied by phone",
        lines=[{"sku": "SKU-1", "quantity": 1}],
    )
    number: str = ticket["number"]
    await desk.do("approveReturn", CS, ticketNumber=number)
    await desk.do("registerParcel", WH, code=number, courier="YTO")
    unpacked = await desk.do("unpackReturn", WH, ticketNumber=number)
    line = unpacked["lines"][0]["id"]
    for role, stage, verdict in (
        (WH, "INITIAL", {"passed": True, "grade": None, "responsibility": "UNKNOWN"}),
        (QC, "QC", {"passed": False, "grade": "C", "responsibility": "CUSTOMER"}),
    ):
        await desk.do(
            "recordInspection",
            role,
            ticketNumber=number,
            stage=stage,
            results=[
                {
                    "lineId": line,
                    "quantity": 1,
                    "defectTags": [] if verdict["passed"] else ["WORN"],
                    **verdict,
                }
            ],
        )
    await desk.do("decideReturn", CS, ticketNumber=number, decision="REJECT", note="Worn")
    sent = await desk.do(
        "returnToCustomer", LOG, ticketNumber=number, waybill=f"SF-{order}", courier="SF"
    )
    assert sent["status"] == "FOLLOW_UP"
    return number


async def test_a_reached_call_with_satisfaction_closes_the_ticket_with_the_call_once(desk):
    number = await in_follow_up(desk, "SO-FU1")
    closed = await recorded(
        desk, number, reached=True, satisfaction=4, feedback="Fine, thanks for calling"
    )
    assert closed["status"] == "CLOSED"
    assert closed["allowedActions"] == ["REOPEN"]
    [call] = closed["followUps"]
    assert {k: call[k] for k in ("attempt", "reached", "outcome", "satisfaction")} == {
        "attempt": 1,
        "reached": True,
        "outcome": "REACHED",
        "satisfaction": 4,
    }
    assert call["feedback"] == "Fine, thanks for calling"
    assert (call["newProblem"], call["linkedTicketNumber"]) == ("NONE", None)
    assert call["caller"]["username"] == "customer_service"
    assert moves(closed)[-2:] == [("RETURNED_TO_CUSTOMER", "FOLLOW_UP"), ("FOLLOW_UP", "CLOSED")]
    close = closed["history"][-1]
    assert close["action"] == "CLOSE"
    assert (close["detail"]["outcome"], close["detail"]["satisfaction"]) == ("REACHED", 4)
    assert await FollowUpCall.filter(ticket__number=number).count() == 1


async def test_three_failed_attempts_close_the_ticket_as_unreachable(desk):
    number = await in_follow_up(desk, "SO-FU2")
    first = await recorded(desk, number, reached=False, feedback="No answer")
    assert first["status"] == "FOLLOW_UP"
    second = await recorded(desk, number, reached=False)
    assert second["status"] == "FOLLOW_UP"
    assert [e["action"] for e in second["history"][-2:]] == ["FOLLOW_UP_CALL", "FOLLOW_UP_CALL"]
    third = await recorded(desk, number, reached=False, feedback="Phone switched off")
    assert third["status"] == "CLOSED"
    assert [(c["attempt"], c["outcome"], c["satisfaction"]) for c in third["followUps"]] == [
        (1, "NO_ANSWER", None),
        (2, "NO_ANSWER", None),
        (3, "UNREACHABLE", None),
    ]
    close = third["history"][-1]
    assert (close["action"], close["fromStatus"], close["toStatus"]) == (
        "CLOSE",
        "FOLLOW_UP",
        "CLOSED",
    )
    assert (close["detail"]["attempt"], close["detail"]["outcome"]) == (3, "UNREACHABLE")
    # a closed ticket takes no more calls
    late = await refused(desk, number, reached=True, satisfaction=5)
    assert (late["code"], late["field"]) == ("INVALID_TRANSITION", "status")


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"reached": True, "satisfaction": 0}, "INVALID", "satisfaction"),
        ({"reached": True, "satisfaction": 6}, "INVALID", "satisfaction"),
        ({"reached": True}, "REQUIRED", "satisfaction"),
        ({"reached": False, "satisfaction": 3}, "INVALID", "satisfaction"),
        ({"reached": False, "newProblem": "REOPEN", "feedback": "x"}, "INVALID", "newProblem"),
        ({"reached": True, "satisfaction": 2, "newProblem": "REOPEN"}, "REQUIRED", "feedback"),
        ({"reached": True, "satisfaction": 3, "feedback": "x" * 2001}, "TOO_LONG", "feedback"),
        (
            {"reached": True, "satisfaction": 2, "newProblem": "NEW_TICKET", "feedback": "x"},
            "INVALID",
            "newTicket",
        ),
    ],
)
async def test_a_call_breaking_the_rules_is_refused_and_writes_nothing(desk, fields, code, field):
    number = await in_follow_up(desk, "SO-FU3")
    events = await TicketEvent.filter(ticket__number=number).count()
    error = await refused(desk, number, **fields)
    assert (error["code"], error["field"]) == (code, field)
    assert await FollowUpCall.all().count() == 0
    assert await TicketEvent.filter(ticket__number=number).count() == events
    assert (await ReturnTicket.get(number=number)).status.value == "FOLLOW_UP"


async def test_a_new_problem_can_reopen_the_ticket_and_a_later_call_closes_it(desk):
    number = await in_follow_up(desk, "SO-FU4")
    reopened = await recorded(
        desk,
        number,
        reached=True,
        satisfaction=2,
        feedback="The parcel sent back arrived torn open",
        newProblem="REOPEN",
    )
    assert reopened["status"] == "FOLLOW_UP"  # back in CS's queue
    assert moves(reopened)[-2:] == [("FOLLOW_UP", "CLOSED"), ("CLOSED", "FOLLOW_UP")]
    reopen = reopened["history"][-1]
    assert reopen["action"] == "REOPEN"
    assert reopen["detail"]["reason"] == "The parcel sent back arrived torn open"
    assert reopened["followUps"][0]["newProblem"] == "REOPEN"
    # the next call starts a new round: attempt 1 again, and closes it
    closed = await recorded(desk, number, reached=True, satisfaction=5)
    assert closed["status"] == "CLOSED"
    assert [c["attempt"] for c in closed["followUps"]] == [1, 1]


async def test_a_new_problem_opens_a_linked_ticket_visible_from_both(desk):
    number = await in_follow_up(desk, "SO-FU5", ordered=2)
    closed = await recorded(
        desk,
        number,
        reached=True,
        satisfaction=3,
        feedback="The other unit has a broken zip too",
        newProblem="NEW_TICKET",
        newTicket={
            "kind": "RETURN",
            "reasonCode": "QUALITY_DEFECT",
            "details": "Broken zip on the second unit",
            "lines": [{"sku": "SKU-1", "quantity": 1}],
        },
    )
    assert closed["status"] == "CLOSED"
    [new_number] = closed["followUpTickets"]
    assert closed["followUps"][0]["linkedTicketNumber"] == new_number
    assert closed["history"][-1]["detail"]["linkedTicket"] == new_number

    new = await read(desk, new_number)
    assert new["status"] == "REQUESTED"
    assert new["raisedInFollowUpOf"] == number
    assert new["orderNumber"] == {"number": "SO-FU5"}
    assert [(line["product"]["sku"], line["quantity"]) for line in new["lines"]] == [("SKU-1", 1)]
    assert new["history"][0]["detail"]["raisedInFollowUpOf"] == number
    assert (await read(desk, number))["raisedInFollowUpOf"] is None


async def test_a_new_ticket_the_order_cannot_take_is_refused_and_nothing_is_written(desk):
    number = await in_follow_up(desk, "SO-FU6")  # its only unit is on this ticket
    error = await refused(
        desk,
        number,
        reached=True,
        satisfaction=1,
        feedback="Wants to return it again",
        newProblem="NEW_TICKET",
        newTicket={
            "kind": "RETURN",
            "reasonCode": "QUALITY_DEFECT",
            "lines": [{"sku": "SKU-1", "quantity": 1}],
        },
    )
    assert (error["code"], error["field"]) == ("OVER_RETURNED", "newTicket.lines.0.quantity")
    assert await ReturnTicket.all().count() == 1
    assert await FollowUpCall.all().count() == 0


async def test_a_call_before_follow_up_names_the_state(desk):
    await desk.delivered_order("SO-FU7", [("SKU-1", 1, "99.00")])
    ticket = await desk.do(
        "requestReturn",
        CS,
        orderNumber="SO-FU7",
        kind="RETURN",
        reasonCode="QUALITY_DEFECT",
        lines=[{"sku": "SKU-1", "quantity": 1}],
    )
    error = await refused(desk, ticket["number"], reached=True, satisfaction=5)
    assert (error["code"], error["field"]) == ("INVALID_TRANSITION", "status")
    assert "REQUESTED" in error["message"]
    assert "FOLLOW_UP" in error["message"]


async def test_a_replayed_call_is_booked_once(desk):
    number = await in_follow_up(desk, "SO-FU8")
    first = await record(desk, number, key="call-1", reached=False)
    again = await record(desk, number, key="call-1", reached=False)
    assert (first["replayed"], again["replayed"]) == (False, True)
    assert again["userErrors"] == []
    assert again["ticket"]["followUps"] == first["ticket"]["followUps"]
    assert await FollowUpCall.filter(ticket__number=number).count() == 1
    reused = await record(desk, number, key="call-1", reached=True, satisfaction=5)
    assert reused["userErrors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.CUSTOMER_SERVICE, True),
        (Role.CS_MANAGER, True),
        (Role.ADMIN, True),
        (Role.WAREHOUSE, False),
        (Role.QC, False),
        (Role.FINANCE, False),
        (Role.LOGISTICS, False),
        (Role.SUPERVISOR, False),
        (Role.CS_DIRECTOR, False),
        (Role.PARTNER, False),
    ],
)
async def test_only_customer_service_roles_record_a_follow_up(desk, gql, actors, role, allowed):
    number = await in_follow_up(desk, "SO-FU9")
    body = await gql(
        RECORD,
        {
            "input": {
                "idempotencyKey": f"perm-{role.value}",
                "ticketNumber": number,
                "reached": True,
                "satisfaction": 5,
            }
        },
        actors[role],
    )
    if allowed:
        assert body["data"]["recordFollowUp"]["ticket"]["status"] == "CLOSED", body
    else:
        assert body.get("data") is None or body["data"].get("recordFollowUp") is None, body
        assert body["errors"], body
        assert await FollowUpCall.all().count() == 0
