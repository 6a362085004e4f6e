"""Issue 5, item 9 for `make bench`: return analytics, the custody-fee statement and ticket
exports on 200,000 tickets and 1,000,000 movements (tests/bench/analytics_data.py).

On the real server (one uvicorn worker, SQLite, a copy of the cached database), signed in
as the after-sales supervisor, over HTTP GraphQL:

- each analytics figure (totals, the Pareto list of every dimension, inspections, cycle
  times, satisfaction, return rate over time, the money figures) and the custody-fee
  statement of a month: ``RUNS`` requests each, one after another, the filter varied from
  run to run (all history, a month, a quarter, a warehouse, a category, a SKU, a reason,
  sources and kinds; twelve different months for the statement); p50 and p99 of the
  request's latency, target p99 < 500 ms;
- an export of 100,000 tickets (the newest 100,000 by creation), CSV (a ZIP of CSV files)
  then XLSX: requestTicketExport, then GET of its URL read to the last byte; total time,
  bytes, and the server process's peak memory (its RSS sampled every 10 ms during the
  export, from psutil when installed, else /proc/<pid>/status), target < 200 MB.

A field the server does not have yet (a GraphQL "Cannot query field" error) is reported
as "not available", never as a pass. Prints the table and writes it to
var/bench/analytics.txt (figures in var/bench/analytics.json).

    .venv/bin/python -m tests.bench.analytics_bench [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import math
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from backend.domain.auth.roles import Role
from backend.services.demo_data import DEMO_PASSWORDS
from tests.bench import analytics_data
from tests.bench.server import ROOT, BenchServer, bench_server

RUNS = 30
QUICK_RUNS = 4
P99_TARGET_MS = 500.0
EXPORT_PEAK_TARGET_MB = 200.0
EXPORT_TICKETS = 100_000
QUICK_EXPORT_TICKETS = 10_000
CUSTODIAN = "顺达仓储 Shunda Storage"  # the demo consignment warehouse's custodian
SUPERVISOR = "supervisor"
OUTPUT = ROOT / "var" / "bench" / "analytics.txt"
NOT_AVAILABLE = "not available"

_ROW = "key units tickets shippedUnits share cumulativeShare returnRate"
ANALYTICS: dict[str, str] = {
    "totals": "totals { tickets units shippedUnits returnRate }",
    **{
        f"pareto {d}": f"pareto(dimension: {d}) {{ {_ROW} }}"
        for d in ("REASON", "PRODUCT", "CATEGORY", "COURIER", "SUPPLIER")
    },
    "inspections": "inspections { outcomes { stage units passedUnits failedUnits passRate }"
    " gradedUnits grades { grade units share }"
    " customerDamage { inspectedUnits customerUnits share } }",
    "cycle times": "cycleTimes { stage tickets medianSeconds p90Seconds averageSeconds }",
    "satisfaction": "satisfaction { calls tickets reachedCalls unreachable ratedCalls"
    " averageScore scores { score calls } }",
}
MONEY = (
    "query($filter: AnalyticsFilter!) { returnMoneyAnalytics(filter: $filter) {"
    " shippingFees { payer tickets amount } refunds { refunds tickets amount } } }"
)
OVER_TIME = (
    "query($filter: AnalyticsFilter!, $interval: AnalyticsInterval) {"
    " returnAnalytics(filter: $filter) { overTime(interval: $interval) {"
    " periodStart tickets returnedUnits shippedUnits returnRate } } }"
)
CUSTODY = (
    "query($custodian: String!, $from: DateTime!, $to: DateTime!) {"
    " custodyFeeStatement(custodian: $custodian, periodFrom: $from, periodTo: $to) {"
    " amount unitDays lines { unitDays amount } } }"
)
REQUEST_EXPORT = (
    "mutation($input: RequestTicketExportInput!) { requestTicketExport(input: $input) {"
    " export { url } userErrors { code message } } }"
)


class NotAvailable(Exception):
    """The server's schema has no such field (yet)."""


# --------------------------------------------------------------------------- HTTP


class Client:
    """One keep-alive connection, requests one after another."""

    def __init__(self, server: BenchServer, token: str) -> None:
        self.server = server
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.conn = http.client.HTTPConnection(server.host, server.port, timeout=600)

    def graphql(self, query: str, variables: dict[str, Any]) -> tuple[float, dict[str, Any]]:
        """(milliseconds, data); NotAvailable for a field the schema lacks, RuntimeError
        for any other error."""
        body = json.dumps({"query": query, "variables": variables}).encode()
        started = time.perf_counter()
        self.conn.request("POST", "/graphql", body, self.headers)
        response = self.conn.getresponse()
        raw = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        doc = json.loads(raw)
        errors = doc.get("errors") or []
        if any("Cannot query field" in str(e.get("message")) for e in errors):
            raise NotAvailable(errors[0]["message"])
        if errors or response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {errors or raw[:300]!r}")
        data: dict[str, Any] = doc["data"]
        return elapsed, data

    def download(self, url: str) -> tuple[int, bytes]:
        """GET `url` read to the end: (bytes, the first four bytes)."""
        self.conn.request("GET", url, headers={"Authorization": self.headers["Authorization"]})
        response = self.conn.getresponse()
        if response.status != 200:
            raise RuntimeError(f"GET {url}: HTTP {response.status} {response.read()[:300]!r}")
        size, head = 0, b""
        while chunk := response.read(1 << 16):
            head = head or chunk[:4]
            size += len(chunk)
        return size, head

    def close(self) -> None:
        self.conn.close()


# --------------------------------------------------------------------------- memory


def _rss_bytes(pid: int) -> int:
    try:
        import psutil  # type: ignore[import-untyped]  # optional
    except ImportError:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError(f"no VmRSS for pid {pid}") from None
    return int(psutil.Process(pid).memory_info().rss)


class PeakMemory:
    """The process's largest RSS while the block runs, sampled every 10 ms."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.before = _rss_bytes(pid)
        self.peak = self.before
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss_bytes(self.pid))
            self._stop.wait(0.01)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_bytes(self.pid))


# --------------------------------------------------------------------------- filters


def filters(db_file: Path, now: datetime) -> list[dict[str, Any]]:
    """The varied filters, in the order the runs take them."""
    day = timedelta(days=1)

    def iso(moment: datetime) -> str:
        return moment.isoformat()

    db = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        sku = db.execute(
            "SELECT p.sku FROM return_line l JOIN product p ON p.id = l.product_id"
            " GROUP BY p.sku ORDER BY COUNT(*) DESC LIMIT 1"
        ).fetchone()[0]
        reason = db.execute(
            "SELECT r.code FROM return_ticket t JOIN return_reason r ON r.id = t.reason_id"
            " GROUP BY r.code ORDER BY COUNT(*) DESC LIMIT 1"
        ).fetchone()[0]
    finally:
        db.close()
    return [
        {},  # all history (FILTER_NAMES says what each is)
        {"createdFrom": iso(now - 30 * day)},
        {"createdFrom": iso(now - 120 * day), "createdTo": iso(now - 30 * day)},
        {"warehouseCode": "CG1"},
        {"categoryCode": "APPAREL", "createdFrom": iso(now - 180 * day)},
        {"sku": sku},
        {"reasonCode": reason},
        {"sources": ["CUSTOMER_RETURN"], "kinds": ["EXCHANGE"]},
        {"warehouseCode": "SH1", "createdFrom": iso(now - 365 * day)},
    ]


FILTER_NAMES = [
    "all history",
    "last 30 days",
    "a quarter",
    "warehouse CG1",
    "category, 180 days",
    "one SKU",
    "one reason",
    "exchanges",
    "warehouse SH1, 365 days",
]


def months(now: datetime, count: int = 12) -> list[tuple[datetime, datetime]]:
    """The last `count` whole calendar months (UTC), newest first."""
    found = []
    end = datetime(now.year, now.month, 1, tzinfo=UTC)
    for _ in range(count):
        start = (end - timedelta(days=1)).replace(day=1)
        found.append((start, end))
        end = start
    return found


def newest_tickets_since(db_file: Path, count: int) -> str:
    """The creation time from which the newest `count` tickets were created."""
    db = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        row = db.execute(
            "SELECT created_at FROM return_ticket ORDER BY created_at DESC LIMIT 1 OFFSET ?",
            [count - 1],
        ).fetchone()
    finally:
        db.close()
    return datetime.fromisoformat(row[0]).isoformat()


# --------------------------------------------------------------------------- runs


def _percentile(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(percent / 100 * len(ordered))) - 1]


def _timed(
    runs: int, request: Callable[[int], float], names: list[str] | None = None
) -> dict[str, Any]:
    """One unmeasured request, then `runs` requests (request(k) answers its milliseconds):
    p50, p99, max, and the slowest run of each of `names` (run k took names[k % len]),
    or "not available"."""
    try:
        request(0)
        times = [request(k) for k in range(runs)]
    except NotAvailable as missing:
        return {"not_available": str(missing)}
    found: dict[str, Any] = {
        "runs": runs,
        "p50_ms": round(_percentile(times, 50), 1),
        "p99_ms": round(_percentile(times, 99), 1),
        "max_ms": round(max(times), 1),
    }
    if names:
        slowest: dict[str, float] = {}
        for k, ms in enumerate(times):
            name = names[k % len(names)]
            slowest[name] = round(max(ms, slowest.get(name, 0.0)), 1)
        found["slowest_by_filter_ms"] = slowest
    return found


def _export(client: Client, pid: int, fmt: str, since: str, run: str) -> dict[str, Any]:
    variables = {
        "input": {
            "idempotencyKey": f"bench-export-{fmt}-{run}",
            "filter": {"createdFrom": since},
            "format": fmt,
        }
    }
    try:
        with PeakMemory(pid) as memory:
            started = time.perf_counter()
            _ms, data = client.graphql(REQUEST_EXPORT, variables)
            payload = data["requestTicketExport"]
            if payload["userErrors"]:
                raise RuntimeError(f"requestTicketExport refused: {payload['userErrors']}")
            size, head = client.download(payload["export"]["url"])
            elapsed = time.perf_counter() - started
    except NotAvailable as missing:
        return {"not_available": str(missing)}
    return {
        "seconds": round(elapsed, 1),
        "bytes": size,
        "zip": head.startswith(b"PK"),
        "rss_before_mb": round(memory.before / 1e6, 1),
        "peak_rss_mb": round(memory.peak / 1e6, 1),
    }


def _exported_tickets(client: Client) -> list[int | None] | str:
    """ticketsExported of the exports just made (newest first), as the server recorded."""
    try:
        _ms, data = client.graphql(
            "{ ticketExports(first: 2) { nodes { format ticketsExported } } }", {}
        )
    except (NotAvailable, RuntimeError) as missing:
        return str(missing)
    return [node["ticketsExported"] for node in data["ticketExports"]["nodes"]]


def measure(
    quick: bool,
    say: Callable[[str], None],
    postgres: str | None = None,
    exports: bool = True,
) -> dict[str, Any]:
    """Every figure of the module docstring, on a fresh server over the cached database
    (or, with `postgres`, over that PostgreSQL database loaded with the same rows)."""
    fig: dict[str, Any] = {}
    template, fig["data"] = analytics_data.ensure_database(say)
    data = fig["data"]
    say(
        f"analytics bench database {data['path']}: generated in {data['generation_s']} s"
        f" (+{data['seed_s']} s migrate and demo data){', cached' if data['cached'] else ''}"
    )
    if postgres is not None:
        from tests.bench import analytics_pg

        say(f"copying it into {postgres} ...")
        fig["postgres"] = asyncio.run(analytics_pg.load(template, postgres, say))
        say(f"copied in {fig['postgres']['load_s']} s")
    runs = QUICK_RUNS if quick else RUNS
    exported = QUICK_EXPORT_TICKETS if quick else EXPORT_TICKETS
    now = datetime.now(UTC)
    where = (
        bench_server(extra_env={"DATABASE_URL": postgres})
        if postgres
        else bench_server(template=template)
    )
    with where as server:
        token = server.login(SUPERVISOR, DEMO_PASSWORDS[Role.SUPERVISOR])["Authorization"]
        client = Client(server, token.removeprefix("Bearer "))
        try:
            varied = filters(template, now)  # the same rows on either database
            since = newest_tickets_since(template, exported)
            fig["export_filter"] = {"createdFrom": since, "tickets": exported}
            fig["exports"] = {}
            for fmt in ("CSV", "XLSX") if exports else ():  # first: the peak is its own
                say(f"export of {exported:,} tickets as {fmt} ...")
                fig["exports"][fmt] = _export(client, server.pid, fmt, since, str(server.pid))
            if exports:
                fig["exports"]["tickets_exported"] = _exported_tickets(client)

            fig["queries"] = {}
            for name, selection in ANALYTICS.items():
                say(f"{name}: {runs} runs ...")
                query = (
                    "query($filter: AnalyticsFilter!) {"
                    f" returnAnalytics(filter: $filter) {{ {selection} }} }}"
                )
                fig["queries"][name] = _timed(
                    runs,
                    lambda k, q=query: client.graphql(q, {"filter": varied[k % len(varied)]})[0],
                    FILTER_NAMES,
                )
            say(f"overTime: {runs} runs ...")
            intervals = ("MONTH", "WEEK", "DAY")
            fig["queries"]["overTime"] = _timed(
                runs,
                lambda k: client.graphql(
                    OVER_TIME,
                    {
                        "filter": varied[k % len(varied)],
                        "interval": intervals[(k // len(varied)) % len(intervals)],
                    },
                )[0],
                FILTER_NAMES,
            )
            say(f"money analytics: {runs} runs ...")
            fig["queries"]["money analytics"] = _timed(
                runs,
                lambda k: client.graphql(MONEY, {"filter": varied[k % len(varied)]})[0],
                FILTER_NAMES,
            )
            say(f"custody-fee statement of a month: {runs} runs ...")
            periods = months(now)
            fig["queries"]["custody-fee statement"] = _timed(
                runs,
                lambda k: client.graphql(
                    CUSTODY,
                    {
                        "custodian": CUSTODIAN,
                        "from": periods[k % len(periods)][0].isoformat(),
                        "to": periods[k % len(periods)][1].isoformat(),
                    },
                )[0],
            )
        finally:
            client.close()
    return fig


# --------------------------------------------------------------------------- report


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    target: str
    verdict: str  # PASS, FAIL, "not available" or "" (information)


def rows(fig: dict[str, Any]) -> list[Row]:
    data = fig["data"]
    counts = data["rows"]
    built = f"{data['seed_s'] + data['generation_s']:.1f}"
    found = [
        Row(
            f"(j) data: {counts['return_ticket']:,} tickets, {counts['stock_movement']:,}"
            " movements, built in s",
            built + (" (cached)" if data["cached"] else ""),
            "(info)",
            "",
        )
    ]
    if "postgres" in fig:
        found.append(
            Row(
                "(j) the same rows copied into PostgreSQL in s",
                str(fig["postgres"]["load_s"]),
                "(info)",
                "",
            )
        )
    target = f"p99 < {P99_TARGET_MS:.0f}"
    for name, result in fig["queries"].items():
        label = f"(j) {name} p50 / p99 ms"
        if "not_available" in result:
            found.append(Row(label, NOT_AVAILABLE, target, NOT_AVAILABLE))
            continue
        ok = result["p99_ms"] < P99_TARGET_MS
        found.append(
            Row(label, f"{result['p50_ms']:,.1f} / {result['p99_ms']:,.1f}", target, _v(ok))
        )
    for fmt in ("CSV", "XLSX"):
        if fmt not in fig["exports"]:
            continue
        result = fig["exports"][fmt]
        label = f"(k) export {fig['export_filter']['tickets']:,} tickets {fmt}: s, peak RSS"
        peak_target = f"peak < {EXPORT_PEAK_TARGET_MB:.0f} MB"
        if "not_available" in result:
            found.append(Row(label, NOT_AVAILABLE, peak_target, NOT_AVAILABLE))
            continue
        ok = result["peak_rss_mb"] < EXPORT_PEAK_TARGET_MB and result["zip"]
        found.append(
            Row(
                label,
                f"{result['seconds']:,.1f} s, {result['peak_rss_mb']:,.1f} MB"
                f" ({result['bytes'] / 1e6:,.1f} MB file)",
                peak_target,
                _v(ok),
            )
        )
    return found


def _v(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def table(found: list[Row]) -> str:
    w = max(len(r.label) for r in found)
    v = max(len(r.value) for r in found)
    t = max(len(r.target) for r in found)
    out = [f"{'figure':<{w}}  {'value':>{v}}  {'target':<{t}}  result", "-" * (w + v + t + 12)]
    out += [f"{r.label:<{w}}  {r.value:>{v}}  {r.target:<{t}}  {r.verdict}" for r in found]
    return "\n".join(out) + "\n"


def write(fig: dict[str, Any], found: list[Row], output: Path = OUTPUT) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    output.write_text(f"analytics bench {stamp} (load average {load})\n\n{table(found)}")
    report = {"when": stamp, "figures": fig, "rows": [r.__dict__ for r in found]}
    output.with_suffix(".json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="analytics_bench", description=__doc__)
    ap.add_argument("--quick", action="store_true", help=f"{QUICK_RUNS} runs per figure")
    ap.add_argument(
        "--postgres",
        metavar="URL",
        help="copy the data into this PostgreSQL database (replacing everything in it) and"
        " measure the server on it",
    )
    ap.add_argument("--no-exports", action="store_true", help="leave the exports out")
    args = ap.parse_args(argv)
    fig = measure(args.quick, _say, args.postgres, exports=not args.no_exports)
    found = rows(fig)
    sys.stdout.write("\n" + table(found))
    output = OUTPUT.with_name("analytics-postgres.txt") if args.postgres else OUTPUT
    write(fig, found, output)
    _say(f"\nwrote {output}")
    return 0 if all(r.verdict in ("PASS", "") for r in found) else 1


if __name__ == "__main__":
    raise SystemExit(main())
