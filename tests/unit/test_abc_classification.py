"""ABC classification in domain/inventory/abc.py: cut-offs, ranking, ties, edge cases."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from backend.domain.errors import DomainError, ErrorCode
from backend.domain.inventory.abc import (
    Consumption,
    check_cutoffs,
    check_period,
    class_counts,
    classify,
)
from backend.domain.inventory.kinds import AbcClass

DEFAULT = check_cutoffs(80, 15)


def items(**values: str) -> list[Consumption]:
    return [Consumption(n, sku, Decimal(v)) for n, (sku, v) in enumerate(values.items(), 1)]


def classes(found: list) -> dict[str, str]:
    return {c.sku: c.abc_class.value for c in found}


def test_the_product_that_crosses_the_a_cut_off_is_still_a():
    # total 100: P1 before 0 -> A, P2 before 50 -> A (crosses 80), P3 before 85 -> B (< 95),
    # P4 before 95 -> C, P5 before 98 -> C
    found = classify(items(P1="50", P2="35", P3="10", P4="3", P5="2"), DEFAULT)
    assert classes(found) == {"P1": "A", "P2": "A", "P3": "B", "P4": "C", "P5": "C"}


def test_a_product_starting_exactly_at_the_cut_off_falls_in_the_next_class():
    # P1 is exactly 80 %: P2 starts at 80 (not below 80) -> B; P3 starts at 95 -> C
    found = classify(items(P1="80", P2="15", P3="5"), DEFAULT)
    assert classes(found) == {"P1": "A", "P2": "B", "P3": "C"}


def test_ties_rank_by_sku_and_the_result_is_highest_value_first():
    found = classify(items(ZED="40", ALPHA="40", MID="20"), DEFAULT)
    assert [c.sku for c in found] == ["ALPHA", "ZED", "MID"]
    # ALPHA before 0 -> A, ZED before 40 -> A, MID before 80 -> B
    assert classes(found) == {"ALPHA": "A", "ZED": "A", "MID": "B"}


def test_products_without_consumption_are_c_whatever_the_cut_offs():
    found = classify(items(P1="10", P2="0", P3="0"), check_cutoffs(80, 20))
    assert classes(found) == {"P1": "A", "P2": "C", "P3": "C"}


def test_nothing_consumed_makes_every_product_c():
    found = classify(items(P1="0", P2="0"), DEFAULT)
    assert classes(found) == {"P1": "C", "P2": "C"}
    assert classify([], DEFAULT) == []


def test_custom_cut_offs_move_the_boundaries():
    values = items(P1="50", P2="35", P3="10", P4="3", P5="2")
    # A while before < 50, B while before < 90
    found = classify(values, check_cutoffs(50, 40))
    assert classes(found) == {"P1": "A", "P2": "B", "P3": "B", "P4": "C", "P5": "C"}
    assert class_counts(found) == {AbcClass.A: 1, AbcClass.B: 2, AbcClass.C: 2}
    # no B band: A while before < 85.5, else C
    found = classify(values, check_cutoffs(Decimal("85.5"), 0))
    assert classes(found) == {"P1": "A", "P2": "A", "P3": "A", "P4": "C", "P5": "C"}


def test_shares_are_compared_exactly_not_as_floats():
    # thirds: before P3 is 2/3 = 66.666...%, which is not below 66.67 -> still A only if below
    found = classify(items(P1="1", P2="1", P3="1"), check_cutoffs(Decimal("66.67"), 0))
    assert classes(found) == {"P1": "A", "P2": "A", "P3": "A"}
    found = classify(items(P1="1", P2="1", P3="1"), check_cutoffs(Decimal("66.66"), 0))
    assert classes(found) == {"P1": "A", "P2": "A", "P3": "C"}


@pytest.mark.parametrize(
    ("a", "b", "field"),
    [
        (0, 15, "cutoffA"),
        (-1, 15, "cutoffA"),
        (80, -0.5, "cutoffB"),
        (90, 10.01, "cutoffB"),
        (80.123, 15, "cutoffA"),
        (80, 15.001, "cutoffB"),
        (float("nan"), 15, "cutoffA"),
    ],
)
def test_impossible_cut_offs_are_refused(a, b, field):
    with pytest.raises(DomainError) as refused:
        check_cutoffs(a, b)
    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID, field)


def test_cut_offs_may_fill_the_whole_hundred():
    assert check_cutoffs(100, 0).a == 100
    assert check_cutoffs(60.5, 39.5).b == Decimal("39.5")


def test_the_period_must_not_be_empty_and_is_taken_in_utc():
    start = datetime(2026, 1, 1)  # noqa: DTZ001 - a naive time is read as UTC
    end = datetime(2026, 2, 1, tzinfo=UTC)
    assert check_period(start, end) == (start.replace(tzinfo=UTC), end)
    with pytest.raises(DomainError) as refused:
        check_period(end, end)
    assert refused.value.field == "periodTo"
