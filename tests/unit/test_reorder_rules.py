"""Reorder levels in domain/inventory/reorder.py: what a policy may say, when it crosses,
the demand and the suggested quantity."""

from __future__ import annotations

import pytest

from backend.domain.errors import DomainError, ErrorCode
from backend.domain.inventory.reorder import (
    check_levels,
    crossing,
    daily_demand,
    suggested_quantity,
)


@pytest.mark.parametrize(
    ("point", "safety", "days"),
    [(0, 0, 1), (10, 10, 30), (10, 0, 365), (1_000_000, 5, 7)],
)
def test_a_policy_takes_point_at_or_above_safety_stock_and_one_to_365_cover_days(
    point, safety, days
):
    levels = check_levels(point, safety, days)
    assert (levels.reorder_point, levels.safety_stock, levels.cover_days) == (point, safety, days)


@pytest.mark.parametrize(
    ("point", "safety", "days", "field", "code"),
    [
        (5, 6, 30, "reorderPoint", ErrorCode.INVALID_QUANTITY),
        (5, -1, 30, "safetyStock", ErrorCode.INVALID_QUANTITY),
        (-1, -1, 30, "safetyStock", ErrorCode.INVALID_QUANTITY),
        (1_000_001, 0, 30, "reorderPoint", ErrorCode.INVALID_QUANTITY),
        (5, 0, 0, "coverDays", ErrorCode.INVALID),
        (5, 0, 366, "coverDays", ErrorCode.INVALID),
    ],
)
def test_impossible_policies_are_refused_naming_the_field(point, safety, days, field, code):
    with pytest.raises(DomainError) as refused:
        check_levels(point, safety, days)
    assert (refused.value.field, refused.value.code) == (field, code)


def test_going_to_or_below_the_point_is_a_crossing_down_once():
    assert crossing(False, 10, 10) is True  # at the point counts as low
    assert crossing(False, 3, 10) is True
    assert crossing(True, 2, 10) is None  # already below: no new crossing
    assert crossing(True, 10, 10) is None


def test_rising_above_the_point_resets_and_staying_above_is_no_crossing():
    assert crossing(True, 11, 10) is False
    assert crossing(False, 11, 10) is None


def test_daily_demand_is_thirty_days_of_shipments_over_thirty():
    assert daily_demand(45) == 1.5
    assert daily_demand(0) == 0.0


@pytest.mark.parametrize(
    ("shipped", "cover", "safety", "available", "expected"),
    [
        (45, 30, 5, 10, 40),  # 1.5/day x 30 = 45, + 5 - 10
        (45, 7, 0, 0, 11),  # 1.5 x 7 = 10.5 -> 11
        (3, 30, 0, 0, 3),  # 0.1 x 30 is exactly 3 (no float 3.0000000000000004 -> 4)
        (1, 1, 0, 0, 1),  # 1/30 of a unit a day, one day: still one unit
        (0, 30, 4, 1, 3),  # no demand: top up to the safety stock
        (30, 10, 2, 50, 0),  # plenty available: never negative
    ],
)
def test_suggested_quantity_covers_demand_plus_safety_less_available(
    shipped, cover, safety, available, expected
):
    found = suggested_quantity(
        shipped_units=shipped, cover_days=cover, safety_stock=safety, available=available
    )
    assert found == expected
