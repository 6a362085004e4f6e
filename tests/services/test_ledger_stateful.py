"""Hypothesis drives the real stock services against the real database in random orders of
receive, transfer, ship (plain and from a reservation), count, reserve, release, replays of
earlier idempotency keys and reuses of a key for another input. A plain model says what each
step must do; after every step the database must match the model and the ledger check must
pass. Refusals (DomainError) are expected outcomes and must change nothing.

The services are async and Hypothesis' state machines are sync, so the test owns an event
loop and each rule runs its coroutine to completion on it."""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)
from tortoise import Tortoise

from backend.domain.errors import DomainError, ErrorCode
from backend.domain.stock.kinds import ZoneKind
from backend.pubsub.memory import MemoryPubSub
from backend.services.idempotency import Answer
from backend.services.stock import booking, reservations
from backend.services.stock.commands import (
    AdjustStock,
    Command,
    ReceiveStock,
    ReleaseStock,
    ReserveStock,
    ShipStock,
    TransferStock,
)
from backend.services.stock.health import check_ledger
from tests.services._ledger_world import (
    BINS,
    DEFECTIVE,
    PENDING,
    SELLABLE,
    SKUS,
    Database,
    Snapshot,
    movement_id,
    snapshot,
)

SERVICES: dict[type[Command], Callable[..., Awaitable[Answer]]] = {
    ReceiveStock: booking.receive_stock,
    TransferStock: booking.transfer_stock,
    ShipStock: booking.ship_stock,
    AdjustStock: booking.adjust_stock,
    ReserveStock: reservations.reserve_stock,
    ReleaseStock: reservations.release_stock,
}

skus = st.sampled_from(SKUS)
# Most traffic goes to the sellable bin, so reservations and shipments there often succeed.
bins = st.sampled_from([SELLABLE, SELLABLE, SELLABLE, DEFECTIVE, PENDING])
quantities = st.integers(min_value=1, max_value=6)
orders = st.sampled_from(["ORD-1", "ORD-2"])


class LedgerMachine(RuleBasedStateMachine):
    db: Database  # set by the test before the machine runs

    done = Bundle("done")  # (command, answer) of commands that succeeded

    def __init__(self) -> None:
        super().__init__()
        self.actor = self.db.start_example()
        self.pubsub = MemoryPubSub()
        self.keys = 0
        self.on_hand: Counter[tuple[str, str]] = Counter()
        self.reserved: Counter[tuple[str, str]] = Counter()
        self.held: dict[tuple[str, str, str], int] = {}  # rows stay, even when at zero
        self.movements: list[tuple[str, str | None, str | None, int]] = []
        self.records = 0
        self.last: Snapshot = self.db.run(snapshot())

    def teardown(self) -> None:
        self.db.end_example()

    # -- running commands -------------------------------------------------------------------

    def _key(self) -> str:
        self.keys += 1
        return f"key-{self.keys}"

    def _call(self, cmd: Command) -> Answer | DomainError:
        try:
            return self.db.run(SERVICES[type(cmd)](self.pubsub, self.actor, cmd))
        except DomainError as refused:
            return refused

    def _expect_refusal(self, cmd: Command, code: ErrorCode) -> Any:
        outcome = self._call(cmd)
        assert isinstance(outcome, DomainError), f"{cmd} should fail with {code}, got {outcome}"
        assert outcome.code is code, f"{cmd}: expected {code}, got {outcome!r}"
        assert self.db.run(snapshot()) == self.last, f"refused {cmd} changed the database"
        return multiple()

    def _expect_success(
        self, cmd: Command, movement: tuple[str, str | None, str | None, int] | None = None
    ) -> tuple[Command, Answer]:
        outcome = self._call(cmd)
        assert isinstance(outcome, Answer), f"{cmd} should succeed, got {outcome!r}"
        assert outcome.replayed is False
        self.records += 1
        if movement is not None:
            self.movements.append(movement)
            assert movement_id(outcome.response) is not None
        return cmd, outcome

    def _available(self, sku: str, code: str) -> int:
        return self.on_hand[sku, code] - self.reserved[sku, code]

    def _reservation(self, data: st.DataObject) -> tuple[str, str, str]:
        """Mostly an open reservation, sometimes any (sku, bin, order) at all."""
        anything = st.tuples(skus, bins, orders)
        if not self.held:
            return data.draw(anything)
        return data.draw(st.sampled_from(sorted(self.held)) | anything)

    # -- rules ------------------------------------------------------------------------------

    @initialize(target=done, quantity=st.integers(min_value=0, max_value=15))
    def stock_the_sellable_bin(self, quantity):
        if quantity == 0:
            return multiple()
        return multiple(*(self.receive(sku, SELLABLE, quantity) for sku in SKUS))

    @rule(target=done, sku=skus, code=bins, quantity=st.integers(min_value=1, max_value=20))
    def receive(self, sku, code, quantity):
        cmd = ReceiveStock(self._key(), sku, code, quantity, reference="PO-1")
        self.on_hand[sku, code] += quantity
        return self._expect_success(cmd, (sku, None, code, quantity))

    @rule(
        target=done,
        sku=skus,
        source=bins,
        target_bin=st.sampled_from(sorted(BINS)),
        quantity=quantities,
    )
    def transfer(self, sku, source, target_bin, quantity):
        cmd = TransferStock(self._key(), sku, source, target_bin, quantity)
        if source == target_bin:
            return self._expect_refusal(cmd, ErrorCode.SAME_LOCATION)
        if BINS[source] is ZoneKind.PENDING:
            return self._expect_refusal(cmd, ErrorCode.PENDING_NEEDS_QC)
        if self._available(sku, source) < quantity:
            return self._expect_refusal(cmd, ErrorCode.INSUFFICIENT_STOCK)
        self.on_hand[sku, source] -= quantity
        self.on_hand[sku, target_bin] += quantity
        return self._expect_success(cmd, (sku, source, target_bin, quantity))

    @rule(target=done, sku=skus, code=bins, quantity=quantities)
    def ship(self, sku, code, quantity):
        cmd = ShipStock(self._key(), sku, code, quantity, reference="ORD-9")
        if BINS[code] is ZoneKind.PENDING:
            return self._expect_refusal(cmd, ErrorCode.PENDING_NEEDS_QC)
        if self._available(sku, code) < quantity:
            return self._expect_refusal(cmd, ErrorCode.INSUFFICIENT_STOCK)
        self.on_hand[sku, code] -= quantity
        return self._expect_success(cmd, (sku, code, None, quantity))

    @rule(target=done, data=st.data(), quantity=quantities)
    def ship_reserved(self, data, quantity):
        sku, code, order = self._reservation(data)
        cmd = ShipStock(self._key(), sku, code, quantity, reference=order, from_reservation=True)
        if BINS[code] is ZoneKind.PENDING:
            return self._expect_refusal(cmd, ErrorCode.PENDING_NEEDS_QC)
        if (sku, code, order) not in self.held:
            return self._expect_refusal(cmd, ErrorCode.UNKNOWN_RESERVATION)
        if self.held[sku, code, order] < quantity:
            return self._expect_refusal(cmd, ErrorCode.RESERVATION_TOO_SMALL)
        self.held[sku, code, order] -= quantity
        self.reserved[sku, code] -= quantity
        self.on_hand[sku, code] -= quantity
        return self._expect_success(cmd, (sku, code, None, quantity))

    @rule(target=done, sku=skus, code=bins, counted=st.integers(min_value=0, max_value=20))
    def count(self, sku, code, counted):
        cmd = AdjustStock(self._key(), sku, code, counted, reason="cycle count")
        if counted < self.reserved[sku, code]:
            return self._expect_refusal(cmd, ErrorCode.COUNT_BELOW_RESERVED)
        difference = counted - self.on_hand[sku, code]
        self.on_hand[sku, code] = counted
        if difference == 0:
            cmd, answer = self._expect_success(cmd)
            assert movement_id(answer.response) is None
            return cmd, answer
        source, target = (code, None) if difference < 0 else (None, code)
        return self._expect_success(cmd, (sku, source, target, abs(difference)))

    @rule(target=done, sku=skus, code=bins, order=orders, quantity=quantities)
    def reserve(self, sku, code, order, quantity):
        cmd = ReserveStock(self._key(), sku, code, quantity, order)
        if BINS[code] is not ZoneKind.SELLABLE:
            return self._expect_refusal(cmd, ErrorCode.RESERVE_ONLY_SELLABLE)
        if self._available(sku, code) < quantity:
            return self._expect_refusal(cmd, ErrorCode.INSUFFICIENT_STOCK)
        self.reserved[sku, code] += quantity
        self.held[sku, code, order] = self.held.get((sku, code, order), 0) + quantity
        return self._expect_success(cmd)

    @rule(target=done, data=st.data(), quantity=quantities)
    def release(self, data, quantity):
        sku, code, order = self._reservation(data)
        cmd = ReleaseStock(self._key(), sku, code, quantity, order)
        if (sku, code, order) not in self.held:
            return self._expect_refusal(cmd, ErrorCode.UNKNOWN_RESERVATION)
        if self.held[sku, code, order] < quantity:
            return self._expect_refusal(cmd, ErrorCode.RESERVATION_TOO_SMALL)
        self.reserved[sku, code] -= quantity
        self.held[sku, code, order] -= quantity
        return self._expect_success(cmd)

    @rule(earlier=done)
    def replay(self, earlier):
        cmd, first = earlier
        again = self._call(cmd)
        assert isinstance(again, Answer), f"replaying {cmd} failed: {again!r}"
        assert again.replayed is True
        assert again.response == first.response
        assert self.db.run(snapshot()) == self.last, f"replaying {cmd} changed the database"

    @rule(earlier=done)
    def reuse_key_for_another_input(self, earlier):
        cmd, _ = earlier
        field = "counted_quantity" if isinstance(cmd, AdjustStock) else "quantity"
        other = dataclasses.replace(cmd, **{field: getattr(cmd, field) + 1})
        self._expect_refusal(other, ErrorCode.IDEMPOTENCY_KEY_REUSED)

    # -- invariants -------------------------------------------------------------------------

    @invariant()
    def database_matches_the_model_and_the_ledger(self):
        now: Snapshot = self.db.run(snapshot())
        health = self.db.run(check_ledger())
        assert health.ok, health.mismatches
        for (sku, code), (on_hand, reserved) in now.balances.items():
            assert 0 <= reserved <= on_hand, (sku, code, on_hand, reserved)
            assert on_hand == self.on_hand[sku, code], (sku, code)
            assert reserved == self.reserved[sku, code], (sku, code)
        booked = {key for key, (on_hand, _) in now.balances.items()}
        assert {key for key, qty in self.on_hand.items() if qty} <= booked
        assert now.reservations == self.held
        assert now.movements == self.movements
        assert now.idempotency_records == self.records
        moved: Counter[tuple[str, str]] = Counter()
        for sku, source, target, quantity in now.movements:
            moved[sku, source] -= quantity if source else 0
            moved[sku, target] += quantity if target else 0
        for key, (on_hand, _) in now.balances.items():
            assert moved[key] == on_hand, f"{key}: balance {on_hand}, movements sum {moved[key]}"
        self.last = now


def test_random_command_sequences_keep_the_ledger_and_balances_in_agreement(
    migrated_template, tmp_path
):
    loop = asyncio.new_event_loop()
    try:
        LedgerMachine.db = Database(loop, migrated_template, tmp_path)
        run_state_machine_as_test(
            LedgerMachine,
            settings=settings(
                derandomize=True,
                database=None,
                max_examples=60,
                stateful_step_count=30,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow],
            ),
        )
    finally:
        loop.run_until_complete(Tortoise.close_connections())
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
