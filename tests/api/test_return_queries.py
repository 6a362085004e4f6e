"""Reading return tickets: one by id or number, filtered, searched and paged lists, a
partner's own tickets only, each role's queue, the inspection checklist, scanning a ticket
number; and the live ticket and inspection subscriptions over a real WebSocket."""

from __future__ import annotations

import asyncio
import itertools
import json
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection

from backend.domain.auth.roles import Role
from backend.domain.stock.kinds import ZoneKind
from backend.persistence import models as m
from tests.api.ledger_helpers import receive
from tests.api.live_server import WAIT, Server, cli, live_server, next_message, signed_in
from tests.api.returns_helpers import Desk, document
from tests.conftest import Actor

CS, WH, QC, LOG, FIN = (
    Role.CUSTOMER_SERVICE,
    Role.WAREHOUSE,
    Role.QC,
    Role.LOGISTICS,
    Role.FINANCE,
)

ONE = """
query($id: ID, $number: String) { returnTicket(id: $id, number: $number) {
  id number status customerName } }
"""
LIST = """
query($statuses: [TicketStatus!], $kinds: [ReturnKind!], $sources: [ReturnSource!],
      $assignee: String, $reasonCode: String, $createdFrom: DateTime, $createdTo: DateTime,
      $search: String, $first: Int, $after: String) {
  returnTickets(statuses: $statuses, kinds: $kinds, sources: $sources, assignee: $assignee,
                reasonCode: $reasonCode, createdFrom: $createdFrom, createdTo: $createdTo,
                search: $search, first: $first, after: $after) {
    edges { cursor node { number } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
QUEUE = "{ myQueue { total tickets { number status ageSeconds } } }"
SCAN = "query($code: String!) { scan(code: $code) { code kind ticket { number status } } }"


@pytest.fixture
def desk(gql, actors, catalogue) -> Desk:
    return Desk(gql, actors, catalogue)


@pytest.fixture
def erp(outsider: Actor) -> Actor:
    return outsider


async def order_for(desk, partner, number, sku, customer, phone, *, delivered=True):
    """An order of one unit at 99.00, placed by `partner` for `customer`, shipped from the
    first sellable bin (waybill SF<number>) and, unless told otherwise, delivered yesterday."""
    admin = desk.actors[Role.ADMIN]
    sellable = desk.catalogue.bin(ZoneKind.SELLABLE)
    await receive(desk.gql, admin, sku, sellable, 1)
    now = datetime.now(UTC)
    steps: list[tuple[str, Actor, dict[str, Any]]] = [
        (
            "createOrder(input: $input) { userErrors { code message } }",
            partner,
            {
                "idempotencyKey": f"order-{number}",
                "number": number,
                "customer": {"name": customer, "phone": phone},
                "lines": [{"sku": sku, "quantity": 1, "unitPricePaid": "99.00"}],
                "placedAt": (now - timedelta(days=3)).isoformat(),
            },
        ),
        (
            "recordShipment(input: $input) { userErrors { code message } }",
            admin,
            {
                "idempotencyKey": f"ship-{number}",
                "orderNumber": number,
                "waybill": f"SF{number}",
                "courier": "SF",
                "shippedAt": (now - timedelta(days=2)).isoformat(),
                "lines": [{"sku": sku, "locationCode": sellable, "quantity": 1}],
            },
        ),
    ]
    if delivered:
        steps.append(
            (
                "markDelivered(input: $input) { userErrors { code message } }",
                desk.actors[LOG],
                {"waybill": f"SF{number}", "deliveredAt": (now - timedelta(days=1)).isoformat()},
            )
        )
    for field, actor, given in steps:
        kind = {"createOrder": "CreateOrderInput", "recordShipment": "RecordShipmentInput"}
        name = field.split("(")[0]
        body = await desk.gql(
            f"mutation($input: {kind.get(name, 'MarkDeliveredInput')}!) {{ {field} }}",
            {"input": given},
            actor,
        )
        assert body["data"][name]["userErrors"] == [], body
    return f"SF{number}"


def _line(sku: str, **wish: str) -> list[dict[str, Any]]:
    return [{"sku": sku, "quantity": 1, **wish}]


async def _inspect_all(desk, number, stage, role, grade=None):
    ticket = await desk.ticket(number)
    results = [
        {"lineId": line["id"], "quantity": line["quantityReceived"], "passed": True, "grade": grade}
        for line in ticket["lines"]
    ]
    return await desk.do(
        "recordInspection", role, ticketNumber=number, stage=stage, results=results
    )


@pytest.fixture
async def world(desk, actors, erp) -> dict[str, str]:
    """Six tickets in different places, by letter:
    A  SHOP's return, 陈晓, QUALITY_DEFECT, SKU-1, return waybill YT-Q1: REQUESTED
    B  an exchange by CS for 林娜 (SKU-2 for SKU-3), WRONG_SIZE, cs_manager's: REQUESTED
    C  a return for Emma Li, CHANGED_MIND, SKU-3, created ten days ago: INITIAL_INSPECTED
    D  a return for 陈晓, QUALITY_DEFECT, SKU-1, accepted: REFUND_PENDING
    E  the ERP partner's return for 王五, SKU-2: REQUESTED
    F  a parcel 赵六 refused at the door, SKU-2: RECEIVED
    Every order but E's is SHOP's."""
    shop = actors[Role.PARTNER]
    numbers: dict[str, str] = {}

    await order_for(desk, shop, "SO-QA", "SKU-1", "陈晓", "13800000001")
    numbers["A"] = (
        await desk.do(
            "requestReturn",
            Role.PARTNER,
            orderNumber="SO-QA",
            kind="RETURN",
            reasonCode="QUALITY_DEFECT",
            lines=_line("SKU-1"),
            returnWaybill="YT-Q1",
            returnCourier="YTO",
        )
    )["number"]

    await order_for(desk, shop, "SO-QB", "SKU-2", "林娜", "13900000002")
    numbers["B"] = (
        await desk.do(
            "requestReturn",
            CS,
            orderNumber="SO-QB",
            kind="EXCHANGE",
            reasonCode="WRONG_SIZE",
            lines=_line("SKU-2", wantedSku="SKU-3"),
            assignee="cs_manager",
        )
    )["number"]

    await order_for(desk, shop, "SO-QC", "SKU-3", "Emma Li", "13700000003")
    c = (
        await desk.do(
            "requestReturn",
            CS,
            orderNumber="SO-QC",
            kind="RETURN",
            reasonCode="CHANGED_MIND",
            lines=_line("SKU-3"),
        )
    )["number"]
    await desk.do("approveReturn", CS, ticketNumber=c)
    await desk.do("registerParcel", WH, code=c)
    await desk.do("unpackReturn", WH, ticketNumber=c)
    await _inspect_all(desk, c, "INITIAL", WH)
    numbers["C"] = c

    await order_for(desk, shop, "SO-QD", "SKU-1", "陈晓", "13800000001")
    d = (
        await desk.do(
            "requestReturn",
            CS,
            orderNumber="SO-QD",
            kind="RETURN",
            reasonCode="QUALITY_DEFECT",
            lines=_line("SKU-1"),
        )
    )["number"]
    await desk.do("approveReturn", CS, ticketNumber=d)
    await desk.do("registerParcel", WH, code=d)
    await desk.do("unpackReturn", WH, ticketNumber=d)
    await _inspect_all(desk, d, "INITIAL", WH)
    await _inspect_all(desk, d, "QC", QC, grade="A")
    await desk.do("decideReturn", CS, ticketNumber=d, decision="ACCEPT")
    numbers["D"] = d

    await order_for(desk, erp, "SO-QE", "SKU-2", "王五", "13600000005")
    erp_desk = Desk(desk.gql, {**desk.actors, Role.PARTNER: erp}, desk.catalogue)
    numbers["E"] = (
        await erp_desk.do(
            "requestReturn",
            Role.PARTNER,
            orderNumber="SO-QE",
            kind="RETURN",
            reasonCode="QUALITY_DEFECT",
            lines=_line("SKU-2"),
        )
    )["number"]

    waybill = await order_for(desk, shop, "SO-QF", "SKU-2", "赵六", "13500000006", delivered=False)
    numbers["F"] = (
        await desk.do(
            "recordRefusedParcel", LOG, waybill=waybill, courierPerson="王师傅", staffPerson="李强"
        )
    )["number"]

    now = datetime.now(UTC)
    await m.ReturnTicket.filter(number=numbers["C"]).update(created_at=now - timedelta(days=10))
    # B has waited longest in its status, then A: the queue shows them in that order.
    await m.ReturnTicket.filter(number=numbers["B"]).update(status_since=now - timedelta(hours=2))
    await m.ReturnTicket.filter(number=numbers["A"]).update(status_since=now - timedelta(hours=1))
    return numbers


def letters(world: dict[str, str], numbers: list[str]) -> str:
    """Ticket numbers as the fixture's letters, in the order given."""
    by_number = {number: letter for letter, number in world.items()}
    return "".join(by_number[n] for n in numbers)


async def listed(gql, actor, **variables: Any) -> list[str]:
    body = await gql(LIST, variables, actor)
    assert "errors" not in body, body
    return [e["node"]["number"] for e in body["data"]["returnTickets"]["edges"]]


async def test_a_ticket_is_found_by_id_or_by_number(gql, actors, world):
    admin = actors[Role.ADMIN]
    by_number = (await gql(ONE, {"number": world["C"]}, admin))["data"]["returnTicket"]
    assert (by_number["number"], by_number["status"], by_number["customerName"]) == (
        world["C"],
        "INITIAL_INSPECTED",
        "Emma Li",
    )
    by_id = (await gql(ONE, {"id": by_number["id"]}, admin))["data"]["returnTicket"]
    assert by_id == by_number
    assert (await gql(ONE, {"number": "RT-NONE"}, admin))["data"]["returnTicket"] is None
    for wrong in ({}, {"id": by_number["id"], "number": world["C"]}, {"id": "abc"}):
        body = await gql(ONE, wrong, admin)
        assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"], wrong


MOVES = "query($n: String) { returnTicket(number: $n) { allowedActions myActions } }"


async def test_my_actions_are_the_allowed_moves_my_role_may_make(gql, actors, world):
    async def moves(number: str, role: Role) -> tuple[list[str], list[str]]:
        found = (await gql(MOVES, {"n": number}, actors[role]))["data"]["returnTicket"]
        return found["allowedActions"], found["myActions"]

    allowed, mine = await moves(world["A"], CS)  # an application: CS approves or declines
    assert {"APPROVE", "DECLINE"} <= set(mine) <= set(allowed)
    assert not {"APPROVE", "DECLINE"} & set((await moves(world["A"], WH))[1])
    # After the first inspection the QC step is QC's, not the warehouse's.
    assert "INSPECT_QC" in (await moves(world["C"], QC))[1]
    assert "INSPECT_QC" not in (await moves(world["C"], WH))[1]
    assert "REFUND" in (await moves(world["D"], FIN))[1]
    assert "REFUND" not in (await moves(world["D"], CS))[1]


async def test_ticket_lists_filter_by_status_kind_source_assignee_reason_and_period(
    gql, actors, world
):
    admin = actors[Role.ADMIN]

    async def only(**variables: Any) -> str:
        return letters(world, await listed(gql, admin, **variables))

    assert await only() == "ABCDEF"
    assert await only(statuses=["REQUESTED"]) == "ABE"
    assert await only(statuses=["REFUND_PENDING", "INITIAL_INSPECTED"]) == "CD"
    assert await only(statuses=["REQUESTED"], kinds=["EXCHANGE"]) == "B"
    assert await only(kinds=["RETURN"]) == "ACDEF"
    assert await only(sources=["REFUSED"]) == "F"
    assert await only(sources=["CUSTOMER_RETURN"], statuses=["REFUND_PENDING"]) == "D"
    assert await only(assignee="cs_manager") == "B"
    assert await only(assignee="nobody-at-all") == ""
    assert await only(reasonCode="CHANGED_MIND") == "C"
    assert await only(reasonCode="QUALITY_DEFECT") == "ADE"
    day_ago = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    assert await only(createdTo=day_ago) == "C"  # C was opened ten days ago
    assert await only(createdFrom=day_ago) == "ABDEF"
    assert await only(createdFrom=datetime.now(UTC).isoformat()) == ""


async def test_ticket_search_finds_customer_phone_waybill_order_sku_and_number(gql, actors, world):
    cs = actors[CS]

    async def found(text: str) -> str:
        return letters(world, await listed(gql, cs, search=text))

    assert await found("林娜") == "B"
    assert await found("emma") == "C"  # any part of the name, any case
    assert await found("陈晓") == "AD"
    assert await found("13900000002") == "B"
    assert await found("0000005") == "E"  # part of the phone number
    assert await found("YT-Q1") == "A"  # the waybill the customer sends the goods back on
    assert await found("SFSO-QC") == "C"  # the original shipment's waybill
    assert await found("SFSO-QF") == "F"  # the refused parcel's own waybill
    assert await found("SO-QD") == "D"
    assert await found("SKU-3") == "C"  # B only wants SKU-3; it returns SKU-2
    assert await found("SKU-1") == "AD"
    assert await found(world["E"]) == "E"
    assert await found("SO-NOWHERE") == ""
    assert await found("SKU-2") == "BEF"


async def test_ticket_lists_page_with_cursors(gql, actors, world):
    admin = actors[Role.ADMIN]
    seen = []
    after = None
    pages = 0
    while True:
        body = await gql(LIST, {"statuses": ["REQUESTED"], "first": 1, "after": after}, admin)
        connection = body["data"]["returnTickets"]
        assert len(connection["edges"]) == 1
        seen.append(connection["edges"][0]["node"]["number"])
        assert connection["pageInfo"]["endCursor"] == connection["edges"][0]["cursor"]
        pages += 1
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert (pages, letters(world, seen)) == (3, "ABE")
    body = await gql(LIST, {"first": 0}, admin)
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]
    body = await gql(LIST, {"after": "not-a-cursor"}, admin)
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]


async def test_a_partner_sees_only_its_own_tickets(gql, actors, world, erp):
    shop = actors[Role.PARTNER]
    assert letters(world, await listed(gql, shop)) == "ABCDF"
    assert letters(world, await listed(gql, erp)) == "E"
    assert await listed(gql, shop, search="13600000005") == []  # E's customer's phone
    assert letters(world, await listed(gql, erp, search="SKU-2")) == "E"

    theirs = (await gql(ONE, {"number": world["E"]}, erp))["data"]["returnTicket"]
    assert theirs["number"] == world["E"]
    assert (await gql(ONE, {"number": world["E"]}, shop))["data"]["returnTicket"] is None
    assert (await gql(ONE, {"id": theirs["id"]}, shop))["data"]["returnTicket"] is None
    assert (await gql(ONE, {"number": world["A"]}, erp))["data"]["returnTicket"] is None
    mine = (await gql(ONE, {"number": world["A"]}, shop))["data"]["returnTicket"]
    assert mine["customerName"] == "陈晓"

    # Scanning is for staff on the floor: a partner cannot scan anyone's ticket.
    for partner in (shop, erp):
        body = await gql(SCAN, {"code": world["E"]}, partner)
        assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
        assert body["data"] is None


async def test_my_queue_lists_what_waits_for_my_role_oldest_first(gql, actors, world):
    async def queue(role: Role) -> tuple[int, str, list[dict[str, Any]]]:
        body = await gql(QUEUE, None, actors[role])
        assert "errors" not in body, body
        found = body["data"]["myQueue"]
        numbers = [t["number"] for t in found["tickets"]]
        return found["total"], letters(world, numbers), found["tickets"]

    total, cs_letters, cs_tickets = await queue(CS)
    assert (total, cs_letters) == (3, "BAE")  # B waited longest, then A, then E
    assert {t["status"] for t in cs_tickets} == {"REQUESTED"}
    assert all(t["ageSeconds"] >= 0 for t in cs_tickets)
    assert cs_tickets[0]["ageSeconds"] >= 2 * 3600 - 60
    assert cs_tickets[0]["ageSeconds"] > cs_tickets[1]["ageSeconds"]

    assert (await queue(FIN))[:2] == (1, "D")
    assert (await queue(QC))[:2] == (1, "C")
    assert (await queue(WH))[:2] == (1, "F")  # the refused parcel waits to be unpacked
    assert (await queue(LOG))[:2] == (0, "")
    assert (await queue(FIN))[2][0]["status"] == "REFUND_PENDING"
    assert (await queue(QC))[2][0]["status"] == "INITIAL_INSPECTED"
    body = await gql(QUEUE, None, actors[Role.PARTNER])
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]


async def test_checklists_ask_the_five_general_questions(gql, actors, catalogue):
    document = (
        "query($c: String) { checklists(categoryCode: $c) {"
        " code questionZh questionEn categoryCode } }"
    )
    general = (await gql(document, {}, actors[QC]))["data"]["checklists"]
    assert [q["code"] for q in general] == [
        "PACKAGING",
        "TAGS",
        "UNUSED",
        "ACCESSORIES",
        "MATCHES_ORDER",
    ]
    assert general[0] == {
        "code": "PACKAGING",
        "questionZh": "外包装是否完好",
        "questionEn": "Is the outer packaging intact?",
        "categoryCode": None,
    }
    apparel = (await gql(document, {"c": "APPAREL"}, actors[WH]))["data"]["checklists"]
    assert apparel == general  # no apparel-only questions yet: the general five
    assert (await gql(document, {"c": "NO-SUCH"}, actors[QC]))["data"]["checklists"] == []


async def test_scanning_a_ticket_number_or_its_waybill_finds_the_ticket(gql, actors, world):
    wh = actors[WH]
    scanned = (await gql(SCAN, {"code": world["F"]}, wh))["data"]["scan"]
    assert scanned == {
        "code": world["F"],
        "kind": "TICKET",
        "ticket": {"number": world["F"], "status": "RECEIVED"},
    }
    other = (await gql(SCAN, {"code": world["E"]}, wh))["data"]["scan"]
    assert (other["kind"], other["ticket"]["number"]) == ("TICKET", world["E"])
    by_waybill = (await gql(SCAN, {"code": "YT-Q1"}, wh))["data"]["scan"]
    assert (by_waybill["kind"], by_waybill["ticket"]["number"]) == ("WAYBILL", world["A"])


# --- live subscriptions over a real WebSocket ---------------------------------------------
# As tests/api/test_subscriptions.py does for stockChanged: `python -m backend.cli serve` on
# 127.0.0.1 with the demo data, the graphql-transport-ws protocol spoken by `websockets`.

SKU, SHELF = "APP-005-WHT-M", "SH1-A-01"  # a stocked demo product and a sellable bin of SH1
OTHER_PARTNER, OTHER_USER, OTHER_PASSWORD = "ERP", "erp-user", "erp-system-pass-2026"
USERS = ("customer-service", "warehouse", "qc", "logistics", "partner")

TICKET_CHANGED = """
subscription Watch($ticketId: ID, $statuses: [TicketStatus!]) {
  returnTicketChanged(ticketId: $ticketId, statuses: $statuses) {
    ticketId number status previousStatus action ticket { status }
  }
}
"""
INSPECTION_RECORDED = """
subscription Inspections($ticketId: ID) {
  inspectionRecorded(ticketId: $ticketId) {
    ticketId number stage inspectionIds ticket { inspections { id stage grade } }
  }
}
"""


def _other_partner(env: dict[str, str], database: Path) -> None:
    with sqlite3.connect(database) as db:  # a second partner system besides the demo shop
        db.execute(
            "INSERT INTO partner (code, name, active) VALUES (?, ?, ?)",
            (OTHER_PARTNER, "Other ERP", True),
        )
    cli(
        env,
        "create-user",
        OTHER_USER,
        "--role",
        "PARTNER",
        "--partner",
        OTHER_PARTNER,
        "--password",
        OTHER_PASSWORD,
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    passwords = {user: f"{user}-demo-2026" for user in USERS}
    passwords[OTHER_USER] = OTHER_PASSWORD
    with live_server(tmp_path_factory.mktemp("server"), passwords, _other_partner) as running:
        yield running


_keys = itertools.count()


def _key() -> str:
    return f"ws-{time.time_ns()}-{next(_keys)}"


async def call(server: Server, user: str, query: str, variables: dict[str, Any]) -> dict:
    headers = {"Authorization": f"Bearer {server.tokens[user]}"}
    async with httpx.AsyncClient(base_url=server.url, timeout=WAIT) as http:
        response = await http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body["data"]


async def step(server: Server, user: str, operation: str, **fields: Any) -> dict[str, Any]:
    """A returns operation that must succeed; the ticket after it."""
    data = await call(
        server, user, document(operation), {"input": {"idempotencyKey": _key(), **fields}}
    )
    payload: dict[str, Any] = data[operation]
    assert payload["userErrors"] == [], payload
    ticket: dict[str, Any] = payload["ticket"]
    return ticket


async def fresh_ticket(server: Server, owner: str = "partner", until: str = "REQUESTED") -> dict:
    """A new delivered order entered by `owner` (a partner user's own, or customer service's
    with no partner) and its return applied for by the same, taken on to APPROVED or
    UNPACKED when asked."""
    number = f"WS-{time.time_ns()}-{next(_keys)}"
    now = datetime.now(UTC)
    await call(
        server,
        "warehouse",
        "mutation($input: ReceiveStockInput!) { receiveStock(input: $input) {"
        " userErrors { code } } }",
        {"input": {"idempotencyKey": _key(), "sku": SKU, "locationCode": SHELF, "quantity": 1}},
    )
    ordered = await call(
        server,
        owner,
        "mutation($input: CreateOrderInput!) { createOrder(input: $input) {"
        " userErrors { code message } } }",
        {
            "input": {
                "idempotencyKey": _key(),
                "number": number,
                "customer": {"name": "陈晓", "phone": "13800000001"},
                "lines": [{"sku": SKU, "quantity": 1, "unitPricePaid": "94.90"}],
                "placedAt": (now - timedelta(days=3)).isoformat(),
            }
        },
    )
    assert ordered["createOrder"]["userErrors"] == [], ordered
    shipped = await call(
        server,
        "warehouse",
        "mutation($input: RecordShipmentInput!) { recordShipment(input: $input) {"
        " userErrors { code message } } }",
        {
            "input": {
                "idempotencyKey": _key(),
                "orderNumber": number,
                "waybill": f"SF{number}",
                "courier": "SF",
                "shippedAt": (now - timedelta(days=2)).isoformat(),
                "lines": [{"sku": SKU, "locationCode": SHELF, "quantity": 1}],
            }
        },
    )
    assert shipped["recordShipment"]["userErrors"] == [], shipped
    delivered = await call(
        server,
        "logistics",
        "mutation($input: MarkDeliveredInput!) { markDelivered(input: $input) {"
        " userErrors { code message } } }",
        {"input": {"waybill": f"SF{number}", "deliveredAt": (now - timedelta(days=1)).isoformat()}},
    )
    assert delivered["markDelivered"]["userErrors"] == [], delivered
    ticket = await step(
        server,
        owner,
        "requestReturn",
        orderNumber=number,
        kind="RETURN",
        reasonCode="QUALITY_DEFECT",
        lines=[{"sku": SKU, "quantity": 1}],
    )
    if until in ("APPROVED", "UNPACKED"):
        ticket = await step(
            server, "customer-service", "approveReturn", ticketNumber=ticket["number"]
        )
    if until == "UNPACKED":
        await step(server, "warehouse", "registerParcel", code=ticket["number"])
        ticket = await step(server, "warehouse", "unpackReturn", ticketNumber=ticket["number"])
    assert ticket["status"] == until
    return ticket


def _passed_all(ticket: dict[str, Any], grade: str | None = None) -> list[dict[str, Any]]:
    return [
        {"lineId": line["id"], "quantity": line["quantityReceived"], "passed": True, "grade": grade}
        for line in ticket["lines"]
    ]


async def next_event(ws: ClientConnection, field: str, patience: float = WAIT) -> dict[str, Any]:
    async with asyncio.timeout(patience):
        message = await next_message(ws)
    assert message["type"] == "next", message
    event: dict[str, Any] = message["payload"]["data"][field]
    return event


async def next_step(ws: ClientConnection) -> dict[str, Any]:
    """The next status change pushed, past the notes that primed the subscription."""
    while True:
        change = await next_event(ws, "returnTicketChanged")
        if change["action"] != "NOTE":
            return change


async def subscribe(ws: ClientConnection, query: str, **variables: Any) -> None:
    message = {"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables}}
    await ws.send(json.dumps(message))


async def watch_tickets(server: Server, ws: ClientConnection, primer: str, **variables: Any):
    """Subscribe to ticket changes, then prove the subscription is live: customer service
    notes ticket `primer` until the note's change arrives. Notes that arrive later are
    passed over by next_step."""
    await subscribe(ws, TICKET_CHANGED, **variables)
    for patience in (0.5, 1, 2, 4, 8, WAIT):  # a retry budget, not an assertion on speed
        await step(server, "customer-service", "addTicketNote", ticketNumber=primer, text="ping")
        try:
            while True:
                change = await next_event(ws, "returnTicketChanged", patience)
                if change["action"] == "NOTE" and change["number"] == primer:
                    return
        except TimeoutError:
            continue
    pytest.fail("the subscription never delivered a priming event")


async def watch_inspections(
    server: Server, ws: ClientConnection, owner: str, **variables: Any
) -> None:
    """Subscribe to inspection results, then prove it is live with the warehouse's first
    inspection of fresh tickets of `owner`'s until one arrives (each event names its
    ticket, so a late one is passed over)."""
    await subscribe(ws, INSPECTION_RECORDED, **variables)
    for patience in (0.5, 1, 2, 4, 8, WAIT):
        primer = await fresh_ticket(server, owner, until="UNPACKED")
        await step(
            server,
            "warehouse",
            "recordInspection",
            ticketNumber=primer["number"],
            stage="INITIAL",
            results=_passed_all(primer),
        )
        try:
            while (await next_event(ws, "inspectionRecorded", patience))["number"] != primer[
                "number"
            ]:
                pass
            return
        except TimeoutError:
            continue
    pytest.fail("the subscription never delivered a priming event")


async def test_ticket_changes_are_pushed_for_the_ticket_and_statuses_asked_for(server):
    mine = await fresh_ticket(server, until="APPROVED")
    other = await fresh_ticket(server, until="APPROVED")
    async with signed_in(server, "customer-service") as ws:
        await watch_tickets(
            server,
            ws,
            mine["number"],
            ticketId=mine["id"],
            statuses=["APPROVED", "RECEIVED", "INITIAL_INSPECTED"],
        )
        await step(server, "warehouse", "registerParcel", code=other["number"])  # another ticket
        await step(server, "warehouse", "registerParcel", code=mine["number"])
        received = await next_step(ws)
        unpacked = await step(server, "warehouse", "unpackReturn", ticketNumber=mine["number"])
        await step(
            server,
            "warehouse",
            "recordInspection",
            ticketNumber=mine["number"],
            stage="INITIAL",
            results=_passed_all(unpacked),
        )
        inspected = await next_step(ws)  # UNPACKED was not asked for: passed over
    assert received == {
        "ticketId": mine["id"],
        "number": mine["number"],
        "status": "RECEIVED",
        "previousStatus": "APPROVED",
        "action": "RECEIVE",
        "ticket": {"status": "RECEIVED"},
    }
    assert inspected == {
        "ticketId": mine["id"],
        "number": mine["number"],
        "status": "INITIAL_INSPECTED",
        "previousStatus": "UNPACKED",
        "action": "INSPECT_INITIAL",
        "ticket": {"status": "INITIAL_INSPECTED"},
    }


async def test_a_partner_is_pushed_changes_of_its_own_tickets_only(server):
    shops = await fresh_ticket(server, "partner")
    erps = await fresh_ticket(server, OTHER_USER)
    async with (
        signed_in(server, "partner") as shop,
        signed_in(server, OTHER_USER) as erp,
        signed_in(server, "customer-service") as staff,
    ):
        await watch_tickets(server, shop, shops["number"])
        await watch_tickets(server, erp, erps["number"])
        await watch_tickets(server, staff, shops["number"])
        await step(server, "customer-service", "approveReturn", ticketNumber=shops["number"])
        await step(server, "customer-service", "approveReturn", ticketNumber=erps["number"])
        await step(server, "warehouse", "registerParcel", code=shops["number"])
        shop_seen = [(await next_step(shop))["number"] for _ in range(2)]
        erp_seen = (await next_step(erp))["number"]
        staff_seen = [(await next_step(staff))["number"] for _ in range(3)]
    assert shop_seen == [shops["number"], shops["number"]]  # the ERP's approval passed it by
    assert erp_seen == erps["number"]  # the shop's approval passed it by
    assert staff_seen == [shops["number"], erps["number"], shops["number"]]


async def inspect(server: Server, ticket: dict[str, Any], stage: str) -> dict[str, Any]:
    user, grade = ("warehouse", None) if stage == "INITIAL" else ("qc", "A")
    return await step(
        server,
        user,
        "recordInspection",
        ticketNumber=ticket["number"],
        stage=stage,
        results=_passed_all(ticket, grade),
    )


async def test_inspection_results_are_pushed_to_staff_and_to_the_tickets_own_partner(server):
    shops = await fresh_ticket(server, "partner", until="UNPACKED")
    erps = await fresh_ticket(server, OTHER_USER, until="UNPACKED")
    async with (
        signed_in(server, "partner") as shop,
        signed_in(server, OTHER_USER) as erp,
        signed_in(server, "qc") as staff,
    ):
        # Each is primed with tickets only it sees, so no priming event reaches another.
        await watch_inspections(server, shop, "partner")
        await watch_inspections(server, erp, OTHER_USER)
        await watch_inspections(server, staff, "customer-service")
        await inspect(server, shops, "INITIAL")
        await inspect(server, erps, "INITIAL")
        graded = await inspect(server, shops, "QC")
        shop_seen = [await next_event(shop, "inspectionRecorded") for _ in range(2)]
        erp_seen = await next_event(erp, "inspectionRecorded")
        staff_seen = [await next_event(staff, "inspectionRecorded") for _ in range(3)]
    # The ERP's inspection between the shop's two passed the shop by, and the other way.
    assert [(e["number"], e["stage"]) for e in shop_seen] == [
        (shops["number"], "INITIAL"),
        (shops["number"], "QC"),
    ]
    assert (erp_seen["ticketId"], erp_seen["stage"]) == (erps["id"], "INITIAL")
    assert [e["number"] for e in staff_seen] == [shops["number"], erps["number"], shops["number"]]
    qc = shop_seen[1]
    assert qc["ticketId"] == shops["id"]
    assert [(i["stage"], i["grade"]) for i in qc["ticket"]["inspections"]] == [
        ("INITIAL", None),
        ("QC", "A"),
    ]
    assert qc["inspectionIds"] == [qc["ticket"]["inspections"][1]["id"]]
    assert graded["status"] == "QC_INSPECTED"
