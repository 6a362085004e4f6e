"""Low-overhead HTTP/1.1 load client for benchmarking (stdlib only, uvloop if available).

Built on raw ``asyncio`` streams with hand-written request writing and response parsing so
that the client, not the server, is never the bottleneck at a few thousand requests/s.
One persistent keep-alive connection per virtual client; stale connections are reopened.

Library use::

    from tests.bench.loadclient import TemplateBody, closed_loop, open_loop, run_sync

    body = TemplateBody(b'{"query": "...", "key": "{{i}}"}', prefix="run1-")
    res = run_sync(closed_loop("127.0.0.1", 8000, "/graphql", {}, body,
                               concurrency=20, duration_s=10, sample_pids=[server_pid]))
    print(res.summary())

CLI::

    python -m tests.bench.loadclient --url http://127.0.0.1:8000/graphql \\
        --header 'Authorization: Bearer x' --body-template '{"k": "{{i}}"}' \\
        --concurrency 20 --duration 10 [--rate 100] [--procs 2] [--pid SERVER_PID]

Counting rules (both modes): a request is *counted* if it was started (closed loop) or
scheduled (open loop) inside the measurement window ``[warmup_s, warmup_s + duration_s)``.
Every counted request ends up in ``ok`` or ``failed``, so ``sent == ok + failed``.  After
the window, in-flight requests get ``drain_s`` seconds to finish; the rest are cancelled and
counted as failed (``errors["drain_timeout"]``).  ``latencies_ms`` holds every counted
request that received a complete HTTP response (whatever its status).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import multiprocessing
import os
import pickle
import queue
import secrets
import socket
import sys
import time
import urllib.parse
from collections import deque
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

__all__ = [
    "ContainsCheck",
    "ProtocolError",
    "Result",
    "TemplateBody",
    "closed_loop",
    "open_loop",
    "proc_cpu_seconds",
    "run_in_subprocesses",
    "run_sync",
]

T = TypeVar("T")
BodyMaker = Callable[[int], bytes]
BodyCheck = Callable[[bytes], bool]

PLACEHOLDER = b"{{i}}"
DEFAULT_TIMEOUT_S = 30.0
DEFAULT_DRAIN_S = 5.0
_STREAM_LIMIT = 1 << 20  # max header block / chunk-size line the reader accepts
_ERROR_BACKOFF_S = 0.01  # closed loop: pause after a connection-level error (no hot spin)


# --------------------------------------------------------------------------- results


@dataclass
class Result:
    sent: int
    ok: int  # HTTP 200 and body_check(body) true
    failed: int
    duration_s: float  # length of the measurement window
    latencies_ms: list[float]  # every counted request that got a complete response
    statuses: dict[int, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)  # failure reason -> count
    cpu_s: dict[str, float] = field(default_factory=dict)  # "client" / str(pid) -> CPU s
    sched_lag_ms_max: float | None = None  # open loop: worst start delay vs. schedule
    sched_lag_ms_mean: float | None = None

    def rps(self) -> float:
        """Successful (``ok``) requests per second over the measurement window."""
        return self.ok / self.duration_s if self.duration_s > 0 else 0.0

    def percentile(self, p: float) -> float:
        """Nearest-rank latency percentile in ms (``p`` in [0, 100]); NaN if no data."""
        return _nearest_rank(sorted(self.latencies_ms), p)

    def summary(self) -> dict[str, Any]:
        lat = sorted(self.latencies_ms)

        def ms(v: float) -> float | None:
            return None if math.isnan(v) else round(v, 3)

        out: dict[str, Any] = {
            "rps": round(self.rps(), 1),
            "p50": ms(_nearest_rank(lat, 50)),
            "p90": ms(_nearest_rank(lat, 90)),
            "p99": ms(_nearest_rank(lat, 99)),
            "max": ms(lat[-1]) if lat else None,
            "mean": ms(sum(lat) / len(lat)) if lat else None,
            "ok": self.ok,
            "failed": self.failed,
            "sent": self.sent,
            "duration_s": round(self.duration_s, 3),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "errors": dict(sorted(self.errors.items())),
        }
        if self.cpu_s:
            out["cpu_s"] = {k: round(v, 3) for k, v in self.cpu_s.items()}
            if self.ok:
                out["cpu_ms_per_ok"] = {
                    k: round(v * 1000 / self.ok, 4) for k, v in self.cpu_s.items()
                }
        if self.sched_lag_ms_max is not None:
            out["sched_lag_ms_max"] = round(self.sched_lag_ms_max, 3)
            out["sched_lag_ms_mean"] = round(self.sched_lag_ms_mean or 0.0, 3)
        return out

    @classmethod
    def merge(cls, results: Sequence[Result]) -> Result:
        """Combine results of concurrent runs over the same window (e.g. one per process).

        Counts add up; ``duration_s`` is the longest window; ``cpu_s["client"]`` is summed
        (each process measures itself) while sampled server pids are averaged (every
        process samples the same server over the same window).
        """
        if not results:
            raise ValueError("nothing to merge")
        merged = cls(
            sent=sum(r.sent for r in results),
            ok=sum(r.ok for r in results),
            failed=sum(r.failed for r in results),
            duration_s=max(r.duration_s for r in results),
            latencies_ms=[x for r in results for x in r.latencies_ms],
        )
        for r in results:
            for status, v in r.statuses.items():
                merged.statuses[status] = merged.statuses.get(status, 0) + v
            for e, v in r.errors.items():
                merged.errors[e] = merged.errors.get(e, 0) + v
        for key in sorted({key for r in results for key in r.cpu_s}):
            vals = [r.cpu_s[key] for r in results if key in r.cpu_s]
            merged.cpu_s[key] = sum(vals) if key == "client" else sum(vals) / len(vals)
        lags = [r for r in results if r.sched_lag_ms_max is not None]
        if lags:
            merged.sched_lag_ms_max = max(r.sched_lag_ms_max or 0.0 for r in lags)
            weight = sum(r.sent for r in lags) or 1
            merged.sched_lag_ms_mean = (
                sum((r.sched_lag_ms_mean or 0.0) * r.sent for r in lags) / weight
            )
        return merged


def _nearest_rank(sorted_values: Sequence[float], p: float) -> float:
    if not 0 <= p <= 100:
        raise ValueError(f"percentile must be in [0, 100], got {p}")
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(p * len(sorted_values) / 100))
    return sorted_values[rank - 1]


class _Recorder:
    """Mutable counters shared by the workers of one run (single event loop, no locks)."""

    def __init__(self, body_check: BodyCheck | None) -> None:
        self.body_check = body_check
        self.sent = 0
        self.ok = 0
        self.failed = 0
        self.inflight = 0  # counted requests started but not yet recorded
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.errors: dict[str, int] = {}
        self.lag_max = 0.0
        self.lag_sum = 0.0

    def fail(self, reason: str, n: int = 1) -> None:
        self.failed += n
        self.errors[reason] = self.errors.get(reason, 0) + n

    def response(self, status: int, body: bytes, latency_ms: float) -> None:
        self.latencies.append(latency_ms)
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if status != 200:
            self.fail(f"status_{status}")
            return
        if self.body_check is not None:
            try:
                good = self.body_check(body)
            except Exception:
                self.fail("body_check_raised")
                return
            if not good:
                self.fail("body_check_false")
                return
        self.ok += 1

    def result(self, duration_s: float, cpu_s: dict[str, float]) -> Result:
        return Result(
            sent=self.sent,
            ok=self.ok,
            failed=self.failed,
            duration_s=duration_s,
            latencies_ms=self.latencies,
            statuses=self.statuses,
            errors=self.errors,
            cpu_s=cpu_s,
        )


# --------------------------------------------------------------------------- CPU time


def proc_cpu_seconds(pid: int, *, include_children: bool = False) -> float:
    """utime + stime of ``pid`` (all its threads) from /proc/<pid>/stat, in seconds.

    Resolution is one clock tick (usually 10 ms).  ``include_children`` adds the CPU time
    of already-reaped children (cutime + cstime).
    """
    with open(f"/proc/{pid}/stat", "rb") as f:
        data = f.read()
    # comm (field 2) may contain spaces and parentheses: split after the last ")".
    fields = data[data.rindex(b")") + 2 :].split()
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    ticks = utime + stime + (cutime + cstime if include_children else 0)
    return ticks / os.sysconf("SC_CLK_TCK")


def _sample_cpu(pids: Sequence[int]) -> dict[str, float]:
    out = {"client": time.process_time()}
    for pid in pids:
        with contextlib.suppress(OSError):
            out[str(pid)] = proc_cpu_seconds(pid)
    return out


def _cpu_delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {k: after[k] - before[k] for k in before if k in after}


# --------------------------------------------------------------------------- bodies


class TemplateBody:
    """Picklable ``make_body``: every ``{{i}}`` in ``template`` becomes ``f"{prefix}{i}"``."""

    __slots__ = ("_parts", "_prefix", "prefix", "template")

    def __init__(self, template: bytes | str, prefix: str = "") -> None:
        self.template = template.encode() if isinstance(template, str) else bytes(template)
        self.prefix = prefix
        self._parts = self.template.split(PLACEHOLDER)
        self._prefix = prefix.encode()

    def __call__(self, i: int) -> bytes:
        if len(self._parts) == 1:
            return self.template
        return (b"%s%d" % (self._prefix, i)).join(self._parts)

    def __reduce__(self) -> tuple[type[TemplateBody], tuple[bytes, str]]:
        return (TemplateBody, (self.template, self.prefix))


class ContainsCheck:
    """Picklable ``body_check``: true if the response body contains ``needle``."""

    __slots__ = ("needle",)

    def __init__(self, needle: bytes | str) -> None:
        self.needle = needle.encode() if isinstance(needle, str) else bytes(needle)

    def __call__(self, body: bytes) -> bool:
        return self.needle in body

    def __reduce__(self) -> tuple[type[ContainsCheck], tuple[bytes]]:
        return (ContainsCheck, (self.needle,))


# --------------------------------------------------------------------------- HTTP/1.1


class ProtocolError(Exception):
    """The server sent something that is not a well-formed HTTP/1.x response."""


class _RequestBuilder:
    def __init__(
        self, method: str, host: str, port: int, path: str, headers: Mapping[str, str]
    ) -> None:
        if not path.startswith("/"):
            raise ValueError(f"path must start with '/': {path!r}")
        for text in (method, path, *headers.keys(), *headers.values()):
            if "\r" in text or "\n" in text:
                raise ValueError(f"CR/LF not allowed in request line or headers: {text!r}")
        lower = {k.lower() for k in headers}
        lines = [f"{method} {path} HTTP/1.1"]
        if "host" not in lower:
            h = f"[{host}]" if ":" in host else host
            lines.append(f"Host: {h}:{port}")
        if "content-type" not in lower and method not in ("GET", "HEAD"):
            lines.append("Content-Type: application/json")
        for k, v in headers.items():
            if k.lower() not in ("content-length", "transfer-encoding"):
                lines.append(f"{k}: {v}")
        self._prefix = ("\r\n".join(lines) + "\r\n").encode("latin-1")

    def build(self, body: bytes) -> bytes:
        return b"%sContent-Length: %d\r\n\r\n%s" % (self._prefix, len(body), body)


def _header_value(lower_head: bytes, marker: bytes) -> bytes | None:
    """Stripped value of the first header whose ``b"\\r\\nname:"`` marker is given."""
    i = lower_head.find(marker)
    if i < 0:
        return None
    i += len(marker)
    return lower_head[i : lower_head.find(b"\r\n", i)].strip()


def _parse_head(head: bytes) -> tuple[int, bool, int | None, bool]:
    """Parse a header block -> (status, keep_alive, content_length, chunked).

    Only the three framing headers are looked at, with C-level ``find`` on the lowercased
    block rather than a Python loop over every header line (this is the hot path).
    """
    status_line = head[: head.find(b"\r\n")]
    parts = status_line.split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
        raise ProtocolError(f"bad status line {status_line[:100]!r}")
    try:
        status = int(parts[1])
    except ValueError:
        raise ProtocolError(f"bad status line {status_line[:100]!r}") from None
    keep_alive = parts[0] == b"HTTP/1.1"
    lower = head.lower()
    length: int | None = None
    raw = _header_value(lower, b"\r\ncontent-length:")
    if raw is not None:
        try:
            length = int(raw)
        except ValueError:
            raise ProtocolError(f"bad Content-Length {raw!r}") from None
        if length < 0:
            raise ProtocolError(f"bad Content-Length {raw!r}")
    raw = _header_value(lower, b"\r\ntransfer-encoding:")
    chunked = raw is not None and raw.rsplit(b",", 1)[-1].strip() == b"chunked"
    raw = _header_value(lower, b"\r\nconnection:")
    if raw is not None:
        tokens = {t.strip() for t in raw.split(b",")}
        if b"close" in tokens:
            keep_alive = False
        elif b"keep-alive" in tokens:
            keep_alive = True
    return status, keep_alive, length, chunked


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    while True:
        line = await reader.readuntil(b"\r\n")
        try:
            size = int(line.split(b";", 1)[0], 16)  # int() ignores surrounding whitespace
        except ValueError:
            raise ProtocolError(f"bad chunk size line {line[:100]!r}") from None
        if size < 0:
            raise ProtocolError(f"bad chunk size line {line[:100]!r}")
        if size == 0:
            break
        chunk = await reader.readexactly(size + 2)
        if chunk[-2:] != b"\r\n":
            raise ProtocolError("chunk not terminated by CRLF")
        parts.append(chunk[:-2])
    while await reader.readuntil(b"\r\n") != b"\r\n":  # skip trailer fields
        pass
    return b"".join(parts)


class _Connection:
    """One keep-alive HTTP/1.1 connection, opened lazily and reopened when needed.

    Per-request timeouts are enforced by a shared ``_watchdog`` task that closes
    connections whose ``deadline`` passed (much cheaper than ``asyncio.timeout`` per
    request); only the rare connect step uses ``asyncio.timeout``.
    """

    __slots__ = ("_reader", "_writer", "deadline", "expired", "head_only", "host", "port")

    def __init__(self, host: str, port: int, *, head_only: bool = False) -> None:
        self.host = host
        self.port = port
        self.head_only = head_only
        self.deadline = math.inf  # perf_counter() time; inf when idle
        self.expired = False
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        reader, writer = await asyncio.open_connection(self.host, self.port, limit=_STREAM_LIMIT)
        sock = writer.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError, AttributeError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._reader, self._writer = reader, writer
        return reader, writer

    def close(self) -> None:
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.close()

    def expire(self) -> None:
        """Called by the watchdog: abort the exchange in progress (it raises TimeoutError)."""
        self.expired = True
        self.close()  # wakes the pending read with EOF

    async def exchange(self, request: bytes, deadline: float) -> tuple[int, bytes]:
        """Send one request, return (status, body).  Any error closes the connection.

        Raises ``TimeoutError`` once ``time.perf_counter()`` passes ``deadline`` (the read
        phase relies on a running ``_watchdog`` covering this connection).
        """
        self.expired = False
        self.deadline = deadline
        try:
            for attempt in range(2):
                reader, writer = self._reader, self._writer
                fresh = reader is None or writer is None
                if reader is None or writer is None:
                    remaining = deadline - time.perf_counter()
                    if remaining <= 0:
                        raise TimeoutError
                    async with asyncio.timeout(remaining):
                        reader, writer = await self._connect()
                try:
                    writer.write(request)
                    if len(request) > 65536:
                        await writer.drain()
                    head = await reader.readuntil(b"\r\n\r\n")
                except (ConnectionError, asyncio.IncompleteReadError) as exc:
                    self.close()
                    partial = isinstance(exc, asyncio.IncompleteReadError) and exc.partial
                    if fresh or attempt or partial or self.expired:
                        raise
                    # The server closed an idle keep-alive connection before reading our
                    # request (nothing came back): safe to retry once on a new connection.
                    continue
                return await self._finish(reader, head)
            raise AssertionError("unreachable")
        except BaseException as exc:
            self.close()  # state unknown (timeout, cancel, protocol error): start afresh
            if self.expired and not isinstance(exc, asyncio.CancelledError | TimeoutError):
                raise TimeoutError("request timed out") from exc
            raise
        finally:
            self.deadline = math.inf

    async def _finish(self, reader: asyncio.StreamReader, head: bytes) -> tuple[int, bytes]:
        status, keep_alive, length, chunked = _parse_head(head)
        while 100 <= status < 200 and status != 101:  # skip interim responses
            head = await reader.readuntil(b"\r\n\r\n")
            status, keep_alive, length, chunked = _parse_head(head)
        if self.head_only or status in (101, 204, 304):
            body = b""
        elif chunked:
            body = await _read_chunked(reader)
        elif length is not None:
            body = await reader.readexactly(length) if length else b""
        else:  # no framing: body runs to EOF
            body = await reader.read()
            keep_alive = False
        if not keep_alive:
            self.close()
        return status, body


async def _close_all(conns: Sequence[_Connection]) -> None:
    writers = [c._writer for c in conns if c._writer is not None]
    for c in conns:
        c.close()
    if writers:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(
                asyncio.gather(*(w.wait_closed() for w in writers), return_exceptions=True),
                timeout=1.0,
            )


async def _watchdog(conns: Sequence[_Connection], timeout_s: float) -> None:
    """Expire connections whose request deadline passed (checks a few times a second)."""
    period = max(0.01, min(0.25, timeout_s / 20))
    while True:
        await asyncio.sleep(period)
        now = time.perf_counter()
        for conn in conns:
            if conn.deadline <= now:
                conn.expire()


class _Pool:
    """Bounded LIFO pool of lazily-connected connections with FIFO (fair) waiters."""

    def __init__(self, host: str, port: int, cap: int, *, head_only: bool) -> None:
        self.host, self.port, self.cap, self.head_only = host, port, cap, head_only
        self.all: list[_Connection] = []
        self._idle: list[_Connection] = []
        self._waiters: deque[asyncio.Future[_Connection]] = deque()

    async def acquire(self) -> _Connection:
        if self._idle and not self._waiters:
            return self._idle.pop()
        if len(self.all) < self.cap:
            conn = _Connection(self.host, self.port, head_only=self.head_only)
            self.all.append(conn)
            return conn
        fut: asyncio.Future[_Connection] = asyncio.get_running_loop().create_future()
        self._waiters.append(fut)
        try:
            return await fut
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():
                self.release(fut.result())  # handed over just as we were cancelled
            raise

    def release(self, conn: _Connection) -> None:
        while self._waiters:
            fut = self._waiters.popleft()
            if not fut.done():
                fut.set_result(conn)
                return
        self._idle.append(conn)


# --------------------------------------------------------------------------- load loops


async def _sleep_until(deadline: float) -> None:
    delay = deadline - time.perf_counter()
    if delay > 0:
        await asyncio.sleep(delay)


async def _drain(tasks: Sequence[asyncio.Task[None]], rec: _Recorder, drain_s: float) -> None:
    """Give in-flight work ``drain_s`` to finish, cancel the rest, count it as failed."""
    if tasks:
        _, pending = await asyncio.wait(tasks, timeout=drain_s)
        for t in pending:
            t.cancel()
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        for o in outcomes:
            if isinstance(o, BaseException) and not isinstance(o, asyncio.CancelledError):
                raise o  # a bug (e.g. in make_body), not a request failure
    if rec.inflight:
        rec.fail("drain_timeout", rec.inflight)
        rec.inflight = 0


async def closed_loop(
    host: str,
    port: int,
    path: str,
    headers: Mapping[str, str] | None,
    make_body: BodyMaker | None,
    *,
    concurrency: int,
    duration_s: float,
    warmup_s: float = 1.0,
    body_check: BodyCheck | None = None,
    method: str = "POST",
    timeout_s: float = DEFAULT_TIMEOUT_S,
    drain_s: float = DEFAULT_DRAIN_S,
    sample_pids: Sequence[int] = (),
) -> Result:
    """``concurrency`` workers, each on its own keep-alive connection, send back-to-back.

    Requests started during the first ``warmup_s`` are not counted.  ``make_body(i)`` gets
    a per-run counter (unique within this call); ``None`` sends an empty body.  CPU time of
    this process (``cpu_s["client"]``) and of ``sample_pids`` is measured over the window.
    """
    if concurrency < 1 or duration_s <= 0 or warmup_s < 0:
        raise ValueError("need concurrency >= 1, duration_s > 0, warmup_s >= 0")
    builder = _RequestBuilder(method, host, port, path, headers or {})
    rec = _Recorder(body_check)
    counter = itertools.count()
    conns = [_Connection(host, port, head_only=method == "HEAD") for _ in range(concurrency)]
    t0 = time.perf_counter()
    window_start = t0 + warmup_s
    window_end = window_start + duration_s

    async def worker(conn: _Connection) -> None:
        while True:
            start = time.perf_counter()
            if start >= window_end:
                return
            counted = start >= window_start
            request = builder.build(make_body(next(counter)) if make_body else b"")
            if counted:
                rec.sent += 1
                rec.inflight += 1
            error: str | None = None
            try:
                status, body = await conn.exchange(request, start + timeout_s)
            except TimeoutError:
                error = "timeout"
            except Exception as exc:
                error = type(exc).__name__
            latency_ms = (time.perf_counter() - start) * 1000
            if counted:
                rec.inflight -= 1
                if error is None:
                    rec.response(status, body, latency_ms)
                else:
                    rec.fail(error)
            if error is not None:
                await asyncio.sleep(_ERROR_BACKOFF_S)

    tasks = [asyncio.create_task(worker(c)) for c in conns]
    watchdog = asyncio.create_task(_watchdog(conns, timeout_s))
    try:
        await _sleep_until(window_start)
        cpu_before = _sample_cpu(sample_pids)
        await _sleep_until(window_end)
        cpu = _cpu_delta(cpu_before, _sample_cpu(sample_pids))
        await _drain(tasks, rec, drain_s)
    finally:
        watchdog.cancel()
        for t in tasks:
            t.cancel()
        await _close_all(conns)
    return rec.result(duration_s, cpu)


async def open_loop(
    host: str,
    port: int,
    path: str,
    headers: Mapping[str, str] | None,
    make_body: BodyMaker | None,
    *,
    rate_per_s: float,
    duration_s: float,
    max_connections: int = 64,
    body_check: BodyCheck | None = None,
    warmup_s: float = 0.0,
    method: str = "POST",
    timeout_s: float = DEFAULT_TIMEOUT_S,
    drain_s: float = DEFAULT_DRAIN_S,
    sample_pids: Sequence[int] = (),
) -> Result:
    """Fixed-rate arrivals, independent of responses (no coordinated omission).

    Request k is scheduled at ``start + k / rate_per_s``; its latency runs from that
    scheduled time, so waiting for a free connection (at most ``max_connections``, opened
    on demand) and any client-side lag are included.  ``sched_lag_ms_*`` report how late
    the client actually started requests (large values mean the client itself is
    saturated; with uvloop timers have 1 ms granularity).
    """
    if rate_per_s <= 0 or duration_s <= 0 or warmup_s < 0 or max_connections < 1:
        raise ValueError("need rate_per_s > 0, duration_s > 0, warmup_s >= 0, max_connections >= 1")
    builder = _RequestBuilder(method, host, port, path, headers or {})
    rec = _Recorder(body_check)
    pool = _Pool(host, port, max_connections, head_only=method == "HEAD")
    interval = 1.0 / rate_per_s
    n_warm = math.ceil(warmup_s * rate_per_s)
    n_total = n_warm + math.ceil(duration_s * rate_per_s)
    tasks: set[asyncio.Task[None]] = set()
    lag_n = 0

    async def one(k: int, scheduled: float, counted: bool) -> None:
        nonlocal lag_n
        if counted:
            lag = (time.perf_counter() - scheduled) * 1000
            rec.lag_sum += lag
            rec.lag_max = max(rec.lag_max, lag)
            lag_n += 1
        request = builder.build(make_body(k) if make_body else b"")
        error: str | None = None
        deadline = scheduled + timeout_s
        try:
            conn = await pool.acquire()
            try:
                if time.perf_counter() >= deadline:
                    raise TimeoutError  # waited for a connection for the whole timeout
                status, body = await conn.exchange(request, deadline)
            finally:
                pool.release(conn)
        except TimeoutError:
            error = "timeout"
        except Exception as exc:
            error = type(exc).__name__
        latency_ms = (time.perf_counter() - scheduled) * 1000
        if counted:
            rec.inflight -= 1
            if error is None:
                rec.response(status, body, latency_ms)
            else:
                rec.fail(error)

    bugs: list[BaseException] = []

    def on_done(task: asyncio.Task[None]) -> None:
        tasks.discard(task)
        exc = None if task.cancelled() else task.exception()
        if exc is not None:
            bugs.append(exc)

    cpu_before: dict[str, float] = {}
    watchdog = asyncio.create_task(_watchdog(pool.all, timeout_s))
    try:
        t0 = time.perf_counter()
        window_start = t0 + n_warm * interval
        k = 0
        while k < n_total:
            now = time.perf_counter()
            while k < n_total and t0 + k * interval <= now:
                counted = k >= n_warm
                if k == n_warm:
                    cpu_before = _sample_cpu(sample_pids)
                if counted:
                    rec.sent += 1
                    rec.inflight += 1
                task = asyncio.create_task(one(k, t0 + k * interval, counted))
                tasks.add(task)
                task.add_done_callback(on_done)
                k += 1
            if k < n_total:
                # >= 1 ms: uvloop timers have ms resolution and would otherwise spin.
                await asyncio.sleep(max(t0 + k * interval - time.perf_counter(), 0.001))
        window_end = window_start + duration_s
        await _sleep_until(window_end)
        cpu = _cpu_delta(cpu_before, _sample_cpu(sample_pids))
        await _drain(list(tasks), rec, drain_s)
        if bugs:
            raise bugs[0]  # a bug (e.g. in make_body), not a request failure
    finally:
        watchdog.cancel()
        for t in tasks:
            t.cancel()
        await _close_all(pool.all)
    result = rec.result(duration_s, cpu)
    result.sched_lag_ms_max = rec.lag_max
    result.sched_lag_ms_mean = rec.lag_sum / lag_n if lag_n else 0.0
    return result


# --------------------------------------------------------------------------- running


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    try:
        import uvloop
    except ImportError:
        return None
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to completion on a fresh uvloop loop (default asyncio loop if absent)."""
    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        return runner.run(coro)


_LOOP_FUNCTIONS: dict[str, Callable[..., Coroutine[Any, Any, Result]]] = {
    "closed_loop": closed_loop,
    "open_loop": open_loop,
}


def _split(total: int, n: int) -> list[int]:
    return [total // n + (1 if i < total % n else 0) for i in range(n)]


def _child_main(
    index: int,
    fn_name: str,
    kwargs: dict[str, Any],
    barrier: Any,
    results: Any,
) -> None:
    try:
        kw = dict(kwargs)
        make_body = TemplateBody(kw.pop("body_template"), f"{kw.pop('key_prefix')}-{index}-")
        barrier.wait(timeout=120)  # start all processes' clocks together
        res = run_sync(_LOOP_FUNCTIONS[fn_name](make_body=make_body, **kw))
        results.put((index, res, None))
    except BaseException as exc:
        results.put((index, None, f"{type(exc).__name__}: {exc}"))


def run_in_subprocesses(n_procs: int, fn_name: str, kwargs: Mapping[str, Any]) -> Result:
    """Run ``closed_loop`` (or ``open_loop``) split over ``n_procs`` spawned processes.

    ``kwargs`` are the keyword arguments of that function, except that instead of
    ``make_body`` they take ``body_template: bytes | str`` in which every ``{{i}}`` is
    replaced by ``"<key_prefix>-<process index>-<counter>"`` (``key_prefix`` defaults to
    a random token, so keys are also unique across runs).  ``concurrency`` (closed loop)
    or ``rate_per_s`` and ``max_connections`` (open loop) are divided among the processes,
    whose measurement windows are aligned; ``body_check`` must be picklable (a
    module-level function or ``ContainsCheck``).  Returns the merged ``Result``.
    """
    if fn_name not in _LOOP_FUNCTIONS:
        raise ValueError(f"fn_name must be one of {sorted(_LOOP_FUNCTIONS)}")
    if "make_body" in kwargs:
        raise TypeError("run_in_subprocesses takes body_template, not make_body")
    kw = dict(kwargs)
    kw.setdefault("body_template", b"")
    kw["key_prefix"] = kw.get("key_prefix") or secrets.token_hex(4)
    if n_procs < 1:
        raise ValueError("n_procs must be >= 1")
    per_proc: list[dict[str, Any]]
    if fn_name == "closed_loop":
        n_procs = min(n_procs, int(kw["concurrency"]))
        per_proc = [{**kw, "concurrency": c} for c in _split(int(kw["concurrency"]), n_procs)]
    else:
        max_conn = int(kw.get("max_connections", 64))
        n_procs = min(n_procs, max_conn)
        per_proc = [
            {**kw, "rate_per_s": float(kw["rate_per_s"]) / n_procs, "max_connections": m}
            for m in _split(max_conn, n_procs)
        ]
    budget = (
        150.0  # process start-up + barrier
        + float(kw.get("warmup_s", 1.0 if fn_name == "closed_loop" else 0.0))
        + float(kw["duration_s"])
        + float(kw.get("drain_s", DEFAULT_DRAIN_S))
        + float(kw.get("timeout_s", DEFAULT_TIMEOUT_S))
    )
    try:
        pickle.dumps(per_proc)
    except Exception as exc:
        raise TypeError(
            f"run_in_subprocesses kwargs must be picklable (body_check: use a module-level "
            f"function or ContainsCheck): {exc}"
        ) from exc
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(n_procs)
    results_q = ctx.Queue()
    procs = [
        ctx.Process(
            target=_child_main,
            args=(i, fn_name, per_proc[i], barrier, results_q),
            name=f"loadclient-{i}",
            daemon=True,
        )
        for i in range(n_procs)
    ]
    results: dict[int, Result] = {}
    problems: list[str] = []
    deadline = time.monotonic() + budget
    started: list[Any] = []
    finished = False
    try:
        for p in procs:
            p.start()
            started.append(p)
        while len(results) + len(problems) < n_procs:
            try:
                index, res, err = results_q.get(timeout=1.0)
            except queue.Empty:
                crashed = [p for p in procs if p.exitcode not in (None, 0)]
                if crashed:
                    raise RuntimeError(
                        f"load process(es) died: {[(p.name, p.exitcode) for p in crashed]}"
                    ) from None
                if time.monotonic() > deadline:
                    raise TimeoutError("load processes did not report in time") from None
                continue
            if err is not None:
                problems.append(f"process {index}: {err}")
            else:
                results[index] = res
        finished = True
    finally:
        for p in started:
            if finished:
                p.join(timeout=5)
            if p.is_alive():
                p.terminate()
                p.join(timeout=5)
        results_q.close()
    if problems:
        raise RuntimeError("; ".join(problems))
    return Result.merge([results[i] for i in sorted(results)])


# --------------------------------------------------------------------------- CLI


def _parse_url(url: str) -> tuple[str, int, str]:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise SystemExit(f"only http://host[:port]/path URLs are supported, got {url!r}")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.hostname, parts.port or 80, path


def _parse_headers(raw: Sequence[str]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for h in raw:
        name, sep, value = h.partition(":")
        if not sep or not name.strip():
            raise SystemExit(f"--header must look like 'Name: value', got {h!r}")
        headers[name.strip()] = value.strip()
    return headers


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="loadclient", description="Minimal keep-alive HTTP/1.1 load generator."
    )
    ap.add_argument("--url", required=True, help="http://host:port/path")
    ap.add_argument("--header", "-H", action="append", default=[], help="'Name: value'")
    ap.add_argument("--method", default="POST")
    ap.add_argument(
        "--body-template", default="", help="request body; each {{i}} becomes a unique key"
    )
    ap.add_argument("--key-prefix", default=None, help="prefix of {{i}} keys (default random)")
    ap.add_argument("--concurrency", type=int, default=20, help="closed-loop workers")
    ap.add_argument("--duration", type=float, default=10.0, help="measured seconds")
    ap.add_argument("--warmup", type=float, default=None, help="s (default 1 closed, 0 open)")
    ap.add_argument("--rate", type=float, default=None, help="open loop at this req/s")
    ap.add_argument("--max-connections", type=int, default=64, help="open-loop pool cap")
    ap.add_argument("--procs", type=int, default=1, help="client processes")
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="per request, s")
    ap.add_argument("--drain", type=float, default=DEFAULT_DRAIN_S, help="s after the window")
    ap.add_argument("--expect", default=None, help="ok also requires this substring in body")
    ap.add_argument(
        "--pid", type=int, action="append", default=[], help="also measure this pid's CPU"
    )
    args = ap.parse_args(argv)

    host, port, path = _parse_url(args.url)
    kwargs: dict[str, Any] = {
        "host": host,
        "port": port,
        "path": path,
        "headers": _parse_headers(args.header),
        "duration_s": args.duration,
        "body_check": ContainsCheck(args.expect) if args.expect is not None else None,
        "method": args.method.upper(),
        "timeout_s": args.timeout,
        "drain_s": args.drain,
        "sample_pids": tuple(args.pid),
    }
    if args.warmup is not None:
        kwargs["warmup_s"] = args.warmup
    if args.rate is not None:
        fn_name = "open_loop"
        kwargs.update(rate_per_s=args.rate, max_connections=args.max_connections)
    else:
        fn_name = "closed_loop"
        kwargs["concurrency"] = args.concurrency
    key_prefix = args.key_prefix or secrets.token_hex(4)
    if args.procs > 1:
        kwargs.update(body_template=args.body_template, key_prefix=key_prefix)
        result = run_in_subprocesses(args.procs, fn_name, kwargs)
    else:
        make_body = TemplateBody(args.body_template, f"{key_prefix}-0-")
        result = run_sync(_LOOP_FUNCTIONS[fn_name](make_body=make_body, **kwargs))
    summary = result.summary()
    summary["mode"] = fn_name
    sys.stdout.write(json.dumps(summary, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
