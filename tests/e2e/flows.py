"""Shared helpers of the browser tests: sign in, scan like a wedge scanner, and make return
tickets in any state through the real GraphQL API (fresh orders each time, so tests never
compete for the demo data's returnable quantities)."""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

_tokens: dict[tuple[str, str], str] = {}
_numbers = itertools.count(1)


def sign_in(page, username: str = "warehouse") -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f"{username}-demo-2026")
    page.click("#login button[type=submit]")
    page.wait_for_selector("#home")
    page.wait_for_selector("#queue[data-stale='0']")


@contextmanager
def handheld(browser, server: str, locale: str = "zh-CN") -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A second handheld (its own browser context) for another person, as `page` is set up."""
    context = browser.new_context(
        viewport={"width": 360, "height": 640},
        is_mobile=True,
        has_touch=True,
        locale=locale,
        base_url=server,
    )
    try:
        yield context.new_page()
    finally:
        context.close()


def wedge(page, code: str) -> None:  # type: ignore[no-untyped-def]
    """A keyboard-wedge scanner: a burst of key presses into the focused field, then Enter."""
    page.keyboard.type(code, delay=2)
    page.keyboard.press("Enter")


def wait_for_service_worker(page) -> None:  # type: ignore[no-untyped-def]
    """Until the service worker controls the page: only then is a reload served offline."""
    page.wait_for_function("!!navigator.serviceWorker.controller", timeout=15_000)


def wait_for_scan_field(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function("document.activeElement?.id === 'scan-input'", timeout=5_000)


def scan_when_ready(page, code: str) -> None:  # type: ignore[no-untyped-def]
    """A wedge scan once the scan field has the focus; a pause first, so that the same code
    scanned again is not taken for the scanner's double read."""
    page.wait_for_timeout(900)
    wait_for_scan_field(page)
    wedge(page, code)


def flashed(page, kind: str, text: str) -> None:  # type: ignore[no-untyped-def]
    """Waits for the full-screen flash of `kind` (ok, error, queued) saying `text` (a part of
    its message, which may run over several lines)."""
    page.wait_for_function(
        "([kind, text]) => { const f = document.getElementById('flash');"
        " return !f.hidden && f.dataset.kind === kind && f.textContent.includes(text); }",
        arg=[kind, text],
    )


class HeldList:
    """The first request of a list (a query with `field`) made without the variable
    `variable` (the whole list) is held back until `release`: its answer then arrives after
    the answer for whatever the person chose meanwhile."""

    def __init__(self, page, field: str, variable: str) -> None:  # type: ignore[no-untyped-def]
        self.page = page
        self.held: list[Any] = []

        def hold(route) -> None:  # type: ignore[no-untyped-def]
            body = route.request.post_data_json or {}
            listing = f"{field}(" in body.get("query", "")
            whole = (body.get("variables") or {}).get(variable) is None
            if listing and whole and not self.held:
                self.held.append(route)
                return
            route.continue_()

        page.route("**/graphql", hold)

    def release(self) -> None:
        """Lets the held request through and waits until its answer has reached the page."""
        assert len(self.held) == 1, "the whole list was requested once and held"
        route = self.held[0]
        with self.page.expect_response(lambda r: r.request == route.request):
            route.continue_()
        self.page.evaluate("() => new Promise((done) => setTimeout(done, 300))")  # let it land


def shoot(page, path, *, full_page: bool = False) -> None:  # type: ignore[no-untyped-def]
    """A screenshot of the screen itself, once the last flash has gone."""
    page.wait_for_selector("#flash", state="hidden")
    page.screenshot(path=str(path), full_page=full_page)


def open_step(page, number: str, step: str) -> None:  # type: ignore[no-untyped-def]
    """Scan the ticket number on home (it opens the ticket), then tap the step's button."""
    wait_for_scan_field(page)
    wedge(page, number)
    page.wait_for_selector(f"#ticket .ticket-summary[data-number='{number}']")
    page.click(f"#ticket-steps button[data-step='{step}']")


def on_ticket(page, number: str, status: str) -> None:  # type: ignore[no-untyped-def]
    """Waits for the ticket screen of `number` in `status`."""
    page.wait_for_selector(
        f"#ticket .ticket-summary[data-number='{number}'][data-status='{status}']"
    )


def codes_sent(page, operation: str = "scan") -> list[str]:  # type: ignore[no-untyped-def]
    """The codes the page sends to the server with `operation` (scan or registerParcel)."""
    sent: list[str] = []

    def seen(request) -> None:  # type: ignore[no-untyped-def]
        if request.url.endswith("/graphql") and request.method == "POST":
            body = json.loads(request.post_data or "{}")
            if f"{operation}(" in body.get("query", ""):
                variables = body["variables"]
                sent.append(variables.get("code") or variables["input"]["code"])

    page.on("request", seen)
    return sent


def token(server: str, username: str) -> str:
    if (server, username) not in _tokens:
        answer = httpx.post(
            f"{server}/graphql",
            json={
                "query": "mutation($i: LoginInput!) { login(input: $i) { token } }",
                "variables": {"i": {"username": username, "password": f"{username}-demo-2026"}},
            },
            timeout=10,
        ).json()
        _tokens[(server, username)] = answer["data"]["login"]["token"]
    return _tokens[(server, username)]


def gql(server: str, username: str, query: str, variables: dict[str, Any] | None = None) -> dict:
    """One GraphQL operation as a demo user; fails the test on any error or userErrors."""
    answer = httpx.post(
        f"{server}/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"authorization": f"Bearer {token(server, username)}"},
        timeout=15,
    ).json()
    assert "errors" not in answer, answer
    data = answer["data"]
    for payload in data.values():
        if isinstance(payload, dict) and payload.get("userErrors"):
            raise AssertionError(payload["userErrors"])
    return data


def mutate(
    server: str, username: str, name: str, input_type: str, given: dict, fields: str = ""
) -> dict:
    """Run mutation `name(input: given)` and answer its payload (userErrors fail the test)."""
    selection = f"{{ {fields} userErrors {{ message }} }}"
    query = f"mutation($i: {input_type}!) {{ {name}(input: $i) {selection} }}"
    return gql(server, username, query, {"i": given})[name]


def new_key(tag: str) -> str:
    """A fresh idempotency key."""
    return f"e2e-{tag}-{uuid.uuid4().hex[:8]}"


def new_waybill(prefix: str = "SF") -> str:
    """A waybill number nobody has used yet: `prefix` and 12 digits."""
    return f"{prefix}{uuid.uuid4().int % 10**12:012d}"


def barcodes(server: str, sku: str) -> list[str]:
    query = "query($s: String!) { product(sku: $s) { barcodes } }"
    return gql(server, "admin", query, {"s": sku})["product"]["barcodes"]


def sellable_stock(server: str, count: int = 1) -> list[dict]:
    """`count` different products with sellable stock: [{sku, locationCode, available}]."""
    levels = gql(
        server,
        "admin",
        "{ stockLevels(filter: {zoneKind: SELLABLE}, first: 100) "
        "{ nodes { available product { sku supplyMode } location { code } } } }",
    )["stockLevels"]["nodes"]
    found: dict[str, dict] = {}
    for level in levels:
        if level["available"] >= 3 and level["product"]["sku"] not in found:
            found[level["product"]["sku"]] = {
                "sku": level["product"]["sku"],
                "locationCode": level["location"]["code"],
                "available": level["available"],
            }
    assert len(found) >= count, "the demo shelves ran out of stock"
    return list(found.values())[:count]


CUSTOMER = {"name": "测试客户 E2E", "phone": "13900000000"}


def shipped_order(
    server: str,
    tag: str,
    *,
    quantity: int = 1,
    price: str = "99.00",
    delivered: bool = False,
    customer: dict[str, str] | None = None,
) -> dict:
    """A new order of `quantity` units of one product, shipped from a sellable bin: yesterday,
    the courier still has it; or, if `delivered`, two days ago and delivered yesterday.
    Answers {order, waybill, sku, bin} (bin: where it left from)."""
    item = sellable_stock(server)[0]
    number = f"SO-E2E-{tag}-{next(_numbers):03d}-{uuid.uuid4().hex[:4]}".upper()
    now = datetime.now(UTC)
    shipped = now - timedelta(days=2 if delivered else 1)
    mutate(
        server,
        "admin",
        "createOrder",
        "CreateOrderInput",
        {
            "idempotencyKey": new_key("order"),
            "number": number,
            "customer": customer or CUSTOMER,
            "lines": [{"sku": item["sku"], "quantity": quantity, "unitPricePaid": price}],
            "placedAt": (shipped - timedelta(days=1)).isoformat(),
        },
    )
    waybill = new_waybill("SF")
    mutate(
        server,
        "admin",
        "recordShipment",
        "RecordShipmentInput",
        {
            "idempotencyKey": new_key("ship"),
            "orderNumber": number,
            "waybill": waybill,
            "courier": "顺丰 SF",
            "lines": [
                {"sku": item["sku"], "locationCode": item["locationCode"], "quantity": quantity}
            ],
            "shippedAt": shipped.isoformat(),
        },
    )
    if delivered:
        arrived = {"waybill": waybill, "deliveredAt": (now - timedelta(days=1)).isoformat()}
        mutate(server, "admin", "markDelivered", "MarkDeliveredInput", arrived)
    return {"order": number, "waybill": waybill, "sku": item["sku"], "bin": item["locationCode"]}


def delivered_order(server: str, tag: str, quantity: int = 1) -> tuple[str, str]:
    """A new order of one product, shipped and delivered yesterday: (order number, sku)."""
    order = shipped_order(server, tag, quantity=quantity, delivered=True)
    return order["order"], order["sku"]


TICKET = "ticket { number status lines { id quantity product { sku } } }"


def take_step(server: str, user: str, mutation: str, input_type: str, given: dict) -> dict:
    """One step of a ticket through the API as `user`, under a fresh idempotency key: the
    mutation's payload, with its ticket ({number, status, lines})."""
    given = {"idempotencyKey": new_key(mutation), **given}
    return mutate(server, user, mutation, input_type, given, TICKET)


# The steps of a customer return, in order, and the state each leaves the ticket in.
STEPS = ("REQUESTED", "APPROVED", "RECEIVED", "UNPACKED", "INITIAL_INSPECTED", "QC_INSPECTED")


def ticket_at(
    server: str,
    tag: str,
    status: str = "REQUESTED",
    *,
    kind: str = "RETURN",
    quantity: int = 1,
    reason: str = "QUALITY_DEFECT",
    wanted_colour: str = "",
    qc_passed: bool = True,
    qc_grade: str = "A",
    responsibility: str = "PRODUCT",
    ordered: int | None = None,
) -> dict:
    """A customer return (or exchange) of a fresh delivered order, taken through the real API
    up to `status` (one of STEPS). Answers the ticket: {number, status, lines[{id, quantity,
    product{sku}}]}. `ordered`: units on the order when more than the ticket returns."""
    assert status in STEPS, status
    order, sku = delivered_order(server, tag, ordered or quantity)
    line: dict[str, Any] = {"sku": sku, "quantity": quantity}
    if kind == "EXCHANGE":
        line["wantedColour"] = wanted_colour or "黑色"
    application = {
        "idempotencyKey": new_key("request"),
        "orderNumber": order,
        "kind": kind,
        "reasonCode": reason,
        "details": "e2e",
        "lines": [line],
    }
    ticket = mutate(
        server, "customer-service", "requestReturn", "RequestReturnInput", application, TICKET
    )["ticket"]
    number = ticket["number"]
    reached = STEPS.index(status)

    def step(user: str, mutation: str, input_type: str, extra: dict[str, Any]) -> dict:
        return take_step(server, user, mutation, input_type, extra)["ticket"]

    results = lambda passed, grade, who: [  # noqa: E731
        {
            "lineId": ln["id"],
            "quantity": ln["quantity"],
            "passed": passed,
            "grade": grade,
            "responsibility": who,
        }
        for ln in ticket["lines"]
    ]
    if reached >= 1:
        ticket = step(
            "customer-service", "approveReturn", "TicketNoteInput", {"ticketNumber": number}
        )
    if reached >= 2:
        arrival = {"idempotencyKey": new_key("arrive"), "code": number}
        ticket = mutate(
            server, "warehouse", "registerParcel", "RegisterParcelInput", arrival, TICKET
        )["ticket"]
    if reached >= 3:
        ticket = step("warehouse", "unpackReturn", "UnpackReturnInput", {"ticketNumber": number})
    if reached >= 4:
        ticket = step(
            "warehouse",
            "recordInspection",
            "RecordInspectionInput",
            {"ticketNumber": number, "stage": "INITIAL", "results": results(True, None, "UNKNOWN")},
        )
    if reached >= 5:
        ticket = step(
            "qc",
            "recordInspection",
            "RecordInspectionInput",
            {
                "ticketNumber": number,
                "stage": "QC",
                "results": results(qc_passed, qc_grade, responsibility),  # QC grades every unit
            },
        )
    assert ticket["status"] == status, ticket
    return ticket


def in_follow_up(server: str, tag: str, *, quantity: int = 1, ordered: int | None = None) -> dict:
    """A customer return taken through QC, accepted by CS and refunded in full by finance:
    the ticket waits in FOLLOW_UP for customer service's call. Answers the ticket."""
    number = ticket_at(server, tag, "QC_INSPECTED", quantity=quantity, ordered=ordered)["number"]
    decision = {"ticketNumber": number, "decision": "ACCEPT"}
    take_step(server, "customer-service", "decideReturn", "DecideReturnInput", decision)
    due = gql(
        server,
        "finance",
        "query($n: String) { returnTicket(number: $n) { refundDue } }",
        {"n": number},
    )["returnTicket"]["refundDue"]
    refund = {"ticketNumber": number, "amount": due, "paymentReference": f"PAY-{tag}"}
    ticket = take_step(server, "finance", "issueRefund", "IssueRefundInput", refund)["ticket"]
    assert ticket["status"] == "FOLLOW_UP", ticket
    return ticket
