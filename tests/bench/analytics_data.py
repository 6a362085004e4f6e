"""The analytics benchmark's database (issue 5, item 9): the demo data plus 200,000 return
tickets and 1,000,000 stock movements over the last year.

Built like the returns benchmark's (tests/bench/returns_data.py, whose ticket generator it
extends) and cached as ``var/bench/analytics-<key>.db``; the key also hashes this file.
With the same fixed seed it generates:

- 60,000 customers and about 300,000 orders delivered over the last year, each shipped
  once (a shipment with a waybill and courier, one shipment line per order line, each line
  a SHIPMENT movement out of a sellable bin), from the own warehouse or, for about a third
  of them, from the demo CONSIGNMENT warehouse (CG1), so that return rates are meaningful
  and a custody-fee statement has real work;
- 200,000 tickets (returns_data's flows; most customer returns and exchanges run on to
  the refund, the follow-up call and CLOSED), each coming back to the warehouse its order
  left from, with the milestone columns equal to their history rows' times, and follow-up
  calls (reached with a satisfaction, or not answered, or unreachable after three
  attempts) for the tickets that went through follow-up;
- the returned goods booked like the services book them: into the ticket's pending bin
  when unpacked, out of it by QC grade (A back to a sellable bin, B to rework, C to
  defective) or back to the customer;
- replenishment: a RECEIPT into the warehouse's receiving bin whenever a sellable bin
  runs short, then TRANSFERs to that bin; the transfers are split so that the generated
  movements are exactly ``MOVEMENTS``.

The ledger is simulated in time order, so no bin ever goes below zero at any moment, and
``stock_balance`` ends equal to the sum of every movement (the demo's included): the
migration 0002 guards (quantity > 0, on hand >= reserved >= 0, movements append-only) all
hold; rows are only inserted, never updated, except balances, which are upserted once.
"""

from __future__ import annotations

import importlib
import json
import sqlite3
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.bench import returns_data as rd
from tests.bench.returns_data import (
    CS,
    DAY,
    EXCHANGE,
    FIN,
    LOG,
    RETURN,
    WH,
    Move,
    Outcome,
    _o,
    _Order,
    _ts,
)

_ANALYTICS_KEYS = importlib.import_module("backend.persistence.migrations.0010_analytics_keys")

TICKETS = 200_000
ORDERS = 300_000
CUSTOMERS = 60_000
MOVEMENTS = 1_000_000  # generated ones (the demo data books a few more)
CONSIGNMENT_SHARE = 0.35  # of the orders, shipped from the consignment warehouse
BATCH = {"OWN": (60, 160), "CONSIGNMENT": (200, 400)}  # units per replenishment receipt

_REFUND = ("REFUND", "REFUNDED", FIN)
_FOLLOW = ("START_FOLLOW_UP", "FOLLOW_UP", CS)
_CALL = ("FOLLOW_UP_CALL", None, CS)  # a call nobody answered
_CLOSE = ("CLOSE", "CLOSED", CS)  # the call that ended the follow-up
_BACK = (("REJECT", "REJECTED", CS), ("RETURN_TO_CUSTOMER", "RETURNED_TO_CUSTOMER", LOG))


def _closed(prefix: tuple[Move, ...], calls: int) -> tuple[Move, ...]:
    """Follow-up after `prefix`: `calls` unanswered calls, then the one that closes it
    (reached, or with two unanswered before it, the third failed attempt)."""
    return (*prefix, _FOLLOW, *([_CALL] * calls), _CLOSE)


_FINISHED = {(RETURN, 6, 26.0), (RETURN, 7, 8.0), (EXCHANGE, 7, 10.0)}
OUTCOMES: tuple[Outcome, ...] = (
    *(o for o in rd.OUTCOMES if (o.flow, len(o.moves), o.weight) not in _FINISHED),
    _o(RETURN, 6, 3.0),  # waiting for finance
    _o(RETURN, 6, 2.0, (_REFUND, _FOLLOW)),  # waiting for the call
    _o(RETURN, 6, 19.0, _closed((_REFUND,), 0)),
    _o(RETURN, 7, 5.0, _closed((_REFUND,), 0)),  # paid in two parts
    _o(RETURN, 6, 3.0, _closed((_REFUND,), 1)),
    _o(RETURN, 6, 2.0, _closed((_REFUND,), 2)),  # unreachable
    _o(EXCHANGE, 7, 1.0),
    _o(EXCHANGE, 6, 8.0, _closed((), 0)),
    _o(EXCHANGE, 6, 1.0, _closed((), 2)),
    _o(RETURN, 5, 1.0, _closed(_BACK, 0)),
)
SATISFACTION = ((1, 2, 3, 4, 5), (5, 8, 12, 30, 45))
FEEDBACK = ["", "", "退款很快 quick refund", "客服态度好 friendly", "等太久 took too long"]

_MOVEMENT = (
    "INSERT INTO stock_movement (id, kind, product_id, from_location_id, to_location_id,"
    " quantity, actor_id, reference_type, reference, reason, created_at)"
    " VALUES (?,?,?,?,?,?,?,?,?,'',?)"
)
_SHIPMENT = (
    "INSERT INTO shipment (id, waybill, courier, status, shipped_at, delivered_at,"
    " created_by_id, order_id) VALUES (?,?,?,'DELIVERED',?,?,?,?)"
)
_SHIPMENT_LINE = (
    "INSERT INTO shipment_line (id, quantity, movement_id, product_id, shipment_id)"
    " VALUES (?,?,?,?,?)"
)
_CALL_ROW = (
    "INSERT INTO follow_up_call (attempt, reached, outcome, satisfaction, feedback,"
    " new_problem, at, caller_id, linked_ticket_id, ticket_id) VALUES (?,?,?,?,?,'NONE',?,?,NULL,?)"
)
_BALANCE = (
    "INSERT INTO stock_balance (product_id, location_id, warehouse_id, on_hand, reserved,"
    " updated_at) VALUES (?,?,?,?,0,?) ON CONFLICT (product_id, location_id)"
    " DO UPDATE SET on_hand = on_hand + excluded.on_hand, updated_at = excluded.updated_at"
)


@dataclass
class _Move:
    """A movement before the ledger simulation gives it its place and id."""

    at: float
    kind: str
    product: int
    source: int | None
    target: int | None
    quantity: int
    actor: int
    reference_type: str = ""
    reference: str = ""
    id: int = 0


@dataclass
class _Warehouse:
    id: int
    kind: str
    sellable: list[int]
    receiving: int
    rework: int
    defective: int


@dataclass
class _Shipped:
    order: int
    waybill: str
    courier: str
    shipped: float
    delivered: float
    lines: list[tuple[int, int, _Move]] = field(default_factory=list)  # product, units


class _AnalyticsGenerator(rd._Generator):
    TICKETS = TICKETS
    CUSTOMERS = CUSTOMERS
    ORDERS = ORDERS
    ORDER_SPAN_DAYS = 360
    OUTCOMES = OUTCOMES

    def __init__(self, db: sqlite3.Connection) -> None:
        super().__init__(db)
        self.places: dict[int, _Warehouse] = {}
        for wid, kind in db.execute("SELECT id, kind FROM warehouse ORDER BY id"):
            bins: dict[str, list[int]] = defaultdict(list)
            for lid, zone in db.execute(
                "SELECT id, zone_kind FROM location WHERE warehouse_id = ? AND active"
                " ORDER BY code",
                [wid],
            ):
                bins[zone].append(lid)
            self.places[wid] = _Warehouse(
                wid,
                kind,
                bins["SELLABLE"],
                bins["RECEIVING"][0],
                bins["REWORK"][0],
                bins["DEFECTIVE"][0],
            )
        self.warehouse_of_location = {
            lid: w.id
            for w in self.places.values()
            for lid in (*w.sellable, w.receiving, w.rework, w.defective)
        }
        for wid, pending in self.ref.pending.items():
            self.warehouse_of_location.update({lid: wid for lid, _code in pending})
        self.own = next(w.id for w in self.places.values() if w.kind == "OWN")
        self.consignment = next(w.id for w in self.places.values() if w.kind == "CONSIGNMENT")
        self.product_index = {p[0]: n for n, p in enumerate(self.ref.products)}
        self.order_warehouse: dict[int, int] = {}
        self.shipped: list[_Shipped] = []
        self.moves: list[_Move] = []
        self.grades: dict[int, str] = {}  # return line id -> its QC grade
        self.failed_calls: dict[int, int] = defaultdict(int)
        self.calls: list[tuple[Any, ...]] = []
        self.first_id = {
            table: db.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}").fetchone()[0]
            for table in ("stock_movement", "shipment", "shipment_line")
        }

    # ------------------------------------------------------------------ build

    def build(self) -> None:
        self.orders_and_customers()
        self.shipments()
        self.tickets()
        self.ledger()

    def home(self, warehouse: int, product: int) -> int:
        """The sellable bin a product is kept in, per warehouse."""
        bins = self.places[warehouse].sellable
        return bins[self.product_index[product] % len(bins)]

    def shipments(self) -> None:
        """One shipment per order, a SHIPMENT movement per line, from the order's warehouse."""
        rng, users = self.rng, self.ref.users
        for order in self.orders:
            warehouse = self.consignment if rng.random() < CONSIGNMENT_SHARE else self.own
            self.order_warehouse[order.id] = warehouse
            shipped = order.delivered - (0.8 + rng.random() * 0.2) * DAY
            parcel = _Shipped(
                order.id, f"WB{order.id:010d}", rng.choice(rd.COURIERS), shipped, order.delivered
            )
            for _line, product, quantity, _cents in order.lines:
                move = _Move(
                    shipped,
                    "SHIPMENT",
                    product,
                    self.home(warehouse, product),
                    None,
                    quantity,
                    users[LOG],
                    "ORDER",
                    order.number,
                )
                self.moves.append(move)
                parcel.lines.append((product, quantity, move))
            self.shipped.append(parcel)

    # ------------------------------------------------------------------ ticket hooks

    def _warehouse(self, order: _Order | None) -> int:
        if order is None:
            return super()._warehouse(order)
        return self.order_warehouse[order.id]

    def _inspections(
        self, tid: int, action: str, lines: Sequence[Sequence[Any]], stamp: str, outcome: Outcome
    ) -> None:
        first = len(self.rows.inspection)
        super()._inspections(tid, action, lines, stamp, outcome)
        for row in self.rows.inspection[first:]:
            if row[0] == "QC":
                self.grades[row[10]] = row[3]

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
        action = step[0]
        users = self.ref.users
        place = self.places[warehouse]

        def book(kind: str, source: int | None, target: int | None, product: int, n: int) -> None:
            self.moves.append(
                _Move(at, kind, product, source, target, n, users[WH], "TICKET", number)
            )

        received = [(line[4], line[3], line[0]) for line in lines if line[3]]
        if action == "UNPACK" or (action == "RECEIVE" and before == "RESHIPPED"):
            for product, units, _line in received:
                book("MOVE_TO_PENDING", None, pending_bin, product, units)
        elif action in ("ACCEPT", "PUT_AWAY"):
            for product, units, line in received:
                grade = self.grades.get(line, "A")
                if grade == "A":
                    book(
                        "RETURN_TO_STOCK",
                        pending_bin,
                        self.home(warehouse, product),
                        product,
                        units,
                    )
                elif grade == "B":
                    book("MOVE_TO_REWORK", pending_bin, place.rework, product, units)
                else:
                    book("MOVE_TO_DEFECTIVE", pending_bin, place.defective, product, units)
        elif action == "RETURN_TO_CUSTOMER":
            for product, units, _line in received:
                book("SHIPMENT", pending_bin, None, product, units)
        elif action == "FOLLOW_UP_CALL":
            self.failed_calls[tid] += 1
            self.calls.append(
                (self.failed_calls[tid], 0, "NO_ANSWER", None, "", _ts(at), users[CS], tid)
            )
        elif action == "CLOSE" and before == "FOLLOW_UP":
            attempt = self.failed_calls[tid] + 1
            if attempt == 3:
                self.calls.append((3, 0, "UNREACHABLE", None, "", _ts(at), users[CS], tid))
            else:
                score = self.rng.choices(*SATISFACTION)[0]
                feedback = self.rng.choice(FEEDBACK)
                self.calls.append((attempt, 1, "REACHED", score, feedback, _ts(at), users[CS], tid))

    # ------------------------------------------------------------------ the ledger

    def ledger(self) -> None:
        """Every movement in time order; a sellable bin about to run short is replenished
        first (a receipt, then transfers to the bin); ids follow the time order."""
        self.moves.sort(key=lambda m: m.at)
        sellable = {lid for w in self.places.values() for lid in w.sellable}
        balances: dict[tuple[int, int], int] = defaultdict(int)
        receipts: list[tuple[_Move, _Move]] = []
        for move in self.moves:
            if move.source is not None:
                key = (move.product, move.source)
                if balances[key] < move.quantity:
                    if move.source not in sellable:
                        raise RuntimeError(f"{move} takes more than its bin holds")
                    receipt, transfer = self._replenish(move, balances[key])
                    receipts.append((receipt, transfer))
                    balances[key] += transfer.quantity
                balances[key] -= move.quantity
            if move.target is not None:
                balances[(move.product, move.target)] += move.quantity
        planned = list(self.moves)
        wanted = MOVEMENTS - len(planned) - 2 * len(receipts)  # transfers beyond one each
        if wanted < 0:
            raise RuntimeError(f"{-wanted} movements over {MOVEMENTS:,}: generate fewer orders")
        for n, (receipt, whole) in enumerate(receipts):
            left = len(receipts) - n
            extra = min(-(-wanted // left), whole.quantity - 1)  # a transfer moves one unit
            wanted -= extra
            parts = extra + 1
            sizes = [whole.quantity // parts] * parts
            sizes[-1] += whole.quantity - sum(sizes)
            gap = whole.at - receipt.at
            planned.append(receipt)
            planned.extend(
                _Move(
                    receipt.at + gap * (k + 1) / parts,
                    "TRANSFER",
                    whole.product,
                    whole.source,
                    whole.target,
                    size,
                    whole.actor,
                )
                for k, size in enumerate(sizes)
            )
        if wanted:
            raise RuntimeError(f"could not place {wanted} more transfers")
        planned.sort(key=lambda m: m.at)
        for n, move in enumerate(planned):
            move.id = self.first_id["stock_movement"] + n
        self.moves = planned

    def _replenish(self, move: _Move, held: int) -> tuple[_Move, _Move]:
        """A receipt into the warehouse's receiving bin some hours before `move`, and its
        transfer to the bin `move` takes from (split later)."""
        rng, users = self.rng, self.ref.users
        warehouse = self.places[self.warehouse_of_location[move.source or 0]]
        low, high = BATCH[warehouse.kind]
        units = max(move.quantity - held, rng.randint(low, high))
        received = move.at - (2 + rng.random() * 46) * 3600
        receipt = _Move(
            received,
            "RECEIPT",
            move.product,
            None,
            warehouse.receiving,
            units,
            users[WH],
            "RECEIPT",
            f"PO-{int(received) % 10_000_000:07d}",
        )
        transfer = _Move(
            move.at - 600,
            "TRANSFER",
            move.product,
            warehouse.receiving,
            move.source,
            units,
            users[WH],
        )
        return receipt, transfer

    # ------------------------------------------------------------------ writing

    def write(self, db: sqlite3.Connection) -> dict[str, int]:
        counts = super().write(db)
        db.executemany(
            _MOVEMENT,
            (
                (
                    m.id,
                    m.kind,
                    m.product,
                    m.source,
                    m.target,
                    m.quantity,
                    m.actor,
                    m.reference_type,
                    m.reference,
                    _ts(m.at),
                )
                for m in self.moves
            ),
        )
        counts["stock_movement"] = len(self.moves)
        shipment_id = self.first_id["shipment"]
        line_id = self.first_id["shipment_line"]
        shipments, shipment_lines = [], []
        for parcel in self.shipped:
            shipments.append(
                (
                    shipment_id,
                    parcel.waybill,
                    parcel.courier,
                    _ts(parcel.shipped),
                    _ts(parcel.delivered),
                    self.ref.users[LOG],
                    parcel.order,
                )
            )
            for product, quantity, move in parcel.lines:
                shipment_lines.append((line_id, quantity, move.id, product, shipment_id))
                line_id += 1
            shipment_id += 1
        db.executemany(_SHIPMENT, shipments)
        db.executemany(_SHIPMENT_LINE, shipment_lines)
        counts["shipment"], counts["shipment_line"] = len(shipments), len(shipment_lines)
        # what the services keep as they go (each return line's courier, each shipment
        # line's warehouse, each ticket's stage seconds), as migration 0010 backfills it
        for sql in (*_ANALYTICS_KEYS.BACKFILL, _ANALYTICS_KEYS.stage_seconds("sqlite")):
            db.execute(sql)
        db.executemany(_CALL_ROW, self.calls)
        counts["follow_up_call"] = len(self.calls)
        stamp = _ts(self.now)
        net: dict[tuple[int, int], int] = defaultdict(int)
        for m in self.moves:
            if m.source is not None:
                net[(m.product, m.source)] -= m.quantity
            if m.target is not None:
                net[(m.product, m.target)] += m.quantity
        db.executemany(
            _BALANCE,
            (
                (product, location, self.warehouse_of_location[location], units, stamp)
                for (product, location), units in net.items()
            ),
        )
        counts["stock_balance"] = len(net)
        return counts


def generate(path: Path) -> tuple[dict[str, int], dict[str, float]]:
    return rd.generate(path, _AnalyticsGenerator)


def ensure_database(say: Any = None) -> tuple[Path, dict[str, Any]]:
    """The cached 200,000-ticket database, built first if missing."""
    key = rd.cache_key(Path(__file__).resolve())
    return rd.cached_database("analytics", key, generate, say)


if __name__ == "__main__":  # build (or find) the cached database on its own
    found, info = ensure_database(lambda s: sys.stdout.write(s + "\n"))
    sys.stdout.write(json.dumps(info, indent=2) + "\n")
