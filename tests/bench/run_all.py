"""`make bench`: the figures of issue 2 item 11, with the targets next to them.

(a) receiveStock throughput, 20 closed-loop clients: /graphql vs the bare Starlette twin
    (/bench/receive-stock, same service function) in the same server, with server CPU time
    per request; (b) receiveStock latency at a steady offered 100 req/s (open loop);
(c) SQL statements for a stockLevels page of 10 and of 100 rows (in-process, on a copy of
    the bench database); (d) stockLevels pages of 100 per second with 20 clients.

And the returns figures of issue 3 (tests/bench/returns_bench.py), on the same server: its
database is the demo data plus 100,000 return tickets, generated once and cached under
var/bench/ (tests/bench/returns_data.py): (e) registerParcel and (f) recordInspection at a
steady offered 50 req/s, (g) SQL statements of a returnTickets page of 10 and of 50,
(h) returnTickets pages of 50 at a steady offered 10 pages/s (and, for information, under
4 closed-loop clients).

And (i), issue 4 item 8 (tests/bench/scan_flash.py), after the others, on a server of its
own with its own time limit: the time from a wedge scan's Enter to the green confirmation
flash for registerParcel on the PWA's arrivals screen in Debian's chromium (p95 < 150 ms),
with every ticket RECEIVED exactly once afterwards; "skipped" when chromium is missing.

And (j) (k), issue 5 item 9 (tests/bench/analytics_bench.py), last, on a server of its own
over a database of 200,000 tickets and 1,000,000 movements (generated once, cached under
var/bench/), with its own time limit: p50 / p99 of each return analytics query, the money
figures and the custody-fee statement of a month (p99 < 500 ms), and the export of 100,000
tickets as CSV and XLSX (time, the server's peak memory < 200 MB); also written to
var/bench/analytics.txt. A field the server does not have yet shows as "not available".

Prints a table with PASS/FAIL per target, writes var/bench/latest.json, and exits 1 if a
target is missed (2 if the benchmark itself could not run).  ``--quick`` shortens every
window for a smoke run (its figures are not meaningful).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.bench import analytics_bench, returns_bench, returns_data, scan_flash
from tests.bench.loadclient import Result, TemplateBody, closed_loop, open_loop, run_sync
from tests.bench.server import ROOT, BenchServer, bench_server

OUTPUT = ROOT / "var" / "bench" / "latest.json"
HARD_LIMIT_S = 290  # the whole run, set-up included, must end within 5 minutes
SCAN_FLASH_LIMIT_S = 240  # (i), which runs after that, set-up included
ANALYTICS_LIMIT_S = 1500  # (j) (k), last, set-up included (the first build: about 2 minutes)

SKU = "APP-001-BLK-S"
BIN = "SH1-A-01"
TOP_UP_BINS = ("SH1-RCV-01", "SH1-RCV-02")  # bins the demo opening stock leaves empty
CONCURRENCY = 20
ROUNDS = 3
OFFERED_RATE = 100.0

RECEIVE = (
    "mutation Receive($input: ReceiveStockInput!) { receiveStock(input: $input) "
    "{ movement { id } replayed userErrors { code message } } }"
)
LEVELS = (
    "query Levels($first: Int!) { stockLevels(first: $first) { nodes { "
    "product { sku barcodes category { code } } "
    "location { code zone { kind } warehouse { code } } "
    "onHand reserved available } pageInfo { hasNextPage } } }"
)


@dataclass(frozen=True)
class Durations:
    warmup_s: float
    throughput_s: float
    latency_s: float
    page_s: float
    returns_s: float  # each returns window, (e) (f) (h)


FULL = Durations(warmup_s=2.0, throughput_s=18.0, latency_s=15.0, page_s=10.0, returns_s=15.0)
QUICK = Durations(warmup_s=0.5, throughput_s=2.0, latency_s=3.0, page_s=2.0, returns_s=3.0)


# --------------------------------------------------------------------------- body checks


def receipt_booked(body: bytes) -> bool:
    """GraphQL or bare answer for one new receipt: booked, not replayed, no errors."""
    doc = json.loads(body)
    if "data" in doc:
        if doc.get("errors") or not doc["data"]:
            return False
        doc = doc["data"]["receiveStock"]
        return bool(doc["movement"]) and doc["replayed"] is False and not doc["userErrors"]
    return bool(doc.get("movement")) and doc.get("replayed") is False


def full_page(body: bytes) -> bool:
    doc = json.loads(body)
    return not doc.get("errors") and len(doc["data"]["stockLevels"]["nodes"]) == 100


# --------------------------------------------------------------------------- templates


def _graphql_receive_template() -> bytes:
    receipt = {"idempotencyKey": "gql-{{i}}", "sku": SKU, "locationCode": BIN, "quantity": 1}
    return json.dumps({"query": RECEIVE, "variables": {"input": receipt}}).encode()


def _bare_receive_template() -> bytes:
    body = {"idempotencyKey": "bare-{{i}}", "sku": SKU, "locationCode": BIN, "quantity": 1}
    return json.dumps(body).encode()


def _levels_body(first: int) -> bytes:
    return json.dumps({"query": LEVELS, "variables": {"first": first}}).encode()


# --------------------------------------------------------------------------- measurements


def _closed(
    server: BenchServer,
    path: str,
    body: Callable[[int], bytes],
    check: Callable[[bytes], bool],
    d: Durations,
    duration_s: float,
) -> Result:
    return run_sync(
        closed_loop(
            server.host,
            server.port,
            path,
            server.auth_headers,
            body,
            concurrency=CONCURRENCY,
            duration_s=duration_s,
            warmup_s=d.warmup_s,
            body_check=check,
            timeout_s=10.0,
            drain_s=5.0,
            sample_pids=[server.pid],
        )
    )


def _median(results: list[Result]) -> Result:
    return sorted(results, key=lambda r: r.rps())[len(results) // 2]


def _figures(result: Result, pid: int) -> dict[str, Any]:
    s = result.summary()
    out = {k: s[k] for k in ("rps", "p50", "p90", "p99", "max", "ok", "failed", "sent")}
    out["errors"] = s["errors"]
    cpu = s.get("cpu_ms_per_ok", {})
    out["server_cpu_ms_per_req"] = cpu.get(str(pid))
    out["client_cpu_ms_per_req"] = cpu.get("client")
    if "sched_lag_ms_max" in s:
        out["client_sched_lag_ms_max"] = s["sched_lag_ms_max"]
    return out


def top_up_balances(server: BenchServer) -> int:
    """Receive every stocked product into two more bins, so a page of 100 is full."""
    skus: list[str] = []
    after = None
    for _ in range(10):  # at most 10 pages of products
        data = server.graphql(
            "query P($after: String) { products(first: 100, after: $after) { "
            "nodes { sku supplyMode } pageInfo { hasNextPage endCursor } } }",
            {"after": after},
        )["products"]
        skus += [n["sku"] for n in data["nodes"] if n["supplyMode"] == "STOCKED"]
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    booked = 0
    for code in TOP_UP_BINS:
        for sku in skus:
            answer = server.graphql(
                RECEIVE,
                {
                    "input": {
                        "idempotencyKey": f"topup-{code}-{sku}",
                        "sku": sku,
                        "locationCode": code,
                        "quantity": 5,
                    }
                },
            )["receiveStock"]
            if answer["userErrors"]:
                raise RuntimeError(f"top-up refused: {answer['userErrors']}")
            booked += 1
    page = server.graphql(LEVELS, {"first": 100})["stockLevels"]
    if len(page["nodes"]) != 100 or not page["pageInfo"]["hasNextPage"]:
        raise RuntimeError("fewer than 101 non-empty balances after the top-up")
    return booked


# --------------------------------------------------------------------------- (c) SQL count


class _StatementCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not message.startswith(("Created connection", "Closed connection")):
            self.statements.append(message)


async def _count_statements(db_file: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """SQL statements per stockLevels page of 10 and 100 (as the warehouse user) and per
    returnTickets page of 10 and 50 (as customer service), each counted on its second run."""
    from tortoise import Tortoise

    from backend.api.context import Context
    from backend.api.schema import build_schema
    from backend.config import Settings
    from backend.domain.auth.roles import Principal
    from backend.persistence.db import tortoise_config
    from backend.persistence.models import User
    from backend.pubsub.memory import MemoryPubSub

    await Tortoise.init(config=tortoise_config(f"sqlite://{db_file}"), _enable_global_fallback=True)
    logger = logging.getLogger("tortoise.db_client")
    counter = _StatementCounter()
    old_level, old_propagate = logger.level, logger.propagate
    try:
        schema = build_schema(development=False)
        settings = Settings()
        pubsub = MemoryPubSub()

        async def count(username: str, query: str, field: str, sizes: tuple[int, ...]) -> Any:
            user = await User.get(username=username)
            principal = Principal(user.id, user.username, user.role, user.partner_id, None)

            async def run(first: int) -> int:
                context = Context(
                    request=None,  # type: ignore[arg-type]
                    response=None,
                    settings=settings,
                    pubsub=pubsub,
                    principal=principal,
                )
                result = await schema.execute(query, {"first": first}, context_value=context)
                if result.errors:
                    raise RuntimeError(f"{field} failed: {result.errors}")
                assert result.data is not None
                return len(result.data[field]["nodes"])

            out: dict[str, Any] = {}
            for first in sizes:
                await run(first)  # warm caches; count the second execution
                counter.statements.clear()
                rows = await run(first)
                if rows != first:
                    raise RuntimeError(f"{field}(first: {first}) returned {rows} rows")
                out[str(first)] = {"rows": rows, "statements": len(counter.statements)}
                out[str(first)]["sql"] = [s[:200] for s in counter.statements]
            return out

        logger.addHandler(counter)
        logger.setLevel(logging.DEBUG)
        logger.propagate = False
        levels = await count("warehouse", LEVELS, "stockLevels", (10, 100))
        tickets = await count(
            returns_bench.CS_USER,
            returns_bench.TICKETS,
            "returnTickets",
            (10, returns_bench.PAGE),
        )
        return levels, tickets
    finally:
        logger.removeHandler(counter)
        logger.setLevel(old_level)
        logger.propagate = old_propagate
        await Tortoise.close_connections()


# --------------------------------------------------------------------------- report


@dataclass(frozen=True)
class Line:
    label: str
    value: str
    target: str
    ok: bool
    verdict: str = ""  # shown instead of PASS / FAIL (e.g. "not available")


def _fmt(v: float | None, unit: str = "") -> str:
    return "n/a" if v is None else f"{v:,.1f}{unit}"


def _lines(fig: dict[str, Any]) -> list[Line]:
    gql, bare = fig["receive_graphql"], fig["receive_bare"]
    lat, sql, page = fig["receive_latency_at_100rps"], fig["sql_statements"], fig["levels_100"]
    ratio = fig["graphql_over_bare"]
    p50, p99 = lat["p50"], lat["p99"]
    return [
        Line("(a) receiveStock /graphql req/s", _fmt(gql["rps"]), ">= 460", gql["rps"] >= 460),
        Line("(a) bare endpoint req/s", _fmt(bare["rps"]), "(reference)", True),
        Line("(a) GraphQL / bare", f"{ratio:.0%}", ">= 70%", ratio >= 0.70),
        Line(
            "(a) /graphql p50 / p99 ms",
            f"{_fmt(gql['p50'])} / {_fmt(gql['p99'])}",
            "(info)",
            True,
        ),
        Line(
            "(a) bare p50 / p99 ms",
            f"{_fmt(bare['p50'])} / {_fmt(bare['p99'])}",
            "(info)",
            True,
        ),
        Line(
            "(a) server CPU ms/req gql / bare",
            f"{_fmt(gql['server_cpu_ms_per_req'])} / {_fmt(bare['server_cpu_ms_per_req'])}",
            "(info)",
            True,
        ),
        Line("(b) p50 at 100 req/s, ms", _fmt(p50), "< 10", p50 is not None and p50 < 10),
        Line("(b) p99 at 100 req/s, ms", _fmt(p99), "< 30", p99 is not None and p99 < 30),
        Line(
            "(b) achieved rate req/s",
            _fmt(lat["rps"]),
            "~100, no failures",
            lat["failed"] == 0 and lat["rps"] >= 0.95 * OFFERED_RATE,
        ),
        Line(
            "(c) SQL statements page 10 / 100",
            f"{sql['10']['statements']} / {sql['100']['statements']}",
            "equal",
            sql["10"]["statements"] == sql["100"]["statements"],
        ),
        Line("(d) stockLevels(100) pages/s", _fmt(page["rps"]), ">= 67", page["rps"] >= 67),
        *_returns_lines(fig),
        *_scan_flash_lines(fig["scan_flash"]),
        *_analytics_lines(fig["analytics"]),
    ]


def _returns_lines(fig: dict[str, Any]) -> list[Line]:
    data, rb = fig["returns_data"], returns_bench
    out = [
        Line(
            f"(e-h) {returns_data.TICKETS:,} tickets generated in, s",
            f"{data['generation_s']:.1f}" + (" (cached)" if data["cached"] else ""),
            "(info)",
            True,
        )
    ]
    for tag, name, key, limit in (
        ("(e)", "registerParcel", "register_parcel", rb.REGISTER_P99_MS),
        ("(f)", "recordInspection", "record_inspection", rb.INSPECT_P99_MS),
    ):
        r = fig[key]
        p99 = r["p99"]
        out += [
            Line(f"{tag} {name} p50 at {rb.RATE:.0f} req/s, ms", _fmt(r["p50"]), "(info)", True),
            Line(
                f"{tag} {name} p99 at {rb.RATE:.0f} req/s, ms",
                _fmt(p99),
                f"< {limit:.0f}",
                p99 is not None and p99 < limit,
            ),
            Line(
                f"{tag} {name} achieved req/s",
                _fmt(r["rps"]),
                f"~{rb.RATE:.0f}, no failures",
                r["failed"] == 0 and r["rps"] >= 0.95 * rb.RATE,
            ),
        ]
    sql, page = fig["returns_sql_statements"], fig["tickets_page_50"]
    closed = fig["tickets_page_50_closed_loop"]
    small, big = sql["10"]["statements"], sql[str(rb.PAGE)]["statements"]
    p99 = page["p99"]
    at = f"returnTickets({rb.PAGE}) at {rb.PAGE_RATE:.0f} pages/s"
    return [
        *out,
        Line("(g) SQL statements returnTickets 10 / 50", f"{small} / {big}", "equal", small == big),
        Line(f"(h) {at} p50, ms", _fmt(page["p50"]), "(info)", True),
        Line(
            f"(h) {at} p99, ms",
            _fmt(p99),
            f"< {rb.PAGE_P99_MS:.0f}, no failures",
            p99 is not None
            and p99 < rb.PAGE_P99_MS
            and page["failed"] == 0
            and page["rps"] >= 0.95 * rb.PAGE_RATE,
        ),
        Line(
            f"(h) server CPU ms per page of {rb.PAGE}",
            _fmt(page["server_cpu_ms_per_req"]),
            "(info)",
            True,
        ),
        Line(
            f"(h) {rb.PAGE_CLIENTS} closed-loop clients p50 / p99 ms",
            f"{_fmt(closed['p50'])} / {_fmt(closed['p99'])}",
            "(info)",
            True,
        ),
        Line(
            f"(h) {rb.PAGE_CLIENTS} closed-loop clients pages/s",
            _fmt(closed["rps"]),
            "(info)",
            True,
        ),
    ]


def _scan_flash_lines(sf: dict[str, Any]) -> list[Line]:
    label = "(i) wedge scan to green flash p95, ms"
    target = f"< {scan_flash.TARGET_P95_MS:.0f}"
    if "skipped" in sf:
        return [Line(label, f"skipped: {sf['skipped']}", "(skipped)", True)]
    if "error" in sf:
        return [Line(label, "could not run", target, False)]
    check = sf["db_check"]
    return [
        Line(
            f"(i) wedge scan to green flash p50 / max, ms ({sf['scans']} scans)",
            f"{_fmt(sf.get('p50'))} / {_fmt(sf.get('max'))}",
            "(info)",
            True,
        ),
        Line(
            label,
            _fmt(sf.get("p95")),
            target,
            sf.get("p95") is not None
            and sf["p95"] < scan_flash.TARGET_P95_MS
            and sf["ok_flashes"] == sf["parcels"],
        ),
        Line(
            "(i) to the next frame p50 / p95, ms",
            f"{_fmt(sf.get('frame_p50'))} / {_fmt(sf.get('frame_p95'))}",
            "(info)",
            True,
        ),
        Line(
            "(i) of which registerParcel request p50 / p95, ms",
            f"{_fmt(sf.get('fetch_p50'))} / {_fmt(sf.get('fetch_p95'))}",
            "(info)",
            True,
        ),
        Line(
            "(i) green flashes naming their ticket; RECEIVED once",
            f"{sf['ok_flashes'] - sf['wrong_flash_count']}/{sf['parcels']};"
            f" {check['received_once']}/{check['tickets']}",
            "all; no new tickets",
            sf["wrong_flash_count"] == 0 and check["ok"],
        ),
    ]


def _analytics_lines(result: dict[str, Any]) -> list[Line]:
    if "error" in result:
        return [Line("(j) (k) analytics, custody statement, exports", "could not run", "", False)]
    return [
        Line(row.label, row.value, row.target, row.verdict in ("PASS", ""), row.verdict)
        for row in analytics_bench.rows(result)
    ]


def _run_analytics(quick: bool) -> dict[str, Any]:
    """(j) (k) on their own server; a dict with "error" when they did not run."""
    signal.alarm(ANALYTICS_LIMIT_S)
    try:
        found = analytics_bench.measure(quick, _say)
        analytics_bench.write(found, analytics_bench.rows(found))
        return found
    except TimeoutError:
        _say(f"(j) (k) analytics could not run: exceeded {ANALYTICS_LIMIT_S}s")
        return {"error": f"exceeded {ANALYTICS_LIMIT_S}s"}
    except Exception as exc:
        _say(f"(j) (k) analytics could not run: {type(exc).__name__}: {exc}")
        return {"error": f"{type(exc).__name__}: {exc}"}
    finally:
        signal.alarm(0)


def _run_scan_flash(quick: bool) -> dict[str, Any]:
    """(i) on its own server; a dict with "skipped" or "error" when it did not run."""
    if scan_flash.chromium() is None:
        _say("(i) scan-to-flash skipped: chromium not installed")
        return {"skipped": "chromium not installed"}
    signal.alarm(SCAN_FLASH_LIMIT_S)
    try:
        return scan_flash.measure(scan_flash.QUICK_PARCELS if quick else scan_flash.PARCELS, _say)
    except TimeoutError:
        _say(f"(i) scan-to-flash could not run: exceeded {SCAN_FLASH_LIMIT_S}s")
        return {"error": f"exceeded {SCAN_FLASH_LIMIT_S}s"}
    except Exception as exc:
        _say(f"(i) scan-to-flash could not run: {type(exc).__name__}: {exc}")
        return {"error": f"{type(exc).__name__}: {exc}"}
    finally:
        signal.alarm(0)


def _print_table(lines: list[Line]) -> None:
    w = max(len(x.label) for x in lines)
    v = max(len(x.value) for x in lines)
    t = max(len(x.target) for x in lines)
    sys.stdout.write(f"\n{'figure':<{w}}  {'value':>{v}}  {'target':<{t}}  result\n")
    sys.stdout.write("-" * (w + v + t + 12) + "\n")
    for x in lines:
        verdict = x.verdict or ("PASS" if x.ok else "FAIL")
        if x.target in ("(info)", "(reference)", "(skipped)"):
            verdict = ""
        sys.stdout.write(f"{x.label:<{w}}  {x.value:>{v}}  {x.target:<{t}}  {verdict}\n")


def _git_rev() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return done.stdout.strip() if done.returncode == 0 else ""


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def run(d: Durations) -> dict[str, Any]:
    fig: dict[str, Any] = {}
    template, fig["returns_data"] = returns_data.ensure_database(_say)
    data = fig["returns_data"]
    _say(
        f"returns bench database {data['path']}: generated in {data['generation_s']} s"
        f" (+{data['seed_s']} s migrate and demo data){', cached' if data['cached'] else ''}"
    )
    with tempfile.TemporaryDirectory(prefix="warehouse-bench-sql-") as scratch:
        copy = Path(scratch) / "levels.db"
        with bench_server(template=template) as server:
            _say(f"server pid {server.pid} on port {server.port}; topping up balances ...")
            fig["top_up_receipts"] = top_up_balances(server)

            # Bare and GraphQL rounds alternate, and the median round of each is reported:
            # this VM's speed drifts by a fifth within a minute, which back-to-back single
            # runs would count as a difference between the two endpoints.
            bares: list[Result] = []
            gqls: list[Result] = []
            for n in range(ROUNDS):
                _say(f"(a) receiveStock throughput, round {n + 1}/{ROUNDS}: bare, then /graphql")
                bares.append(
                    _closed(
                        server,
                        "/bench/receive-stock",
                        TemplateBody(_bare_receive_template(), f"{os.getpid()}-{n}-"),
                        receipt_booked,
                        d,
                        d.throughput_s / ROUNDS,
                    )
                )
                gqls.append(
                    _closed(
                        server,
                        "/graphql",
                        TemplateBody(_graphql_receive_template(), f"{os.getpid()}-a{n}-"),
                        receipt_booked,
                        d,
                        d.throughput_s / ROUNDS,
                    )
                )
            bare = _median(bares)
            gql = _median(gqls)
            fig["receive_bare"] = _figures(bare, server.pid)
            fig["receive_graphql"] = _figures(gql, server.pid)
            fig["receive_rounds_rps"] = {
                "bare": [round(r.rps(), 1) for r in bares],
                "graphql": [round(r.rps(), 1) for r in gqls],
            }
            fig["graphql_over_bare"] = gql.rps() / bare.rps() if bare.rps() else 0.0

            _say(f"(b) receiveStock latency at {OFFERED_RATE:.0f} req/s offered ...")
            lat = run_sync(
                open_loop(
                    server.host,
                    server.port,
                    "/graphql",
                    server.auth_headers,
                    TemplateBody(_graphql_receive_template(), f"{os.getpid()}-b-"),
                    rate_per_s=OFFERED_RATE,
                    duration_s=d.latency_s,
                    warmup_s=d.warmup_s,
                    max_connections=64,
                    body_check=receipt_booked,
                    timeout_s=10.0,
                    drain_s=5.0,
                    sample_pids=[server.pid],
                )
            )
            fig["receive_latency_at_100rps"] = _figures(lat, server.pid)

            _say("(d) stockLevels page of 100 throughput ...")
            body = _levels_body(100)
            page = _closed(server, "/graphql", lambda _i: body, full_page, d, d.page_s)
            fig["levels_100"] = _figures(page, server.pid)

            fig.update(
                returns_bench.measure(server, _figures, d.warmup_s, d.returns_s, d.page_s, _say)
            )
            server.snapshot(copy)

        _say("(c) (g) SQL statements per stockLevels and returnTickets page (in-process) ...")
        fig["sql_statements"], fig["returns_sql_statements"] = asyncio.run(_count_statements(copy))
    return fig


def _on_alarm(signum: int, frame: Any) -> None:
    raise TimeoutError(f"benchmark exceeded {HARD_LIMIT_S}s")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="short windows, for a smoke run")
    ap.add_argument("--output", type=Path, default=OUTPUT)
    args = ap.parse_args(argv)
    d = QUICK if args.quick else FULL

    signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(HARD_LIMIT_S)
    started = time.monotonic()
    load_before = round(os.getloadavg()[0], 2)
    if load_before > (os.cpu_count() or 1) * 0.5:
        _say(f"warning: load average {load_before} before the run; figures will be low/noisy")
    try:
        fig = run(d)
    except Exception as exc:
        _say(f"benchmark could not run: {type(exc).__name__}: {exc}")
        return 2
    finally:
        signal.alarm(0)
    fig["scan_flash"] = _run_scan_flash(args.quick)
    fig["analytics"] = _run_analytics(args.quick)

    lines = _lines(fig)
    _print_table(lines)
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "git": _git_rev(),
        "quick": args.quick,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_1m_before": load_before,
            "load_average_1m_after": round(os.getloadavg()[0], 2),
        },
        "elapsed_s": round(time.monotonic() - started, 1),
        "durations": d.__dict__,
        "figures": fig,
        "targets": [x.__dict__ for x in lines],
        "all_pass": all(x.ok for x in lines),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    _say(f"\nwrote {args.output} ({report['elapsed_s']} s)")
    if "error" in fig["scan_flash"] or "error" in fig["analytics"]:
        return 2
    return 0 if report["all_pass"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
