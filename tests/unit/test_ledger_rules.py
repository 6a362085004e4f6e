"""The ledger arithmetic and the rules on where stock may go (backend/domain/stock/ledger.py)."""

from __future__ import annotations

import pytest

from backend.domain.errors import DomainError, ErrorCode
from backend.domain.stock import ledger
from backend.domain.stock.kinds import MovementKind, ZoneKind
from backend.domain.stock.ledger import BalanceChange, MovementLine

SELLABLE_BIN, OTHER_BIN = 11, 12


def test_a_receipt_only_raises_the_destination():
    assert ledger.balance_changes(None, SELLABLE_BIN, 5) == [BalanceChange(SELLABLE_BIN, 5)]


def test_a_shipment_only_lowers_the_source():
    assert ledger.balance_changes(SELLABLE_BIN, None, 3) == [BalanceChange(SELLABLE_BIN, -3)]


def test_a_transfer_lowers_the_source_and_raises_the_destination_by_the_same_amount():
    changes = ledger.balance_changes(SELLABLE_BIN, OTHER_BIN, 4)
    assert changes == [BalanceChange(SELLABLE_BIN, -4), BalanceChange(OTHER_BIN, 4)]
    assert sum(c.on_hand_delta for c in changes) == 0


@pytest.mark.parametrize("quantity", [0, -1])
def test_a_movement_of_nothing_or_less_is_a_programming_error(quantity):
    with pytest.raises(ValueError, match="positive"):
        ledger.balance_changes(None, SELLABLE_BIN, quantity)


def test_a_movement_from_nowhere_to_nowhere_is_a_programming_error():
    with pytest.raises(ValueError, match="source or a destination"):
        ledger.balance_changes(None, None, 1)


def test_replay_sums_movements_per_product_and_bin():
    lines = [
        MovementLine(1, None, SELLABLE_BIN, 10),  # receive 10
        MovementLine(1, SELLABLE_BIN, OTHER_BIN, 4),  # move 4
        MovementLine(1, SELLABLE_BIN, None, 2),  # ship 2
        MovementLine(2, None, SELLABLE_BIN, 7),  # another product, same bin
    ]
    assert ledger.replay(lines) == {
        (1, SELLABLE_BIN): 4,
        (1, OTHER_BIN): 4,
        (2, SELLABLE_BIN): 7,
    }


def test_replay_of_an_empty_ledger_is_empty():
    assert ledger.replay([]) == {}


def test_replay_keeps_a_bin_that_was_emptied_at_zero():
    lines = [MovementLine(1, None, SELLABLE_BIN, 3), MovementLine(1, SELLABLE_BIN, None, 3)]
    assert ledger.replay(lines) == {(1, SELLABLE_BIN): 0}


def test_a_count_above_the_books_calls_for_a_positive_adjustment():
    assert ledger.count_difference(on_hand=5, reserved=0, counted=8) == 3


def test_a_count_below_the_books_calls_for_a_negative_adjustment():
    assert ledger.count_difference(on_hand=5, reserved=2, counted=2) == -3


def test_a_matching_count_calls_for_no_adjustment():
    assert ledger.count_difference(on_hand=5, reserved=5, counted=5) == 0


def test_a_count_below_what_is_reserved_is_refused():
    with pytest.raises(DomainError) as refused:
        ledger.count_difference(on_hand=5, reserved=3, counted=2)
    assert refused.value.code is ErrorCode.COUNT_BELOW_RESERVED
    assert refused.value.field == "countedQuantity"


@pytest.mark.parametrize(
    "kind", [MovementKind.RECEIPT, MovementKind.SHIPMENT, MovementKind.TRANSFER]
)
def test_a_correction_moves_the_same_quantity_back_the_other_way(kind):
    line = MovementLine(1, SELLABLE_BIN, OTHER_BIN, 6)
    reversal = ledger.reversal_of(kind, line, already_corrected=False)
    assert (reversal.from_location_id, reversal.to_location_id) == (OTHER_BIN, SELLABLE_BIN)
    assert reversal.quantity == 6


def test_correcting_a_receipt_takes_the_goods_back_out():
    reversal = ledger.reversal_of(
        MovementKind.RECEIPT, MovementLine(1, None, SELLABLE_BIN, 2), already_corrected=False
    )
    assert (reversal.from_location_id, reversal.to_location_id) == (SELLABLE_BIN, None)


def test_a_correction_and_its_original_cancel_out_in_the_ledger():
    original = MovementLine(1, SELLABLE_BIN, OTHER_BIN, 6)
    reversal = ledger.reversal_of(MovementKind.TRANSFER, original, already_corrected=False)
    back = MovementLine(1, reversal.from_location_id, reversal.to_location_id, reversal.quantity)
    assert ledger.replay([original, back]) == {(1, SELLABLE_BIN): 0, (1, OTHER_BIN): 0}


def test_a_movement_is_corrected_at_most_once():
    with pytest.raises(DomainError) as refused:
        ledger.reversal_of(
            MovementKind.RECEIPT, MovementLine(1, None, SELLABLE_BIN, 2), already_corrected=True
        )
    assert refused.value.code is ErrorCode.ALREADY_CORRECTED


@pytest.mark.parametrize("kind", [MovementKind.CORRECTION, MovementKind.MOVE_TO_PENDING])
def test_corrections_and_returns_decisions_are_not_correctable(kind):
    with pytest.raises(DomainError) as refused:
        ledger.reversal_of(kind, MovementLine(1, SELLABLE_BIN, OTHER_BIN, 1), False)
    assert refused.value.code is ErrorCode.NOT_CORRECTABLE


def test_goods_may_not_leave_the_pending_zone_by_hand():
    with pytest.raises(DomainError) as refused:
        ledger.check_manual_exit(ZoneKind.PENDING, "fromLocationCode")
    assert refused.value.code is ErrorCode.PENDING_NEEDS_QC
    assert refused.value.field == "fromLocationCode"


@pytest.mark.parametrize("zone", sorted(set(ZoneKind) - {ZoneKind.PENDING}))
def test_goods_may_leave_every_other_zone_by_hand(zone):
    assert ledger.check_manual_exit(zone, "locationCode") is None


def test_only_sellable_stock_can_be_reserved():
    assert ledger.check_reservable(ZoneKind.SELLABLE) is None
    for zone in set(ZoneKind) - {ZoneKind.SELLABLE}:
        with pytest.raises(DomainError) as refused:
            ledger.check_reservable(zone)
        assert refused.value.code is ErrorCode.RESERVE_ONLY_SELLABLE


def test_a_transfer_into_the_same_bin_is_refused():
    with pytest.raises(DomainError) as refused:
        ledger.check_distinct(SELLABLE_BIN, SELLABLE_BIN)
    assert refused.value.code is ErrorCode.SAME_LOCATION
    assert ledger.check_distinct(SELLABLE_BIN, OTHER_BIN) is None


def test_too_little_stock_says_how_much_is_available():
    error = ledger.insufficient(available=2, wanted=5)
    assert error.code is ErrorCode.INSUFFICIENT_STOCK
    assert error.message == "Only 2 available here; 5 requested."
