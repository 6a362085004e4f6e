"""The returns benchmark's database: the demo data plus 100,000 return tickets.

Built once and cached as ``var/bench/returns-<key>.db``, where the key hashes the
migrations, the demo-data sources and this file; a later run with the same key copies the
file instead of building it again.  Building runs ``backend.cli migrate`` and ``seed-demo``
on a scratch file and then writes the tickets with plain ``sqlite3`` ``executemany`` in one
transaction (not through the services: a service call per ticket would take minutes).

What is generated, all with a fixed seed (only the timestamps follow the clock):

- 3,000 customers and 4,000 delivered orders of the demo partner with 1-3 lines each, which
  the tickets reuse (a ticket takes an order delivered in the week before it);
- 100,000 tickets over the last year in a realistic mix of flows (customer returns and
  exchanges, refused and undeliverable parcels, parcels without an application) and of
  statuses (finished ones older, open ones recent), numbered like ``casefile.new_number``
  (``RT<year><6 digits>``, the ``counter`` rows advanced past them);
- 1-3 lines each (received, graded, dispositioned and refunded quantities as the status
  implies), 3-8 history rows each (the flow's moves, padded with notes), inspections for
  every ticket past UNPACKED (initial, then QC), inbound waybills, refunds (parts adding up
  to what is due), notes; the milestone columns (decided, arrived, QC, first refund,
  closed) set from those rows as the services set them;
- two pools the benchmark consumes: ``POOL`` APPROVED customer returns with an active
  inbound waybill not yet arrived (for ``registerParcel``), and ``POOL`` UNPACKED tickets
  with received quantities and a pending bin (for ``recordInspection``).

No stock is booked for the generated tickets (no movements, no balances), so the stock
ledger stays consistent; the orders have no shipment rows either.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
import random
import re
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.bench.server import ROOT, _run_cli

TICKETS = 100_000
CUSTOMERS = 3_000
ORDERS = 4_000
POOL = 2_500  # APPROVED tickets for registerParcel, UNPACKED ones for recordInspection
SEED = 2026
CACHE_DIR = ROOT / "var" / "bench"
DAY = 86_400.0

_KEY_SOURCES = (
    "backend/persistence/migrations/*.py",
    "backend/services/demo_data.py",
    "backend/services/demo_tickets.py",
)

# --------------------------------------------------------------------------- the flows

# A move after OPEN: (action, status it reaches or None for a step that changes none, who).
Move = tuple[str, str | None, str]

CS, WH, QC, LOG, FIN, PARTNER = (
    "customer-service",
    "warehouse",
    "qc",
    "logistics",
    "finance",
    "partner",
)


@dataclass(frozen=True)
class Flow:
    source: str
    kind: str
    remote: bool
    first: str
    path: tuple[Move, ...]


RETURN = Flow(
    "CUSTOMER_RETURN",
    "RETURN",
    False,
    "REQUESTED",
    (
        ("APPROVE", "APPROVED", CS),
        ("RECEIVE", "RECEIVED", WH),
        ("UNPACK", "UNPACKED", WH),
        ("INSPECT_INITIAL", "INITIAL_INSPECTED", WH),
        ("INSPECT_QC", "QC_INSPECTED", QC),
        ("ACCEPT", "REFUND_PENDING", CS),
        ("REFUND_PART", None, FIN),
    ),
)
EXCHANGE = Flow(
    "CUSTOMER_RETURN",
    "EXCHANGE",
    False,
    "REQUESTED",
    (
        ("APPROVE", "APPROVED", CS),
        ("RECEIVE", "RECEIVED", WH),
        ("UNPACK", "UNPACKED", WH),
        ("INSPECT_INITIAL", "INITIAL_INSPECTED", WH),
        ("INSPECT_QC", "QC_INSPECTED", QC),
        ("ACCEPT", "PUT_AWAY", CS),
        ("START_FOLLOW_UP", "FOLLOW_UP", CS),
    ),
)
REFUSED = Flow(
    "REFUSED",
    "RETURN",
    False,
    "RECEIVED",
    (
        ("UNPACK", "UNPACKED", WH),
        ("INSPECT_INITIAL", "INITIAL_INSPECTED", WH),
        ("INSPECT_QC", "QC_INSPECTED", QC),
        ("PUT_AWAY", "REFUND_PENDING", WH),
        ("REFUND", "REFUNDED", FIN),
        ("CLOSE", "CLOSED", CS),
    ),
)
LOCAL = Flow(
    "UNDELIVERABLE",
    "RETURN",
    False,
    "RECEIVED",
    (("RESHIP", "RESHIPPED", LOG), ("CLOSE", "CLOSED", CS)),
)
REMOTE = Flow(
    "UNDELIVERABLE",
    "RETURN",
    True,
    "REPORTED",
    (
        ("RESHIP", "RESHIPPED", LOG),
        ("RECEIVE", "RECEIVED", WH),
        ("PUT_AWAY", "PUT_AWAY", WH),
        ("SWAP_WAYBILL", "WAYBILL_SWAPPED", FIN),
        ("CLOSE", "CLOSED", CS),
    ),
)
NO_APPLICATION = Flow("EXCEPTION", "RETURN", False, "EXCEPTION", (("LINK", "CLOSED", CS),))
_REJECT: tuple[Move, ...] = (("REJECT", "REJECTED", CS),)
_BACK: tuple[Move, ...] = (*_REJECT, ("RETURN_TO_CUSTOMER", "RETURNED_TO_CUSTOMER", LOG))


@dataclass(frozen=True)
class Outcome:
    flow: Flow
    moves: tuple[Move, ...]
    weight: float


def _o(flow: Flow, steps: int, weight: float, extra: tuple[Move, ...] = ()) -> Outcome:
    return Outcome(flow, flow.path[:steps] + extra, weight)


def _hold(flow: Flow, steps: int, weight: float) -> Outcome:
    return _o(flow, steps, weight, (("HOLD", "ON_HOLD", "supervisor"),))


# Where tickets end up (weights in per cent of all tickets).  Every outcome has at most 8
# history rows with OPEN, so a customer return stops at REFUND_PENDING (the refund and the
# follow-up call would be rows 9 and 10).
OUTCOMES: tuple[Outcome, ...] = (
    _o(RETURN, 0, 2.0),
    _o(RETURN, 0, 3.0, (("DECLINE", "DECLINED", CS),)),
    _o(RETURN, 0, 1.2, (("CANCEL", "CANCELLED", CS),)),
    _o(RETURN, 1, 0.8, (("CANCEL", "CANCELLED", CS),)),
    _o(RETURN, 1, 2.0),
    _o(RETURN, 2, 1.5),
    _o(RETURN, 3, 1.0),
    _o(RETURN, 4, 1.5),
    _o(RETURN, 5, 1.5),
    _o(RETURN, 6, 26.0),
    _o(RETURN, 7, 8.0),
    _o(RETURN, 5, 1.5, _REJECT),
    _o(RETURN, 5, 1.5, _BACK),
    _hold(RETURN, 1, 0.5),
    _hold(RETURN, 3, 0.5),
    _o(EXCHANGE, 0, 1.0),
    _o(EXCHANGE, 0, 1.0, (("DECLINE", "DECLINED", CS),)),
    _o(EXCHANGE, 1, 1.0),
    _o(EXCHANGE, 2, 0.5),
    _o(EXCHANGE, 3, 0.5),
    _o(EXCHANGE, 4, 0.5),
    _o(EXCHANGE, 5, 0.5),
    _o(EXCHANGE, 6, 4.0),
    _o(EXCHANGE, 7, 10.0),
    _o(EXCHANGE, 5, 0.5, _BACK),
    _o(REFUSED, 0, 0.5),
    _o(REFUSED, 1, 0.5),
    _o(REFUSED, 2, 0.5),
    _o(REFUSED, 3, 0.5),
    _o(REFUSED, 4, 1.0),
    _o(REFUSED, 5, 1.0),
    _o(REFUSED, 6, 8.0),
    _o(LOCAL, 0, 0.3),
    _o(LOCAL, 1, 0.7),
    _o(LOCAL, 2, 4.0),
    _o(REMOTE, 0, 0.2),
    _o(REMOTE, 1, 0.3),
    _o(REMOTE, 2, 0.2),
    _o(REMOTE, 3, 0.3),
    _o(REMOTE, 4, 0.3),
    _o(REMOTE, 5, 1.7),
    _o(NO_APPLICATION, 0, 1.0),
    _o(NO_APPLICATION, 1, 3.0),
    _o(NO_APPLICATION, 0, 1.0, (("RETURN_TO_CUSTOMER", "RETURNED_TO_CUSTOMER", LOG),)),
)
POOL_APPROVED = (_o(RETURN, 1, 3.0), _o(EXCHANGE, 1, 1.0))
POOL_UNPACKED = (_o(RETURN, 3, 3.0), _o(EXCHANGE, 3, 1.0), _o(REFUSED, 1, 1.0))

OPEN_STATUSES = frozenset(
    {
        "EXCEPTION",
        "REQUESTED",
        "APPROVED",
        "REPORTED",
        "RECEIVED",
        "UNPACKED",
        "INITIAL_INSPECTED",
        "QC_INSPECTED",
        "ON_HOLD",
        "RESHIPPED",
    }
)
ENDED = frozenset({"CLOSED", "DECLINED", "CANCELLED"})
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛"]
DETAILS = [
    "尺码偏小 runs small",
    "颜色与图片不符 colour not as shown",
    "开线 seam opened after one wash",
    "不想要了 changed my mind",
    "收到时包装破损 box crushed on arrival",
    "",
]
COURIERS = ["圆通 YTO", "中通 ZTO", "顺丰速运 SF Express", "京东物流 JD", "韵达 Yunda"]
NOTES = [
    "客户来电询问进度 customer called",
    "已联系客户 customer contacted",
    "等待照片 photos asked",
]


# --------------------------------------------------------------------------- cache


def cache_key(*extra: Path) -> str:
    """A hash of the migrations, the demo data, this file and `extra` files."""
    digest = hashlib.sha256()
    files = sorted({p for pattern in _KEY_SOURCES for p in ROOT.glob(pattern)})
    for path in [*files, Path(__file__).resolve(), *extra]:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def ensure_database(say: Any = None) -> tuple[Path, dict[str, Any]]:
    """The cached database for the current key, built first if missing; and how it was
    built (``generation_s`` is the bulk insert, ``seed_s`` the migrate + demo data)."""
    return cached_database("returns", cache_key(), generate, say)


def cached_database(
    prefix: str,
    key: str,
    build: Callable[[Path], tuple[dict[str, int], dict[str, float]]],
    say: Any = None,
) -> tuple[Path, dict[str, Any]]:
    """``var/bench/<prefix>-<key>.db``: migrated, demo data, then `build` on it; reused
    while the key stands (files of the same prefix with another key are removed)."""
    target = CACHE_DIR / f"{prefix}-{key}.db"
    meta_file = target.with_suffix(".json")
    if target.exists() and meta_file.exists():
        meta = json.loads(meta_file.read_text())
        return target, {**meta, "cached": True, "path": str(target.relative_to(ROOT))}
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    if say:
        say(f"building the bench database {target.name} (cached for later runs) ...")
    scratch = Path(tempfile.mkdtemp(prefix=f"{prefix}-build-", dir=CACHE_DIR))
    try:
        db = scratch / "build.db"
        started = time.monotonic()
        env = {**os.environ, "DATABASE_URL": f"sqlite://{db}", "PYTHONUNBUFFERED": "1"}
        _run_cli(["migrate"], env)
        _run_cli(["seed-demo"], env)
        seed_s = time.monotonic() - started
        counts, timings = build(db)
        for old in CACHE_DIR.glob(f"{prefix}-*"):  # other keys (and their -shm, -wal): stale
            other = re.fullmatch(rf"{prefix}-([0-9a-f]{{16}})\.(db|db-shm|db-wal|json)", old.name)
            if other and other.group(1) != key:
                old.unlink(missing_ok=True)
        os.replace(db, target)
        meta = {
            "key": key,
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "seed_s": round(seed_s, 2),
            "generation_s": timings["total_s"],
            "generation_steps_s": timings,
            "rows": counts,
            "size_mb": round(target.stat().st_size / 1e6, 1),
        }
        meta_file.write_text(json.dumps(meta, indent=2) + "\n")
    finally:
        for leftover in scratch.glob("*"):
            leftover.unlink()
        scratch.rmdir()
    return target, {**meta, "cached": False, "path": str(target.relative_to(ROOT))}


# --------------------------------------------------------------------------- generation


def _ts(seconds: float) -> str:
    """A timestamp as Tortoise stores it on SQLite ('2026-11-27 18:15:09.571911+00:00')."""
    return datetime.fromtimestamp(seconds, UTC).isoformat(" ")


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


@dataclass
class _Reference:
    """What the generator reads from the seeded database."""

    users: dict[str, int]
    partner_id: int
    warehouses: list[int]  # SH1 first
    pending: dict[int, list[tuple[int, str]]]  # warehouse id -> pending bins (id, code)
    products: list[tuple[int, int, str, str, str, str, int]]  # id, price cents, model, ...
    reasons: list[tuple[int, bool]]  # id, is_quality
    tags: list[str]
    checklist: list[str]  # the questions every category asks


@dataclass
class _Order:
    id: int
    number: str
    customer: int
    name: str
    phone: str
    delivered: float
    lines: list[tuple[int, int, int, int]]  # order line id, product id, quantity, cents


@dataclass
class _Rows:
    customer: list[tuple[Any, ...]] = field(default_factory=list)
    sales_order: list[tuple[Any, ...]] = field(default_factory=list)
    order_line: list[tuple[Any, ...]] = field(default_factory=list)
    return_ticket: list[tuple[Any, ...]] = field(default_factory=list)
    return_line: list[tuple[Any, ...]] = field(default_factory=list)
    ticket_event: list[tuple[Any, ...]] = field(default_factory=list)
    inspection: list[tuple[Any, ...]] = field(default_factory=list)
    inbound_waybill: list[tuple[Any, ...]] = field(default_factory=list)
    refund: list[tuple[Any, ...]] = field(default_factory=list)
    ticket_note: list[tuple[Any, ...]] = field(default_factory=list)


_INSERT = {
    "customer": "INSERT INTO customer (id, name, phone, address, partner_id) VALUES (?,?,?,?,?)",
    "sales_order": "INSERT INTO sales_order (id, number, placed_at, delivered_at, created_at,"
    " customer_id, partner_id) VALUES (?,?,?,?,?,?,?)",
    "order_line": "INSERT INTO order_line (id, quantity, unit_price_paid, order_id, product_id)"
    " VALUES (?,?,?,?,?)",
    "return_ticket": "INSERT INTO return_ticket (id, number, kind, source, remote, status,"
    " resume_to, status_since, version, customer_name, customer_phone, details, shipping_payer,"
    " shipping_payer_note, shipping_fee, window_deadline, window_override_reason, decline_code,"
    " decline_note, refund_due, refunded, handover_courier_person, handover_staff_person,"
    " replacement_reserved, created_at, updated_at, assignee_id, created_by_id, customer_id,"
    " order_id, partner_id, pending_location_id, reason_id, warehouse_id, decided_at,"
    " arrived_at, qc_inspected_at, first_refund_at, closed_at)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,'',?,?,'',?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    "return_line": "INSERT INTO return_line (id, quantity, unit_price_paid, quantity_received,"
    " quantity_graded, quantity_dispositioned, quantity_refunded, wanted_model, wanted_style,"
    " wanted_colour, wanted_size, order_line_id, product_id, ticket_id, wanted_product_id)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    "ticket_event": "INSERT INTO ticket_event (at, action, from_status, to_status, detail,"
    " actor_id, ticket_id) VALUES (?,?,?,?,?,?,?)",
    "inspection": "INSERT INTO inspection (stage, quantity, passed, grade, responsibility,"
    " defect_tags, defect_text, checklist, photos, note, at, inspector_id, line_id, ticket_id)"
    " VALUES (?,?,?,?,?,?,?,?,'[]','',?,?,?,?)",
    "inbound_waybill": "INSERT INTO inbound_waybill (waybill, courier, status, arrived_at,"
    " replaced_by, voided_at, ticket_id) VALUES (?,?,?,?,?,?,?)",
    "refund": "INSERT INTO refund (amount, payment_reference, note, at, issued_by_id, ticket_id)"
    " VALUES (?,?,'',?,?,?)",
    "ticket_note": "INSERT INTO ticket_note (id, text, photos, at, author_id, ticket_id)"
    " VALUES (?,?,'[]',?,?,?)",
}


def _reference(db: sqlite3.Connection) -> _Reference:
    users = dict(db.execute("SELECT username, id FROM app_user").fetchall())
    partner_id = db.execute("SELECT id FROM partner ORDER BY id LIMIT 1").fetchone()[0]
    warehouses = [
        row[0] for row in db.execute("SELECT id FROM warehouse ORDER BY kind = 'OWN' DESC, id")
    ]
    pending: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for wid, lid, code in db.execute(
        "SELECT warehouse_id, id, code FROM location WHERE zone_kind = 'PENDING' AND active"
        " ORDER BY code"
    ):
        pending[wid].append((lid, code))
    products = [
        (pid, round(float(price) * 100), model, style, colour, size, category)
        for pid, price, model, style, colour, size, category in db.execute(
            "SELECT id, unit_price, model, style, colour, size, category_id FROM product"
            " WHERE supply_mode = 'STOCKED' ORDER BY id"
        )
    ]
    reasons = [
        (rid, bool(q))
        for rid, q in db.execute("SELECT id, is_quality FROM return_reason WHERE active")
    ]
    tags = [row[0] for row in db.execute("SELECT code FROM defect_tag WHERE active ORDER BY id")]
    return _Reference(
        users, partner_id, warehouses, dict(pending), products, reasons, tags, _checklist(db)
    )


def _checklist(db: sqlite3.Connection) -> list[str]:
    return [
        row[0]
        for row in db.execute(
            "SELECT code FROM checklist_item WHERE active AND category_id IS NULL"
            " ORDER BY position, id"
        )
    ]


class _Generator:
    # How much to generate (a bigger data set subclasses this: tests/bench/analytics_data.py).
    TICKETS = TICKETS
    CUSTOMERS = CUSTOMERS
    ORDERS = ORDERS
    ORDER_SPAN_DAYS = 380
    POOL = POOL
    OUTCOMES = OUTCOMES

    def __init__(self, db: sqlite3.Connection) -> None:
        self.rng = random.Random(SEED)
        self.now = time.time()
        self.ref = _reference(db)
        self.rows = _Rows()
        self.next_id = {
            table: (db.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()[0] + 1)
            for table in ("customer", "sales_order", "order_line", "return_ticket")
        }
        self.next_id["return_line"] = (
            db.execute("SELECT COALESCE(MAX(id), 0) FROM return_line").fetchone()[0] + 1
        )
        self.next_id["ticket_note"] = (
            db.execute("SELECT COALESCE(MAX(id), 0) FROM ticket_note").fetchone()[0] + 1
        )
        self.counters = dict(db.execute("SELECT name, value FROM counter").fetchall())
        self.orders: list[_Order] = []
        self.delivered: list[float] = []
        self.by_category: dict[int, list[tuple[int, int, str, str, str, str, int]]] = defaultdict(
            list
        )
        for p in self.ref.products:
            self.by_category[p[6]].append(p)
        self.category_of = {p[0]: p[6] for p in self.ref.products}

    def build(self) -> None:
        """Every row, in memory."""
        self.orders_and_customers()
        self.tickets()

    def write(self, db: sqlite3.Connection) -> dict[str, int]:
        """Insert the rows (inside the caller's transaction); row counts per table."""
        counts: dict[str, int] = {}
        for table, sql in _INSERT.items():
            batch = getattr(self.rows, table)
            db.executemany(sql, batch)
            counts[table] = len(batch)
        for name, value in self.counters.items():
            db.execute(
                "INSERT INTO counter (name, value) VALUES (?, ?)"
                " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                [name, value],
            )
        return counts

    # ------------------------------------------------------------------ orders

    def orders_and_customers(self) -> None:
        rng, ref, rows = self.rng, self.ref, self.rows
        customers: list[tuple[int, str, str]] = []
        for n in range(self.CUSTOMERS):
            cid = self.next_id["customer"] + n
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            phone = f"139{n:08d}"
            customers.append((cid, name, phone))
            rows.customer.append(
                (cid, name, phone, f"上海市某区某路 {n % 900 + 1} 号", ref.partner_id)
            )
        line_id = self.next_id["order_line"]
        span = self.ORDER_SPAN_DAYS * DAY
        placed_times = sorted(self.now - 2 * DAY - rng.random() * span for _ in range(self.ORDERS))
        for n, placed in enumerate(placed_times):
            oid = self.next_id["sales_order"] + n
            cid, name, phone = rng.choice(customers)
            delivered = min(placed + DAY + rng.random() * 2 * DAY, self.now - 3600)
            number = f"SO-B-{n + 1:06d}"
            rows.sales_order.append(
                (oid, number, _ts(placed), _ts(delivered), _ts(placed), cid, ref.partner_id)
            )
            lines = []
            for product in rng.sample(ref.products, rng.choices((1, 2, 3), (35, 35, 30))[0]):
                quantity = rng.choices((1, 2, 3), (75, 20, 5))[0]
                rows.order_line.append((line_id, quantity, _money(product[1]), oid, product[0]))
                lines.append((line_id, product[0], quantity, product[1]))
                line_id += 1
            self.orders.append(_Order(oid, number, cid, name, phone, delivered, lines))
            self.delivered.append(delivered)

    def _order_before(self, created: float) -> _Order:
        """An order delivered in the week before `created` (inside its return window)."""
        hi = bisect.bisect_left(self.delivered, created) - 1
        lo = bisect.bisect_left(self.delivered, created - 7 * DAY)
        return self.orders[self.rng.randint(min(lo, max(hi, 0)), max(hi, 0))]

    # ------------------------------------------------------------------ tickets

    def plan(self) -> list[tuple[float, Outcome]]:
        """Every ticket's outcome and creation time, oldest first: finished tickets are
        spread over the year, open ones are recent."""
        rng = self.rng
        pool, everything = self.POOL, self.OUTCOMES
        outcomes = [*rng.choices(POOL_APPROVED, [o.weight for o in POOL_APPROVED], k=pool)]
        outcomes += rng.choices(POOL_UNPACKED, [o.weight for o in POOL_UNPACKED], k=pool)
        outcomes += rng.choices(
            everything, [o.weight for o in everything], k=self.TICKETS - 2 * pool
        )
        planned = []
        for outcome in outcomes:
            status = self._status(outcome)
            if status in OPEN_STATUSES:
                age = 0.2 * DAY + rng.random() ** 2 * 40 * DAY
            else:
                age = 20 * DAY + rng.random() * 340 * DAY
            planned.append((self.now - age, outcome))
        planned.sort(key=lambda p: p[0])
        return planned

    @staticmethod
    def _status(outcome: Outcome) -> str:
        for _action, status, _who in reversed(outcome.moves):
            if status is not None:
                return status
        return outcome.flow.first

    def _number(self, created: float) -> str:
        prefix = f"RT{datetime.fromtimestamp(created, UTC):%Y}"
        value = self.counters.get(prefix, 0) + 1
        self.counters[prefix] = value
        return f"{prefix}{value:06d}"

    def tickets(self) -> None:
        for created, outcome in self.plan():
            self._ticket(created, outcome)

    def _ticket(self, created: float, outcome: Outcome) -> None:
        rng, ref, rows, users = self.rng, self.ref, self.rows, self.ref.users
        flow = outcome.flow
        tid = self.next_id["return_ticket"]
        self.next_id["return_ticket"] += 1
        number = self._number(created)
        status = self._status(outcome)
        reached = {s for _a, s, _w in outcome.moves if s} | {flow.first}
        actions = [a for a, _s, _w in outcome.moves]

        # the timeline: OPEN, the moves, notes in between (3-8 rows in all)
        steps: list[Move | None] = list(outcome.moves)
        rows_wanted = min(8, max(3, len(steps) + 1 + rng.choices((0, 1, 2), (60, 30, 10))[0]))
        while len(steps) + 1 < rows_wanted:
            steps.insert(rng.randint(0, len(steps)), None)  # a note somewhere after OPEN
        age = self.now - created
        span = min(age * 0.9, (0.3 + rng.random() * 12) * DAY)
        times = [created] + sorted(created + rng.random() * span for _ in steps)

        # who, what, where
        order: _Order | None = None
        if flow.source != "EXCEPTION" or rng.random() < 0.3:
            order = self._order_before(created)
        warehouse = self._warehouse(order)
        pending_bin = rng.choice(ref.pending[warehouse])
        reason_id: int | None = None
        payer = "MERCHANT"
        if flow.source == "CUSTOMER_RETURN" or (flow.source == "REFUSED" and rng.random() < 0.3):
            reason_id, quality = rng.choice(ref.reasons)
            payer = "MERCHANT" if quality else "CUSTOMER"
        elif flow.source == "REFUSED":
            payer = "CUSTOMER"
        if flow.source == "CUSTOMER_RETURN":
            created_by = users[PARTNER] if rng.random() < 0.8 else users[CS]
            assignee = users[CS]
            waybill = (
                f"YT{8_800_000_000 + tid}"
                if ("RECEIVED" in reached or "APPROVED" in reached or rng.random() < 0.6)
                else None
            )
        elif flow.source == "EXCEPTION":
            created_by, assignee = users[WH], users[CS]
            waybill = f"ZT{6_600_000_000 + tid}"
        else:
            created_by = users[LOG] if flow.source == "UNDELIVERABLE" else users[WH]
            assignee = created_by
            waybill = f"SF{7_700_000_000 + tid}"
        courier = rng.choice(COURIERS)

        # lines
        lines: list[list[Any]] = []  # id, quantity, cents, received, product, order line
        if order is not None:
            count = rng.choices((1, 2, 3), (50, 30, 20))[0]
            for ol_id, product_id, quantity, cents in order.lines[:count]:
                units = quantity if rng.random() < 0.3 else 1
                lines.append([0, units, cents, 0, product_id, ol_id])
        else:
            for product in rng.sample(ref.products, rng.choices((1, 2), (80, 20))[0]):
                lines.append([0, 1, 0, 0, product[0], None])
        received_now = "UNPACKED" in reached or (flow is REMOTE and "RECEIVED" in reached)
        for line in lines:
            line[0] = self.next_id["return_line"]
            self.next_id["return_line"] += 1
            if received_now:
                short = line[1] > 1 and rng.random() < 0.05
                line[3] = line[1] - 1 if short else line[1]

        graded = "QC_INSPECTED" in reached
        dispositioned = bool(
            {"ACCEPT", "PUT_AWAY", "RETURN_TO_CUSTOMER"} & set(actions) and received_now
        )
        refunded_lines = "REFUND" in actions
        value = sum(line[2] * line[3] for line in lines)
        fee = 0 if payer == "MERCHANT" or rng.random() < 0.5 else 1200
        refund_due: str | None = None
        refunded = "0"
        due = 0
        if (flow is RETURN and "ACCEPT" in actions) or (flow is REFUSED and "PUT_AWAY" in actions):
            due = max(0, value - fee)
            refund_due = _money(due)
            if "REFUND_PART" in actions:
                refunded = _money(due // 2)
            if "REFUND" in actions:
                refunded = refund_due
        for line_id, quantity, cents, received, product_id, ol_id in lines:
            wanted: tuple[Any, ...] = (None, "", "", "", "")
            if flow is EXCHANGE:
                choices = self.by_category[self.category_of[product_id]]
                w = rng.choice(choices)
                wanted = (w[0], w[2], w[3], w[4], w[5])
            rows.return_line.append(
                (
                    line_id,
                    quantity,
                    _money(cents),
                    received,
                    received if graded else 0,
                    received if dispositioned else 0,
                    received if refunded_lines else 0,
                    wanted[1],
                    wanted[2],
                    wanted[3],
                    wanted[4],
                    ol_id,
                    product_id,
                    tid,
                    wanted[0],
                )
            )

        # history, inspections, notes, waybill
        before: str | None = None
        current = flow.first
        open_detail: dict[str, Any]
        if flow.source == "CUSTOMER_RETURN":
            assert order is not None
            open_detail = {"orderNumber": order.number, "windowOverridden": False}
        elif flow.source == "REFUSED":
            open_detail = {
                "waybill": waybill,
                "courierPerson": "快递员",
                "staffPerson": "物流 陈刚",
                "note": "",
            }
        elif flow.source == "UNDELIVERABLE":
            open_detail = {"waybill": waybill, "remote": flow.remote, "note": ""}
        else:
            open_detail = {"code": waybill, "note": "", "knownShipment": order is not None}
        rows.ticket_event.append(
            (_ts(created), "OPEN", None, current, _json(open_detail), created_by, tid)
        )
        status_since = created
        arrived: float | None = (
            created if flow.first == "RECEIVED" or flow is NO_APPLICATION else None
        )
        # the milestone columns, as the services keep them (domain/returns/milestones.py)
        moments: dict[str, str | None] = dict.fromkeys(
            ("decided", "arrived", "qc", "refund", "closed")
        )
        if flow.first == "RECEIVED":
            moments["arrived"] = _ts(created)
        paid = 0
        for step, at in zip(steps, times[1:], strict=True):
            stamp = _ts(at)
            if step is None:
                author = rng.choice((users[CS], users[WH], users["supervisor"]))
                note_id = self.next_id["ticket_note"]
                self.next_id["ticket_note"] += 1
                rows.ticket_note.append((note_id, rng.choice(NOTES), stamp, author, tid))
                rows.ticket_event.append(
                    (stamp, "NOTE", None, None, _json({"noteId": note_id}), author, tid)
                )
                continue
            action, to, who = step
            detail = self._detail(action, waybill, pending_bin[1], lines, refund_due, refunded)
            if action in ("REFUND", "REFUND_PART"):
                part = due // 2 if action == "REFUND_PART" else due - paid
                paid += part
                rows.refund.append((_money(part), f"PAY{tid}", stamp, users[FIN], tid))
                moments["refund"] = moments["refund"] or stamp
            if action in ("APPROVE", "DECLINE"):
                moments["decided"] = moments["decided"] or stamp
            elif action == "INSPECT_QC":
                moments["qc"] = moments["qc"] or stamp
            if to == "RECEIVED":
                moments["arrived"] = moments["arrived"] or stamp
            elif to == "CLOSED":
                moments["closed"] = stamp
            self._on_step(tid, number, step, current, at, lines, warehouse, pending_bin[0])
            if to is None:
                rows.ticket_event.append((stamp, action, None, None, detail, users[who], tid))
                continue
            rows.ticket_event.append((stamp, action, current, to, detail, users[who], tid))
            before, current, status_since = current, to, at
            if action == "RECEIVE":
                arrived = at
            elif action in ("INSPECT_INITIAL", "INSPECT_QC"):
                self._inspections(tid, action, lines, stamp, outcome)
        resume_to = before if current == "ON_HOLD" or current in ENDED else None
        if current != "CLOSED":
            moments["closed"] = None
        if waybill is not None:
            rows.inbound_waybill.append(
                (waybill, courier, "ACTIVE", _ts(arrived) if arrived else None, "", None, tid)
            )
        deadline = (
            _ts(order.delivered + 7 * DAY) if order and flow.source == "CUSTOMER_RETURN" else None
        )
        declined = status == "DECLINED"
        rows.return_ticket.append(
            (
                tid,
                number,
                flow.kind,
                flow.source,
                int(flow.remote),
                status,
                resume_to,
                _ts(status_since),
                len(steps) + 1,  # version: one bump per change after the creation
                order.name if order else "",
                order.phone if order else "",
                rng.choice(DETAILS) if flow.source == "CUSTOMER_RETURN" else "",
                payer,
                _money(fee),
                deadline,
                rng.choice(("WINDOW_EXPIRED", "MISSING_DETAILS", "OTHER")) if declined else None,
                "超出退货期限 outside the window" if declined else "",
                refund_due,
                refunded,
                "快递员" if flow.source == "REFUSED" else "",
                "物流 陈刚" if flow.source == "REFUSED" else "",
                int(flow is EXCHANGE and "APPROVED" in reached and not declined),
                _ts(created),
                _ts(times[-1]),
                assignee,
                created_by,
                order.customer if order else None,
                order.id if order else None,
                ref.partner_id if order else None,
                pending_bin[0] if "UNPACKED" in reached else None,
                reason_id,
                warehouse,
                moments["decided"],
                moments["arrived"],
                moments["qc"],
                moments["refund"],
                moments["closed"],
            )
        )

    def _warehouse(self, order: _Order | None) -> int:
        """The warehouse a ticket's goods come back to."""
        return self.ref.warehouses[0] if self.rng.random() < 0.9 else self.ref.warehouses[-1]

    def _on_step(
        self,
        tid: int,
        number: str,
        step: Move,
        before: str,
        at: float,
        lines: Sequence[Sequence[Any]],
        warehouse: int,
        pending_bin: int,
    ) -> None:
        """Called after each move's history row (`before`: the status it left); the bigger
        data set books the goods and the follow-up calls here."""

    def _detail(
        self,
        action: str,
        waybill: str | None,
        pending_code: str,
        lines: Sequence[Sequence[Any]],
        refund_due: str | None,
        refunded: str,
    ) -> str:
        if action == "RECEIVE":
            return _json({"code": waybill, "note": ""})
        if action == "UNPACK":
            return _json(
                {"pendingLocation": pending_code, "received": {str(x[0]): x[3] for x in lines}}
            )
        if action in ("INSPECT_INITIAL", "INSPECT_QC"):
            stage = "INITIAL" if action == "INSPECT_INITIAL" else "QC"
            return _json({"stage": stage, "note": "", "units": sum(x[3] for x in lines)})
        if action in ("REFUND", "REFUND_PART"):
            return _json({"amount": refunded, "remaining": "0", "reference": ""})
        if action == "ACCEPT":
            return _json({"decision": "ACCEPT", "note": "", "refundDue": refund_due})
        if action == "DECLINE":
            return _json({"code": "WINDOW_EXPIRED", "note": ""})
        return _json({"note": ""})

    def _inspections(
        self,
        tid: int,
        action: str,
        lines: Sequence[Sequence[Any]],
        stamp: str,
        outcome: Outcome,
    ) -> None:
        rng, users = self.rng, self.ref.users
        checklist = _json([{"code": c, "ok": True, "note": ""} for c in self.ref.checklist])
        rejected = any(a == "REJECT" for a, _s, _w in outcome.moves)
        for n, (line_id, _q, _c, received, _p, _o) in enumerate(lines):
            if not received:
                continue
            if action == "INSPECT_INITIAL":
                passed = rng.random() < 0.9
                tags = [] if passed else [rng.choice(self.ref.tags)]
                responsibility = "UNKNOWN" if passed else "PRODUCT"
                self.rows.inspection.append(
                    (
                        "INITIAL",
                        received,
                        int(passed),
                        None,
                        responsibility,
                        _json(tags),
                        "",
                        checklist,
                        stamp,
                        users[WH],
                        line_id,
                        tid,
                    )
                )
                continue
            grade = "C" if rejected and n == 0 else rng.choices("ABC", (80, 12, 8))[0]
            passed = grade != "C"
            responsibility = "UNKNOWN" if passed else ("CUSTOMER" if rejected else "PRODUCT")
            self.rows.inspection.append(
                (
                    "QC",
                    received,
                    int(passed),
                    grade,
                    responsibility,
                    _json([] if passed else [rng.choice(self.ref.tags)]),
                    "",
                    checklist,
                    stamp,
                    users[QC],
                    line_id,
                    tid,
                )
            )


def generate(
    path: Path, generator: type[_Generator] = _Generator
) -> tuple[dict[str, int], dict[str, float]]:
    """Add the orders and tickets to the seeded database at `path`. Returns row counts
    and timings (building the rows in Python, inserting them, checking foreign keys)."""
    started = time.monotonic()
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=DELETE")  # out of WAL: one big write, then back
        db.execute("PRAGMA synchronous=OFF")
        db.execute("PRAGMA cache_size=-262144")
        gen = generator(db)
        gen.build()
        built = time.monotonic()
        db.execute("BEGIN")
        counts = gen.write(db)
        db.execute("COMMIT")
        inserted = time.monotonic()
        broken = db.execute("PRAGMA foreign_key_check").fetchmany(5)
        if broken:
            raise RuntimeError(f"generated rows break foreign keys: {broken}")
        checked = time.monotonic()
        db.execute("PRAGMA journal_mode=WAL")
    finally:
        db.close()
    timings = {
        "build_rows_s": round(built - started, 2),
        "insert_s": round(inserted - built, 2),
        "foreign_key_check_s": round(checked - inserted, 2),
        "total_s": round(time.monotonic() - started, 2),
    }
    return counts, timings


# --------------------------------------------------------------------------- pools


def approved_waybills(db_file: Path) -> list[str]:
    """Inbound waybills of APPROVED tickets whose parcel has not arrived, oldest first."""
    db = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        rows = db.execute(
            "SELECT w.waybill FROM return_ticket t JOIN inbound_waybill w ON w.ticket_id = t.id"
            " WHERE t.status = 'APPROVED' AND w.status = 'ACTIVE' AND w.arrived_at IS NULL"
            " ORDER BY t.id"
        ).fetchall()
    finally:
        db.close()
    return [r[0] for r in rows]


def inspection_vocabulary(db_file: Path) -> tuple[list[str], str]:
    """The general checklist's question codes and an active defect tag."""
    db = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        tag = db.execute("SELECT code FROM defect_tag WHERE active ORDER BY id").fetchone()
        return _checklist(db), tag[0]
    finally:
        db.close()


def unpacked_tickets(db_file: Path) -> list[tuple[str, list[tuple[int, int]]]]:
    """UNPACKED tickets with their lines' received units: (number, [(line id, units)])."""
    db = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        rows = db.execute(
            "SELECT t.number, l.id, l.quantity_received FROM return_ticket t"
            " JOIN return_line l ON l.ticket_id = t.id"
            " WHERE t.status = 'UNPACKED' AND t.pending_location_id IS NOT NULL"
            " ORDER BY t.id, l.id"
        ).fetchall()
    finally:
        db.close()
    found: dict[str, list[tuple[int, int]]] = {}
    for number, line_id, units in rows:
        found.setdefault(number, []).append((line_id, units))
    return [(n, lines) for n, lines in found.items() if any(u for _l, u in lines)]


if __name__ == "__main__":  # build (or find) the cached database on its own
    path, info = ensure_database(lambda s: sys.stdout.write(s + "\n"))
    sys.stdout.write(json.dumps(info, indent=2) + "\n")
