"""The returns figures of issue 3 for `make bench`, on the 100,000-ticket database
(tests/bench/returns_data.py):

(e) ``registerParcel`` at a steady offered 50 req/s (open loop), as the warehouse user:
    every request registers the arrival of a different APPROVED ticket by its waybill;
(f) ``recordInspection`` at a steady offered 50 req/s (open loop), as the warehouse user:
    every request records the initial inspection of a different UNPACKED ticket, one
    result per line covering all its received units (some failed, with a defect tag);
(g) SQL statements of a ``returnTickets`` page of 10 and of 50 tickets with their lines'
    products, inspections and history with actors (in-process, counted like stockLevels);
(h) latency of that page of 50 at a steady offered 10 pages/s (open loop, evenly spaced
    arrivals: the target), and under 4 closed-loop clients (for information: there each
    request waits for the other three, so its latency is about 4 times the server's time
    per page), as the customer-service user, each request at another place of the 100,000
    tickets (its own ``after`` cursor).
"""

from __future__ import annotations

import base64
import json
import math
import random
from collections.abc import Sequence
from typing import Any

from backend.domain.auth.roles import Role
from backend.services.demo_data import DEMO_PASSWORDS
from tests.bench import returns_data
from tests.bench.loadclient import Result, closed_loop, open_loop, run_sync
from tests.bench.server import BenchServer

RATE = 50.0
PAGE = 50
PAGE_RATE = 10.0
PAGE_CLIENTS = 4
REGISTER_P99_MS = 50.0
INSPECT_P99_MS = 50.0
PAGE_P99_MS = 100.0

REGISTER = (
    "mutation Register($input: RegisterParcelInput!) { registerParcel(input: $input) "
    "{ ticket { number status } exception replayed userErrors { code message } } }"
)
INSPECT = (
    "mutation Inspect($input: RecordInspectionInput!) { recordInspection(input: $input) "
    "{ ticket { number status } replayed userErrors { code message } } }"
)
TICKETS = (
    "query Tickets($first: Int!, $after: String) { returnTickets(first: $first, after: $after) "
    "{ nodes { number status kind source customerName createdAt "
    "lines { quantity quantityReceived product { sku } } "
    "inspections { stage quantity passed grade responsibility } "
    "history { at action fromStatus toStatus actor { username } } } "
    "pageInfo { hasNextPage endCursor } } }"
)


def username(role: Role) -> str:
    return role.value.lower().replace("_", "-")


CS_USER = username(Role.CUSTOMER_SERVICE)


# --------------------------------------------------------------------------- body checks


def _payload(body: bytes, field: str) -> dict[str, Any] | None:
    doc = json.loads(body)
    if doc.get("errors") or not doc.get("data"):
        return None
    payload: dict[str, Any] = doc["data"][field]
    return payload


def parcel_registered(body: bytes) -> bool:
    """One arrival booked: the APPROVED ticket is RECEIVED now, no user errors."""
    p = _payload(body, "registerParcel")
    return bool(
        p
        and not p["userErrors"]
        and p["replayed"] is False
        and p["exception"] is False
        and p["ticket"]["status"] == "RECEIVED"
    )


def inspection_recorded(body: bytes) -> bool:
    """One initial inspection recorded: the ticket is INITIAL_INSPECTED, no user errors."""
    p = _payload(body, "recordInspection")
    return bool(
        p
        and not p["userErrors"]
        and p["replayed"] is False
        and p["ticket"]["status"] == "INITIAL_INSPECTED"
    )


def full_ticket_page(body: bytes) -> bool:
    p = _payload(body, "returnTickets")
    return bool(p and len(p["nodes"]) == PAGE and all(n["history"] for n in p["nodes"]))


# --------------------------------------------------------------------------- bodies


class Bodies:
    """``make_body`` for the load loops: request k gets the k-th prepared body (each a
    different ticket); running out is a bug of the benchmark, not a failed request."""

    def __init__(self, bodies: Sequence[bytes], cycle: bool = False) -> None:
        self.bodies = list(bodies)
        self.cycle = cycle

    def __call__(self, k: int) -> bytes:
        if self.cycle:
            return self.bodies[k % len(self.bodies)]
        if k >= len(self.bodies):
            raise IndexError(f"only {len(self.bodies)} distinct tickets prepared")
        return self.bodies[k]


def _graphql(query: str, variables: dict[str, Any]) -> bytes:
    return json.dumps({"query": query, "variables": variables}, ensure_ascii=False).encode()


def register_bodies(waybills: Sequence[str], run: str) -> Bodies:
    return Bodies(
        [
            _graphql(
                REGISTER,
                {"input": {"idempotencyKey": f"bench-{run}-arrive-{n}", "code": w}},
            )
            for n, w in enumerate(waybills)
        ]
    )


def inspect_bodies(
    tickets: Sequence[tuple[str, list[tuple[int, int]]]],
    run: str,
    checklist: Sequence[str],
    defect_tag: str,
) -> Bodies:
    answers = [{"code": code, "ok": True} for code in checklist]
    bodies = []
    for n, (number, lines) in enumerate(tickets):
        results = []
        for i, (line_id, units) in enumerate(lines):
            if not units:
                continue
            result: dict[str, Any] = {
                "lineId": str(line_id),
                "quantity": units,
                "passed": True,
                "checklist": answers,
            }
            if n % 5 == 0 and i == 0:  # every fifth ticket: a unit with a defect
                result.update(
                    passed=False,
                    responsibility="PRODUCT",
                    defectTags=[defect_tag],
                    defectText="开线 open seam",
                )
            results.append(result)
        variables = {
            "input": {
                "idempotencyKey": f"bench-{run}-inspect-{n}",
                "ticketNumber": number,
                "stage": "INITIAL",
                "results": results,
            }
        }
        bodies.append(_graphql(INSPECT, variables))
    return Bodies(bodies)


def page_bodies(max_id: int, count: int = 400) -> Bodies:
    """Pages of 50 starting at `count` places spread over the tickets (seeded)."""
    rng = random.Random(4)
    bodies = []
    for _ in range(count):
        after = rng.randint(1, max(1, max_id - 2 * PAGE))
        cursor = base64.urlsafe_b64encode(f"id:{after}".encode()).decode()
        bodies.append(_graphql(TICKETS, {"first": PAGE, "after": cursor}))
    return Bodies(bodies, cycle=True)


# --------------------------------------------------------------------------- runs


def needed(rate: float, warmup_s: float, duration_s: float) -> int:
    """Requests an open loop sends (as open_loop counts them)."""
    return math.ceil(warmup_s * rate) + math.ceil(duration_s * rate)


def _open(
    server: BenchServer,
    headers: dict[str, str],
    bodies: Bodies,
    check: Any,
    warmup_s: float,
    duration_s: float,
    rate: float = RATE,
) -> Result:
    return run_sync(
        open_loop(
            server.host,
            server.port,
            "/graphql",
            headers,
            bodies,
            rate_per_s=rate,
            duration_s=duration_s,
            warmup_s=warmup_s,
            max_connections=64,
            body_check=check,
            timeout_s=10.0,
            drain_s=5.0,
            sample_pids=[server.pid],
        )
    )


def measure(
    server: BenchServer,
    figures: Any,
    warmup_s: float,
    duration_s: float,
    page_s: float,
    say: Any,
) -> dict[str, Any]:
    """(e), (f) and (h) against the running server; `figures` summarises a Result."""
    out: dict[str, Any] = {}
    waybills = returns_data.approved_waybills(server.db_path)
    unpacked = returns_data.unpacked_tickets(server.db_path)
    want = needed(RATE, warmup_s, duration_s)
    out["pools"] = {"approved": len(waybills), "unpacked": len(unpacked), "per_run": want}
    if min(len(waybills), len(unpacked)) < want:
        raise RuntimeError(
            f"the bench database holds {len(waybills)} APPROVED and {len(unpacked)} UNPACKED "
            f"tickets; one run at {RATE:.0f} req/s needs {want} of each"
        )
    warehouse = server.login(username(Role.WAREHOUSE), DEMO_PASSWORDS[Role.WAREHOUSE])
    cs = server.login(username(Role.CUSTOMER_SERVICE), DEMO_PASSWORDS[Role.CUSTOMER_SERVICE])
    run = f"{server.pid}"

    say(f"(e) registerParcel at {RATE:.0f} req/s offered, {want} APPROVED tickets ...")
    result = _open(
        server,
        warehouse,
        register_bodies(waybills[:want], run),
        parcel_registered,
        warmup_s,
        duration_s,
    )
    out["register_parcel"] = figures(result, server.pid)

    say(f"(f) recordInspection at {RATE:.0f} req/s offered, {want} UNPACKED tickets ...")
    result = _open(
        server,
        warehouse,
        inspect_bodies(unpacked[:want], run, *returns_data.inspection_vocabulary(server.db_path)),
        inspection_recorded,
        warmup_s,
        duration_s,
    )
    out["record_inspection"] = figures(result, server.pid)

    pages = page_bodies(returns_data.TICKETS)
    say(f"(h) returnTickets page of {PAGE} at {PAGE_RATE:.0f} pages/s offered ...")
    result = _open(server, cs, pages, full_ticket_page, warmup_s, page_s, PAGE_RATE)
    out["tickets_page_50"] = figures(result, server.pid)

    say(f"(h) returnTickets page of {PAGE}, {PAGE_CLIENTS} closed-loop clients ...")
    result = run_sync(
        closed_loop(
            server.host,
            server.port,
            "/graphql",
            cs,
            pages,
            concurrency=PAGE_CLIENTS,
            duration_s=page_s,
            warmup_s=warmup_s,
            body_check=full_ticket_page,
            timeout_s=10.0,
            drain_s=5.0,
            sample_pids=[server.pid],
        )
    )
    out["tickets_page_50_closed_loop"] = figures(result, server.pid)
    return out
